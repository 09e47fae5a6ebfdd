package content

import "fmt"

// Places are where people can say they are: Ukraine's regions (oblasts) and the countries abroad
// offered as buttons, each with a short list of cities. Anything else is typed as free text.
type Places struct {
	Regions   []Region `toml:"region"`  // Ukraine's oblasts, Kyiv city, Crimea
	Countries []Abroad `toml:"country"` // countries abroad, offered as buttons unless Typed
	// Ukraine holds other names of Ukraine itself, for a typed answer.
	Ukraine struct {
		Aliases []string `toml:"aliases"`
	} `toml:"ukraine"`

	// Words around a place name in a typed answer: Filler says nothing about which place
	// ("у", "в", "in", "живу"); Oblast and City are qualifiers that tell Kyiv city from Kyiv oblast.
	Words struct {
		Filler []string `toml:"filler"`
		Oblast []string `toml:"oblast"`
		City   []string `toml:"city"`
	} `toml:"words"`

	index  []placeName // every name and alias, folded (places_match.go)
	filler map[string]bool
	qual   map[string]int
}

// Region is an oblast of Ukraine (or Kyiv city, or Crimea).
type Region struct {
	Code string `toml:"code"` // short code, e.g. "kharkiv"
	Name Text   `toml:"name" content:"max=40"`
	// Aliases are other names people type: spellings, transliterations, irregular inflected
	// forms, and the region's cities.
	Aliases []string `toml:"aliases"`
}

// Abroad is a country abroad with a few cities offered as buttons.
type Abroad struct {
	Code   string `toml:"code"` // ISO code
	Name   Text   `toml:"name" content:"max=40"`
	Cities []City `toml:"cities"`
	// Typed: recognised when typed, not offered as a button.
	Typed   bool     `toml:"typed"`
	Aliases []string `toml:"aliases"`
}

// City is a city offered as a button; Key is how directory entries name it.
type City struct {
	Key     string   `toml:"key"` // e.g. "warsaw"
	Name    Text     `toml:"name" content:"max=40"`
	Aliases []string `toml:"aliases"`
}

func (c *Content) validatePlaces() (probs []Problem) {
	file := c.src("places.toml")
	c.regions = map[string]*Region{}
	c.abroad = map[string]*Abroad{}
	for i := range c.Places.Regions {
		x := &c.Places.Regions[i]
		entry := fmt.Sprintf("region %q", x.Code)
		probs = append(probs, checkID(file, entry, x.Code)...)
		if _, dup := c.regions[x.Code]; dup {
			probs = append(probs, Problem{file, entry, "code", "appears twice"})
		}
		c.regions[x.Code] = x
		probs = append(probs, checkTexts(file, entry, x)...)
	}
	for i := range c.Places.Countries {
		x := &c.Places.Countries[i]
		entry := fmt.Sprintf("country %q", x.Code)
		if !codeRE.MatchString(x.Code) || x.Code == "UA" {
			probs = append(probs, Problem{file, entry, "code", "a two-letter ISO code of a country other than UA"})
		}
		if _, dup := c.abroad[x.Code]; dup {
			probs = append(probs, Problem{file, entry, "code", "appears twice"})
		}
		c.abroad[x.Code] = x
		seen := map[string]bool{}
		for _, city := range x.Cities {
			probs = append(probs, checkID(file, entry, city.Key)...)
			if seen[city.Key] {
				probs = append(probs, Problem{file, entry, "cities", fmt.Sprintf("%q appears twice", city.Key)})
			}
			seen[city.Key] = true
		}
		probs = append(probs, checkTexts(file, entry, x)...)
	}
	if len(c.Places.Regions) == 0 {
		probs = append(probs, Problem{file, "", "region", "list Ukraine's regions"})
	}
	probs = append(probs, c.indexPlaces(file)...)
	return probs
}

// Region returns a Ukrainian region by code.
func (c *Content) Region(code string) (*Region, bool) { x, ok := c.regions[code]; return x, ok }

// AbroadCountry returns a country offered abroad by code.
func (c *Content) AbroadCountry(code string) (*Abroad, bool) { x, ok := c.abroad[code]; return x, ok }

// Buttons are the countries offered as buttons (not the typed-only ones).
func (p *Places) Buttons() []*Abroad {
	var out []*Abroad
	for i := range p.Countries {
		if !p.Countries[i].Typed {
			out = append(out, &p.Countries[i])
		}
	}
	return out
}

// City returns a city of an abroad country by key.
func (a *Abroad) City(key string) (*City, bool) {
	for i := range a.Cities {
		if a.Cities[i].Key == key {
			return &a.Cities[i], true
		}
	}
	return nil, false
}
