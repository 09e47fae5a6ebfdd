package content

import (
	"fmt"
	"sort"
)

// Typed places: what a person types at a "where are you" question — a country, a Ukrainian
// region or a large city, in Ukrainian, Russian or English, in any case, transliterated, with
// a preposition and an ordinary ending ("у Польщі", "в Варшаве") or a typo — is matched against
// every name and alias in places.toml (folded as in fold.go).

// Place is a recognised place.
type Place struct {
	Country string // ISO code; "UA" for Ukraine
	Region  string // a Ukrainian region code (Country "UA"), "" if not known
	City    string // a city key of a country abroad, "" if not known
}

// placeName is one name or alias of a place, folded into words (filler words left out).
type placeName struct {
	place Place
	words [][]rune
	qual  int // qualifier the name carries (qualNone, qualOblast, qualCity)
}

// Qualifiers: "oblast" or "city" next to a name tells Kyiv city from Kyiv oblast.
const (
	qualNone = iota
	qualOblast
	qualCity
)

// placeWords folds text into words without the filler words of places.toml, and says which
// qualifier ("oblast", "city") it had.
func (p *Places) placeWords(text string) (words [][]rune, qual int) {
	for _, w := range foldText(text) {
		if q, ok := p.qual[w]; ok && qual == qualNone {
			qual = q
		}
		if !p.filler[w] && p.qual[w] == qualNone {
			words = append(words, []rune(w))
		}
	}
	return words, qual
}

func (c *Content) indexPlaces(file string) (probs []Problem) {
	p := &c.Places
	p.index = nil
	p.filler, p.qual = map[string]bool{}, map[string]int{}
	for _, w := range p.Words.Filler {
		p.filler[foldString(w)] = true
	}
	for _, w := range p.Words.Oblast {
		p.qual[foldString(w)] = qualOblast
	}
	for _, w := range p.Words.City {
		p.qual[foldString(w)] = qualCity
	}
	add := func(pl Place, names ...string) {
		for _, n := range names {
			if w, q := p.placeWords(n); len(w) > 0 {
				p.index = append(p.index, placeName{pl, w, q})
			} else if n != "" {
				probs = append(probs, Problem{file, fmt.Sprintf("%+v", pl), "aliases", fmt.Sprintf("%q has no words to match", n)})
			}
		}
	}
	texts := func(t Text) []string { return []string{t.UK, t.RU, t.EN} }
	add(Place{Country: "UA"}, p.Ukraine.Aliases...)
	for _, r := range p.Regions {
		pl := Place{Country: "UA", Region: r.Code}
		add(pl, texts(r.Name)...)
		add(pl, r.Aliases...)
	}
	for _, x := range p.Countries {
		pl := Place{Country: x.Code}
		add(pl, texts(x.Name)...)
		add(pl, x.Aliases...)
		for _, city := range x.Cities {
			cp := Place{Country: x.Code, City: city.Key}
			add(cp, texts(city.Name)...)
			add(cp, city.Aliases...)
		}
	}
	return probs
}

// How well a typed word matches a word of a name.
const (
	matchExact = iota
	matchInflected
	matchTypo
	noMatch
)

// stemOf is a word without its final vowels (and soft sign), the part inflection keeps.
func stemOf(w []rune) []rune {
	n := len(w)
	for n > 3 {
		switch w[n-1] {
		case 'а', 'е', 'и', 'о', 'у', 'ю', 'я', 'ь':
			n--
			continue
		}
		break
	}
	return w[:n]
}

// wordMatch says how typed word t matches name word w.
func wordMatch(t, w []rune) int {
	if string(t) == string(w) {
		return matchExact
	}
	if len(w) >= 4 {
		stem := stemOf(w)
		if len(t) >= len(stem) && string(t[:len(stem)]) == string(stem) && len(t)-len(stem) <= 3 {
			return matchInflected
		}
	}
	max := 0
	switch {
	case len(w) >= 9:
		max = 2
	case len(w) >= 5:
		max = 1
	}
	if max > 0 && distance(t, w, max) <= max {
		return matchTypo
	}
	// a typo in an inflected word: compare the stems
	if len(w) >= 6 {
		stem := stemOf(w)
		if len(stem) >= 5 && len(t) >= len(stem) && distance(t[:len(stem)], stem, 1) <= 1 && len(t)-len(stem) <= 3 {
			return matchTypo
		}
	}
	return noMatch
}

// FindPlaces returns the places text names, best match first: one place when the answer is
// clear, several when it is ambiguous (offer them as a choice), none when nothing matches. A
// city abroad and its country named together give the city.
func (c *Content) FindPlaces(text string) []Place {
	toks, qual := c.Places.placeWords(text)
	if len(toks) == 0 || len(toks) > 12 {
		return nil
	}
	best := map[Place]int{} // place → best score (lower is better)
	for _, n := range c.Places.index {
		for i := 0; i+len(n.words) <= len(toks); i++ {
			score := matchExact
			for j, w := range n.words {
				m := wordMatch(toks[i+j], w)
				score = max(score, m)
				if m == noMatch {
					break
				}
			}
			if score == noMatch {
				continue
			}
			// the qualifiers: the same (or none on both sides) best, one missing next, a
			// conflict ("Kyiv city" typed, "Kyiv oblast" named) last
			score *= 3
			switch {
			case qual == n.qual:
			case qual == qualNone || n.qual == qualNone:
				score++
			default:
				score += 2
			}
			if s, ok := best[n.place]; !ok || score < s {
				best[n.place] = score
			}
		}
	}
	if len(best) == 0 {
		return nil
	}
	// A city (or region) named with its country: keep the more precise one.
	for pl, s := range best {
		if pl.City != "" || pl.Region != "" {
			country := Place{Country: pl.Country}
			if cs, ok := best[country]; ok {
				delete(best, country)
				best[pl] = min(s, cs)
			}
		}
	}
	top := noMatch * 3
	for _, s := range best {
		top = min(top, s)
	}
	var out []Place
	for pl, s := range best {
		if s == top {
			out = append(out, pl)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Country != b.Country {
			return a.Country < b.Country
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.City < b.City
	})
	return out
}

// PlaceName is a place's name in lang: "Варшава, Польща", "Харківська обл.", "Україна".
func (c *Content) PlaceName(p Place, lang string, ukraine string) string {
	if p.Country == "UA" {
		if r, ok := c.Region(p.Region); ok {
			return r.Name.In(lang)
		}
		return ukraine
	}
	x, ok := c.AbroadCountry(p.Country)
	if !ok {
		return p.Country
	}
	if city, ok := x.City(p.City); ok {
		return city.Name.In(lang) + ", " + x.Name.In(lang)
	}
	return x.Name.In(lang)
}
