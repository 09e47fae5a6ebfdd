package handlers

// Campaign days and /calendar: the coming month's scheduled post runs and campaign days; a
// campaign's suggested post becomes a draft in one tap (cal:d:<id>); a week before each
// campaign day the admins are reminded (the "campaigns" job).

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/content"
	"github.com/ehra/peerline/locales"
	"github.com/ehra/peerline/store"
)

// calendarDays is how far /calendar looks ahead; remindBefore is when admins are reminded.
const (
	calendarDays = 31
	remindBefore = 7
)

func (a *App) calendarRoutes(r *bot.Router) {
	r.Command("calendar", a.adminOnly(a.calendar))
	r.Callback("cal:", a.adminOnly(a.calendarButton))
}

// day is midnight of t's day in the schedule's zone.
func (a *App) day(t time.Time) time.Time {
	t = t.In(a.adm.tz)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, a.adm.tz)
}

// calendar shows the coming month: campaign days and scheduled post runs, day by day.
func (a *App) calendar(c *bot.Ctx) (bot.Next, error) {
	from := a.day(c.Now)
	to := from.AddDate(0, 0, calendarDays)
	type entry struct {
		at   time.Time
		line string
	}
	var list []entry
	kb := bot.Keyboard{}
	for i := range a.content.Campaigns {
		x := &a.content.Campaigns[i]
		d := x.Next(c.Now, a.adm.tz)
		if d.Before(to) {
			list = append(list, entry{d, "🎗 <b>" + x.Name.In(c.Lang) + "</b>"})
			kb = append(kb, bot.Row(bot.Btn(a.t(c, "admin_btn_campaign_draft", map[string]any{"Name": x.Name.In(c.Lang)}), "cal:d:"+x.ID)))
		}
	}
	posts, err := c.Tx.Posts(store.PostScheduled, store.PostPaused)
	if err != nil {
		return bot.Stay(), err
	}
	for _, p := range posts {
		if p.Next == 0 {
			continue
		}
		ts, _ := a.targets(p)
		var chans []string
		for _, t := range ts {
			chans = append(chans, t.Lang+"→"+esc(t.Chat))
		}
		for _, t := range a.nextRuns(p, time.Unix(p.Next-1, 0), 40) {
			if !t.Before(to) {
				break
			}
			line := fmt.Sprintf("%s · 📝 #%d %s · %s", t.In(a.adm.tz).Format("15:04"), p.ID, esc(truncate(a.postTitle(p, c.Lang), 30)), strings.Join(chans, ", "))
			if p.State == store.PostPaused {
				line += " · " + a.t(c, "admin_state_paused")
			}
			list = append(list, entry{t, line})
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].at.Before(list[j].at) })
	var b strings.Builder
	b.WriteString(a.t(c, "admin_calendar_title", map[string]any{"From": from.Format("2006-01-02"), "To": to.AddDate(0, 0, -1).Format("2006-01-02"), "Zone": esc(a.adm.tz.String())}))
	lastDay := ""
	for _, e := range list {
		d := a.t(c, "admin_weekday_"+e.at.In(a.adm.tz).Weekday().String()[:3]) + " " + e.at.In(a.adm.tz).Format("2006-01-02")
		if d != lastDay {
			b.WriteString("\n\n<b>" + d + "</b>")
			lastDay = d
		}
		b.WriteString("\n" + e.line)
	}
	if len(list) == 0 {
		b.WriteString("\n\n" + a.t(c, "admin_calendar_empty"))
	}
	kb = append(kb, a.adminBack(c))
	c.Show(b.String(), kb)
	return bot.End(), nil
}

// calendarButton: cal:m shows the calendar; cal:d:<campaign> makes a draft from the campaign's suggested post.
func (a *App) calendarButton(c *bot.Ctx) (bot.Next, error) {
	if c.Data == "cal:m" {
		return a.calendar(c)
	}
	id, ok := strings.CutPrefix(c.Data, "cal:d:")
	x, found := a.content.Campaign(id)
	if !ok || !found {
		return a.stale(c)
	}
	p := a.campaignDraft(c, x)
	p, err := c.Tx.PutPost(p)
	if err != nil {
		return bot.Stay(), err
	}
	c.ConvData = map[string]string{"pid": strconv.FormatUint(p.ID, 10)}
	c.ShowAsNew()
	return a.postEditor(c)
}

// campaignDraft is a draft post with the campaign's texts and its deep-link button.
func (a *App) campaignDraft(c *bot.Ctx, x *content.Campaign) store.Post {
	p := store.Post{State: store.PostDraft, By: c.UserID, ByLang: c.Lang, Created: c.Now.Unix(), Missing: "skip",
		Campaign: x.ID, Versions: map[string]store.PostVersion{}}
	for _, lang := range locales.Langs {
		p.Versions[lang] = store.PostVersion{Kind: "text", Text: x.Post.In(lang)}
	}
	if x.Start != "" && c.Bot.Username != "" {
		b := store.PostButton{URL: "https://t.me/" + c.Bot.Username + "?start=" + x.Start, Labels: map[string]string{}}
		for _, lang := range locales.Langs {
			b.Labels[lang] = x.Button.In(lang)
		}
		p.Buttons = []store.PostButton{b}
	}
	return p
}

// campaignsJob reminds the admins of each campaign day a week ahead, once a year.
func (a *App) campaignsJob(b *bot.Bot) bot.Job {
	return bot.Job{
		Name: "campaigns", Spec: "0 9 * * *", Grace: 24 * time.Hour,
		Run: func(ctx context.Context, now time.Time) error {
			return b.Do(func(tx *store.Tx, out *bot.Out) error { return a.remindCampaigns(tx, out, now) })
		},
	}
}

func (a *App) remindCampaigns(tx *store.Tx, out *bot.Out, now time.Time) error {
	today := a.day(now)
	out.Background()
	for i := range a.content.Campaigns {
		x := &a.content.Campaigns[i]
		d := x.Next(now, a.adm.tz)
		days := int(d.Sub(today).Hours()/24 + 0.5)
		if days < 1 || days > remindBefore {
			continue
		}
		mark := "campaign_reminded:" + x.ID + ":" + strconv.Itoa(d.Year())
		if tx.Counter(mark) > 0 {
			continue
		}
		if err := tx.Incr(mark, 1); err != nil {
			return err
		}
		ids, err := a.adminIDs(tx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			lang := a.langOfUser(tx, id)
			out.Send(bot.Message{ChatID: id,
				Text: a.loc.T(lang, "admin_campaign_reminder", map[string]any{
					"Name": x.Name.In(lang), "Date": a.loc.T(lang, "admin_weekday_"+d.Weekday().String()[:3]) + " " + d.Format("2006-01-02"), "Days": days}),
				Keyboard: bot.Keyboard{bot.Row(bot.Btn(a.loc.T(lang, "admin_btn_campaign_draft", map[string]any{"Name": x.Name.In(lang)}), "cal:d:"+x.ID))},
			})
		}
	}
	return nil
}

// adminIDs are every admin: from configuration and invited ones not removed.
func (a *App) adminIDs(tx *store.Tx) ([]int64, error) {
	seen := map[int64]bool{}
	var out []int64
	for id := range a.admins {
		seen[id] = true
		out = append(out, id)
	}
	all, err := tx.ListStaff()
	if err != nil {
		return nil, err
	}
	for _, s := range all {
		if s.Role == store.RoleAdmin && !s.Removed && !seen[s.UserID] {
			seen[s.UserID] = true
			out = append(out, s.UserID)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}
