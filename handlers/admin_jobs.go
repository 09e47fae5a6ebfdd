package handlers

import (
	"context"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/store"
)

// adminJobs are the admin tools' scheduled jobs.
func (a *App) adminJobs(b *bot.Bot, db *store.DB) []bot.Job {
	return []bot.Job{
		a.postsJob(b, db),
		a.campaignsJob(b),
		{
			// The audit log keeps a year (PEERLINE_RETENTION audit=); the chain stays verifiable.
			Name: "audit-retention", Spec: "30 3 * * *", Grace: 24 * time.Hour,
			Run: func(ctx context.Context, now time.Time) error {
				return db.Update(func(tx *store.Tx) error {
					_, err := tx.PurgeAuditBefore(now.Add(-a.retention.Audit))
					return err
				})
			},
		},
	}
}
