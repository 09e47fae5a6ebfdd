package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ehra/peerline/store"
)

// recCaller records the calls made and accepts them all.
type recCaller struct {
	mu    sync.Mutex
	calls []map[string]string
}

func (r *recCaller) call(method string, params map[string]string) (json.RawMessage, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, params)
	return json.RawMessage(`{"message_id":1}`), nil
}

// testOutbox is an outbox on a fresh store with a clock the test moves.
func testOutbox(t *testing.T, limits Limits, log *slog.Logger) (*outbox, *time.Time) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "o.db"), store.Options{Key: store.NewKey(), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	o := newOutbox(db, &recCaller{}, limits, 4, log, &Metrics{})
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	o.clock = func() time.Time { return now }
	o.global = newBucket(limits.Global, now)
	return o, &now
}

// enqueue commits calls to the store and queues them, as a handler's commit does.
func enqueue(t *testing.T, o *outbox, calls ...store.OutboxEntry) []store.OutboxEntry {
	t.Helper()
	var out []store.OutboxEntry
	err := o.db.Update(func(tx *store.Tx) error {
		for _, c := range calls {
			if c.Method == "" {
				c.Method = "sendMessage"
			}
			e, err := tx.Enqueue(c)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	o.add(out)
	return out
}

// takeNow takes the next call the outbox would send at its clock's time.
func takeNow(o *outbox) (item, *outChat, time.Duration, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.take(o.clock())
}

// settle finishes a taken call as sent.
func settle(t *testing.T, o *outbox, it item, ch *outChat) {
	t.Helper()
	e, found, err := o.entry(it)
	if err != nil || !found {
		t.Fatalf("entry %d: found=%v err=%v", it.id, found, err)
	}
	o.finish(it, e, ch, nil, true)
}

func msg(chat int64, text string) store.OutboxEntry {
	return store.OutboxEntry{ChatID: chat, Params: map[string]string{"chat_id": strconv.FormatInt(chat, 10), "text": text}}
}

// TestOutbox_ChatBucketConsumedAndKept: a private chat gets a burst of 3 calls, then one a
// second — whether its calls come all at once or one by one with the queue emptying in between.
func TestOutbox_ChatBucketConsumedAndKept(t *testing.T) {
	limits := TelegramLimits()
	limits.Global = Rate{PerSecond: 1000, Burst: 1000} // only the chat's own bucket matters here
	for _, tc := range []struct {
		name     string
		oneByOne bool
	}{{"queued together", false}, {"queue empties between calls", true}} {
		t.Run(tc.name, func(t *testing.T) {
			o, _ := testOutbox(t, limits, nil)
			if !tc.oneByOne {
				enqueue(t, o, msg(7, "1"), msg(7, "2"), msg(7, "3"), msg(7, "4"))
			}
			sent := 0
			var wait time.Duration
			for i := 0; i < 4; i++ {
				if tc.oneByOne {
					enqueue(t, o, msg(7, strconv.Itoa(i)))
				}
				it, ch, w, ok := takeNow(o)
				if !ok {
					wait = w
					break
				}
				settle(t, o, it, ch)
				sent++
			}
			if got, want := sent, 3; got != want {
				t.Fatalf("calls sent at once: got %d, want %d (the burst)", got, want)
			}
			if wait < 900*time.Millisecond || wait > time.Second {
				t.Fatalf("wait for the 4th call: got %s, want about 1 s", wait)
			}
		})
	}
}

// TestOutbox_IdleChatForgottenAfterExpiry: an idle chat's bucket is kept for a while, then
// swept.
func TestOutbox_IdleChatForgottenAfterExpiry(t *testing.T) {
	o, now := testOutbox(t, TelegramLimits(), nil)
	enqueue(t, o, msg(7, "1"))
	it, ch, _, ok := takeNow(o)
	if !ok {
		t.Fatal("nothing to send")
	}
	settle(t, o, it, ch)
	for _, tc := range []struct {
		after time.Duration
		kept  bool
	}{{30 * time.Second, true}, {61 * time.Second, false}} {
		*now = now.Add(tc.after)
		takeNow(o)
		o.mu.Lock()
		_, kept := o.chats[7]
		o.mu.Unlock()
		if kept != tc.kept {
			t.Errorf("%s later: chat kept %v, want %v", tc.after, kept, tc.kept)
		}
	}
}

// TestOutbox_ClassesOrder: button answers, then interactive calls, then background ones; a
// chat's own interactive call goes before its queued background calls.
func TestOutbox_ClassesOrder(t *testing.T) {
	limits := TelegramLimits()
	limits.Off = true
	o, _ := testOutbox(t, limits, nil)
	var calls []store.OutboxEntry
	for chat := int64(1); chat <= 5; chat++ {
		bg := msg(chat, "background")
		bg.Background = true
		calls = append(calls, bg)
	}
	calls = append(calls, msg(1, "interactive"), msg(9, "interactive"),
		store.OutboxEntry{Method: "answerCallbackQuery", Urgent: true, Params: map[string]string{"text": "urgent"}})
	enqueue(t, o, calls...)
	var got []string
	for {
		it, ch, _, ok := takeNow(o)
		if !ok {
			break
		}
		e, _, _ := o.entry(it)
		got = append(got, e.Params["text"])
		settle(t, o, it, ch)
	}
	want := []string{"urgent", "interactive", "interactive", "background", "background", "background", "background", "background"}
	if len(got) != len(want) {
		t.Fatalf("order: got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order: got %v, want %v", got, want)
		}
	}
}

// TestOutbox_DropChatRemovesQueuedCalls: forgetting a person drops their calls already queued
// in memory (except the one in flight), and no other chat's.
func TestOutbox_DropChatRemovesQueuedCalls(t *testing.T) {
	limits := TelegramLimits()
	limits.Off = true
	o, _ := testOutbox(t, limits, nil)
	bg := msg(7, "bg")
	bg.Background = true
	queued := enqueue(t, o, msg(7, "a"), msg(7, "b"), bg, msg(8, "other"))
	inFlight, inFlightCh, _, ok := takeNow(o) // chat 7's "a"
	if !ok || inFlightCh.id != 7 {
		t.Fatal("chat 7's first call not taken")
	}
	later := enqueue(t, o, msg(7, "done")) // the "done" message after forgetting
	o.dropChat(7, later[0].ID)
	if got, want := o.Len(), 3; got != want { // a (in flight), other, done
		t.Fatalf("queued after dropChat: got %d, want %d", got, want)
	}
	settle(t, o, inFlight, inFlightCh)
	var got []string
	for {
		it, ch, _, ok := takeNow(o)
		if !ok {
			break
		}
		e, _, _ := o.entry(it)
		got = append(got, e.Params["text"])
		settle(t, o, it, ch)
	}
	if len(got) != 2 || got[0] == "b" || got[1] == "b" || got[0] == "bg" || got[1] == "bg" {
		t.Fatalf("sent after dropChat: got %v, want other and done", got)
	}
	_ = queued
}

// TestOutbox_HoldsAWindowAndReadsTheRestFromTheStore: only maxHeld calls are kept in memory
// with their parameters; the others are read from the store when their turn comes, in order.
func TestOutbox_HoldsAWindowAndReadsTheRestFromTheStore(t *testing.T) {
	limits := TelegramLimits()
	limits.Off = true
	o, _ := testOutbox(t, limits, nil)
	o.maxHeld = 10
	var calls []store.OutboxEntry
	for i := 0; i < 100; i++ {
		calls = append(calls, msg(int64(1+i%3), strconv.Itoa(i)))
	}
	enqueue(t, o, calls...)
	o.mu.Lock()
	held := 0
	for _, ch := range o.chats {
		for _, q := range ch.q {
			for _, it := range q {
				if it.e != nil {
					held++
				}
			}
		}
	}
	o.mu.Unlock()
	if held != 10 || o.held != 10 {
		t.Fatalf("calls held in memory: got %d (counted %d), want 10", held, o.held)
	}
	api := &recCaller{}
	o.api = api
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { o.run(ctx); close(done) }()
	dctx, dcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer dcancel()
	if !o.Drain(dctx) {
		t.Fatalf("not drained: %d left", o.Len())
	}
	cancel()
	<-done
	last := map[string]int{}
	if len(api.calls) != 100 {
		t.Fatalf("calls made: got %d, want 100", len(api.calls))
	}
	for _, p := range api.calls {
		n, _ := strconv.Atoi(p["text"])
		if prev, ok := last[p["chat_id"]]; ok && n <= prev {
			t.Fatalf("chat %s: call %d after %d", p["chat_id"], n, prev)
		}
		last[p["chat_id"]] = n
	}
	if o.held != 0 {
		t.Fatalf("held after the drain: %d", o.held)
	}
}

// TestOutbox_BackpressureOnAndOff: over max(minBacklog, rate × maxDrain) queued calls the poll
// loop is told to wait; it is let go once the backlog has halved; each change is logged once.
func TestOutbox_BackpressureOnAndOff(t *testing.T) {
	limits := TelegramLimits()
	limits.Off = true
	logs := &syncBuffer{}
	o, _ := testOutbox(t, limits, slog.New(slog.NewTextHandler(logs, nil)))
	o.minBacklog = 10
	o.maxDrain = time.Millisecond // the rate plays no part here
	var calls []store.OutboxEntry
	for i := 0; i < 10; i++ {
		calls = append(calls, msg(int64(i+1), "x"))
	}
	enqueue(t, o, calls...)
	if o.pressured() != nil {
		t.Fatal("backpressure at 10 queued calls, the limit")
	}
	enqueue(t, o, msg(11, "x"), msg(12, "x"))
	relief := o.pressured()
	if relief == nil {
		t.Fatal("no backpressure at 12 queued calls over a limit of 10")
	}
	if got := o.metrics.Backpressure.Load(); got != 1 {
		t.Errorf("backpressure gauge: got %d, want 1", got)
	}
	if o.metrics.DrainTime() <= 0 {
		t.Errorf("drain time: got %s, want > 0", o.metrics.DrainTime())
	}
	for sent := 0; ; sent++ {
		select {
		case <-relief:
			if got, want := o.Len(), 5; got != want {
				t.Fatalf("let go at a backlog of %d, want %d (half the limit)", got, want)
			}
			if o.pressured() != nil {
				t.Fatal("still pressured after relief")
			}
			if n := strings.Count(logs.String(), "backpressure:"); n != 1 {
				t.Errorf("backpressure start logged %d times, want 1", n)
			}
			if n := strings.Count(logs.String(), "backpressure over"); n != 1 {
				t.Errorf("backpressure end logged %d times, want 1", n)
			}
			return
		default:
		}
		it, ch, _, ok := takeNow(o)
		if !ok {
			t.Fatal("outbox empty and still pressured")
		}
		settle(t, o, it, ch)
	}
}
