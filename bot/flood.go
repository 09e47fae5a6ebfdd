package bot

import (
	"sync"
	"time"
)

// flood limits how many updates one chat may send: a burst, then a steady rate. The first update
// over the limit is handled by the router's flood handler (a calm "slow down"); the rest are
// dropped without a transaction, so a flood costs little and other chats are not starved.
type flood struct {
	rate   Rate
	mu     sync.Mutex
	chats  map[int64]*floodChat
	pruned time.Time
}

type floodChat struct {
	b        bucket
	notified bool // the person was told to slow down since they last got through
}

// FloodLimit is the default: 20 updates at once, then one a second.
func FloodLimit() Rate { return Rate{PerSecond: 1, Burst: 20} }

func newFlood(r Rate) *flood { return &flood{rate: r, chats: map[int64]*floodChat{}} }

// verdict for an update of chat at now: pass, notify (first over the limit) or drop.
func (f *flood) verdict(chat int64, now time.Time) floodVerdict {
	if f == nil || f.rate.PerSecond <= 0 || chat == 0 {
		return floodPass
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if now.Sub(f.pruned) > time.Minute {
		// Forget chats whose bucket is full again.
		for id, c := range f.chats {
			if c.b.wait(now) == 0 && c.b.tokens >= f.rate.Burst {
				delete(f.chats, id)
			}
		}
		f.pruned = now
	}
	c := f.chats[chat]
	if c == nil {
		c = &floodChat{b: newBucket(f.rate, now)}
		f.chats[chat] = c
	}
	if c.b.wait(now) == 0 {
		c.b.take(now)
		c.notified = false
		return floodPass
	}
	if !c.notified {
		c.notified = true
		return floodNotify
	}
	return floodDrop
}

type floodVerdict int

const (
	floodPass floodVerdict = iota
	floodNotify
	floodDrop
)
