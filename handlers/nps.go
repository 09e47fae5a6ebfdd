package handlers

import (
	"strings"

	"github.com/ehra/peerline/bot"
)

// NPS and safer use: an opening screen, then one page per substance group in short screens —
// overview, risks, safer use, when to get help — with links to the first-aid card and the
// combination checker. Stateless: everything is in the button data (nps, nps:<id>, nps:<id>:<part>).

func (a *App) npsMenu(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	kb := bot.Keyboard{}
	for i := range a.content.NPS.Substances {
		s := &a.content.NPS.Substances[i]
		kb = append(kb, bot.Row(bot.Btn(s.Name.In(c.Lang), "nps:"+s.ID)))
	}
	kb = append(kb, bot.Row(bot.Btn(a.t(c, "menu_combo"), "cmb")), bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu")))
	c.Show(a.content.NPS.Intro.Text.In(c.Lang), kb)
	return bot.Stay(), nil
}

// npsPage shows a substance's overview or one of its parts (r: risks, s: safer use, h: help).
func (a *App) npsPage(c *bot.Ctx) (bot.Next, error) {
	parts := strings.Split(strings.TrimPrefix(c.Data, "nps:"), ":")
	s, ok := a.content.Substance(parts[0])
	if !ok || len(parts) > 2 {
		return a.stale(c)
	}
	part := ""
	if len(parts) == 2 {
		part = parts[1]
	}
	var b strings.Builder
	b.WriteString("<b>" + s.Name.In(c.Lang) + "</b>\n\n")
	switch part {
	case "":
		if aka := s.Aka.In(c.Lang); aka != "" {
			b.WriteString("<i>" + aka + "</i>\n\n")
		}
		b.WriteString(s.What.In(c.Lang))
		if t := s.Timing.In(c.Lang); t != "" {
			b.WriteString("\n\n⏱ " + t)
		}
	case "r":
		b.WriteString("⚠️ " + s.Risks.In(c.Lang))
	case "s":
		b.WriteString("🛡 " + s.Safer.In(c.Lang))
	case "h":
		b.WriteString("🆘 " + s.Help.In(c.Lang))
	default:
		return a.stale(c)
	}
	b.WriteString("\n\n" + a.sourcesLine(c, s.Meta))
	var buttons []bot.Button
	for _, p := range []struct{ code, label string }{{"", "nps_overview"}, {"r", "nps_risks"}, {"s", "nps_safer"}, {"h", "nps_help"}} {
		if p.code == part {
			continue
		}
		data := "nps:" + s.ID
		if p.code != "" {
			data += ":" + p.code
		}
		buttons = append(buttons, bot.Btn(a.t(c, p.label), data))
	}
	kb := bot.Grid(2, buttons...)
	kb = append(kb, bot.Row(a.sourcesButton(c, "n:"+s.ID)))
	card, _ := a.content.Card(s.FirstAid)
	kb = append(kb, bot.Row(bot.Btn(card.Button.In(c.Lang), "od:"+s.FirstAid)))
	if s.Combo != "" {
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "nps_combos"), "cmbn:"+s.ID)))
	}
	kb = append(kb, bot.Row(bot.Btn(a.t(c, "btn_back"), "nps"), bot.Btn(a.t(c, "btn_menu"), "menu")))
	c.Show(b.String(), kb)
	return bot.Stay(), nil
}
