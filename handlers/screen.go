package handlers

import (
	"context"
	"strconv"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/store"
)

// The live screen: the one message of a chat whose buttons are current — the menu, or the
// question of a form. When a step moves on to a new message, the message it left loses its
// buttons (editMessageReplyMarkup), so nothing stale looks pressable; a re-asked question edits
// the question already on screen instead of piling up copies; a press on an old message gets a
// toast and nothing else when the current step is already on screen (stale in start.go).
//
// Where the live screen is, is a message ref (store/refs.go) named per chat, written only by
// handlers: the pressed message when a screen is shown by editing it, or the number n of the
// screen sent as a new message. Screen n's own ref (scr:<chat>:<n>) is recorded by the outbox
// when Telegram accepts it; until then the screen is on its way — a quick second message is
// handled meanwhile — and is neither edited nor taken for an older one: a re-ask answers with a
// new message, and the next step takes its buttons off by a call that reads its id when its turn
// comes (the chat's calls go in order). Cards and notices (c.Show, c.Reply) do not move the live
// screen, so a form question stays live above an overdose card opened in the middle of the form.

func screenRef(chatID int64) string { return "scr:" + strconv.FormatInt(chatID, 10) }

// sentScreenRef names the ref of the chat's nth screen sent as a new message.
func sentScreenRef(chatID, n int64) string { return screenRef(chatID) + ":" + strconv.FormatInt(n, 10) }

// keyReasked in a conversation's data marks a step whose question already carries a re-ask
// notice.
const keyReasked = "_reasked"

// reaskNotice is a context key: the step is being asked again, with this notice on top.
type reaskNotice struct{}

// screen reads where the live screen is: its message id when known, or pending when it was sent
// as a new message Telegram has not accepted yet; seq is the number of the last screen sent.
func (a *App) screen(c *bot.Ctx) (id int, pending bool, seq int64) {
	r, found, err := c.Tx.Ref(screenRef(c.ChatID))
	if err != nil || !found || r.ChatID != c.ChatID {
		return 0, false, 0
	}
	if r.MessageID != 0 || r.Seq == 0 {
		return r.MessageID, false, r.Seq // an edited message (or a ref from before screens were numbered)
	}
	s, found, err := c.Tx.Ref(sentScreenRef(c.ChatID, r.Seq))
	switch {
	case err != nil:
		return 0, false, r.Seq
	case !found:
		return 0, true, r.Seq
	case s.Fail != 0 || s.MessageID == 0:
		return 0, false, r.Seq // refused: there is no screen
	}
	return s.MessageID, false, r.Seq
}

// liveScreen returns the live screen's message id, 0 if unknown or still on its way.
func (a *App) liveScreen(c *bot.Ctx) int {
	id, _, _ := a.screen(c)
	return id
}

// setScreen records the live screen: the message id (edited in place), or the number of the
// screen just sent. The previous numbered screen's ref is dropped once the one after it is
// known to be delivered (every call enqueued before it, among them the one that read it, has
// gone by then).
func (a *App) setScreen(c *bot.Ctx, id int, seq int64) {
	if err := c.Tx.SetRef(screenRef(c.ChatID), store.MessageRef{ChatID: c.ChatID, MessageID: id, Seq: seq, At: c.Now.Unix()}); err != nil {
		a.log.Warn("screen ref", "err", err)
	}
}

// dropOldScreen takes the buttons off the live screen (other than the message keep), whether its
// id is known or it is still on its way, and forgets the numbered refs no call can need any more.
func (a *App) dropOldScreen(c *bot.Ctx, keep int) {
	prev, pending, seq := a.screen(c)
	switch {
	case prev != 0 && prev != keep:
		c.EditKeyboard(c.ChatID, prev, nil)
	case pending:
		c.EditKeyboardOf(c.ChatID, sentScreenRef(c.ChatID, seq), nil)
	}
	if seq > 1 && !pending {
		_ = c.Tx.DeleteRef(sentScreenRef(c.ChatID, seq-1))
	}
}

// showStep shows a menu or form step as the live screen: edits the pressed message (and records
// it), or, for a re-ask, edits the question already on screen; otherwise sends a new message and
// takes the buttons off the previous screen.
func (a *App) showStep(c *bot.Ctx, text string, kb bot.Keyboard) {
	if !c.IsPrivate() {
		c.Show(text, kb)
		return
	}
	notice, reasking := c.Value(reaskNotice{}).(string)
	if !reasking && c.ConvData != nil {
		delete(c.ConvData, keyReasked) // a new step is shown without a notice
	}
	_, pending, seq := a.screen(c)
	if c.WillEdit() && pending {
		// The live screen is still on its way: the pressed message loses its buttons and the
		// step comes as a new message, below the one on its way.
		c.EditKeyboard(c.ChatID, c.MessageID, nil)
		c.ShowAsNew()
	}
	if c.WillEdit() {
		a.dropOldScreen(c, c.MessageID) // an older message's button opened a step
		c.Show(text, kb)
		a.setScreen(c, c.MessageID, seq)
		return
	}
	prev := a.liveScreen(c)
	if reasking && prev != 0 {
		text = notice + "\n\n" + text
		// Edit only the question right above what the person typed (message ids are shared by
		// both sides of a private chat), and only once: an edit of a message scrolled away behind
		// a card, or of one already carrying the notice, shows the person nothing.
		first := c.ConvData == nil || c.ConvData[keyReasked] == ""
		if c.ConvData != nil {
			c.ConvData[keyReasked] = "1"
		}
		if first && prev == c.MessageID-1 {
			c.Edit(c.ChatID, prev, text, kb)
			return
		}
	}
	a.sendStep(c, text, kb)
}

// sendStep sends a menu or form step as a new message, the new live screen, and takes the
// buttons off the previous one.
func (a *App) sendStep(c *bot.Ctx, text string, kb bot.Keyboard) {
	_, _, seq := a.screen(c)
	a.dropOldScreen(c, 0)
	c.Send(bot.Message{Text: text, Keyboard: kb, Ref: sentScreenRef(c.ChatID, seq+1)})
	a.setScreen(c, 0, seq+1)
}

// reask asks the current step again after a typed answer it cannot take: the question right
// above the answer is edited to carry notice; otherwise (also when the question is not delivered
// yet) notice and the question are sent anew.
func (a *App) reask(c *bot.Ctx, notice string, ask func()) {
	if a.liveScreen(c) == 0 {
		c.Reply(notice, nil)
		ask()
		return
	}
	saved := c.Context
	c.Context = context.WithValue(c.Context, reaskNotice{}, notice)
	ask()
	c.Context = saved
}
