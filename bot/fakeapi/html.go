package fakeapi

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file parses parse_mode=HTML text the way Telegram's server (tdlib's
// parse_html) does, so the bot sees the same "can't parse entities" errors
// it would see in production. It is stricter than Telegram in one place, as
// the spec asks: a bare '&' that does not start a valid entity is an error
// (Telegram silently keeps it), so that unescaped user text is caught.

// htmlTag is an open tag while parsing.
type htmlTag struct {
	name     string
	arg      string // href, language, emoji id, "expandable"
	lang     string // pre: language taken from an inner <code class="language-x">
	start    int    // UTF-16 offset of the tag's content
	bytePos  int    // byte offset of '<' in the source
	innerPre bool   // code directly inside pre
}

// parseHTML parses Telegram HTML. It returns the plain text (tags stripped,
// entities decoded), the formatting entities with UTF-16 offsets, and a
// non-empty reason (Telegram's wording) when the text can't be parsed.
func parseHTML(src string) (plain string, ents []wEntity, reason string) {
	if strings.IndexByte(src, '<') < 0 && strings.IndexByte(src, '&') < 0 {
		return src, nil, ""
	}
	var (
		out   strings.Builder
		u16   int // UTF-16 length of out
		stack []htmlTag
	)
	out.Grow(len(src))
	n := len(src)
	for i := 0; i < n; {
		c := src[i]
		switch c {
		case '&':
			r, next := decodeHTMLEntity(src, i)
			if r < 0 {
				return "", nil, "Character '&' at byte offset " + strconv.Itoa(i) + ` must be escaped as "&amp;"`
			}
			out.WriteRune(r)
			u16 += utf16Len(r)
			i = next
			continue
		case '<':
		default:
			out.WriteByte(c)
			if c&0xC0 != 0x80 { // first byte of a UTF-8 sequence
				u16++
				if c >= 0xF0 {
					u16++
				}
			}
			i++
			continue
		}

		begin := i
		i++
		if i >= n {
			return "", nil, "Unclosed start tag at byte offset " + strconv.Itoa(begin)
		}
		if src[i] != '/' {
			// Start tag.
			for i < n && !isHTMLSpace(src[i]) && src[i] != '>' {
				i++
			}
			if i >= n {
				return "", nil, "Unclosed start tag at byte offset " + strconv.Itoa(begin)
			}
			name := strings.ToLower(src[begin+1 : i])
			if !allowedTag(name) {
				return "", nil, `Unsupported start tag "` + name + `" at byte offset ` + strconv.Itoa(begin)
			}
			tag := htmlTag{name: name, start: u16, bytePos: begin}
			for src[i] != '>' {
				for i < n && isHTMLSpace(src[i]) {
					i++
				}
				if i >= n {
					return "", nil, `Unclosed start tag "` + name + `" at byte offset ` + strconv.Itoa(begin)
				}
				if src[i] == '>' {
					break
				}
				attrBegin := i
				for i < n && !isHTMLSpace(src[i]) && src[i] != '=' && src[i] != '>' {
					i++
				}
				attr := strings.ToLower(src[attrBegin:i])
				if attr == "" {
					return "", nil, `Empty attribute name in the tag "` + name + `" at byte offset ` + strconv.Itoa(begin)
				}
				for i < n && isHTMLSpace(src[i]) {
					i++
				}
				if i >= n {
					return "", nil, `Unclosed start tag "` + name + `" at byte offset ` + strconv.Itoa(begin)
				}
				if src[i] != '=' {
					if name == "blockquote" && attr == "expandable" {
						tag.arg = "expandable"
						continue
					}
					return "", nil, `Expected equal sign in declaration of an attribute of the tag "` + name + `" at byte offset ` + strconv.Itoa(begin)
				}
				i++
				for i < n && isHTMLSpace(src[i]) {
					i++
				}
				if i >= n {
					return "", nil, `Unclosed start tag "` + name + `" at byte offset ` + strconv.Itoa(begin)
				}
				var value string
				if q := src[i]; q != '"' && q != '\'' {
					// A name token: letters, digits, periods and hyphens; case-insensitive.
					tokBegin := i
					for i < n && (isAlnum(src[i]) || src[i] == '.' || src[i] == '-') {
						i++
					}
					value = strings.ToLower(src[tokBegin:i])
					if i >= n || (!isHTMLSpace(src[i]) && src[i] != '>') {
						return "", nil, "Unexpected end of name token at byte offset " + strconv.Itoa(tokBegin)
					}
				} else {
					i++
					var sb strings.Builder
					for i < n && src[i] != q {
						if src[i] == '&' {
							if r, next := decodeHTMLEntity(src, i); r >= 0 {
								sb.WriteRune(r)
								i = next
								continue
							}
						}
						sb.WriteByte(src[i])
						i++
					}
					if i < n {
						i++ // closing quote
					}
					value = sb.String()
				}
				if i >= n {
					return "", nil, "Unclosed start tag at byte offset " + strconv.Itoa(begin)
				}
				switch {
				case name == "a" && attr == "href":
					tag.arg = value
				case name == "code" && attr == "class" && strings.HasPrefix(value, "language-"):
					tag.arg = value[len("language-"):]
				case name == "span" && attr == "class" && strings.HasPrefix(value, "tg-"):
					tag.arg = value[len("tg-"):]
				case name == "tg-emoji" && attr == "emoji-id":
					tag.arg = value
				}
			}
			i++ // '>'
			switch name {
			case "span":
				if tag.arg != "spoiler" {
					return "", nil, `Tag "span" must have class "tg-spoiler" at byte offset ` + strconv.Itoa(begin)
				}
			case "a":
				if tag.arg == "" {
					return "", nil, `Tag "a" must have attribute "href" at byte offset ` + strconv.Itoa(begin)
				}
			case "tg-emoji":
				if id, err := strconv.ParseInt(tag.arg, 10, 64); err != nil || id <= 0 {
					return "", nil, "Invalid custom emoji identifier specified"
				}
			case "code":
				if len(stack) > 0 && stack[len(stack)-1].name == "pre" {
					tag.innerPre = true
				}
			}
			stack = append(stack, tag)
			continue
		}

		// End tag.
		if len(stack) == 0 {
			return "", nil, "Unexpected end tag at byte offset " + strconv.Itoa(begin)
		}
		i++ // '/'
		nameBegin := i
		for i < n && !isHTMLSpace(src[i]) && src[i] != '>' {
			i++
		}
		endName := strings.ToLower(src[nameBegin:i])
		for i < n && isHTMLSpace(src[i]) {
			i++
		}
		if i >= n || src[i] != '>' {
			return "", nil, "Unclosed end tag at byte offset " + strconv.Itoa(begin)
		}
		i++
		top := stack[len(stack)-1]
		if endName != "" && endName != top.name {
			return "", nil, "Unmatched end tag at byte offset " + strconv.Itoa(begin) +
				`, expected "</` + top.name + `>", found "</` + endName + `>"`
		}
		stack = stack[:len(stack)-1]
		length := u16 - top.start
		if top.innerPre {
			// <pre><code class="language-x">: the language goes to the pre entity.
			stack[len(stack)-1].lang = top.arg
			continue
		}
		if length == 0 {
			continue // Telegram drops empty entities
		}
		e := wEntity{Offset: top.start, Length: length}
		switch top.name {
		case "b", "strong":
			e.Type = "bold"
		case "i", "em":
			e.Type = "italic"
		case "u", "ins":
			e.Type = "underline"
		case "s", "strike", "del":
			e.Type = "strikethrough"
		case "span", "tg-spoiler":
			e.Type = "spoiler"
		case "code":
			e.Type = "code"
		case "pre":
			e.Type, e.Language = "pre", top.lang
		case "a":
			e.Type, e.URL = "text_link", top.arg
		case "blockquote":
			e.Type = "blockquote"
			if top.arg == "expandable" {
				e.Type = "expandable_blockquote"
			}
		case "tg-emoji":
			e.Type, e.CustomEmojiID = "custom_emoji", top.arg
		}
		ents = append(ents, e)
	}
	if len(stack) > 0 {
		return "", nil, `Can't find end tag corresponding to start tag "` + stack[len(stack)-1].name + `"`
	}
	if len(ents) > 1 {
		sort.SliceStable(ents, func(a, b int) bool {
			if ents[a].Offset != ents[b].Offset {
				return ents[a].Offset < ents[b].Offset
			}
			return ents[a].Length > ents[b].Length
		})
	}
	return out.String(), ents, ""
}

// allowedTag reports whether Telegram accepts the (lower-case) tag name.
func allowedTag(name string) bool {
	switch name {
	case "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
		"blockquote", "span", "tg-spoiler", "tg-emoji":
		return true
	}
	return false
}

// decodeHTMLEntity decodes the character reference starting with '&' at
// src[pos], as tdlib does: &lt; &gt; &amp; &quot; and decimal or hexadecimal
// numeric references, the ';' being optional. It returns the rune and the
// offset after the reference, or -1 when there is no valid reference.
func decodeHTMLEntity(src string, pos int) (rune, int) {
	n := len(src)
	end := pos + 1
	var r rune
	if end < n && src[end] == '#' {
		end++
		digits := 0
		if end < n && (src[end] == 'x' || src[end] == 'X') {
			end++
			for end < n && isHexDigit(src[end]) {
				r = r*16 + rune(hexVal(src[end]))
				end++
				digits++
				if r >= 0x10FFFF {
					return -1, 0
				}
			}
		} else {
			for end < n && src[end] >= '0' && src[end] <= '9' {
				r = r*10 + rune(src[end]-'0')
				end++
				digits++
				if r >= 0x10FFFF {
					return -1, 0
				}
			}
		}
		if digits == 0 || r == 0 || end-pos >= 10 || (r >= 0xD800 && r <= 0xDFFF) {
			return -1, 0
		}
	} else {
		for end < n && isAlpha(src[end]) {
			end++
		}
		switch src[pos+1 : end] {
		case "lt":
			r = '<'
		case "gt":
			r = '>'
		case "amp":
			r = '&'
		case "quot":
			r = '"'
		default:
			return -1, 0
		}
	}
	if end < n && src[end] == ';' {
		end++
	}
	return r, end
}

// utf16Len is the number of UTF-16 code units of r.
func utf16Len(r rune) int {
	if r > 0xFFFF {
		return 2
	}
	return 1
}

// utf16Count is the length of s in UTF-16 code units, the unit Telegram uses
// for text limits and entity offsets.
func utf16Count(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf {
			n++
			continue
		}
		if c&0xC0 != 0x80 {
			n++
			if c >= 0xF0 {
				n++
			}
		}
	}
	return n
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

func isAlnum(c byte) bool { return isAlpha(c) || (c >= '0' && c <= '9') }

func isHexDigit(c byte) bool {
	return (c >= '0' && c <= '9') || ((c|0x20) >= 'a' && (c|0x20) <= 'f')
}

func hexVal(c byte) int {
	if c <= '9' {
		return int(c - '0')
	}
	return int(c|0x20) - 'a' + 10
}
