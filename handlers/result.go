package handlers

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/content"
)

// The result of an intake is one message, short enough for a phone screen: what the person told
// us in a line, and what to do now (the numbered headings of the most specific practical steps).
// Buttons open, in the same message, the steps in full (one entry per page), the services near
// the person, and what to bring; "back" returns to the short answer.
//
// The conversation stays in the result state with the intake's answers in ConvData, so these
// buttons — and the consultant handoff's ask:<topic> — can use them. ConvData keys:
//
//	topic      treatment code (ost art tb hcv testing) or humanitarian need (content.Needs)
//	situation  treatment: keep | start | stopped
//	country    ISO code; "UA" for Ukraine; "XX" for a country typed but not recognised
//	country_name  the typed name when country is "XX" (shown escaped, never stored elsewhere)
//	region     Ukrainian region code (places.toml) when country is "UA"
//	city       city key (places.toml) abroad, or a typed city name
//	from       treatment: the region code of the site the person got therapy from before
//	medicine   OST: methadone | buprenorphine | unsure
//	docs       treatment: comma-separated documents the person has (id, medical, registration)
//	urgent     humanitarian: yes | no
//	flow       treatment | humanitarian (set at the result)
//
// Button data: <p>:res:now, <p>:res:steps:<page>, <p>:res:svc, <p>:res:bring, <p>:res:home.

const resultStep = "result"

var headingRE = regexp.MustCompile(`(?m)^<b>(\d+\.[^<]*)</b>`)

// intakeResult ends the questions: the short answer, as the live screen, in the result state.
func (a *App) intakeResult(in *intake, c *bot.Ctx) (bot.Next, error) {
	k := caseOf(in, c)
	if err := c.Tx.Incr("intake_"+in.flow+"_"+orNone(k.Topic), 1); err != nil {
		return bot.Stay(), err
	}
	c.ConvData["flow"] = in.flow
	delete(c.ConvData, "path")
	a.showResult(in, c, "now")
	return bot.Goto(in.state(resultStep)), nil
}

// resultSteps are the practical steps for the case, the most specific (country-level) first.
func (a *App) resultSteps(in *intake, c *bot.Ctx) []*content.Steps {
	all := a.content.StepsFor(caseOf(in, c))
	var specific, general []*content.Steps
	for _, s := range all {
		if len(s.Countries) > 0 {
			specific = append(specific, s)
		} else {
			general = append(general, s)
		}
	}
	return append(specific, general...)
}

// showResult shows one view of the result: now, steps:<page>, svc or bring.
func (a *App) showResult(in *intake, c *bot.Ctx, view string) {
	steps := a.resultSteps(in, c)
	var b strings.Builder
	back := bot.Row(bot.Btn(a.t(c, "ux_res_back"), in.prefix+":res:now"))
	var kb bot.Keyboard
	switch {
	case view == "svc":
		b.WriteString(a.servicesText(in, c))
		kb = bot.Keyboard{back}
	case view == "bring":
		b.WriteString(a.bringText(in, c, steps))
		kb = bot.Keyboard{back}
	case strings.HasPrefix(view, "steps:"):
		page, _ := strconv.Atoi(strings.TrimPrefix(view, "steps:"))
		if page < 0 || page >= len(steps) {
			page = 0
		}
		if len(steps) > 0 {
			text, skb := a.stepsMessage(c, steps[page]) // sources, "as of", and the handoff button
			b.WriteString(text)
			kb = append(kb, skb...)
		}
		var nav []bot.Button
		if page > 0 {
			nav = append(nav, bot.Btn("◀️", in.prefix+":res:steps:"+strconv.Itoa(page-1)))
		}
		if len(steps) > 1 {
			nav = append(nav, bot.Btn(strconv.Itoa(page+1)+"/"+strconv.Itoa(len(steps)), in.prefix+":res:steps:"+strconv.Itoa(page)))
		}
		if page+1 < len(steps) {
			nav = append(nav, bot.Btn("▶️", in.prefix+":res:steps:"+strconv.Itoa(page+1)))
		}
		if len(nav) > 0 {
			kb = append(kb, nav)
		}
		kb = append(kb, back)
	default:
		b.WriteString(a.shortAnswer(in, c, steps))
		var row []bot.Button
		if len(steps) > 0 {
			row = append(row, bot.Btn(a.t(c, "ux_res_steps"), in.prefix+":res:steps:0"))
		}
		row = append(row, bot.Btn(a.t(c, "ux_res_services"), in.prefix+":res:svc"))
		kb = append(kb, row, bot.Row(bot.Btn(a.t(c, "ux_res_bring"), in.prefix+":res:bring")))
		if a.handoffOn(c) {
			kb = append(kb, bot.Row(a.askButton(c, askTopic(in, c))))
		}
		if code := a.rememberable(c); code != "" && code != a.personCountry(c) {
			kb = append(kb, bot.Row(bot.Btn(a.t(c, "ux_res_remember", map[string]any{"Country": a.countryName(c, code)}), in.prefix+":res:home")))
		}
	}
	kb = append(kb, bot.Row(bot.Btn(a.t(c, "in_again"), in.prefix+":restart"), bot.Btn(a.t(c, "btn_to_menu"), "menu")))
	a.showStep(c, b.String(), kb)
}

// askTopic is the handoff topic code for the intake's case.
func askTopic(in *intake, c *bot.Ctx) string {
	if in.flow == "humanitarian" {
		return "hum"
	}
	switch t := c.ConvData["topic"]; t {
	case "ost", "art", "tb", "hcv":
		return t
	}
	return "gen"
}

// shortAnswer is the first view: the case in a line or two, then what to do now.
func (a *App) shortAnswer(in *intake, c *bot.Ctx, steps []*content.Steps) string {
	d := c.ConvData
	var b strings.Builder
	if d["urgent"] == "yes" {
		b.WriteString(a.urgentNote(c) + "\n\n")
	}
	b.WriteString("<b>" + a.briefLine(in, c) + "</b>\n")
	if r, ok := a.content.Region(d["from"]); ok {
		b.WriteString(a.t(c, "ux_res_from", map[string]any{"Region": r.Name.In(c.Lang)}) + "\n")
	}
	b.WriteString("\n")
	var lines []string
	for _, s := range steps {
		for _, m := range headingRE.FindAllStringSubmatch(s.Body(c.Lang, a.handoffOn(c)), -1) {
			lines = append(lines, strings.TrimSpace(m[1]))
		}
		if len(lines) > 0 {
			break
		}
	}
	if len(lines) > 5 {
		lines = lines[:5]
	}
	switch {
	case len(lines) > 0:
		b.WriteString("<b>" + a.t(c, "ux_res_now") + "</b>\n" + strings.Join(lines, "\n"))
	case len(steps) > 0:
		b.WriteString("<b>" + steps[0].Title.In(c.Lang) + "</b>")
	default:
		b.WriteString(a.t(c, "ux_res_no_steps"))
	}
	return b.String()
}

// briefLine is what the person told the intake, in one line: "OST · Warsaw, Poland · methadone".
func (a *App) briefLine(in *intake, c *bot.Ctx) string {
	d := c.ConvData
	var parts []string
	if in.flow == "humanitarian" {
		if d["topic"] != "" {
			parts = append(parts, a.t(c, "hu_need_"+d["topic"]))
		}
	} else {
		parts = append(parts, a.t(c, "tr_topic_"+orDefault(d["topic"], "testing")))
		if d["situation"] != "" {
			parts = append(parts, a.t(c, "tr_sit_"+d["situation"]))
		}
	}
	parts = append(parts, "📍 "+a.placeName(c))
	if d["medicine"] != "" {
		parts = append(parts, a.t(c, "tr_med_"+d["medicine"]))
	}
	return strings.Join(parts, " · ")
}

// urgentNote tells a person whose need is urgent to call the emergency number of where they are
// (the intake's country, else their chosen one, else Ukraine).
func (a *App) urgentNote(c *bot.Ctx) string {
	country := c.ConvData["country"]
	if country == "" || country == otherCountry {
		country = a.personCountry(c)
	}
	return a.t(c, "ux_urgent_note") + "\n" + a.emergencyLines(c, country)
}

// servicesText lists the services for the case, local ones first.
func (a *App) servicesText(in *intake, c *bot.Ctx) string {
	services := a.directory().Match(caseOf(in, c)) // the live directory (admins may import one)
	if len(services) == 0 {
		return a.t(c, "in_no_services")
	}
	var b strings.Builder
	b.WriteString("<b>" + a.t(c, "in_services_title") + "</b> — 📍 " + a.placeName(c) + "\n")
	for i, s := range services {
		if i == 6 {
			b.WriteString("\n" + a.t(c, "in_more_services", map[string]any{"N": len(services) - i}))
			break
		}
		b.WriteString("\n" + a.serviceText(c, s) + "\n")
	}
	return b.String()
}

// bringText is what to take along: the steps' paragraphs about documents, and which of them the
// person said they have.
func (a *App) bringText(in *intake, c *bot.Ctx, steps []*content.Steps) string {
	var b strings.Builder
	b.WriteString("<b>" + a.t(c, "ux_res_bring_title") + "</b>\n\n")
	found := false
	for _, s := range steps {
		for _, para := range strings.Split(s.Body(c.Lang, a.handoffOn(c)), "\n\n") {
			head := strings.ToLower(para)
			if i := strings.Index(head, "</b>"); i > 0 {
				head = head[:i]
			}
			if strings.HasPrefix(para, "<b>") && containsAny(head, "документ", "document", "papers", "візьміть", "возьмите", "bring", "take") {
				b.WriteString(para + "\n\n")
				found = true
				break
			}
		}
		if found {
			break
		}
	}
	if in.flow == "treatment" {
		d := c.ConvData
		var have, missing []string
		for _, doc := range documents {
			if doc == "registration" && (d["country"] == "UA" || d["country"] == "") {
				continue
			}
			if strings.Contains(","+d["docs"]+",", ","+doc+",") {
				have = append(have, a.t(c, "tr_doc_"+doc))
			} else {
				missing = append(missing, a.t(c, "tr_doc_"+doc))
			}
		}
		if len(have) > 0 {
			b.WriteString("✅ " + strings.Join(have, "; ") + "\n")
		}
		if len(missing) > 0 {
			b.WriteString("◻️ " + strings.Join(missing, "; ") + "\n")
		}
		if !strings.Contains(d["docs"], "medical") && (d["topic"] == "ost" || d["topic"] == "art") {
			b.WriteString("\n" + a.t(c, "tr_hint_no_medical"))
		}
	} else if !found {
		b.WriteString(a.t(c, "ux_res_bring_hum"))
	}
	return strings.TrimSpace(b.String())
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// resultButton handles <p>:res:<view> in the result state.
func (a *App) resultButton(in *intake, c *bot.Ctx, value string) (bot.Next, error) {
	switch {
	case value == "home":
		code := a.rememberable(c)
		if code == "" {
			return a.stale(c)
		}
		if err := a.setPersonCountry(c, code); err != nil {
			return bot.Stay(), err
		}
		c.Answer(a.t(c, "ux_country_saved", map[string]any{"Country": a.countryName(c, code)}))
		a.showResult(in, c, "now")
	case value == "now", value == "svc", value == "bring", strings.HasPrefix(value, "steps:"):
		a.showResult(in, c, value)
	default:
		return a.stale(c)
	}
	return bot.Stay(), nil
}

// rememberable is the intake's country if it can be kept as the person's setting ("" if not).
func (a *App) rememberable(c *bot.Ctx) string {
	code := c.ConvData["country"]
	if code == "UA" {
		return code
	}
	if _, ok := a.content.AbroadCountry(code); ok {
		return code
	}
	return ""
}

// resultStepsAgain shows the entry of steps id as a page of the result, when the person is at an
// intake's result (the way back from its Sources); reports false otherwise.
func (a *App) resultStepsAgain(c *bot.Ctx, id string) bool {
	for _, in := range []*intake{a.treat, a.human} {
		if c.Conv != in.state(resultStep) {
			continue
		}
		for i, s := range a.resultSteps(in, c) {
			if s.ID == id {
				a.showResult(in, c, "steps:"+strconv.Itoa(i))
				return true
			}
		}
	}
	return false
}
