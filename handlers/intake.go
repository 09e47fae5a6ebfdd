package handlers

import (
	"strings"
	"unicode"

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
	if in.stepName(s) == resultStep {
		a.showResult(in, c, "now")
		return
	}
	nav := a.intakeNav(in, c, true)
	switch in.stepName(s) {
	case whereStep:
		a.showStep(c, a.t(c, "in_q_where")+"\n<i>"+a.t(c, "ux_where_hint")+"</i>", bot.Keyboard{
			bot.Row(bot.Btn(a.t(c, "in_where_ua"), in.prefix+":where:ua"), bot.Btn(a.t(c, "in_where_abroad"), in.prefix+":where:abroad")),
			nav,
		})
	case regionStep:
		var buttons []bot.Button
		for _, r := range a.content.Places.Regions {
			buttons = append(buttons, bot.Btn(r.Name.In(c.Lang), in.prefix+":reg:"+r.Code))
		}
		a.showStep(c, a.t(c, "in_q_region")+"\n<i>"+a.t(c, "ux_region_hint")+"</i>", append(bot.Grid(2, buttons...), nav))
	case countryStep:
		var buttons []bot.Button
		for _, x := range a.content.Places.Buttons() {
			buttons = append(buttons, bot.Btn(x.Name.In(c.Lang), in.prefix+":cty:"+x.Code))
		}
		a.showStep(c, a.t(c, "in_q_country"), append(bot.Grid(3, buttons...), nav))
	case cityStep:
		var buttons []bot.Button
		if x, ok := a.content.AbroadCountry(c.ConvData["country"]); ok {
			for _, city := range x.Cities {
				buttons = append(buttons, bot.Btn(city.Name.In(c.Lang), in.prefix+":city:"+city.Key))
			}
		}
		a.showStep(c, a.t(c, "in_q_city"), append(bot.Grid(3, buttons...), nav))
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
		case "res":
			if in.stepName(c.Conv) != resultStep {
				return a.stale(c)
			}
			return a.resultButton(in, c, value)
		case "pl":
			// a choice between places a typed answer could mean
			if p, ok := a.parsePlace(value); ok && isPlaceStep(in, c.Conv) {
				return a.applyPlace(in, c, p)
			}
			return a.stale(c)
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

// intakeText handles typed answers. At a "where" step a typed country, region or city is
// recognised (content.FindPlaces) and lands where its button would; an ambiguous one gets a
// choice; an unknown country or city abroad is kept as typed. Urgent words open their card.
// Anywhere else the question is asked again.
func (a *App) intakeText(in *intake) bot.HandlerFunc {
	return func(c *bot.Ctx) (bot.Next, error) {
		c.ShowAsNew()
		if c.Text == "" {
			a.reask(c, a.t(c, "ux_media_in_form"), func() { a.askStep(in, c, c.Conv) })
			return bot.Stay(), nil
		}
		if shown, err := a.urgentCard(c); shown || err != nil {
			return bot.Stay(), err
		}
		text := strings.TrimSpace(c.Text)
		if in.stepName(c.Conv) == resultStep {
			// the questions are over: typed text is read as anywhere outside a form
			return a.freeText(c)
		}
		if c.Conv == trFrom {
			for _, p := range a.content.FindPlaces(text) {
				if p.Country == "UA" && p.Region != "" {
					c.ConvData["from"] = p.Region
					return a.goTo(in, c, in.next(c, c.Conv))
				}
			}
		}
		// A topic typed at the first question ("метадон", "житло"): the button it means.
		if section, ok := a.content.Intent(text); ok && (c.Conv == trTopic || c.Conv == huNeed) {
			need, isNeed := strings.CutPrefix(section, "hum_")
			switch {
			case c.Conv == trTopic && containsStr(content.Treatments, section):
				c.ConvData["topic"] = section
				return a.goTo(in, c, trSituation)
			case c.Conv == huNeed && isNeed:
				c.ConvData["topic"] = need
				return a.goTo(in, c, in.state(whereStep))
			}
		}
		// A typed answer to a button question: the medicine, whether it is urgent.
		switch c.Conv {
		case trMedicine:
			if v, ok := a.content.AnswerTo("medicine", text); ok {
				c.ConvData["medicine"] = v
				return a.goTo(in, c, in.next(c, c.Conv))
			}
		case huUrgent:
			if v, ok := a.content.AnswerTo("yesno", text); ok {
				c.ConvData["urgent"] = v
				return a.goTo(in, c, in.next(c, c.Conv))
			}
		}
		if !isPlaceStep(in, c.Conv) {
			a.reask(c, a.t(c, "form_use_buttons"), func() { a.askStep(in, c, c.Conv) })
			return bot.Stay(), nil
		}
		places := a.content.FindPlaces(text)
		// At the city step, a city of the country already chosen is the answer.
		if in.stepName(c.Conv) == cityStep && len(places) > 1 {
			var here []content.Place
			for _, p := range places {
				if p.Country == c.ConvData["country"] {
					here = append(here, p)
				}
			}
			if len(here) > 0 {
				places = here
			}
		}
		switch {
		case len(places) == 1:
			return a.applyPlace(in, c, places[0])
		case len(places) > 1:
			a.askPlaceChoice(in, c, places)
			return bot.Stay(), nil
		}
		switch in.stepName(c.Conv) {
		case countryStep:
			if plainText(text, 2, 60) && hasLetters(text) {
				c.ConvData["country"] = otherCountry
				c.ConvData["country_name"] = text
				return a.goTo(in, c, in.state(cityStep))
			}
		case cityStep:
			if plainText(text, 2, 60) && hasLetters(text) && c.ConvData["country"] != "UA" {
				c.ConvData["city"] = text
				return a.goTo(in, c, in.next(c, c.Conv))
			}
		case whereStep, regionStep:
			a.reask(c, a.t(c, "ux_place_unknown"), func() { a.askStep(in, c, c.Conv) })
			return bot.Stay(), nil
		}
		a.reask(c, a.t(c, "in_bad_place"), func() { a.askStep(in, c, c.Conv) })
		return bot.Stay(), nil
	}
}

// hasLetters reports whether s has at least two letters (a place name, not "???").
func hasLetters(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n >= 2
}

// isPlaceStep reports whether s is one of the "where" steps of in.
func isPlaceStep(in *intake, s bot.State) bool {
	switch in.stepName(s) {
	case whereStep, regionStep, countryStep, cityStep:
		return true
	}
	return false
}

// applyPlace records a recognised place and goes on: to the region question for Ukraine without
// a region, to the city question for a country abroad without a city, else past the place.
func (a *App) applyPlace(in *intake, c *bot.Ctx, p content.Place) (bot.Next, error) {
	d := c.ConvData
	delete(d, "country_name")
	delete(d, "region")
	delete(d, "city")
	d["country"] = p.Country
	if p.Country == "UA" {
		if p.Region == "" {
			return a.goTo(in, c, in.state(regionStep))
		}
		d["region"] = p.Region
		return a.goTo(in, c, in.next(c, in.state(regionStep)))
	}
	if p.City == "" {
		return a.goTo(in, c, in.state(cityStep))
	}
	d["city"] = p.City
	return a.goTo(in, c, in.next(c, in.state(cityStep)))
}

// askPlaceChoice offers the places an ambiguous answer could mean, as buttons (<p>:pl:<place>).
func (a *App) askPlaceChoice(in *intake, c *bot.Ctx, places []content.Place) {
	kb := bot.Keyboard{}
	for i, p := range places {
		if i == 6 {
			break
		}
		kb = append(kb, bot.Row(bot.Btn(a.content.PlaceName(p, c.Lang, a.t(c, "in_where_ua")), in.prefix+":pl:"+p.Country+"."+p.Region+"."+p.City)))
	}
	kb = append(kb, a.intakeNav(in, c, false))
	a.showStep(c, a.t(c, "ux_place_which"), kb)
}

// parsePlace reads a place from button data (<country>.<region>.<city>) and checks it exists.
func (a *App) parsePlace(v string) (content.Place, bool) {
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return content.Place{}, false
	}
	p := content.Place{Country: parts[0], Region: parts[1], City: parts[2]}
	if p.Country == "UA" {
		_, ok := a.content.Region(p.Region)
		return p, ok || p.Region == ""
	}
	x, ok := a.content.AbroadCountry(p.Country)
	if !ok {
		return p, false
	}
	if p.City != "" {
		_, ok = x.City(p.City)
	}
	return p, ok && p.Region == ""
}

// otherCountry marks a country abroad that the person typed (not one of the buttons).
const otherCountry = "XX"

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
		b.WriteString("\n  🗣 " + esc(a.serviceLanguages(c, s.Languages)))
	}
	if n := s.Notes.In(c.Lang); n != "" {
		b.WriteString("\n  " + n)
	}
	if l := a.serviceDateLine(c, s); l != "" { // sources.go (issue 13)
		b.WriteString("\n  <i>" + l + "</i>")
	}
	return b.String()
}
