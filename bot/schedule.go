package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/ehra/peerline/store"
)

// Job is a scheduled job. robfig/cron only triggers it; what the job works on lives in the store,
// and the slot it last handled is recorded there, so a restart neither loses nor repeats a slot.
// A slot missed while the bot was down runs once at start if it is younger than Grace; older ones
// are counted as missed (counter "job_missed_<name>", for the admins' statistics). Jobs must be
// safe to run again after a crash in the middle (they are: purges and scans).
type Job struct {
	Name  string
	Spec  string        // cron spec in the configured time zone: "0 3 * * *", "@every 10m", "@daily"
	Grace time.Duration // how late a missed slot may still run
	Run   func(ctx context.Context, now time.Time) error
}

// Scheduler runs jobs.
type Scheduler struct {
	db   *store.DB
	log  *slog.Logger
	loc  *time.Location
	now  func() time.Time
	cron *cron.Cron
	jobs []scheduled
	wg   sync.WaitGroup
}

type scheduled struct {
	Job
	sched cron.Schedule
}

// NewScheduler returns a scheduler that keeps its records in db and reads specs in loc.
func NewScheduler(db *store.DB, loc *time.Location, log *slog.Logger, now func() time.Time) *Scheduler {
	if loc == nil {
		loc = time.UTC
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return &Scheduler{db: db, log: log, loc: loc, now: now,
		cron: cron.New(cron.WithLocation(loc), cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger)))}
}

// Add registers a job; a spec that does not parse is an error.
func (s *Scheduler) Add(j Job) error {
	sched, err := cron.ParseStandard(j.Spec)
	if err != nil {
		return fmt.Errorf("job %s: spec %q: %w", j.Name, j.Spec, err)
	}
	s.jobs = append(s.jobs, scheduled{Job: j, sched: sched})
	return nil
}

// Start catches up missed slots and starts the timers. Stop ends them.
func (s *Scheduler) Start(ctx context.Context) {
	for _, j := range s.jobs {
		s.catchUp(ctx, j)
		j := j
		s.cron.Schedule(j.sched, cron.FuncJob(func() { s.fire(ctx, j, s.now()) }))
	}
	s.cron.Start()
}

// Stop stops the timers and waits for running jobs.
func (s *Scheduler) Stop() {
	<-s.cron.Stop().Done()
	s.wg.Wait()
}

// catchUp handles the slot that came due while the bot was down.
func (s *Scheduler) catchUp(ctx context.Context, j scheduled) {
	now := s.now()
	var st store.JobState
	if err := s.db.View(func(tx *store.Tx) error { var err error; st, err = tx.Job(j.Name); return err }); err != nil {
		s.log.Error("scheduler: cannot read job state", "job", j.Name, "err", err)
		return
	}
	if st.Last == 0 {
		// First start: the schedule begins now.
		_ = s.record(j.Name, now, false)
		return
	}
	due := j.sched.Next(st.LastRun().In(s.loc))
	if due.After(now) {
		return
	}
	// The latest slot that came due while down.
	latest := due
	for n := j.sched.Next(latest); !n.After(now); n = j.sched.Next(n) {
		latest = n
	}
	if now.Sub(latest) <= j.Grace {
		s.log.Info("scheduler: running a slot missed while stopped", "job", j.Name)
		s.fire(ctx, j, latest)
		return
	}
	s.log.Warn("scheduler: slot missed while stopped, past its grace", "job", j.Name)
	_ = s.record(j.Name, latest, true)
}

// fire runs the job for slot and records the slot as handled.
func (s *Scheduler) fire(ctx context.Context, j scheduled, slot time.Time) {
	s.wg.Add(1)
	defer s.wg.Done()
	if ctx.Err() != nil {
		return
	}
	start := time.Now()
	if err := j.Run(ctx, s.now()); err != nil {
		s.log.Error("scheduled job failed; it will run again at its next slot", "job", j.Name, "err", err)
		return
	}
	if err := s.record(j.Name, slot, false); err != nil {
		s.log.Error("scheduler: cannot record a run", "job", j.Name, "err", err)
	}
	s.log.Debug("scheduled job done", "job", j.Name, "took", time.Since(start))
}

func (s *Scheduler) record(name string, slot time.Time, missed bool) error {
	return s.db.Update(func(tx *store.Tx) error {
		st, err := tx.Job(name)
		if err != nil {
			return err
		}
		st.Last = slot.Unix()
		if missed {
			st.Missed++
			if err := tx.Incr("job_missed_"+name, 1); err != nil {
				return err
			}
		}
		return tx.SetJob(name, st)
	})
}
