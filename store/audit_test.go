package store

import (
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func auditDB(t *testing.T, n int) *DB {
	t.Helper()
	db := mustOpen(t, filepath.Join(t.TempDir(), "a.db"), NewKey())
	t.Cleanup(func() { db.Close() })
	start := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	err := db.Update(func(tx *Tx) error {
		for i := 0; i < n; i++ {
			_, err := tx.AppendAudit(AuditEntry{At: start.AddDate(0, 0, i).Unix(), Actor: tx.ActorLabel("admin", 1001), Action: "post.publish", Detail: "post " + string(rune('A'+i))})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func verify(t *testing.T, db *DB) AuditCheck {
	t.Helper()
	var res AuditCheck
	if err := db.View(func(tx *Tx) error { var err error; res, err = tx.VerifyAudit(); return err }); err != nil {
		t.Fatal(err)
	}
	return res
}

// rawAudit changes the stored entry seq with f (f returning false deletes it), as someone with
// write access to the file would.
func rawAudit(t *testing.T, db *DB, seq uint64, f func(e *AuditEntry) bool) {
	t.Helper()
	err := db.Update(func(tx *Tx) error {
		b := tx.bucket(bucketAudit)
		var e AuditEntry
		if err := json.Unmarshal(b.Get(u64key(seq)), &e); err != nil {
			return err
		}
		if !f(&e) {
			return b.Delete(u64key(seq))
		}
		v, _ := json.Marshal(e)
		return b.Put(u64key(seq), v)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAudit_TamperingIsDetected(t *testing.T) {
	tests := []struct {
		name       string
		tamper     func(t *testing.T, db *DB)
		wantIntact bool
		wantAt     uint64
		wantReason string
	}{
		{"untouched", func(*testing.T, *DB) {}, true, 0, ""},
		{"detail altered", func(t *testing.T, db *DB) {
			rawAudit(t, db, 3, func(e *AuditEntry) bool { e.Detail = "something else"; return true })
		}, false, 3, "altered"},
		{"time altered", func(t *testing.T, db *DB) {
			rawAudit(t, db, 2, func(e *AuditEntry) bool { e.At++; return true })
		}, false, 2, "altered"},
		{"altered and rehashed", func(t *testing.T, db *DB) {
			// The forger recomputes the entry's own hash; the next entry's link still breaks.
			rawAudit(t, db, 2, func(e *AuditEntry) bool {
				e.Actor = "admin 000000"
				prev := make([]byte, 32)
				b, _ := hexDecode(e.Prev)
				copy(prev, b)
				e.Hash = hexEncode(auditHash(prev, *e))
				return true
			})
		}, false, 3, "altered"},
		{"middle entry removed", func(t *testing.T, db *DB) {
			rawAudit(t, db, 3, func(*AuditEntry) bool { return false })
		}, false, 3, "missing"},
		{"last entry removed", func(t *testing.T, db *DB) {
			rawAudit(t, db, 5, func(*AuditEntry) bool { return false })
		}, false, 5, "head"},
		{"first entry removed", func(t *testing.T, db *DB) {
			rawAudit(t, db, 1, func(*AuditEntry) bool { return false })
		}, false, 1, "missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := auditDB(t, 5)
			tt.tamper(t, db)
			got := verify(t, db)
			if got.Intact != tt.wantIntact || got.BrokenAt != tt.wantAt || got.Reason != tt.wantReason {
				t.Errorf("verify = %+v, want intact=%v at %d (%s)", got, tt.wantIntact, tt.wantAt, tt.wantReason)
			}
		})
	}
}

func TestAudit_RetentionKeepsTheChainVerifiable(t *testing.T) {
	db := auditDB(t, 5)
	var n int
	err := db.Update(func(tx *Tx) error {
		var err error
		n, err = tx.PurgeAuditBefore(time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("purged %d, want 2", n)
	}
	if got := verify(t, db); !got.Intact || got.Entries != 3 {
		t.Errorf("after purge: %+v, want intact with 3 entries", got)
	}
	// Appending after a purge continues the chain.
	if err := db.Update(func(tx *Tx) error {
		_, err := tx.AppendAudit(AuditEntry{At: 1, Actor: "admin x", Action: "a"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := verify(t, db); !got.Intact || got.Entries != 4 {
		t.Errorf("after append: %+v, want intact with 4", got)
	}
	// Removing the new first entry (seq 3) is still detected.
	rawAudit(t, db, 3, func(*AuditEntry) bool { return false })
	if got := verify(t, db); got.Intact {
		t.Errorf("front removal after purge not detected: %+v", got)
	}
}

func TestAudit_ActorLabelHidesTheID(t *testing.T) {
	db := auditDB(t, 1)
	_ = db.View(func(tx *Tx) error {
		a, b := tx.ActorLabel("admin", 123456789), tx.ActorLabel("admin", 123456789)
		if a != b {
			t.Errorf("labels differ for one id: %q %q", a, b)
		}
		if strings.Contains(a, "123456789") || !strings.HasPrefix(a, "admin ") {
			t.Errorf("label = %q, want \"admin <hex>\" without the id", a)
		}
		if a == tx.ActorLabel("admin", 987654321) {
			t.Errorf("two ids share a label %q", a)
		}
		return nil
	})
}

func hexEncode(b []byte) string          { return hex.EncodeToString(b) }
func hexDecode(s string) ([]byte, error) { return hex.DecodeString(s) }
