// Package content holds peerline's domain content — first-aid cards, emergency numbers and, as
// sections are added, NPS safety, substance combinations, membership, open calls and the service
// directory — as embedded TOML files that a non-programmer can read and edit. Every text field
// has Ukrainian, Russian and English side by side; every entry names its sources and the date
// it was reviewed. Load validates everything (Telegram HTML, lengths, all languages present,
// cross-references) and names file, entry and field for each problem.
//
// An administrator overrides a file by putting one with the same name in the data folder's
// content/ directory; it replaces the embedded file as a whole.
package content

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

//go:embed data/*.toml
var embedded embed.FS

// Text is one text in the three languages.
type Text struct {
	UK string `toml:"uk"`
	RU string `toml:"ru"`
	EN string `toml:"en"`
}

// In returns the text in lang (uk, ru or en), falling back to Ukrainian.
func (t Text) In(lang string) string {
	switch lang {
	case "ru":
		return t.RU
	case "en":
		return t.EN
	default:
		return t.UK
	}
}

// empty reports whether no language has text.
func (t Text) empty() bool { return t.UK == "" && t.RU == "" && t.EN == "" }

// Meta is what every entry carries: where its facts come from and when someone last checked them.
// Sources are for reviewers and for the "Sources" list a person can open; they name real,
// readable sources (never internal labels). ReviewedBy is the role of who reviewed the entry
// ("peer consultant", "physician", "harm reduction specialist"), never a private person's name
// unless they agreed; health entries must have it (see review.go).
type Meta struct {
	Sources    []string  `toml:"sources"`
	Reviewed   time.Time `toml:"reviewed"`
	ReviewedBy string    `toml:"reviewed_by"`
}

// Content is all domain content.
type Content struct {
	Emergency []Country
	FirstAid  []Card
	NPS       NPSFile
	Combos    CombosFile
	Member    MembershipFile
	Calls     []Call
	About     About
	Places    Places
	Steps     []Steps
	Directory DirectoryFile
	// UrgentWords are the words that open a first-aid card at once (urgent.go).
	UrgentWords UrgentFile
	Campaigns   []Campaign

	countries       map[string]*Country
	cards           map[string]*Card
	substances      map[string]*Substance
	comboItems      map[string]*ComboItem
	pairs           map[[2]string]*ComboPair
	regionCountries map[string]*RegionCountry
	calls           map[string]*Call
	regions         map[string]*Region
	abroad          map[string]*Abroad
	sources         map[string]string // content file name → where it was read from
	urgentCalm      [][]patWord
}

// NPSFile is nps.toml.
type NPSFile struct {
	Intro      NPSIntro    `toml:"intro"`
	Substances []Substance `toml:"substance"`
}

// src is where the content file name was read from, for problem reports.
func (c *Content) src(name string) string {
	if s, ok := c.sources[name]; ok {
		return s
	}
	return name
}

// files maps each content file to the part of Content it fills. Adding a content file means
// adding a line here, a field above and a validate function (called from validate, in an order
// where what it refers to is validated first).
var files = []struct {
	name string
	into func(c *Content) any
}{
	{"places.toml", func(c *Content) any { return &c.Places }},
	{"emergency.toml", func(c *Content) any {
		return &struct {
			Country *[]Country `toml:"country"`
		}{&c.Emergency}
	}},
	{"firstaid.toml", func(c *Content) any {
		return &struct {
			Card *[]Card `toml:"card"`
		}{&c.FirstAid}
	}},
	{"combos.toml", func(c *Content) any { return &c.Combos }},
	{"nps.toml", func(c *Content) any { return &c.NPS }},
	{"membership.toml", func(c *Content) any { return &c.Member }},
	{"calls.toml", func(c *Content) any {
		return &struct {
			Call *[]Call `toml:"call"`
		}{&c.Calls}
	}},
	{"about.toml", func(c *Content) any {
		return &struct {
			About *About `toml:"about"`
		}{&c.About}
	}},
	{"steps.toml", func(c *Content) any {
		return &struct {
			Steps *[]Steps `toml:"steps"`
		}{&c.Steps}
	}},
	{"directory.toml", func(c *Content) any { return &c.Directory }},
	{"urgent.toml", func(c *Content) any { return &c.UrgentWords }},
	{"campaigns.toml", func(c *Content) any {
		return &struct {
			Campaign *[]Campaign `toml:"campaign"`
		}{&c.Campaigns}
	}},
}

// extending files are not replaced by a file of the same name in the data folder, but extended
// by it (see mergeDirectory).
var extending = map[string]bool{"directory.toml": true}

// Problem is one thing wrong with the content.
type Problem struct {
	File, Entry, Field, Msg string
}

func (p Problem) String() string {
	where := p.File
	if p.Entry != "" {
		where += " › " + p.Entry
	}
	if p.Field != "" {
		where += " › " + p.Field
	}
	return where + ": " + p.Msg
}

// Problems is a list of content problems, as an error.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return fmt.Sprintf("content has %d problem(s):\n  %s", len(ps), strings.Join(lines, "\n  "))
}

// Load reads the embedded content, replacing any file that also exists in overrideDir (if not
// empty), and validates it. A returned error is Problems when the content is invalid.
func Load(overrideDir string) (*Content, error) {
	c := &Content{sources: map[string]string{}}
	var probs Problems
	for _, f := range files {
		if extending[f.name] {
			probs = append(probs, c.loadDirectory(overrideDir)...)
			continue
		}
		data, source, err := readFile(f.name, overrideDir)
		if err != nil {
			return nil, err
		}
		c.sources[f.name] = source
		probs = append(probs, decode(source, data, f.into(c))...)
	}
	probs = append(probs, c.validate()...)
	if len(probs) > 0 {
		return nil, probs
	}
	return c, nil
}

// MustLoad loads the embedded content only, panicking on a problem (tests check it never does).
func MustLoad() *Content {
	c, err := Load("")
	if err != nil {
		panic(err)
	}
	return c
}

func decode(source string, data []byte, into any) []Problem {
	md, err := toml.Decode(string(data), into)
	if err != nil {
		return []Problem{{File: source, Msg: err.Error()}}
	}
	var probs []Problem
	for _, k := range md.Undecoded() {
		probs = append(probs, Problem{File: source, Field: k.String(), Msg: "unknown field (a typo?)"})
	}
	return probs
}

// loadDirectory reads the shipped directory and extends it with the data folder's, if any.
func (c *Content) loadDirectory(overrideDir string) []Problem {
	const name = "directory.toml"
	data, err := embedded.ReadFile("data/" + name)
	if err != nil {
		return []Problem{{File: "content/data/" + name, Msg: err.Error()}}
	}
	c.sources[name] = "content/data/" + name
	var base DirectoryFile
	if probs := decode("content/data/"+name, data, &base); len(probs) > 0 {
		return probs
	}
	c.Directory = base
	if overrideDir == "" {
		return nil
	}
	p := filepath.Join(overrideDir, name)
	over, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return []Problem{{File: p, Msg: err.Error()}}
	}
	var extra DirectoryFile
	if probs := decode(p, over, &extra); len(probs) > 0 {
		return probs
	}
	c.sources[name] = "content/data/" + name + " + " + p
	c.Directory = mergeDirectory(base, extra)
	return nil
}

func readFile(name, overrideDir string) (data []byte, source string, err error) {
	if overrideDir != "" {
		p := filepath.Join(overrideDir, name)
		data, err := os.ReadFile(p)
		if err == nil {
			return data, p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, p, fmt.Errorf("read %s: %w", p, err)
		}
	}
	data, err = embedded.ReadFile("data/" + name)
	return data, "content/data/" + name, err
}

// Country returns the emergency numbers of a country by ISO code.
func (c *Content) Country(code string) (*Country, bool) {
	x, ok := c.countries[code]
	return x, ok
}

// Card returns a first-aid card by id.
func (c *Content) Card(id string) (*Card, bool) {
	x, ok := c.cards[id]
	return x, ok
}

// Countries returns the countries in display order (Ukraine first).
func (c *Content) Countries() []*Country {
	out := make([]*Country, 0, len(c.Emergency))
	for i := range c.Emergency {
		out = append(out, &c.Emergency[i])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out
}

// sortStable sorts a slice stably by less.
func sortStable[T any](s []T, less func(a, b T) bool) {
	sort.SliceStable(s, func(i, j int) bool { return less(s[i], s[j]) })
}
