package fakeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const testToken = "123:test"

var (
	alice = User{ID: 1001, FirstName: "Alice", Username: "alice", LanguageCode: "en"}
	bob   = User{ID: 1002, FirstName: "Bob"}
	group = Chat{ID: -100500, Type: ChatSupergroup, Title: "Peers", Username: "peers"}
	chan1 = Chat{ID: -100600, Type: ChatChannel, Title: "News", Username: "news"}
)

// envelope is the Bot API answer.
type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// fakeClock is a settable Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// start runs a Server for the test, with a private HTTP client.
func start(t *testing.T, opt Options) (*Server, *http.Client) {
	t.Helper()
	if opt.Token == "" {
		opt.Token = testToken
	}
	s := New(opt)
	tr := &http.Transport{}
	t.Cleanup(func() {
		s.Close()
		tr.CloseIdleConnections()
	})
	return s, &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// post calls method with form params and decodes the answer.
func post(t *testing.T, s *Server, c *http.Client, method string, params url.Values) (int, envelope) {
	t.Helper()
	resp, err := c.PostForm(s.URL()+"/bot"+testToken+"/"+method, params)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return decode(t, method, resp)
}

func decode(t *testing.T, method string, resp *http.Response) (int, envelope) {
	t.Helper()
	defer resp.Body.Close()
	var env envelope
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatalf("%s: decoding answer: %v", method, err)
	}
	if env.OK != (resp.StatusCode == http.StatusOK) || (!env.OK && env.ErrorCode != resp.StatusCode) {
		t.Fatalf("%s: envelope ok=%v error_code=%d does not match HTTP status %d", method, env.OK, env.ErrorCode, resp.StatusCode)
	}
	return resp.StatusCode, env
}

// mustOK calls method and fails the test unless it succeeds.
func mustOK(t *testing.T, s *Server, c *http.Client, method string, params url.Values) json.RawMessage {
	t.Helper()
	status, env := post(t, s, c, method, params)
	if status != http.StatusOK {
		t.Fatalf("%s(%v): got %d %q, want 200", method, params, status, env.Description)
	}
	return env.Result
}

// wantErr calls method and checks the error status and description.
func wantErr(t *testing.T, s *Server, c *http.Client, method string, params url.Values, status int, desc string) envelope {
	t.Helper()
	got, env := post(t, s, c, method, params)
	if got != status || env.Description != desc {
		t.Fatalf("%s(%v): got %d %q, want %d %q", method, params, got, env.Description, status, desc)
	}
	return env
}

func vals(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// updates polls getUpdates and returns the decoded updates.
func updates(t *testing.T, s *Server, c *http.Client, params url.Values) []tgbotapi.Update {
	t.Helper()
	var ups []tgbotapi.Update
	if err := json.Unmarshal(mustOK(t, s, c, "getUpdates", params), &ups); err != nil {
		t.Fatalf("decoding updates: %v", err)
	}
	return ups
}

func updateIDs(ups []tgbotapi.Update) []int {
	ids := make([]int, len(ups))
	for i, u := range ups {
		ids[i] = u.UpdateID
	}
	return ids
}

func TestRoutingAndToken(t *testing.T) {
	s, c := start(t, Options{})
	tests := []struct {
		name   string
		path   string
		status int
		desc   string
	}{
		{"getMe", "/bot" + testToken + "/getMe", 200, ""},
		{"case-insensitive method", "/bot" + testToken + "/GETME", 200, ""},
		{"wrong token", "/bot999:nope/getMe", 401, "Unauthorized"},
		{"unknown method", "/bot" + testToken + "/sendTelepathy", 404, "Not Found: method not found"},
		{"not an API path", "/foo", 404, "Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.Get(s.URL() + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			status, env := decode(t, tt.name, resp)
			if status != tt.status || env.Description != tt.desc {
				t.Errorf("GET %s: got %d %q, want %d %q", tt.path, status, env.Description, tt.status, tt.desc)
			}
		})
	}
	var me tgbotapi.User
	json.Unmarshal(mustOK(t, s, c, "getMe", nil), &me)
	if me.ID != DefaultBotID || me.UserName != DefaultBotUsername || !me.IsBot {
		t.Errorf("getMe = %+v, want id %d username %q is_bot", me, DefaultBotID, DefaultBotUsername)
	}
	if got, want := s.Counters().ByStatus[401], int64(1); got != want {
		t.Errorf("ByStatus[401] = %d, want %d", got, want)
	}
}

func TestAnyTokenWhenEmpty(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	resp, err := http.Get(s.URL() + "/botwhatever/getMe")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status = %d, want 200", resp.StatusCode)
	}
}

func TestHandlerMountedElsewhere(t *testing.T) {
	s := NewServer(Options{Token: testToken})
	defer s.Close()
	if got := s.URL(); got != "" {
		t.Errorf("URL() of an unstarted server = %q, want \"\"", got)
	}
	mux := http.NewServeMux()
	mux.Handle("/tg/", http.StripPrefix("/tg", s.Handler()))
	hs := newLocalServer(t, mux)
	s.FailNext("getMe", 1, Fault{Drop: true})
	if resp, err := http.Get(hs.URL + "/tg/bot" + testToken + "/getMe"); err == nil {
		resp.Body.Close()
		t.Errorf("dropped call answered %d, want a connection error", resp.StatusCode)
	}
	resp, err := http.Get(hs.URL + "/tg/bot" + testToken + "/getMe")
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := decode(t, "getMe", resp); status != 200 {
		t.Errorf("getMe through the mounted handler = %d, want 200", status)
	}
}

// newLocalServer serves h on 127.0.0.1 for the test.
func newLocalServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	hs.Start()
	t.Cleanup(hs.Close)
	return hs
}

func TestWorksWithTgbotapi(t *testing.T) {
	s, c := start(t, Options{})
	bot, err := tgbotapi.NewBotAPIWithClient(testToken, s.URL()+"/bot%s/%s", c)
	if err != nil {
		t.Fatal(err)
	}
	if bot.Self.UserName != DefaultBotUsername {
		t.Errorf("Self.UserName = %q, want %q", bot.Self.UserName, DefaultBotUsername)
	}
	s.SendText(alice, "/start@peerline_test_bot hello")
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: 0, Timeout: 1})
	if err != nil || len(ups) != 1 {
		t.Fatalf("GetUpdates = %v, %v; want 1 update", ups, err)
	}
	m := ups[0].Message
	if got, want := m.Command(), "start"; got != want {
		t.Errorf("Command() = %q, want %q", got, want)
	}
	if got, want := m.CommandArguments(), "hello"; got != want {
		t.Errorf("CommandArguments() = %q, want %q", got, want)
	}
	msg := tgbotapi.NewMessage(alice.ID, "<b>Hi</b>")
	msg.ParseMode = tgbotapi.ModeHTML
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Go", "go:1")))
	sent, err := bot.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	if sent.MessageID != 2 || sent.Text != "Hi" || sent.From.ID != DefaultBotID || sent.Chat.ID != alice.ID {
		t.Errorf("sent = id %d text %q from %v chat %v, want id 2 text %q from the bot in alice's chat", sent.MessageID, sent.Text, sent.From, sent.Chat, "Hi")
	}
	if sent.ReplyMarkup == nil || *sent.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "go:1" {
		t.Errorf("sent.ReplyMarkup = %+v, want the inline keyboard", sent.ReplyMarkup)
	}

	cbID := s.Press(alice, alice.ID, sent.MessageID, "go:1")
	ups, err = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: ups[0].UpdateID + 1, Timeout: 1})
	if err != nil || len(ups) != 1 || ups[0].CallbackQuery == nil {
		t.Fatalf("GetUpdates = %+v, %v; want 1 callback query", ups, err)
	}
	cq := ups[0].CallbackQuery
	if cq.ID != cbID || cq.Data != "go:1" || cq.Message.MessageID != 2 || cq.Message.Text != "Hi" || cq.From.ID != alice.ID {
		t.Errorf("callback = %+v, want id %s data go:1 on message 2", cq, cbID)
	}
	if _, err := bot.Request(tgbotapi.NewCallback(cbID, "ok")); err != nil {
		t.Errorf("answerCallbackQuery: %v", err)
	}
}

func TestOffsetSemantics(t *testing.T) {
	s, c := start(t, Options{FirstUpdateID: 500})
	for i := 0; i < 4; i++ {
		s.SendText(alice, fmt.Sprint("m", i))
	}
	steps := []struct {
		name    string
		params  url.Values
		want    []int
		pending int
	}{
		{"no offset returns all kept", nil, []int{500, 501, 502, 503}, 4},
		{"repeat without offset redelivers", vals("offset", "0"), []int{500, 501, 502, 503}, 4},
		{"offset confirms older", vals("offset", "502"), []int{502, 503}, 2},
		{"limit", vals("offset", "502", "limit", "1"), []int{502}, 2},
		{"negative offset keeps the last n", vals("offset", "-1"), []int{503}, 1},
		{"offset past the end confirms all", vals("offset", "504"), []int{}, 0},
	}
	for _, st := range steps {
		got := updateIDs(updates(t, s, c, st.params))
		if fmt.Sprint(got) != fmt.Sprint(st.want) {
			t.Errorf("%s: update ids = %v, want %v", st.name, got, st.want)
		}
		if p := s.Pending(); p != st.pending {
			t.Errorf("%s: Pending() = %d, want %d", st.name, p, st.pending)
		}
	}
	if got, want := s.LastUpdateID(), 503; got != want {
		t.Errorf("LastUpdateID() = %d, want %d", got, want)
	}
}

func TestLongPollWakesUp(t *testing.T) {
	s, c := start(t, Options{})
	type result struct {
		ups []tgbotapi.Update
		d   time.Duration
	}
	done := make(chan result, 1)
	go func() {
		t0 := time.Now()
		resp, err := c.PostForm(s.URL()+"/bot"+testToken+"/getUpdates", vals("timeout", "10"))
		if err != nil {
			done <- result{}
			return
		}
		defer resp.Body.Close()
		var env envelope
		json.NewDecoder(resp.Body).Decode(&env)
		var ups []tgbotapi.Update
		json.Unmarshal(env.Result, &ups)
		done <- result{ups, time.Since(t0)}
	}()
	waitPolling(t, s)
	s.SendText(alice, "hi")
	select {
	case r := <-done:
		if len(r.ups) != 1 || r.ups[0].Message.Text != "hi" {
			t.Errorf("long poll got %+v, want the message", r.ups)
		}
		if r.d > 2*time.Second {
			t.Errorf("long poll took %v, want an early return", r.d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("long poll was not woken by the new update")
	}
}

// waitPolling waits until a getUpdates call is waiting.
func waitPolling(t *testing.T, s *Server) {
	t.Helper()
	ok := s.WaitFor(5*time.Second, func() bool {
		s.umu.Lock()
		defer s.umu.Unlock()
		return s.poller != nil
	})
	if !ok {
		t.Fatal("no long poll started")
	}
}

func TestLongPollTimeout(t *testing.T) {
	s, c := start(t, Options{})
	t0 := time.Now()
	ups := updates(t, s, c, vals("timeout", "1"))
	if d := time.Since(t0); len(ups) != 0 || d < 900*time.Millisecond || d > 3*time.Second {
		t.Errorf("getUpdates(timeout=1) = %d updates after %v, want 0 after about 1s", len(ups), d)
	}
}

func TestOverlappingPollsConflict(t *testing.T) {
	s, c := start(t, Options{})
	first := make(chan envelope, 1)
	go func() {
		resp, err := c.PostForm(s.URL()+"/bot"+testToken+"/getUpdates", vals("timeout", "10"))
		if err != nil {
			first <- envelope{Description: err.Error()}
			return
		}
		defer resp.Body.Close()
		var env envelope
		json.NewDecoder(resp.Body).Decode(&env)
		if env.ErrorCode != resp.StatusCode && !env.OK {
			env.Description += " (status mismatch)"
		}
		first <- env
	}()
	waitPolling(t, s)
	s.SendText(bob, "x")
	// The newer poll terminates the older one (if it is still waiting) and
	// gets the update either way, because the older one cannot confirm it.
	if ups := updates(t, s, c, vals("timeout", "0")); len(ups) != 1 {
		t.Errorf("newer poll got %d updates, want 1", len(ups))
	}
	select {
	case env := <-first:
		if !env.OK && (env.ErrorCode != 409 || env.Description != errConflict) {
			t.Errorf("older poll got %d %q, want 409 %q", env.ErrorCode, env.Description, errConflict)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("older poll was not answered")
	}

	// Without any update, the older poll must be terminated with 409.
	go func() {
		resp, err := c.PostForm(s.URL()+"/bot"+testToken+"/getUpdates", vals("offset", "100", "timeout", "10"))
		if err != nil {
			first <- envelope{Description: err.Error()}
			return
		}
		defer resp.Body.Close()
		var env envelope
		json.NewDecoder(resp.Body).Decode(&env)
		first <- env
	}()
	waitPolling(t, s)
	updates(t, s, c, vals("offset", "100", "timeout", "0"))
	select {
	case env := <-first:
		if env.ErrorCode != 409 || env.Description != errConflict {
			t.Errorf("older poll got %d %q, want 409 %q", env.ErrorCode, env.Description, errConflict)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("older poll was not terminated")
	}
}

func TestCloseReleasesLongPollsAndGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	s := New(Options{})
	tr := &http.Transport{}
	c := &http.Client{Transport: tr}
	done := make(chan time.Duration, 1)
	go func() {
		t0 := time.Now()
		resp, err := c.PostForm(s.URL()+"/botx/getUpdates", vals("timeout", "30"))
		if err == nil {
			resp.Body.Close()
		}
		done <- time.Since(t0)
	}()
	waitPolling(t, s)
	_, cancel := s.Subscribe()
	s.Close()
	cancel()
	select {
	case d := <-done:
		if d > 3*time.Second {
			t.Errorf("long poll returned %v after Close, want at once", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("long poll still pending after Close")
	}
	tr.CloseIdleConnections()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := runtime.NumGoroutine(); got > before {
		buf := make([]byte, 1<<16)
		t.Errorf("goroutines after Close = %d, want <= %d\n%s", got, before, buf[:runtime.Stack(buf, true)])
	}
	s.Close() // idempotent
}

func TestSendMessageValidation(t *testing.T) {
	s, c := start(t, Options{})
	s.SendText(alice, "hi")
	s.RegisterChat(chan1)
	emoji2048 := strings.Repeat("😀", 2048)
	tests := []struct {
		name   string
		params url.Values
		desc   string // "" = success
	}{
		{"plain", vals("text", "hello"), ""},
		{"by channel username", vals("chat_id", "@news", "text", "x"), ""},
		{"4096 UTF-16 units", vals("text", emoji2048), ""},
		{"missing chat", vals("chat_id", "", "text", "x"), errChatNotFound},
		{"unknown chat", vals("chat_id", "42", "text", "x"), errChatNotFound},
		{"unknown username", vals("chat_id", "@nobody", "text", "x"), errChatNotFound},
		{"empty text", vals("text", ""), errTextEmpty},
		{"whitespace text", vals("text", " \n\t"), errTextEmpty},
		{"HTML that is empty", vals("text", "<b> </b>", "parse_mode", "HTML"), errTextEmpty},
		{"too long", vals("text", strings.Repeat("a", 4097)), errTextLong},
		{"too long in UTF-16", vals("text", emoji2048+"a"), errTextLong},
		{"length after tags", vals("text", "<b>"+strings.Repeat("a", 4096)+"</b>", "parse_mode", "HTML"), ""},
		{"length after entities", vals("text", strings.Repeat("&amp;", 4096), "parse_mode", "HTML"), ""},
		{"invalid UTF-8", vals("text", "a\xffb"), errUTF8},
		{"bad HTML", vals("text", "1 < 2", "parse_mode", "HTML"), errParseEntities + `Unsupported start tag "" at byte offset 2`},
		{"unclosed HTML", vals("text", "<b>x", "parse_mode", "HTML"), errParseEntities + `Can't find end tag corresponding to start tag "b"`},
		{"unescaped ampersand", vals("text", "a & b", "parse_mode", "html"), errParseEntities + `Character '&' at byte offset 2 must be escaped as "&amp;"`},
		{"unknown parse mode", vals("text", "x", "parse_mode", "RTF"), errParseMode},
		{"malformed markup", vals("text", "x", "reply_markup", "{nope"), errMarkupJSON},
		{"callback data too long", vals("text", "x", "reply_markup", `{"inline_keyboard":[[{"text":"a","callback_data":"`+strings.Repeat("d", 65)+`"}]]}`), errButtonData},
		{"callback data empty", vals("text", "x", "reply_markup", `{"inline_keyboard":[[{"text":"a","callback_data":""}]]}`), errButtonData},
		{"callback data 64 bytes", vals("text", "x", "reply_markup", `{"inline_keyboard":[[{"text":"a","callback_data":"`+strings.Repeat("d", 64)+`"}]]}`), ""},
		{"button without action", vals("text", "x", "reply_markup", `{"inline_keyboard":[[{"text":"a"}]]}`), errButtonNoAction},
		{"button with two actions", vals("text", "x", "reply_markup", `{"inline_keyboard":[[{"text":"a","url":"https://x.org","callback_data":"d"}]]}`), errButtonTwoAction},
		{"button without text", vals("text", "x", "reply_markup", `{"inline_keyboard":[[{"callback_data":"d"}]]}`), errButtonText},
		{"url button", vals("text", "x", "reply_markup", `{"inline_keyboard":[[{"text":"a","url":"https://x.org"}]]}`), ""},
		{"reply keyboard", vals("text", "x", "reply_markup", `{"keyboard":[["a",{"text":"b"}]],"is_persistent":true}`), ""},
		{"remove keyboard", vals("text", "x", "reply_markup", `{"remove_keyboard":true}`), ""},
		{"force reply", vals("text", "x", "reply_markup", `{"force_reply":true}`), ""},
		{"reply to missing", vals("text", "x", "reply_to_message_id", "99"), errReplyNotFound},
		{"reply to missing allowed", vals("text", "x", "reply_parameters", `{"message_id":99,"allow_sending_without_reply":true}`), ""},
		{"reply to existing", vals("text", "x", "reply_to_message_id", "1"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.params.Has("chat_id") {
				tt.params.Set("chat_id", id(alice.ID))
			}
			before := len(s.Messages(alice.ID))
			status, env := post(t, s, c, "sendMessage", tt.params)
			if tt.desc == "" {
				if status != 200 {
					t.Fatalf("got %d %q, want success", status, env.Description)
				}
				return
			}
			if status != 400 || env.Description != tt.desc {
				t.Fatalf("got %d %q, want 400 %q", status, env.Description, tt.desc)
			}
			if after := len(s.Messages(alice.ID)); after != before {
				t.Errorf("a rejected call created a message: %d messages, want %d", after, before)
			}
		})
	}
}

func TestSentMessageIsRecorded(t *testing.T) {
	s, c := start(t, Options{})
	s.SendText(alice, "/start")
	res := mustOK(t, s, c, "sendMessage", vals("chat_id", id(alice.ID), "text", "<b>Hi</b> &amp; bye", "parse_mode", "HTML",
		"reply_markup", `{"inline_keyboard":[[{"text":"A","callback_data":"a"},{"text":"Site","url":"https://e.org"}]]}`))
	var wire struct {
		MessageID int               `json:"message_id"`
		Text      string            `json:"text"`
		Entities  []wEntity         `json:"entities"`
		From      wUser             `json:"from"`
		Chat      wChat             `json:"chat"`
		Markup    json.RawMessage   `json:"reply_markup"`
		Extra     map[string]string `json:"-"`
	}
	json.Unmarshal(res, &wire)
	if wire.MessageID != 2 || wire.Text != "Hi & bye" || wire.From.ID != DefaultBotID || wire.Chat.ID != alice.ID || wire.Chat.Type != "private" {
		t.Errorf("result = %s, want message 2 %q from the bot in alice's private chat", res, "Hi & bye")
	}
	if len(wire.Entities) != 1 || wire.Entities[0] != (wEntity{Type: "bold", Offset: 0, Length: 2}) {
		t.Errorf("entities = %+v, want one bold 0..2", wire.Entities)
	}
	msgs := s.Messages(alice.ID)
	if len(msgs) != 2 {
		t.Fatalf("Messages() has %d messages, want 2", len(msgs))
	}
	if u := msgs[0]; u.ID != 1 || u.FromBot || u.FromUser != alice.ID || u.Text != "/start" {
		t.Errorf("first message = %+v, want alice's /start as id 1", u)
	}
	m := msgs[1]
	want := [][]Button{{{Text: "A", Data: "a"}, {Text: "Site", URL: "https://e.org"}}}
	if !m.FromBot || m.Text != "Hi & bye" || m.HTML != "<b>Hi</b> &amp; bye" || fmt.Sprint(m.Keyboard) != fmt.Sprint(want) {
		t.Errorf("bot message = %+v, want text, HTML and keyboard %v", m, want)
	}
	if last, ok := s.LastBotMessage(alice.ID); !ok || last.ID != 2 {
		t.Errorf("LastBotMessage() = %+v, %v; want message 2", last, ok)
	}
	calls := s.CallsTo("sendMessage")
	if len(calls) != 1 || calls[0].ChatID != alice.ID || calls[0].Status != 200 || calls[0].Params["parse_mode"] != "HTML" || string(calls[0].Result) != string(res) {
		t.Errorf("CallsTo(sendMessage) = %+v, want the one call with its params and result", calls)
	}

	mustOK(t, s, c, "sendMessage", vals("chat_id", id(alice.ID), "text", "k", "reply_markup", `{"keyboard":[["One","Two"],[{"text":"Three"}]],"is_persistent":true,"resize_keyboard":true}`))
	m, _ = s.LastBotMessage(alice.ID)
	if fmt.Sprint(m.ReplyKeyboard) != "[[One Two] [Three]]" || !m.PersistentKeyboard || m.Keyboard != nil {
		t.Errorf("reply keyboard message = %+v, want [[One Two] [Three]] persistent", m)
	}
	mustOK(t, s, c, "sendMessage", vals("chat_id", id(alice.ID), "text", "r", "reply_markup", `{"remove_keyboard":true}`))
	if m, _ = s.LastBotMessage(alice.ID); !m.RemoveKeyboard {
		t.Errorf("RemoveKeyboard = false, want true")
	}
}

func TestUserMessagesAndEntities(t *testing.T) {
	s, c := start(t, Options{})
	tests := []struct {
		text string
		want int // bot_command length, 0 = none
	}{
		{"/start", 6},
		{"/start payload", 6},
		{"/menu@peerline_test_bot x", 23},
		{"/é😀 x", 4},
		{"hello /start", 0},
		{"/", 0},
	}
	for _, tt := range tests {
		s.SendText(alice, tt.text)
	}
	s.SendTextIn(group, bob, "/help@peerline_test_bot")
	ups := updates(t, s, c, nil)
	for i, tt := range tests {
		ents := ups[i].Message.Entities
		if tt.want == 0 {
			if len(ents) != 0 {
				t.Errorf("%q: entities = %+v, want none", tt.text, ents)
			}
			continue
		}
		if len(ents) != 1 || ents[0].Type != "bot_command" || ents[0].Offset != 0 || ents[0].Length != tt.want {
			t.Errorf("%q: entities = %+v, want bot_command 0..%d", tt.text, ents, tt.want)
		}
	}
	g := ups[len(tests)].Message
	if g.Chat.ID != group.ID || g.Chat.Type != ChatSupergroup || g.From.ID != bob.ID || g.Command() != "help" || g.MessageID != 1 {
		t.Errorf("group message = %+v, want /help from bob in the group as message 1", g)
	}
	if got := len(s.Messages(alice.ID)); got != len(tests) {
		t.Errorf("alice's chat has %d messages, want %d", got, len(tests))
	}

	photo := s.SendPhoto(alice, "look")
	doc := s.SendDocument(alice, "cv.pdf", "")
	post := s.ChannelPost(chan1, "news!")
	s.AddBotToChat(Chat{ID: -7, Type: ChatGroup, Title: "G"}, bob)
	ups = updates(t, s, c, vals("offset", id(int64(ups[len(ups)-1].UpdateID+1))))
	if len(ups) != 4 {
		t.Fatalf("got %d updates, want 4", len(ups))
	}
	if p := ups[0].Message.Photo; len(p) == 0 || p[0].FileID != photo.Photo || ups[0].Message.Caption != "look" {
		t.Errorf("photo update = %+v, want file %q caption look", ups[0].Message, photo.Photo)
	}
	if d := ups[1].Message.Document; d == nil || d.FileID != doc.Document || d.FileName != "cv.pdf" {
		t.Errorf("document update = %+v, want file %q named cv.pdf", ups[1].Message.Document, doc.Document)
	}
	if cp := ups[2].ChannelPost; cp == nil || cp.Text != "news!" || cp.SenderChat == nil || cp.SenderChat.ID != chan1.ID || post.ID != 1 {
		t.Errorf("channel post update = %+v, want news! in the channel", cp)
	}
	if mc := ups[3].MyChatMember; mc == nil || mc.NewChatMember.Status != "member" || mc.OldChatMember.Status != "left" || mc.From.ID != bob.ID || mc.NewChatMember.User.ID != DefaultBotID {
		t.Errorf("my_chat_member = %+v, want the bot added by bob", mc)
	}
	mustOK(t, s, c, "sendMessage", vals("chat_id", "-7", "text", "thanks"))
}

func TestEdits(t *testing.T) {
	s, c := start(t, Options{})
	s.SendText(alice, "hi")
	kb := `{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}`
	kb2 := `{"inline_keyboard":[[{"text":"B","callback_data":"b"}]]}`
	mustOK(t, s, c, "sendMessage", vals("chat_id", id(alice.ID), "text", "menu", "reply_markup", kb))
	mustOK(t, s, c, "sendPhoto", vals("chat_id", id(alice.ID), "photo", "AgACfile", "caption", "pic"))
	a := id(alice.ID)
	tests := []struct {
		name   string
		method string
		params url.Values
		desc   string
	}{
		{"same text and markup", "editMessageText", vals("chat_id", a, "message_id", "2", "text", "menu", "reply_markup", kb), errNotModified},
		{"same text via HTML", "editMessageText", vals("chat_id", a, "message_id", "2", "text", "m&#101;nu", "parse_mode", "HTML", "reply_markup", kb), errNotModified},
		{"user's message", "editMessageText", vals("chat_id", a, "message_id", "1", "text", "x"), errEditNotFound},
		{"missing message", "editMessageText", vals("chat_id", a, "message_id", "77", "text", "x"), errEditNotFound},
		{"unknown chat", "editMessageText", vals("chat_id", "5", "message_id", "2", "text", "x"), errChatNotFound},
		{"empty text", "editMessageText", vals("chat_id", a, "message_id", "2", "text", " "), errTextEmpty},
		{"text of a photo", "editMessageText", vals("chat_id", a, "message_id", "3", "text", "x"), errNoTextToEdit},
		{"caption of a text", "editMessageCaption", vals("chat_id", a, "message_id", "2", "caption", "x"), errNoCaptionToEdit},
		{"reply keyboard", "editMessageReplyMarkup", vals("chat_id", a, "message_id", "2", "reply_markup", `{"keyboard":[["x"]]}`), errInlineExpected},
		{"same markup", "editMessageReplyMarkup", vals("chat_id", a, "message_id", "2", "reply_markup", kb), errNotModified},
		{"same caption", "editMessageCaption", vals("chat_id", a, "message_id", "3", "caption", "pic"), errNotModified},

		{"new text keeps markup given", "editMessageText", vals("chat_id", a, "message_id", "2", "text", "menu 2", "reply_markup", kb), ""},
		{"new markup", "editMessageReplyMarkup", vals("chat_id", a, "message_id", "2", "reply_markup", kb2), ""},
		{"same text, no markup removes keyboard", "editMessageText", vals("chat_id", a, "message_id", "2", "text", "menu 2"), ""},
		{"new caption", "editMessageCaption", vals("chat_id", a, "message_id", "3", "caption", "<i>pic 2</i>", "parse_mode", "HTML"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, env := post(t, s, c, tt.method, tt.params)
			if tt.desc == "" {
				if status != 200 {
					t.Fatalf("got %d %q, want success", status, env.Description)
				}
				var m tgbotapi.Message
				json.Unmarshal(env.Result, &m)
				if m.EditDate == 0 {
					t.Errorf("result %s has no edit_date", env.Result)
				}
				return
			}
			if status != 400 || env.Description != tt.desc {
				t.Fatalf("got %d %q, want 400 %q", status, env.Description, tt.desc)
			}
		})
	}
	msgs := s.Messages(alice.ID)
	if m := msgs[1]; m.Text != "menu 2" || m.Keyboard != nil || m.Edited != 3 {
		t.Errorf("edited message = %+v, want text %q, no keyboard, 3 edits", m, "menu 2")
	}
	if m := msgs[2]; m.Text != "pic 2" || m.HTML != "<i>pic 2</i>" || m.Edited != 1 || m.Photo != "AgACfile" {
		t.Errorf("edited photo = %+v, want caption pic 2", m)
	}
}

func TestDeleteRules(t *testing.T) {
	clock := newClock()
	s, c := start(t, Options{Now: clock.Now})
	s.SendText(alice, "hi")
	s.SendTextIn(group, alice, "hey")
	mustOK(t, s, c, "sendMessage", vals("chat_id", id(alice.ID), "text", "old"))
	mustOK(t, s, c, "sendMessage", vals("chat_id", id(group.ID), "text", "old"))
	clock.Advance(47 * time.Hour)
	mustOK(t, s, c, "sendMessage", vals("chat_id", id(alice.ID), "text", "recent"))
	clock.Advance(2 * time.Hour) // "old" messages are now 49 h old, "recent" 2 h

	a := id(alice.ID)
	tests := []struct {
		name   string
		method string
		params url.Values
		desc   string
	}{
		{"older than 48h in private", "deleteMessage", vals("chat_id", a, "message_id", "2"), errCantDelete},
		{"user message older than 48h", "deleteMessage", vals("chat_id", a, "message_id", "1"), errCantDelete},
		{"recent", "deleteMessage", vals("chat_id", a, "message_id", "3"), ""},
		{"already deleted", "deleteMessage", vals("chat_id", a, "message_id", "3"), errDeleteNotFound},
		{"unknown", "deleteMessage", vals("chat_id", a, "message_id", "9"), errDeleteNotFound},
		{"old in a group", "deleteMessage", vals("chat_id", id(group.ID), "message_id", "2"), ""},
		{"unknown chat", "deleteMessage", vals("chat_id", "4", "message_id", "1"), errChatNotFound},
		{"deleteMessages skips what it can't delete", "deleteMessages", vals("chat_id", id(group.ID), "message_ids", "[1,2,40]"), ""},
		{"deleteMessages without ids", "deleteMessages", vals("chat_id", id(group.ID), "message_ids", "[]"), errDeleteIDs},
	}
	for _, tt := range tests {
		status, env := post(t, s, c, tt.method, tt.params)
		if tt.desc == "" && (status != 200 || string(env.Result) != "true") {
			t.Errorf("%s: got %d %q %s, want true", tt.name, status, env.Description, env.Result)
		}
		if tt.desc != "" && (status != 400 || env.Description != tt.desc) {
			t.Errorf("%s: got %d %q, want 400 %q", tt.name, status, env.Description, tt.desc)
		}
	}
	msgs := s.Messages(alice.ID)
	if len(msgs) != 3 || msgs[0].Deleted || msgs[1].Deleted || !msgs[2].Deleted {
		t.Errorf("alice's messages = %+v, want only message 3 deleted and still listed", msgs)
	}
	if bm := s.BotMessages(alice.ID); len(bm) != 1 || bm[0].ID != 2 {
		t.Errorf("BotMessages() = %+v, want only message 2", bm)
	}
	for _, m := range s.Messages(group.ID) {
		if !m.Deleted {
			t.Errorf("group message %d not deleted", m.ID)
		}
	}
}

func TestCallbackQueries(t *testing.T) {
	s, c := start(t, Options{})
	s.SendText(alice, "hi")
	mustOK(t, s, c, "sendMessage", vals("chat_id", id(alice.ID), "text", "menu", "reply_markup", `{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}`))
	qid := s.Press(alice, alice.ID, 2, "a")
	stale := s.Press(alice, alice.ID, 99, "old")
	ups := updates(t, s, c, nil)
	cq := ups[1].CallbackQuery
	if cq == nil || cq.ID != qid || cq.Message.Text != "menu" || cq.Message.ReplyMarkup == nil {
		t.Fatalf("callback update = %+v, want the menu message with its keyboard", cq)
	}
	if m := ups[2].CallbackQuery.Message; m.MessageID != 99 || m.Date != 0 {
		t.Errorf("press on unknown message carries %+v, want an inaccessible message (id 99, date 0)", m)
	}
	wantErr(t, s, c, "answerCallbackQuery", vals("callback_query_id", qid, "text", strings.Repeat("x", 201)), 400, errAnswerLong)
	mustOK(t, s, c, "answerCallbackQuery", vals("callback_query_id", qid, "text", strings.Repeat("x", 200), "show_alert", "true"))
	wantErr(t, s, c, "answerCallbackQuery", vals("callback_query_id", qid), 400, errQueryInvalid)
	wantErr(t, s, c, "answerCallbackQuery", vals("callback_query_id", "12345"), 400, errQueryInvalid)
	mustOK(t, s, c, "answerCallbackQuery", vals("callback_query_id", stale))
}

func TestCopyAndForwardRefused(t *testing.T) {
	s, c := start(t, Options{})
	s.SendText(bob, "/start")
	photo := s.SendPhoto(alice, "secret pic")
	text := s.SendText(alice, "<not html>")
	res := mustOK(t, s, c, "copyMessage", vals("chat_id", id(bob.ID), "from_chat_id", id(alice.ID), "message_id", strconv.Itoa(photo.ID), "protect_content", "true"))
	if string(res) != `{"message_id":2}` {
		t.Errorf("copyMessage result = %s, want {\"message_id\":2}", res)
	}
	mustOK(t, s, c, "copyMessage", vals("chat_id", id(bob.ID), "from_chat_id", id(alice.ID), "message_id", strconv.Itoa(text.ID),
		"reply_markup", `{"inline_keyboard":[[{"text":"Reply","callback_data":"r"}]]}`))
	msgs := s.Messages(bob.ID)
	if len(msgs) != 3 {
		t.Fatalf("bob has %d messages, want 3", len(msgs))
	}
	cp := msgs[1]
	if !cp.FromBot || cp.Photo != photo.Photo || cp.Text != "secret pic" || !cp.ProtectContent ||
		cp.CopiedFrom == nil || *cp.CopiedFrom != (MessageRef{ChatID: alice.ID, MessageID: photo.ID}) {
		t.Errorf("copy = %+v, want the photo, protected, copied from alice's message %d", cp, photo.ID)
	}
	if cp := msgs[2]; cp.Text != "<not html>" || cp.ProtectContent || len(cp.Keyboard) != 1 {
		t.Errorf("text copy = %+v, want the text unprotected with a keyboard", cp)
	}
	wantErr(t, s, c, "copyMessage", vals("chat_id", id(bob.ID), "from_chat_id", id(alice.ID), "message_id", "77"), 400, errCopyNotFound)
	wantErr(t, s, c, "copyMessage", vals("chat_id", id(bob.ID), "from_chat_id", "31337", "message_id", "1"), 400, errCopyNotFound)
	wantErr(t, s, c, "copyMessage", vals("chat_id", "31337", "from_chat_id", id(alice.ID), "message_id", "1"), 400, errChatNotFound)

	// Forwarding is refused (a forward shows who wrote the original), and recorded so that tests
	// can assert the bot never tries.
	wantErr(t, s, c, "forwardMessage", vals("chat_id", id(bob.ID), "from_chat_id", id(alice.ID), "message_id", strconv.Itoa(text.ID)), 404, "Not Found: method not found")
	if got := len(s.CallsTo("forwardMessage")); got != 1 {
		t.Errorf("CallsTo(forwardMessage) = %d calls, want 1 (recorded although refused)", got)
	}
	if n := len(s.Messages(bob.ID)); n != 3 {
		t.Errorf("a refused forward created a message: bob has %d, want 3", n)
	}
}

func TestBlockAndLeave(t *testing.T) {
	s, c := start(t, Options{})
	s.SendText(alice, "hi")
	s.SendTextIn(Chat{ID: -5, Type: ChatGroup, Title: "G"}, alice, "hey")
	mustOK(t, s, c, "sendMessage", vals("chat_id", id(alice.ID), "text", "menu"))

	s.Block(alice.ID)
	a := id(alice.ID)
	for _, tc := range []struct {
		method string
		params url.Values
	}{
		{"sendMessage", vals("chat_id", a, "text", "x")},
		{"sendPhoto", vals("chat_id", a, "photo", "f")},
		{"editMessageText", vals("chat_id", a, "message_id", "2", "text", "y")},
		{"copyMessage", vals("chat_id", a, "from_chat_id", a, "message_id", "1")},
	} {
		wantErr(t, s, c, tc.method, tc.params, 403, "Forbidden: bot was blocked by the user")
	}
	s.Unblock(alice.ID)
	mustOK(t, s, c, "sendMessage", vals("chat_id", a, "text", "back"))

	mustOK(t, s, c, "leaveChat", vals("chat_id", "-5"))
	wantErr(t, s, c, "sendMessage", vals("chat_id", "-5", "text", "x"), 403, "Forbidden: bot is not a member of the group chat")
	wantErr(t, s, c, "leaveChat", vals("chat_id", a), 400, errLeavePrivate)
	s.AddBotToChat(Chat{ID: -5, Type: ChatGroup, Title: "G"}, alice)
	mustOK(t, s, c, "sendMessage", vals("chat_id", "-5", "text", "hello again"))
}

func TestLimits(t *testing.T) {
	clock := newClock()
	s, c := start(t, Options{Limits: true, Now: clock.Now})
	send := func(chatID int64) (int, envelope) {
		return post(t, s, c, "sendMessage", vals("chat_id", id(chatID), "text", "x"))
	}
	expect429 := func(chatID int64, retry int) {
		t.Helper()
		status, env := send(chatID)
		want := "Too Many Requests: retry after " + strconv.Itoa(retry)
		if status != 429 || env.Description != want || env.Parameters == nil || env.Parameters.RetryAfter != retry {
			t.Fatalf("send to %d: got %d %q %+v, want 429 %q retry_after %d", chatID, status, env.Description, env.Parameters, want, retry)
		}
	}
	expectOK := func(chatID int64) {
		t.Helper()
		if status, env := send(chatID); status != 200 {
			t.Fatalf("send to %d: got %d %q, want 200", chatID, status, env.Description)
		}
	}

	// Private chat: bucket of 4, one more per second; rejected calls don't count.
	s.SendText(alice, "hi")
	for i := 0; i < 4; i++ {
		expectOK(alice.ID)
	}
	expect429(alice.ID, 1)
	expect429(alice.ID, 1)
	if n := len(s.BotMessages(alice.ID)); n != 4 {
		t.Errorf("bot messages after 429s = %d, want 4", n)
	}
	clock.Advance(time.Second)
	expectOK(alice.ID)
	expect429(alice.ID, 1)
	// answerCallbackQuery and getMe are not limited.
	qid := s.Press(alice, alice.ID, 2, "a")
	mustOK(t, s, c, "answerCallbackQuery", vals("callback_query_id", qid))
	mustOK(t, s, c, "getMe", nil)

	// Group: 20 per minute.
	clock.Advance(time.Minute)
	s.SendTextIn(group, alice, "hi")
	for i := 0; i < 20; i++ {
		expectOK(group.ID)
		clock.Advance(time.Second / 10)
	}
	expect429(group.ID, 58) // the first of the 20 was sent 2 s ago
	clock.Advance(58 * time.Second)
	expectOK(group.ID)

	// Overall: 30 per second across chats.
	clock.Advance(time.Minute)
	users := make([]User, 8)
	for i := range users {
		users[i] = User{ID: int64(2000 + i), FirstName: "U"}
		s.SendText(users[i], "hi")
	}
	for i := 0; i < 30; i++ {
		expectOK(users[i/4].ID)
	}
	expect429(users[7].ID, 1)
	clock.Advance(time.Second)
	expectOK(users[7].ID)

	// 3 private + 1 group + 1 overall.
	if got, want := s.Counters().RateLimited, int64(5); got != want {
		t.Errorf("Counters().RateLimited = %d, want %d", got, want)
	}
}

func TestLimitsOffByDefault(t *testing.T) {
	s, c := start(t, Options{})
	s.SendText(alice, "hi")
	for i := 0; i < 50; i++ {
		mustOK(t, s, c, "sendMessage", vals("chat_id", id(alice.ID), "text", "x"))
	}
}

func TestFaults(t *testing.T) {
	s, c := start(t, Options{})
	s.SendText(alice, "hi")
	a := id(alice.ID)
	msg := vals("chat_id", a, "text", "x")

	// FailNext on a method, then "" for any method.
	s.FailNext("sendMessage", 2, Fault{Status: 500})
	wantErr(t, s, c, "sendMessage", msg, 500, "Internal Server Error")
	mustOK(t, s, c, "getMe", nil) // other methods unaffected
	wantErr(t, s, c, "sendMessage", msg, 500, "Internal Server Error")
	if n := len(s.BotMessages(alice.ID)); n != 0 {
		t.Errorf("failed calls created %d messages, want 0", n)
	}
	mustOK(t, s, c, "sendMessage", msg)

	s.FailNext("", 1, Fault{Status: 429, RetryAfter: 3})
	updates(t, s, c, nil) // getUpdates is not "any method"
	env := wantErr(t, s, c, "getMe", nil, 429, "Too Many Requests: retry after 3")
	if env.Parameters == nil || env.Parameters.RetryAfter != 3 {
		t.Errorf("parameters = %+v, want retry_after 3", env.Parameters)
	}
	s.FailNext("", 1, Fault{Status: 403, Description: "Forbidden: bot was kicked from the group chat"})
	wantErr(t, s, c, "sendMessage", msg, 403, "Forbidden: bot was kicked from the group chat")

	// A failed getUpdates confirms nothing.
	before := s.Pending()
	s.FailNext("getUpdates", 1, Fault{Status: 502})
	wantErr(t, s, c, "getUpdates", vals("offset", "1000"), 502, "Bad Gateway")
	if got := s.Pending(); got != before {
		t.Errorf("Pending() after failed getUpdates = %d, want %d", got, before)
	}

	// HTML body.
	s.FailNext("sendMessage", 1, Fault{HTMLBody: true})
	resp, err := c.PostForm(s.URL()+"/bot"+testToken+"/sendMessage", msg)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 502 || !strings.HasPrefix(string(body), "<html>") || json.Valid(body) {
		t.Errorf("HTMLBody answer = %d %q, want 502 and an HTML page", resp.StatusCode, body)
	}

	// Dropped connection.
	s.FailNext("sendMessage", 1, Fault{Drop: true})
	if resp, err := c.PostForm(s.URL()+"/bot"+testToken+"/sendMessage", msg); err == nil {
		resp.Body.Close()
		t.Errorf("dropped call answered %d, want a connection error", resp.StatusCode)
	}

	// Slow but successful.
	s.FailNext("sendMessage", 1, Fault{Delay: 200 * time.Millisecond})
	t0 := time.Now()
	mustOK(t, s, c, "sendMessage", msg)
	if d := time.Since(t0); d < 200*time.Millisecond {
		t.Errorf("delayed call took %v, want >= 200ms", d)
	}

	// Cancelled FailNext.
	s.FailNext("sendMessage", 5, Fault{Status: 500})
	s.FailNext("sendMessage", 0, Fault{})
	mustOK(t, s, c, "sendMessage", msg)

	if n := len(s.BotMessages(alice.ID)); n != 3 {
		t.Errorf("bot messages = %d, want 3 (only the successful calls)", n)
	}
	cnt := s.Counters()
	if cnt.Faults != 8 || cnt.ByStatus[0] != 1 || cnt.ByStatus[500] != 2 || cnt.RateLimited != 0 {
		t.Errorf("Counters() = %+v, want 8 faults, 1 dropped, 2 500s, no rate limits", cnt)
	}
}

func TestFailRate(t *testing.T) {
	outcomes := func(seed int64) string {
		s, c := start(t, Options{Seed: seed})
		s.SendText(alice, "hi")
		s.FailRate(0.5, Fault{Status: 502})
		var b strings.Builder
		for i := 0; i < 40; i++ {
			status, _ := post(t, s, c, "sendMessage", vals("chat_id", id(alice.ID), "text", "x"))
			fmt.Fprint(&b, status/100)
			mustOK(t, s, c, "getMe", nil) // not a send-type call: never fails
		}
		s.FailRate(0, Fault{})
		mustOK(t, s, c, "sendMessage", vals("chat_id", id(alice.ID), "text", "x"))
		return b.String()
	}
	a, b := outcomes(7), outcomes(7)
	if a != b {
		t.Errorf("same seed gave %s and %s, want the same sequence", a, b)
	}
	if n := strings.Count(a, "5"); n < 8 || n > 32 {
		t.Errorf("%d of 40 calls failed at p=0.5 (%s), want about 20", n, a)
	}
}

func TestRequestEncodings(t *testing.T) {
	s, c := start(t, Options{})
	s.SendText(alice, "hi")

	// JSON body with a nested reply_markup object.
	body := fmt.Sprintf(`{"chat_id":%d,"text":"json","reply_markup":{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}}`, alice.ID)
	resp, err := c.Post(s.URL()+"/bot"+testToken+"/sendMessage", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if status, env := decode(t, "sendMessage", resp); status != 200 {
		t.Fatalf("JSON sendMessage: got %d %q", status, env.Description)
	}
	if m, _ := s.LastBotMessage(alice.ID); m.Text != "json" || len(m.Keyboard) != 1 {
		t.Errorf("JSON-sent message = %+v, want text json with a keyboard", m)
	}
	if p := s.CallsTo("sendMessage")[0].Params; p["chat_id"] != id(alice.ID) || !strings.HasPrefix(p["reply_markup"], `{"inline_keyboard"`) {
		t.Errorf("flattened params = %v, want chat_id as text and reply_markup as JSON text", p)
	}

	// GET with a query string.
	resp, err = c.Get(s.URL() + "/bot" + testToken + "/sendMessage?" + vals("chat_id", id(alice.ID), "text", "get").Encode())
	if err != nil {
		t.Fatal(err)
	}
	if status, env := decode(t, "sendMessage", resp); status != 200 {
		t.Fatalf("GET sendMessage: got %d %q", status, env.Description)
	}

	// Multipart upload.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("chat_id", id(alice.ID))
	mw.WriteField("caption", "doc")
	fw, _ := mw.CreateFormFile("document", "report.pdf")
	fw.Write([]byte("%PDF-1.4"))
	mw.Close()
	resp, err = c.Post(s.URL()+"/bot"+testToken+"/sendDocument", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	status, env := decode(t, "sendDocument", resp)
	if status != 200 {
		t.Fatalf("multipart sendDocument: got %d %q", status, env.Description)
	}
	var m tgbotapi.Message
	json.Unmarshal(env.Result, &m)
	if m.Document == nil || m.Document.FileName != "report.pdf" || m.Document.FileID == "" || m.Caption != "doc" {
		t.Errorf("uploaded document = %s, want report.pdf with a file id and caption", env.Result)
	}
	wantErr(t, s, c, "sendPhoto", vals("chat_id", id(alice.ID)), 400, errNoPhoto)
}

func TestCommandsAndMisc(t *testing.T) {
	s, c := start(t, Options{})
	cmds := `[{"command":"start","description":"Start"},{"command":"help","description":"Help"}]`
	mustOK(t, s, c, "setMyCommands", vals("commands", cmds))
	mustOK(t, s, c, "setMyCommands", vals("commands", `[{"command":"start","description":"Début"}]`, "language_code", "fr"))
	if got := string(mustOK(t, s, c, "getMyCommands", nil)); got != cmds {
		t.Errorf("getMyCommands = %s, want %s", got, cmds)
	}
	if got := string(mustOK(t, s, c, "getMyCommands", vals("language_code", "fr"))); !strings.Contains(got, "Début") {
		t.Errorf("getMyCommands(fr) = %s, want the French list", got)
	}
	wantErr(t, s, c, "setMyCommands", vals("commands", `[{"command":"Start!","description":"x"}]`), 400, errCommandInvalid)
	wantErr(t, s, c, "setMyCommands", vals("commands", `nope`), 400, errCommandsJSON)
	mustOK(t, s, c, "deleteMyCommands", nil)
	if got := string(mustOK(t, s, c, "getMyCommands", nil)); got != "[]" {
		t.Errorf("getMyCommands after delete = %s, want []", got)
	}

	s.RegisterChat(chan1)
	var ch tgbotapi.Chat
	json.Unmarshal(mustOK(t, s, c, "getChat", vals("chat_id", "@News")), &ch)
	if ch.ID != chan1.ID || ch.Type != ChatChannel || ch.Title != "News" {
		t.Errorf("getChat(@News) = %+v, want the channel", ch)
	}
	wantErr(t, s, c, "getChat", vals("chat_id", "1"), 400, errChatNotFound)
	mustOK(t, s, c, "setWebhook", vals("url", "https://example.org/hook"))
	s.SendText(alice, "hi")
	mustOK(t, s, c, "deleteWebhook", vals("drop_pending_updates", "true"))
	if p := s.Pending(); p != 0 {
		t.Errorf("Pending() after deleteWebhook(drop_pending_updates) = %d, want 0", p)
	}
	mustOK(t, s, c, "sendChatAction", vals("chat_id", id(alice.ID), "action", "typing"))
	wantErr(t, s, c, "sendChatAction", vals("chat_id", id(alice.ID), "action", "dancing"), 400, errChatAction)
}

func TestInject(t *testing.T) {
	s, c := start(t, Options{})
	uid := s.Inject(tgbotapi.Update{EditedMessage: &tgbotapi.Message{MessageID: 5, Text: "edited",
		Chat: &tgbotapi.Chat{ID: 77, Type: "private"}, From: &tgbotapi.User{ID: 77, FirstName: "E"}}})
	ups := updates(t, s, c, nil)
	if len(ups) != 1 || ups[0].UpdateID != uid || ups[0].EditedMessage == nil || ups[0].EditedMessage.Text != "edited" {
		t.Fatalf("updates = %+v, want the injected edited_message with id %d", ups, uid)
	}
	mustOK(t, s, c, "sendMessage", vals("chat_id", "77", "text", "the chat is known now"))
}

func TestLightMode(t *testing.T) {
	var onCall sync.Map
	s, c := start(t, Options{Light: true, OnCall: func(cl Call) { onCall.Store(cl.Method, cl.Status) }})
	s.SendText(alice, "hi")
	for i := 0; i < 3*lightWindow; i++ {
		mustOK(t, s, c, "sendMessage", vals("chat_id", id(alice.ID), "text", fmt.Sprint("n", i),
			"reply_markup", `{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}`))
	}
	if n := len(s.Calls()); n != 0 {
		t.Errorf("Calls() in Light mode has %d calls, want 0", n)
	}
	if st, ok := onCall.Load("sendMessage"); !ok || st != 200 {
		t.Errorf("OnCall saw sendMessage = %v, %v; want 200", st, ok)
	}
	cnt := s.Counters()
	if got, want := cnt.ByMethod["sendMessage"], int64(3*lightWindow); got != want {
		t.Errorf("ByMethod[sendMessage] = %d, want %d", got, want)
	}
	if got, want := cnt.Messages, int64(3*lightWindow+1); got != want {
		t.Errorf("Counters().Messages = %d, want %d", got, want)
	}
	if n := len(s.Messages(alice.ID)); n != lightWindow {
		t.Errorf("Messages() keeps %d, want the last %d", n, lightWindow)
	}
	last, ok := s.LastBotMessage(alice.ID)
	if !ok || last.ID != 3*lightWindow+1 {
		t.Fatalf("LastBotMessage() = %+v, %v; want message %d", last, ok, 3*lightWindow+1)
	}
	mustOK(t, s, c, "editMessageText", vals("chat_id", id(alice.ID), "message_id", strconv.Itoa(last.ID), "text", "edited"))
	wantErr(t, s, c, "editMessageText", vals("chat_id", id(alice.ID), "message_id", "2", "text", "forgotten"), 400, errEditNotFound)
}

func TestSubscribe(t *testing.T) {
	s, c := start(t, Options{})
	ch, cancel := s.Subscribe()
	defer cancel()
	s.SendText(alice, "hi")
	mustOK(t, s, c, "sendMessage", vals("chat_id", id(alice.ID), "text", "menu", "reply_markup", `{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}`))
	qid := s.Press(alice, alice.ID, 2, "a")
	mustOK(t, s, c, "answerCallbackQuery", vals("callback_query_id", qid, "text", "done", "show_alert", "true"))
	mustOK(t, s, c, "editMessageText", vals("chat_id", id(alice.ID), "message_id", "2", "text", "menu 2"))
	mustOK(t, s, c, "deleteMessage", vals("chat_id", id(alice.ID), "message_id", "2"))

	want := []string{"message:1:hi", "message:2:menu", "callback:2:menu", "answer:done:true", "edited:2:menu 2", "deleted:2:menu 2"}
	for i, w := range want {
		select {
		case ev := <-ch:
			var got string
			switch ev.Kind {
			case EventAnswer:
				got = fmt.Sprintf("%s:%s:%v", ev.Kind, ev.Text, ev.ShowAlert)
			default:
				got = fmt.Sprintf("%s:%d:%s", ev.Kind, ev.Message.ID, ev.Message.Text)
			}
			if got != w {
				t.Errorf("event %d = %s, want %s", i, got, w)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("event %d (%s) not received", i, w)
		}
	}

	// A subscriber that never reads loses events instead of blocking the server.
	_, cancelSlow := s.Subscribe()
	defer cancelSlow()
	for i := 0; i < subscriberBuffer+10; i++ {
		s.SendText(bob, "spam")
	}
	if got := s.Counters().EventsDropped; got < 10 {
		t.Errorf("EventsDropped = %d, want >= 10", got)
	}
}

func TestWaitFor(t *testing.T) {
	s, c := start(t, Options{})
	s.SendText(alice, "hi")
	go func() {
		time.Sleep(50 * time.Millisecond)
		c.PostForm(s.URL()+"/bot"+testToken+"/sendMessage", vals("chat_id", id(alice.ID), "text", "later"))
	}()
	t0 := time.Now()
	if !s.WaitFor(5*time.Second, func() bool { _, ok := s.LastBotMessage(alice.ID); return ok }) {
		t.Fatal("WaitFor = false, want true once the bot answered")
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("WaitFor took %v, want it to notice the call quickly", d)
	}
	if s.WaitFor(30*time.Millisecond, func() bool { return false }) {
		t.Error("WaitFor(never) = true, want false")
	}
}

func TestConcurrentUse(t *testing.T) {
	s, c := start(t, Options{Limits: false})
	var wg sync.WaitGroup
	for u := 0; u < 8; u++ {
		user := User{ID: int64(3000 + u), FirstName: "U"}
		s.SendText(user, "hi")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				resp, err := c.PostForm(s.URL()+"/bot"+testToken+"/sendMessage", vals("chat_id", id(user.ID), "text", "x"))
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				s.Press(user, user.ID, 2, "d")
				s.Messages(user.ID)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		off := 0
		for s.Counters().ByMethod["sendMessage"] < 400 {
			resp, err := c.PostForm(s.URL()+"/bot"+testToken+"/getUpdates", vals("offset", strconv.Itoa(off), "timeout", "1"))
			if err != nil {
				t.Error(err)
				return
			}
			var env envelope
			json.NewDecoder(resp.Body).Decode(&env)
			resp.Body.Close()
			var ups []tgbotapi.Update
			json.Unmarshal(env.Result, &ups)
			if len(ups) > 0 {
				off = ups[len(ups)-1].UpdateID + 1
			}
		}
	}()
	wg.Wait()
	for u := 0; u < 8; u++ {
		ms := s.Messages(int64(3000 + u))
		for i, m := range ms {
			if m.ID != i+1 {
				t.Fatalf("chat %d message %d has id %d, want consecutive ids", 3000+u, i, m.ID)
			}
		}
	}
}

// BenchmarkSendMessageLight measures the fake's throughput in Light mode.
func BenchmarkSendMessageLight(b *testing.B) {
	s := New(Options{Light: true})
	defer s.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	for i := 0; i < 64; i++ {
		s.SendText(User{ID: int64(i + 1), FirstName: "U"}, "hi")
	}
	endpoint := s.URL() + "/botx/sendMessage"
	var n sync.Mutex
	next := 0
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		n.Lock()
		next++
		chatID := strconv.Itoa(next%64 + 1)
		n.Unlock()
		body := vals("chat_id", chatID, "text", "<b>Hello</b> there", "parse_mode", "HTML",
			"reply_markup", `{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}`).Encode()
		for pb.Next() {
			resp, err := c.Post(endpoint, "application/x-www-form-urlencoded", strings.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
