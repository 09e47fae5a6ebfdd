package content

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// allowedTags are the tags Telegram's HTML parse mode accepts, with the attributes each may carry.
var allowedTags = map[string]map[string]bool{
	"b": nil, "strong": nil, "i": nil, "em": nil, "u": nil, "ins": nil, "s": nil, "strike": nil,
	"del": nil, "tg-spoiler": nil, "pre": nil,
	"a":          {"href": true},
	"code":       {"class": true},
	"span":       {"class": true},
	"blockquote": {"expandable": true},
	"tg-emoji":   {"emoji-id": true},
}

// CheckHTML reports the first way s is not valid Telegram HTML: an unknown tag or attribute, a
// tag left open or closed out of order, or a bare "<", ">" or "&".
func CheckHTML(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("not valid UTF-8")
	}
	var stack []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return fmt.Errorf("bare '<' at byte %d (write &lt;)", i)
			}
			tag := s[i+1 : i+end]
			if err := checkTag(tag, &stack); err != nil {
				return fmt.Errorf("%w at byte %d", err, i)
			}
			i += end + 1
		case '>':
			return fmt.Errorf("bare '>' at byte %d (write &gt;)", i)
		case '&':
			semi := strings.IndexByte(s[i:], ';')
			if semi < 0 || !validEntity(s[i+1:i+semi]) {
				return fmt.Errorf("bare '&' at byte %d (write &amp;)", i)
			}
			i += semi + 1
		default:
			i++
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("<%s> is never closed", stack[len(stack)-1])
	}
	return nil
}

func checkTag(tag string, stack *[]string) error {
	if strings.HasPrefix(tag, "/") {
		name := strings.TrimSpace(tag[1:])
		if len(*stack) == 0 || (*stack)[len(*stack)-1] != name {
			return fmt.Errorf("</%s> closes a tag that is not open", name)
		}
		*stack = (*stack)[:len(*stack)-1]
		return nil
	}
	name, attrs, _ := strings.Cut(tag, " ")
	name = strings.TrimSpace(name)
	allowed, ok := allowedTags[name]
	if !ok {
		return fmt.Errorf("<%s> is not a tag Telegram accepts", name)
	}
	attrs = strings.TrimSpace(attrs)
	for attrs != "" {
		key, rest, hasValue := strings.Cut(attrs, "=")
		key = strings.TrimSpace(key)
		if !hasValue {
			// A bare attribute such as <blockquote expandable>.
			key, rest, _ = strings.Cut(attrs, " ")
		} else {
			rest = strings.TrimSpace(rest)
			if !strings.HasPrefix(rest, `"`) {
				return fmt.Errorf("attribute %s of <%s> needs a quoted value", key, name)
			}
			endQ := strings.IndexByte(rest[1:], '"')
			if endQ < 0 {
				return fmt.Errorf("attribute %s of <%s> is not closed", key, name)
			}
			rest = rest[endQ+2:]
		}
		if !allowed[key] {
			return fmt.Errorf("<%s> cannot have attribute %q", name, key)
		}
		attrs = strings.TrimSpace(rest)
	}
	if name == "a" && !strings.Contains(tag, "href=") {
		return fmt.Errorf("<a> needs href")
	}
	*stack = append(*stack, name)
	return nil
}

func validEntity(e string) bool {
	switch e {
	case "lt", "gt", "amp", "quot":
		return true
	}
	if strings.HasPrefix(e, "#x") || strings.HasPrefix(e, "#X") {
		return len(e) > 2 && strings.Trim(e[2:], "0123456789abcdefABCDEF") == ""
	}
	if strings.HasPrefix(e, "#") {
		return len(e) > 1 && strings.Trim(e[1:], "0123456789") == ""
	}
	return false
}

// VisibleLen is the length Telegram counts for an HTML text: tags removed, entities counted as
// one character, in UTF-16 units.
func VisibleLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			if end := strings.IndexByte(s[i:], '>'); end > 0 {
				i += end + 1
				continue
			}
		case '&':
			if semi := strings.IndexByte(s[i:], ';'); semi > 1 && semi < 12 {
				n++
				i += semi + 1
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if u := utf16.RuneLen(r); u > 0 {
			n += u
		} else {
			n++
		}
		i += size
	}
	return n
}
