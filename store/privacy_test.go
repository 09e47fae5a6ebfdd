package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCompactRemovesErasedBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	db := mustOpen(t, path, NewKey())
	defer db.Close()
	const chat = 771234567
	// Plain (unsealed) bytes that only free pages would keep: a counter name with the canary.
	canary := "canary-counter-Хмельницький"
	if err := db.Update(func(tx *Tx) error {
		if err := tx.PutUser(chat, User{Lang: "uk"}); err != nil {
			return err
		}
		return tx.Incr(canary, 1)
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *Tx) error {
		if err := tx.ErasePerson(chat); err != nil {
			return err
		}
		return tx.bucket(bucketCounters).Delete([]byte(canary))
	}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if !bytes.Contains(raw, []byte(canary)) {
		t.Skip("bbolt already overwrote the freed page; nothing to show")
	}
	before, after, err := db.Compact()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = os.ReadFile(path)
	if bytes.Contains(raw, []byte(canary)) {
		t.Fatalf("after compaction (%d → %d bytes) the deleted bytes are still in the file", before, after)
	}
	// The database still works.
	if err := db.Update(func(tx *Tx) error { return tx.PutUser(5, User{Lang: "en"}) }); err != nil {
		t.Fatal(err)
	}
}

func TestRotateKey(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "p.db"), filepath.Join(dir, "p.db.new")
	oldKey, newKey := NewKey(), NewKey()
	db := mustOpen(t, src, oldKey)
	err := db.Update(func(tx *Tx) error {
		if err := tx.PutUser(11, User{Lang: "ru"}); err != nil {
			return err
		}
		if err := tx.SetConversation(11, Conversation{State: "s", Data: map[string]string{"a": "b"}}); err != nil {
			return err
		}
		if err := tx.SetRef("menu:11", MessageRef{ChatID: 11, MessageID: 4}); err != nil {
			return err
		}
		if err := tx.AddTrail(11, 4, time.Unix(100, 0)); err != nil {
			return err
		}
		if err := tx.PutStaff(Staff{UserID: 11, Role: RoleConsultant, Pseudonym: "Sova"}); err != nil {
			return err
		}
		if _, err := tx.Enqueue(OutboxEntry{ChatID: 11, Method: "sendMessage", Params: map[string]string{"text": "x"}}); err != nil {
			return err
		}
		return tx.Incr("n", 3)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	dropped, err := RotateKey(src, dst, oldKey, newKey)
	if err != nil || dropped != 0 {
		t.Fatalf("rotate: %d dropped, %v", dropped, err)
	}
	if _, err := Open(dst, Options{Key: oldKey}); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("the rotated file opens with the old key: %v", err)
	}
	nd := mustOpen(t, dst, newKey)
	defer nd.Close()
	_ = nd.View(func(tx *Tx) error {
		u, found, err := tx.User(11)
		if err != nil || !found || u.Lang != "ru" {
			t.Errorf("user: %+v %v %v", u, found, err)
		}
		c, _ := tx.Conversation(11)
		if c.State != "s" || c.Data["a"] != "b" {
			t.Errorf("conversation: %+v", c)
		}
		if r, found, _ := tx.Ref("menu:11"); !found || r.MessageID != 4 {
			t.Errorf("ref: %+v %v", r, found)
		}
		if p, _ := tx.OutboxPending(); len(p) != 1 || p[0].Params["text"] != "x" {
			t.Errorf("outbox: %+v", p)
		}
		if due, _ := tx.DueTrail(time.Unix(200, 0), 10); len(due) != 1 {
			t.Errorf("trail: %+v", due)
		}
		if tx.Counter("n") != 3 {
			t.Error("counter lost")
		}
		if s, found, _ := tx.Staff(11); !found || s.Pseudonym != "Sova" {
			t.Errorf("staff: %+v %v", s, found)
		}
		return nil
	})
	// Sequences survive: the next outbox id continues.
	_ = nd.Update(func(tx *Tx) error {
		e, _ := tx.Enqueue(OutboxEntry{Method: "x"})
		if e.ID != 2 {
			t.Errorf("next outbox id: got %d, want 2", e.ID)
		}
		return nil
	})
}

func TestPurges(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "p.db"), NewKey())
	defer db.Close()
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	day := func(d time.Time) int64 { return d.Unix() / 86400 }
	_ = db.Update(func(tx *Tx) error {
		_ = tx.PutUser(1, User{Seen: day(now.AddDate(0, 0, -100))})
		_ = tx.SetConversation(1, Conversation{State: "x", Updated: now.Unix()})
		_ = tx.PutUser(2, User{Seen: day(now.AddDate(0, 0, -10))})
		_ = tx.SetConversation(2, Conversation{State: "y", Updated: now.AddDate(0, 0, -8).Unix()})
		_ = tx.SetConversation(3, Conversation{State: "z", Updated: now.Unix()})
		return nil
	})
	_ = db.Update(func(tx *Tx) error {
		n, err := tx.PurgeInactiveUsers(now.AddDate(0, 0, -90))
		if err != nil || n != 1 {
			t.Errorf("inactive purge: %d %v", n, err)
		}
		if _, found, _ := tx.User(1); found {
			t.Error("inactive user kept")
		}
		if c, _ := tx.Conversation(1); c.State != "" {
			t.Error("inactive user's conversation kept")
		}
		n, err = tx.PurgeStaleConversations(now.AddDate(0, 0, -7))
		if err != nil || n != 1 {
			t.Errorf("stale conversation purge: %d %v", n, err)
		}
		if c, _ := tx.Conversation(3); c.State != "z" {
			t.Error("a fresh conversation was purged")
		}
		if _, found, _ := tx.User(2); !found {
			t.Error("an active user was purged")
		}
		return nil
	})
}
