package handlers

// Posts: an admin drafts a channel post as ordinary Telegram messages, one per language, adds
// link buttons and options, previews the exact payloads, and publishes now or on a schedule.
// Button data: pd:<action> while drafting (the post's id is in the conversation), ps:<action>:<id>
// from /scheduled. Delivery is in admin_delivery.go.

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/robfig/cron/v3"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/locales"
	"github.com/ehra/peerline/store"
)

// statePost: an admin is drafting or editing a post; ConvData "pid" is its id and "what" says
// what a message is taken as: "v:<lang>" a version, "album:<lang>" more files of an album,
// "btn" a link button, "when" a date and time or a cron expression.
const statePost bot.State = "adm_post"

// Telegram's limits for a post's text and a media caption (UTF-16 code units).
const (
	maxPostText    = 4096
	maxPostCaption = 1024
	maxPostButtons = 8
)

// Schedule presets: cron expressions in PEERLINE_TZ.
var schedulePresets = []struct{ code, spec string }{
	{"daily", "0 10 * * *"},
	{"mon", "0 10 * * 1"},
	{"month", "0 10 1 * *"},
}

func (a *App) postRoutes(r *bot.Router) {
	r.Command("post", a.adminOnly(a.postNew))
	r.Callback("pd:new", a.adminOnly(a.postNew))
	r.Callback("pd:", a.adminOnly(a.postButton), statePost)
	r.State(statePost, a.adminOnly(a.postInput))
	a.reprompts[statePost] = a.adminOnly(a.postEditor)
	r.Command("scheduled", a.adminOnly(a.scheduledList))
	r.Callback("ps:", a.adminOnly(a.scheduledButton))
}

// loadPost reads the conversation's post.
func (a *App) loadPost(c *bot.Ctx) (store.Post, bool, error) {
	id, err := strconv.ParseUint(c.ConvData["pid"], 10, 64)
	if err != nil {
		return store.Post{}, false, nil
	}
	return c.Tx.Post(id)
}

func (a *App) savePost(c *bot.Ctx, p store.Post) (store.Post, error) {
	p.Updated = c.Now.Unix()
	return c.Tx.PutPost(p)
}

// postNew starts a draft and asks for the version in the admin's language.
func (a *App) postNew(c *bot.Ctx) (bot.Next, error) {
	p, err := c.Tx.PutPost(store.Post{State: store.PostDraft, By: c.UserID, ByLang: c.Lang, Created: c.Now.Unix(), Missing: "skip"})
	if err != nil {
		return bot.Stay(), err
	}
	c.ConvData = map[string]string{"pid": strconv.FormatUint(p.ID, 10)}
	return a.askVersion(c, c.Lang)
}

func (a *App) askVersion(c *bot.Ctx, lang string) (bot.Next, error) {
	c.ConvData["what"] = "v:" + lang
	c.Show(a.t(c, "admin_post_send", map[string]any{"Lang": a.loc.T(lang, "lang_name")}),
		bot.Keyboard{bot.Row(bot.Btn(a.t(c, "admin_btn_back_editor"), "pd:ed"))})
	return bot.Goto(statePost), nil
}

// postInput takes a message as a version, a button or a schedule, by ConvData "what".
func (a *App) postInput(c *bot.Ctx) (bot.Next, error) {
	p, found, err := a.loadPost(c)
	if err != nil || !found {
		if err == nil {
			c.Reply(a.t(c, "admin_post_gone"), nil)
		}
		return bot.End(), err
	}
	what := c.ConvData["what"]
	m := c.Update.Message
	switch {
	case strings.HasPrefix(what, "album:") && m != nil && m.MediaGroupID != "":
		lang := strings.TrimPrefix(what, "album:")
		v := p.Versions[lang]
		if v.Group == m.MediaGroupID && len(v.Files) < 10 {
			if f, ok := mediaOf(m); ok {
				v.Files = append(v.Files, f)
				v.Kind = "album"
				p.Versions[lang] = v
				_, err := a.savePost(c, p)
				return bot.Stay(), err
			}
		}
		c.ConvData["what"] = ""
		return a.postInput(c)
	case strings.HasPrefix(what, "v:"):
		return a.takeVersion(c, p, strings.TrimPrefix(what, "v:"))
	case what == "btn":
		return a.takeButton(c, p)
	case what == "when":
		return a.takeWhen(c, p)
	}
	return a.postEditor(c)
}

// mediaOf reads a message's single media file.
func mediaOf(m *tgbotapi.Message) (store.PostFile, bool) {
	switch {
	case len(m.Photo) > 0:
		return store.PostFile{Kind: "photo", ID: m.Photo[len(m.Photo)-1].FileID}, true
	case m.Video != nil:
		return store.PostFile{Kind: "video", ID: m.Video.FileID}, true
	case m.Document != nil:
		return store.PostFile{Kind: "document", ID: m.Document.FileID}, true
	}
	return store.PostFile{}, false
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// takeVersion stores the message as the version in lang, and edits already published
// messages of that version.
func (a *App) takeVersion(c *bot.Ctx, p store.Post, lang string) (bot.Next, error) {
	m := c.Update.Message
	if m == nil {
		return a.postEditor(c)
	}
	v := store.PostVersion{Kind: "text", Text: m.Text}
	ents := m.Entities
	if f, ok := mediaOf(m); ok {
		v = store.PostVersion{Kind: f.Kind, Text: m.Caption, Files: []store.PostFile{f}, Group: m.MediaGroupID}
		ents = m.CaptionEntities
		if m.MediaGroupID != "" {
			v.Kind = "album"
		}
	} else if m.Text == "" {
		c.Reply(a.t(c, "admin_post_unsupported"), nil)
		return bot.Stay(), nil
	}
	limit := maxPostText
	if len(v.Files) > 0 {
		limit = maxPostCaption
	}
	if n := utf16Len(v.Text); n > limit {
		c.Reply(a.t(c, "admin_post_too_long", map[string]any{"N": n, "Max": limit}), nil)
		return bot.Stay(), nil
	}
	if len(ents) > 0 {
		b, err := json.Marshal(ents)
		if err != nil {
			return bot.Stay(), err
		}
		v.Entities = b
	}
	old, had := p.Versions[lang]
	if p.Versions == nil {
		p.Versions = map[string]store.PostVersion{}
	}
	p.Versions[lang] = v
	edited := 0
	if had && p.State != store.PostDraft {
		var err error
		if edited, err = a.editPublished(c, p, lang, old); err != nil {
			return bot.Stay(), err
		}
		if err := a.audit(c, "post.edit", fmt.Sprintf("post #%d, %s version, %d published message(s) edited", p.ID, lang, edited)); err != nil {
			return bot.Stay(), err
		}
	}
	if _, err := a.savePost(c, p); err != nil {
		return bot.Stay(), err
	}
	c.ConvData["what"] = ""
	if v.Kind == "album" {
		c.ConvData["what"] = "album:" + lang
	}
	if edited > 0 {
		c.Reply(a.t(c, "admin_post_edited", map[string]any{"N": edited}), nil)
	}
	// Ask for the next missing language, else show the editor.
	for _, l := range locales.Langs {
		if _, ok := p.Versions[l]; !ok && !had && p.State == store.PostDraft {
			c.Reply(a.t(c, "admin_post_saved", map[string]any{"Lang": a.loc.T(lang, "lang_name")}), nil)
			return a.postEditor(c)
		}
	}
	return a.postEditor(c)
}

// editPublished edits every sent message of version lang (text or caption and buttons).
func (a *App) editPublished(c *bot.Ctx, p store.Post, lang string, old store.PostVersion) (int, error) {
	runs, err := c.Tx.PostRuns(p.ID)
	if err != nil {
		return 0, err
	}
	v := p.Versions[lang]
	if (len(v.Files) > 0) != (len(old.Files) > 0) {
		return 0, nil // text cannot become media by an edit; the new version is used for future runs
	}
	c.Background()
	n := 0
	for _, r := range runs {
		if r.Lang != lang || r.Deleted {
			continue
		}
		ref, found, err := c.Tx.Ref(r.Ref)
		if err != nil {
			return n, err
		}
		if !found || !ref.Sent() {
			continue
		}
		c.EditPost(r.Chat, ref.MessageID, len(v.Files) > 0, v.Text, string(v.Entities), a.postKeyboard(p, lang), p.NoPreview)
		n++
	}
	return n, nil
}

// takeButton reads "URL | label uk | label ru | label en".
func (a *App) takeButton(c *bot.Ctx, p store.Post) (bot.Next, error) {
	parts := strings.Split(c.Text, "|")
	url := strings.TrimSpace(parts[0])
	var labels []string
	for _, s := range parts[1:] {
		if s = strings.TrimSpace(s); s != "" {
			labels = append(labels, s)
		}
	}
	okURL := strings.HasPrefix(url, "https://") || strings.HasPrefix(url, "http://") || strings.HasPrefix(url, "tg://")
	if !okURL || len(labels) == 0 || len(url) > 512 {
		c.Reply(a.t(c, "admin_post_button_bad"), nil)
		return bot.Stay(), nil
	}
	b := store.PostButton{URL: url, Labels: map[string]string{}}
	for i, lang := range locales.Langs {
		l := labels[min(i, len(labels)-1)]
		b.Labels[lang] = string([]rune(l)[:min(len([]rune(l)), 40)])
	}
	if len(p.Buttons) < maxPostButtons {
		p.Buttons = append(p.Buttons, b)
	}
	if _, err := a.savePost(c, p); err != nil {
		return bot.Stay(), err
	}
	c.ConvData["what"] = ""
	return a.postEditor(c)
}

// postKeyboard is the post's link buttons in lang (nil if none).
func (a *App) postKeyboard(p store.Post, lang string) bot.Keyboard {
	if len(p.Buttons) == 0 {
		return nil
	}
	kb := bot.Keyboard{}
	for _, b := range p.Buttons {
		label := b.Labels[lang]
		if label == "" {
			label = b.Labels[locales.Default]
		}
		kb = append(kb, bot.Row(bot.Button{Text: label, URL: b.URL}))
	}
	return kb
}

// payload is the exact call a version makes in chat.
func (a *App) payload(p store.Post, lang, chat string) bot.ChannelPost {
	v := p.Versions[lang]
	cp := bot.ChannelPost{Chat: chat, Text: v.Text, Entities: string(v.Entities), Keyboard: a.postKeyboard(p, lang),
		Silent: p.Silent, NoPreview: p.NoPreview, Protect: p.Protect}
	for _, f := range v.Files {
		cp.Files = append(cp.Files, bot.MediaFile{Kind: f.Kind, ID: f.ID})
	}
	return cp
}

// target is a channel and the version it gets.
type target struct{ Chat, Lang string }

// targets resolves the post's channels and versions; held is true when the post must wait for
// a missing version.
func (a *App) targets(p store.Post) (out []target, held bool) {
	for _, ch := range a.adm.channels {
		if _, ok := p.Versions[ch.Lang]; ok {
			out = append(out, target{ch.Chat, ch.Lang})
			continue
		}
		switch p.Missing {
		case "hold":
			held = true
		case "", "skip":
		default:
			if _, ok := p.Versions[p.Missing]; ok {
				out = append(out, target{ch.Chat, p.Missing})
			}
		}
	}
	return out, held
}

// postEditor shows the draft with its versions, buttons, options and actions.
func (a *App) postEditor(c *bot.Ctx) (bot.Next, error) {
	p, found, err := a.loadPost(c)
	if err != nil || !found {
		if err == nil {
			c.Reply(a.t(c, "admin_post_gone"), nil)
		}
		return bot.End(), err
	}
	c.ConvData["what"] = ""
	var b strings.Builder
	b.WriteString(a.t(c, "admin_post_editor_title", map[string]any{"ID": p.ID, "State": a.t(c, "admin_state_"+p.State)}) + "\n\n")
	for _, lang := range locales.Langs {
		v, ok := p.Versions[lang]
		status := a.t(c, "admin_post_version_missing")
		if ok {
			status = a.t(c, "admin_post_kind_"+v.Kind, map[string]any{"N": len(v.Files)}) + " · " + esc(truncate(v.Text, 40))
		}
		b.WriteString("• " + a.loc.T(lang, "lang_name") + ": " + status + "\n")
	}
	b.WriteString("\n" + a.t(c, "admin_post_buttons", map[string]any{"N": len(p.Buttons)}))
	for _, btn := range p.Buttons {
		b.WriteString("\n  🔗 " + esc(btn.Labels[c.Lang]) + " → " + esc(btn.URL))
	}
	b.WriteString("\n" + a.t(c, "admin_post_channels") + " ")
	if len(a.adm.channels) == 0 {
		b.WriteString(a.t(c, "admin_post_no_channels"))
	}
	for i, ch := range a.adm.channels {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(ch.Lang + " → " + esc(ch.Chat))
	}
	b.WriteString("\n" + a.t(c, "admin_post_missing") + " " + a.missingLabel(c, p.Missing))
	on := func(x bool) string {
		if x {
			return "✅ "
		}
		return "▫️ "
	}
	kb := bot.Keyboard{}
	var vb []bot.Button
	for _, lang := range locales.Langs {
		vb = append(vb, bot.Btn("✍️ "+strings.ToUpper(lang), "pd:v:"+lang))
	}
	kb = append(kb, vb)
	btnRow := bot.Row(bot.Btn(a.t(c, "admin_btn_add_button"), "pd:btn"))
	if len(p.Buttons) > 0 {
		btnRow = append(btnRow, bot.Btn(a.t(c, "admin_btn_clear_buttons"), "pd:btnclr"))
	}
	kb = append(kb, btnRow,
		bot.Row(bot.Btn(on(p.Pin)+a.t(c, "admin_opt_pin"), "pd:o:pin"), bot.Btn(on(p.UnpinPrev)+a.t(c, "admin_opt_unpin"), "pd:o:unpin")),
		bot.Row(bot.Btn(on(p.Silent)+a.t(c, "admin_opt_silent"), "pd:o:silent"), bot.Btn(on(p.NoPreview)+a.t(c, "admin_opt_nopv"), "pd:o:nopv"), bot.Btn(on(p.Protect)+a.t(c, "admin_opt_protect"), "pd:o:prot")),
		bot.Row(bot.Btn(a.t(c, "admin_btn_missing"), "pd:miss")),
	)
	if len(p.Versions) > 0 {
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "admin_btn_preview"), "pd:pv")))
	}
	if p.State == store.PostDraft {
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "admin_btn_cancel_draft"), "pd:x")))
	} else {
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "admin_btn_done"), "pd:done")))
	}
	c.Show(b.String(), kb)
	return bot.Goto(statePost), nil
}

func (a *App) missingLabel(c *bot.Ctx, m string) string {
	switch m {
	case "", "skip":
		return a.t(c, "admin_missing_skip")
	case "hold":
		return a.t(c, "admin_missing_hold")
	}
	return a.t(c, "admin_missing_other", map[string]any{"Lang": a.loc.T(m, "lang_name")})
}

// postButton handles the drafting buttons.
func (a *App) postButton(c *bot.Ctx) (bot.Next, error) {
	p, found, err := a.loadPost(c)
	if err != nil || !found {
		if err == nil {
			c.Answer(a.t(c, "admin_post_gone"))
		}
		return bot.End(), err
	}
	arg := strings.TrimPrefix(c.Data, "pd:")
	switch {
	case strings.HasPrefix(arg, "v:"):
		lang := strings.TrimPrefix(arg, "v:")
		if !locales.Supported(lang) {
			return a.stale(c)
		}
		return a.askVersion(c, lang)
	case arg == "ed":
		return a.postEditor(c)
	case arg == "btn":
		c.ConvData["what"] = "btn"
		c.Show(a.t(c, "admin_post_button_ask", map[string]any{"Bot": esc(c.Bot.Username)}),
			bot.Keyboard{bot.Row(bot.Btn(a.t(c, "admin_btn_back_editor"), "pd:ed"))})
		return bot.Stay(), nil
	case arg == "btnclr":
		p.Buttons = nil
	case strings.HasPrefix(arg, "o:"):
		switch strings.TrimPrefix(arg, "o:") {
		case "pin":
			p.Pin = !p.Pin
		case "unpin":
			p.UnpinPrev = !p.UnpinPrev
		case "silent":
			p.Silent = !p.Silent
		case "nopv":
			p.NoPreview = !p.NoPreview
		case "prot":
			p.Protect = !p.Protect
		}
	case arg == "miss":
		cycle := append([]string{"skip", "hold"}, locales.Langs...)
		cur := p.Missing
		if cur == "" {
			cur = "skip"
		}
		for i, m := range cycle {
			if m == cur {
				p.Missing = cycle[(i+1)%len(cycle)]
				break
			}
		}
	case arg == "pv":
		return a.postPreview(c, p)
	case arg == "pub":
		return a.publishNow(c, p)
	case arg == "when":
		return a.askWhen(c, p)
	case strings.HasPrefix(arg, "at:"):
		for _, pr := range schedulePresets {
			if pr.code == strings.TrimPrefix(arg, "at:") {
				c.ConvData["sk"], c.ConvData["scron"] = "cron", pr.spec
				delete(c.ConvData, "suntil")
				delete(c.ConvData, "scount")
				return a.confirmWhen(c, p)
			}
		}
		return a.stale(c)
	case arg == "ok":
		return a.applyWhen(c, p)
	case arg == "x":
		if p.State == store.PostDraft {
			if err := c.Tx.DeletePost(p.ID); err != nil {
				return bot.Stay(), err
			}
		}
		c.Show(a.t(c, "admin_post_cancelled"), bot.Keyboard{a.adminBack(c)})
		return bot.End(), nil
	case arg == "done":
		c.Show(a.t(c, "admin_post_saved_all"), bot.Keyboard{a.adminBack(c)})
		return bot.End(), nil
	default:
		return a.stale(c)
	}
	if _, err := a.savePost(c, p); err != nil {
		return bot.Stay(), err
	}
	if p.State != store.PostDraft {
		if err := a.audit(c, "post.options", fmt.Sprintf("post #%d: %s", p.ID, arg)); err != nil {
			return bot.Stay(), err
		}
	}
	return a.postEditor(c)
}

// postPreview sends the admin each version exactly as a channel would get it, then the actions.
func (a *App) postPreview(c *bot.Ctx, p store.Post) (bot.Next, error) {
	c.ShowAsNew()
	c.Answer("")
	chat := strconv.FormatInt(c.ChatID, 10)
	for _, lang := range locales.Langs {
		if _, ok := p.Versions[lang]; !ok {
			continue
		}
		c.Reply(a.t(c, "admin_preview_of", map[string]any{"Lang": a.loc.T(lang, "lang_name")}), nil)
		c.Post(a.payload(p, lang, chat))
	}
	var b strings.Builder
	b.WriteString(a.t(c, "admin_preview_targets"))
	ts, held := a.targets(p)
	for _, t := range ts {
		b.WriteString("\n• " + esc(t.Chat) + " ← " + a.loc.T(t.Lang, "lang_name"))
	}
	if len(ts) == 0 {
		b.WriteString("\n" + a.t(c, "admin_preview_no_targets"))
	}
	if held {
		b.WriteString("\n" + a.t(c, "admin_preview_held"))
	}
	kb := bot.Keyboard{}
	if len(ts) > 0 && !held && p.State == store.PostDraft {
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "admin_btn_publish"), "pd:pub"), bot.Btn(a.t(c, "admin_btn_schedule"), "pd:when")))
	}
	kb = append(kb, bot.Row(bot.Btn(a.t(c, "admin_btn_edit"), "pd:ed")))
	if p.State == store.PostDraft {
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "admin_btn_cancel_draft"), "pd:x")))
	}
	c.Reply(b.String(), kb)
	return bot.Stay(), nil
}

// publishNow schedules the post for this moment and claims its run at once.
func (a *App) publishNow(c *bot.Ctx, p store.Post) (bot.Next, error) {
	if p.State != store.PostDraft {
		return a.stale(c)
	}
	p.Kind, p.At, p.Next, p.State, p.By, p.ByLang = "now", c.Now.Unix(), c.Now.Unix(), store.PostScheduled, c.UserID, c.Lang
	ts, _ := a.targets(p)
	c.Show(a.t(c, "admin_post_publishing", map[string]any{"N": len(ts)}), bot.Keyboard{
		bot.Row(bot.Btn(a.t(c, "admin_btn_post_status"), "ps:o:"+strconv.FormatUint(p.ID, 10))), a.adminBack(c)})
	if err := a.audit(c, "post.publish", fmt.Sprintf("post #%d now, %d channel(s)", p.ID, len(ts))); err != nil {
		return bot.Stay(), err
	}
	p, err := a.runDue(c.Tx, c.Out, p, c.Now)
	if err != nil {
		return bot.Stay(), err
	}
	if _, err := a.savePost(c, p); err != nil {
		return bot.Stay(), err
	}
	return bot.End(), nil
}

// askWhen offers the presets and asks for a date and time or a cron expression.
func (a *App) askWhen(c *bot.Ctx, p store.Post) (bot.Next, error) {
	c.ConvData["what"] = "when"
	kb := bot.Keyboard{}
	for _, pr := range schedulePresets {
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "admin_preset_"+pr.code), "pd:at:"+pr.code)))
	}
	kb = append(kb, bot.Row(bot.Btn(a.t(c, "admin_btn_back_editor"), "pd:ed")))
	example := c.Now.In(a.adm.tz).Add(time.Hour).Format("2006-01-02 15:04")
	c.ShowAsNew()
	c.Show(a.t(c, "admin_when_ask", map[string]any{"Zone": esc(a.adm.tz.String()), "Example": example}), kb)
	return bot.Goto(statePost), nil
}

// takeWhen parses "YYYY-MM-DD HH:MM", or a cron expression with optional "until=YYYY-MM-DD"
// and "count=N".
func (a *App) takeWhen(c *bot.Ctx, p store.Post) (bot.Next, error) {
	text := strings.TrimSpace(c.Text)
	if t, err := time.ParseInLocation("2006-01-02 15:04", text, a.adm.tz); err == nil {
		if !t.After(c.Now) {
			c.Reply(a.t(c, "admin_when_past"), nil)
			return bot.Stay(), nil
		}
		c.ConvData["sk"], c.ConvData["sat"] = "once", strconv.FormatInt(t.Unix(), 10)
		return a.confirmWhen(c, p)
	}
	var spec []string
	delete(c.ConvData, "suntil")
	delete(c.ConvData, "scount")
	for _, f := range strings.Fields(text) {
		switch {
		case strings.HasPrefix(f, "until="):
			d, err := time.ParseInLocation("2006-01-02", strings.TrimPrefix(f, "until="), a.adm.tz)
			if err != nil {
				c.Reply(a.t(c, "admin_when_bad"), nil)
				return bot.Stay(), nil
			}
			c.ConvData["suntil"] = strconv.FormatInt(d.AddDate(0, 0, 1).Unix()-1, 10)
		case strings.HasPrefix(f, "count="):
			n, err := strconv.Atoi(strings.TrimPrefix(f, "count="))
			if err != nil || n < 1 || n > 1000 {
				c.Reply(a.t(c, "admin_when_bad"), nil)
				return bot.Stay(), nil
			}
			c.ConvData["scount"] = strconv.Itoa(n)
		default:
			spec = append(spec, f)
		}
	}
	if _, err := cron.ParseStandard(strings.Join(spec, " ")); err != nil || len(spec) != 5 {
		c.Reply(a.t(c, "admin_when_bad"), nil)
		return bot.Stay(), nil
	}
	c.ConvData["sk"], c.ConvData["scron"] = "cron", strings.Join(spec, " ")
	return a.confirmWhen(c, p)
}

// withSchedule returns p with the schedule held in the conversation.
func (a *App) withSchedule(c *bot.Ctx, p store.Post) store.Post {
	p.Kind, p.At, p.Cron, p.Until, p.Count, p.Runs = c.ConvData["sk"], 0, "", 0, 0, 0
	p.At, _ = strconv.ParseInt(c.ConvData["sat"], 10, 64)
	p.Cron = c.ConvData["scron"]
	p.Until, _ = strconv.ParseInt(c.ConvData["suntil"], 10, 64)
	p.Count, _ = strconv.Atoi(c.ConvData["scount"])
	return p
}

// confirmWhen shows the next three run times before the admin confirms.
func (a *App) confirmWhen(c *bot.Ctx, p store.Post) (bot.Next, error) {
	p = a.withSchedule(c, p)
	runs := a.nextRuns(p, c.Now, 3)
	if len(runs) == 0 {
		c.Reply(a.t(c, "admin_when_never"), nil)
		return bot.Stay(), nil
	}
	var b strings.Builder
	b.WriteString(a.t(c, "admin_when_confirm"))
	if p.Kind == "cron" {
		b.WriteString(" <code>" + esc(p.Cron) + "</code>")
		if p.Until > 0 {
			b.WriteString(" · " + a.t(c, "admin_when_until", map[string]any{"Date": time.Unix(p.Until, 0).In(a.adm.tz).Format("2006-01-02")}))
		}
		if p.Count > 0 {
			b.WriteString(" · " + a.t(c, "admin_when_count", map[string]any{"N": p.Count}))
		}
	}
	for _, t := range runs {
		b.WriteString("\n• " + esc(a.fmtTime(c, t)))
	}
	c.ConvData["what"] = ""
	c.ShowAsNew()
	c.Show(b.String(), bot.Keyboard{
		bot.Row(bot.Btn(a.t(c, "admin_btn_confirm"), "pd:ok"), bot.Btn(a.t(c, "admin_btn_change_time"), "pd:when")),
		bot.Row(bot.Btn(a.t(c, "admin_btn_back_editor"), "pd:ed")),
	})
	return bot.Goto(statePost), nil
}

// applyWhen confirms the schedule.
func (a *App) applyWhen(c *bot.Ctx, p store.Post) (bot.Next, error) {
	if c.ConvData["sk"] == "" {
		return a.stale(c)
	}
	was := p.State
	p = a.withSchedule(c, p)
	runs := a.nextRuns(p, c.Now, 1)
	if len(runs) == 0 {
		c.Reply(a.t(c, "admin_when_never"), nil)
		return bot.Stay(), nil
	}
	p.Next, p.State, p.Checked, p.By, p.ByLang = runs[0].Unix(), store.PostScheduled, 0, c.UserID, c.Lang
	if _, err := a.savePost(c, p); err != nil {
		return bot.Stay(), err
	}
	action := "post.schedule"
	if was != store.PostDraft {
		action = "post.reschedule"
	}
	if err := a.audit(c, action, fmt.Sprintf("post #%d, %s, first run %s", p.ID, a.scheduleCode(p), runs[0].In(a.adm.tz).Format("2006-01-02 15:04 MST"))); err != nil {
		return bot.Stay(), err
	}
	c.Show(a.t(c, "admin_post_scheduled", map[string]any{"When": esc(a.fmtTime(c, runs[0]))}), bot.Keyboard{
		bot.Row(bot.Btn(a.t(c, "admin_btn_scheduled"), "ps:list")), a.adminBack(c)})
	return bot.End(), nil
}

func (a *App) scheduleCode(p store.Post) string {
	switch p.Kind {
	case "cron":
		s := "cron " + p.Cron
		if p.Until > 0 {
			s += " until " + time.Unix(p.Until, 0).In(a.adm.tz).Format("2006-01-02")
		}
		if p.Count > 0 {
			s += " count " + strconv.Itoa(p.Count)
		}
		return s
	case "once":
		return "once"
	}
	return p.Kind
}

// nextRuns returns up to n run times of p after now (the first may equal p.Next when not yet
// handled).
func (a *App) nextRuns(p store.Post, now time.Time, n int) []time.Time {
	var out []time.Time
	switch p.Kind {
	case "now", "once":
		if p.At > 0 && p.Runs == 0 && (p.Kind == "now" || time.Unix(p.At, 0).After(now)) {
			out = append(out, time.Unix(p.At, 0).In(a.adm.tz))
		}
		return out
	case "cron":
		t := now
		runs := p.Runs
		for len(out) < n {
			next, ok := a.cronNext(p, t, runs)
			if !ok {
				break
			}
			out = append(out, next)
			t, runs = next, runs+1
		}
	}
	return out
}

// cronNext is the cron run after t, if the end date and count allow it (runs = runs so far).
// The expression is read on the wall clock of PEERLINE_TZ, then placed in the zone, so that a
// daily run happens once a day across daylight-saving changes: a time that falls in the hour
// skipped in spring runs at the same wall-clock minute an hour later, and a time in the hour
// repeated in autumn runs once (robfig/cron alone would skip the first and repeat the second).
func (a *App) cronNext(p store.Post, t time.Time, runs int) (time.Time, bool) {
	sched, err := cron.ParseStandard("CRON_TZ=UTC " + p.Cron)
	if err != nil || (p.Count > 0 && runs >= p.Count) {
		return time.Time{}, false
	}
	lt := t.In(a.adm.tz)
	wall := time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), lt.Second(), 0, time.UTC)
	for i := 0; i < 1000; i++ {
		wall = sched.Next(wall)
		if wall.IsZero() {
			return time.Time{}, false
		}
		next := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), 0, 0, a.adm.tz)
		if !next.After(t) {
			continue
		}
		if p.Until > 0 && next.Unix() > p.Until {
			return time.Time{}, false
		}
		return next, true
	}
	return time.Time{}, false
}
