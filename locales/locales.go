// Package locales holds every UI string of the bot in Ukrainian, Russian and English as go-i18n
// TOML files (<area>.<lang>.toml: active.* for the person's flows, one set per audience or flow
// beside it), embedded in the binary, and picks a person's language.
//
// Add a string: put the same key in the three files of its area (a test fails if one is missing,
// a key is defined twice, or a template does not render), then call Catalog.T(lang, "key", data)
// from a handler.
package locales

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed *.toml
var embedded embed.FS

// Langs are the supported languages, in the order they are offered when nothing is known.
var Langs = []string{"uk", "ru", "en"}

// Default is the language used when nothing better is known.
const Default = "uk"

// Catalog renders UI strings.
type Catalog struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	matcher    language.Matcher
	keys       map[string][]string // lang → keys, for checks
}

// Load reads the embedded message files.
func Load() (*Catalog, error) { return load(embedded) }

func load(files fs.FS) (*Catalog, error) {
	b := i18n.NewBundle(language.Ukrainian)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{bundle: b, localizers: map[string]*i18n.Localizer{}, keys: map[string][]string{}}
	for _, lang := range Langs {
		seen := map[string]string{}
		names, err := fileNames(files, lang)
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			data, err := fs.ReadFile(files, name)
			if err != nil {
				return nil, fmt.Errorf("locales: %w", err)
			}
			if _, err := b.ParseMessageFileBytes(data, name); err != nil {
				return nil, fmt.Errorf("locales: %s: %w", name, err)
			}
			var raw map[string]any
			if err := toml.Unmarshal(data, &raw); err != nil {
				return nil, fmt.Errorf("locales: %s: %w", name, err)
			}
			for k := range raw {
				if other, dup := seen[k]; dup {
					return nil, fmt.Errorf("locales: key %q is in both %s and %s", k, other, name)
				}
				seen[k] = name
				c.keys[lang] = append(c.keys[lang], k)
			}
		}
		sort.Strings(c.keys[lang])
		c.localizers[lang] = i18n.NewLocalizer(b, lang)
	}
	tags := make([]language.Tag, len(Langs))
	for i, l := range Langs {
		tags[i] = language.MustParse(l)
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// fileNames lists the embedded message files of lang (<area>.<lang>.toml), sorted.
func fileNames(files fs.FS, lang string) ([]string, error) {
	names, err := fs.Glob(files, "*."+lang+".toml")
	if err != nil {
		return nil, fmt.Errorf("locales: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("locales: no message file for %s", lang)
	}
	return names, nil
}

// MustLoad is Load for tests and start-up, where a broken embedded file is a build error.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Keys returns the message ids defined for lang, sorted.
func (c *Catalog) Keys(lang string) []string { return c.keys[lang] }

// T renders message id in lang with optional template data. A missing id renders as the id
// itself (tests make sure none is missing).
func (c *Catalog) T(lang, id string, data ...map[string]any) string {
	s, err := c.Render(lang, id, data...)
	if err != nil {
		return id
	}
	return s
}

// Render is T that reports a missing message or a template error.
func (c *Catalog) Render(lang, id string, data ...map[string]any) (string, error) {
	l := c.localizers[lang]
	if l == nil {
		l = c.localizers[Default]
	}
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
	}
	return l.Localize(cfg)
}

// N renders a message with plural forms for count (available to templates as .Count).
func (c *Catalog) N(lang, id string, count int, data map[string]any) string {
	l := c.localizers[lang]
	if l == nil {
		l = c.localizers[Default]
	}
	if data == nil {
		data = map[string]any{}
	}
	data["Count"] = count
	s, err := l.Localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// russianFirst are languages of the region whose speakers, if their Telegram is set to them,
// more often read Russian than Ukrainian or English (Belarus, Central Asia, the Caucasus,
// Moldova). The matcher alone would fall back to Ukrainian for them.
var russianFirst = map[string]bool{
	"be": true, "kk": true, "ky": true, "tg": true, "uz": true, "tk": true,
	"hy": true, "az": true, "ka": true, "ro": true, "mo": true, "os": true, "ab": true,
}

// Match picks uk, ru or en for a Telegram language_code ("uk", "ru-RU", "en-GB", "be"): the
// x/text matcher first, then the region's Russian-reading languages, else Ukrainian.
func (c *Catalog) Match(code string) string {
	code = strings.TrimSpace(code)
	if code == "" {
		return Default
	}
	tag, err := language.Parse(code)
	if err != nil {
		return Default
	}
	_, idx, conf := c.matcher.Match(tag)
	if conf >= language.High {
		return Langs[idx]
	}
	base, _ := tag.Base()
	if russianFirst[base.String()] {
		return "ru"
	}
	if conf > language.No {
		return Langs[idx]
	}
	return Default
}

// Supported reports whether lang is one of Langs.
func Supported(lang string) bool {
	for _, l := range Langs {
		if l == lang {
			return true
		}
	}
	return false
}
