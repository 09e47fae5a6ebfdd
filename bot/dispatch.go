package bot

import (
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// dispatcher runs one chat's updates in order, one at a time, and different chats in parallel
// on a fixed pool of workers. A worker handles one update of a chat and then puts the chat at the
// back of the line, so a flooding chat cannot hold a worker.
type dispatcher struct {
	handle func(*tgbotapi.Update)

	mu      sync.Mutex
	cond    *sync.Cond
	lanes   map[int64]*lane
	ready   []*lane // lanes with work and no worker
	pending int     // updates queued or being handled
	idle    *sync.Cond
	closed  bool
	wg      sync.WaitGroup
}

type lane struct {
	key     int64
	q       []*tgbotapi.Update
	running bool
}

func newDispatcher(workers int, handle func(*tgbotapi.Update)) *dispatcher {
	d := &dispatcher{handle: handle, lanes: map[int64]*lane{}}
	d.cond = sync.NewCond(&d.mu)
	d.idle = sync.NewCond(&d.mu)
	for i := 0; i < workers; i++ {
		d.wg.Add(1)
		go d.work()
	}
	return d
}

// dispatch queues u behind its chat's earlier updates.
func (d *dispatcher) dispatch(u *tgbotapi.Update) {
	key := chatLane(u)
	d.mu.Lock()
	l := d.lanes[key]
	if l == nil {
		l = &lane{key: key}
		d.lanes[key] = l
	}
	l.q = append(l.q, u)
	d.pending++
	if !l.running && len(l.q) == 1 {
		d.ready = append(d.ready, l)
		d.cond.Signal()
	}
	d.mu.Unlock()
}

func (d *dispatcher) work() {
	defer d.wg.Done()
	d.mu.Lock()
	for {
		for len(d.ready) == 0 && !d.closed {
			d.cond.Wait()
		}
		if len(d.ready) == 0 && d.closed {
			d.mu.Unlock()
			return
		}
		l := d.ready[0]
		d.ready[0] = nil
		d.ready = d.ready[1:]
		u := l.q[0]
		l.running = true
		d.mu.Unlock()

		d.handle(u)

		d.mu.Lock()
		l.q[0] = nil
		l.q = l.q[1:]
		l.running = false
		d.pending--
		if len(l.q) > 0 {
			d.ready = append(d.ready, l)
			d.cond.Signal()
		} else {
			delete(d.lanes, l.key)
		}
		if d.pending == 0 {
			d.idle.Broadcast()
		}
	}
}

// close stops accepting work; workers finish what is queued and exit. wait blocks until then.
func (d *dispatcher) close() {
	d.mu.Lock()
	d.closed = true
	d.cond.Broadcast()
	d.mu.Unlock()
}

func (d *dispatcher) wait() { d.wg.Wait() }

// tracker knows which received updates are not yet done, so that the poller only ever confirms
// (with getUpdates' offset) updates whose effects are committed.
type tracker struct {
	mu      sync.Mutex
	order   []int64        // received ids in order, front may be done
	done    map[int64]bool // done ids still in order
	known   map[int64]bool // ids in order (received, not yet trimmed)
	next    int64          // offset when nothing is in flight: last received + 1
	changed chan struct{}  // closed and replaced whenever the watermark may have moved
}

func newTracker(offset int64) *tracker {
	return &tracker{done: map[int64]bool{}, known: map[int64]bool{}, next: offset, changed: make(chan struct{})}
}

// add records a received update; it returns false if the id was seen already or is below the
// current offset.
func (t *tracker) add(id int64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.known[id] || id < t.watermarkLocked() {
		return false
	}
	t.order = append(t.order, id)
	t.known[id] = true
	if id+1 > t.next {
		t.next = id + 1
	}
	return true
}

// finish records that update id's effects are committed (or it was parked).
func (t *tracker) finish(id int64) {
	t.mu.Lock()
	t.done[id] = true
	for len(t.order) > 0 && t.done[t.order[0]] {
		delete(t.done, t.order[0])
		delete(t.known, t.order[0])
		t.order = t.order[1:]
	}
	close(t.changed)
	t.changed = make(chan struct{})
	t.mu.Unlock()
}

func (t *tracker) watermarkLocked() int64 {
	if len(t.order) > 0 {
		return t.order[0]
	}
	return t.next
}

// watermark is the offset to confirm: the oldest update not yet done, or one past the last
// received when all are done.
func (t *tracker) watermark() (offset int64, inflight int, changed <-chan struct{}) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.watermarkLocked(), len(t.order), t.changed
}
