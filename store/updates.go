package store

import (
	"encoding/json"
	"time"
)

// Updates: which Telegram updates are done, the confirmed getUpdates offset, and updates parked
// after their handler kept failing. Nothing of an update's content is kept, only its id.
//
// An update is "done" when its handler's effects committed. Done marks are needed only for ids
// at or above the offset Telegram has confirmed (below it Telegram never sends them again), so
// SetOffset prunes the marks below.

// UpdateDone reports whether update id was already handled.
func (t *Tx) UpdateDone(id int64) bool {
	return t.bucket(bucketDone).Get(u64key(uint64(id))) != nil
}

// MarkUpdateDone records that update id was handled.
func (t *Tx) MarkUpdateDone(id int64) error {
	return t.bucket(bucketDone).Put(u64key(uint64(id)), []byte{})
}

// Offset is the last getUpdates offset Telegram confirmed (0 if none).
func (t *Tx) Offset() int64 {
	if v := t.bucket(bucketMeta).Get(keyOffset); v != nil {
		return int64(keyU64(v))
	}
	return 0
}

// SetOffset records that Telegram confirmed every update below offset, and drops the done marks
// that can no longer matter.
func (t *Tx) SetOffset(offset int64) error {
	if offset <= t.Offset() {
		return nil
	}
	if err := t.bucket(bucketMeta).Put(keyOffset, u64key(uint64(offset))); err != nil {
		return err
	}
	c := t.bucket(bucketDone).Cursor()
	for k, _ := c.First(); k != nil && int64(keyU64(k)) < offset; k, _ = c.Next() {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// DoneCount is how many done marks are kept (for tests and metrics).
func (t *Tx) DoneCount() int { return t.bucket(bucketDone).Stats().KeyN }

// Parked is an update that could not be handled: its id, when, and a short reason class (never
// the update's content or the error's text, which may quote it).
type Parked struct {
	UpdateID int64  `json:"-"`
	At       int64  `json:"at"`
	Reason   string `json:"why"`
}

// ParkUpdate records update id as parked (and done), and counts it.
func (t *Tx) ParkUpdate(id int64, reason string, at time.Time) error {
	v, err := json.Marshal(Parked{At: at.Unix(), Reason: reason})
	if err != nil {
		return err
	}
	if err := t.bucket(bucketParked).Put(u64key(uint64(id)), v); err != nil {
		return err
	}
	if err := t.MarkUpdateDone(id); err != nil {
		return err
	}
	return t.Incr("updates_parked", 1)
}

// ParkedUpdates lists parked updates, oldest first.
func (t *Tx) ParkedUpdates() ([]Parked, error) {
	var out []Parked
	err := t.bucket(bucketParked).ForEach(func(k, v []byte) error {
		var p Parked
		if err := json.Unmarshal(v, &p); err != nil {
			return err
		}
		p.UpdateID = int64(keyU64(k))
		out = append(out, p)
		return nil
	})
	return out, err
}

// PruneParked drops parked-update records older than before and returns how many it dropped.
// (The parked count survives in the counters.)
func (t *Tx) PruneParked(before time.Time) (int, error) {
	b := t.bucket(bucketParked)
	var doomed [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var p Parked
		if err := json.Unmarshal(v, &p); err != nil {
			return err
		}
		if p.At < before.Unix() {
			doomed = append(doomed, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}
