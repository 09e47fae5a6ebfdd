package handlers

// Open calls from the bot: admins create and edit the calls that "Open calls" shows (number,
// title, description, criteria, deadline in PEERLINE_TZ, e-mail, how to apply — each text in
// the three languages), remove them, offer a channel post, and schedule a reminder post N days
// before the deadline. The calls screen (calls.go) shows the shipped calls and the stored ones
// (a stored call replaces a shipped one with the same number). Button data: ac:<action>[:<n>].

import (
	"fmt"
	"net/mail"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/content"
	"github.com/ehra/peerline/locales"
	"github.com/ehra/peerline/store"
)

// stateCallForm: an admin fills in a call, one step at a time (ConvData "cs" is the step,
// "c.<field>" the answers so far).
const stateCallForm bot.State = "adm_call"

// callSteps are the form's steps: a field, and for texts the language.
var callSteps = func() []string {
	steps := []string{"number"}
	for _, f := range []string{"title", "sought", "criteria"} {
		for _, l := range locales.Langs {
			steps = append(steps, f+"."+l)
		}
	}
	steps = append(steps, "deadline", "email")
	for _, l := range locales.Langs {
		steps = append(steps, "apply."+l)
	}
	return steps
}()

var callMax = map[string]int{"title": 200, "sought": 1500, "criteria": 1200, "apply": 2000}

var callNumberRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{1,30}$`)

func (a *App) callsAdminRoutes(r *bot.Router) {
	r.Callback("ac:", a.adminOnly(a.callsAdminButton))
	r.State(stateCallForm, a.adminOnly(a.callFormText))
	a.reprompts[stateCallForm] = a.adminOnly(a.callFormAsk)
}

// allCalls are the calls people see: the shipped ones, replaced or extended by stored ones.
func (a *App) allCalls(tx *store.Tx) ([]*content.Call, error) {
	stored, err := tx.StoredCalls()
	if err != nil {
		return nil, err
	}
	byNumber := map[string]bool{}
	var out []*content.Call
	for _, s := range stored {
		byNumber[s.Number] = true
		if !s.Removed {
			out = append(out, a.storedToCall(s))
		}
	}
	for i := range a.content.Calls {
		if x := &a.content.Calls[i]; !byNumber[x.Number] {
			out = append(out, x)
		}
	}
	return out, nil
}

// callsAt splits the calls into open ones (nearest deadline first) and closed ones (latest
// first) at now.
func (a *App) callsAt(c *bot.Ctx) (open, closed []*content.Call, err error) {
	all, err := a.allCalls(c.Tx)
	if err != nil {
		return nil, nil, err
	}
	for _, x := range all {
		if x.Open(c.Now) {
			open = append(open, x)
		} else {
			closed = append(closed, x)
		}
	}
	sort.SliceStable(open, func(i, j int) bool { return open[i].Deadline.Before(open[j].Deadline) })
	sort.SliceStable(closed, func(i, j int) bool { return closed[i].Deadline.After(closed[j].Deadline) })
	return open, closed, nil
}

// findCall returns the call with number, stored or shipped.
func (a *App) findCall(c *bot.Ctx, number string) (*content.Call, bool, error) {
	all, err := a.allCalls(c.Tx)
	for _, x := range all {
		if x.Number == number {
			return x, true, err
		}
	}
	return nil, false, err
}

func (a *App) storedToCall(s store.OpenCall) *content.Call {
	text := func(m map[string]string) content.Text { return content.Text{UK: m["uk"], RU: m["ru"], EN: m["en"]} }
	x := &content.Call{Number: s.Number, Title: text(s.Title), Sought: text(s.Sought), Apply: text(s.Apply),
		Deadline: time.Unix(s.Deadline, 0).In(a.adm.tz), Zone: s.Zone, Email: s.Email,
		Subject: s.Number + " — [your name]"}
	lines := map[string][]string{}
	n := 0
	for _, l := range locales.Langs {
		for _, line := range strings.Split(s.Criteria[l], "\n") {
			if line = strings.TrimSpace(line); line != "" {
				lines[l] = append(lines[l], line)
			}
		}
		n = max(n, len(lines[l]))
	}
	at := func(l string, i int) string {
		if i < len(lines[l]) {
			return lines[l][i]
		}
		return ""
	}
	for i := 0; i < n; i++ {
		x.Criteria = append(x.Criteria, content.Criterion{Name: content.Text{UK: at("uk", i), RU: at("ru", i), EN: at("en", i)}})
	}
	return x
}

// callsAdminButton: ac:list, ac:new, ac:e:<n> edit, ac:rm:<n> remove, ac:save, ac:x cancel,
// ac:post:<n> make a channel post draft, ac:rem:<n> ask for a reminder, ac:rd:<n>:<days>.
func (a *App) callsAdminButton(c *bot.Ctx) (bot.Next, error) {
	parts := strings.Split(strings.TrimPrefix(c.Data, "ac:"), ":")
	arg := ""
	if len(parts) > 1 {
		arg = parts[1]
	}
	switch parts[0] {
	case "list":
		return a.callsAdminList(c)
	case "new":
		c.ConvData = map[string]string{"cs": "0"}
		return a.callFormAsk(c)
	case "e":
		s, found, err := c.Tx.StoredCall(arg)
		if err != nil || !found {
			if err == nil {
				return a.stale(c)
			}
			return bot.Stay(), err
		}
		c.ConvData = map[string]string{"cs": "1", "c.number": s.Number, "edit": "1",
			"c.deadline": time.Unix(s.Deadline, 0).In(a.adm.tz).Format("2006-01-02 15:04"), "c.email": s.Email}
		for _, l := range locales.Langs {
			c.ConvData["c.title."+l] = s.Title[l]
			c.ConvData["c.sought."+l] = s.Sought[l]
			c.ConvData["c.criteria."+l] = s.Criteria[l]
			c.ConvData["c.apply."+l] = s.Apply[l]
		}
		return a.callFormAsk(c)
	case "save":
		if c.Conv != stateCallForm {
			return a.stale(c)
		}
		return a.callSave(c)
	case "x":
		c.Show(a.t(c, "admin_call_cancelled"), bot.Keyboard{bot.Row(bot.Btn(a.t(c, "admin_btn_calls"), "ac:list"))})
		return bot.End(), nil
	case "rm":
		s, found, err := c.Tx.StoredCall(arg)
		if err != nil {
			return bot.Stay(), err
		}
		if !found {
			x, ok := a.content.Call(arg)
			if !ok {
				return a.stale(c)
			}
			s = callToStored(x)
		}
		s.Removed, s.Updated = true, c.Now.Unix()
		if err := c.Tx.PutCall(s); err != nil {
			return bot.Stay(), err
		}
		if err := a.audit(c, "call.remove", s.Number); err != nil {
			return bot.Stay(), err
		}
		return a.callsAdminList(c)
	case "post":
		x, found, err := a.findCall(c, arg)
		if err != nil || !found {
			if err == nil {
				return a.stale(c)
			}
			return bot.Stay(), err
		}
		p := a.callPost(c, x, "admin_call_post")
		p, err = c.Tx.PutPost(p)
		if err != nil {
			return bot.Stay(), err
		}
		c.ConvData = map[string]string{"pid": strconv.FormatUint(p.ID, 10)}
		c.ShowAsNew()
		return a.postEditor(c)
	case "rem":
		if _, found, err := a.findCall(c, arg); err != nil || !found {
			if err == nil {
				return a.stale(c)
			}
			return bot.Stay(), err
		}
		kb := bot.Keyboard{}
		var row []bot.Button
		for _, d := range []int{1, 3, 7, 14} {
			row = append(row, bot.Btn(strconv.Itoa(d), "ac:rd:"+arg+":"+strconv.Itoa(d)))
		}
		kb = append(kb, row, bot.Row(bot.Btn(a.t(c, "admin_btn_calls"), "ac:list")))
		c.Show(a.t(c, "admin_call_reminder_ask"), kb)
		return bot.Stay(), nil
	case "rd":
		if len(parts) < 3 {
			return a.stale(c)
		}
		return a.callReminder(c, arg, parts[2])
	}
	return a.stale(c)
}

func callToStored(x *content.Call) store.OpenCall {
	m := func(t content.Text) map[string]string { return map[string]string{"uk": t.UK, "ru": t.RU, "en": t.EN} }
	s := store.OpenCall{Number: x.Number, Title: m(x.Title), Sought: m(x.Sought), Apply: m(x.Apply),
		Deadline: x.Deadline.Unix(), Zone: x.Zone, Email: x.Email, Criteria: map[string]string{}}
	for _, cr := range x.Criteria {
		for _, l := range locales.Langs {
			s.Criteria[l] += cr.Name.In(l) + "\n"
		}
	}
	return s
}

// callsAdminList lists every call with its buttons.
func (a *App) callsAdminList(c *bot.Ctx) (bot.Next, error) {
	open, closed, err := a.callsAt(c)
	if err != nil {
		return bot.Stay(), err
	}
	var b strings.Builder
	b.WriteString(a.t(c, "admin_calls_title"))
	kb := bot.Keyboard{bot.Row(bot.Btn(a.t(c, "admin_btn_call_new"), "ac:new"))}
	for _, x := range append(open, closed...) {
		status := a.t(c, "admin_call_open")
		if !x.Open(c.Now) {
			status = a.t(c, "admin_call_closed")
		}
		b.WriteString("\n• <b>" + esc(x.Number) + "</b> " + x.Title.In(c.Lang) + " — " + a.deadline(c, x.Deadline, x.Zone) + " · " + status)
		row := bot.Row(bot.Btn("✏️ "+x.Number, "ac:e:"+x.Number), bot.Btn("🗑", "ac:rm:"+x.Number))
		if x.Open(c.Now) {
			row = append(row, bot.Btn("📣", "ac:post:"+x.Number), bot.Btn("⏰", "ac:rem:"+x.Number))
		}
		if _, shipped := a.content.Call(x.Number); shipped {
			if _, stored, _ := c.Tx.StoredCall(x.Number); !stored {
				row = row[1:] // a shipped call is edited in content/data/calls.toml; it can be hidden
			}
		}
		kb = append(kb, row)
	}
	b.WriteString("\n\n" + a.t(c, "admin_calls_legend"))
	kb = append(kb, a.adminBack(c))
	c.Show(b.String(), kb)
	return bot.End(), nil
}

// callFormAsk asks the current step's question (showing the current value when editing).
func (a *App) callFormAsk(c *bot.Ctx) (bot.Next, error) {
	i, _ := strconv.Atoi(c.ConvData["cs"])
	if i >= len(callSteps) {
		return a.callPreview(c)
	}
	step := callSteps[i]
	field, lang, _ := strings.Cut(step, ".")
	q := a.t(c, "admin_call_q_"+field, map[string]any{"Zone": esc(a.adm.tz.String())})
	if lang != "" {
		q += " — <b>" + a.loc.T(lang, "lang_name") + "</b>"
	}
	q = a.t(c, "admin_call_step", map[string]any{"N": i + 1, "Of": len(callSteps)}) + "\n" + q
	if cur := c.ConvData["c."+step]; cur != "" {
		q += "\n\n" + a.t(c, "admin_call_keep") + "\n<i>" + truncate(cur, 300) + "</i>"
	}
	c.Show(q, bot.Keyboard{bot.Row(bot.Btn(a.t(c, "admin_btn_cancel_call"), "ac:x"))})
	return bot.Goto(stateCallForm), nil
}

// callFormText takes the answer to the current step.
func (a *App) callFormText(c *bot.Ctx) (bot.Next, error) {
	i, _ := strconv.Atoi(c.ConvData["cs"])
	if i >= len(callSteps) {
		return a.callPreview(c)
	}
	step := callSteps[i]
	field, _, _ := strings.Cut(step, ".")
	text := strings.TrimSpace(c.Text)
	if text == "" {
		c.Reply(a.t(c, "admin_call_text_only"), nil)
		return a.callFormAsk(c)
	}
	keep := text == "=" && c.ConvData["c."+step] != ""
	if !keep {
		problem := ""
		switch field {
		case "number":
			if !callNumberRE.MatchString(text) {
				problem = "admin_call_bad_number"
			} else if _, found, err := c.Tx.StoredCall(text); err != nil {
				return bot.Stay(), err
			} else if _, shipped := a.content.Call(text); (found || shipped) && c.ConvData["edit"] == "" {
				problem = "admin_call_number_taken"
			}
		case "deadline":
			t, err := time.ParseInLocation("2006-01-02 15:04", text, a.adm.tz)
			if err != nil {
				problem = "admin_call_bad_deadline"
			} else if !t.After(c.Now) && c.ConvData["edit"] == "" {
				problem = "admin_when_past"
			}
		case "email":
			if _, err := mail.ParseAddress(text); err != nil || !strings.Contains(text, "@") {
				problem = "admin_call_bad_email"
			}
		default:
			if text == "-" && field == "criteria" {
				text = ""
			} else if n := utf8.RuneCountInString(text); n > callMax[field] {
				c.Reply(a.t(c, "admin_post_too_long", map[string]any{"N": n, "Max": callMax[field]}), nil)
				return a.callFormAsk(c)
			}
			text = esc(text)
		}
		if problem != "" {
			c.Reply(a.t(c, problem), nil)
			return a.callFormAsk(c)
		}
		c.ConvData["c."+step] = text
		if field == "criteria" && text == "" {
			c.ConvData["c."+step] = " "
		}
	}
	c.ConvData["cs"] = strconv.Itoa(i + 1)
	return a.callFormAsk(c)
}

// formCall builds the call from the form's answers.
func (a *App) formCall(c *bot.Ctx) store.OpenCall {
	s := store.OpenCall{Number: c.ConvData["c.number"], Email: c.ConvData["c.email"], Title: map[string]string{},
		Sought: map[string]string{}, Criteria: map[string]string{}, Apply: map[string]string{}, Updated: c.Now.Unix()}
	for _, l := range locales.Langs {
		s.Title[l] = c.ConvData["c.title."+l]
		s.Sought[l] = c.ConvData["c.sought."+l]
		s.Criteria[l] = strings.TrimSpace(c.ConvData["c.criteria."+l])
		s.Apply[l] = c.ConvData["c.apply."+l]
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04", c.ConvData["c.deadline"], a.adm.tz); err == nil {
		s.Deadline = t.Unix()
		s.Zone = t.Format("MST")
	}
	return s
}

// callPreview shows the call as people will see it, with Save and Cancel.
func (a *App) callPreview(c *bot.Ctx) (bot.Next, error) {
	x := a.storedToCall(a.formCall(c))
	c.Show(a.t(c, "admin_call_preview")+"\n\n"+a.callText(c, x, x.Open(c.Now)), bot.Keyboard{
		bot.Row(bot.Btn(a.t(c, "admin_btn_call_save"), "ac:save"), bot.Btn(a.t(c, "admin_btn_cancel_call"), "ac:x")),
	})
	return bot.Goto(stateCallForm), nil
}

// callSave stores the call and offers a channel post and a reminder.
func (a *App) callSave(c *bot.Ctx) (bot.Next, error) {
	s := a.formCall(c)
	if s.Number == "" || s.Deadline == 0 {
		return a.stale(c)
	}
	action := "call.create"
	if c.ConvData["edit"] != "" {
		action = "call.edit"
	}
	if err := c.Tx.PutCall(s); err != nil {
		return bot.Stay(), err
	}
	if err := a.audit(c, action, s.Number+", deadline "+time.Unix(s.Deadline, 0).In(a.adm.tz).Format("2006-01-02 15:04 MST")); err != nil {
		return bot.Stay(), err
	}
	c.Show(a.t(c, "admin_call_saved", map[string]any{"Number": esc(s.Number)}), bot.Keyboard{
		bot.Row(bot.Btn(a.t(c, "admin_btn_call_post"), "ac:post:"+s.Number)),
		bot.Row(bot.Btn(a.t(c, "admin_btn_call_reminder"), "ac:rem:"+s.Number)),
		bot.Row(bot.Btn(a.t(c, "admin_btn_calls"), "ac:list")),
	})
	return bot.End(), nil
}

// callPost is a draft post announcing x (text key: admin_call_post or admin_call_reminder_post),
// with a button that opens the open calls in the bot.
func (a *App) callPost(c *bot.Ctx, x *content.Call, key string) store.Post {
	p := store.Post{State: store.PostDraft, By: c.UserID, ByLang: c.Lang, Created: c.Now.Unix(), Missing: "skip",
		Versions: map[string]store.PostVersion{}}
	b := store.PostButton{URL: "https://t.me/" + c.Bot.Username + "?start=calls", Labels: map[string]string{}}
	for _, l := range locales.Langs {
		deadline := stripHTML(a.loc.T(l, "admin_call_deadline", map[string]any{
			"Date": x.Deadline.In(a.adm.tz).Format("2006-01-02 15:04"), "Zone": x.Zone}))
		p.Versions[l] = store.PostVersion{Kind: "text", Text: a.loc.T(l, key, map[string]any{
			"Number": x.Number, "Title": stripHTML(x.Title.In(l)), "Deadline": deadline})}
		b.Labels[l] = a.loc.T(l, "admin_call_btn_details")
	}
	p.Buttons = []store.PostButton{b}
	return p
}

// callReminder schedules a reminder post days before the call's deadline, at 10:00.
func (a *App) callReminder(c *bot.Ctx, number, days string) (bot.Next, error) {
	x, found, err := a.findCall(c, number)
	if err != nil || !found {
		if err == nil {
			return a.stale(c)
		}
		return bot.Stay(), err
	}
	n, err := strconv.Atoi(days)
	if err != nil || n < 1 || n > 60 {
		return a.stale(c)
	}
	at := a.day(x.Deadline.Add(-time.Minute)).AddDate(0, 0, -n).Add(10 * time.Hour)
	if !at.After(c.Now) {
		c.Answer(a.t(c, "admin_when_past"))
		return bot.Stay(), nil
	}
	p := a.callPost(c, x, "admin_call_reminder_post")
	p.State, p.Kind, p.At, p.Next = store.PostScheduled, "once", at.Unix(), at.Unix()
	if p, err = c.Tx.PutPost(p); err != nil {
		return bot.Stay(), err
	}
	if err := a.audit(c, "post.schedule", fmt.Sprintf("post #%d, reminder for call %s, %s", p.ID, number, at.In(a.adm.tz).Format("2006-01-02 15:04 MST"))); err != nil {
		return bot.Stay(), err
	}
	c.Show(a.t(c, "admin_post_scheduled", map[string]any{"When": esc(a.fmtTime(c, at))}), bot.Keyboard{
		bot.Row(bot.Btn(a.t(c, "admin_btn_post_status"), "ps:o:"+strconv.FormatUint(p.ID, 10))),
		bot.Row(bot.Btn(a.t(c, "admin_btn_calls"), "ac:list"))})
	return bot.End(), nil
}
