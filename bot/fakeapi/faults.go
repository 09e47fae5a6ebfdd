package fakeapi

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Fault describes an injected failure of an API call. A call answered with a
// fault has no other effect: no message is created, no update confirmed.
type Fault struct {
	// Status is the HTTP status and error_code to answer (e.g. 429, 500, 502,
	// 403, 400). 0 with Delay set means a slow but successful call.
	Status int
	// Description overrides the default error text for Status
	// ("Too Many Requests: retry after N" for 429, "Internal Server Error"
	// for 500, and so on).
	Description string
	// RetryAfter is parameters.retry_after for a 429, in seconds; a 429
	// always carries it, at least 1, as Telegram does.
	RetryAfter int
	// Delay is how long to wait before answering, without holding any lock.
	// It ends early when the server closes; for a slow successful call the
	// call is still performed even if the client has gone away meanwhile, as
	// a real server would.
	Delay time.Duration
	// Drop hijacks and closes the TCP connection without answering.
	Drop bool
	// HTMLBody answers a non-JSON HTML page, like a proxy's 502 page
	// (status Status, or 502 when Status is 0).
	HTMLBody bool
}

// failing reports whether the fault answers something other than success.
func (f Fault) failing() bool { return f.Status != 0 || f.Drop || f.HTMLBody }

// reply is the error answer of a failing fault (not Drop).
func (f Fault) reply() reply {
	status := f.Status
	if status == 0 {
		status = http.StatusBadGateway
	}
	rp := reply{status: status, desc: f.Description}
	if status == http.StatusTooManyRequests {
		rp.retryAfter = max(f.RetryAfter, 1)
	}
	if rp.desc == "" {
		rp.desc = defaultDescription(status, rp.retryAfter)
	}
	return rp
}

// defaultDescription is Telegram's generic description for an error status.
func defaultDescription(status, retryAfter int) string {
	switch status {
	case http.StatusBadRequest:
		return "Bad Request"
	case http.StatusUnauthorized:
		return "Unauthorized"
	case http.StatusForbidden:
		return "Forbidden"
	case http.StatusNotFound:
		return "Not Found"
	case http.StatusConflict:
		return "Conflict"
	case http.StatusTooManyRequests:
		return "Too Many Requests: retry after " + strconv.Itoa(retryAfter)
	}
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Internal Server Error"
}

// pendingFault is a FailNext entry: n more calls get f.
type pendingFault struct {
	f Fault
	n int
}

// faultState holds the configured faults; guarded by Server.mu.
type faultState struct {
	next      map[string][]pendingFault // method ("" = any but getUpdates) → FIFO
	pending   int                       // total entries in next, for a cheap fast path
	rate      float64
	rateFault Fault
	rng       *rand.Rand
}

func (fs *faultState) init(seed int64) {
	fs.next = make(map[string][]pendingFault)
	fs.rng = rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
}

// take returns the fault the next call of method gets, if any, and consumes it.
func (fs *faultState) take(method string, send bool) (Fault, bool) {
	if fs.pending > 0 {
		if f, ok := fs.pop(method); ok {
			return f, true
		}
		if method != "getUpdates" {
			if f, ok := fs.pop(""); ok {
				return f, true
			}
		}
	}
	if send && fs.rate > 0 && fs.rng.Float64() < fs.rate {
		return fs.rateFault, true
	}
	return Fault{}, false
}

func (fs *faultState) pop(key string) (Fault, bool) {
	q := fs.next[key]
	if len(q) == 0 {
		return Fault{}, false
	}
	f := q[0].f
	q[0].n--
	if q[0].n <= 0 {
		q = q[1:]
		fs.pending--
	}
	if len(q) == 0 {
		delete(fs.next, key)
	} else {
		fs.next[key] = q
	}
	return f, true
}

// FailNext makes the next n calls of method get f; method "" means any method
// except getUpdates. Successive FailNext calls for the same method queue up.
// Method-specific faults are used before "" ones. n <= 0 cancels the pending
// faults of method.
func (s *Server) FailNext(method string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fs := &s.faults
	if m := lookupMethod(method); m != nil {
		method = m.name
	}
	if n <= 0 {
		fs.pending -= len(fs.next[method])
		delete(fs.next, method)
		s.faultsArmed.Store(fs.pending > 0 || fs.rate > 0)
		return
	}
	fs.next[method] = append(fs.next[method], pendingFault{f: f, n: n})
	fs.pending++
	s.faultsArmed.Store(true)
}

// FailRate makes each send-type call (those counted by the rate limits) fail
// with f with probability p, drawn from the RNG seeded by Options.Seed.
// p <= 0 turns it off.
func (s *Server) FailRate(p float64, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.rate = p
	s.faults.rateFault = f
	s.faultsArmed.Store(s.faults.pending > 0 || p > 0)
}

// Block makes every send, copy, forward or edit to chatID fail with 403, as
// when the user blocked the bot (for groups and channels: the bot was kicked).
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

// Unblock undoes Block.
func (s *Server) Unblock(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blocked, chatID)
}
