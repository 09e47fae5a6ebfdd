package fakeapi

import (
	"math"
	"time"
)

// Telegram's flood limits, enforced when Options.Limits is set.
const (
	globalLimit   = 30 // send-type calls per globalWindow, all chats together
	globalWindow  = time.Second
	privateBurst  = 4 // token bucket capacity per private chat
	privateRefill = time.Second
	groupLimit    = 20 // send-type calls per groupWindow per group, supergroup or channel
	groupWindow   = time.Minute
)

// slidingWindow remembers the times of the last len(ts) accepted calls.
type slidingWindow struct {
	ts   []time.Time
	next int // index of the oldest entry once full
	full bool
}

// retryAfter returns 0 if one more call at now keeps at most max calls within
// span, else the whole seconds (at least 1) until it would.
func (w *slidingWindow) retryAfter(now time.Time, max int, span time.Duration) int {
	if !w.full || len(w.ts) < max {
		return 0
	}
	wait := span - now.Sub(w.ts[w.next])
	if wait <= 0 {
		return 0
	}
	return ceilSeconds(wait)
}

// add records an accepted call at now.
func (w *slidingWindow) add(now time.Time, max int) {
	if w.ts == nil {
		w.ts = make([]time.Time, max)
	}
	w.ts[w.next] = now
	w.next++
	if w.next == len(w.ts) {
		w.next, w.full = 0, true
	}
}

// tokenBucket is the per private chat limit.
type tokenBucket struct {
	tokens float64
	at     time.Time
	used   bool
}

// level returns the tokens available at now.
func (b *tokenBucket) level(now time.Time) float64 {
	if !b.used {
		return privateBurst
	}
	t := b.tokens + float64(now.Sub(b.at))/float64(privateRefill)
	return math.Min(t, privateBurst)
}

// limitState is the global limit; the per chat ones live in chatState.
// Guarded by Server.mu.
type limitState struct {
	global slidingWindow
}

// chatLimits is a chat's flood limit state.
type chatLimits struct {
	bucket tokenBucket
	window slidingWindow
}

// checkLimits returns 0 when a send-type call to c (nil when unknown) at now
// is within Telegram's limits, else the retry_after to answer. Call
// consumeLimits once the call succeeds. Caller holds s.mu.
func (s *Server) checkLimits(now time.Time, c *chatState) int {
	retry := s.limits.global.retryAfter(now, globalLimit, globalWindow)
	if c == nil {
		return retry
	}
	if c.info.Type == ChatPrivate {
		if lvl := c.limits.bucket.level(now); lvl < 1 {
			retry = max(retry, ceilSeconds(time.Duration((1-lvl)*float64(privateRefill))))
		}
	} else {
		retry = max(retry, c.limits.window.retryAfter(now, groupLimit, groupWindow))
	}
	return retry
}

// consumeLimits records a successful send-type call. Caller holds s.mu.
func (s *Server) consumeLimits(now time.Time, c *chatState) {
	s.limits.global.add(now, globalLimit)
	if c == nil {
		return
	}
	if c.info.Type == ChatPrivate {
		b := &c.limits.bucket
		b.tokens, b.at, b.used = b.level(now)-1, now, true
	} else {
		c.limits.window.add(now, groupLimit)
	}
}

// ceilSeconds rounds d up to whole seconds, at least 1.
func ceilSeconds(d time.Duration) int {
	n := int((d + time.Second - 1) / time.Second)
	return max(n, 1)
}
