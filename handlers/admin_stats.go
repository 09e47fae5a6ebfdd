package handlers

// /stats: counts for the last 7, 30 or 90 days, and the same as a CSV document for reports to
// donors. Counts only — no ids, no texts, no lists of people — and any count below 5 is shown as
// "<5". People come from the coarse profile dates (store.People); everything else from per-day
// counters (store.IncrDay): sections opened (counted here, by a middleware), posts (delivery),
// and the case counters the cases flows keep (see the report's list of names).

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/locales"
	"github.com/ehra/peerline/store"
)

// statsWindows are the windows /stats offers, in days.
var statsWindows = []int{7, 30, 90}

// minShown is the smallest count shown as a number.
const minShown = 5

// sectionRoutes map a route to the section it opens (entry points only).
var sectionRoutes = map[string]string{
	"cmd:overdose": "overdose", "text:overdose": "overdose",
	"cmd:treatment": "treatment", "cb:tr:start": "treatment",
	"cmd:humanitarian": "humanitarian", "cb:hu:start": "humanitarian",
	"cmd:nps": "nps", "cb:nps": "nps", "cmd:combo": "combo", "cb:cmb": "combo",
	"cb:mem": "membership", "cb:calls": "calls", "cb:about": "about",
}

// statSections are the sections counted, in display order.
var statSections = []string{"overdose", "treatment", "humanitarian", "nps", "combo", "membership", "calls", "about"}

func (a *App) statsRoutes(r *bot.Router) {
	r.Command("stats", a.adminOnly(a.statsCmd))
	r.Callback("st:", a.adminOnly(a.statsButton))
}

// countSections is a middleware: a person opening a section adds one to the day's counter
// "section_<name>" (deep links /start <section> too). Nothing about who.
func (a *App) countSections(next bot.HandlerFunc) bot.HandlerFunc {
	return func(c *bot.Ctx) (bot.Next, error) {
		if c.IsPrivate() && c.Role == bot.RoleUser {
			name := sectionRoutes[c.Route]
			if c.Route == "cmd:start" && c.Args != "" {
				for _, s := range statSections {
					if c.Args == s {
						name = s
					}
				}
				if c.Args == "ost" || c.Args == "art" || c.Args == "tb" || c.Args == "hcv" {
					name = "treatment"
				}
			}
			if name != "" {
				if err := c.Tx.IncrDay("section_"+name, c.Now, 1); err != nil {
					return bot.Stay(), err
				}
			}
		}
		return next(c)
	}
}

// statRow is one line of the statistics: a label key (or literal label) and its values per
// window.
type statRow struct {
	label  string
	values []string
}

// mask shows a count, or "<5" when it is below minShown.
func mask(n int64) string {
	if n < minShown {
		return "<" + strconv.Itoa(minShown)
	}
	return strconv.FormatInt(n, 10)
}

// statRows computes every row for every window, in lang.
func (a *App) statRows(tx *store.Tx, now time.Time, lang string) ([]statRow, error) {
	T := func(key string, data ...map[string]any) string { return stripHTML(a.loc.T(lang, key, data...)) }
	var rows []statRow
	add := func(label string, f func(days int) string) {
		r := statRow{label: label}
		for _, d := range statsWindows {
			r.values = append(r.values, f(d))
		}
		rows = append(rows, r)
	}
	people := map[int]store.PeopleStats{}
	for _, d := range statsWindows {
		p, err := tx.People(now, d, func(id int64) bool { return a.admins[id] })
		if err != nil {
			return nil, err
		}
		people[d] = p
	}
	add(T("admin_stat_people_new"), func(d int) string { return mask(int64(people[d].New)) })
	add(T("admin_stat_people_active"), func(d int) string { return mask(int64(people[d].Active)) })
	for _, l := range locales.Langs {
		add(T("admin_stat_people_lang", map[string]any{"Lang": a.loc.T(l, "lang_name")}), func(d int) string { return mask(int64(people[d].ByLang[l])) })
	}
	day := func(name string) func(int) string {
		return func(d int) string { return mask(tx.SumDays(name, now, d)) }
	}
	for _, s := range statSections {
		add(T("admin_stat_section", map[string]any{"Name": T("admin_section_" + s)}), day("section_"+s))
	}
	for _, name := range []string{"cases_opened", "cases_taken", "cases_closed", "cases_urgent", "followups_answered"} {
		add(T("admin_stat_"+name), day(name))
	}
	for _, q := range []struct {
		key string
		q   float64
	}{{"admin_stat_wait_median", 0.5}, {"admin_stat_wait_p90", 0.9}} {
		add(T(q.key), func(d int) string {
			bound, n, more := tx.WaitQuantile(now, d, q.q)
			if n < minShown {
				return T("admin_stat_too_few")
			}
			if more {
				return "> " + bound.String()
			}
			return "≤ " + strings.TrimSuffix(strings.TrimSuffix(bound.String(), "0s"), "0m") // 15m0s → 15m
		})
	}
	names := tx.DayCounterNames()
	sort.Strings(names)
	for _, prefix := range []string{"rating_", "outcome_"} {
		for _, n := range names {
			if strings.HasPrefix(n, prefix) {
				name := strings.TrimPrefix(n, prefix)
				if prefix == "outcome_" {
					// The outcome's name as consultants pick it (consult_outcome_<code>).
					if label, err := a.loc.Render(lang, "consult_outcome_"+name); err == nil {
						name = stripHTML(label)
					}
				}
				add(T("admin_stat_"+strings.TrimSuffix(prefix, "_"), map[string]any{"Name": name}), day(n))
			}
		}
	}
	add(T("admin_stat_posts_published"), day("posts_published"))
	add(T("admin_stat_posts_failed"), day("posts_failed"))
	add(T("admin_stat_posts_missed"), day("posts_missed"))
	add(T("admin_stat_posts_campaign"), day("posts_campaign"))
	for _, ch := range a.adm.channels {
		add(T("admin_stat_channel_published", map[string]any{"Chat": ch.Chat}), day("posts_published:"+ch.Chat))
		add(T("admin_stat_channel_failed", map[string]any{"Chat": ch.Chat}), day("posts_failed:"+ch.Chat))
	}
	return rows, nil
}

func (a *App) statsCmd(c *bot.Ctx) (bot.Next, error) { return a.showStats(c, 1) }

// statsButton: st:<days> shows a window; st:csv sends the CSV document.
func (a *App) statsButton(c *bot.Ctx) (bot.Next, error) {
	arg := strings.TrimPrefix(c.Data, "st:")
	if arg == "csv" {
		return a.statsCSV(c)
	}
	days, err := strconv.Atoi(arg)
	for i, w := range statsWindows {
		if err == nil && w == days {
			return a.showStats(c, i)
		}
	}
	return a.stale(c)
}

// showStats shows the window statsWindows[idx].
func (a *App) showStats(c *bot.Ctx, idx int) (bot.Next, error) {
	rows, err := a.statRows(c.Tx, c.Now, c.Lang)
	if err != nil {
		return bot.Stay(), err
	}
	var b strings.Builder
	b.WriteString(a.loc.N(c.Lang, "admin_stats_title", statsWindows[idx], nil) + "\n")
	for _, r := range rows {
		b.WriteString("\n" + esc(r.label) + ": <b>" + esc(r.values[idx]) + "</b>")
	}
	b.WriteString("\n\n" + a.t(c, "admin_stats_note"))
	var win []bot.Button
	for i, d := range statsWindows {
		label := a.loc.N(c.Lang, "admin_btn_stats_days", d, nil)
		if i == idx {
			label = "• " + label
		}
		win = append(win, bot.Btn(label, "st:"+strconv.Itoa(d)))
	}
	c.Show(b.String(), bot.Keyboard{win, bot.Row(bot.Btn(a.t(c, "admin_btn_stats_csv"), "st:csv")), a.adminBack(c)})
	return bot.End(), nil
}

// statsCSV sends every window as a CSV document (metric, 7, 30, 90 days), after the commit.
func (a *App) statsCSV(c *bot.Ctx) (bot.Next, error) {
	rt := a.runtime()
	if rt == nil {
		c.Answer(a.t(c, "admin_dir_unavailable"))
		return bot.Stay(), nil
	}
	rows, err := a.statRows(c.Tx, c.Now, c.Lang)
	if err != nil {
		return bot.Stay(), err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := []string{"metric"}
	for _, d := range statsWindows {
		header = append(header, fmt.Sprintf("%d days", d))
	}
	_ = w.Write(header)
	for _, r := range rows {
		_ = w.Write(append([]string{r.label}, r.values...))
	}
	w.Flush()
	c.Answer("")
	chat, lang, data := c.ChatID, c.Lang, buf.Bytes()
	name := "peerline-stats-" + c.Now.In(a.adm.tz).Format("2006-01-02") + ".csv"
	a.dirs.wg.Add(1)
	c.Tx.AfterCommit(func() {
		go func() {
			defer a.dirs.wg.Done()
			if err := rt.SendFile(chat, name, data, a.loc.T(lang, "admin_stats_csv_caption")); err != nil {
				a.log.Warn("statistics CSV not sent", "err", err)
			}
		}()
	})
	return bot.Stay(), nil
}
