package content

import (
	"fmt"
	"regexp"
)

// Country is a country's emergency numbers.
type Country struct {
	Code    string   `toml:"code"`  // ISO 3166-1 alpha-2
	Order   int      `toml:"order"` // display order; Ukraine first
	Name    Text     `toml:"name" content:"max=40"`
	Numbers []Number `toml:"numbers"`
	Note    Text     `toml:"note" content:"optional,max=400"`
	Meta
}

// Number is one emergency number and the service it reaches.
type Number struct {
	Number  string `toml:"number"`
	Service string `toml:"service"` // one of Services
}

// Services are the kinds of emergency service a number can reach; the UI names each in every
// language (locales key "svc_<service>").
var Services = []string{"general", "ambulance", "police", "fire", "rescue", "doctor"}

var numberRE = regexp.MustCompile(`^[0-9][0-9 ]{1,14}$`)
var codeRE = regexp.MustCompile(`^[A-Z]{2}$`)

// Flag returns the country's flag emoji.
func (c *Country) Flag() string {
	if len(c.Code) != 2 {
		return ""
	}
	return string([]rune{rune(c.Code[0]) - 'A' + 0x1F1E6, rune(c.Code[1]) - 'A' + 0x1F1E6})
}

func (c *Content) validateEmergency() (probs []Problem) {
	file := c.src("emergency.toml")
	c.countries = map[string]*Country{}
	for i := range c.Emergency {
		x := &c.Emergency[i]
		entry := fmt.Sprintf("country %q", x.Code)
		if !codeRE.MatchString(x.Code) {
			probs = append(probs, Problem{file, entry, "code", "must be a two-letter ISO code like UA"})
		}
		if _, dup := c.countries[x.Code]; dup {
			probs = append(probs, Problem{file, entry, "code", "appears twice"})
		}
		c.countries[x.Code] = x
		if len(x.Numbers) == 0 {
			probs = append(probs, Problem{file, entry, "numbers", "at least one number is needed"})
		}
		for j, n := range x.Numbers {
			field := fmt.Sprintf("numbers[%d]", j)
			if !numberRE.MatchString(n.Number) {
				probs = append(probs, Problem{file, entry, field, fmt.Sprintf("%q is not a phone number", n.Number)})
			}
			if !contains(Services, n.Service) {
				probs = append(probs, Problem{file, entry, field, fmt.Sprintf("service %q is not one of %v", n.Service, Services)})
			}
		}
		probs = append(probs, checkTexts(file, entry, x)...)
		probs = append(probs, checkMeta(file, entry, x.Meta)...)
		probs = append(probs, checkReviewer(file, entry, x.Meta)...)
	}
	for _, p := range c.Places.Countries {
		if _, ok := c.countries[p.Code]; !ok && !p.Typed && len(c.Emergency) > 0 {
			probs = append(probs, Problem{file, fmt.Sprintf("country %q", p.Code), "", "places.toml offers this country: give its emergency numbers (112 at least)"})
		}
	}
	if len(c.Emergency) > 0 {
		if _, ok := c.countries["UA"]; !ok {
			probs = append(probs, Problem{file, "", "", "Ukraine (UA) must be listed"})
		}
	}
	return probs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
