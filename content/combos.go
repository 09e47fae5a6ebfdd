package content

import (
	"fmt"
	"sort"
	"time"
)

// Risk levels of a combination, from worst to none known. "nodata" is never written in the
// file: it is what Combo returns for a pair the file does not list.
const (
	LevelDangerous = "dangerous" // avoid: can kill
	LevelUnsafe    = "unsafe"    // considerable risk of harm
	LevelCaution   = "caution"   // usually not physically harmful, but uncomfortable or risky
	LevelLow       = "low"       // low known risk
	LevelNoData    = "nodata"    // no reliable data: say so, never guess
)

// Levels are the levels a pair may have in the file.
var Levels = []string{LevelDangerous, LevelUnsafe, LevelCaution, LevelLow}

// ComboItem is something a person can pick in the combination checker: a substance, a group,
// or a treatment (methadone, HIV medicines, rifampicin, ...).
type ComboItem struct {
	ID    string `toml:"id"`
	Kind  string `toml:"kind"` // "substance" or "treatment" (for grouping the buttons)
	Name  Text   `toml:"name" content:"max=40"`
	About Text   `toml:"about" content:"optional,max=200"` // what it covers, e.g. "heroin, street methadone"
}

// ComboPair is what is known about taking two items together. Order does not matter.
type ComboPair struct {
	A       string `toml:"a"`
	B       string `toml:"b"`
	Level   string `toml:"level"`
	Why     Text   `toml:"why" content:"max=700"`     // the reason in plain words
	Instead Text   `toml:"instead" content:"max=700"` // what to do instead
	Meta
}

// ComboAnswer is the checker's answer for two items.
type ComboAnswer struct {
	Level   string
	Why     Text // empty for no data
	Instead Text // empty for no data
	// Sources and Reviewed are the pair's; a "no data" answer has none (the sources searched do
	// not cover the pair, so naming them would mislead).
	Sources  []string
	Reviewed time.Time
}

// CombosFile is combos.toml.
type CombosFile struct {
	Items []ComboItem `toml:"item"`
	Pairs []ComboPair `toml:"pair"`
	// NoDataSources are the sources that were searched for every pair, for reviewers; a pair not
	// listed was found in none of them. They are not shown with a "no data" answer.
	NoDataSources []string `toml:"nodata_sources"`
}

func pairKey(a, b string) [2]string {
	if b < a {
		a, b = b, a
	}
	return [2]string{a, b}
}

// Combo answers for items a and b in either order. A pair not in the file is "no data".
func (c *Content) Combo(a, b string) ComboAnswer {
	if p, ok := c.pairs[pairKey(a, b)]; ok {
		return ComboAnswer{Level: p.Level, Why: p.Why, Instead: p.Instead, Sources: p.Sources, Reviewed: p.Reviewed}
	}
	return ComboAnswer{Level: LevelNoData}
}

// ComboItem returns a checker item by id.
func (c *Content) ComboItem(id string) (*ComboItem, bool) {
	x, ok := c.comboItems[id]
	return x, ok
}

func (c *Content) validateCombos() (probs []Problem) {
	file := c.src("combos.toml")
	c.comboItems = map[string]*ComboItem{}
	c.pairs = map[[2]string]*ComboPair{}
	for i := range c.Combos.Items {
		x := &c.Combos.Items[i]
		entry := fmt.Sprintf("item %q", x.ID)
		probs = append(probs, checkShortID(file, entry, x.ID)...)
		if _, dup := c.comboItems[x.ID]; dup {
			probs = append(probs, Problem{file, entry, "id", "appears twice"})
		}
		if x.Kind != "substance" && x.Kind != "treatment" {
			probs = append(probs, Problem{file, entry, "kind", `must be "substance" or "treatment"`})
		}
		c.comboItems[x.ID] = x
		probs = append(probs, checkTexts(file, entry, x)...)
	}
	for i := range c.Combos.Pairs {
		p := &c.Combos.Pairs[i]
		entry := fmt.Sprintf("pair %s + %s", p.A, p.B)
		for _, id := range []string{p.A, p.B} {
			if _, ok := c.comboItems[id]; !ok {
				probs = append(probs, Problem{file, entry, "a/b", fmt.Sprintf("no item %q", id)})
			}
		}
		if p.A == p.B {
			probs = append(probs, Problem{file, entry, "a/b", "a pair needs two different items"})
		}
		if !contains(Levels, p.Level) {
			probs = append(probs, Problem{file, entry, "level", fmt.Sprintf("%q is not one of %v", p.Level, Levels)})
		}
		k := pairKey(p.A, p.B)
		if _, dup := c.pairs[k]; dup {
			probs = append(probs, Problem{file, entry, "", "this pair appears twice (order does not matter)"})
		}
		c.pairs[k] = p
		probs = append(probs, checkTexts(file, entry, p)...)
		probs = append(probs, checkMeta(file, entry, p.Meta)...)
		probs = append(probs, checkReviewer(file, entry, p.Meta)...)
	}
	if len(c.Combos.NoDataSources) == 0 {
		probs = append(probs, Problem{file, "", "nodata_sources", "name the sources searched, for the \"no data\" answers"})
	}
	return probs
}

// ComboItems returns the checker's items, substances first, in file order.
func (c *Content) ComboItems() []*ComboItem {
	out := make([]*ComboItem, 0, len(c.Combos.Items))
	for i := range c.Combos.Items {
		out = append(out, &c.Combos.Items[i])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Kind == "substance" && out[j].Kind != "substance" })
	return out
}
