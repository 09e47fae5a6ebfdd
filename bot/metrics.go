package bot

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Metrics are the runtime's counters, exposed at /metrics in Prometheus' text format. They hold
// no personal data: counts and durations only.
type Metrics struct {
	UpdatesReceived atomic.Int64
	UpdatesHandled  atomic.Int64
	UpdatesSkipped  atomic.Int64 // already done (redelivered after a restart)
	UpdatesRetried  atomic.Int64
	UpdatesParked   atomic.Int64
	UpdatesDropped  atomic.Int64 // over a chat's flood limit
	PollErrors      atomic.Int64
	OutboxSent      atomic.Int64
	OutboxRetries   atomic.Int64
	OutboxFailed    atomic.Int64
	OutboxBlocked   atomic.Int64
	OutboxExpired   atomic.Int64
	OutboxQueued    atomic.Int64 // the backlog: calls queued or in flight
	OutboxPeak      atomic.Int64 // the largest backlog since start
	// Backpressure is 1 while the poll loop is paused because the outbox is behind.
	Backpressure         atomic.Int64
	BackpressureEpisodes atomic.Int64
	drainMillis          atomic.Int64 // time to send the backlog at the current rate

	mu      sync.Mutex
	latency [len(latencyBuckets) + 1]int64 // enqueue → accepted by Telegram
	latSum  time.Duration
	latN    int64
}

var latencyBuckets = [...]time.Duration{
	5 * time.Millisecond, 10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond, time.Second,
	2500 * time.Millisecond, 5 * time.Second, 10 * time.Second,
}

func (m *Metrics) setDrain(seconds float64) { m.drainMillis.Store(int64(seconds * 1000)) }

// DrainTime is how long the backlog would take to send at the current rate.
func (m *Metrics) DrainTime() time.Duration {
	return time.Duration(m.drainMillis.Load()) * time.Millisecond
}

func (m *Metrics) observeLatency(d time.Duration) {
	i := 0
	for i < len(latencyBuckets) && d > latencyBuckets[i] {
		i++
	}
	m.mu.Lock()
	m.latency[i]++
	m.latSum += d
	m.latN++
	m.mu.Unlock()
}

// WritePrometheus writes the metrics in Prometheus' text exposition format.
func (m *Metrics) WritePrometheus(w io.Writer) {
	counter := func(name, help string, v int64) {
		fmt.Fprintf(w, "# HELP peerline_%s %s\n# TYPE peerline_%s counter\npeerline_%s %d\n", name, help, name, name, v)
	}
	gauge := func(name, help string, v int64) {
		fmt.Fprintf(w, "# HELP peerline_%s %s\n# TYPE peerline_%s gauge\npeerline_%s %d\n", name, help, name, name, v)
	}
	counter("updates_received_total", "Updates received from getUpdates.", m.UpdatesReceived.Load())
	counter("updates_handled_total", "Updates handled and committed.", m.UpdatesHandled.Load())
	counter("updates_skipped_total", "Redelivered updates skipped because they were done.", m.UpdatesSkipped.Load())
	counter("updates_retried_total", "Handler attempts that failed and were retried.", m.UpdatesRetried.Load())
	counter("updates_parked_total", "Updates parked after repeated handler failures.", m.UpdatesParked.Load())
	counter("updates_dropped_total", "Updates dropped because a chat went over the flood limit.", m.UpdatesDropped.Load())
	counter("poll_errors_total", "Failed getUpdates calls.", m.PollErrors.Load())
	counter("outbox_sent_total", "Calls accepted by Telegram.", m.OutboxSent.Load())
	counter("outbox_retries_total", "Calls retried after 429, 5xx or network errors.", m.OutboxRetries.Load())
	counter("outbox_failed_total", "Calls refused for good (4xx).", m.OutboxFailed.Load())
	counter("outbox_blocked_total", "Calls to people who blocked the bot.", m.OutboxBlocked.Load())
	counter("outbox_expired_total", "Calls dropped because they could not be sent in time.", m.OutboxExpired.Load())
	gauge("outbox_queued", "Calls waiting to be sent (the outbox backlog).", m.OutboxQueued.Load())
	fmt.Fprintf(w, "# HELP peerline_outbox_drain_seconds Time to send the backlog at the current rate.\n# TYPE peerline_outbox_drain_seconds gauge\npeerline_outbox_drain_seconds %g\n", m.DrainTime().Seconds())
	gauge("outbox_queued_peak", "The largest outbox backlog since start.", m.OutboxPeak.Load())
	gauge("backpressure", "1 while new updates wait because the outbox is behind.", m.Backpressure.Load())
	counter("backpressure_episodes_total", "Times the poll loop paused because the outbox was behind.", m.BackpressureEpisodes.Load())

	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintf(w, "# HELP peerline_outbox_latency_seconds Time from a handler's decision to Telegram accepting the call.\n# TYPE peerline_outbox_latency_seconds histogram\n")
	var cum int64
	for i, b := range latencyBuckets {
		cum += m.latency[i]
		fmt.Fprintf(w, "peerline_outbox_latency_seconds_bucket{le=\"%g\"} %d\n", b.Seconds(), cum)
	}
	cum += m.latency[len(latencyBuckets)]
	fmt.Fprintf(w, "peerline_outbox_latency_seconds_bucket{le=\"+Inf\"} %d\n", cum)
	fmt.Fprintf(w, "peerline_outbox_latency_seconds_sum %g\npeerline_outbox_latency_seconds_count %d\n", m.latSum.Seconds(), m.latN)
}
