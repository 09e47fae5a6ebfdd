package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type client struct {
	t   *testing.T
	srv *httptest.Server
	sb  *Sandbox
}

func startSandbox(t *testing.T) *client {
	t.Helper()
	sb, err := New(Options{Data: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() { srv.Close(); sb.Close() })
	return &client{t: t, srv: srv, sb: sb}
}

func (c *client) do(method, path string, body any, out any) int {
	c.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, c.srv.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		_ = json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

type timeline struct {
	Messages      []apiMessage      `json:"messages"`
	ReplyKeyboard *apiReplyKeyboard `json:"reply_keyboard"`
}

func (c *client) messages(chat string) timeline {
	var tl timeline
	c.do("GET", "/api/chats/"+chat+"/messages", nil, &tl)
	return tl
}

// waitFor polls the chat's timeline until cond holds.
func (c *client) waitFor(chat string, cond func(timeline) bool) timeline {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tl := c.messages(chat)
		if cond(tl) {
			return tl
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("timed out; timeline: %+v", tl.Messages)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func lastBot(tl timeline) (apiMessage, bool) {
	for i := len(tl.Messages) - 1; i >= 0; i-- {
		if tl.Messages[i].FromBot {
			return tl.Messages[i], true
		}
	}
	return apiMessage{}, false
}

func hasButton(m apiMessage, data string) bool {
	for _, row := range m.Keyboard {
		for _, b := range row {
			if b.Data == data {
				return true
			}
		}
	}
	return false
}

func TestSandboxPlayAPersonThroughRestartAndReset(t *testing.T) {
	c := startSandbox(t)
	var state struct {
		Bot   struct{ Running bool } `json:"bot"`
		Chats []Chat                 `json:"chats"`
	}
	c.do("GET", "/api/state", nil, &state)
	if !state.Bot.Running || len(state.Chats) < 6 || state.Chats[0].Kind != "person" {
		t.Fatalf("state: %+v", state)
	}
	kinds := map[string]bool{}
	for _, ch := range state.Chats {
		kinds[ch.Kind] = true
	}
	for _, k := range []string{"person", "consultant", "admin", "group", "channel"} {
		if !kinds[k] {
			t.Errorf("no %s chat", k)
		}
	}

	// Send as Olena and follow the onboarding by pressing buttons.
	if code := c.do("POST", "/api/chats/1001/send", map[string]string{"text": "/start"}, nil); code != 200 {
		t.Fatalf("send: %d", code)
	}
	tl := c.waitFor("1001", func(tl timeline) bool { m, ok := lastBot(tl); return ok && hasButton(m, "lang:uk") })
	picker, _ := lastBot(tl)
	if tl.Messages[0].FromBot || tl.Messages[0].From != "Olena" {
		t.Errorf("the person's own message is not in the timeline: %+v", tl.Messages[0])
	}
	c.do("POST", "/api/chats/1001/press", map[string]any{"message_id": picker.ID, "data": "lang:uk"}, nil)
	tl = c.waitFor("1001", func(tl timeline) bool { m, _ := lastBot(tl); return hasButton(m, "onb:ok") })
	promise, _ := lastBot(tl)
	if promise.ID != picker.ID || !promise.Edited || !strings.Contains(promise.HTML, "<b>") {
		t.Errorf("the picker should be edited in place into the promise (HTML kept): %+v", promise)
	}
	c.do("POST", "/api/chats/1001/press", map[string]any{"message_id": promise.ID, "data": "onb:ok"}, nil)
	tl = c.waitFor("1001", func(tl timeline) bool { m, _ := lastBot(tl); return hasButton(m, "od:opioid") })
	if tl.ReplyKeyboard == nil || len(tl.ReplyKeyboard.Rows) != 2 || !tl.ReplyKeyboard.Persistent {
		t.Fatalf("reply keyboard: %+v", tl.ReplyKeyboard)
	}
	// The reply keyboard's overdose button, as the page sends it.
	c.do("POST", "/api/chats/1001/send", map[string]string{"text": tl.ReplyKeyboard.Rows[0][0]}, nil)
	c.waitFor("1001", func(tl timeline) bool { m, _ := lastBot(tl); return strings.Contains(m.HTML, "103") })

	// Restart: the data survives — Olena is not asked for her language again.
	if code := c.do("POST", "/api/restart", nil, nil); code != 200 {
		t.Fatalf("restart: %d", code)
	}
	c.do("GET", "/api/state", nil, &state)
	if !state.Bot.Running {
		t.Fatal("bot not running after restart")
	}
	n := len(c.messages("1001").Messages)
	c.do("POST", "/api/chats/1001/send", map[string]string{"text": "/start"}, nil)
	tl = c.waitFor("1001", func(tl timeline) bool {
		m, _ := lastBot(tl)
		return len(tl.Messages) > n+1 && hasButton(m, "od:opioid")
	})
	for _, m := range tl.Messages[n:] {
		if hasButton(m, "lang:uk") {
			t.Fatal("after a restart the bot forgot the person")
		}
	}

	// Reset: chats empty, the person is new again.
	if code := c.do("POST", "/api/reset", nil, nil); code != 200 {
		t.Fatalf("reset: %d", code)
	}
	if got := len(c.messages("1001").Messages); got != 0 {
		t.Fatalf("after reset: %d messages", got)
	}
	c.do("POST", "/api/chats/1001/send", map[string]string{"text": "/start"}, nil)
	c.waitFor("1001", func(tl timeline) bool { m, ok := lastBot(tl); return ok && hasButton(m, "lang:uk") })
}

func TestSandboxEventsStream(t *testing.T) {
	c := startSandbox(t)
	res, err := http.Get(c.srv.URL + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	c.do("POST", "/api/chats/1003/send", map[string]string{"text": "/start"}, nil)
	got := map[string]bool{}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(10 * time.Second)
	for !got["message-bot"] {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("stream ended")
			}
			if strings.HasPrefix(l, "data: ") && strings.Contains(l, `"from_bot":true`) && strings.Contains(l, `"chat":1003`) {
				got["message-bot"] = true
			}
		case <-timeout:
			t.Fatal("no bot message event")
		}
	}
}

func TestSandboxNewPersonLanguageAndUpload(t *testing.T) {
	c := startSandbox(t)
	var p Chat
	if code := c.do("POST", "/api/people", map[string]string{"name": "Ivan", "lang": "ru"}, &p); code != 200 || p.ID < 1004 {
		t.Fatalf("new person: %d %+v", code, p)
	}
	id := strings.TrimSpace(jsonNumber(p.ID))
	c.do("POST", "/api/chats/"+id+"/lang", map[string]string{"lang": "en"}, nil)
	c.do("POST", "/api/chats/"+id+"/send", map[string]string{"text": "/start"}, nil)
	tl := c.waitFor(id, func(tl timeline) bool { m, ok := lastBot(tl); return ok && hasButton(m, "lang:en") })
	if m, _ := lastBot(tl); m.Keyboard[0][0].Data != "lang:en" {
		t.Errorf("the language change did not reach the bot: first choice %s", m.Keyboard[0][0].Data)
	}
	// Upload a photo: the bot says it can't open it.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="file"; filename="x.png"`}
	h["Content-Type"] = []string{"image/png"}
	part, _ := mw.CreatePart(h)
	part.Write([]byte{0x89, 'P', 'N', 'G'})
	mw.Close()
	res, err := http.Post(c.srv.URL+"/api/chats/"+id+"/upload", mw.FormDataContentType(), &body)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("upload: %v %v", res, err)
	}
	c.waitFor(id, func(tl timeline) bool {
		for _, m := range tl.Messages {
			if m.Photo && !m.FromBot {
				return true
			}
		}
		return false
	})
	// Bad input gets a clear error.
	if code := c.do("POST", "/api/chats/999999/send", map[string]string{"text": "x"}, nil); code != 404 {
		t.Errorf("unknown chat: %d", code)
	}
	if code := c.do("POST", "/api/chats/-1001000000011/send", map[string]string{"text": "x"}, nil); code != 400 {
		t.Errorf("sending to a channel: %d", code)
	}
	if code := c.do("POST", "/api/people", map[string]string{"name": ""}, nil); code != 400 {
		t.Errorf("nameless person: %d", code)
	}
}

func TestSandboxServesThePage(t *testing.T) {
	c := startSandbox(t)
	res, err := http.Get(c.srv.URL + "/")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("page: %v %v", res, err)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("no CSP: %q", csp)
	}
	for _, f := range []string{"/static/app.js", "/static/app.css"} {
		r, err := http.Get(c.srv.URL + f)
		if err != nil || r.StatusCode != 200 {
			t.Errorf("%s: %v %v", f, r, err)
		}
	}
}

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return string(b) }
