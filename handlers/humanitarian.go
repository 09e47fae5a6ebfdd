package handlers

import (
	"strings"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/content"
)

// Humanitarian help: what is needed (housing, food, medicine, hygiene, documents, cash,
// evacuation, legal, psychological help) → where → is it urgent → practical steps and services.

const (
	huNeed   bot.State = "hu_need"
	huUrgent bot.State = "hu_urgent"
)

func newHumanitarianIntake() *intake {
	in := &intake{flow: "humanitarian", prefix: "hu"}
	in.steps = []bot.State{huNeed, in.state(whereStep), in.state(regionStep), in.state(countryStep), in.state(cityStep), huUrgent, in.state(resultStep)}
	in.next = func(c *bot.Ctx, s bot.State) bot.State {
		switch s {
		case huNeed:
			return in.state(whereStep)
		case in.state(whereStep), in.state(regionStep), in.state(countryStep), in.state(cityStep):
			return huUrgent
		}
		return ""
	}
	in.ask = func(a *App, c *bot.Ctx, s bot.State) bool {
		switch s {
		case huNeed:
			var buttons []bot.Button
			for _, n := range content.Needs {
				buttons = append(buttons, bot.Btn(a.t(c, "hu_need_"+n), "hu:need:"+n))
			}
			kb := bot.Grid(2, buttons...)
			a.showStep(c, a.t(c, "hu_q_need"), append(kb, a.intakeNav(in, c, false)))
		case huUrgent:
			a.showStep(c, a.t(c, "hu_q_urgent"), bot.Keyboard{
				bot.Row(bot.Btn(a.t(c, "hu_urgent_yes"), "hu:urg:yes"), bot.Btn(a.t(c, "hu_urgent_no"), "hu:urg:no")),
				a.intakeNav(in, c, true),
			})
		default:
			return false
		}
		return true
	}
	in.answer = func(a *App, c *bot.Ctx, s bot.State, cmd, value string) (bot.State, bool) {
		switch {
		case cmd == "need" && s == huNeed && containsStr(content.Needs, value):
			c.ConvData["topic"] = value
			return in.state(whereStep), true
		case cmd == "urg" && s == huUrgent && (value == "yes" || value == "no"):
			c.ConvData["urgent"] = value
			return "", true
		}
		return "", false
	}
	in.summary = func(a *App, c *bot.Ctx) string {
		d := c.ConvData
		var b strings.Builder
		if d["urgent"] == "yes" {
			b.WriteString(a.t(c, "hu_urgent_note") + "\n\n")
		}
		b.WriteString("<b>" + a.t(c, "in_summary_title") + "</b>\n")
		if d["topic"] != "" {
			b.WriteString("• " + a.t(c, "hu_need_"+d["topic"]) + "\n")
		}
		b.WriteString("• 📍 " + a.placeName(c) + "\n")
		return b.String()
	}
	return in
}

// humanitarian starts the humanitarian intake.
func (a *App) humanitarian(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	c.ConvData = map[string]string{}
	return a.goTo(a.human, c, huNeed)
}
