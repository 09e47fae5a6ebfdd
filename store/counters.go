package store

// Counters: aggregate numbers with no personal data (how many updates were handled, parked,
// how many overdose cards were shown). They survive erasure and retention purges by design.

// Incr adds n to the counter name.
func (t *Tx) Incr(name string, n int64) error {
	b := t.bucket(bucketCounters)
	var v int64
	if cur := b.Get([]byte(name)); cur != nil {
		v = int64(keyU64(cur))
	}
	return b.Put([]byte(name), u64key(uint64(v+n)))
}

// Counter returns the counter name (0 if never counted).
func (t *Tx) Counter(name string) int64 {
	if cur := t.bucket(bucketCounters).Get([]byte(name)); cur != nil {
		return int64(keyU64(cur))
	}
	return 0
}

// Counters returns every counter.
func (t *Tx) Counters() map[string]int64 {
	out := map[string]int64{}
	_ = t.bucket(bucketCounters).ForEach(func(k, v []byte) error {
		out[string(k)] = int64(keyU64(v))
		return nil
	})
	return out
}
