package handlers

import (
	"context"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/content"
)

// Answers that fit: lists sorted in the language shown, a combination opened from an NPS page
// that goes back there, and the membership review where one answer can be changed.

// sortedRegionCountries are the membership form's countries in the alphabetical order of lang.
func (a *App) sortedRegionCountries(lang string) []*content.RegionCountry {
	out := make([]*content.RegionCountry, 0, len(a.content.Member.Countries))
	for i := range a.content.Member.Countries {
		out = append(out, &a.content.Member.Countries[i])
	}
	col := collate.New(language.Make(lang))
	sortStableBy(out, func(x, y *content.RegionCountry) bool {
		return col.CompareString(x.Name.In(lang), y.Name.In(lang)) < 0
	})
	return out
}

func sortStableBy[T any](s []T, less func(a, b T) bool) {
	// insertion sort: the lists are short, and stable
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && less(s[j], s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// comboBackKey is a context key: where the combination checker's Back goes instead of its start.
type comboBackKey struct{}

// comboFromNPS opens the checker with an NPS page's substance picked (cmbn:<substance id>); its
// Back returns to that page.
func (a *App) comboFromNPS(c *bot.Ctx) (bot.Next, error) {
	id := strings.TrimPrefix(c.Data, "cmbn:")
	s, ok := a.content.Substance(id)
	if !ok || s.Combo == "" {
		return a.stale(c)
	}
	c.Data = "cmb:" + s.Combo
	c.Context = context.WithValue(c.Context, comboBackKey{}, "nps:"+s.ID)
	return a.combo(c)
}

// comboBack is where the checker's Back goes: the NPS page it was opened from, else the
// checker's start (second pick) or the menu (first pick).
func (a *App) comboBack(c *bot.Ctx, skip string) string {
	if v, ok := c.Value(comboBackKey{}).(string); ok {
		return v
	}
	if skip != "" {
		return "cmb"
	}
	return "menu"
}
