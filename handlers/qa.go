package handlers

import (
	"strings"

	"github.com/ehra/peerline/bot"
)

// Small fixes found by trying the bot as its users would (the qa area).

// daysIn is "3 дні", "7 днів", "1 day": a number of days with the word in the right form.
func (a *App) daysIn(lang string, n int) string {
	return a.loc.N(lang, "qa_days", n, nil)
}

// stateQACountry: the settings' country picker is on screen; a typed country name answers it
// (people type "Польща" as often as they press the button), instead of reaching a form left
// half-filled above or the free-text answers.
const stateQACountry bot.State = "qa_country"

func (a *App) qaRoutes(r *bot.Router) {
	r.State(stateQACountry, a.typedCountry)
	a.reprompts[stateQACountry] = func(c *bot.Ctx) (bot.Next, error) {
		c.ShowAsNew()
		c.Data = "setc"
		return a.settingsCountry(c)
	}
}

// typedCountry saves a typed country (a city or region names its country); anything else gets
// the picker again with a notice.
func (a *App) typedCountry(c *bot.Ctx) (bot.Next, error) {
	if shown, err := a.urgentCard(c); shown || err != nil {
		return bot.Stay(), err
	}
	for _, p := range a.content.FindPlaces(strings.TrimSpace(c.Text)) {
		if _, abroad := a.content.AbroadCountry(p.Country); p.Country == "UA" || abroad {
			if err := a.setPersonCountry(c, p.Country); err != nil {
				return bot.Stay(), err
			}
			c.Reply(a.t(c, "safe_saved"), nil)
			return a.settings(c)
		}
	}
	notice := a.t(c, "qa_country_unknown")
	if c.Text == "" {
		notice = a.t(c, "ux_media_in_form")
	}
	c.Reply(notice, nil)
	c.Data = "setc"
	return a.settingsCountry(c)
}

// cancelNothing answers /cancel with no form in progress: "nothing you filled in was kept"
// would be about nothing. In a conversation with a consultant, /cancel does not end it (/end
// does), so the person is told where they are and offered the End button; otherwise the menu.
func (a *App) cancelNothing(c *bot.Ctx) (bot.Next, error) {
	if k, open, err := c.Tx.CaseOfPerson(c.ChatID); err != nil {
		return bot.Stay(), err
	} else if open {
		a.tellStatus(c, k)
		return bot.Stay(), nil
	}
	a.sendMenu(c)
	return bot.End(), nil
}

// notOnboarded reports a person in a private chat who has not chosen a language and seen the
// privacy promise: someone new, or someone after /forget ("the next /start will be like the
// first time"). The menu, asked for by /menu, ☰ or an old button, starts with those instead.
func (a *App) notOnboarded(c *bot.Ctx) (bool, error) {
	if !c.IsPrivate() {
		return false, nil
	}
	u, found, err := c.Tx.User(c.UserID)
	if err != nil {
		return false, err
	}
	return !found || !u.Onboarded, nil
}

// beginOnboarding shows the language choice, as /start does for someone new (err: from
// notOnboarded, passed through).
func (a *App) beginOnboarding(c *bot.Ctx, err error) (bot.Next, error) {
	if err != nil {
		return bot.Stay(), err
	}
	c.Answer("")
	c.ShowAsNew() // the pressed message (an overdose card, say) stays as it is
	c.ConvData = map[string]string{}
	a.showLanguagePicker(c)
	return bot.Goto(stateOnboardLang), nil
}
