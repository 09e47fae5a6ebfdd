package handlers

import (
	"strings"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/content"
)

// Overdose first aid: reachable in one tap from every state (the /overdose command, the
// always-visible 🆘 button under the input field, the menu's first button, /start overdose).
// It never changes the conversation, so a form in progress continues afterwards.

// overdose opens the opioid overdose card.
func (a *App) overdose(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	return bot.Stay(), a.showCard(c, "opioid")
}

// firstAidCard opens a card by id (od:<id>).
func (a *App) firstAidCard(c *bot.Ctx) (bot.Next, error) {
	id := strings.TrimPrefix(c.Data, "od:")
	// od:<id>:n opens the card as a new message, below a screen that must stay (a first-run
	// screen, a form question).
	if base, ok := strings.CutSuffix(id, ":n"); ok {
		id = base
		c.ShowAsNew()
		c.Answer("")
	}
	if _, ok := a.content.Card(id); !ok {
		return a.stale(c)
	}
	return bot.Stay(), a.showCard(c, id)
}

func (a *App) showCard(c *bot.Ctx, id string) error {
	card, _ := a.content.Card(id)
	// An aggregate count (no one's identity) for the statistics admins see.
	if err := c.Tx.Incr("firstaid_shown_"+id, 1); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("<b>" + card.Title.In(c.Lang) + "</b>\n\n")
	b.WriteString(card.Body.In(c.Lang))
	b.WriteString("\n\n" + a.emergencyLines(c, a.personCountry(c)))
	kb := bot.Keyboard{}
	var row []bot.Button
	for _, other := range content.FirstAidIDs {
		if other == id {
			continue
		}
		oc, _ := a.content.Card(other)
		row = append(row, bot.Btn(oc.Button.In(c.Lang), "od:"+other))
	}
	kb = append(kb, row,
		bot.Row(bot.Btn(a.t(c, "od_btn_numbers"), "odn")),
		bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu")))
	c.Show(b.String(), kb)
	return nil
}

// personCountry is the country the person chose (store.User.Country), "" if none.
func (a *App) personCountry(c *bot.Ctx) string {
	if c.UserID == 0 {
		return ""
	}
	u, found, err := c.Tx.User(c.UserID)
	if err != nil || !found {
		return ""
	}
	return u.Country
}

// emergencyNumbers lists countries (odn) or shows one country's numbers (odn:<code>).
func (a *App) emergencyNumbers(c *bot.Ctx) (bot.Next, error) {
	code := strings.TrimPrefix(strings.TrimPrefix(c.Data, "odn"), ":")
	if code == "" {
		var buttons []bot.Button
		for _, x := range a.content.Countries() {
			buttons = append(buttons, bot.Btn(x.Flag()+" "+x.Name.In(c.Lang), "odn:"+x.Code))
		}
		kb := bot.Grid(2, buttons...)
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "btn_back"), "od:opioid")))
		c.Show(a.t(c, "od_numbers_title"), kb)
		return bot.Stay(), nil
	}
	x, ok := a.content.Country(code)
	if !ok {
		return a.stale(c)
	}
	var b strings.Builder
	b.WriteString(x.Flag() + " <b>" + x.Name.In(c.Lang) + "</b>\n")
	for _, n := range x.Numbers {
		b.WriteString("📞 <b>" + n.Number + "</b> — " + a.t(c, "svc_"+n.Service) + "\n")
	}
	if note := x.Note.In(c.Lang); note != "" {
		b.WriteString("\n" + note + "\n")
	}
	c.Show(b.String(), bot.Keyboard{
		bot.Row(bot.Btn(a.t(c, "btn_back"), "odn"), bot.Btn(a.t(c, "btn_overdose"), "od:opioid")),
	})
	return bot.Stay(), nil
}
