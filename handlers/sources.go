package handlers

import (
	"strconv"
	"strings"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/content"
)

// How health content reaches a person (issue 13): the emergency numbers for where they are, the
// practical steps with the consultant mention tied to the handoff, short dates ("as of",
// "checked"), and a "Sources" button that opens a readable list. Sources are never printed
// inline under Ukrainian or Russian text; a "no data" answer shows none.
//
// Button data: src:c:<a>:<b> (a combination), src:n:<id> (an NPS page), src:s:<id> (practical
// steps), src:f:<id> (a first-aid card), src:e:<code> (a country's emergency numbers), src:a
// (about), src:m (membership). The list replaces the screen, with a button back to it; stp:<id>
// shows an entry of steps again (the way back from its sources).

func (a *App) contentRoutes(r *bot.Router) {
	r.Callback("src:", a.sources)
	r.Callback("stp:", a.stepsAgain)
}

// backOf is the button data that shows again the screen a Sources button was on.
func backOf(ref string) string {
	kind, id, _ := strings.Cut(ref, ":")
	switch kind {
	case "c":
		return "cmb:" + id
	case "n":
		return "nps:" + id
	case "s":
		return "stp:" + id
	case "f":
		return "od:" + id
	case "e":
		return "odn:" + id
	case "a":
		return "about"
	case "m":
		return "mem"
	}
	return "menu"
}

// stepsAgain shows an entry of practical steps again (stp:<id>).
func (a *App) stepsAgain(c *bot.Ctx) (bot.Next, error) {
	id := strings.TrimPrefix(c.Data, "stp:")
	if a.resultStepsAgain(c, id) { // at an intake's result: back to its page (result.go)
		return bot.Stay(), nil
	}
	for i := range a.content.Steps {
		if s := &a.content.Steps[i]; s.ID == id {
			c.Show(a.stepsMessage(c, s))
			return bot.Stay(), nil
		}
	}
	return a.stale(c)
}

// emergencyLines is the numbers block under a first-aid card: the person's country (Ukraine when
// it is not known) with its own numbers first, then the line about 112 that works in the EU, the
// UK and most other countries. country is an ISO code or "".
func (a *App) emergencyLines(c *bot.Ctx, country string) string {
	e := a.content.EmergencyFor(country)
	var b strings.Builder
	if e.Country != nil {
		parts := make([]string, 0, len(e.Numbers))
		for _, n := range e.Numbers {
			parts = append(parts, "<b>"+n.Number+"</b> "+a.t(c, "svc_"+n.Service))
		}
		b.WriteString(a.t(c, "od_call_home", map[string]any{
			"Country": e.Country.Flag() + " " + e.Country.Name.In(c.Lang),
			"Numbers": strings.Join(parts, " · "),
		}) + "\n")
	}
	b.WriteString(a.t(c, "content_od_general"))
	return b.String()
}

// stepsMessage renders one entry of practical steps at the end of an intake: its text, what a
// peer consultant can do (only while the handoff is on) or what to use instead (while it is off),
// the "as of" date of a country's rule, when it was checked, and the buttons (Sources; and, with
// the handoff on, "Talk to a peer consultant"). In intake.go: c.Reply(a.stepsMessage(c, s)).
func (a *App) stepsMessage(c *bot.Ctx, s *content.Steps) (string, bot.Keyboard) {
	on := a.handoffOn(c)
	var b strings.Builder
	b.WriteString("<b>" + s.Title.In(c.Lang) + "</b>\n\n" + s.Body(c.Lang, on))
	if !s.AsOf.IsZero() {
		b.WriteString("\n\n<i>" + a.t(c, "content_as_of", map[string]any{"When": a.monthYear(c, s.AsOf)}) + "</i>")
	}
	b.WriteString("\n\n" + a.sourcesLine(c, s.Meta))
	kb := bot.Keyboard{bot.Row(a.sourcesButton(c, "s:"+s.ID))}
	if on && s.Consult.In(c.Lang) != "" {
		kb = append(kb, bot.Row(a.askButton(c, stepsTopic(s))))
	}
	return b.String(), kb
}

// stepsTopic is the handoff topic code for an entry of steps.
func stepsTopic(s *content.Steps) string {
	if s.Flow == "humanitarian" {
		return "hum"
	}
	for _, t := range s.Topics {
		switch t {
		case "ost", "art", "tb", "hcv":
			return t
		}
	}
	return "gen"
}

// serviceDateLine says how current a directory entry is: "information as of 2022, not re-checked"
// for an entry nobody has verified (the year only when the source itself is old), "last verified
// on …" for a verified entry not checked for a while, or "" when there is nothing to say.
// In intake.go's serviceText: if l := a.serviceDateLine(c, s); l != "" { b.WriteString("\n  <i>" + l + "</i>") }.
func (a *App) serviceDateLine(c *bot.Ctx, s *content.Service) string {
	date, verified, show := a.content.Directory.DateNote(s, c.Now)
	switch {
	case !show || date.IsZero():
		return ""
	case verified:
		return a.t(c, "in_last_verified", map[string]any{"Date": a.date(c, date)})
	case s.Dated:
		return a.t(c, "content_info_from", map[string]any{"When": a.t(c, "content_year", map[string]any{"Year": date.Year()})})
	default:
		return a.t(c, "content_info_from", map[string]any{"When": a.monthYear(c, date)})
	}
}

// sourcesLine is the small print under a content screen: only when it was checked ("Checked:
// December 2026."); the sources themselves are one tap away (sourcesButton).
func (a *App) sourcesLine(c *bot.Ctx, m content.Meta) string {
	return "<i>" + a.t(c, "sources_line", map[string]any{"Reviewed": a.monthYear(c, m.Reviewed)}) + "</i>"
}

// sourcesButton opens the readable list of sources of the entry ref (see the button data above).
func (a *App) sourcesButton(c *bot.Ctx, ref string) bot.Button {
	return bot.Btn(a.t(c, "content_btn_sources"), "src:"+ref)
}

// monthYear renders "грудень 2026 р.", "декабрь 2026 г.", "December 2026".
func (a *App) monthYear(c *bot.Ctx, t time.Time) string {
	months := strings.Split(a.t(c, "content_months"), ",")
	if len(months) != 12 {
		return t.Format("2006-01")
	}
	return a.t(c, "content_month_year", map[string]any{"Month": strings.TrimSpace(months[t.Month()-1]), "Year": strconv.Itoa(t.Year())})
}

// metaOf finds the entry a Sources button refers to.
func (a *App) metaOf(ref string) (content.Meta, bool) {
	kind, id, _ := strings.Cut(ref, ":")
	switch kind {
	case "c":
		x, y, ok := strings.Cut(id, ":")
		if !ok {
			return content.Meta{}, false
		}
		ans := a.content.Combo(x, y)
		if ans.Level == content.LevelNoData {
			return content.Meta{}, false
		}
		return content.Meta{Sources: ans.Sources, Reviewed: ans.Reviewed}, true
	case "n":
		if s, ok := a.content.Substance(id); ok {
			return s.Meta, true
		}
	case "s":
		for i := range a.content.Steps {
			if a.content.Steps[i].ID == id {
				return a.content.Steps[i].Meta, true
			}
		}
	case "f":
		if x, ok := a.content.Card(id); ok {
			return x.Meta, true
		}
	case "e":
		if x, ok := a.content.Country(id); ok {
			return x.Meta, true
		}
	case "a":
		return a.content.About.Meta, true
	case "m":
		return a.content.Member.Membership.Meta, true
	}
	return content.Meta{}, false
}

// sources shows the readable list of an entry's sources in place of the screen, with a way back.
func (a *App) sources(c *bot.Ctx) (bot.Next, error) {
	ref := strings.TrimPrefix(c.Data, "src:")
	m, ok := a.metaOf(ref)
	if !ok || len(m.Sources) == 0 {
		return a.stale(c)
	}
	var b strings.Builder
	b.WriteString(a.t(c, "content_sources_title") + "\n")
	for _, s := range m.Sources {
		b.WriteString("\n• " + esc(s))
	}
	if !m.Reviewed.IsZero() {
		b.WriteString("\n\n<i>" + a.t(c, "content_sources_reviewed", map[string]any{"When": a.monthYear(c, m.Reviewed)}) + "</i>")
	}
	c.Show(b.String(), bot.Keyboard{bot.Row(bot.Btn(a.t(c, "btn_back"), backOf(ref)))})
	return bot.Stay(), nil
}
