package bot

import (
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ehra/peerline/store"
)

// caller makes one Bot API call; *apiClient is the real one.
type caller interface {
	call(method string, params map[string]string) (json.RawMessage, error)
}

// outbox sends the durable outgoing calls. Each chat's calls go in the order they were enqueued,
// one at a time; chats go in parallel on a fixed number of senders, under the global and
// per-chat limits; button answers go first. An entry is deleted from the store only after
// Telegram accepted it (or refused it for good), so a crash can repeat at most the calls that
// were in flight — one per chat.
type outbox struct {
	db      *store.DB
	api     caller
	limits  Limits
	log     *slog.Logger
	metrics *Metrics
	senders int
	// onBlocked runs (in its own transaction) when Telegram says the person blocked the bot.
	onBlocked func(tx *store.Tx, chatID int64) error
	// maxAge drops calls that could not be sent for this long (Telegram was unreachable).
	maxAge time.Duration
	// now is the bot's clock, for the times recorded with sent messages.
	now func() time.Time

	mu      sync.Mutex
	urgent  []store.OutboxEntry
	chats   map[int64]*outChat
	ready   chatHeap
	global  bucket
	queued  int
	busy    int
	wake    chan struct{}
	drained chan struct{} // closed and replaced when the outbox becomes empty
	stopped bool
	fatal   error
}

type outChat struct {
	id        int64
	group     bool
	q         []store.OutboxEntry
	limit     bucket
	notBefore time.Time // retry_after or backoff
	backoff   time.Duration
	busy      bool
	idx       int // index in the ready heap, -1 if not in it
	readyAt   time.Time
}

func newOutbox(db *store.DB, api caller, limits Limits, senders int, log *slog.Logger, m *Metrics) *outbox {
	return &outbox{
		db: db, api: api, limits: limits, log: log, metrics: m, senders: senders,
		chats:   map[int64]*outChat{},
		global:  newBucket(limits.Global, time.Now()),
		wake:    make(chan struct{}, 1),
		drained: make(chan struct{}),
		maxAge:  24 * time.Hour,
		now:     time.Now,
	}
}

// load queues every entry left in the store (after a restart).
func (o *outbox) load() error {
	var pending []store.OutboxEntry
	err := o.db.View(func(tx *store.Tx) error {
		var err error
		pending, err = tx.OutboxPending()
		return err
	})
	if err != nil {
		return err
	}
	o.add(pending)
	return nil
}

// add queues committed entries.
func (o *outbox) add(entries []store.OutboxEntry) {
	if len(entries) == 0 {
		return
	}
	now := time.Now()
	o.mu.Lock()
	for _, e := range entries {
		o.queued++
		if e.Urgent {
			o.urgent = append(o.urgent, e)
			continue
		}
		ch := o.chats[e.ChatID]
		if ch == nil {
			rate := o.limits.Private
			if e.Group {
				rate = o.limits.Group
			}
			if o.limits.Off {
				rate = Rate{}
			}
			ch = &outChat{id: e.ChatID, group: e.Group, limit: newBucket(rate, now), idx: -1}
			o.chats[e.ChatID] = ch
		}
		ch.q = append(ch.q, e)
		o.schedule(ch, now)
	}
	o.metrics.OutboxQueued.Store(int64(o.queued))
	o.mu.Unlock()
	o.signal()
}

func (o *outbox) signal() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// schedule puts ch in the ready heap at the time its next call may go. Called with mu held.
func (o *outbox) schedule(ch *outChat, now time.Time) {
	if ch.busy || len(ch.q) == 0 {
		if ch.idx >= 0 {
			heap.Remove(&o.ready, ch.idx)
		}
		if !ch.busy && len(ch.q) == 0 {
			delete(o.chats, ch.id)
		}
		return
	}
	at := now.Add(ch.limit.wait(now))
	if ch.notBefore.After(at) {
		at = ch.notBefore
	}
	ch.readyAt = at
	if ch.idx >= 0 {
		heap.Fix(&o.ready, ch.idx)
	} else {
		heap.Push(&o.ready, ch)
	}
}

// next blocks until a call may be sent and returns it, or returns false when ctx is done.
func (o *outbox) next(ctx context.Context) (store.OutboxEntry, *outChat, bool) {
	for {
		now := time.Now()
		o.mu.Lock()
		if len(o.urgent) > 0 {
			e := o.urgent[0]
			o.urgent = o.urgent[1:]
			o.busy++
			o.mu.Unlock()
			return e, nil, true
		}
		wait := time.Hour
		if len(o.ready) > 0 {
			ch := o.ready[0]
			if d := ch.readyAt.Sub(now); d > 0 {
				wait = d
			} else if g := o.global.wait(now); !o.limits.Off && g > 0 {
				wait = g
			} else {
				heap.Pop(&o.ready)
				ch.busy = true
				if !o.limits.Off {
					o.global.take(now)
					ch.limit.take(now)
				}
				o.busy++
				e := ch.q[0]
				o.mu.Unlock()
				return e, ch, true
			}
		}
		o.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return store.OutboxEntry{}, nil, false
		case <-o.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// run starts the senders; it returns when ctx is done and every sender has stopped.
func (o *outbox) run(ctx context.Context) {
	var wg sync.WaitGroup
	for i := 0; i < o.senders; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				e, ch, ok := o.next(ctx)
				if !ok {
					return
				}
				o.send(ctx, e, ch)
			}
		}()
	}
	wg.Wait()
}

// send makes one call and settles it.
func (o *outbox) send(ctx context.Context, e store.OutboxEntry, ch *outChat) {
	now := o.now()
	if e.Created > 0 && now.Sub(time.UnixMilli(e.Created)) > o.maxAgeFor(e) {
		o.log.Warn("outbox call expired unsent", "method", e.Method)
		o.metrics.OutboxExpired.Add(1)
		o.finish(e, ch, nil, true)
		return
	}
	params := e.Params
	if len(e.Resolve) > 0 {
		var ok bool
		if params, ok = o.resolve(e); !ok {
			o.metrics.OutboxFailed.Add(1)
			o.failed(e, ch, "unresolved")
			return
		}
	}
	res, err := o.api.call(e.Method, params)
	var ce *CallError
	errors.As(err, &ce)
	switch decide(err) {
	case outcomeDone:
		o.metrics.OutboxSent.Add(1)
		if e.Created > 0 {
			o.metrics.observeLatency(o.now().Sub(time.UnixMilli(e.Created)))
		}
		o.finish(e, ch, res, true)
	case outcomeRetryAfter:
		o.metrics.OutboxRetries.Add(1)
		wait := ce.RetryAfter
		if wait <= 0 {
			wait = time.Second
		}
		o.retry(e, ch, wait)
	case outcomeRetry:
		if ctx.Err() != nil && ce != nil && ce.Canceled {
			o.retry(e, ch, 0) // shutting down: stays in the store for the next start
			return
		}
		o.metrics.OutboxRetries.Add(1)
		o.retry(e, ch, -1)
	case outcomeBlocked:
		o.metrics.OutboxBlocked.Add(1)
		o.log.Info("chat unreachable; marking inactive", "method", e.Method, "code", ce.Code)
		o.blocked(e, ch)
	case outcomeUnauthorized:
		o.log.Error("Telegram refused the token while sending (401); check PEERLINE_TOKEN")
		o.retry(e, ch, 30*time.Second)
	default:
		o.metrics.OutboxFailed.Add(1)
		o.log.Warn("outbox call refused", "method", e.Method, "code", ce.Code, "reason", reasonOf(ce.Description))
		o.failed(e, ch, failClass(ce))
	}
}

// maxAgeFor: a button answer is useless after Telegram's ~15 s window.
func (o *outbox) maxAgeFor(e store.OutboxEntry) time.Duration {
	if e.Method == "answerCallbackQuery" {
		return 15 * time.Second
	}
	return o.maxAge
}

// reasonOf keeps the fixed part of a Bot API description ("Bad Request: chat not found"),
// dropping anything after a second colon that could quote content.
func reasonOf(desc string) string {
	parts := strings.SplitN(desc, ":", 3)
	if len(parts) >= 2 {
		return strings.TrimSpace(parts[0] + ":" + parts[1])
	}
	if len(desc) > 80 {
		return desc[:80]
	}
	return desc
}

// finish deletes a settled entry (recording its message id if asked) and frees its chat.
func (o *outbox) finish(e store.OutboxEntry, ch *outChat, res json.RawMessage, remove bool) {
	var then []store.OutboxEntry
	if remove {
		var sent []int
		many := false
		if (e.Ref != "" || e.Trail > 0) && res != nil {
			sent, many = sentIDs(res)
		}
		now := o.now()
		err := o.db.Batch(func(tx *store.Tx) error {
			then = then[:0]
			if err := tx.OutboxDelete(e.ID); err != nil {
				return err
			}
			for i, id := range sent {
				if e.Ref == "" || id == 0 {
					break
				}
				name := e.Ref
				if many {
					name += "#" + strconv.Itoa(i) // copyMessages: one ref per message
				}
				if err := tx.SetRef(name, store.MessageRef{ChatID: e.ChatID, MessageID: id, At: now.Unix()}); err != nil {
					return err
				}
			}
			if e.Trail > 0 {
				for _, id := range sent {
					if err := tx.AddTrail(e.ChatID, id, now.Add(time.Duration(e.Trail)*time.Second)); err != nil {
						return err
					}
				}
			}
			if e.Then != nil && res != nil {
				t, err := tx.Enqueue(*e.Then)
				if err != nil {
					return err
				}
				then = append(then, t)
			}
			return nil
		})
		if err != nil {
			o.log.Error("outbox: cannot record a sent call", "err", err)
			then = nil
		}
	}
	o.mu.Lock()
	o.busy--
	o.queued--
	if ch != nil {
		ch.busy = false
		ch.backoff = 0
		ch.q = ch.q[1:]
		o.schedule(ch, time.Now())
	}
	o.afterSettle()
	o.mu.Unlock()
	o.signal()
	o.add(then)
}

// failed settles a call Telegram refused for good: the ref's owner is told (a relay that did
// not reach its chat), and the call's Else (a notice) is enqueued.
func (o *outbox) failed(e store.OutboxEntry, ch *outChat, reason string) {
	var els []store.OutboxEntry
	err := o.db.Batch(func(tx *store.Tx) error {
		els = els[:0]
		if err := tx.OutboxDelete(e.ID); err != nil {
			return err
		}
		return o.refused(tx, e, reason, &els)
	})
	if err != nil {
		o.log.Error("outbox: cannot record a refused call", "err", err)
		els = nil
	}
	o.finish(e, ch, nil, false)
	o.add(els)
}

// refused records a refused call's ref failure and enqueues its Else. Inside a transaction.
func (o *outbox) refused(tx *store.Tx, e store.OutboxEntry, reason string, els *[]store.OutboxEntry) error {
	if e.Ref != "" {
		if err := tx.RefFailed(e.Ref, reason); err != nil {
			return err
		}
	}
	if e.Else != nil {
		x, err := tx.Enqueue(*e.Else)
		if err != nil {
			return err
		}
		*els = append(*els, x)
	}
	return nil
}

// resolve fills the parameters named in e.Resolve from the refs recorded so far.
func (o *outbox) resolve(e store.OutboxEntry) (map[string]string, bool) {
	p := make(map[string]string, len(e.Params)+len(e.Resolve))
	for k, v := range e.Params {
		p[k] = v
	}
	ok := true
	_ = o.db.View(func(tx *store.Tx) error {
		for param, ref := range e.Resolve {
			r, found, err := tx.Ref(ref)
			if err != nil || !found || r.MessageID == 0 {
				ok = false
				return nil
			}
			p[param] = strconv.Itoa(r.MessageID)
		}
		return nil
	})
	return p, ok
}

// sentIDs reads the message ids in a call's result: one message ({"message_id"}), a forum topic
// ({"message_thread_id"}), or a list (copyMessages), reported with many set.
func sentIDs(res json.RawMessage) (ids []int, many bool) {
	type one struct {
		MessageID int `json:"message_id"`
		ThreadID  int `json:"message_thread_id"`
	}
	if len(res) > 0 && res[0] == '[' {
		var list []one
		if json.Unmarshal(res, &list) != nil {
			return nil, true
		}
		for _, m := range list {
			ids = append(ids, m.MessageID)
		}
		return ids, true
	}
	var m one
	if json.Unmarshal(res, &m) != nil {
		return nil, false
	}
	if m.MessageID == 0 {
		m.MessageID = m.ThreadID
	}
	if m.MessageID == 0 {
		return nil, false
	}
	return []int{m.MessageID}, false
}

// failClass names why Telegram refused a call, for the ref's owner: the forum topic is gone,
// or any other final refusal.
func failClass(ce *CallError) string {
	if ce != nil && strings.Contains(strings.ToLower(ce.Description), "thread not found") {
		return "thread"
	}
	return "refused"
}

// retry puts the entry back at the head of its chat's queue. wait < 0 means "back off".
func (o *outbox) retry(e store.OutboxEntry, ch *outChat, wait time.Duration) {
	o.mu.Lock()
	o.busy--
	now := time.Now()
	if ch == nil {
		// A button answer: retry soon, at the front.
		o.urgent = append([]store.OutboxEntry{e}, o.urgent...)
	} else {
		ch.busy = false
		if wait < 0 {
			ch.backoff = nextBackoff(ch.backoff)
			wait = ch.backoff
		}
		ch.notBefore = now.Add(wait)
		o.schedule(ch, now)
	}
	o.mu.Unlock()
	o.signal()
}

// blocked drops everything queued for the chat and marks the person inactive: first durably,
// then in memory, so that an idle outbox means the store is settled too.
func (o *outbox) blocked(e store.OutboxEntry, ch *outChat) {
	dropped := []store.OutboxEntry{e}
	if ch != nil {
		o.mu.Lock()
		dropped = append([]store.OutboxEntry(nil), ch.q...)
		o.mu.Unlock()
	}
	var els []store.OutboxEntry
	err := o.db.Batch(func(tx *store.Tx) error {
		els = els[:0]
		for _, d := range dropped {
			if err := tx.OutboxDelete(d.ID); err != nil {
				return err
			}
			if err := o.refused(tx, d, "blocked", &els); err != nil {
				return err
			}
		}
		if o.onBlocked != nil && e.ChatID != 0 {
			return o.onBlocked(tx, e.ChatID)
		}
		return nil
	})
	if err != nil {
		o.log.Error("outbox: cannot record a blocked chat", "err", err)
	}
	o.mu.Lock()
	if ch != nil {
		// Entries queued meanwhile stay; they will meet the same 403 and be dropped then.
		ch.q = ch.q[len(dropped):]
		ch.busy = false
		o.schedule(ch, time.Now())
	}
	o.busy--
	o.queued -= len(dropped)
	o.afterSettle()
	o.mu.Unlock()
	o.signal()
	o.add(els)
}

// afterSettle updates gauges and wakes Drain waiters. Called with mu held.
func (o *outbox) afterSettle() {
	o.metrics.OutboxQueued.Store(int64(o.queued))
	if o.queued == 0 && o.busy == 0 {
		close(o.drained)
		o.drained = make(chan struct{})
	}
}

// dropChat removes the calls to chatID queued before id (a person erased their data). A call
// already in flight cannot be recalled.
func (o *outbox) dropChat(chatID int64, before uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	ch := o.chats[chatID]
	if ch == nil {
		return
	}
	keep := ch.q[:0:0]
	for i, e := range ch.q {
		if (i == 0 && ch.busy) || e.ID >= before {
			keep = append(keep, e)
			continue
		}
		o.queued--
	}
	ch.q = keep
	o.schedule(ch, time.Now())
	o.afterSettle()
}

// Drain waits until nothing is queued or in flight, or ctx is done.
func (o *outbox) Drain(ctx context.Context) bool {
	for {
		o.mu.Lock()
		if o.queued == 0 && o.busy == 0 {
			o.mu.Unlock()
			return true
		}
		ch := o.drained
		o.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return false
		}
	}
}

// Len is the number of calls queued or in flight.
func (o *outbox) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.queued
}

// nextBackoff doubles from 500 ms up to 30 s, with ±20 % jitter.
func nextBackoff(prev time.Duration) time.Duration {
	d := prev * 2
	if d < 500*time.Millisecond {
		d = 500 * time.Millisecond
	}
	if d > 30*time.Second {
		d = 30 * time.Second
	}
	return jitter(d)
}

func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// chatHeap orders chats by when they may send next.
type chatHeap []*outChat

func (h chatHeap) Len() int           { return len(h) }
func (h chatHeap) Less(i, j int) bool { return h[i].readyAt.Before(h[j].readyAt) }
func (h chatHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}
func (h *chatHeap) Push(x any) {
	ch := x.(*outChat)
	ch.idx = len(*h)
	*h = append(*h, ch)
}
func (h *chatHeap) Pop() any {
	old := *h
	n := len(old)
	ch := old[n-1]
	old[n-1] = nil
	ch.idx = -1
	*h = old[:n-1]
	return ch
}
