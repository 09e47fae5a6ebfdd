package content

import (
	"fmt"
	"regexp"
	"time"
)

// Campaign is a campaign day the channels mark every year, with a suggested post in the three
// languages that an admin can turn into a draft in one tap (a week before, the admins are
// reminded). Post texts are plain text (no HTML): they become the draft's text as they are.
type Campaign struct {
	ID    string `toml:"id"` // short code, used in button data: tb, sdp, hep, oad, aids
	Month int    `toml:"month"`
	Day   int    `toml:"day"`
	Name  Text   `toml:"name" content:"max=80"`
	Post  Text   `toml:"post" content:"max=1000"`
	// Button is an optional link button under the post: its label, and the deep-link section it
	// opens in the bot (t.me/<bot>?start=<start>).
	Button Text   `toml:"button" content:"optional,max=40"`
	Start  string `toml:"start"`
	Meta
}

// Next is the campaign's next date on or after the day of now, at 00:00 in loc.
func (x *Campaign) Next(now time.Time, loc *time.Location) time.Time {
	now = now.In(loc)
	d := time.Date(now.Year(), time.Month(x.Month), x.Day, 0, 0, 0, 0, loc)
	if d.Before(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)) {
		d = d.AddDate(1, 0, 0)
	}
	return d
}

var campaignIDRE = regexp.MustCompile(`^[a-z][a-z0-9]{1,15}$`)

func (c *Content) validateCampaigns() (probs []Problem) {
	file := c.src("campaigns.toml")
	seen := map[string]bool{}
	for i := range c.Campaigns {
		x := &c.Campaigns[i]
		entry := fmt.Sprintf("campaign %q", x.ID)
		if !campaignIDRE.MatchString(x.ID) || seen[x.ID] {
			probs = append(probs, Problem{file, entry, "id", "a unique short code of lower-case letters and digits"})
		}
		seen[x.ID] = true
		if x.Month < 1 || x.Month > 12 || x.Day < 1 || x.Day > time.Date(2001, time.Month(x.Month)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
			probs = append(probs, Problem{file, entry, "month/day", "not a date"})
		}
		if !x.Button.empty() && x.Start == "" {
			probs = append(probs, Problem{file, entry, "start", "a button needs the section it opens"})
		}
		for _, lang := range []string{"uk", "ru", "en"} {
			for _, r := range x.Post.In(lang) {
				if r == '<' || r == '>' || r == '&' {
					probs = append(probs, Problem{file, entry, "post." + lang, "plain text only: no <, > or &"})
					break
				}
			}
		}
		probs = append(probs, checkTexts(file, entry, x)...)
		probs = append(probs, checkMeta(file, entry, x.Meta)...)
	}
	return probs
}

// Campaign returns a campaign day by id.
func (c *Content) Campaign(id string) (*Campaign, bool) {
	for i := range c.Campaigns {
		if c.Campaigns[i].ID == id {
			return &c.Campaigns[i], true
		}
	}
	return nil, false
}
