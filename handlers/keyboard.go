package handlers

import (
	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/store"
)

// The 🆘 reply keyboard: under the input field in every private-chat state from the bot's first
// reply on. The locale middleware sends it whenever the chat has not had it in the person's
// current language (a new person, one who wrote again after /forget, a language change) and
// records that in the profile (store.User.Keyboard); /start sends it again; /forget's last
// message carries it too.

// keyboardSent marks, in the update's context, that the keyboard went out during this update.
type keyboardSent struct{}

// sendReplyKeyboard puts the always-visible 🆘 and ☰ buttons under the input field.
func (a *App) sendReplyKeyboard(c *bot.Ctx) {
	c.Send(bot.Message{Text: a.t(c, "welcome_keyboard"), ReplyKeyboard: a.replyKeyboard(c)})
}

// replyKeyboard is the 🆘 / ☰ reply keyboard in the person's language.
func (a *App) replyKeyboard(c *bot.Ctx) *bot.ReplyKeyboard {
	return &bot.ReplyKeyboard{Rows: [][]string{{a.t(c, "btn_overdose")}, {a.t(c, "btn_menu")}}, Persistent: true}
}

// ensureKeyboard sends the reply keyboard unless it went out during this update already (or,
// without force, unless the chat has it in this language).
func (a *App) ensureKeyboard(c *bot.Ctx, force bool) error {
	if sent, _ := c.Value(keyboardSent{}).(bool); sent {
		return nil
	}
	return a.saveKeyboard(c, force)
}

// saveKeyboard sends the keyboard if the chat lacks it in the person's language (or always, with
// force) and records it in the profile.
func (a *App) saveKeyboard(c *bot.Ctx, force bool) error {
	u, err := profile(c)
	if err != nil {
		return err
	}
	if !a.keyboardDue(c, u) && !force {
		return nil
	}
	a.sendReplyKeyboard(c)
	u.Keyboard, u.KeyboardAt = c.Lang, c.Now.Unix()
	return c.Tx.PutUser(c.UserID, u)
}

// keyboardDue reports whether the chat needs the keyboard (again): never sent, sent in another
// language, or, with safe mode on, its message deleted by now.
func (a *App) keyboardDue(c *bot.Ctx, u store.User) bool {
	if u.Keyboard != c.Lang {
		return true
	}
	return u.SafeMode > 0 && c.Now.Unix() >= u.KeyboardAt+u.SafeMode
}
