package handlers

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/store"
)

// Jobs are the scheduled jobs. Add one here: a name, a cron spec (in PEERLINE_TZ), how late a
// missed run may still happen, and a function that does its work in store transactions (use
// b.Do when it sends messages). Keep jobs safe to run twice: a crash mid-run repeats them.
func (a *App) Jobs(b *bot.Bot, db *store.DB) []bot.Job {
	return append([]bot.Job{
		{
			// Retention: people not seen for a while are erased; forms left half-filled are
			// deleted with their answers; expired staff invitations go; parked-update records go
			// after a month. Then the file
			// is compacted so the deleted bytes are gone from it too.
			Name: "retention", Spec: "0 3 * * *", Grace: 24 * time.Hour,
			Run: func(ctx context.Context, now time.Time) error {
				err := db.Update(func(tx *store.Tx) error {
					if _, err := tx.PurgeInactiveUsers(now.Add(-a.retention.Users)); err != nil {
						return err
					}
					if _, err := tx.PurgeStaleConversations(now.Add(-a.retention.Forms)); err != nil {
						return err
					}
					if _, err := tx.PurgeInvites(now); err != nil { // expired staff invitations
						return err
					}
					_, err := tx.PruneParked(now.AddDate(0, 0, -30))
					return err
				})
				if err != nil {
					return err
				}
				_, _, err = db.Compact()
				return err
			},
		},
		{
			// Safe mode: delete the messages whose time has come.
			Name: "safe-mode", Spec: "@every 1m", Grace: 48 * time.Hour,
			Run: func(ctx context.Context, now time.Time) error { return a.deleteDue(b, now) },
		},
	}, append(a.adminJobs(b, db), a.consultJobs(b, db)...)...)
}

// deleteDue enqueues deleteMessages for every scheduled deletion that is due, in batches of up
// to 100 ids per chat, and forgets the schedule in the same transaction.
func (a *App) deleteDue(b *bot.Bot, now time.Time) error {
	for {
		more := false
		err := b.Do(func(tx *store.Tx, out *bot.Out) error {
			due, err := tx.DueTrail(now, 1000)
			if err != nil || len(due) == 0 {
				return err
			}
			more = len(due) == 1000
			byChat := map[int64][]int{}
			for _, e := range due {
				byChat[e.ChatID] = append(byChat[e.ChatID], e.MessageID)
			}
			for chat, ids := range byChat {
				sort.Ints(ids)
				for len(ids) > 0 {
					n := min(100, len(ids))
					j, _ := json.Marshal(ids[:n])
					out.Call(chat, "deleteMessages", map[string]string{"chat_id": strconv.FormatInt(chat, 10), "message_ids": string(j)})
					ids = ids[n:]
				}
			}
			return tx.DeleteTrail(due)
		})
		if err != nil || !more {
			return err
		}
	}
}
