package store

import (
	"crypto/rand"
	"time"
)

// Trail: for people who turned on safe mode, the ids and times of the messages in their chat
// (theirs and the bot's) that the bot must delete later. Never content. Random keys; the chat id,
// message id and deletion time are sealed.

// TrailEntry is a message to delete at a time.
type TrailEntry struct {
	key       []byte
	ChatID    int64 `json:"c"`
	MessageID int   `json:"m"`
	DeleteAt  int64 `json:"d"` // unix seconds
}

// AddTrail schedules message msgID of chatID for deletion at deleteAt.
func (t *Tx) AddTrail(chatID int64, msgID int, deleteAt time.Time) error {
	key := make([]byte, 16)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	return t.putSealed(bucketTrail, key, TrailEntry{ChatID: chatID, MessageID: msgID, DeleteAt: deleteAt.Unix()})
}

// DueTrail returns the entries whose time has come, at most limit.
func (t *Tx) DueTrail(now time.Time, limit int) ([]TrailEntry, error) {
	var out []TrailEntry
	err := t.forEachTrail(func(e TrailEntry) bool {
		if e.DeleteAt <= now.Unix() {
			out = append(out, e)
		}
		return len(out) < limit
	})
	return out, err
}

// DeleteTrail removes entries (after their deletion was enqueued).
func (t *Tx) DeleteTrail(entries []TrailEntry) error {
	b := t.bucket(bucketTrail)
	for _, e := range entries {
		if err := b.Delete(e.key); err != nil {
			return err
		}
	}
	return nil
}

// TrailLen is the number of scheduled deletions.
func (t *Tx) TrailLen() int { return t.bucket(bucketTrail).Stats().KeyN }

func (t *Tx) forEachTrail(fn func(TrailEntry) bool) error {
	c := t.bucket(bucketTrail).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var e TrailEntry
		if err := t.openInto(bucketTrail, k, v, &e); err != nil {
			return err
		}
		e.key = append([]byte(nil), k...)
		if !fn(e) {
			break
		}
	}
	return nil
}

func (t *Tx) deleteTrailOfChat(chatID int64) error {
	var doomed []TrailEntry
	if err := t.forEachTrail(func(e TrailEntry) bool {
		if e.ChatID == chatID {
			doomed = append(doomed, e)
		}
		return true
	}); err != nil {
		return err
	}
	return t.DeleteTrail(doomed)
}
