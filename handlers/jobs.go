package handlers

import (
	"context"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/store"
)

// Jobs are the scheduled jobs. Add one here: a name, a cron spec (in PEERLINE_TZ), how late a
// missed run may still happen, and a function that does its work in store transactions (use
// b.Do when it sends messages). Keep jobs safe to run twice: a crash mid-run repeats them.
func (a *App) Jobs(b *bot.Bot, db *store.DB) []bot.Job {
	return []bot.Job{
		{
			// Parked updates are kept for a month so an operator can see that something failed
			// (never what it said); the count stays in the counters.
			Name: "prune-parked", Spec: "30 3 * * *", Grace: 24 * time.Hour,
			Run: func(ctx context.Context, now time.Time) error {
				return db.Update(func(tx *store.Tx) error {
					_, err := tx.PruneParked(now.AddDate(0, 0, -30))
					return err
				})
			},
		},
	}
}
