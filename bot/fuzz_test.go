package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Fuzz targets: `go test` runs their seeds; `make fuzz` explores each for a while.

// escapedHTML reports whether s has no bare "<" or ">" outside tags, as Telegram requires (the
// bot escapes everything a person typed).
func escapedHTML(s string) bool {
	for _, t := range tokenizeHTML(s) {
		if t.tag == "" && strings.ContainsAny(t.raw, "<>") {
			return false
		}
	}
	return true
}

// balancedHTML reports whether every tag in s is closed in order (the shape of every text the
// bot sends).
func balancedHTML(s string) bool {
	var open []string
	for _, t := range tokenizeHTML(s) {
		switch {
		case t.tag == "" || strings.HasSuffix(t.raw, "/>"):
		case !t.closing:
			open = append(open, t.tag)
		case len(open) == 0 || open[len(open)-1] != t.tag:
			return false
		default:
			open = open[:len(open)-1]
		}
	}
	return len(open) == 0
}

func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

// FuzzSplitHTML: every part fits the limit and is valid UTF-8 when the text is; for a text
// Telegram would accept (no bare "<" or ">"), the parts keep its tags balanced and together carry
// its whole visible text (a cut eats at most the spaces around it).
func FuzzSplitHTML(f *testing.F) {
	for _, s := range []string{
		"<b>hi</b>",
		strings.Repeat("Рядок номер ї\n", 40),
		strings.Repeat("слово ", 50),
		strings.Repeat("🆘", 30),
		"<b>" + strings.Repeat("bold words ", 20) + "</b> &amp; after",
		`<a href="https://example.org/?a=1&amp;b=2">link text that is long</a> and <i>more <b>nested</b> text</i>`,
		"a &lt;&gt; b &#1234; c &unknown d & e;",
		"<>< <b <i>unclosed",
		"\xff\xfe invalid utf-8",
	} {
		f.Add(s, 16)
	}
	f.Fuzz(func(t *testing.T, html string, limit int) {
		if limit < 2 || limit > 4096 {
			limit = 2 + (limit%64+64)%64 // room for any one character (a surrogate pair is 2 units)
		}
		parts := SplitHTML(html, limit)
		if VisibleLen(html) <= limit {
			if len(parts) != 1 || parts[0] != html {
				t.Fatalf("a text that fits was changed: %q", parts)
			}
			return
		}
		escaped := escapedHTML(html)
		wellFormed := escaped && balancedHTML(html)
		var all strings.Builder
		for i, p := range parts {
			if n := VisibleLen(p); n > limit {
				t.Fatalf("part %d: %d units, limit %d: %q", i, n, limit, p)
			}
			if utf8.ValidString(html) && !utf8.ValidString(p) {
				t.Fatalf("part %d is not valid UTF-8: %q", i, p)
			}
			if wellFormed && !balancedHTML(p) {
				t.Fatalf("part %d has unbalanced tags: %q (from %q)", i, p, html)
			}
			all.WriteString(stripTags(p))
		}
		if got, want := squeeze(all.String()), squeeze(stripTags(html)); escaped && got != want {
			t.Fatalf("the parts' text differs from the text:\n got %q\nwant %q", got, want)
		}
	})
}

// FuzzParseCommand: a command is a lowercase name of 1 to 32 bytes with no space, "@" or line
// break; it comes only from text starting with "/", and for another bot's name there is none.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/start", "/Start overdose", "/start@PeerBot x", "/start@OtherBot", "/\nx", "/ a", "/" + strings.Repeat("x", 40), "hello /start", "/start@", "/@peerbot"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return // the Bot API's JSON never carries invalid UTF-8
		}
		m := &tgbotapi.Message{Text: text, Chat: &tgbotapi.Chat{ID: 1, Type: "private"}}
		cmd, args := parseCommand(m, "PeerBot")
		if cmd == "" {
			if args != "" {
				t.Fatalf("args %q without a command", args)
			}
			return
		}
		if !strings.HasPrefix(text, "/") {
			t.Fatalf("command %q from text not starting with /: %q", cmd, text)
		}
		if len(cmd) > 32 || strings.ContainsAny(cmd, " @\n") || cmd != strings.ToLower(cmd) {
			t.Fatalf("bad command name %q from %q", cmd, text)
		}
		if args != strings.TrimSpace(args) {
			t.Fatalf("args not trimmed: %q", args)
		}
		if word, _, _ := strings.Cut(text, " "); strings.Contains(word, "@") && !strings.Contains(strings.ToLower(word), "@peerbot") && !strings.Contains(word, "\n") {
			t.Fatalf("a command for another bot was taken: %q", text)
		}
	})
}

// FuzzRouteCallback: any callback data reaches exactly one handler — the one whose prefix it
// starts with (the longest), or the stale handler — and never panics.
func FuzzRouteCallback(f *testing.F) {
	prefixes := []string{"m:", "m:back", "x:ok", "lang:", "fg:", "ask:", "ask:msg:"}
	for _, s := range []string{"m:open", "m:back", "x:ok", "", ":", "lang:uk", "ask:msg:12", "fg:yes\x00", strings.Repeat("z", 64)} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, data string, gone bool) {
		r := NewRouter()
		for _, p := range prefixes {
			r.Callback(p, func(c *Ctx) (Next, error) { return Stay(), nil }, "")
		}
		stale := false
		r.Stale(func(c *Ctx) (Next, error) { stale = true; return Stay(), nil })
		u := cbUpdate(data)
		if gone {
			u = cbGoneUpdate(data)
		}
		c := newCtx(t.Context(), u, BotInfo{Username: "peerbot"}, timeNow())
		if _, err := r.Handle(c); err != nil {
			t.Fatal(err)
		}
		longest := ""
		for _, p := range prefixes {
			if strings.HasPrefix(data, p) && len(p) > len(longest) {
				longest = p
			}
		}
		switch {
		case gone || longest == "":
			if !stale {
				t.Fatalf("data %q (gone %v): route %q, want the stale handler", data, gone, c.Route)
			}
		case c.Route != "cb:"+strings.TrimSuffix(longest, ":"):
			t.Fatalf("data %q: route %q, want the %q prefix", data, c.Route, longest)
		}
	})
}
