package content

import (
	"fmt"
	"net/mail"
	"regexp"
	"sort"
	"time"
)

// Call is an open call (request for proposals).
type Call struct {
	Number   string      `toml:"number"` // e.g. EHRA-01-03
	Title    Text        `toml:"title" content:"max=200"`
	Sought   Text        `toml:"sought" content:"max=1500"` // what is sought
	Criteria []Criterion `toml:"criteria"`
	// Deadline is the closing moment with its UTC offset, e.g. 2022-02-01T00:00:00+02:00.
	Deadline time.Time `toml:"deadline"`
	// Zone is how the deadline's time zone is named to people, e.g. "EET".
	Zone  string `toml:"zone"`
	Email string `toml:"email"` // where to send proposals
	// Subject is the subject line format, e.g. "EHRA-01-03 External consultant. Simultaneous interpreters — <your name>".
	Subject string `toml:"subject"`
	Apply   Text   `toml:"apply" content:"max=2000"` // documents and conditions
	Meta
}

// Criterion is an evaluation criterion and its weight in percent.
type Criterion struct {
	Name   Text `toml:"name" content:"max=300"`
	Weight int  `toml:"weight"`
}

// Open reports whether the call still takes proposals at now.
func (c *Call) Open(now time.Time) bool { return now.Before(c.Deadline) }

var callNumberRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{1,30}$`)

func (c *Content) validateCalls() (probs []Problem) {
	file := c.src("calls.toml")
	c.calls = map[string]*Call{}
	for i := range c.Calls {
		x := &c.Calls[i]
		entry := fmt.Sprintf("call %q", x.Number)
		if !callNumberRE.MatchString(x.Number) {
			probs = append(probs, Problem{file, entry, "number", "letters, digits and dashes, like EHRA-01-03"})
		}
		if _, dup := c.calls[x.Number]; dup {
			probs = append(probs, Problem{file, entry, "number", "appears twice"})
		}
		c.calls[x.Number] = x
		if x.Deadline.IsZero() {
			probs = append(probs, Problem{file, entry, "deadline", "missing (a date and time with offset, like 2022-02-01T00:00:00+02:00)"})
		}
		if x.Zone == "" {
			probs = append(probs, Problem{file, entry, "zone", "name the time zone people know, like EET"})
		}
		if _, err := mail.ParseAddress(x.Email); err != nil {
			probs = append(probs, Problem{file, entry, "email", "not an e-mail address"})
		}
		if x.Subject == "" {
			probs = append(probs, Problem{file, entry, "subject", "give the subject line format"})
		}
		total := 0
		for _, cr := range x.Criteria {
			total += cr.Weight
		}
		if len(x.Criteria) > 0 && total != 100 {
			probs = append(probs, Problem{file, entry, "criteria", fmt.Sprintf("weights add up to %d%%, not 100%%", total)})
		}
		probs = append(probs, checkTexts(file, entry, x)...)
		probs = append(probs, checkMeta(file, entry, x.Meta)...)
	}
	return probs
}

// Call returns a call by number.
func (c *Content) Call(number string) (*Call, bool) {
	x, ok := c.calls[number]
	return x, ok
}

// CallsAt splits the calls into open and closed at now; open ones by nearest deadline first,
// closed ones by latest deadline first.
func (c *Content) CallsAt(now time.Time) (open, closed []*Call) {
	for i := range c.Calls {
		x := &c.Calls[i]
		if x.Open(now) {
			open = append(open, x)
		} else {
			closed = append(closed, x)
		}
	}
	sort.Slice(open, func(i, j int) bool { return open[i].Deadline.Before(open[j].Deadline) })
	sort.Slice(closed, func(i, j int) bool { return closed[i].Deadline.After(closed[j].Deadline) })
	return open, closed
}
