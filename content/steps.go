package content

import (
	"fmt"
	"time"
)

// Steps are the practical steps shown at the end of an intake, chosen by what the person said.
// An entry applies when each of its lists is empty or holds the person's answer.
type Steps struct {
	ID   string `toml:"id"`
	Flow string `toml:"flow"` // "treatment" or "humanitarian"
	// For treatment: ost, art, tb, hcv, testing. For humanitarian: the needs (see Needs).
	Topics     []string `toml:"topics"`
	Situations []string `toml:"situations"` // treatment only: keep, start, stopped
	Where      string   `toml:"where"`      // "ukraine", "abroad" or "" (anywhere)
	Countries  []string `toml:"countries"`  // ISO codes; for where = "abroad" (or "UA")
	Order      int      `toml:"order"`      // display order among matching entries
	Title      Text     `toml:"title" content:"max=120"`
	Text       Text     `toml:"text" content:"max=2500"`
	// Consult says what a peer consultant in this bot can do here. It is shown only while the
	// handoff is on; Otherwise is shown instead while it is off, and offers what exists (a
	// hotline or service from the directory). An entry has both or neither; Text itself never
	// mentions a consultant in this bot.
	Consult   Text `toml:"consult" content:"optional,max=500"`
	Otherwise Text `toml:"otherwise" content:"optional,max=500"`
	// AsOf is when a country's rule was last known to be true, shown as "as of <month year>".
	// Every entry about a country abroad needs one (peerline check warns).
	AsOf time.Time `toml:"as_of"`
	Meta
}

// Body is the text a person reads: Text, then Consult when a peer consultant can be reached
// (handoff on) or Otherwise when not.
func (s *Steps) Body(lang string, handoff bool) string {
	extra := s.Otherwise
	if handoff {
		extra = s.Consult
	}
	if x := extra.In(lang); x != "" {
		return s.Text.In(lang) + "\n\n" + x
	}
	return s.Text.In(lang)
}

// CountryRule reports whether the entry states a rule of a country abroad (so it needs AsOf).
func (s *Steps) CountryRule() bool {
	if s.Where == "abroad" {
		return true
	}
	for _, c := range s.Countries {
		if c != "UA" {
			return true
		}
	}
	return false
}

// Treatments and situations of the treatment intake; needs of the humanitarian intake.
var (
	Treatments = []string{"ost", "art", "tb", "hcv", "testing"}
	Situations = []string{"keep", "start", "stopped"}
	Needs      = []string{"housing", "food", "medicine", "hygiene", "documents", "cash", "evacuation", "legal", "psych"}
)

// Case is what an intake found out, for matching steps and services.
type Case struct {
	Flow      string // treatment | humanitarian
	Topic     string // treatment code or need
	Situation string // treatment only
	Country   string // ISO code; UA for Ukraine
	Region    string // Ukrainian region code
	City      string // city key or free text
}

// StepsFor returns the steps that apply to a case, in display order.
func (c *Content) StepsFor(k Case) []*Steps {
	var out []*Steps
	for i := range c.Steps {
		s := &c.Steps[i]
		if s.Flow != k.Flow || !anyOrHas(s.Topics, k.Topic) || !anyOrHas(s.Situations, k.Situation) || !anyOrHas(s.Countries, k.Country) {
			continue
		}
		switch s.Where {
		case "ukraine":
			if k.Country != "UA" {
				continue
			}
		case "abroad":
			if k.Country == "UA" || k.Country == "" {
				continue
			}
		}
		out = append(out, s)
	}
	sortStable(out, func(a, b *Steps) bool { return a.Order < b.Order })
	return out
}

func anyOrHas(list []string, v string) bool { return len(list) == 0 || contains(list, v) }

func (c *Content) validateSteps() (probs []Problem) {
	file := c.src("steps.toml")
	ids := map[string]bool{}
	for i := range c.Steps {
		x := &c.Steps[i]
		entry := fmt.Sprintf("steps %q", x.ID)
		probs = append(probs, checkID(file, entry, x.ID)...)
		if ids[x.ID] {
			probs = append(probs, Problem{file, entry, "id", "appears twice"})
		}
		ids[x.ID] = true
		valid := Treatments
		switch x.Flow {
		case "treatment":
		case "humanitarian":
			valid = Needs
			if len(x.Situations) > 0 {
				probs = append(probs, Problem{file, entry, "situations", "only for the treatment flow"})
			}
		default:
			probs = append(probs, Problem{file, entry, "flow", `must be "treatment" or "humanitarian"`})
		}
		for _, t := range x.Topics {
			if !contains(valid, t) {
				probs = append(probs, Problem{file, entry, "topics", fmt.Sprintf("%q is not one of %v", t, valid)})
			}
		}
		for _, s := range x.Situations {
			if !contains(Situations, s) {
				probs = append(probs, Problem{file, entry, "situations", fmt.Sprintf("%q is not one of %v", s, Situations)})
			}
		}
		if x.Where != "" && x.Where != "ukraine" && x.Where != "abroad" {
			probs = append(probs, Problem{file, entry, "where", `must be "ukraine", "abroad" or empty`})
		}
		for _, code := range x.Countries {
			if _, ok := c.abroad[code]; !ok && code != "UA" {
				probs = append(probs, Problem{file, entry, "countries", fmt.Sprintf("%q is not in places.toml", code)})
			}
		}
		if x.Consult.empty() != x.Otherwise.empty() {
			probs = append(probs, Problem{file, entry, "consult/otherwise", "give both (what a consultant does, and what to offer while consultants cannot be reached) or neither"})
		}
		probs = append(probs, checkTexts(file, entry, x)...)
		probs = append(probs, checkMeta(file, entry, x.Meta)...)
		probs = append(probs, checkReviewer(file, entry, x.Meta)...)
	}
	return probs
}
