package store

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

// Realistic Telegram ids: an audit for raw ids means little with ids of one or two digits, which
// any random byte string holds.
const (
	erasedChat = int64(917263548)
	keptChat   = int64(928374655)
)

// writeEveryKind writes one record of every kind tied to chat through the store's own API.
func writeEveryKind(t *testing.T, db *DB, chat int64, msg int) {
	t.Helper()
	err := db.Update(func(tx *Tx) error {
		if err := tx.PutUser(chat, User{Lang: "uk", SafeMode: 3600}); err != nil {
			return err
		}
		if err := tx.SetConversation(chat, Conversation{State: "s", Data: map[string]string{"a": "b"}}); err != nil {
			return err
		}
		if _, err := tx.Enqueue(OutboxEntry{ChatID: chat, Method: "sendMessage", Params: map[string]string{"chat_id": "x", "text": "hi"}}); err != nil {
			return err
		}
		if _, err := tx.Enqueue(OutboxEntry{ChatID: chat, Method: "deleteMessages", Params: map[string]string{"message_ids": "[" + strconv.Itoa(msg+20) + "," + strconv.Itoa(msg+21) + "]"}}); err != nil {
			return err
		}
		// A ref whose name does not say whose it is: only its sealed chat id ties it.
		if err := tx.SetRef("relay:"+strconv.Itoa(msg), MessageRef{ChatID: chat, MessageID: msg + 10}); err != nil {
			return err
		}
		if err := tx.PutStaff(Staff{UserID: chat, Role: RoleConsultant, Pseudonym: "n" + strconv.Itoa(msg)}); err != nil {
			return err
		}
		code, err := tx.CreateInvite(RoleConsultant, chat, time.Unix(100, 0))
		if err != nil {
			return err
		}
		if _, err := tx.ClaimInvite(code, chat, time.Unix(100, 0)); err != nil {
			return err
		}
		return tx.AddTrail(chat, msg, time.Unix(100, 0))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func tracesOf(t *testing.T, db *DB, chat int64) []Trace {
	t.Helper()
	var out []Trace
	if err := db.View(func(tx *Tx) error {
		var err error
		out, err = tx.Traces(chat)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestErasePersonLeavesNoTraces: after ErasePerson, an audit of every record of every bucket
// finds nothing tied to the chat — by keyed hash, raw id or sealed field — while the other
// person's records, of every kind, are all still there.
func TestErasePersonLeavesNoTraces(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "p.db"), NewKey())
	defer db.Close()
	writeEveryKind(t, db, erasedChat, 100)
	writeEveryKind(t, db, keptChat, 200)

	before := map[string]int{}
	for _, tr := range tracesOf(t, db, erasedChat) {
		before[tr.Bucket]++
	}
	for _, b := range []string{"users", "conversations", "outbox", "refs", "trail", "staff", "invites"} {
		if before[b] == 0 {
			t.Fatalf("the audit finds nothing in %s before the erasure: %v", b, before)
		}
	}

	if err := db.Update(func(tx *Tx) error { return tx.ErasePerson(erasedChat) }); err != nil {
		t.Fatal(err)
	}
	if got := tracesOf(t, db, erasedChat); len(got) != 0 {
		t.Errorf("after ErasePerson: got %v, want nothing", got)
	}
	kept := map[string]int{}
	for _, tr := range tracesOf(t, db, keptChat) {
		if tr.Raw() {
			t.Errorf("the raw id is stored: %v", tr)
		}
		kept[tr.Bucket]++
	}
	for b, n := range before {
		if kept[b] != n {
			t.Errorf("the other person's records in %s: got %d, want %d", b, kept[b], n)
		}
	}
}

// TestTracesFindARecordKeyedByTheRawID: the audit itself notices a record that skipped the keyed
// hash, or that holds the id unsealed.
func TestTracesFindARecordKeyedByTheRawID(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "p.db"), NewKey())
	defer db.Close()
	for _, tt := range []struct {
		name       string
		key, value []byte
		want       string
	}{
		{"BigEndianKey", rawForms(erasedChat)[1], []byte("x"), TraceRawKey},
		{"DecimalKey", []byte("menu:" + "917263548"), []byte("x"), TraceRawKey},
		{"LittleEndianValue", []byte("k"), rawForms(erasedChat)[2], TraceRawValue},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Update(func(tx *Tx) error {
				b, err := tx.tx.CreateBucketIfNotExists([]byte("test_" + tt.name))
				if err != nil {
					return err
				}
				return b.Put(tt.key, tt.value)
			})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, tr := range tracesOf(t, db, erasedChat) {
				found = found || (tr.Bucket == "test_"+tt.name && tr.How == tt.want && tr.Raw())
			}
			if !found {
				t.Errorf("got %v, want a %q trace in test_%s", tracesOf(t, db, erasedChat), tt.want, tt.name)
			}
		})
	}
}

func TestMessagesInChat(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "p.db"), NewKey())
	defer db.Close()
	writeEveryKind(t, db, erasedChat, 100)
	writeEveryKind(t, db, keptChat, 200)
	_ = db.Update(func(tx *Tx) error { return tx.AddTrail(erasedChat, 100, time.Unix(200, 0)) }) // a repeat
	var got []int
	if err := db.View(func(tx *Tx) error {
		var err error
		got, err = tx.MessagesInChat(erasedChat)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// The trail (100), the ref (110), the pending deletions (120, 121); the other chat's none.
	if want := []int{100, 110, 120, 121}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestCompactZeroFillsTheOldFile holds the old file open across a compaction, as a copy or a
// lingering reader would, and finds only zeros in it afterwards.
func TestCompactZeroFillsTheOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	db := mustOpen(t, path, NewKey())
	defer db.Close()
	writeEveryKind(t, db, erasedChat, 100)
	if err := db.Update(func(tx *Tx) error { return tx.ErasePerson(erasedChat) }); err != nil {
		t.Fatal(err)
	}
	old, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if _, _, err := db.Compact(); err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(old)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) == 0 {
		t.Fatal("the old file is empty")
	}
	for i, b := range raw {
		if b != 0 {
			t.Fatalf("the old file has a byte %#x at offset %d; want only zeros", b, i)
		}
	}
}

// TestCompactRemovesTheErasedPersonFromTheFile: right after an erasure the freed pages still hold
// the person's keyed hash; after a compaction the file holds no form of their id.
func TestCompactRemovesTheErasedPersonFromTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	db := mustOpen(t, path, NewKey())
	defer db.Close()
	writeEveryKind(t, db, erasedChat, 100)
	writeEveryKind(t, db, keptChat, 200)
	if err := db.Update(func(tx *Tx) error { return tx.ErasePerson(erasedChat) }); err != nil {
		t.Fatal(err)
	}
	before, err := db.FileTraces(erasedChat)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(before, "keyed hash") {
		t.Fatalf("before compaction the file should still hold the erased keyed hash in a free page; traces: %v", before)
	}
	if _, _, err := db.Compact(); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FileTraces(erasedChat); len(got) != 0 {
		t.Errorf("after compaction: got %v, want nothing", got)
	}
	if got, _ := db.FileTraces(keptChat); !slices.Equal(got, []string{"keyed hash"}) {
		t.Errorf("the kept person: got %v, want only their keyed hash", got)
	}
}
