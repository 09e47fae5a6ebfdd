package bot

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Telegram's length limits, counted in UTF-16 code units of the text after entity parsing.
const (
	MaxTextLen    = 4096
	MaxCaptionLen = 1024
)

// token of an HTML message: either a tag (with its name) or a run of text.
type htmlToken struct {
	raw     string // as written
	tag     string // tag name for tags, "" for text
	closing bool
	// units is the token's visible length in UTF-16 units (0 for tags).
	units int
}

// tokenizeHTML splits Telegram-HTML into tags and text. It does not validate; content.Validate
// and the Bot API do that.
func tokenizeHTML(s string) []htmlToken {
	var out []htmlToken
	for len(s) > 0 {
		if s[0] == '<' {
			end := strings.IndexByte(s, '>')
			if end > 0 {
				raw := s[:end+1]
				inner := strings.TrimSpace(raw[1:end])
				closing := strings.HasPrefix(inner, "/")
				inner = strings.TrimPrefix(inner, "/")
				name := inner
				if i := strings.IndexAny(name, " \t\n/"); i >= 0 {
					name = name[:i]
				}
				out = append(out, htmlToken{raw: raw, tag: strings.ToLower(name), closing: closing})
				s = s[end+1:]
				continue
			}
		}
		next := strings.IndexByte(s[1:], '<')
		var text string
		if next < 0 {
			text, s = s, ""
		} else {
			text, s = s[:next+1], s[next+1:]
		}
		out = append(out, htmlToken{raw: text, units: visibleUnits(text)})
	}
	return out
}

// visibleUnits counts the UTF-16 units of HTML text with entities decoded.
func visibleUnits(text string) int {
	n := 0
	for i := 0; i < len(text); {
		if text[i] == '&' {
			if semi := strings.IndexByte(text[i:], ';'); semi > 1 && semi < 12 {
				n++
				i += semi + 1
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		n += utf16.RuneLen(r)
		if utf16.RuneLen(r) < 0 {
			n++
		}
		i += size
	}
	return n
}

// VisibleLen is the length Telegram counts for an HTML text: tags removed, entities decoded,
// in UTF-16 units.
func VisibleLen(html string) int {
	n := 0
	for _, t := range tokenizeHTML(html) {
		n += t.units
	}
	return n
}

// SplitHTML splits an HTML text into parts of at most limit visible units each, preferring to
// cut after a line break, then after a space, and never inside a character, an entity or a tag.
// Tags open at a cut are closed at the end of one part and opened again at the start of the next.
func SplitHTML(html string, limit int) []string {
	// A UTF-8 text never has more UTF-16 units than bytes: most texts need no counting.
	if len(html) <= limit || VisibleLen(html) <= limit {
		return []string{html}
	}
	var parts []string
	var open []htmlToken // open tags at the current position
	var cur strings.Builder
	curUnits := 0
	// prefix re-opens the tags open at the start of the current part.
	startPart := func() {
		cur.Reset()
		curUnits = 0
		for _, t := range open {
			cur.WriteString(t.raw)
		}
	}
	closeAll := func() string {
		var b strings.Builder
		for i := len(open) - 1; i >= 0; i-- {
			b.WriteString("</" + open[i].tag + ">")
		}
		return b.String()
	}
	flush := func() {
		part := cur.String() + closeAll()
		if strings.TrimSpace(stripTags(part)) != "" {
			parts = append(parts, part)
		}
		startPart()
	}
	startPart()
	for _, t := range tokenizeHTML(html) {
		if t.tag != "" {
			cur.WriteString(t.raw)
			if t.closing {
				for i := len(open) - 1; i >= 0; i-- {
					if open[i].tag == t.tag {
						open = append(open[:i], open[i+1:]...)
						break
					}
				}
			} else if !strings.HasSuffix(t.raw, "/>") {
				open = append(open, t)
			}
			continue
		}
		text := t.raw
		for text != "" {
			room := limit - curUnits
			if visibleUnits(text) <= room {
				cur.WriteString(text)
				curUnits += visibleUnits(text)
				break
			}
			cut := cutPoint(text, room)
			if cut == 0 {
				if curUnits == 0 {
					// Not even one character fits (cannot happen with sane limits); force one.
					_, cut = nextUnit(text)
				} else {
					flush()
					continue
				}
			}
			cur.WriteString(text[:cut])
			curUnits += visibleUnits(text[:cut])
			text = strings.TrimLeft(text[cut:], " ")
			flush()
		}
	}
	if curUnits > 0 || strings.TrimSpace(stripTags(cur.String())) != "" {
		flush()
	}
	return parts
}

// cutPoint returns the byte index at which to cut text so that text[:i] has at most room units:
// after the last newline that fits, else after the last space, else at the last whole character.
func cutPoint(text string, room int) int {
	units, lastNL, lastSpace, lastChar := 0, -1, -1, 0
	for i := 0; i < len(text); {
		u, size := nextUnit(text[i:])
		if units+u > room {
			break
		}
		units += u
		switch text[i] {
		case '\n':
			lastNL = i + size
		case ' ':
			lastSpace = i + size
		}
		i += size
		lastChar = i
	}
	switch {
	case lastNL > 0:
		return lastNL
	case lastSpace > 0:
		return lastSpace
	default:
		return lastChar
	}
}

// nextUnit returns the visible units and byte size of the first character or entity of s.
func nextUnit(s string) (units, size int) {
	if s[0] == '&' {
		if semi := strings.IndexByte(s, ';'); semi > 1 && semi < 12 {
			return 1, semi + 1
		}
	}
	r, size := utf8.DecodeRuneInString(s)
	u := utf16.RuneLen(r)
	if u < 0 {
		u = 1
	}
	return u, size
}

func stripTags(s string) string {
	var b strings.Builder
	for _, t := range tokenizeHTML(s) {
		if t.tag == "" {
			b.WriteString(t.raw)
		}
	}
	return b.String()
}
