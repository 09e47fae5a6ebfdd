package handlers

import "github.com/ehra/peerline/bot"

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
