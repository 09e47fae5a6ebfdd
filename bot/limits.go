package bot

import (
	"math"
	"time"
)

// Rate is a token bucket: Burst calls at once, then PerSecond on average.
type Rate struct {
	PerSecond float64
	Burst     float64
}

// Limits are the sending limits the outbox keeps to. Telegram asks bots to stay under about 30
// messages a second overall, about one a second in a private chat (short bursts are tolerated)
// and 20 a minute in a group. The defaults stay a little under each, so that a bucket's burst
// plus its rate never exceeds Telegram's window.
type Limits struct {
	Global  Rate // all chat-bound calls together
	Private Rate // per private chat
	Group   Rate // per group, supergroup or channel
	// Off disables limiting (a local Bot API server, or a benchmark against a fake).
	Off bool
}

// TelegramLimits are the default limits.
func TelegramLimits() Limits {
	return Limits{
		Global:  Rate{PerSecond: 25, Burst: 3},        // ≤ 28 in any second: room for network jitter under 30
		Private: Rate{PerSecond: 1, Burst: 3},         // ≈ 1/s with short bursts
		Group:   Rate{PerSecond: 18.0 / 60, Burst: 2}, // ≤ 20 in any minute
	}
}

// bucket is a token bucket; the zero value with a zero rate is unlimited.
type bucket struct {
	rate   Rate
	tokens float64
	last   time.Time
}

func newBucket(r Rate, now time.Time) bucket {
	return bucket{rate: r, tokens: r.Burst, last: now}
}

func (b *bucket) refill(now time.Time) {
	if now.After(b.last) {
		b.tokens = math.Min(b.rate.Burst, b.tokens+now.Sub(b.last).Seconds()*b.rate.PerSecond)
		b.last = now
	}
}

// wait is how long until one token is available (0 if now).
func (b *bucket) wait(now time.Time) time.Duration {
	if b.rate.PerSecond <= 0 {
		return 0
	}
	b.refill(now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) / b.rate.PerSecond * float64(time.Second))
}

// take spends one token; callers check wait first.
func (b *bucket) take(now time.Time) {
	if b.rate.PerSecond <= 0 {
		return
	}
	b.refill(now)
	b.tokens--
}
