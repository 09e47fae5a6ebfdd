package sandbox

import (
	"html"
	"net/url"
	"strings"
)

// safeHTML turns Telegram HTML into HTML the page can set with innerHTML: the tags Telegram
// knows become a small safe set (b, i, u, s, code, pre, blockquote, a spoiler span, links that
// open in a new tab), everything else is escaped, and text is re-escaped after decoding.
func safeHTML(tg string) string {
	var b strings.Builder
	for len(tg) > 0 {
		lt := strings.IndexByte(tg, '<')
		if lt < 0 {
			b.WriteString(escapeText(tg))
			break
		}
		b.WriteString(escapeText(tg[:lt]))
		tg = tg[lt:]
		gt := strings.IndexByte(tg, '>')
		if gt < 0 {
			b.WriteString(escapeText(tg))
			break
		}
		b.WriteString(safeTag(tg[1:gt]))
		tg = tg[gt+1:]
	}
	return b.String()
}

func escapeText(s string) string { return html.EscapeString(html.UnescapeString(s)) }

var tagMap = map[string]string{
	"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "ins": "u", "s": "s", "strike": "s",
	"del": "s", "code": "code", "pre": "pre", "blockquote": "blockquote",
}

func safeTag(raw string) string {
	tag := raw
	closing := strings.HasPrefix(tag, "/")
	tag = strings.TrimPrefix(tag, "/")
	name, attrs, _ := strings.Cut(strings.TrimSpace(tag), " ")
	name = strings.ToLower(name)
	if t, ok := tagMap[name]; ok {
		if closing {
			return "</" + t + ">"
		}
		return "<" + t + ">"
	}
	switch name {
	case "tg-spoiler", "span":
		if closing {
			return "</span>"
		}
		return `<span class="spoiler">`
	case "a":
		if closing {
			return "</a>"
		}
		href := attrValue(attrs, "href")
		u, err := url.Parse(href)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "tg" && u.Scheme != "mailto") {
			return `<a>`
		}
		return `<a href="` + html.EscapeString(href) + `" target="_blank" rel="noopener noreferrer">`
	case "tg-emoji":
		return ""
	}
	return html.EscapeString("<" + raw + ">")
}

func attrValue(attrs, name string) string {
	i := strings.Index(attrs, name+`="`)
	if i < 0 {
		return ""
	}
	rest := attrs[i+len(name)+2:]
	if j := strings.IndexByte(rest, '"'); j >= 0 {
		return html.UnescapeString(rest[:j])
	}
	return ""
}
