package sandbox

import (
	"strconv"
	"strings"
	"testing"
)

// TestSandboxAdminPublishesInThreeLanguages: in the sandbox the admin drafts a post in three
// languages, previews it, publishes it, and each language's channel shows its version.
func TestSandboxAdminPublishesInThreeLanguages(t *testing.T) {
	c := startSandbox(t)
	admin := strconv.Itoa(adminID)
	texts := map[string]string{"en": "Help is near.", "uk": "Допомога поруч.", "ru": "Помощь рядом."}
	press := func(data string) {
		t.Helper()
		tl := c.waitFor(admin, func(tl timeline) bool { m, _ := lastBot(tl); return hasButton(m, data) })
		m, _ := lastBot(tl)
		c.do("POST", "/api/chats/"+admin+"/press", map[string]any{"message_id": m.ID, "data": data}, nil)
	}
	c.do("POST", "/api/chats/"+admin+"/send", map[string]string{"text": "/post"}, nil)
	c.waitFor(admin, func(tl timeline) bool { m, _ := lastBot(tl); return strings.Contains(m.HTML, "English") })
	c.do("POST", "/api/chats/"+admin+"/send", map[string]string{"text": texts["en"]}, nil)
	for _, lang := range []string{"uk", "ru"} {
		press("pd:v:" + lang)
		c.waitFor(admin, func(tl timeline) bool { m, _ := lastBot(tl); return hasButton(m, "pd:ed") })
		c.do("POST", "/api/chats/"+admin+"/send", map[string]string{"text": texts[lang]}, nil)
	}
	press("pd:pv")
	press("pd:pub")
	for ch, lang := range map[int64]string{channelUK: "uk", channelRU: "ru", channelEN: "en"} {
		c.waitFor(strconv.FormatInt(ch, 10), func(tl timeline) bool {
			m, ok := lastBot(tl)
			return ok && strings.Contains(m.HTML, texts[lang])
		})
	}
}
