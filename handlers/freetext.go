package handlers

import (
	"strconv"
	"strings"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/content"
)

// Free text: what a person types outside a form is read, not refused. Urgent words (overdose,
// not breathing, turning blue, unconscious, a seizure, suicide — content.Urgent) open the
// matching card at once, in any state; a sentence about a section (methadone, HIV, housing,
// documents… — content.Intent) gets that section in one button; anything else gets one short
// line, and, when the peer-consultant handoff is on, the offer to pass the message on
// (ask:msg:<message id>; only the id is kept).

// urgentCard shows the card for urgent words in the update's text, as a new message, and reports
// whether it did. Every handler that reads typed text calls it first (the cases flow too).
func (a *App) urgentCard(c *bot.Ctx) (bool, error) {
	if c.Text == "" || !c.IsPrivate() {
		return false, nil
	}
	card, ok := a.content.Urgent(c.Text)
	if !ok {
		return false, nil
	}
	c.ShowAsNew()
	if err := c.Tx.Incr("urgent_words_"+card, 1); err != nil {
		return true, err
	}
	if card == content.UrgentSuicide {
		return true, a.suicideScreen(c)
	}
	return true, a.showCard(c, card)
}

// suicideScreen is the suicide-support screen: Lifeline Ukraine (from the directory), the
// emergency number where the person is, and what helps right now.
func (a *App) suicideScreen(c *bot.Ctx) error {
	lifeline := ""
	for i := range a.content.Directory.Services {
		if s := &a.content.Directory.Services[i]; s.ID == "ua-lifeline" && len(s.Phones) > 0 {
			lifeline = s.Phones[0]
		}
	}
	text := a.t(c, "ux_suicide_title") + "\n\n"
	if lifeline != "" {
		text += a.t(c, "ux_suicide_lifeline", map[string]any{"Number": lifeline}) + "\n\n"
	}
	text += a.t(c, "ux_suicide_emergency") + "\n" + a.emergencyLines(c, a.personCountry(c))
	text += "\n\n" + a.t(c, "ux_suicide_now")
	kb := bot.Keyboard{}
	if a.handoffOn(c) {
		kb = append(kb, bot.Row(a.askButton(c, "gen")))
	}
	kb = append(kb,
		bot.Row(bot.Btn(a.t(c, "hu_need_psych"), "go:hum_psych")),
		bot.Row(bot.Btn(a.t(c, "od_btn_numbers"), "odn")),
		bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu")))
	c.Show(text, kb)
	return nil
}

// freeText answers a typed message outside any form.
func (a *App) freeText(c *bot.Ctx) (bot.Next, error) {
	if shown, err := a.urgentCard(c); shown || err != nil {
		return bot.Stay(), err
	}
	section, intent := a.content.Intent(c.Text)
	if u, found, err := c.Tx.User(c.UserID); err != nil {
		return bot.Stay(), err
	} else if !found || !u.Onboarded {
		// A person whose first message is text: the onboarding, then what they asked about.
		c.ConvData = map[string]string{}
		if _, ok := a.sections[section]; ok && intent {
			c.ConvData[keyAfter] = section
		}
		a.showLanguagePicker(c)
		return bot.Goto(stateOnboardLang), nil
	}
	if intent {
		if _, exists := a.sections[section]; exists {
			kb := bot.Keyboard{bot.Row(bot.Btn(a.sectionLabel(c, section), "go:"+section))}
			if a.handoffOn(c) {
				kb = append(kb, bot.Row(a.askButton(c, "msg:"+strconv.Itoa(c.MessageID))))
			}
			kb = append(kb, bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu")))
			c.Reply(a.t(c, "ux_intent_offer"), kb)
			return bot.Stay(), nil
		}
	}
	if a.handoffOn(c) {
		c.Reply(a.t(c, "ux_free_text_handoff"), bot.Keyboard{
			bot.Row(a.askButton(c, "msg:"+strconv.Itoa(c.MessageID))),
			bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu")),
		})
		return bot.Stay(), nil
	}
	c.Reply(a.t(c, "ux_free_text"), bot.Keyboard{bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu"))})
	return bot.Stay(), nil
}

// sectionLabel is the label of a button that opens section (the menu's own wording).
func (a *App) sectionLabel(c *bot.Ctx, section string) string {
	switch section {
	case "ost", "art", "tb", "hcv":
		return "💊 " + a.t(c, "tr_topic_"+section)
	}
	if need, ok := strings.CutPrefix(section, "hum_"); ok {
		return a.t(c, "hu_need_"+need)
	}
	return a.t(c, "menu_"+section)
}

// goSection opens a section from a button (go:<section>), as a deep link would.
func (a *App) goSection(c *bot.Ctx) (bot.Next, error) {
	section := strings.TrimPrefix(c.Data, "go:")
	h, ok := a.sections[section]
	if !ok || section == "" {
		return a.stale(c)
	}
	c.Data = "" // the section's first screen
	return h(c)
}

// humanitarianFor returns a section that starts the humanitarian intake with the need chosen.
func (a *App) humanitarianFor(need string) bot.HandlerFunc {
	return func(c *bot.Ctx) (bot.Next, error) {
		if !c.IsPrivate() {
			return bot.Stay(), nil
		}
		c.ConvData = map[string]string{"topic": need, "path": string(huNeed)}
		return a.goTo(a.human, c, a.human.state(whereStep))
	}
}

// nonText answers a photo, voice message, sticker or file: outside a form, what the bot can do
// with it (pass it to a consultant when the handoff is on); in a form, the question again.
func (a *App) nonText(c *bot.Ctx) (bot.Next, error) {
	if c.Conv != "" {
		c.Reply(a.t(c, "ux_media_in_form"), nil)
		return a.reprompt(c)
	}
	if a.handoffOn(c) {
		c.Reply(a.t(c, "ux_media_handoff"), bot.Keyboard{
			bot.Row(a.askButton(c, "msg:"+strconv.Itoa(c.MessageID))),
			bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu")),
		})
		return bot.Stay(), nil
	}
	c.Reply(a.t(c, "ux_media"), bot.Keyboard{bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu"))})
	return bot.Stay(), nil
}

// uxRoutes registers the free-text helpers' buttons and sections.
func (a *App) uxRoutes(r *bot.Router) {
	r.Callback("go:", a.goSection)
	r.Callback("setc", a.settingsCountry)
	r.Callback("cmbn:", a.comboFromNPS)
	for _, n := range content.Needs {
		a.sections["hum_"+n] = a.humanitarianFor(n)
	}
}
