package content

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Service is an entry of the service directory.
type Service struct {
	ID        string   `toml:"id"`
	Name      Text     `toml:"name" content:"max=120"`
	Kind      string   `toml:"kind"`   // one of ServiceKinds
	Offers    []string `toml:"offers"` // treatments (Treatments) and needs (Needs) it helps with
	Country   string   `toml:"country"`
	Region    string   `toml:"region"` // a Ukrainian region code (places.toml), or a region name abroad; "" = the whole country
	City      string   `toml:"city"`   // a city key (places.toml) or a city name; "" = the whole region or country
	Address   string   `toml:"address"`
	Phones    []string `toml:"phones"`
	Website   string   `toml:"website"`
	Telegram  string   `toml:"telegram"`
	Hours     Text     `toml:"hours" content:"optional,max=200"`
	Languages []string `toml:"languages"`
	Notes     Text     `toml:"notes" content:"optional,max=600"`
	// Verified is when someone last verified the entry (called it, or confirmed it with the
	// service), and VerifiedBy who (a role or an organisation). An entry nobody has verified
	// leaves both empty and gives InfoDate instead: when its source published the information.
	// It is then shown as "information from <year>, not re-checked".
	Verified   time.Time `toml:"verified"`
	VerifiedBy string    `toml:"verified_by"`
	InfoDate   time.Time `toml:"info_date"`
	Sources    []string  `toml:"sources"`
	// Dated marks an entry the sources describe as possibly out of date: it is always shown
	// with its verification date.
	Dated bool `toml:"dated"`
	// Sample marks a made-up entry for training and previews; it is never matched for people.
	Sample bool `toml:"sample"`
	// Remove, in the data folder's directory.toml, hides the shipped entry with this id.
	Remove bool `toml:"remove"`
}

// ServiceKinds are the kinds of service in the directory.
var ServiceKinds = []string{"ost", "hiv", "tb", "hepatitis", "harm_reduction", "shelter", "humanitarian", "legal", "hotline"}

// International is the country value of services that help people wherever they are.
const International = "INT"

// DirectoryFile is directory.toml.
type DirectoryFile struct {
	// StaleAfterDays: entries verified longer ago than this are shown with "last verified on".
	StaleAfterDays int       `toml:"stale_after_days"`
	Services       []Service `toml:"service"`
}

// Stale reports whether s should be shown with its verification date.
func (d *DirectoryFile) Stale(s *Service, now time.Time) bool {
	days := d.StaleAfterDays
	if days <= 0 {
		days = 180
	}
	return s.Dated || s.Verified.IsZero() || now.Sub(s.Verified) > time.Duration(days)*24*time.Hour
}

// DateNote says what a person should be told about how current s is: nothing (show is false),
// when it was last verified (verified is true), or, for an entry nobody has verified, when its
// information is from (verified is false; date is InfoDate).
func (d *DirectoryFile) DateNote(s *Service, now time.Time) (date time.Time, verified, show bool) {
	if s.Verified.IsZero() {
		return s.InfoDate, false, true
	}
	return s.Verified, true, d.Stale(s, now)
}

// Match returns the services for a case: offering the case's topic, in the person's city first,
// then their region, then the whole country, then international ones; within each, the most
// recently verified first.
func (c *Content) Match(k Case) []*Service {
	tiers := make([][]*Service, 4)
	for i := range c.Directory.Services {
		s := &c.Directory.Services[i]
		if s.Sample || !contains(s.Offers, k.Topic) {
			continue
		}
		switch {
		case s.Country == International:
			tiers[3] = append(tiers[3], s)
		case s.Country != k.Country:
		case s.City != "" && k.City != "" && strings.EqualFold(s.City, k.City):
			tiers[0] = append(tiers[0], s)
		case s.Region != "" && k.Region != "" && strings.EqualFold(s.Region, k.Region) && (s.City == "" || k.City == ""):
			// in the person's region: region-wide, or in one of its cities when the person
			// named only the region
			tiers[1] = append(tiers[1], s)
		case s.City == "" && s.Region == "":
			tiers[2] = append(tiers[2], s)
		}
	}
	var out []*Service
	for _, t := range tiers {
		sortStable(t, func(a, b *Service) bool { return a.Verified.After(b.Verified) }) // verified first, most recent first
		out = append(out, t...)
	}
	return out
}

// mergeDirectory applies an override file to the shipped directory: an entry with a shipped id
// replaces it (or, with remove = true, hides it); a new id is added.
func mergeDirectory(base, over DirectoryFile) DirectoryFile {
	out := DirectoryFile{StaleAfterDays: base.StaleAfterDays}
	if over.StaleAfterDays > 0 {
		out.StaleAfterDays = over.StaleAfterDays
	}
	overByID := map[string]Service{}
	for _, s := range over.Services {
		overByID[s.ID] = s
	}
	for _, s := range base.Services {
		if o, ok := overByID[s.ID]; ok {
			delete(overByID, s.ID)
			if !o.Remove {
				out.Services = append(out.Services, o)
			}
			continue
		}
		out.Services = append(out.Services, s)
	}
	for _, s := range over.Services {
		if _, ok := overByID[s.ID]; ok && !s.Remove {
			out.Services = append(out.Services, s)
		}
	}
	return out
}

var (
	phoneRE    = regexp.MustCompile(`^\+?[0-9][0-9 ()-]{1,20}[0-9]$`)
	telegramRE = regexp.MustCompile(`^@[A-Za-z][A-Za-z0-9_]{3,31}$`)
	idRE       = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,40}$`)
	langRE     = regexp.MustCompile(`^[a-z]{2}$`)
)

func checkID(file, entry, id string) []Problem {
	if !idRE.MatchString(id) {
		return []Problem{{file, entry, "id", fmt.Sprintf("%q: use a-z, 0-9 and -, up to 41 characters", id)}}
	}
	return nil
}

// checkShortID is checkID for ids that go into button data with another id (at most 20
// characters, so that two of them and a prefix stay under Telegram's 64 bytes).
func checkShortID(file, entry, id string) []Problem {
	if probs := checkID(file, entry, id); probs != nil {
		return probs
	}
	if len(id) > 20 {
		return []Problem{{file, entry, "id", fmt.Sprintf("%q: at most 20 characters (it goes into button data)", id)}}
	}
	return nil
}

// checkService checks one entry (also used for CSV rows).
func (c *Content) checkService(file, entry string, s *Service) []Problem {
	var probs []Problem
	probs = append(probs, checkID(file, entry, s.ID)...)
	if !contains(ServiceKinds, s.Kind) {
		probs = append(probs, Problem{file, entry, "kind", fmt.Sprintf("%q is not one of %v", s.Kind, ServiceKinds)})
	}
	if len(s.Offers) == 0 {
		probs = append(probs, Problem{file, entry, "offers", "say what it helps with"})
	}
	for _, o := range s.Offers {
		if !contains(Treatments, o) && !contains(Needs, o) {
			probs = append(probs, Problem{file, entry, "offers", fmt.Sprintf("%q is not a treatment %v or a need %v", o, Treatments, Needs)})
		}
	}
	switch {
	case s.Country == International:
	case !codeRE.MatchString(s.Country):
		probs = append(probs, Problem{file, entry, "country", "a two-letter ISO code, or INT for international"})
	case s.Country == "UA" && s.Region != "":
		if _, ok := c.regions[s.Region]; !ok {
			probs = append(probs, Problem{file, entry, "region", fmt.Sprintf("%q is not a region code in places.toml", s.Region)})
		}
	}
	if s.City != "" && s.Region == "" && s.Country == "UA" {
		probs = append(probs, Problem{file, entry, "region", "a city in Ukraine needs its region"})
	}
	for _, p := range s.Phones {
		if !phoneRE.MatchString(p) {
			probs = append(probs, Problem{file, entry, "phones", fmt.Sprintf("%q is not a phone number", p)})
		}
	}
	if s.Website != "" {
		if u, err := url.Parse(s.Website); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			probs = append(probs, Problem{file, entry, "website", "an http(s) address"})
		}
	}
	if s.Telegram != "" && !telegramRE.MatchString(s.Telegram) {
		probs = append(probs, Problem{file, entry, "telegram", "a @username"})
	}
	if len(s.Phones) == 0 && s.Website == "" && s.Telegram == "" && s.Address == "" {
		probs = append(probs, Problem{file, entry, "", "give at least one way to reach it (phone, website, Telegram or address)"})
	}
	for _, l := range s.Languages {
		if !langRE.MatchString(l) {
			probs = append(probs, Problem{file, entry, "languages", fmt.Sprintf("%q: two-letter language codes", l)})
		}
	}
	switch {
	case s.Verified.IsZero() && s.InfoDate.IsZero():
		probs = append(probs, Problem{file, entry, "verified", "the date someone last verified it, or (if nobody has) info_date: when the source published it"})
	case !s.Verified.IsZero() && strings.TrimSpace(s.VerifiedBy) == "":
		probs = append(probs, Problem{file, entry, "verified_by", "who verified it (a role or an organisation)"})
	}
	if len(s.Sources) == 0 && !s.Sample {
		probs = append(probs, Problem{file, entry, "sources", "where the information comes from"})
	}
	probs = append(probs, checkTexts(file, entry, s)...)
	return probs
}

func (c *Content) validateDirectory() (probs []Problem) {
	file := c.src("directory.toml")
	seen := map[string]bool{}
	for i := range c.Directory.Services {
		s := &c.Directory.Services[i]
		entry := fmt.Sprintf("service %q", s.ID)
		if seen[s.ID] {
			probs = append(probs, Problem{file, entry, "id", "appears twice"})
		}
		seen[s.ID] = true
		probs = append(probs, c.checkService(file, entry, s)...)
	}
	return probs
}
