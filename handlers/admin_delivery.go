package handlers

// Delivery of channel posts (DESIGN.md "Schedule" and "Publishing"). The schedule lives in the
// store; the "posts" job only triggers scans. A scan, in one transaction: claims each due run of
// each version in each channel (key: post, run time, channel) and enqueues its call as an
// at-most-once background call; marks runs missed when the bot was down longer than the grace
// window and tells the admins; reads the outcome of earlier runs from their refs (sent, failed
// with a reason, or unknown when the bot cannot tell) to count, pin, or report them. Before
// that, outside any transaction, it checks with getChatMember that the bot may post in each
// target channel: once when a post is scheduled, and again a few minutes before it runs.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/store"
)

// preflightBefore is how long before a run the channels are checked again.
const preflightBefore = 5 * time.Minute

// postsJob is the scan's scheduled job.
func (a *App) postsJob(b *bot.Bot, db *store.DB) bot.Job {
	return bot.Job{
		Name: "posts", Spec: "@every 30s", Grace: time.Hour,
		Run: func(ctx context.Context, now time.Time) error { return a.scanPosts(b, db, now) },
	}
}

// scanPosts runs the pre-flight checks, then claims due runs and settles earlier ones.
func (a *App) scanPosts(b *bot.Bot, db *store.DB, now time.Time) error {
	if err := a.preflight(b, db, now); err != nil {
		return err
	}
	return b.Do(func(tx *store.Tx, out *bot.Out) error {
		out.Background()
		posts, err := tx.Posts(store.PostScheduled, store.PostDone, store.PostPaused)
		if err != nil {
			return err
		}
		for _, p := range posts {
			if p.State == store.PostScheduled {
				before := p
				if p, err = a.runDue(tx, out, p, now); err != nil {
					return err
				}
				if p.Next != before.Next || p.State != before.State {
					p.Updated = now.Unix()
					if _, err := tx.PutPost(p); err != nil {
						return err
					}
				}
			}
			if err := a.settleRuns(tx, out, p, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// runRef names the ref a run's call records its outcome under.
func runRef(post uint64, run int64, chat string, try int) string {
	return fmt.Sprintf("post:%d:%d:%s:%d", post, run, chat, try)
}

// runDue handles every run of p that is due at now: claimed and enqueued within the grace
// window, else marked missed. It returns p with Next moved on.
func (a *App) runDue(tx *store.Tx, out *bot.Out, p store.Post, now time.Time) (store.Post, error) {
	missed := 0
	for i := 0; i < 1000 && p.State == store.PostScheduled && p.Next != 0 && p.Next <= now.Unix(); i++ {
		run := p.Next
		ts, held := a.targets(p)
		if held {
			p.State = store.PostPaused
			a.report(tx, out, p, "admin_report_held", nil, 0)
			break
		}
		late := now.Sub(time.Unix(run, 0))
		for _, t := range ts {
			r := store.PostRun{Post: p.ID, Run: run, Chat: t.Chat, Lang: t.Lang, At: now.Unix()}
			if late > a.adm.grace {
				r.State, r.Settled = store.RunMissed, true
			} else {
				r.State, r.Tries, r.Ref = store.RunClaimed, 1, runRef(p.ID, run, t.Chat, 1)
			}
			claimed, err := tx.ClaimPostRun(r)
			if err != nil {
				return p, err
			}
			if !claimed {
				continue // this run was handled before: never twice
			}
			if r.State == store.RunMissed {
				missed++
				if err := a.countPost(tx, "posts_missed", t.Chat, now); err != nil {
					return p, err
				}
				continue
			}
			cp := a.payload(p, t.Lang, t.Chat)
			cp.Ref, cp.Once = r.Ref, true
			out.Post(cp)
		}
		p.Runs++
		p.Next = 0
		if p.Kind == "cron" {
			if next, ok := a.cronNext(p, time.Unix(run, 0), p.Runs); ok {
				p.Next = next.Unix()
			}
		}
		if p.Next == 0 {
			p.State = store.PostDone
		}
	}
	if missed > 0 {
		a.report(tx, out, p, "admin_report_missed", map[string]any{"N": missed}, 0)
	}
	return p, nil
}

// runStatus is what admins see for a run: sent, sending, failed, unknown, missed.
func runStatus(tx *store.Tx, r store.PostRun) (status string, ref store.MessageRef, err error) {
	if r.State == store.RunMissed {
		return "missed", ref, nil
	}
	ref, found, err := tx.Ref(r.Ref)
	switch {
	case err != nil:
		return "", ref, err
	case !found:
		return "sending", ref, nil
	case ref.Sent():
		return "sent", ref, nil
	case ref.Fail != 0:
		return "failed", ref, nil
	case ref.Unknown:
		return "unknown", ref, nil
	}
	return "sending", ref, nil
}

// settleRuns acts on the outcome of p's unsettled runs: counts and pins a sent one, reports a
// failed or unknown one to the admin who scheduled it, with a Retry button.
func (a *App) settleRuns(tx *store.Tx, out *bot.Out, p store.Post, now time.Time) error {
	runs, err := tx.PostRuns(p.ID)
	if err != nil {
		return err
	}
	for _, r := range runs {
		if r.Settled {
			continue
		}
		status, ref, err := runStatus(tx, r)
		if err != nil {
			return err
		}
		switch status {
		case "sent":
			if err := a.countPost(tx, "posts_published", r.Chat, now); err != nil {
				return err
			}
			if p.Campaign != "" {
				if err := a.countPost(tx, "posts_campaign", "", now); err != nil {
					return err
				}
			}
			if p.Pin && !r.Pinned {
				if p.UnpinPrev {
					if prev, found, err := tx.Ref("pin:" + r.Chat); err != nil {
						return err
					} else if found && prev.MessageID != 0 {
						out.Unpin(r.Chat, prev.MessageID)
					}
				}
				out.Pin(r.Chat, ref.MessageID, p.Silent)
				if err := tx.SetRef("pin:"+r.Chat, store.MessageRef{MessageID: ref.MessageID, At: now.Unix()}); err != nil {
					return err
				}
				r.Pinned = true
			}
		case "failed":
			if err := a.countPost(tx, "posts_failed", r.Chat, now); err != nil {
				return err
			}
			a.report(tx, out, p, "admin_report_failed", map[string]any{
				"Chat": esc(r.Chat), "Reason": a.failReason(p.ByLang, ref), "When": esc(a.fmtTimeIn(p.ByLang, time.Unix(r.Run, 0)))}, r.Run)
		case "unknown":
			a.report(tx, out, p, "admin_report_unknown", map[string]any{
				"Chat": esc(r.Chat), "When": esc(a.fmtTimeIn(p.ByLang, time.Unix(r.Run, 0)))}, r.Run)
		default:
			continue
		}
		r.Settled = true
		if err := tx.PutPostRun(r); err != nil {
			return err
		}
	}
	return nil
}

// failReason explains a refused post in lang.
func (a *App) failReason(lang string, ref store.MessageRef) string {
	switch {
	case ref.Fail == 403:
		return a.loc.T(lang, "admin_fail_403")
	case ref.Fail == 408:
		return a.loc.T(lang, "admin_fail_expired")
	}
	return a.loc.T(lang, "admin_fail_400", map[string]any{"Reason": esc(ref.Reason)})
}

// countPost adds one to a post counter: in total, per channel, and for the day (for /stats).
func (a *App) countPost(tx *store.Tx, name, chat string, now time.Time) error {
	if err := tx.Incr(name, 1); err != nil {
		return err
	}
	if chat != "" {
		if err := tx.Incr(name+":"+chat, 1); err != nil {
			return err
		}
	}
	return tx.IncrDay(name, now, 1)
}

// report tells the admin who scheduled p (or, if they are gone, every configured admin) about
// it, in their language, with the post's status and, for a run, a Retry button.
func (a *App) report(tx *store.Tx, out *bot.Out, p store.Post, key string, data map[string]any, run int64) {
	lang := p.ByLang
	if lang == "" {
		lang = "uk"
	}
	if data == nil {
		data = map[string]any{}
	}
	data["ID"] = p.ID
	id := strconv.FormatUint(p.ID, 10)
	kb := bot.Keyboard{}
	if run != 0 {
		kb = append(kb, bot.Row(bot.Btn(a.loc.T(lang, "admin_btn_retry"), "ps:rt:"+id+":"+strconv.FormatInt(run, 10))))
	}
	kb = append(kb, bot.Row(bot.Btn(a.loc.T(lang, "admin_btn_post_status"), "ps:o:"+id)))
	text := a.loc.T(lang, key, data)
	if p.By != 0 {
		out.Send(bot.Message{ChatID: p.By, Text: text, Keyboard: kb})
		return
	}
	for id := range a.admins {
		out.Send(bot.Message{ChatID: id, Text: text, Keyboard: kb})
	}
}

// fmtTimeIn is fmtTime in a given language.
func (a *App) fmtTimeIn(lang string, t time.Time) string {
	t = t.In(a.adm.tz)
	return a.loc.T(lang, "admin_weekday_"+t.Weekday().String()[:3]) + " " + t.Format("2006-01-02 15:04 MST")
}

// preflight checks the target channels of posts scheduled since the last check, and of posts
// due within preflightBefore, and reports problems at once.
func (a *App) preflight(b *bot.Bot, db *store.DB, now time.Time) error {
	var due []store.Post
	err := db.View(func(tx *store.Tx) error {
		posts, err := tx.Posts(store.PostScheduled)
		for _, p := range posts {
			if p.Next != 0 && (p.Checked == 0 || (time.Unix(p.Next, 0).Sub(now) <= preflightBefore && p.Checked != p.Next)) {
				due = append(due, p)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	for _, p := range due {
		var problems []string
		transient := false
		ts, _ := a.targets(p)
		for _, t := range ts {
			problem, retry := a.checkChannel(b, p.ByLang, t.Chat)
			transient = transient || retry
			if problem != "" {
				problems = append(problems, "• "+esc(t.Chat)+": "+problem)
			}
		}
		if transient {
			continue // Telegram busy or unreachable: check again at the next scan
		}
		err := b.Do(func(tx *store.Tx, out *bot.Out) error {
			cur, found, err := tx.Post(p.ID)
			if err != nil || !found || cur.Next != p.Next {
				return err
			}
			if cur.Checked == 0 {
				cur.Checked = -cur.Next
			} else {
				cur.Checked = cur.Next
			}
			if len(problems) > 0 {
				a.report(tx, out, cur, "admin_report_preflight", map[string]any{
					"Problems": strings.Join(problems, "\n"), "When": esc(a.fmtTimeIn(cur.ByLang, time.Unix(cur.Next, 0)))}, 0)
			}
			_, err = tx.PutPost(cur)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// checkChannel asks Telegram whether the bot may post in chat. retry is true when the answer
// should be asked again later (429, 5xx, network).
func (a *App) checkChannel(b *bot.Bot, lang, chat string) (problem string, retry bool) {
	res, err := b.Query("getChatMember", map[string]string{"chat_id": chat, "user_id": strconv.FormatInt(b.Self().ID, 10)})
	if err != nil {
		qe, _ := err.(*bot.QueryError)
		switch {
		case qe == nil || qe.Code == 0 || qe.Code == 429 || qe.Code >= 500:
			return "", true
		case qe.Code == 403:
			return a.loc.T(lang, "admin_fail_403"), false
		default:
			return a.loc.T(lang, "admin_pf_not_found", map[string]any{"Reason": esc(qe.Reason)}), false
		}
	}
	var m struct {
		Status          string `json:"status"`
		CanPostMessages bool   `json:"can_post_messages"`
	}
	if json.Unmarshal(res, &m) != nil {
		return "", true
	}
	if m.Status == "creator" || (m.Status == "administrator" && m.CanPostMessages) {
		return "", false
	}
	return a.loc.T(lang, "admin_pf_not_admin", map[string]any{"Status": esc(m.Status)}), false
}
