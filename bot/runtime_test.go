package bot

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/store"
)

const testToken = "987654321:SECRET-token-abcdefghijklmnopqrstuvwxyz"

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

type rig struct {
	t      *testing.T
	api    *fakeapi.Server
	db     *store.DB
	bot    *Bot
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

type rigOptions struct {
	limits  bool
	cfg     func(*Config)
	fakeOpt func(*fakeapi.Options)
}

// startRig runs a bot with router r against a fake API.
func startRig(t *testing.T, r *Router, o rigOptions) *rig {
	t.Helper()
	fo := fakeapi.Options{Token: testToken, Limits: o.limits}
	if o.fakeOpt != nil {
		o.fakeOpt(&fo)
	}
	api := fakeapi.New(fo)
	t.Cleanup(api.Close)
	db, err := store.Open(filepath.Join(t.TempDir(), "p.db"), store.Options{Key: store.NewKey(), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	limits := TelegramLimits()
	limits.Off = !o.limits
	cfg := Config{Token: testToken, APIURL: api.URL(), Limits: limits, PollTimeout: 2 * time.Second,
		DrainTimeout: time.Second, Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	b := New(cfg, db, r)
	ctx, cancel := context.WithCancel(context.Background())
	rg := &rig{t: t, api: api, db: db, bot: b, logs: logs, cancel: cancel, done: make(chan error, 1)}
	go func() { rg.done <- b.Run(ctx) }()
	t.Cleanup(rg.stop)
	select {
	case <-b.Ready():
	case err := <-rg.done:
		t.Fatalf("bot stopped: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("bot not ready")
	}
	return rg
}

func (rg *rig) stop() {
	if rg.cancel == nil {
		return
	}
	rg.cancel()
	rg.cancel = nil
	<-rg.done
	rg.db.Close()
	if strings.Contains(rg.logs.String(), testToken) || strings.Contains(rg.logs.String(), "SECRET-token") {
		rg.t.Error("the token appears in the logs")
	}
}

func (rg *rig) settle(timeout time.Duration) {
	rg.t.Helper()
	if !rg.api.WaitFor(timeout, func() bool { return rg.api.Pending() == 0 && rg.bot.Idle() }) {
		rg.t.Fatalf("not settled: pending=%d outbox=%d", rg.api.Pending(), rg.bot.outbox.Len())
	}
}

func user(id int64) fakeapi.User { return fakeapi.User{ID: id, FirstName: "u"} }

// echoRouter answers every text with "re: <n>" where n counts the chat's messages, kept in the
// conversation payload (a state change per update, so double application would show).
func echoRouter() *Router {
	r := NewRouter()
	r.Use(Recover())
	r.Fallback(func(c *Ctx) (Next, error) {
		n, _ := strconv.Atoi(c.ConvData["n"])
		n++
		c.ConvData["n"] = strconv.Itoa(n)
		c.Reply("re: "+strconv.Itoa(n), nil)
		return Stay(), nil
	})
	return r
}

func sendCalls(api *fakeapi.Server, chat int64) []fakeapi.Call {
	var out []fakeapi.Call
	for _, c := range api.CallsTo("sendMessage") {
		if c.ChatID == chat {
			out = append(out, c)
		}
	}
	return out
}

func TestOutbox_429RetryAfterHonoured(t *testing.T) {
	rg := startRig(t, echoRouter(), rigOptions{})
	rg.api.FailNext("sendMessage", 1, fakeapi.Fault{Status: 429, RetryAfter: 2})
	rg.api.SendText(user(1), "hi")
	rg.settle(10 * time.Second)
	calls := sendCalls(rg.api, 1)
	if len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 200 {
		t.Fatalf("calls: %+v", calls)
	}
	if gap := calls[1].At.Sub(calls[0].At); gap < 2*time.Second {
		t.Fatalf("retried after %s, before retry_after (2 s) passed", gap)
	}
}

func TestOutbox_5xxAndDroppedConnectionsRetriedUntilSuccess(t *testing.T) {
	rg := startRig(t, echoRouter(), rigOptions{})
	rg.api.FailNext("sendMessage", 1, fakeapi.Fault{Status: 502, HTMLBody: true})
	rg.api.FailNext("sendMessage", 1, fakeapi.Fault{Drop: true})
	rg.api.FailNext("sendMessage", 1, fakeapi.Fault{Status: 500})
	rg.api.SendText(user(2), "hi")
	rg.settle(15 * time.Second)
	msgs := rg.api.BotMessages(2)
	if len(msgs) != 1 || msgs[0].Text != "re: 1" {
		t.Fatalf("delivered: %+v", msgs)
	}
	if got := rg.bot.metrics.OutboxRetries.Load(); got != 3 {
		t.Errorf("retries: got %d, want 3", got)
	}
}

func TestOutbox_403StopsAndMarksInactive(t *testing.T) {
	r := NewRouter()
	r.Fallback(func(c *Ctx) (Next, error) {
		if err := c.Tx.PutUser(c.ChatID, store.User{Lang: "uk"}); err != nil {
			return Stay(), err
		}
		for i := 0; i < 3; i++ {
			c.Reply("part "+strconv.Itoa(i), nil)
		}
		return Stay(), nil
	})
	rg := startRig(t, r, rigOptions{})
	rg.api.SendText(user(3), "hi") // makes the chat known to the fake
	rg.settle(5 * time.Second)
	rg.api.Block(3)
	rg.api.SendText(user(3), "again")
	rg.settle(5 * time.Second)
	calls := sendCalls(rg.api, 3)
	if got := len(calls); got != 4 { // 3 delivered, then one 403 and nothing more
		t.Fatalf("sendMessage calls: got %d, want 4", got)
	}
	if calls[3].Status != 403 {
		t.Fatalf("last call status %d", calls[3].Status)
	}
	_ = rg.db.View(func(tx *store.Tx) error {
		u, _, _ := tx.User(3)
		if !u.Inactive {
			t.Error("user not marked inactive")
		}
		if n := tx.OutboxLen(); n != 0 {
			t.Errorf("outbox keeps %d entries for a blocked chat", n)
		}
		return nil
	})
}

func TestOutbox_LongTextSplit(t *testing.T) {
	long := strings.Repeat("Рядок тексту про зменшення шкоди.\n", 300) // ~10,200 characters
	r := NewRouter()
	r.Fallback(func(c *Ctx) (Next, error) { c.Reply(long, Keyboard{Row(Btn("ok", "ok"))}); return Stay(), nil })
	rg := startRig(t, r, rigOptions{})
	rg.api.SendText(user(4), "hi")
	rg.settle(5 * time.Second)
	msgs := rg.api.BotMessages(4)
	if len(msgs) != 3 {
		t.Fatalf("got %d messages, want 3", len(msgs))
	}
	var joined strings.Builder
	for i, m := range msgs {
		if n := len([]rune(m.Text)); n > MaxTextLen {
			t.Errorf("message %d: %d characters", i, n)
		}
		joined.WriteString(m.HTML)
		if (len(m.Keyboard) > 0) != (i == 2) {
			t.Errorf("message %d keyboard: %v", i, m.Keyboard)
		}
	}
	if joined.String() != long {
		t.Error("the parts do not add up to the text")
	}
}

func TestOutbox_NoRateLimitHitUnderBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a few seconds of real time")
	}
	r := NewRouter()
	r.Fallback(func(c *Ctx) (Next, error) {
		c.Reply("one", nil)
		c.Reply("two", nil)
		return Stay(), nil
	})
	rg := startRig(t, r, rigOptions{limits: true})
	group := fakeapi.Chat{ID: -100500, Type: "supergroup", Title: "g"}
	for chat := int64(1); chat <= 40; chat++ {
		rg.api.SendText(user(100+chat), "hi")
	}
	for i := 0; i < 2; i++ { // 4 answers: a burst of 2, then 20 a minute
		rg.api.SendTextIn(group, user(99), "hi")
	}
	rg.settle(30 * time.Second)
	if got := rg.api.Counters().RateLimited; got != 0 {
		t.Fatalf("the fake answered 429 %d times", got)
	}
	delivered := 0
	for chat := int64(1); chat <= 40; chat++ {
		delivered += len(rg.api.BotMessages(100 + chat))
	}
	if delivered != 80 || len(rg.api.BotMessages(group.ID)) != 4 {
		t.Fatalf("delivered %d private and %d group messages, want 80 and 4", delivered, len(rg.api.BotMessages(group.ID)))
	}
}

func TestOutbox_CallbackAnswersGoFirst(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a few seconds of real time")
	}
	r := NewRouter()
	r.Fallback(func(c *Ctx) (Next, error) { c.Reply("hello", Keyboard{Row(Btn("b", "b"))}); return Stay(), nil })
	r.Callback("b", func(c *Ctx) (Next, error) { c.Answer("pressed"); return Stay(), nil })
	rg := startRig(t, r, rigOptions{limits: true})
	rg.api.SendText(user(500), "hi")
	rg.settle(5 * time.Second)
	msg, _ := rg.api.LastBotMessage(500)
	for chat := int64(1); chat <= 60; chat++ { // 60 messages at 25/s take over 2 s
		rg.api.SendText(user(600+chat), "hi")
	}
	time.Sleep(200 * time.Millisecond)
	rg.api.Press(user(500), 500, msg.ID, "b")
	rg.settle(20 * time.Second)
	calls := rg.api.Calls()
	answerAt, lastSend := -1, -1
	for i, c := range calls {
		switch c.Method {
		case "answerCallbackQuery":
			answerAt = i
		case "sendMessage":
			lastSend = i
		}
	}
	if answerAt < 0 || answerAt > lastSend-20 {
		t.Fatalf("the button answer went at call %d, the last message at %d: it waited behind the queue", answerAt, lastSend)
	}
}

func TestOutbox_NotModifiedIsDoneAndOther400IsFinal(t *testing.T) {
	r := NewRouter()
	r.Fallback(func(c *Ctx) (Next, error) {
		switch cmd, arg, _ := strings.Cut(c.Text, " "); cmd {
		case "same": // edit the bot's message arg to the text it already has
			id, _ := strconv.Atoi(arg)
			c.Edit(c.ChatID, id, "re: same", nil)
		case "nowhere":
			c.Send(Message{ChatID: 424242, Text: "secret words"})
		default:
			c.Reply("re: same", nil)
		}
		return Stay(), nil
	})
	rg := startRig(t, r, rigOptions{})
	rg.api.SendText(user(6), "first")
	rg.settle(5 * time.Second)
	first, _ := rg.api.LastBotMessage(6)
	rg.api.SendText(user(6), "same "+strconv.Itoa(first.ID))
	rg.settle(5 * time.Second)
	edits := rg.api.CallsTo("editMessageText")
	if len(edits) != 1 || edits[0].Status != 400 {
		t.Fatalf("edit calls: %+v", edits)
	}
	if got := rg.bot.metrics.OutboxFailed.Load(); got != 0 {
		t.Errorf("'not modified' counted as a failure")
	}
	rg.api.SendText(user(6), "nowhere")
	rg.settle(5 * time.Second)
	if got := rg.bot.metrics.OutboxFailed.Load(); got != 1 {
		t.Errorf("final failures: got %d, want 1", got)
	}
	if strings.Contains(rg.logs.String(), "secret words") {
		t.Error("a refused call's text is in the log")
	}
	if n := len(rg.api.CallsTo("sendMessage")); n != 2 {
		t.Errorf("a 400 was retried: %d sendMessage calls, want 2", n)
	}
}

func TestHandler_PanicRetriedThenParkedWithoutBlockingTheChat(t *testing.T) {
	r := NewRouter()
	r.Use(Recover())
	attempts := 0
	r.Fallback(func(c *Ctx) (Next, error) {
		if c.Text == "boom" {
			attempts++
			panic("boom " + c.Text)
		}
		c.Reply("fine", nil)
		return Stay(), nil
	})
	rg := startRig(t, r, rigOptions{cfg: func(c *Config) {
		c.OnParked = func(c *Ctx) { c.Reply("sorry", nil) }
	}})
	rg.api.SendText(user(7), "boom")
	rg.api.SendText(user(7), "after")
	rg.settle(10 * time.Second)
	if attempts < 3 {
		t.Errorf("handler attempts: got %d, want at least 3 (bbolt may re-run a batch)", attempts)
	}
	var texts []string
	for _, m := range rg.api.BotMessages(7) {
		texts = append(texts, m.Text)
	}
	if strings.Join(texts, ",") != "sorry,fine" {
		t.Fatalf("bot messages: %v, want the apology then the next answer", texts)
	}
	_ = rg.db.View(func(tx *store.Tx) error {
		parked, _ := tx.ParkedUpdates()
		if len(parked) != 1 || parked[0].Reason != "panic" {
			t.Errorf("parked: %+v", parked)
		}
		if tx.Counter("updates_parked") != 1 {
			t.Error("parked updates not counted")
		}
		return nil
	})
	if strings.Contains(rg.logs.String(), "boom boom") {
		t.Error("the panic value (which may quote text) is in the log")
	}
}

func TestHandler_AlreadyDoneUpdateIsSkipped(t *testing.T) {
	rg := startRig(t, echoRouter(), rigOptions{fakeOpt: func(o *fakeapi.Options) { o.FirstUpdateID = 500 }})
	// Mark update 500 as done, as if a previous run handled it but died before confirming.
	if err := rg.db.Update(func(tx *store.Tx) error { return tx.MarkUpdateDone(500) }); err != nil {
		t.Fatal(err)
	}
	rg.api.SendText(user(8), "first") // update 500: skipped
	rg.api.SendText(user(8), "second")
	rg.settle(5 * time.Second)
	msgs := rg.api.BotMessages(8)
	if len(msgs) != 1 || msgs[0].Text != "re: 1" {
		t.Fatalf("got %+v, want one answer (the done update skipped)", msgs)
	}
	if rg.bot.metrics.UpdatesSkipped.Load() != 1 {
		t.Error("skip not counted")
	}
}

func TestOutbox_RecordsMessageIDWhereAsked(t *testing.T) {
	r := NewRouter()
	r.Fallback(func(c *Ctx) (Next, error) {
		c.Send(Message{Text: "remember me", Ref: "last-answer"})
		return Stay(), nil
	})
	rg := startRig(t, r, rigOptions{})
	rg.api.SendText(user(9), "hi")
	rg.settle(5 * time.Second)
	sent, _ := rg.api.LastBotMessage(9)
	_ = rg.db.View(func(tx *store.Tx) error {
		ref, found, err := tx.Ref("last-answer")
		if err != nil || !found || ref.MessageID != sent.ID || ref.ChatID != 9 {
			t.Errorf("ref: %+v %v %v, want message %d", ref, found, err, sent.ID)
		}
		return nil
	})
}

func TestRun_UnauthorizedStops(t *testing.T) {
	api := fakeapi.New(fakeapi.Options{Token: "1:other-token-abcdefghijklmnopqrstuvwxyz"})
	defer api.Close()
	db, _ := store.Open(filepath.Join(t.TempDir(), "p.db"), store.Options{Key: store.NewKey(), NoSync: true})
	defer db.Close()
	b := New(Config{Token: testToken, APIURL: api.URL()}, db, NewRouter())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.Run(ctx); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("got %v, want ErrUnauthorized", err)
	}
}

func TestRun_ShutdownWithinTenSeconds(t *testing.T) {
	rg := startRig(t, echoRouter(), rigOptions{cfg: func(c *Config) { c.PollTimeout = 25 * time.Second }})
	for i := int64(0); i < 50; i++ {
		rg.api.SendText(user(1000+i), "hi")
	}
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	rg.stop()
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("shutdown took %s", d)
	}
}

func TestPoll_ConflictBacksOffAndLogsOnce(t *testing.T) {
	api := fakeapi.New(fakeapi.Options{Token: testToken})
	defer api.Close()
	// Another process polls the same token in a tight loop.
	stopOther := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		other := newAPIClient(context.Background(), api.URL(), testToken, 5*time.Second, 1)
		for {
			select {
			case <-stopOther:
				return
			default:
			}
			_, _ = other.call("getUpdates", map[string]string{"timeout": "1"})
		}
	}()
	rg := startRigWith(t, api)
	time.Sleep(3 * time.Second)
	close(stopOther)
	wg.Wait()
	mine := rg.bot.metrics.PollErrors.Load()
	if mine == 0 {
		t.Fatal("no conflict seen")
	}
	if mine > 10 {
		t.Errorf("%d failed polls in 3 s: spinning instead of backing off", mine)
	}
	if n := strings.Count(rg.logs.String(), "409 Conflict"); n < 1 || n > 2 {
		t.Errorf("conflict logged %d times in 3 s, want once per backoff", n)
	}
}

// startRigWith runs a bot against an existing fake.
func startRigWith(t *testing.T, api *fakeapi.Server) *rig {
	db, _ := store.Open(filepath.Join(t.TempDir(), "p.db"), store.Options{Key: store.NewKey(), NoSync: true})
	logs := &syncBuffer{}
	b := New(Config{Token: testToken, APIURL: api.URL(), PollTimeout: time.Second,
		Log: slog.New(slog.NewTextHandler(logs, nil))}, db, echoRouter())
	ctx, cancel := context.WithCancel(context.Background())
	rg := &rig{t: t, api: api, db: db, bot: b, logs: logs, cancel: cancel, done: make(chan error, 1)}
	go func() { rg.done <- b.Run(ctx) }()
	t.Cleanup(rg.stop)
	<-b.Ready()
	return rg
}

func TestTokenNeverInLogs_UnreachableAndFailingAPI(t *testing.T) {
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db, _ := store.Open(filepath.Join(t.TempDir(), "p.db"), store.Options{Key: store.NewKey(), NoSync: true})
	defer db.Close()
	// Nothing listens on port 1.
	b := New(Config{Token: testToken, APIURL: "http://127.0.0.1:1", Log: log}, db, NewRouter())
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	_ = b.Run(ctx)
	cancel()

	api := fakeapi.New(fakeapi.Options{Token: testToken})
	defer api.Close()
	api.FailNext("getMe", 2, fakeapi.Fault{Drop: true})
	api.FailNext("getUpdates", 3, fakeapi.Fault{Status: 502, HTMLBody: true})
	db2, _ := store.Open(filepath.Join(t.TempDir(), "p2.db"), store.Options{Key: store.NewKey(), NoSync: true})
	defer db2.Close()
	b2 := New(Config{Token: testToken, APIURL: api.URL(), Log: log, PollTimeout: time.Second}, db2, echoRouter())
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	_ = b2.Run(ctx2)
	cancel2()

	out := logs.String()
	if !strings.Contains(out, "cannot reach the Bot API") || !strings.Contains(out, "getUpdates failed") {
		t.Fatalf("expected failure lines in the log, got:\n%s", out)
	}
	for _, secret := range []string{testToken, "SECRET-token-abcdefghijklmnopqrstuvwxyz"} {
		if strings.Contains(out, secret) {
			t.Fatalf("token in the log:\n%s", out)
		}
	}
}

// TestOutbox_SlowCallDoesNotHoldOtherChatsOfTheSameBatch: one update queues a message to each of
// three chats in one commit; the first of them to reach Telegram hangs (a long Delay fault). The
// other two chats' messages must be answered while it hangs — every ready chat gets a sender,
// not only the one woken for the batch.
func TestOutbox_SlowCallDoesNotHoldOtherChatsOfTheSameBatch(t *testing.T) {
	chats := []int64{31, 32, 33}
	r := NewRouter()
	r.Fallback(func(c *Ctx) (Next, error) {
		if c.Text != "fan out" {
			return Stay(), nil
		}
		for _, id := range chats {
			c.Send(Message{ChatID: id, Text: "to " + strconv.FormatInt(id, 10)})
		}
		return Stay(), nil
	})
	rg := startRig(t, r, rigOptions{cfg: func(c *Config) { c.Senders = 4 }})
	for _, id := range chats[1:] {
		rg.api.SendText(user(id), "hello") // the chats exist; nothing is answered
	}
	rg.settle(5 * time.Second)
	// The hanging call ends only when the server closes (at the end of the test).
	rg.api.FailNext("sendMessage", 1, fakeapi.Fault{Delay: time.Hour})
	rg.api.SendText(user(chats[0]), "fan out")

	answered := func() map[int64]bool {
		got := map[int64]bool{}
		for _, c := range rg.api.CallsTo("sendMessage") {
			if c.Status == 200 {
				got[c.ChatID] = true
			}
		}
		return got
	}
	// Two of the three calls can be answered only while the third hangs; the wait is a bound on
	// a machine's slowness, not a measurement.
	rg.api.WaitFor(10*time.Second, func() bool { return len(answered()) == 2 })
	if got := answered(); len(got) != 2 {
		t.Fatalf("answered while one call hangs: %v, want the two other chats", got)
	}
}
