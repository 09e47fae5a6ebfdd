package bot

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/store"
)

// TestOutbox_HumanRatesNo429: five people each writing 2.5 messages a second, each answered,
// against a fake enforcing Telegram's limits: the per-chat bucket holds across the gaps when a
// chat's queue is empty, so Telegram never answers 429.
func TestOutbox_HumanRatesNo429(t *testing.T) {
	if testing.Short() {
		t.Skip("takes several seconds of real time")
	}
	rg := startRig(t, echoRouter(), rigOptions{limits: true})
	const chats, perChat = 5, 10
	for i := 0; i < perChat; i++ {
		for c := int64(1); c <= chats; c++ {
			rg.api.SendText(user(300+c), "hi")
		}
		time.Sleep(400 * time.Millisecond)
	}
	rg.settle(30 * time.Second)
	if got := rg.api.Counters().RateLimited; got != 0 {
		t.Errorf("the fake answered 429 %d times", got)
	}
	for c := int64(1); c <= chats; c++ {
		if got := len(rg.api.BotMessages(300 + c)); got != perChat {
			t.Errorf("chat %d: %d answers, want %d", c, got, perChat)
		}
	}
}

// TestOutbox_BackgroundWaveDoesNotDelayInteractive: with 60 background messages queued (2.4 s
// of sending at Telegram's global limit), a person's answer goes out after at most one second's
// worth (25) of them — counted in the order the fake received the calls, from the getUpdates
// answer that brought the person's update.
func TestOutbox_BackgroundWaveDoesNotDelayInteractive(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a few seconds of real time")
	}
	rg := startRig(t, echoRouter(), rigOptions{limits: true})
	const wave = 60
	for i := int64(0); i < wave; i++ {
		rg.api.RegisterChat(fakeapi.Chat{ID: 2000 + i, Type: fakeapi.ChatPrivate})
	}
	if err := rg.bot.Do(func(tx *store.Tx, out *Out) error {
		out.Background()
		for i := int64(0); i < wave; i++ {
			out.Send(Message{ChatID: 2000 + i, Text: "reminder"})
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rg.api.SendText(user(42), "hi")
	rg.settle(30 * time.Second)

	received, answered, background, before := -1, -1, 0, 0
	for i, c := range rg.api.Calls() {
		switch {
		case c.Method == "getUpdates" && received < 0 && strings.Contains(string(c.Result), "update_id"):
			received = i
		case c.Method == "sendMessage" && c.ChatID == 42 && c.Status == 200:
			answered = i
			before = background
		case c.Method == "sendMessage" && c.ChatID >= 2000 && c.Status == 200 && received >= 0 && answered < 0:
			background++
		}
	}
	if received < 0 || answered < 0 {
		t.Fatalf("update received at call %d, answered at call %d", received, answered)
	}
	if before > 25 {
		t.Errorf("%d background messages went out between the update and its answer, want at most 25 (1 s at 25/s)", before)
	}
	if got := rg.api.Counters().RateLimited; got != 0 {
		t.Errorf("the fake answered 429 %d times", got)
	}
	delivered := 0
	for i := int64(0); i < wave; i++ {
		delivered += len(rg.api.BotMessages(2000 + i))
	}
	if delivered != wave {
		t.Errorf("background messages delivered: got %d, want %d", delivered, wave)
	}
	t.Logf("background messages sent before the interactive answer: %d of %d", before, wave)
}

// TestPoll_BackpressurePausesAndResumes: 150 people write at once to a bot that may send 25
// messages a second; the backlog stays near max(minBacklog, rate × MaxDrain) plus one poll's
// batch instead of taking in all 150, and every update is answered once the outbox drains.
func TestPoll_BackpressurePausesAndResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("takes several seconds of real time")
	}
	rg := startRig(t, echoRouter(), rigOptions{limits: true, cfg: func(c *Config) {
		c.PollLimit = 10
		c.MaxDrain = time.Second
		c.minBacklog = 10
	}})
	const chats = 150
	for c := int64(1); c <= chats; c++ {
		rg.api.SendText(user(5000+c), "hi")
	}
	rg.settle(60 * time.Second)
	for c := int64(1); c <= chats; c++ {
		if got := len(rg.api.BotMessages(5000 + c)); got != 1 {
			t.Fatalf("chat %d: %d answers, want 1", c, got)
		}
	}
	peak := rg.bot.metrics.OutboxPeak.Load()
	// The limit is max(10, 25/s × 1 s) = 25; one poll's batch (10) and the updates in hand (10)
	// may land on top of it.
	if peak > 60 {
		t.Errorf("peak backlog %d of %d: polling did not pause", peak, chats)
	}
	logs := rg.logs.String()
	if starts, ends := strings.Count(logs, "backpressure:"), strings.Count(logs, "backpressure over"); starts == 0 || starts != ends {
		t.Errorf("backpressure logged %d starts and %d ends, want the same number, at least one", starts, ends)
	}
	if got := rg.bot.metrics.Backpressure.Load(); got != 0 {
		t.Errorf("backpressure gauge after the drain: got %d, want 0", got)
	}
	if got := rg.api.Counters().RateLimited; got != 0 {
		t.Errorf("the fake answered 429 %d times", got)
	}
	t.Logf("peak backlog %d for %d updates; %d backpressure episodes", peak, chats, rg.bot.metrics.BackpressureEpisodes.Load())
}

// TestOffset_KeepsDoneMarksAboveAnUnfinishedUpdate: while update B's handler is still failing
// and being retried, the updates after it finish, and the update before it (A) finishes too, so
// the offset moves up to B. The offset saved stops at B and the done marks of the finished ones
// above it (written by the runtime, not by the test) survive, so a crash now would neither lose B
// nor apply the others twice.
func TestOffset_KeepsDoneMarksAboveAnUnfinishedUpdate(t *testing.T) {
	// "A" and "B" fail (and are retried, not parked) until released: each stays unfinished
	// without holding the store, as a slow handler would between attempts.
	release := map[string]chan struct{}{"A": make(chan struct{}), "B": make(chan struct{})}
	r := NewRouter()
	r.Fallback(func(c *Ctx) (Next, error) {
		if ch := release[c.Text]; ch != nil {
			select {
			case <-ch:
			default:
				return Stay(), errors.New("not yet")
			}
		}
		c.Reply("ok", nil)
		return Stay(), nil
	})
	rg := startRig(t, r, rigOptions{cfg: func(c *Config) { c.MaxAttempts = 1000 }})
	releasedB := false
	defer func() {
		if !releasedB {
			close(release["B"])
		}
	}()
	offset := func() (off int64) {
		_ = rg.db.View(func(tx *store.Tx) error { off = tx.Offset(); return nil })
		return off
	}
	answered := func(chats ...int64) func() bool {
		return func() bool {
			for _, c := range chats {
				if len(rg.api.BotMessages(c)) == 0 {
					return false
				}
			}
			return true
		}
	}
	rg.api.SendText(user(1), "A")
	rg.api.SendText(user(2), "B")
	idB := int64(rg.api.LastUpdateID())
	var later []int64
	for c := int64(3); c <= 7; c++ {
		rg.api.SendText(user(c), "hi")
		later = append(later, int64(rg.api.LastUpdateID()))
	}
	if !rg.api.WaitFor(10*time.Second, answered(3, 4, 5, 6, 7)) {
		t.Fatal("the later updates were not answered")
	}
	close(release["A"])
	if !rg.api.WaitFor(10*time.Second, answered(1)) {
		t.Fatal("A was not answered")
	}
	// One more poll confirms the new watermark; wait until the saver has written it.
	rg.api.SendText(user(8), "hi")
	rg.api.WaitFor(5*time.Second, func() bool { return offset() >= idB && answered(8)() })
	if got, want := offset(), idB; got != want {
		t.Fatalf("offset saved while update %d is unfinished: got %d, want %d", idB, got, want)
	}
	_ = rg.db.View(func(tx *store.Tx) error {
		if tx.UpdateDone(idB) {
			t.Errorf("update %d marked done while its handler fails", idB)
		}
		for _, id := range later {
			if !tx.UpdateDone(id) {
				t.Errorf("done mark of finished update %d gone while %d is unfinished", id, idB)
			}
		}
		return nil
	})
	close(release["B"])
	releasedB = true
	rg.settle(10 * time.Second)
	if got := len(rg.api.BotMessages(2)); got != 1 {
		t.Errorf("B answered %d times, want 1", got)
	}
}

// TestForget_DropsCallsQueuedInMemory: a person's earlier answers wait in memory (Telegram
// asked to retry later); /forget erases them from the store and from memory, so only the
// final message is sent.
func TestForget_DropsCallsQueuedInMemory(t *testing.T) {
	r := NewRouter()
	r.Command("forget", func(c *Ctx) (Next, error) {
		if err := c.Forget(c.ChatID); err != nil {
			return Stay(), err
		}
		c.Reply("forgotten", nil)
		return End(), nil
	})
	r.Fallback(func(c *Ctx) (Next, error) { c.Reply("answer", nil); return Stay(), nil })
	rg := startRig(t, r, rigOptions{})
	rg.api.FailNext("sendMessage", 1, fakeapi.Fault{Status: 429, RetryAfter: 3})
	for i := 0; i < 4; i++ {
		rg.api.SendText(user(77), "hello")
	}
	if !rg.api.WaitFor(5*time.Second, func() bool { return rg.bot.metrics.OutboxRetries.Load() > 0 && rg.bot.outbox.Len() == 4 }) {
		t.Fatalf("the answers are not waiting: %d queued, %d retries", rg.bot.outbox.Len(), rg.bot.metrics.OutboxRetries.Load())
	}
	rg.api.SendText(user(77), "/forget")
	rg.settle(15 * time.Second)
	var got []string
	for _, m := range rg.api.BotMessages(77) {
		got = append(got, m.Text)
	}
	if len(got) != 1 || got[0] != "forgotten" {
		t.Fatalf("messages after /forget: got %q, want only \"forgotten\"", got)
	}
}
