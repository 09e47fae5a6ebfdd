package content

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Matching what people type (urgent words, places) starts by folding text to a comparable form:
// Unicode NFKC normalisation, full case folding, accents dropped, apostrophes dropped, and the
// letters Ukrainian and Russian spell differently merged (і/и/ы, є/е/э, ї/і, ё/е, ґ/г, й/и), so
// one pattern covers both languages, surzhyk and most keyboard slips between the two layouts.
// Latin look-alike letters inside a Cyrillic word are read as Cyrillic.

var folder = cases.Fold()

var letterFold = map[rune]rune{
	'ё': 'е', 'є': 'е', 'э': 'е', 'ї': 'и', 'і': 'и', 'ы': 'и', 'й': 'и', 'ґ': 'г', 'ъ': 'ь',
}

// latinLookalike maps Latin letters that look like Cyrillic ones (inside a Cyrillic word).
var latinLookalike = map[rune]rune{
	'a': 'а', 'e': 'е', 'o': 'о', 'p': 'р', 'c': 'с', 'x': 'х', 'y': 'у', 'i': 'и', 'k': 'к', 'm': 'м', 't': 'т', 'h': 'н', 'b': 'в',
}

// foldText returns text folded for matching, as words (runs of letters and digits).
func foldText(text string) []string {
	s := norm.NFKD.String(folder.String(text))
	var words []string
	var w []rune
	flush := func() {
		if len(w) == 0 {
			return
		}
		cyr := false
		for _, r := range w {
			if unicode.Is(unicode.Cyrillic, r) {
				cyr = true
				break
			}
		}
		for i, r := range w {
			if cyr {
				if x, ok := latinLookalike[r]; ok {
					r = x
				}
			}
			if x, ok := letterFold[r]; ok {
				r = x
			}
			w[i] = r
		}
		words = append(words, string(w))
		w = w[:0]
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining accent, split off by NFKD (the breve of й, the diaeresis of ї and ё
			// too: those letters fold to their base letter anyway)
		case r == '\'' || r == '’' || r == 'ʼ' || r == '`' || r == '‘' || r == 'ʹ':
			// apostrophes inside words (п'ять, isn't) are dropped
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			w = append(w, r)
		default:
			flush()
		}
	}
	flush()
	return words
}

// foldString is foldText joined by single spaces.
func foldString(text string) string { return strings.Join(foldText(text), " ") }

// distance is the optimal string alignment distance (Levenshtein with adjacent transpositions)
// between a and b, counted in runes, stopping early once it exceeds max (then it returns max+1).
func distance(a, b []rune, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if best > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
