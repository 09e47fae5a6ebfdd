package content

import "fmt"

// Membership is the association's membership information, and the countries of its region
// offered in the application form.
type Membership struct {
	Approach   Text `toml:"approach" content:"max=1500"`   // the association's approach
	Criteria   Text `toml:"criteria" content:"max=1500"`   // who can join
	Benefits   Text `toml:"benefits" content:"max=3000"`   // what members get
	Procedure  Text `toml:"procedure" content:"max=1500"`  // steps and time frames
	Supporting Text `toml:"supporting" content:"max=1000"` // supporting membership (outside the region)
	Meta
}

// RegionCountry is a country of the association's region (Central and Eastern Europe and
// Central Asia).
type RegionCountry struct {
	Code string `toml:"code"`
	Name Text   `toml:"name" content:"max=40"`
}

// MembershipFile is membership.toml.
type MembershipFile struct {
	Membership Membership      `toml:"membership"`
	Countries  []RegionCountry `toml:"country"`
}

func (c *Content) validateMembership() (probs []Problem) {
	file := c.src("membership.toml")
	probs = append(probs, checkTexts(file, "membership", &c.Member.Membership)...)
	probs = append(probs, checkMeta(file, "membership", c.Member.Membership.Meta)...)
	c.regionCountries = map[string]*RegionCountry{}
	for i := range c.Member.Countries {
		x := &c.Member.Countries[i]
		entry := fmt.Sprintf("country %q", x.Code)
		if !codeRE.MatchString(x.Code) {
			probs = append(probs, Problem{file, entry, "code", "must be a two-letter ISO code"})
		}
		if _, dup := c.regionCountries[x.Code]; dup {
			probs = append(probs, Problem{file, entry, "code", "appears twice"})
		}
		c.regionCountries[x.Code] = x
		probs = append(probs, checkTexts(file, entry, x)...)
	}
	if len(c.Member.Countries) == 0 {
		probs = append(probs, Problem{file, "", "country", "list the region's countries"})
	}
	return probs
}

// RegionCountry returns a country of the region by code.
func (c *Content) RegionCountry(code string) (*RegionCountry, bool) {
	x, ok := c.regionCountries[code]
	return x, ok
}
