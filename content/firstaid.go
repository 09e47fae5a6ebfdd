package content

import "fmt"

// Card is a first-aid card (opioid overdose, stimulant overheating, ...).
type Card struct {
	ID    string `toml:"id"`
	Title Text   `toml:"title" content:"max=120"`
	// Button is the short label of the button that opens the card.
	Button Text `toml:"button" content:"max=40"`
	Body   Text `toml:"body" content:"max=3500"`
	Meta
}

// FirstAidIDs are the cards the bot links to by id and that must exist.
var FirstAidIDs = []string{"opioid", "stimulant", "spice"}

func (c *Content) validateFirstAid() (probs []Problem) {
	file := c.src("firstaid.toml")
	c.cards = map[string]*Card{}
	for i := range c.FirstAid {
		x := &c.FirstAid[i]
		entry := fmt.Sprintf("card %q", x.ID)
		if x.ID == "" {
			probs = append(probs, Problem{file, fmt.Sprintf("card #%d", i+1), "id", "missing"})
		}
		if _, dup := c.cards[x.ID]; dup {
			probs = append(probs, Problem{file, entry, "id", "appears twice"})
		}
		c.cards[x.ID] = x
		probs = append(probs, checkTexts(file, entry, x)...)
		probs = append(probs, checkMeta(file, entry, x.Meta)...)
		probs = append(probs, checkReviewer(file, entry, x.Meta)...)
	}
	for _, id := range FirstAidIDs {
		if _, ok := c.cards[id]; !ok {
			probs = append(probs, Problem{file, "", "", fmt.Sprintf("card %q is required", id)})
		}
	}
	return probs
}
