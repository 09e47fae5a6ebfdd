package content

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Urgent words: one matcher for the whole bot. Whatever a person types — outside a form, inside
// one, while waiting for a consultant — is checked for words that mean someone may be dying right
// now (an overdose, not breathing, turning blue, unconscious, a seizure) or thinking of ending
// their life, and the bot answers with the matching card at once. The words live in
// data/urgent.toml, in Ukrainian, Russian and English, with inflections, surzhyk and common
// misspellings; see foldText for what is merged before matching.

// UrgentFile is urgent.toml.
type UrgentFile struct {
	// Calm are phrases saying the danger is not there ("дихає нормально"); their words are taken
	// out of the text before matching, so "не передоз" or "breathing again" does not fire.
	Calm []string `toml:"calm"`
	// Entries in priority order: the first entry with a matching pattern names the card.
	Entries []UrgentEntry `toml:"urgent"`
	// Intents are what a person typing a sentence probably looks for ("метадон", "housing"):
	// the bot offers the matching section in one button. Tried in order, after the urgent words.
	Intents []Intent `toml:"intent"`
	// Answers are typed answers to a button question ("метадон" at the medicine question).
	Answers []Answer `toml:"answer"`
}

// Answer is a group of patterns (as in UrgentEntry) that mean one button of a question.
type Answer struct {
	Question string   `toml:"question"` // one of AnswerQuestions
	Value    string   `toml:"value"`    // the button's value
	Patterns []string `toml:"patterns"`

	compiled [][]patWord
}

// AnswerQuestions are the questions a typed answer may be given to, with their values.
var AnswerQuestions = map[string][]string{
	"medicine": {"methadone", "buprenorphine", "unsure"},
	"yesno":    {"yes", "no"},
}

// AnswerTo reads a typed answer to question: the value of the first answer whose pattern
// matches.
func (c *Content) AnswerTo(question, text string) (value string, ok bool) {
	toks := c.urgentTokens(text)
	for _, an := range c.UrgentWords.Answers {
		if an.Question == question && anyPhrase(toks, an.compiled) {
			return an.Value, true
		}
	}
	return "", false
}

// Intent is a group of patterns (as in UrgentEntry) that lead to a section of the bot.
type Intent struct {
	// Section is a section the bot can open (one of IntentSections).
	Section  string   `toml:"section"`
	Patterns []string `toml:"patterns"`

	compiled [][]patWord
}

// IntentSections are the sections an intent may name: treatment topics, humanitarian needs
// (hum_<need>) and the bot's other sections.
var IntentSections = func() []string {
	out := []string{"ost", "art", "tb", "hcv", "treatment", "humanitarian", "nps", "combo", "membership", "calls", "about", "privacy", "settings"}
	for _, n := range Needs {
		out = append(out, "hum_"+n)
	}
	return out
}()

// Intent returns the section a typed sentence most likely asks about (the first intent in the
// file with a matching pattern).
func (c *Content) Intent(text string) (section string, ok bool) {
	toks := c.urgentTokens(text)
	for _, in := range c.UrgentWords.Intents {
		if anyPhrase(toks, in.compiled) {
			return in.Section, true
		}
	}
	return "", false
}

// UrgentEntry is a group of patterns that lead to one card.
type UrgentEntry struct {
	// Card is a first-aid card id (FirstAidIDs) or UrgentSuicide.
	Card string `toml:"card"`
	// What says what the patterns are about (for people editing the file).
	What string `toml:"what"`
	// Patterns: words separated by spaces, matched as consecutive words. A word ending in "*"
	// matches every word that starts with it (inflections); any other word matches whole.
	// Words of FuzzyMin letters or more (without the "*") also match with one typo.
	Patterns []string `toml:"patterns"`

	compiled [][]patWord
}

// UrgentSuicide is the card name Urgent returns for words about ending one's life: the bot shows
// its suicide-support screen (crisis lines and the emergency number), not a first-aid card.
const UrgentSuicide = "suicide"

// FuzzyMin is the shortest pattern word (in letters, after folding) that also matches with one
// typo. Shorter words would match too many ordinary words ("передох" is one letter from "передоз").
const FuzzyMin = 8

type patWord struct {
	w      []rune
	prefix bool
}

// Urgent reports whether text holds urgent words, and which card to show: a first-aid card id
// ("opioid", "stimulant", ...) or UrgentSuicide.
func (c *Content) Urgent(text string) (card string, ok bool) {
	toks := c.urgentTokens(text)
	for _, e := range c.UrgentWords.Entries {
		if anyPhrase(toks, e.compiled) {
			return e.Card, true
		}
	}
	return "", false
}

func anyPhrase(toks [][]rune, patterns [][]patWord) bool {
	for _, p := range patterns {
		for i := 0; i+len(p) <= len(toks); i++ {
			if phraseAt(toks, i, p) {
				return true
			}
		}
	}
	return false
}

// urgentTokens folds text into words and blanks the words of calm phrases.
func (c *Content) urgentTokens(text string) [][]rune {
	words := foldText(text)
	toks := make([][]rune, len(words))
	for i, w := range words {
		toks[i] = []rune(w)
	}
	for _, calm := range c.urgentCalm {
		for i := 0; i+len(calm) <= len(toks); i++ {
			if phraseAt(toks, i, calm) {
				for j := i; j < i+len(calm); j++ {
					toks[j] = nil
				}
			}
		}
	}
	return toks
}

func phraseAt(toks [][]rune, i int, p []patWord) bool {
	for j, pw := range p {
		if !wordMatches(toks[i+j], pw) {
			return false
		}
	}
	return true
}

// wordMatches reports whether token t matches pattern word p (see UrgentEntry.Patterns).
func wordMatches(t []rune, p patWord) bool {
	if len(t) == 0 {
		return false
	}
	fuzzy := len(p.w) >= FuzzyMin
	if !p.prefix {
		if string(t) == string(p.w) {
			return true
		}
		return fuzzy && distance(t, p.w, 1) <= 1
	}
	if len(t) >= len(p.w) && string(t[:len(p.w)]) == string(p.w) {
		return true
	}
	if !fuzzy {
		return false
	}
	for n := len(p.w) - 1; n <= len(p.w)+1; n++ {
		if n <= len(t) && distance(t[:n], p.w, 1) <= 1 {
			return true
		}
	}
	return false
}

func compilePattern(s string) []patWord {
	var out []patWord
	for _, f := range strings.Fields(s) {
		prefix := strings.HasSuffix(f, "*")
		ws := foldText(strings.TrimSuffix(f, "*"))
		for i, w := range ws {
			out = append(out, patWord{w: []rune(w), prefix: prefix && i == len(ws)-1})
		}
	}
	return out
}

func (c *Content) validateUrgent() (probs []Problem) {
	file := c.src("urgent.toml")
	c.urgentCalm = nil
	for i, s := range c.UrgentWords.Calm {
		p := compilePattern(s)
		if len(p) == 0 {
			probs = append(probs, Problem{file, "", fmt.Sprintf("calm[%d]", i), "empty"})
			continue
		}
		c.urgentCalm = append(c.urgentCalm, p)
	}
	for i := range c.UrgentWords.Entries {
		e := &c.UrgentWords.Entries[i]
		entry := fmt.Sprintf("urgent #%d (%s)", i+1, e.What)
		if e.Card != UrgentSuicide && !contains(FirstAidIDs, e.Card) {
			probs = append(probs, Problem{file, entry, "card", fmt.Sprintf("%q is not one of %v or %q", e.Card, FirstAidIDs, UrgentSuicide)})
		}
		if len(e.Patterns) == 0 {
			probs = append(probs, Problem{file, entry, "patterns", "list at least one"})
		}
		e.compiled = nil
		for j, s := range e.Patterns {
			p := compilePattern(s)
			if len(p) == 0 {
				probs = append(probs, Problem{file, entry, fmt.Sprintf("patterns[%d]", j), "empty"})
				continue
			}
			for _, w := range p {
				if w.prefix && utf8.RuneCountInString(string(w.w)) < 2 {
					probs = append(probs, Problem{file, entry, fmt.Sprintf("patterns[%d]", j), fmt.Sprintf("%q: a stem with * needs at least two letters", s)})
				}
			}
			e.compiled = append(e.compiled, p)
		}
	}
	for i := range c.UrgentWords.Intents {
		in := &c.UrgentWords.Intents[i]
		entry := fmt.Sprintf("intent #%d (%s)", i+1, in.Section)
		if !contains(IntentSections, in.Section) {
			probs = append(probs, Problem{file, entry, "section", fmt.Sprintf("%q is not one of %v", in.Section, IntentSections)})
		}
		in.compiled = nil
		for j, s := range in.Patterns {
			p := compilePattern(s)
			if len(p) == 0 {
				probs = append(probs, Problem{file, entry, fmt.Sprintf("patterns[%d]", j), "empty"})
				continue
			}
			in.compiled = append(in.compiled, p)
		}
	}
	for i := range c.UrgentWords.Answers {
		an := &c.UrgentWords.Answers[i]
		entry := fmt.Sprintf("answer #%d (%s %s)", i+1, an.Question, an.Value)
		if !contains(AnswerQuestions[an.Question], an.Value) {
			probs = append(probs, Problem{file, entry, "value", fmt.Sprintf("not a value of question %q", an.Question)})
		}
		an.compiled = nil
		for _, s := range an.Patterns {
			if p := compilePattern(s); len(p) > 0 {
				an.compiled = append(an.compiled, p)
			}
		}
	}
	if len(c.UrgentWords.Entries) == 0 {
		probs = append(probs, Problem{file, "", "urgent", "list the urgent words"})
	}
	return probs
}
