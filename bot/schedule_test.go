package bot

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ehra/peerline/store"
	"github.com/ehra/peerline/store/storetest"
)

func TestScheduler_CatchUpPolicy(t *testing.T) {
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	now := time.Date(2026, 11, 23, 5, 0, 0, 0, kyiv) // today's 03:00 slot is 2 h old
	lastSlot := time.Date(2026, 11, 22, 3, 0, 0, 0, kyiv)
	for _, tc := range []struct {
		name       string
		last       time.Time
		grace      time.Duration
		wantRuns   int
		wantMissed int
	}{
		{"FirstStartDoesNotRun", time.Time{}, 6 * time.Hour, 0, 0},
		{"MissedWithinGraceRunsOnce", lastSlot, 6 * time.Hour, 1, 0},
		{"MissedPastGraceIsCounted", lastSlot, time.Hour, 0, 1},
		{"SeveralMissedRunOnce", lastSlot.AddDate(0, 0, -3), 6 * time.Hour, 1, 0},
		{"NothingDue", time.Date(2026, 11, 23, 3, 0, 0, 0, kyiv), 6 * time.Hour, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.MustOpen(t)
			if !tc.last.IsZero() {
				_ = db.Update(func(tx *store.Tx) error { return tx.SetJob("purge", store.JobState{Last: tc.last.Unix()}) })
			}
			var runs atomic.Int32
			s := NewScheduler(db, kyiv, nil, func() time.Time { return now })
			if err := s.Add(Job{Name: "purge", Spec: "0 3 * * *", Grace: tc.grace, Run: func(context.Context, time.Time) error {
				runs.Add(1)
				return nil
			}}); err != nil {
				t.Fatal(err)
			}
			s.Start(t.Context())
			s.Stop()
			if got := int(runs.Load()); got != tc.wantRuns {
				t.Errorf("runs: got %d, want %d", got, tc.wantRuns)
			}
			var st store.JobState
			_ = db.View(func(tx *store.Tx) error { st, _ = tx.Job("purge"); return nil })
			if st.Missed != tc.wantMissed {
				t.Errorf("missed: got %d, want %d", st.Missed, tc.wantMissed)
			}
			// A restart at the same moment neither runs nor misses again.
			s2 := NewScheduler(db, kyiv, nil, func() time.Time { return now })
			_ = s2.Add(Job{Name: "purge", Spec: "0 3 * * *", Grace: tc.grace, Run: func(context.Context, time.Time) error {
				runs.Add(1)
				return nil
			}})
			s2.Start(t.Context())
			s2.Stop()
			if got := int(runs.Load()); got != tc.wantRuns {
				t.Errorf("after restart: runs %d, want %d (a slot repeated)", got, tc.wantRuns)
			}
		})
	}
}

func TestScheduler_FiresOnSchedule(t *testing.T) {
	db := storetest.MustOpen(t)
	fired := make(chan struct{}, 4)
	s := NewScheduler(db, time.UTC, nil, nil)
	if err := s.Add(Job{Name: "tick", Spec: "@every 1s", Run: func(context.Context, time.Time) error { fired <- struct{}{}; return nil }}); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(Job{Name: "bad", Spec: "every tuesday"}); err == nil {
		t.Error("a bad spec was accepted")
	}
	s.Start(t.Context())
	defer s.Stop()
	select {
	case <-fired:
	case <-time.After(3 * time.Second):
		t.Fatal("job did not fire")
	}
}
