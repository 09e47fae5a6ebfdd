package handlers

import "github.com/ehra/peerline/bot"

// A location (or venue) or a contact sent outside a case is never offered to a consultant: it
// shows where the person is, or a phone number and a Telegram account. The person is told so,
// and how to delete it from the chat; when the handoff is on they can talk to a consultant
// without it (inside a case, sharing it asks for their confirmation first: consult.go).

// revealing reports a message that shows where or who someone is.
func revealing(c *bot.Ctx) (contact, ok bool) {
	m := c.Update.Message
	if m == nil {
		return false, false
	}
	return m.Contact != nil, m.Contact != nil || m.Location != nil || m.Venue != nil
}

// keptHere answers a location or a contact sent outside a case: not passed on, and why.
func (a *App) keptHere(c *bot.Ctx, contact bool) (bot.Next, error) {
	text := a.t(c, "relay_location_kept")
	if contact {
		text = a.t(c, "relay_contact_kept")
	}
	kb := bot.Keyboard{}
	if a.handoffOn(c) {
		text += "\n\n" + a.t(c, "relay_share_handoff")
		kb = append(kb, bot.Row(a.askButton(c, "gen")))
	}
	kb = append(kb, bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu")))
	c.Reply(text, kb)
	return bot.Stay(), nil
}
