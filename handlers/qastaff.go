package handlers

import (
	"unicode"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/store"
)

// consultantNoCase answers a consultant's plain message or media in their private chat when it
// belongs to no case (they hold none) and no form is open: it reaches nobody, and they are told
// so — not offered, like a person, to pass it on to a peer consultant.
func (a *App) consultantNoCase(c *bot.Ctx) (bool, error) {
	if c.Role != bot.RoleConsultant || !c.IsPrivate() || c.Conv != "" || c.Command != "" || c.Kind != bot.KindMessage {
		return false, nil
	}
	if len(c.Text) > 0 && c.Text[0] == '/' {
		return false, nil
	}
	if shown, err := a.urgentCard(c); shown || err != nil {
		return true, err
	}
	c.Reply(a.t(c, "qastaff_no_case"), bot.Keyboard{bot.Row(bot.Btn(a.t(c, "consult_btn_next"), "cn"))})
	return true, nil
}

// whichCase asks a consultant who holds cases but gave no code (and has no active case) which
// case a command is about, with an example of that very command and the buttons of their cases.
func (a *App) whichCase(c *bot.Ctx, s store.Staff) {
	example := "/" + c.Command + " K3F9"
	if c.Command == "transfer" {
		example = "/transfer K3F9 " + a.t(c, "qastaff_name")
	}
	c.Reply(a.t(c, "qastaff_which_case", map[string]any{"Example": example}), a.casesKeyboard(c, s))
}

// lowerFirst lowercases the first letter of a command's menu description ("Start a shift") for a
// line of /help ("/on — start a shift"), unless it begins an abbreviation ("OST ...").
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 || (len(r) > 1 && unicode.IsUpper(r[1])) {
		return s
	}
	r[0] = unicode.ToLower(r[0])
	return string(r)
}
