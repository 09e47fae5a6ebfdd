package handlers

import (
	"slices"

	"github.com/ehra/peerline/bot"
)

// Privacy: /privacy shows the promise; /forget erases everything the bot holds about the person
// after a confirmation.

const stateForgetConfirm bot.State = "forget_confirm"

// privacy shows the privacy promise.
func (a *App) privacy(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	c.Show(a.t(c, "privacy_full", map[string]any{
		"Users": int(a.retention.Users.Hours() / 24),
		"Forms": int(a.retention.Forms.Hours() / 24),
	}), bot.Keyboard{
		bot.Row(bot.Btn(a.t(c, "menu_settings"), "set")),
		bot.Row(bot.Btn(a.t(c, "btn_forget"), "fg:ask")),
		bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu")),
	})
	return bot.Stay(), nil
}

// forget asks for confirmation. The rest of a flow in progress is kept until the answer.
func (a *App) forget(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	c.Show(a.t(c, "forget_confirm"), bot.Keyboard{
		bot.Row(bot.Btn(a.t(c, "forget_yes"), "fg:yes")),
		bot.Row(bot.Btn(a.t(c, "forget_no"), "fg:no")),
	})
	return bot.Goto(stateForgetConfirm), nil
}

// forgetYes erases the person: first the messages in the chat the store knows of (the safe-mode
// trail, recorded message refs, deletions still queued — the confirmation prompt among them when
// safe mode is on), then every record. What it sends after that leaves nothing behind once sent:
// no deletion scheduled, no message id recorded. The last message keeps the 🆘 reply keyboard
// (even a person who erased everything is one tap from first aid); a later /start meets them as
// new.
func (a *App) forgetYes(c *bot.Ctx) (bot.Next, error) {
	if err := a.caseForgotten(c); err != nil { // consult.go: the consultant is told first
		return bot.Stay(), err
	}
	leaving, err := a.staffLeaving(c) // a consultant's or invited admin's record goes too
	if err != nil {
		return bot.Stay(), err
	}
	ids, err := c.Tx.MessagesInChat(c.ChatID)
	if err != nil {
		return bot.Stay(), err
	}
	if err := c.Forget(c.ChatID); err != nil {
		return bot.Stay(), err
	}
	c.DeleteSentAfter(0)
	if leaving {
		a.clearStaffMenu(c.Out, c.UserID)
	}
	c.Answer("")
	c.DeleteMessages(c.ChatID, ids)
	if !slices.Contains(ids, c.MessageID) {
		c.EditKeyboard(c.ChatID, c.MessageID, nil)
	}
	c.Send(bot.Message{Text: a.t(c, "forget_done"), ReplyKeyboard: a.replyKeyboard(c)})
	return bot.End(), nil
}

// forgetNo keeps everything.
func (a *App) forgetNo(c *bot.Ctx) (bot.Next, error) {
	c.Show(a.t(c, "forget_kept"), nil)
	a.sendMenu(c)
	return bot.End(), nil
}
