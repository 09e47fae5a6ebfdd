package handlers

import (
	"strconv"
	"strings"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/content"
)

// Open calls (requests for proposals): the calls still open at this moment, and the closed ones
// apart. A call leaves the open list by itself when its deadline passes.
// Button data: calls, calls:closed, call:<number>, call:<number>:ask.

func (a *App) calls(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	open, closed, err := a.callsAt(c)
	if err != nil {
		return bot.Stay(), err
	}
	showClosed := c.Data == "calls:closed"
	list := open
	title := a.t(c, "calls_open_title")
	if showClosed {
		list, title = closed, a.t(c, "calls_closed_title")
	}
	var b strings.Builder
	b.WriteString("<b>" + title + "</b>\n\n")
	if len(list) == 0 {
		b.WriteString(a.t(c, map[bool]string{false: "calls_none_open", true: "calls_none_closed"}[showClosed]))
	}
	kb := bot.Keyboard{}
	for _, x := range list {
		b.WriteString("• <b>" + esc(x.Number) + "</b> " + x.Title.In(c.Lang) + " — " + a.deadline(c, x.Deadline, x.Zone) + "\n")
		kb = append(kb, bot.Row(bot.Btn(x.Number+" · "+truncate(stripHTML(x.Title.In(c.Lang)), 40), "call:"+x.Number)))
	}
	if showClosed {
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "calls_btn_open", map[string]any{"N": len(open)}), "calls")))
	} else {
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "calls_btn_closed", map[string]any{"N": len(closed)}), "calls:closed")))
	}
	kb = append(kb, bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu")))
	c.Show(b.String(), kb)
	return bot.Stay(), nil
}

func (a *App) call(c *bot.Ctx) (bot.Next, error) {
	number, part, _ := strings.Cut(strings.TrimPrefix(c.Data, "call:"), ":")
	x, ok, err := a.findCall(c, number)
	if err != nil {
		return bot.Stay(), err
	}
	if !ok {
		return a.stale(c)
	}
	isOpen := x.Open(c.Now)
	back := "calls"
	if !isOpen {
		back = "calls:closed"
	}
	if part == "ask" && isOpen {
		c.Show(a.t(c, "call_ask", map[string]any{"Email": esc(x.Email), "Number": esc(x.Number)}),
			bot.Keyboard{bot.Row(bot.Btn(a.t(c, "btn_back"), "call:"+x.Number))})
		return bot.Stay(), nil
	}
	if part != "" {
		return a.stale(c)
	}
	kb := bot.Keyboard{}
	if isOpen {
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "call_btn_ask"), "call:"+x.Number+":ask")))
	}
	kb = append(kb, bot.Row(bot.Btn(a.t(c, "btn_back"), back), bot.Btn(a.t(c, "btn_menu"), "menu")))
	c.Show(a.callText(c, x, isOpen), kb)
	return bot.Stay(), nil
}

func (a *App) callText(c *bot.Ctx, x *content.Call, isOpen bool) string {
	var b strings.Builder
	b.WriteString("📢 <b>" + esc(x.Number) + "</b>\n<b>" + x.Title.In(c.Lang) + "</b>\n")
	status := "call_status_open"
	if !isOpen {
		status = "call_status_closed"
	}
	b.WriteString(a.t(c, status, map[string]any{"Deadline": a.deadline(c, x.Deadline, x.Zone)}) + "\n\n")
	b.WriteString(x.Sought.In(c.Lang) + "\n\n")
	if len(x.Criteria) > 0 {
		b.WriteString("<b>" + a.t(c, "call_criteria") + "</b>\n")
		for _, cr := range x.Criteria {
			b.WriteString("• " + cr.Name.In(c.Lang))
			if cr.Weight > 0 {
				b.WriteString(" — " + strconv.Itoa(cr.Weight) + "%")
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	if !isOpen {
		// a closed call: nothing to apply for or ask about any more
		b.WriteString(a.t(c, "ux_call_closed_note"))
		return b.String()
	}
	b.WriteString("<b>" + a.t(c, "call_how") + "</b>\n")
	b.WriteString(a.t(c, "call_send_to", map[string]any{"Email": esc(x.Email), "Subject": esc(x.Subject)}) + "\n")
	b.WriteString(x.Apply.In(c.Lang))
	return b.String()
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func stripHTML(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&quot;", `"`).Replace(b.String())
}
