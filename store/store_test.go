package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func mustOpen(tb testing.TB, path string, key []byte) *DB {
	tb.Helper()
	db, err := Open(path, Options{Key: key, NoSync: true, LockTimeout: 200 * time.Millisecond})
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	return db
}

func TestOpen_WrongKeyFailsAndChangesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	key := NewKey()
	db := mustOpen(t, path, key)
	if err := db.Update(func(tx *Tx) error { return tx.PutUser(42, User{Lang: "uk"}) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)

	_, err := Open(path, Options{Key: NewKey()})
	if !errors.Is(err, ErrWrongKey) {
		t.Fatalf("open with another key: got %v, want ErrWrongKey", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("opening with a wrong key changed the file")
	}
	db = mustOpen(t, path, key)
	defer db.Close()
	err = db.View(func(tx *Tx) error {
		u, found, err := tx.User(42)
		if err != nil || !found || u.Lang != "uk" {
			t.Fatalf("user after reopen: %+v %v %v", u, found, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpen_LockedFailsWithinTimeout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	key := NewKey()
	db := mustOpen(t, path, key)
	defer db.Close()
	start := time.Now()
	_, err := Open(path, Options{Key: key, LockTimeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: got %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("second open took %s", d)
	}
}

func TestMigrate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	key := NewKey()
	db := mustOpen(t, path, key)
	if v, _ := db.Schema(); v != SchemaVersion() {
		t.Fatalf("schema of a new database: got %d, want %d", v, SchemaVersion())
	}
	t.Run("StepRunsOnceInOrder", func(t *testing.T) {
		runs := 0
		steps := append(append([]migration{}, migrations...), migration{"test step", func(tx *bolt.Tx, _ *keyring) error {
			runs++
			_, err := tx.CreateBucketIfNotExists([]byte("added_by_step"))
			return err
		}})
		for i := 0; i < 2; i++ {
			if err := db.migrateWith(steps); err != nil {
				t.Fatal(err)
			}
		}
		if runs != 1 {
			t.Fatalf("step ran %d times, want 1", runs)
		}
		if v, _ := db.Schema(); v != len(steps) {
			t.Fatalf("schema after step: got %d, want %d", v, len(steps))
		}
	})
	db.Close()
	t.Run("ErrNewerSchema", func(t *testing.T) {
		_, err := Open(path, Options{Key: key})
		if !errors.Is(err, ErrNewerSchema) {
			t.Fatalf("open a database from a newer build: got %v, want ErrNewerSchema", err)
		}
	})
}

func TestSealedValuesAreNotInTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	db := mustOpen(t, path, NewKey())
	const chatID = 987654321012
	canary := "canary-answer-Харків"
	err := db.Update(func(tx *Tx) error {
		if err := tx.SetConversation(chatID, Conversation{State: "x", Data: map[string]string{"city": canary}}); err != nil {
			return err
		}
		_, err := tx.Enqueue(OutboxEntry{ChatID: chatID, Method: "sendMessage", Params: map[string]string{"chat_id": strconv.Itoa(chatID), "text": canary}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, _ := os.ReadFile(path)
	for _, needle := range [][]byte{[]byte(canary), []byte(strconv.Itoa(chatID)), u64key(chatID)} {
		if bytes.Contains(raw, needle) {
			t.Errorf("database file contains %q", needle)
		}
	}
}

func TestOffsetPrunesDoneMarks(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "p.db"), NewKey())
	defer db.Close()
	err := db.Update(func(tx *Tx) error {
		for id := int64(10); id < 20; id++ {
			if err := tx.MarkUpdateDone(id); err != nil {
				return err
			}
		}
		if err := tx.SetOffset(15); err != nil {
			return err
		}
		if got := tx.Offset(); got != 15 {
			t.Errorf("offset: got %d, want 15", got)
		}
		if tx.UpdateDone(14) || !tx.UpdateDone(15) || !tx.UpdateDone(19) {
			t.Errorf("done marks after SetOffset(15): 14=%v 15=%v 19=%v", tx.UpdateDone(14), tx.UpdateDone(15), tx.UpdateDone(19))
		}
		if err := tx.SetOffset(12); err != nil { // never goes back
			return err
		}
		if got := tx.Offset(); got != 15 {
			t.Errorf("offset after a lower SetOffset: got %d, want 15", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOutboxOrderAndDeleteChat(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "p.db"), NewKey())
	defer db.Close()
	err := db.Update(func(tx *Tx) error {
		for i, chat := range []int64{1, 2, 1, 3} {
			e, err := tx.Enqueue(OutboxEntry{ChatID: chat, Method: "sendMessage", Params: map[string]string{"n": strconv.Itoa(i)}})
			if err != nil {
				return err
			}
			if e.ID != uint64(i+1) {
				t.Errorf("id: got %d, want %d", e.ID, i+1)
			}
		}
		n, err := tx.OutboxDeleteChat(1)
		if err != nil || n != 2 {
			t.Errorf("delete chat 1: got %d %v, want 2", n, err)
		}
		p, err := tx.OutboxPending()
		if err != nil {
			return err
		}
		if len(p) != 2 || p[0].ChatID != 2 || p[1].ChatID != 3 || p[0].Params["n"] != "1" {
			t.Errorf("pending after delete: %+v", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBackupIsAConsistentCopy(t *testing.T) {
	dir := t.TempDir()
	key := NewKey()
	db := mustOpen(t, filepath.Join(dir, "p.db"), key)
	defer db.Close()
	if err := db.Update(func(tx *Tx) error { return tx.PutUser(7, User{Lang: "ru"}) }); err != nil {
		t.Fatal(err)
	}
	if _, err := db.BackupFile(filepath.Join(dir, "copy.db")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, "copy.db"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", st, err)
	}
	cp := mustOpen(t, filepath.Join(dir, "copy.db"), key)
	defer cp.Close()
	_ = cp.View(func(tx *Tx) error {
		if u, found, _ := tx.User(7); !found || u.Lang != "ru" {
			t.Errorf("user in backup: %+v %v", u, found)
		}
		return nil
	})
}

func TestAfterCommitOnlyOnCommit(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "p.db"), NewKey())
	defer db.Close()
	ran := 0
	_ = db.Update(func(tx *Tx) error { tx.AfterCommit(func() { ran++ }); return errors.New("roll back") })
	if ran != 0 {
		t.Fatalf("after-commit ran on rollback")
	}
	_ = db.Batch(func(tx *Tx) error { tx.AfterCommit(func() { ran++ }); return nil })
	if ran != 1 {
		t.Fatalf("after-commit ran %d times on commit, want 1", ran)
	}
}
