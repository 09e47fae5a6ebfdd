package handlers

import (
	"strings"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/content"
)

// The combination checker: pick two substances or treatments, see the risk level, the reason
// in plain words and what to do instead. A pair without data says so and never guesses.
// Stateless: cmb → pick the first, cmb:<a> → pick the second, cmb:<a>:<b> → the answer.

var levelEmoji = map[string]string{
	content.LevelDangerous: "⛔",
	content.LevelUnsafe:    "🟠",
	content.LevelCaution:   "🟡",
	content.LevelLow:       "🟢",
	content.LevelNoData:    "❔",
}

func (a *App) combo(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	parts := strings.Split(strings.TrimPrefix(strings.TrimPrefix(c.Data, "cmb"), ":"), ":")
	if parts[0] == "" {
		parts = nil
	}
	for _, id := range parts {
		if _, ok := a.content.ComboItem(id); !ok {
			return a.stale(c)
		}
	}
	switch len(parts) {
	case 0:
		c.Show(a.t(c, "combo_pick_first"), a.comboKeyboard(c, "cmb:", ""))
	case 1:
		first, _ := a.content.ComboItem(parts[0])
		c.Show(a.t(c, "combo_pick_second", map[string]any{"First": first.Name.In(c.Lang)}),
			a.comboKeyboard(c, "cmb:"+parts[0]+":", parts[0]))
	case 2:
		if parts[0] == parts[1] {
			return a.stale(c)
		}
		a.showComboAnswer(c, parts[0], parts[1])
	default:
		return a.stale(c)
	}
	return bot.Stay(), nil
}

func (a *App) comboKeyboard(c *bot.Ctx, prefix, skip string) bot.Keyboard {
	kb := bot.Keyboard{}
	var row []bot.Button
	lastKind := ""
	for _, it := range a.content.ComboItems() {
		if it.ID == skip {
			continue
		}
		if lastKind != "" && it.Kind != lastKind && len(row) > 0 {
			kb = append(kb, row) // treatments start on their own row
			row = nil
		}
		lastKind = it.Kind
		label := it.Name.In(c.Lang)
		if it.Kind == "treatment" {
			label = "💊 " + label
		}
		row = append(row, bot.Btn(label, prefix+it.ID))
		if len(row) == 2 {
			kb = append(kb, row)
			row = nil
		}
	}
	if len(row) > 0 {
		kb = append(kb, row)
	}
	return append(kb, bot.Row(bot.Btn(a.t(c, "btn_back"), a.comboBack(c, skip)), bot.Btn(a.t(c, "btn_menu"), "menu")))
}

func (a *App) showComboAnswer(c *bot.Ctx, x, y string) {
	ix, _ := a.content.ComboItem(x)
	iy, _ := a.content.ComboItem(y)
	ans := a.content.Combo(x, y)
	if err := c.Tx.Incr("combo_checked_"+ans.Level, 1); err != nil {
		a.log.Warn("count combo", "err", err)
	}
	var b strings.Builder
	b.WriteString("<b>" + ix.Name.In(c.Lang) + " + " + iy.Name.In(c.Lang) + "</b>\n\n")
	b.WriteString(levelEmoji[ans.Level] + " <b>" + a.t(c, "level_"+ans.Level) + "</b>\n\n")
	kb := bot.Keyboard{bot.Row(bot.Btn(a.t(c, "combo_again"), "cmb"), bot.Btn(a.t(c, "combo_change_second"), "cmb:"+x))}
	if ans.Level == content.LevelNoData {
		// No sources: the ones searched do not cover this pair.
		b.WriteString(a.t(c, "combo_nodata"))
		if a.handoffOn(c) {
			kb = append(kb, bot.Row(a.askButton(c, "combo")))
		}
	} else {
		b.WriteString(ans.Why.In(c.Lang) + "\n\n")
		b.WriteString("<b>" + a.t(c, "combo_instead") + "</b> " + ans.Instead.In(c.Lang))
		b.WriteString("\n\n" + a.sourcesLine(c, content.Meta{Reviewed: ans.Reviewed}))
		kb = append(kb, bot.Row(a.sourcesButton(c, "c:"+x+":"+y)))
	}
	kb = append(kb, bot.Row(bot.Btn(a.t(c, "btn_overdose"), "od:opioid")), bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu")))
	c.Show(b.String(), kb)
}
