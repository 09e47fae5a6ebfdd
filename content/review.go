package content

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"
)

// The review trail. Health entries — first-aid cards, emergency numbers, combinations, NPS pages
// and practical steps — record when they were reviewed and by whom (a role). Load refuses shipped
// text that carries a reviewer's internal mark (UNVERIFIED, DATED, a "seed" or "fact brief"
// label); Warnings lists what a reviewer should look at again.

// DefaultReviewMonths is how old a health entry's review may be before `peerline check` warns.
const DefaultReviewMonths = 12

func checkReviewer(file, entry string, m Meta) []Problem {
	if strings.TrimSpace(m.ReviewedBy) == "" {
		return []Problem{{file, entry, "reviewed_by", `missing: the role of who reviewed it, e.g. "physician" or "peer consultant"`}}
	}
	return nil
}

// internalMark matches the labels reviewers use in the fact brief and the seeds, which must
// never reach a person: UNVERIFIED, [DATED …], "seed 002", "fact brief".
var internalMark = regexp.MustCompile(`UNVERIFIED|\[DATED|(?i:\bseeds? ?\d{3}\b|\bfact brief\b)`)

// InternalMark returns the internal label s carries, or "".
func InternalMark(s string) string { return internalMark.FindString(s) }

// fileOf names the content file each field of Content comes from.
var fileOf = map[string]string{
	"Emergency": "emergency.toml", "FirstAid": "firstaid.toml", "NPS": "nps.toml",
	"Combos": "combos.toml", "Member": "membership.toml", "Calls": "calls.toml",
	"About": "about.toml", "Places": "places.toml", "Steps": "steps.toml", "Directory": "directory.toml",
}

// ShownStrings calls fn with every string a person can see: each language of every text, and
// every source (people open them with a "Sources" button). where names the file and field.
func (c *Content) ShownStrings(fn func(where, s string)) {
	var walk func(rv reflect.Value, path string)
	walk = func(rv reflect.Value, path string) {
		switch rv.Kind() {
		case reflect.Pointer:
			if !rv.IsNil() {
				walk(rv.Elem(), path)
			}
		case reflect.Slice:
			if rv.Type().Elem().Kind() == reflect.String {
				if strings.HasSuffix(path, "Sources") {
					for i := 0; i < rv.Len(); i++ {
						fn(fmt.Sprintf("%s[%d]", path, i), rv.Index(i).String())
					}
				}
				return
			}
			for i := 0; i < rv.Len(); i++ {
				walk(rv.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case reflect.Struct:
			if rv.Type() == textType {
				t := rv.Interface().(Text)
				for _, lang := range []string{"uk", "ru", "en"} {
					fn(path+"."+lang, t.In(lang))
				}
				return
			}
			for i := 0; i < rv.NumField(); i++ {
				f := rv.Type().Field(i)
				if !f.IsExported() || f.Type == reflect.TypeOf(time.Time{}) {
					continue
				}
				p := f.Name
				if path != "" {
					p = path + "." + f.Name
				}
				if f.Anonymous {
					p = path
				}
				walk(rv.Field(i), p)
			}
		}
	}
	cv := reflect.ValueOf(c).Elem()
	for i := 0; i < cv.NumField(); i++ {
		f := cv.Type().Field(i)
		if f.IsExported() {
			walk(cv.Field(i), fileOf[f.Name]+" › "+f.Name)
		}
	}
}

// validateMarks refuses internal labels in anything a person can see.
func (c *Content) validateMarks() (probs []Problem) {
	c.ShownStrings(func(where, s string) {
		if m := InternalMark(s); m != "" {
			file, field, _ := strings.Cut(where, " › ")
			probs = append(probs, Problem{c.src(file), "", field, fmt.Sprintf("%q is a reviewer's mark and must not be shown to people: confirm the fact or leave it out", m)})
		}
	})
	return probs
}

// Warnings lists what a reviewer should look at again, without making the content invalid:
// health entries reviewed more than months ago, and country rules without an "as of" date.
func (c *Content) Warnings(now time.Time, months int) Problems {
	if months <= 0 {
		months = DefaultReviewMonths
	}
	limit := now.AddDate(0, -months, 0)
	var out Problems
	old := func(file, entry string, m Meta) {
		if m.Reviewed.Before(limit) {
			out = append(out, Problem{c.src(file), entry, "reviewed", fmt.Sprintf("reviewed on %s, more than %d months ago: ask a %s to check it again", m.Reviewed.Format("2006-01-02"), months, orDefault(m.ReviewedBy, "reviewer"))})
		}
	}
	for _, x := range c.Emergency {
		old("emergency.toml", fmt.Sprintf("country %q", x.Code), x.Meta)
	}
	for _, x := range c.FirstAid {
		old("firstaid.toml", fmt.Sprintf("card %q", x.ID), x.Meta)
	}
	for _, x := range c.Combos.Pairs {
		old("combos.toml", fmt.Sprintf("pair %s + %s", x.A, x.B), x.Meta)
	}
	old("nps.toml", "intro", c.NPS.Intro.Meta)
	for _, x := range c.NPS.Substances {
		old("nps.toml", fmt.Sprintf("substance %q", x.ID), x.Meta)
	}
	for _, p := range c.Places.Countries {
		if _, ok := c.countries[p.Code]; !ok {
			out = append(out, Problem{c.src("emergency.toml"), fmt.Sprintf("country %q", p.Code), "", "people can say they are there, but it has no emergency numbers: the overdose card shows only the 112 line"})
		}
	}
	for _, x := range c.Steps {
		entry := fmt.Sprintf("steps %q", x.ID)
		old("steps.toml", entry, x.Meta)
		if x.CountryRule() && x.AsOf.IsZero() {
			out = append(out, Problem{c.src("steps.toml"), entry, "as_of", "a rule of a country abroad needs the date it was last known to be true (as_of = 2026-12-01)"})
		}
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// General is the number that works across the EU, the UK and most other countries; the
// overdose card always shows it.
const General = "112"

// Emergency is what the overdose card shows for where a person is.
type Emergency struct {
	// Country is the person's country (Known), or Ukraine when the person's country is not
	// known; nil when the person is in a country the file has no numbers for (then only 112).
	Country *Country
	Known   bool
	// Numbers are the country's own numbers in their order, then 112 if the country's list
	// lacks it.
	Numbers []Number
}

// EmergencyFor returns the numbers for a person in country (an ISO code, or "" when not known):
// that country's numbers first, then 112. Not known gives Ukraine's; a country the file has no
// numbers for gives only 112 (Ukraine's numbers would not work there).
func (c *Content) EmergencyFor(country string) Emergency {
	x, known := c.countries[country]
	if country == "" {
		x = c.countries["UA"]
	}
	e := Emergency{Country: x, Known: known}
	if x == nil {
		return Emergency{Numbers: []Number{{Number: General, Service: "general"}}}
	}
	has112 := false
	for _, n := range x.Numbers {
		has112 = has112 || n.Number == General
	}
	e.Numbers = append([]Number(nil), x.Numbers...)
	if !has112 {
		e.Numbers = append(e.Numbers, Number{Number: General, Service: "general"})
	}
	return e
}
