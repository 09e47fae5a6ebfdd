package bot

import (
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math/rand/v2"
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
// per-chat limits. Calls go by class: button answers first, then interactive calls (answers to
// a person, relays, emergency cards), then background ones (safe-mode deletions, follow-ups,
// reminders, channel posts). An entry is deleted from the store only after Telegram accepted it
// (or refused it for good), so a crash can repeat at most the calls that were in flight — one
// per chat.
//
// Memory holds the queue as ids and a little metadata; the calls themselves (their text and
// keyboard) are held only for the first maxHeld entries and otherwise read from the store when
// their turn comes, so a long backlog costs bbolt pages, not heap. The poll loop asks pressured
// before taking more updates: when the backlog would take longer than maxDrain to send at the
// current rate, it waits until the backlog has halved.
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
	// clock is the outbox's own clock for limits and rates (tests fix it).
	clock func() time.Time
	// maxHeld is how many queued calls are kept in memory with their parameters.
	maxHeld int
	// maxDrain and minBacklog set backpressure: the poll loop pauses when more than
	// max(minBacklog, rate × maxDrain) calls are queued.
	maxDrain   time.Duration
	minBacklog int
	// idleExpiry is how long an idle chat keeps its bucket.
	idleExpiry time.Duration

	mu        sync.Mutex
	urgent    []item
	chats     map[int64]*outChat
	ready     [2]chatHeap // by class: interactive, background
	global    bucket
	queued    int
	peak      int // the largest backlog seen
	busy      int
	held      int
	rate      rateMeter
	pressure  chan struct{} // non-nil while backpressure is on; closed when it ends
	lastSweep time.Time
	wake      chan struct{}
	drained   chan struct{} // closed and replaced when the outbox becomes empty
}

// Classes of non-urgent calls, and the index of each chat queue and ready heap.
const (
	classInteractive = 0
	classBackground  = 1
)

// item is a queued call: its id, enqueue time, and the call itself while held in memory
// (nil: read it from the store when its turn comes).
type item struct {
	id      uint64
	created int64
	urgent  bool
	e       *store.OutboxEntry
}

type outChat struct {
	id        int64
	group     bool
	q         [2][]item // by class
	limit     bucket    // kept while the chat is idle, until idleExpiry
	notBefore time.Time // retry_after or backoff
	backoff   time.Duration
	busy      bool
	cur       int // class of the call in flight
	heap      int // ready heap the chat is in, -1 if none
	idx       int // index in that heap
	readyAt   time.Time
	idleSince time.Time
}

func (ch *outChat) empty() bool { return len(ch.q[0]) == 0 && len(ch.q[1]) == 0 }

func newOutbox(db *store.DB, api caller, limits Limits, senders int, log *slog.Logger, m *Metrics) *outbox {
	return &outbox{
		db: db, api: api, limits: limits, log: log, metrics: m, senders: senders,
		chats:      map[int64]*outChat{},
		global:     newBucket(limits.Global, time.Now()),
		wake:       make(chan struct{}, 1),
		drained:    make(chan struct{}),
		maxAge:     24 * time.Hour,
		now:        time.Now,
		clock:      time.Now,
		maxHeld:    4096,
		maxDrain:   5 * time.Second,
		minBacklog: 64,
		idleExpiry: time.Minute,
	}
}

// load queues every entry left in the store (after a restart), holding at most maxHeld of them
// in memory.
func (o *outbox) load() error {
	var batch []store.OutboxEntry
	flush := func() {
		o.add(batch)
		batch = batch[:0]
	}
	err := o.db.View(func(tx *store.Tx) error {
		return tx.OutboxScan(func(e store.OutboxEntry) error {
			batch = append(batch, e)
			if len(batch) == 256 {
				flush()
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	flush()
	return nil
}

// add queues committed entries.
func (o *outbox) add(entries []store.OutboxEntry) {
	if len(entries) == 0 {
		return
	}
	now := o.clock()
	o.mu.Lock()
	for i := range entries {
		e := &entries[i]
		it := item{id: e.ID, created: e.Created, urgent: e.Urgent}
		if o.held < o.maxHeld {
			c := *e
			it.e = &c
			o.held++
		}
		o.queued++
		if e.Urgent {
			o.urgent = append(o.urgent, it)
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
			ch = &outChat{id: e.ChatID, group: e.Group, limit: newBucket(rate, now), heap: -1, idx: -1}
			o.chats[e.ChatID] = ch
		}
		cls := classInteractive
		if e.Background {
			cls = classBackground
		}
		ch.q[cls] = append(ch.q[cls], it)
		o.schedule(ch, now)
	}
	if o.queued > o.peak {
		o.peak = o.queued
		o.metrics.OutboxPeak.Store(int64(o.peak))
	}
	o.checkPressure(now)
	o.mu.Unlock()
	o.signal()
}

func (o *outbox) signal() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// schedule puts ch in the ready heap of the class of its next call, at the time that call may
// go. A chat whose queue is empty stays known, with its bucket, until it has been idle for
// idleExpiry (see sweep). Called with mu held.
func (o *outbox) schedule(ch *outChat, now time.Time) {
	if ch.heap >= 0 {
		heap.Remove(&o.ready[ch.heap], ch.idx)
		ch.heap = -1
	}
	if ch.busy {
		return
	}
	cls := classInteractive
	if len(ch.q[cls]) == 0 {
		cls = classBackground
		if len(ch.q[cls]) == 0 {
			ch.idleSince = now
			return
		}
	}
	at := now.Add(ch.limit.wait(now))
	if ch.notBefore.After(at) {
		at = ch.notBefore
	}
	ch.readyAt = at
	ch.heap = cls
	heap.Push(&o.ready[cls], ch)
}

// sweep forgets chats idle for longer than idleExpiry (their buckets are full again by then).
// Called with mu held.
func (o *outbox) sweep(now time.Time) {
	if now.Sub(o.lastSweep) < o.idleExpiry/4 {
		return
	}
	o.lastSweep = now
	for id, ch := range o.chats {
		if !ch.busy && ch.empty() && now.Sub(ch.idleSince) >= o.idleExpiry {
			delete(o.chats, id)
		}
	}
}

// take returns the next call that may be sent at now, marking it in flight, or how long to wait
// for one. Called with mu held.
func (o *outbox) take(now time.Time) (item, *outChat, time.Duration, bool) {
	o.sweep(now)
	if len(o.urgent) > 0 {
		it := o.urgent[0]
		o.urgent[0] = item{}
		o.urgent = o.urgent[1:]
		o.busy++
		return it, nil, 0, true
	}
	wait := time.Hour
	for cls := range o.ready {
		if len(o.ready[cls]) == 0 {
			continue
		}
		ch := o.ready[cls][0]
		if d := ch.readyAt.Sub(now); d > 0 {
			wait = min(wait, d)
			continue
		}
		if !o.limits.Off {
			if g := o.global.wait(now); g > 0 {
				// No class may go before the next global token; interactive calls get it first.
				return item{}, nil, min(wait, g), false
			}
		}
		heap.Pop(&o.ready[cls])
		ch.heap = -1
		ch.busy = true
		ch.cur = cls
		if !o.limits.Off {
			o.global.take(now)
			ch.limit.take(now)
		}
		o.busy++
		return ch.q[cls][0], ch, 0, true
	}
	return item{}, nil, wait, false
}

// next blocks until a call may be sent and returns it, or returns false when ctx is done.
func (o *outbox) next(ctx context.Context) (item, *outChat, bool) {
	for {
		o.mu.Lock()
		it, ch, wait, ok := o.take(o.clock())
		o.mu.Unlock()
		if ok {
			return it, ch, true
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return item{}, nil, false
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
				it, ch, ok := o.next(ctx)
				if !ok {
					return
				}
				o.send(ctx, it, ch)
			}
		}()
	}
	wg.Wait()
}

// entry returns the call for it: held in memory, or read from the store. found is false when
// the entry is gone from the store (the person erased their data meanwhile).
func (o *outbox) entry(it item) (e store.OutboxEntry, found bool, err error) {
	if it.e != nil {
		return *it.e, true, nil
	}
	err = o.db.View(func(tx *store.Tx) error {
		e, found, err = tx.OutboxGet(it.id)
		return err
	})
	return e, found, err
}

// send makes one call and settles it.
func (o *outbox) send(ctx context.Context, it item, ch *outChat) {
	e, found, err := o.entry(it)
	if err != nil {
		o.log.Error("outbox: cannot read a queued call", "err", err)
		o.retry(it, ch, -1)
		return
	}
	if !found {
		o.finish(it, e, ch, nil, false)
		return
	}
	now := o.now()
	if e.Created > 0 && now.Sub(time.UnixMilli(e.Created)) > o.maxAgeFor(e) {
		o.log.Warn("outbox call expired unsent", "method", e.Method)
		o.metrics.OutboxExpired.Add(1)
		o.finish(it, e, ch, nil, true)
		return
	}
	res, err := o.api.call(e.Method, e.Params)
	var ce *CallError
	errors.As(err, &ce)
	switch decide(err) {
	case outcomeDone:
		o.metrics.OutboxSent.Add(1)
		if e.Created > 0 {
			o.metrics.observeLatency(o.now().Sub(time.UnixMilli(e.Created)))
		}
		o.finish(it, e, ch, res, true)
	case outcomeRetryAfter:
		o.metrics.OutboxRetries.Add(1)
		wait := ce.RetryAfter
		if wait <= 0 {
			wait = time.Second
		}
		o.retry(it, ch, wait)
	case outcomeRetry:
		if ctx.Err() != nil && ce != nil && ce.Canceled {
			o.retry(it, ch, 0) // shutting down: stays in the store for the next start
			return
		}
		o.metrics.OutboxRetries.Add(1)
		o.retry(it, ch, -1)
	case outcomeBlocked:
		o.metrics.OutboxBlocked.Add(1)
		o.log.Info("chat unreachable; marking inactive", "method", e.Method, "code", ce.Code)
		o.blocked(it, e, ch)
	case outcomeUnauthorized:
		o.log.Error("Telegram refused the token while sending (401); check PEERLINE_TOKEN")
		o.retry(it, ch, 30*time.Second)
	default:
		o.metrics.OutboxFailed.Add(1)
		o.log.Warn("outbox call refused", "method", e.Method, "code", ce.Code, "reason", reasonOf(ce.Description))
		o.finish(it, e, ch, nil, true)
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
func (o *outbox) finish(it item, e store.OutboxEntry, ch *outChat, res json.RawMessage, remove bool) {
	if remove {
		var sent int
		if (e.Ref != "" || e.Trail > 0) && res != nil {
			var m struct {
				MessageID int `json:"message_id"`
			}
			if json.Unmarshal(res, &m) == nil {
				sent = m.MessageID
			}
		}
		now := o.now()
		err := o.db.Batch(func(tx *store.Tx) error {
			if err := tx.OutboxDelete(it.id); err != nil {
				return err
			}
			if e.Ref != "" && sent != 0 {
				if err := tx.SetRef(e.Ref, store.MessageRef{ChatID: e.ChatID, MessageID: sent, At: now.Unix()}); err != nil {
					return err
				}
			}
			if e.Trail > 0 && sent != 0 {
				return tx.AddTrail(e.ChatID, sent, now.Add(time.Duration(e.Trail)*time.Second))
			}
			return nil
		})
		if err != nil {
			o.log.Error("outbox: cannot record a sent call", "err", err)
		}
	}
	now := o.clock()
	o.mu.Lock()
	o.busy--
	o.queued--
	if it.e != nil {
		o.held--
	}
	o.rate.add(now)
	if ch != nil {
		ch.busy = false
		ch.backoff = 0
		q := ch.q[ch.cur]
		q[0] = item{}
		ch.q[ch.cur] = q[1:]
		o.schedule(ch, now)
	}
	o.afterSettle(now)
	o.mu.Unlock()
	o.signal()
}

// retry puts the call back at the head of its queue. wait < 0 means "back off".
func (o *outbox) retry(it item, ch *outChat, wait time.Duration) {
	now := o.clock()
	o.mu.Lock()
	o.busy--
	if ch == nil {
		// A button answer: retry soon, at the front.
		o.urgent = append([]item{it}, o.urgent...)
	} else {
		ch.busy = false
		if wait < 0 {
			ch.backoff = nextBackoff(ch.backoff)
			wait = ch.backoff
		}
		ch.notBefore = now.Add(wait)
		o.schedule(ch, now)
	}
	o.checkPressure(now)
	o.mu.Unlock()
	o.signal()
}

// blocked drops everything queued for the chat and marks the person inactive: first durably,
// then in memory, so that an idle outbox means the store is settled too.
func (o *outbox) blocked(it item, e store.OutboxEntry, ch *outChat) {
	dropped := map[uint64]bool{it.id: true}
	if ch != nil {
		o.mu.Lock()
		for _, q := range ch.q {
			for _, d := range q {
				dropped[d.id] = true
			}
		}
		o.mu.Unlock()
	}
	err := o.db.Batch(func(tx *store.Tx) error {
		for id := range dropped {
			if err := tx.OutboxDelete(id); err != nil {
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
	now := o.clock()
	o.mu.Lock()
	o.busy--
	if ch != nil {
		// Entries queued meanwhile stay; they will meet the same 403 and be dropped then.
		ch.busy = false
		for cls := range ch.q {
			ch.q[cls] = o.remove(ch.q[cls], func(d item) bool { return dropped[d.id] })
		}
		o.schedule(ch, now)
	} else {
		o.queued--
		if it.e != nil {
			o.held--
		}
	}
	o.afterSettle(now)
	o.mu.Unlock()
	o.signal()
}

// remove drops the items of q for which drop is true, counting them out. Called with mu held.
func (o *outbox) remove(q []item, drop func(item) bool) []item {
	keep := q[:0]
	for _, d := range q {
		if !drop(d) {
			keep = append(keep, d)
			continue
		}
		o.queued--
		if d.e != nil {
			o.held--
		}
	}
	clear(q[len(keep):])
	return keep
}

// afterSettle updates gauges, backpressure and wakes Drain waiters. Called with mu held.
func (o *outbox) afterSettle(now time.Time) {
	o.checkPressure(now)
	if o.queued == 0 && o.busy == 0 {
		close(o.drained)
		o.drained = make(chan struct{})
	}
}

// checkPressure turns backpressure on when the backlog would take longer than maxDrain to send
// at the current rate, and off when it is down to half that; it logs each change once and
// updates the gauges. Called with mu held.
func (o *outbox) checkPressure(now time.Time) {
	rate := o.rate.perSecond(now)
	limit := max(float64(o.minBacklog), rate*o.maxDrain.Seconds())
	backlog := float64(o.queued)
	o.metrics.OutboxQueued.Store(int64(o.queued))
	o.metrics.setDrain(backlog / max(rate, 1))
	switch {
	case o.pressure == nil && backlog > limit:
		o.pressure = make(chan struct{})
		o.metrics.Backpressure.Store(1)
		o.metrics.BackpressureEpisodes.Add(1)
		o.log.Warn("backpressure: the outbox is behind; not taking new updates until it drains",
			"backlog", o.queued, "send_rate", int(rate))
	case o.pressure != nil && backlog <= limit/2:
		close(o.pressure)
		o.pressure = nil
		o.metrics.Backpressure.Store(0)
		o.log.Info("backpressure over: taking updates again", "backlog", o.queued, "send_rate", int(rate))
	}
}

// pressured returns a channel that is closed when backpressure ends, or nil if it is off.
func (o *outbox) pressured() <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.pressure != nil {
		// The rate decays while nothing is sent; look again so a stalled outbox stays paused
		// and a drained one lets go.
		o.checkPressure(o.clock())
	}
	if o.pressure == nil {
		return nil
	}
	return o.pressure
}

// dropChat removes the calls to chatID queued before id (a person erased their data). A call
// already in flight cannot be recalled.
func (o *outbox) dropChat(chatID int64, before uint64) {
	now := o.clock()
	o.mu.Lock()
	defer o.mu.Unlock()
	ch := o.chats[chatID]
	if ch == nil {
		return
	}
	for cls := range ch.q {
		inFlight := uint64(0)
		if ch.busy && ch.cur == cls && len(ch.q[cls]) > 0 {
			inFlight = ch.q[cls][0].id
		}
		ch.q[cls] = o.remove(ch.q[cls], func(d item) bool { return d.id < before && d.id != inFlight })
	}
	o.schedule(ch, now)
	o.afterSettle(now)
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

// rateMeter counts settled calls in 100 ms slots over the last two seconds.
type rateMeter struct {
	slots [20]int
	at    int64 // the slot number (unix time / 100 ms) of the newest slot
}

const rateSlot = 100 * time.Millisecond

func (r *rateMeter) advance(now time.Time) {
	cur := now.UnixNano() / int64(rateSlot)
	if cur <= r.at {
		return
	}
	if cur-r.at >= int64(len(r.slots)) {
		clear(r.slots[:])
	} else {
		for s := r.at + 1; s <= cur; s++ {
			r.slots[s%int64(len(r.slots))] = 0
		}
	}
	r.at = cur
}

func (r *rateMeter) add(now time.Time) {
	r.advance(now)
	r.slots[r.at%int64(len(r.slots))]++
}

// perSecond is the rate over the last two seconds.
func (r *rateMeter) perSecond(now time.Time) float64 {
	r.advance(now)
	n := 0
	for _, v := range r.slots {
		n += v
	}
	return float64(n) / (float64(len(r.slots)) * rateSlot.Seconds())
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
