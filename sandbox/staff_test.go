package sandbox

import (
	"regexp"
	"strings"
	"testing"
)

func TestDeepLinkStart(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://t.me/" + botUsername + "?start=join_abc234", "/start join_abc234"},
		{"  t.me/" + botUsername + "?start=ost ", "/start ost"},
		{"http://t.me/" + botUsername + "/?start=join_x", "/start join_x"},
		{"https://t.me/other_bot?start=join_abc", "https://t.me/other_bot?start=join_abc"},
		{"https://example.org/" + botUsername + "?start=x", "https://example.org/" + botUsername + "?start=x"},
		{"https://t.me/" + botUsername + "?start=bad%20param", "https://t.me/" + botUsername + "?start=bad%20param"},
		{"https://t.me/" + botUsername, "https://t.me/" + botUsername},
		{"hello", "hello"},
	} {
		if got := deepLinkStart(tc.in); got != tc.want {
			t.Errorf("deepLinkStart(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestSandboxAdminInvitesConsultant: in the sandbox the admin makes an invitation and the
// consultant's chat opens it by pasting the link, then joins.
func TestSandboxAdminInvitesConsultant(t *testing.T) {
	c := startSandbox(t)
	admin, cons := "3001", "2001"
	c.do("POST", "/api/chats/"+admin+"/send", map[string]string{"text": "/invite consultant"}, nil)
	link := regexp.MustCompile(`https://t\.me/` + botUsername + `\?start=join_[a-z2-7]+`)
	tl := c.waitFor(admin, func(tl timeline) bool { m, _ := lastBot(tl); return link.MatchString(m.HTML) })
	m, _ := lastBot(tl)
	invite := link.FindString(m.HTML)

	c.do("POST", "/api/chats/"+cons+"/send", map[string]string{"text": invite}, nil)
	c.waitFor(cons, func(tl timeline) bool { m, _ := lastBot(tl); return strings.Contains(m.HTML, "@") })
	c.do("POST", "/api/chats/"+cons+"/send", map[string]string{"text": "Iryna P"}, nil)
	tl = c.waitFor(cons, func(tl timeline) bool { m, _ := lastBot(tl); return hasButton(m, "stl:uk") })
	picker, _ := lastBot(tl)
	c.do("POST", "/api/chats/"+cons+"/press", map[string]any{"message_id": picker.ID, "data": "stl:uk"}, nil)
	c.waitFor(cons, func(tl timeline) bool { m, _ := lastBot(tl); return strings.Contains(m.Keyboard[0][0].Text, "✅") })
	c.do("POST", "/api/chats/"+cons+"/press", map[string]any{"message_id": picker.ID, "data": "stl:done"}, nil)
	tl = c.waitFor(cons, func(tl timeline) bool { m, _ := lastBot(tl); return hasButton(m, "stk:yes") })
	conduct, _ := lastBot(tl)
	c.do("POST", "/api/chats/"+cons+"/press", map[string]any{"message_id": conduct.ID, "data": "stk:yes"}, nil)
	c.waitFor(cons, func(tl timeline) bool { m, _ := lastBot(tl); return strings.Contains(m.HTML, "/on") })
	c.do("POST", "/api/chats/"+cons+"/send", map[string]string{"text": "/on"}, nil)
	c.waitFor(cons, func(tl timeline) bool { m, _ := lastBot(tl); return strings.Contains(m.HTML, "🟢") })
	c.waitFor(admin, func(tl timeline) bool { m, _ := lastBot(tl); return strings.Contains(m.HTML, "Iryna P") })
}
