package handlers

import (
	"strings"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/content"
)

// Guided intakes (treatment.go, humanitarian.go) share this machinery: a path of steps kept in
// the conversation payload (so "back" returns to the step actually shown), the "where are you"
// steps (Ukraine → region; abroad → country → city, typed or picked), and the result screen
// (practical steps and matching services). The answers live, encrypted, in the conversation
// payload only while the intake runs; the result ends the conversation and they are gone.
//
// Button data: <p>:<step>:<value>, <p>:skip, <p>:back, <p>:cancel, where <p> is the flow's
// prefix ("tr" or "hu").

// intake describes one guided intake.
type intake struct {
	flow   string // content.Case.Flow: "treatment" or "humanitarian"
	prefix string // button data prefix
	steps  []bot.State
	// ask shows the question of a step (the flow's own steps; "where" steps are shared).
	ask func(a *App, c *bot.Ctx, s bot.State) bool
	// answer applies a button (command and value) at a step and returns the next step ("" = result).
	answer func(a *App, c *bot.Ctx, s bot.State, cmd, value string) (next bot.State, ok bool)
	// next returns the step after s when s is skipped or typed.
	next func(c *bot.Ctx, s bot.State) bot.State
	// summary renders what the person told the intake, for the result screen.
	summary func(a *App, c *bot.Ctx) string
}

// Shared "where" steps; each flow has its own copies of the states so routing stays per flow.
const (
	whereStep   = "where"
	regionStep  = "region"
	countryStep = "country"
	cityStep    = "city"
)

func (in *intake) state(step string) bot.State { return bot.State(in.prefix + "_" + step) }

func (in *intake) stepName(s bot.State) string {
	return strings.TrimPrefix(string(s), in.prefix+"_")
}

// path is the list of steps shown so far.
func path(c *bot.Ctx) []string {
	if c.ConvData["path"] == "" {
		return nil
	}
	return strings.Split(c.ConvData["path"], ",")
}

// goTo shows step s and records it in the path.
func (a *App) goTo(in *intake, c *bot.Ctx, s bot.State) (bot.Next, error) {
	if s == "" {
		return a.intakeResult(in, c)
	}
	p := path(c)
	if len(p) == 0 || p[len(p)-1] != string(s) {
		p = append(p, string(s))
	}
	c.ConvData["path"] = strings.Join(p, ",")
	a.askStep(in, c, s)
	return bot.Goto(s), nil
}

// askStep shows the question of step s.
func (a *App) askStep(in *intake, c *bot.Ctx, s bot.State) {
	if in.ask(a, c, s) {
		return
	}
	nav := a.intakeNav(in, c, true)
	switch in.stepName(s) {
	case whereStep:
		c.Show(a.t(c, "in_q_where"), bot.Keyboard{
			bot.Row(bot.Btn(a.t(c, "in_where_ua"), in.prefix+":where:ua"), bot.Btn(a.t(c, "in_where_abroad"), in.prefix+":where:abroad")),
			nav,
		})
	case regionStep:
		var buttons []bot.Button
		for _, r := range a.content.Places.Regions {
			buttons = append(buttons, bot.Btn(r.Name.In(c.Lang), in.prefix+":reg:"+r.Code))
		}
		c.Show(a.t(c, "in_q_region"), append(bot.Grid(2, buttons...), nav))
	case countryStep:
		var buttons []bot.Button
		for _, x := range a.content.Places.Countries {
			buttons = append(buttons, bot.Btn(x.Name.In(c.Lang), in.prefix+":cty:"+x.Code))
		}
		c.Show(a.t(c, "in_q_country"), append(bot.Grid(3, buttons...), nav))
	case cityStep:
		var buttons []bot.Button
		if x, ok := a.content.AbroadCountry(c.ConvData["country"]); ok {
			for _, city := range x.Cities {
				buttons = append(buttons, bot.Btn(city.Name.In(c.Lang), in.prefix+":city:"+city.Key))
			}
		}
		c.Show(a.t(c, "in_q_city"), append(bot.Grid(3, buttons...), nav))
	}
}

// intakeNav is the navigation row: skip (if the step may be skipped), back, cancel.
func (a *App) intakeNav(in *intake, c *bot.Ctx, skippable bool) []bot.Button {
	var row []bot.Button
	if skippable {
		row = append(row, bot.Btn(a.t(c, "in_skip"), in.prefix+":skip"))
	}
	if len(path(c)) > 1 {
		row = append(row, bot.Btn(a.t(c, "btn_back"), in.prefix+":back"))
	}
	return append(row, bot.Btn(a.t(c, "form_cancel"), in.prefix+":cancel"))
}

// intakeButton handles every button of an intake.
func (a *App) intakeButton(in *intake) bot.HandlerFunc {
	return func(c *bot.Ctx) (bot.Next, error) {
		parts := strings.SplitN(strings.TrimPrefix(c.Data, in.prefix+":"), ":", 2)
		cmd, value := parts[0], ""
		if len(parts) == 2 {
			value = parts[1]
		}
		switch cmd {
		case "cancel":
			c.Show(a.t(c, "form_cancelled"), bot.Keyboard{bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu"))})
			return bot.End(), nil
		case "back":
			p := path(c)
			if len(p) < 2 {
				return a.stale(c)
			}
			p = p[:len(p)-1]
			c.ConvData["path"] = strings.Join(p, ",")
			prev := bot.State(p[len(p)-1])
			a.askStep(in, c, prev)
			return bot.Goto(prev), nil
		case "skip":
			return a.goTo(in, c, in.next(c, c.Conv))
		}
		step := in.stepName(c.Conv)
		switch {
		case cmd == "where" && step == whereStep:
			switch value {
			case "ua":
				c.ConvData["country"] = "UA"
				return a.goTo(in, c, in.state(regionStep))
			case "abroad":
				return a.goTo(in, c, in.state(countryStep))
			}
		case cmd == "reg" && step == regionStep:
			if _, ok := a.content.Region(value); ok {
				c.ConvData["region"] = value
				return a.goTo(in, c, in.next(c, c.Conv))
			}
		case cmd == "cty" && step == countryStep:
			if _, ok := a.content.AbroadCountry(value); ok {
				c.ConvData["country"] = value
				return a.goTo(in, c, in.state(cityStep))
			}
		case cmd == "city" && step == cityStep:
			if x, ok := a.content.AbroadCountry(c.ConvData["country"]); ok {
				if _, ok := x.City(value); ok {
					c.ConvData["city"] = value
					return a.goTo(in, c, in.next(c, c.Conv))
				}
			}
		default:
			if next, ok := in.answer(a, c, c.Conv, cmd, value); ok {
				return a.goTo(in, c, next)
			}
		}
		return a.stale(c)
	}
}

// intakeText handles typed answers: a country or a city typed instead of picked; anywhere else
// the question is asked again.
func (a *App) intakeText(in *intake) bot.HandlerFunc {
	return func(c *bot.Ctx) (bot.Next, error) {
		c.ShowAsNew()
		text := strings.TrimSpace(c.Text)
		switch in.stepName(c.Conv) {
		case countryStep:
			if plainText(text, 2, 60) {
				c.ConvData["country"] = otherCountry
				c.ConvData["country_name"] = text
				return a.goTo(in, c, in.state(cityStep))
			}
		case cityStep:
			if plainText(text, 2, 60) {
				c.ConvData["city"] = text
				return a.goTo(in, c, in.next(c, c.Conv))
			}
		default:
			c.Reply(a.t(c, "form_use_buttons"), nil)
			a.askStep(in, c, c.Conv)
			return bot.Stay(), nil
		}
		c.Reply(a.t(c, "in_bad_place"), nil)
		a.askStep(in, c, c.Conv)
		return bot.Stay(), nil
	}
}

// otherCountry marks a country abroad that the person typed (not one of the buttons).
const otherCountry = "XX"

func (a *App) intakeSummary(in *intake, c *bot.Ctx) string { return in.summary(a, c) }

// caseOf is what the intake found out.
func caseOf(in *intake, c *bot.Ctx) content.Case {
	d := c.ConvData
	return content.Case{Flow: in.flow, Topic: d["topic"], Situation: d["situation"], Country: d["country"],
		Region: d["region"], City: d["city"]}
}

// placeName renders where the person is.
func (a *App) placeName(c *bot.Ctx) string {
	d := c.ConvData
	switch d["country"] {
	case "":
		return a.t(c, "in_place_unknown")
	case "UA":
		name := a.t(c, "in_where_ua")
		if r, ok := a.content.Region(d["region"]); ok {
			name = r.Name.In(c.Lang)
		}
		return name
	case otherCountry:
		name := esc(d["country_name"])
		if d["city"] != "" {
			name = esc(d["city"]) + ", " + name
		}
		return name
	default:
		x, _ := a.content.AbroadCountry(d["country"])
		name := x.Name.In(c.Lang)
		if city, ok := x.City(d["city"]); ok {
			name = city.Name.In(c.Lang) + ", " + name
		} else if d["city"] != "" {
			name = esc(d["city"]) + ", " + name
		}
		return name
	}
}

// intakeResult shows the practical steps and the matching services, and ends the intake.
func (a *App) intakeResult(in *intake, c *bot.Ctx) (bot.Next, error) {
	k := caseOf(in, c)
	if err := c.Tx.Incr("intake_"+in.flow+"_"+orNone(k.Topic), 1); err != nil {
		return bot.Stay(), err
	}
	c.ShowAsNew()
	c.Show(a.intakeSummary(in, c), nil)
	for _, s := range a.content.StepsFor(k) {
		c.Reply("<b>"+s.Title.In(c.Lang)+"</b>\n\n"+s.Text.In(c.Lang)+"\n\n"+a.sourcesLine(c, s.Meta), nil)
	}
	services := a.directory().Match(k)
	var b strings.Builder
	if len(services) == 0 {
		b.WriteString(a.t(c, "in_no_services"))
	} else {
		b.WriteString("<b>" + a.t(c, "in_services_title") + "</b>\n")
		for i, s := range services {
			if i == 8 {
				b.WriteString("\n" + a.t(c, "in_more_services", map[string]any{"N": len(services) - i}))
				break
			}
			b.WriteString("\n" + a.serviceText(c, s) + "\n")
		}
	}
	kb := bot.Keyboard{
		bot.Row(bot.Btn(a.t(c, "in_again"), in.prefix+":restart")),
		bot.Row(bot.Btn(a.t(c, "btn_overdose"), "od:opioid")),
		bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu")),
	}
	c.Reply(b.String(), kb)
	return bot.End(), nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// serviceText renders a directory entry.
func (a *App) serviceText(c *bot.Ctx, s *content.Service) string {
	var b strings.Builder
	b.WriteString("• <b>" + s.Name.In(c.Lang) + "</b>")
	if s.City != "" || s.Address != "" {
		b.WriteString("\n  📍 " + esc(strings.TrimSpace(s.Address+" "+s.City)))
	}
	if len(s.Phones) > 0 {
		b.WriteString("\n  📞 " + esc(strings.Join(s.Phones, ", ")))
	}
	if s.Website != "" {
		b.WriteString("\n  🌐 " + esc(s.Website))
	}
	if s.Telegram != "" {
		b.WriteString("\n  ✈️ " + esc(s.Telegram))
	}
	if h := s.Hours.In(c.Lang); h != "" {
		b.WriteString("\n  🕒 " + h)
	}
	if len(s.Languages) > 0 {
		b.WriteString("\n  🗣 " + esc(strings.Join(s.Languages, ", ")))
	}
	if n := s.Notes.In(c.Lang); n != "" {
		b.WriteString("\n  " + n)
	}
	if a.directory().Directory.Stale(s, c.Now) {
		b.WriteString("\n  <i>" + a.t(c, "in_last_verified", map[string]any{"Date": a.date(c, s.Verified)}) + "</i>")
	}
	return b.String()
}
