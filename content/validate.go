package content

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode"
)

func (c *Content) validate() []Problem {
	var probs []Problem
	for _, v := range []func() []Problem{
		c.validatePlaces, c.validateEmergency, c.validateFirstAid, c.validateCombos, c.validateNPS,
		c.validateMembership, c.validateCalls, c.validateAbout, c.validateSteps, c.validateDirectory,
		c.validateMarks, c.validateUrgent, c.validateCampaigns,
	} {
		probs = append(probs, v()...)
	}
	return probs
}

// Validate checks already loaded content again (for `peerline check`).
func (c *Content) Validate() Problems { return c.validate() }

var textType = reflect.TypeOf(Text{})

// checkTexts checks every Text field of the struct v points to (recursively through structs and
// slices): all three languages present (or, for fields tagged content:"optional", all absent),
// valid Telegram HTML, and within the field's max length (content:"max=N", visible characters).
func checkTexts(file, entry string, v any) []Problem {
	var probs []Problem
	var walk func(rv reflect.Value, path string)
	walk = func(rv reflect.Value, path string) {
		switch rv.Kind() {
		case reflect.Pointer:
			if !rv.IsNil() {
				walk(rv.Elem(), path)
			}
		case reflect.Slice:
			for i := 0; i < rv.Len(); i++ {
				walk(rv.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case reflect.Struct:
			if rv.Type() == textType {
				return
			}
			for i := 0; i < rv.NumField(); i++ {
				f := rv.Type().Field(i)
				if !f.IsExported() {
					continue
				}
				name := f.Tag.Get("toml")
				if name == "" {
					name = strings.ToLower(f.Name)
				}
				if f.Anonymous {
					walk(rv.Field(i), path)
					continue
				}
				p := name
				if path != "" {
					p = path + "." + name
				}
				if f.Type == textType {
					probs = append(probs, checkText(file, entry, p, rv.Field(i).Interface().(Text), f.Tag.Get("content"))...)
					continue
				}
				walk(rv.Field(i), p)
			}
		}
	}
	walk(reflect.ValueOf(v), "")
	return probs
}

func checkText(file, entry, field string, t Text, tag string) []Problem {
	optional, max := false, 0
	for _, opt := range strings.Split(tag, ",") {
		switch {
		case opt == "optional":
			optional = true
		case strings.HasPrefix(opt, "max="):
			max, _ = strconv.Atoi(strings.TrimPrefix(opt, "max="))
		}
	}
	if optional && t.empty() {
		return nil
	}
	var probs []Problem
	for _, lang := range []string{"uk", "ru", "en"} {
		s := t.In(lang)
		f := field + "." + lang
		if strings.TrimSpace(s) == "" {
			probs = append(probs, Problem{file, entry, f, "missing or empty"})
			continue
		}
		if err := CheckHTML(s); err != nil {
			probs = append(probs, Problem{file, entry, f, "HTML: " + err.Error()})
		}
		if w := mixedScriptWord(s); w != "" {
			probs = append(probs, Problem{file, entry, f, fmt.Sprintf("the word %q mixes Latin and Cyrillic letters (a typo?)", w)})
		}
		if n := VisibleLen(s); max > 0 && n > max {
			probs = append(probs, Problem{file, entry, f, fmt.Sprintf("%d characters, at most %d", n, max)})
		}
	}
	return probs
}

func checkMeta(file, entry string, m Meta) []Problem {
	var probs []Problem
	if len(m.Sources) == 0 {
		probs = append(probs, Problem{file, entry, "sources", "at least one source is needed"})
	}
	for i, s := range m.Sources {
		if strings.TrimSpace(s) == "" {
			probs = append(probs, Problem{file, entry, fmt.Sprintf("sources[%d]", i), "empty"})
		}
	}
	if m.Reviewed.IsZero() {
		probs = append(probs, Problem{file, entry, "reviewed", "missing (a date like 2026-11-23)"})
	}
	return probs
}

// mixedScriptWord returns the first word that has both Latin and Cyrillic letters (such as a
// Ukrainian word typed with a Latin "a"), or "".
func mixedScriptWord(s string) string {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '’' }) {
		lat, cyr := false, false
		for _, r := range w {
			lat = lat || unicode.Is(unicode.Latin, r)
			cyr = cyr || unicode.Is(unicode.Cyrillic, r)
		}
		if lat && cyr {
			return w
		}
	}
	return ""
}
