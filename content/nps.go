package content

import "fmt"

// Substance is an NPS safety page: a group of substances common in the region, in short screens.
type Substance struct {
	ID     string `toml:"id"` // short code (callback data), a-z, 0-9, "-"
	Name   Text   `toml:"name" content:"max=40"`
	Aka    Text   `toml:"aka" content:"optional,max=300"`    // local and street names
	What   Text   `toml:"what" content:"max=1000"`           // what it is
	Timing Text   `toml:"timing" content:"optional,max=500"` // onset and duration where known
	Risks  Text   `toml:"risks" content:"max=1500"`
	Safer  Text   `toml:"safer" content:"max=1800"` // safer-use steps
	Help   Text   `toml:"help" content:"max=1000"`  // when to call for help
	// FirstAid is the first-aid card this page links to (firstaid.toml id).
	FirstAid string `toml:"firstaid"`
	// Combo is the combination checker item for this substance (combos.toml item id), if any.
	Combo string `toml:"combo"`
	Meta
}

// NPSIntro is the section's opening screen.
type NPSIntro struct {
	Text Text `toml:"text" content:"max=1500"`
	Meta
}

func (c *Content) validateNPS() (probs []Problem) {
	file := c.src("nps.toml")
	c.substances = map[string]*Substance{}
	probs = append(probs, checkTexts(file, "intro", &c.NPS.Intro)...)
	probs = append(probs, checkMeta(file, "intro", c.NPS.Intro.Meta)...)
	probs = append(probs, checkReviewer(file, "intro", c.NPS.Intro.Meta)...)
	for i := range c.NPS.Substances {
		x := &c.NPS.Substances[i]
		entry := fmt.Sprintf("substance %q", x.ID)
		probs = append(probs, checkShortID(file, entry, x.ID)...)
		if _, dup := c.substances[x.ID]; dup {
			probs = append(probs, Problem{file, entry, "id", "appears twice"})
		}
		c.substances[x.ID] = x
		if _, ok := c.cards[x.FirstAid]; !ok {
			probs = append(probs, Problem{file, entry, "firstaid", fmt.Sprintf("no first-aid card %q", x.FirstAid)})
		}
		if x.Combo != "" {
			if _, ok := c.comboItems[x.Combo]; !ok {
				probs = append(probs, Problem{file, entry, "combo", fmt.Sprintf("no combination item %q", x.Combo)})
			}
		}
		probs = append(probs, checkTexts(file, entry, x)...)
		probs = append(probs, checkMeta(file, entry, x.Meta)...)
		probs = append(probs, checkReviewer(file, entry, x.Meta)...)
	}
	if len(c.NPS.Substances) == 0 {
		probs = append(probs, Problem{file, "", "", "at least one substance is needed"})
	}
	return probs
}

// Substance returns an NPS page by id.
func (c *Content) Substance(id string) (*Substance, bool) {
	x, ok := c.substances[id]
	return x, ok
}
