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
// Where the live screen is, is a message ref (store/refs.go) named per chat; the outbox records
// it when a screen sent as a new message is delivered, and a screen shown by editing the pressed
// message is recorded at once. Cards and notices (c.Show, c.Reply) do not move it, so a form
// question stays live above an overdose card opened in the middle of the form.

func screenRef(chatID int64) string { return "scr:" + strconv.FormatInt(chatID, 10) }

// reaskNotice is a context key: the step is being asked again, with this notice on top.
type reaskNotice struct{}

// liveScreen returns the live screen's message id, 0 if unknown.
func (a *App) liveScreen(c *bot.Ctx) int {
	r, found, err := c.Tx.Ref(screenRef(c.ChatID))
	if err != nil || !found || r.ChatID != c.ChatID {
		return 0
	}
	return r.MessageID
}

// showStep shows a menu or form step as the live screen: edits the pressed message (and records
// it), or, for a re-ask, edits the question already on screen; otherwise sends a new message and
// takes the buttons off the previous screen.
func (a *App) showStep(c *bot.Ctx, text string, kb bot.Keyboard) {
	if !c.IsPrivate() {
		c.Show(text, kb)
		return
	}
	if c.WillEdit() {
		if prev := a.liveScreen(c); prev != 0 && prev != c.MessageID {
			c.EditKeyboard(c.ChatID, prev, nil) // an older message's button opened a step
		}
		c.Show(text, kb)
		if err := c.Tx.SetRef(screenRef(c.ChatID), store.MessageRef{ChatID: c.ChatID, MessageID: c.MessageID, At: c.Now.Unix()}); err != nil {
			a.log.Warn("screen ref", "err", err)
		}
		return
	}
	prev := a.liveScreen(c)
	if notice, ok := c.Value(reaskNotice{}).(string); ok && prev != 0 {
		c.Edit(c.ChatID, prev, notice+"\n\n"+text, kb)
		return
	}
	a.sendStep(c, text, kb)
}

// sendStep sends a menu or form step as a new message, the new live screen, and takes the
// buttons off the previous one.
func (a *App) sendStep(c *bot.Ctx, text string, kb bot.Keyboard) {
	if prev := a.liveScreen(c); prev != 0 {
		c.EditKeyboard(c.ChatID, prev, nil)
	}
	c.Send(bot.Message{Text: text, Keyboard: kb, Ref: screenRef(c.ChatID)})
}

// reask asks the current step again after a typed answer it cannot take: the question on
// screen is edited to carry notice (or, if it is not known, notice and the question are sent).
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
