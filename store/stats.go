package store

import (
	"sort"
	"strconv"
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

// PeopleStats are counts of people over a window, from their coarse profile dates. Staff are
// not people here.
type PeopleStats struct {
	New    int            // first contact within the window
	Active int            // seen within the window
	ByLang map[string]int // active people by language
}

// People counts the people first seen and last seen in the days days ending with the day of
// until; staff, and anyone skip says (the admins from configuration), are not counted.
func (t *Tx) People(until time.Time, days int, skip func(chatID int64) bool) (PeopleStats, error) {
	cutoff := until.Unix()/86400 - int64(days) + 1
	st := PeopleStats{ByLang: map[string]int{}}
	err := t.bucket(bucketUsers).ForEach(func(k, v []byte) error {
		var u User
		if err := t.openInto(bucketUsers, k, v, &u); err != nil {
			return err
		}
		if t.activeStaff(u.ChatID) || (skip != nil && skip(u.ChatID)) {
			return nil
		}
		if u.Created >= cutoff {
			st.New++
		}
		if u.Seen >= cutoff {
			st.Active++
			st.ByLang[u.Lang]++
		}
		return nil
	})
	return st, err
}

// WaitBounds are the upper bounds of the waiting-time histogram (ObserveWait); the last bucket
// has no bound.
var WaitBounds = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 24 * time.Hour}

func waitBucket(i int) string {
	if i < len(WaitBounds) {
		return "case_wait_le_" + strconv.Itoa(int(WaitBounds[i]/time.Second))
	}
	return "case_wait_more"
}

// ObserveWait records one waiting time (a case queued until a consultant took it) in the day's
// histogram: no ids, only a bucket count.
func (t *Tx) ObserveWait(at time.Time, d time.Duration) error {
	i := sort.Search(len(WaitBounds), func(i int) bool { return d <= WaitBounds[i] })
	return t.IncrDay(waitBucket(i), at, 1)
}

// WaitQuantile returns the upper bound of the histogram bucket holding the q-quantile (0 < q < 1)
// of the waiting times in the window, n the number of observations, and more=true when that
// bucket is the unbounded last one.
func (t *Tx) WaitQuantile(until time.Time, days int, q float64) (bound time.Duration, n int64, more bool) {
	counts := make([]int64, len(WaitBounds)+1)
	for i := range counts {
		counts[i] = t.SumDays(waitBucket(i), until, days)
		n += counts[i]
	}
	if n == 0 {
		return 0, 0, false
	}
	rank := int64(float64(n)*q + 0.999999)
	var cum int64
	for i, c := range counts {
		cum += c
		if cum >= rank {
			if i == len(WaitBounds) {
				return WaitBounds[len(WaitBounds)-1], n, true
			}
			return WaitBounds[i], n, false
		}
	}
	return WaitBounds[len(WaitBounds)-1], n, true
}
