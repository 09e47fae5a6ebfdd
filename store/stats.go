package store

import (
	"strings"
	"time"
)

// Per-day counters for the admins' statistics: "day:<name>:<YYYY-MM-DD>" (UTC days) in the
// counters bucket, next to the running totals. Counts only; nothing about a person.

func dayKey(name string, t time.Time) string {
	return "day:" + name + ":" + t.UTC().Format("2006-01-02")
}

// IncrDay adds n to counter name for the (UTC) day of t.
func (t *Tx) IncrDay(name string, at time.Time, n int64) error {
	return t.Incr(dayKey(name, at), n)
}

// SumDays adds counter name over the days days ending with the day of until (inclusive).
func (t *Tx) SumDays(name string, until time.Time, days int) int64 {
	var sum int64
	for i := 0; i < days; i++ {
		sum += t.Counter(dayKey(name, until.AddDate(0, 0, -i)))
	}
	return sum
}

// DayCounterNames lists the names that have per-day counters (for the statistics CSV).
func (t *Tx) DayCounterNames() []string {
	seen := map[string]bool{}
	var out []string
	c := t.bucket(bucketCounters).Cursor()
	prefix := []byte("day:")
	for k, _ := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), "day:"); k, _ = c.Next() {
		rest := strings.TrimPrefix(string(k), "day:")
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			continue
		}
		if name := rest[:i]; !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}
