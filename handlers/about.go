package handlers

import (
	"github.com/ehra/peerline/bot"
)

// About and partners: who runs the service, the partner networks, the Ukrainian help channel,
// and the privacy promise. Button data: about, about:partners, about:channel.

func (a *App) about(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	ab := a.content.About
	text := ab.Who.In(c.Lang)
	part := ""
	if len(c.Data) > len("about:") {
		part = c.Data[len("about:"):]
	}
	switch part {
	case "":
	case "partners":
		text = ab.Partners.In(c.Lang)
	case "channel":
		text = ab.Channel.In(c.Lang)
	default:
		return a.stale(c)
	}
	kb := bot.Keyboard{}
	var row []bot.Button
	for _, p := range []struct{ code, data, label string }{{"", "about", "about_btn_who"}, {"partners", "about:partners", "about_btn_partners"}, {"channel", "about:channel", "about_btn_channel"}} {
		if p.code != part {
			row = append(row, bot.Btn(a.t(c, p.label), p.data))
		}
	}
	kb = append(kb, row, bot.Row(a.sourcesButton(c, "a")), bot.Row(bot.Btn(a.t(c, "menu_privacy"), "privacy")), bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu")))
	c.Show(text+"\n\n"+a.sourcesLine(c, ab.Meta), kb)
	return bot.Stay(), nil
}
