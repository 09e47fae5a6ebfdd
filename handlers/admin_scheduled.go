package handlers

// /scheduled: what is planned, with next run times and the status of each run; pause, resume,
// skip the next run, edit the text or the time, cancel, retry a failed run, delete what was
// published (Telegram allows it for 48 hours; after that the post can be edited into a short
// "no longer current" notice). Button data: ps:list, ps:o:<id>, ps:<action>:<id>[:<run>].

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/locales"
	"github.com/ehra/peerline/store"
)

// deleteWindow is how long Telegram lets a bot delete its channel messages.
const deleteWindow = 48 * time.Hour

func (a *App) scheduledList(c *bot.Ctx) (bot.Next, error) {
	posts, err := c.Tx.Posts(store.PostScheduled, store.PostPaused, store.PostDone)
	if err != nil {
		return bot.Stay(), err
	}
	var b strings.Builder
	b.WriteString(a.t(c, "admin_scheduled_title") + "\n")
	kb := bot.Keyboard{}
	shown := 0
	for i := len(posts) - 1; i >= 0 && shown < 20; i-- {
		p := posts[i]
		if p.State == store.PostDone && c.Now.Sub(time.Unix(p.Updated, 0)) > 7*24*time.Hour {
			continue
		}
		shown++
		line := fmt.Sprintf("\n<b>#%d</b> · %s · %s", p.ID, a.t(c, "admin_state_"+p.State), esc(truncate(a.postTitle(p, c.Lang), 30)))
		if p.Next != 0 && p.State != store.PostDone {
			line += "\n   ⏰ " + esc(a.fmtTime(c, time.Unix(p.Next, 0)))
		}
		b.WriteString(line)
		kb = append(kb, bot.Row(bot.Btn(fmt.Sprintf("#%d · %s", p.ID, truncate(a.postTitle(p, c.Lang), 30)), "ps:o:"+strconv.FormatUint(p.ID, 10))))
	}
	if shown == 0 {
		b.WriteString("\n" + a.t(c, "admin_scheduled_none"))
	}
	kb = append(kb, a.adminBack(c))
	c.Show(b.String(), kb)
	return bot.End(), nil
}

// postTitle is the start of the post's text in lang (or any language).
func (a *App) postTitle(p store.Post, lang string) string {
	if v, ok := p.Versions[lang]; ok && v.Text != "" {
		return v.Text
	}
	for _, l := range locales.Langs {
		if v, ok := p.Versions[l]; ok && v.Text != "" {
			return v.Text
		}
	}
	return "—"
}

// scheduledButton handles ps:<action>:<id>[:<run>].
func (a *App) scheduledButton(c *bot.Ctx) (bot.Next, error) {
	parts := strings.Split(strings.TrimPrefix(c.Data, "ps:"), ":")
	if parts[0] == "list" {
		return a.scheduledList(c)
	}
	if len(parts) < 2 {
		return a.stale(c)
	}
	id, err := strconv.ParseUint(parts[1], 10, 64)
	if err != nil {
		return a.stale(c)
	}
	p, found, err := c.Tx.Post(id)
	if err != nil {
		return bot.Stay(), err
	}
	if !found {
		c.Answer(a.t(c, "admin_post_gone"))
		return bot.Stay(), nil
	}
	action := parts[0]
	ref := fmt.Sprintf("post #%d", p.ID)
	switch action {
	case "o":
		return a.postStatus(c, p)
	case "pa":
		if p.State != store.PostScheduled {
			return a.postStatus(c, p)
		}
		p.State = store.PostPaused
	case "re":
		if p.State != store.PostPaused {
			return a.postStatus(c, p)
		}
		if _, held := a.targets(p); held {
			c.Alert(a.t(c, "admin_report_held", map[string]any{"ID": p.ID}))
			return bot.Stay(), nil
		}
		p.State = store.PostScheduled
		if p.Next != 0 && p.Next < c.Now.Unix() {
			// A paused post resumes from now: past runs are not posted late.
			p.Next = 0
			if p.Kind == "cron" {
				if next, ok := a.cronNext(p, c.Now, p.Runs); ok {
					p.Next = next.Unix()
				}
			} else {
				p.Next = c.Now.Unix()
			}
			if p.Next == 0 {
				p.State = store.PostDone
			}
		}
		p.Checked = 0
	case "sk":
		if p.Kind != "cron" || p.Next == 0 || p.State == store.PostDone {
			return a.postStatus(c, p)
		}
		ref += " " + time.Unix(p.Next, 0).In(a.adm.tz).Format("2006-01-02 15:04 MST")
		if next, ok := a.cronNext(p, time.Unix(p.Next, 0), p.Runs); ok {
			p.Next = next.Unix()
		} else {
			p.Next, p.State = 0, store.PostDone
		}
		p.Checked = 0
	case "x":
		if p.State != store.PostScheduled && p.State != store.PostPaused {
			return a.postStatus(c, p)
		}
		p.State, p.Next = store.PostCancelled, 0
	case "et", "ew":
		c.ConvData = map[string]string{"pid": strconv.FormatUint(p.ID, 10)}
		if action == "ew" {
			if p.State != store.PostScheduled && p.State != store.PostPaused {
				return a.postStatus(c, p)
			}
			return a.askWhen(c, p)
		}
		return a.postEditor(c)
	case "rt":
		if len(parts) < 3 {
			return a.stale(c)
		}
		run, err := strconv.ParseInt(parts[2], 10, 64)
		if err != nil {
			return a.stale(c)
		}
		n, err := a.retryRun(c, p, run)
		if err != nil {
			return bot.Stay(), err
		}
		if n == 0 {
			c.Answer(a.t(c, "admin_retry_nothing"))
			return a.postStatus(c, p)
		}
		ref += fmt.Sprintf(" run %s, %d channel(s)", time.Unix(run, 0).In(a.adm.tz).Format("2006-01-02 15:04 MST"), n)
	case "del", "nc":
		n, old, err := a.deletePublished(c, p, action == "nc")
		if err != nil {
			return bot.Stay(), err
		}
		ref += fmt.Sprintf(", %d message(s)", n)
		if old > 0 && action == "del" {
			if n > 0 {
				if err := a.audit(c, "post.delete", ref); err != nil {
					return bot.Stay(), err
				}
			}
			c.Show(a.t(c, "admin_delete_too_old", map[string]any{"N": old, "Deleted": n}), bot.Keyboard{
				bot.Row(bot.Btn(a.t(c, "admin_btn_outdated"), "ps:nc:"+parts[1])),
				bot.Row(bot.Btn(a.t(c, "admin_btn_post_status"), "ps:o:"+parts[1]))})
			return bot.Stay(), nil
		}
		if action == "nc" {
			action = "outdated"
		}
	default:
		return a.stale(c)
	}
	names := map[string]string{"pa": "pause", "re": "resume", "sk": "skip", "x": "cancel", "rt": "retry", "del": "delete", "outdated": "outdated"}
	p.Updated = c.Now.Unix()
	if _, err := c.Tx.PutPost(p); err != nil {
		return bot.Stay(), err
	}
	if err := a.audit(c, "post."+names[action], ref); err != nil {
		return bot.Stay(), err
	}
	return a.postStatus(c, p)
}

// postStatus shows one post: schedule, next runs, and each run's status per channel.
func (a *App) postStatus(c *bot.Ctx, p store.Post) (bot.Next, error) {
	id := strconv.FormatUint(p.ID, 10)
	var b strings.Builder
	b.WriteString(a.t(c, "admin_post_editor_title", map[string]any{"ID": p.ID, "State": a.t(c, "admin_state_"+p.State)}))
	b.WriteString("\n" + esc(truncate(a.postTitle(p, c.Lang), 80)) + "\n")
	b.WriteString("\n" + a.t(c, "admin_status_schedule") + " <code>" + esc(a.scheduleCode(p)) + "</code>")
	if p.State == store.PostScheduled || p.State == store.PostPaused {
		from := c.Now
		if p.Next != 0 {
			from = time.Unix(p.Next-1, 0)
		}
		for _, t := range a.nextRuns(p, from, 3) {
			b.WriteString("\n⏰ " + esc(a.fmtTime(c, t)))
		}
	}
	runs, err := c.Tx.PostRuns(p.ID)
	if err != nil {
		return bot.Stay(), err
	}
	var retryRun int64
	published := false
	if len(runs) > 0 {
		b.WriteString("\n\n" + a.t(c, "admin_status_runs"))
	}
	for i := max(0, len(runs)-12); i < len(runs); i++ {
		r := runs[i]
		status, _, err := runStatus(c.Tx, r)
		if err != nil {
			return bot.Stay(), err
		}
		if r.Deleted {
			status = "deleted"
		}
		if status == "failed" || status == "unknown" {
			retryRun = r.Run
		}
		if status == "sent" {
			published = true
		}
		b.WriteString(fmt.Sprintf("\n%s · %s · %s · %s", esc(time.Unix(r.Run, 0).In(a.adm.tz).Format("01-02 15:04")),
			esc(r.Chat), r.Lang, a.t(c, "admin_run_"+status)))
	}
	kb := bot.Keyboard{}
	switch p.State {
	case store.PostScheduled:
		row := bot.Row(bot.Btn(a.t(c, "admin_btn_pause"), "ps:pa:"+id))
		if p.Kind == "cron" {
			row = append(row, bot.Btn(a.t(c, "admin_btn_skip"), "ps:sk:"+id))
		}
		kb = append(kb, row)
	case store.PostPaused:
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "admin_btn_resume"), "ps:re:"+id)))
	}
	edit := bot.Row(bot.Btn(a.t(c, "admin_btn_edit_text"), "ps:et:"+id))
	if p.State == store.PostScheduled || p.State == store.PostPaused {
		edit = append(edit, bot.Btn(a.t(c, "admin_btn_edit_time"), "ps:ew:"+id))
	}
	kb = append(kb, edit)
	if retryRun != 0 {
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "admin_btn_retry"), "ps:rt:"+id+":"+strconv.FormatInt(retryRun, 10))))
	}
	if published {
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "admin_btn_delete"), "ps:del:"+id)))
	}
	if p.State == store.PostScheduled || p.State == store.PostPaused {
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "admin_btn_cancel_post"), "ps:x:"+id)))
	}
	kb = append(kb, bot.Row(bot.Btn(a.t(c, "admin_btn_scheduled"), "ps:list")))
	c.Show(b.String(), kb)
	return bot.End(), nil
}

// retryRun sends again the versions of run whose outcome was a failure or unknown.
func (a *App) retryRun(c *bot.Ctx, p store.Post, run int64) (int, error) {
	runs, err := c.Tx.PostRuns(p.ID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range runs {
		if r.Run != run {
			continue
		}
		status, _, err := runStatus(c.Tx, r)
		if err != nil {
			return n, err
		}
		if status != "failed" && status != "unknown" {
			continue
		}
		if _, ok := p.Versions[r.Lang]; !ok {
			continue
		}
		r.Tries++
		r.Ref, r.State, r.Settled, r.At = runRef(p.ID, r.Run, r.Chat, r.Tries), store.RunClaimed, false, c.Now.Unix()
		if err := c.Tx.PutPostRun(r); err != nil {
			return n, err
		}
		if n == 0 {
			c.Background()
		}
		cp := a.payload(p, r.Lang, r.Chat)
		cp.Ref, cp.Once = r.Ref, true
		c.Post(cp)
		n++
	}
	return n, nil
}

// deletePublished deletes the post's sent messages younger than Telegram's 48-hour window and
// returns how many it deleted and how many are older. With outdated, the older ones are edited
// into a short "no longer current" notice in their language instead.
func (a *App) deletePublished(c *bot.Ctx, p store.Post, outdated bool) (n, old int, err error) {
	runs, err := c.Tx.PostRuns(p.ID)
	if err != nil {
		return 0, 0, err
	}
	c.Background()
	for _, r := range runs {
		if r.Deleted {
			continue
		}
		status, ref, err := runStatus(c.Tx, r)
		if err != nil {
			return n, old, err
		}
		if status != "sent" {
			continue
		}
		if c.Now.Sub(time.Unix(ref.At, 0)) >= deleteWindow {
			if !outdated {
				old++
				continue
			}
			v := p.Versions[r.Lang]
			c.EditPost(r.Chat, ref.MessageID, len(v.Files) > 0, a.loc.T(r.Lang, "admin_notice_outdated"), "", nil, true)
			n++
			continue
		}
		if outdated {
			continue
		}
		for _, m := range append([]int{ref.MessageID}, ref.More...) {
			c.DeleteIn(r.Chat, m)
		}
		r.Deleted = true
		if err := c.Tx.PutPostRun(r); err != nil {
			return n, old, err
		}
		n++
	}
	return n, old, nil
}
