package store

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNewCaseCode_AlphabetAndUnique(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "p.db"), NewKey())
	defer db.Close()
	seen := map[string]bool{}
	err := db.Update(func(tx *Tx) error {
		for i := range 2000 {
			code, err := tx.NewCaseCode()
			if err != nil {
				return err
			}
			if len(code) != CodeLen || strings.Trim(code, CodeAlphabet) != "" {
				t.Fatalf("code %q: want %d characters from %s", code, CodeLen, CodeAlphabet)
			}
			if seen[code] {
				t.Fatalf("code %q given twice", code)
			}
			seen[code] = true
			if err := tx.PutCase(Case{Code: code, State: CaseQueued, Person: int64(i + 1)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, want string }{{"k3f9", "K3F9"}, {" #K3F9 ", "K3F9"}, {"K3F0", ""}, {"K3F", ""}, {"KEFIR", ""}} {
		if got := NormalizeCode(tc.in); got != tc.want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCases_RefsRecordPairsAndFailures: the outbox's refs for relayed copies become message
// pairs (one per album part); a refused copy to the person marks the case unreachable, a copy
// into a deleted topic keeps the message for the recreated one; a topic ref sets the topic.
func TestCases_RefsRecordPairsAndFailures(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "p.db"), NewKey())
	defer db.Close()
	const person, desk = int64(77), int64(-100500)
	err := db.Update(func(tx *Tx) error {
		if err := tx.PutCase(Case{Code: "K3F9", State: CaseTaken, Person: person, Consultant: 5}); err != nil {
			return err
		}
		album := PairRef("K3F9", false, person, []int{10, 11})
		if err := tx.SetRef(album, MessageRef{ChatID: desk, MessageID: 200, More: []int{201}}); err != nil {
			return err
		}
		if err := tx.SetRef(TopicRef("K3F9"), MessageRef{ChatID: desk, MessageID: 42}); err != nil {
			return err
		}
		if err := tx.RefFailed(PairRef("K3F9", false, person, []int{12}), "thread"); err != nil {
			return err
		}
		return tx.RefFailed(PairRef("K3F9", true, desk, []int{300}), "blocked")
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *Tx) error {
		for _, tc := range []struct {
			chat      int64
			id        int
			wantChat  int64
			wantID    int
			wantFound bool
		}{{person, 10, desk, 200, true}, {person, 11, desk, 201, true}, {desk, 201, person, 11, true}, {person, 12, 0, 0, false}} {
			p, found, err := tx.PairOf(tc.chat, tc.id)
			if err != nil || found != tc.wantFound || p.ChatID != tc.wantChat || p.MessageID != tc.wantID {
				t.Errorf("PairOf(%d, %d) = %+v %v %v, want %d/%d %v", tc.chat, tc.id, p, found, err, tc.wantChat, tc.wantID, tc.wantFound)
			}
		}
		if _, found, _ := tx.Ref(PairRef("K3F9", false, person, []int{10, 11})); found {
			t.Error("a pair ref was also kept as a plain ref")
		}
		k, _, _ := tx.Case("K3F9")
		if k.Thread != 42 || !k.Unreachable || !k.ThreadLost || len(k.Pending) != 1 || k.Pending[0] != 12 {
			t.Errorf("case after the refs: %+v", k)
		}
		if c, found, _ := tx.CaseOfThread(42); !found || c.Code != "K3F9" {
			t.Error("topic index not set")
		}
		return nil
	})
}

// TestCases_EraseAndPurge: erasing the person removes their cases with the index and pairs;
// the retention purge removes only closed cases past the cutoff whose follow-up is not due.
func TestCases_EraseAndPurge(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "p.db"), NewKey())
	defer db.Close()
	now := time.Unix(1_800_000_000, 0)
	old := now.Add(-40 * 24 * time.Hour).Unix()
	err := db.Update(func(tx *Tx) error {
		for _, k := range []Case{
			{Code: "AAAA", State: CaseTaken, Person: 1},
			{Code: "CCCC", State: CaseClosed, Person: 2, Closed: old},
			{Code: "DDDD", State: CaseClosed, Person: 3, Closed: old, FollowUp: now.Unix() + 100},
			{Code: "EEEE", State: CaseClosed, Person: 4, Closed: now.Unix()},
		} {
			if err := tx.PutCase(k); err != nil {
				return err
			}
		}
		return tx.PutPair("AAAA", 1, 5, 99, 6, false, 0)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *Tx) error {
		if err := tx.ErasePerson(1); err != nil {
			return err
		}
		gone, err := tx.PurgeClosedCases(now.Add(-30 * 24 * time.Hour))
		if len(gone) != 1 || gone[0].Code != "CCCC" {
			t.Errorf("purged %+v, want only CCCC", gone)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *Tx) error {
		left, _ := tx.Cases(nil)
		var codes []string
		for _, k := range left {
			codes = append(codes, k.Code)
		}
		slices.Sort(codes)
		if strings.Join(codes, ",") != "DDDD,EEEE" {
			t.Errorf("left: %v, want DDDD, EEEE", codes)
		}
		if _, found, _ := tx.CaseOfPerson(1); found {
			t.Error("the erased person still has an open case")
		}
		if _, found, _ := tx.PairOf(99, 6); found {
			t.Error("a message pair of the erased case is left")
		}
		return nil
	})
}

// TestCases_SurviveKeyRotation: cases, their index and pairs are re-keyed.
func TestCases_SurviveKeyRotation(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "p.db"), filepath.Join(dir, "p.db.new")
	oldKey, newKey := NewKey(), NewKey()
	db := mustOpen(t, src, oldKey)
	err := db.Update(func(tx *Tx) error {
		if err := tx.PutCase(Case{Code: "K3F9", State: CaseTaken, Person: 7, Consultant: 5}); err != nil {
			return err
		}
		if err := tx.SetActiveCase(5, "K3F9"); err != nil {
			return err
		}
		return tx.PutPair("K3F9", 7, 1, 5, 2, false, 0)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if dropped, err := RotateKey(src, dst, oldKey, newKey); err != nil || dropped != 0 {
		t.Fatalf("rotate: %d dropped, %v", dropped, err)
	}
	nd := mustOpen(t, dst, newKey)
	defer nd.Close()
	_ = nd.View(func(tx *Tx) error {
		if k, found, err := tx.CaseOfPerson(7); err != nil || !found || k.Code != "K3F9" {
			t.Errorf("case of the person after rotation: %+v %v %v", k, found, err)
		}
		if code, _ := tx.ActiveCase(5); code != "K3F9" {
			t.Errorf("active case after rotation: %q", code)
		}
		if p, found, _ := tx.PairOf(5, 2); !found || p.MessageID != 1 {
			t.Errorf("pair after rotation: %+v %v", p, found)
		}
		return nil
	})
}

// TestOutbox_RelayFieldsSurviveTheStore: a queued relay keeps its topic reference, its
// delivery reaction and its notice through the store (a restart reads them back).
func TestOutbox_RelayFieldsSurviveTheStore(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "p.db"), NewKey())
	defer db.Close()
	in := OutboxEntry{ChatID: -100500, Method: "copyMessage", Params: map[string]string{"chat_id": "-100500"},
		Resolve: map[string]string{"message_thread_id": "topic:K3F9"},
		Then:    &OutboxEntry{ChatID: 7, Method: "setMessageReaction", Params: map[string]string{"message_id": "3"}},
		Else:    &OutboxEntry{ChatID: 7, Method: "sendMessage", Params: map[string]string{"text": "x"}}}
	if err := db.Update(func(tx *Tx) error { _, err := tx.Enqueue(in); return err }); err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *Tx) error {
		got, err := tx.OutboxPending()
		if err != nil || len(got) != 1 {
			t.Fatalf("pending: %v %v", got, err)
		}
		e := got[0]
		if e.Resolve["message_thread_id"] != "topic:K3F9" || e.Then == nil || e.Then.Method != "setMessageReaction" || e.Else == nil || e.Else.Params["text"] != "x" {
			t.Errorf("read back: %+v", e)
		}
		return nil
	})
}
