package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/handlers/handlerstest"
	"github.com/ehra/peerline/store"
)

var kyiv = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		panic(err)
	}
	return loc
}()

var injected = 900000

// sendAs delivers a message from u in their private chat, as Telegram would (entities, media).
func sendAs(h *handlerstest.Harness, u fakeapi.User, m tgbotapi.Message) {
	injected++
	m.MessageID = injected
	m.From = &tgbotapi.User{ID: u.ID, FirstName: u.FirstName, LanguageCode: u.LanguageCode}
	m.Chat = &tgbotapi.Chat{ID: u.ID, Type: "private"}
	m.Date = int(h.Clock.Now().Unix())
	h.API.Inject(tgbotapi.Update{Message: &m})
	h.Settle()
}

// formatted is a text message with its first word bold.
func formatted(text string) tgbotapi.Message {
	n := len(tgUTF16(strings.Fields(text)[0]))
	return tgbotapi.Message{Text: text, Entities: []tgbotapi.MessageEntity{{Type: "bold", Offset: 0, Length: n}}}
}

func tgUTF16(s string) []uint16 {
	var out []uint16
	for _, r := range s {
		if r >= 0x10000 {
			out = append(out, 0, 0)
		} else {
			out = append(out, 0)
		}
	}
	return out
}

var postTexts = map[string]string{
	"uk": "Допомога поруч: замісна підтримувальна терапія у вашому місті.",
	"ru": "Помощь рядом: ЗПТ в вашем городе.",
	"en": "Help is near: OST in your city.",
}

// draftThree makes a draft with all three versions and a deep-link button, as admin ad.
func draftThree(t *testing.T, h *handlerstest.Harness, ad *handlerstest.Person) {
	t.Helper()
	ad.Send("/post")
	sendAs(h, ad.U, formatted(postTexts[ad.U.LanguageCode]))
	for _, lang := range langs {
		if lang == ad.U.LanguageCode {
			continue
		}
		ad.Press("pd:v:" + lang)
		sendAs(h, ad.U, formatted(postTexts[lang]))
	}
	ad.Press("pd:btn")
	ad.Send("https://t.me/peerline_test_bot?start=ost | Отримати допомогу | Получить помощь | Get help")
}

// schedule types a time or cron expression and confirms it.
func schedule(t *testing.T, ad *handlerstest.Person, when string) {
	t.Helper()
	ad.Press("pd:pv")
	ad.Press("pd:when")
	ad.Send(when)
	ad.Press("pd:ok")
}

// channelPosts are the bot's calls that posted into chat, in order.
func channelPosts(h *handlerstest.Harness, chat int64) []fakeapi.Call {
	var out []fakeapi.Call
	for _, c := range h.API.Calls() {
		if c.ChatID == chat && c.Status == 200 && strings.HasPrefix(c.Method, "send") {
			out = append(out, c)
		}
	}
	return out
}

func runJob(t *testing.T, h *handlerstest.Harness) {
	t.Helper()
	h.RunJob("posts")
	h.RunJob("posts") // a second scan settles what the first sent (pins, reports)
}

func without(p map[string]string, keys ...string) map[string]string {
	out := maps.Clone(p)
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

func postRuns(t *testing.T, h *handlerstest.Harness, id uint64) []store.PostRun {
	t.Helper()
	var runs []store.PostRun
	if err := h.DB.View(func(tx *store.Tx) error { var err error; runs, err = tx.PostRuns(id); return err }); err != nil {
		t.Fatal(err)
	}
	return runs
}

func TestPost_DraftPreviewScheduleAndPublish(t *testing.T) {
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			h := startAdmin(t, handlerstest.Options{})
			ad := h.Person(adminID, lang)
			onboard(ad, lang)
			draftThree(t, h, ad)
			ad.Press("pd:pv")
			previews := channelPosts(h, adminID)
			// 12:00 UTC is 14:00 in Kyiv (EET): five minutes ahead.
			ad.Press("pd:when")
			ad.Send("2026-11-23 14:05")
			if got, want := ad.Last().Text, "2026-11-23 14:05 EET"; !strings.Contains(got, want) {
				t.Fatalf("confirmation %q does not show %q", got, want)
			}
			ad.Press("pd:ok")
			runJob(t, h)
			for _, ch := range []int64{chanUK, chanRU, chanEN} {
				if n := len(channelPosts(h, ch)); n != 0 {
					t.Fatalf("channel %d got %d posts before the time", ch, n)
				}
			}
			h.Clock.Add(5 * time.Minute)
			runJob(t, h)
			runJob(t, h)
			for ch, l := range map[int64]string{chanUK: "uk", chanRU: "ru", chanEN: "en"} {
				posts := channelPosts(h, ch)
				if len(posts) != 1 {
					t.Fatalf("channel %s: %d posts, want 1", l, len(posts))
				}
				got := posts[0].Params
				if got["text"] != postTexts[l] {
					t.Errorf("channel %s text %q, want %q", l, got["text"], postTexts[l])
				}
				if !strings.Contains(got["entities"], `"bold"`) {
					t.Errorf("channel %s entities %q, want the bold entity", l, got["entities"])
				}
				label := map[string]string{"uk": "Отримати допомогу", "ru": "Получить помощь", "en": "Get help"}[l]
				if !strings.Contains(got["reply_markup"], label) || !strings.Contains(got["reply_markup"], "start=ost") {
					t.Errorf("channel %s buttons %q, want %q with the deep link", l, got["reply_markup"], label)
				}
				// The preview was the exact payload.
				found := false
				for _, pv := range previews {
					if maps.Equal(without(pv.Params, "chat_id"), without(got, "chat_id")) {
						found = true
					}
				}
				if !found {
					t.Errorf("channel %s payload %v matches no preview", l, got)
				}
			}
			ad.Send("/scheduled")
			ad.Press("ps:o:1")
			if got, want := ad.Last().Text, stripTags(h.T(lang, "admin_run_sent")); strings.Count(got, want) != 3 {
				t.Errorf("status page %q, want %q three times", got, want)
			}
			var actions []string
			for _, e := range auditEntries(t, h) {
				actions = append(actions, e.Action)
			}
			if !strings.Contains(strings.Join(actions, ","), "post.schedule") {
				t.Errorf("audit actions %v, want post.schedule", actions)
			}
		})
	}
}

func TestPost_PublishNowPinsAndUnpinsPrevious(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	ad := h.Person(adminID, "en")
	onboard(ad, "en")
	for i := 0; i < 2; i++ {
		draftThree(t, h, ad)
		ad.Press("pd:o:pin")
		ad.Press("pd:o:unpin")
		ad.Press("pd:pv")
		ad.Press("pd:pub")
		runJob(t, h)
	}
	posts := channelPosts(h, chanEN)
	if len(posts) != 2 {
		t.Fatalf("%d posts in the channel, want 2", len(posts))
	}
	var second struct {
		MessageID int `json:"message_id"`
	}
	_ = json.Unmarshal(posts[1].Result, &second)
	if got := h.API.Pinned(chanEN); len(got) != 1 || got[0] != second.MessageID {
		t.Errorf("pinned %v, want only the second post %d", got, second.MessageID)
	}
}

func TestPost_RecurringFiresEachPeriod(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	ad := h.Person(adminID, "en")
	onboard(ad, "en")
	draftThree(t, h, ad)
	schedule(t, ad, "0 10 * * * count=3")
	h.Clock.Set(time.Date(2026, 11, 23, 10, 1, 0, 0, kyiv))
	for day := 0; day < 5; day++ {
		h.Clock.Add(24 * time.Hour)
		runJob(t, h)
		if got, want := len(channelPosts(h, chanUK)), min(day+1, 3); got != want {
			t.Fatalf("day %d: %d posts, want %d", day+1, got, want)
		}
	}
}

// TestPost_DaylightSaving: a daily post at 03:30 Kyiv time runs once a day across both changes:
// on the autumn day the repeated hour does not post twice; on the spring day the skipped 03:30
// posts at 04:30.
func TestPost_DaylightSaving(t *testing.T) {
	tests := []struct {
		name  string
		start time.Time
		want  []string // local run times
	}{
		{"autumn", time.Date(2026, 10, 23, 12, 0, 0, 0, kyiv), []string{
			"2026-10-24 03:30 EEST", "2026-10-25 03:30 EET", "2026-10-26 03:30 EET"}},
		{"spring", time.Date(2027, 3, 26, 12, 0, 0, 0, kyiv), []string{
			"2027-03-27 03:30 EET", "2027-03-28 04:30 EEST", "2027-03-29 03:30 EEST"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := startAdmin(t, handlerstest.Options{Start: tt.start, TZ: kyiv})
			ad := h.Person(adminID, "en")
			onboard(ad, "en")
			draftThree(t, h, ad)
			schedule(t, ad, "30 3 * * *")
			for i := 0; i < 3*24*4; i++ { // every 15 minutes for three days
				h.Clock.Add(15 * time.Minute)
				h.RunJob("posts")
			}
			var got []string
			for _, r := range postRuns(t, h, 1) {
				if r.Lang == "uk" {
					got = append(got, time.Unix(r.Run, 0).In(kyiv).Format("2006-01-02 15:04 MST"))
				}
			}
			if strings.Join(got, ", ") != strings.Join(tt.want, ", ") {
				t.Errorf("runs %v, want %v", got, tt.want)
			}
			if n := len(channelPosts(h, chanUK)); n != len(tt.want) {
				t.Errorf("%d posts in the channel, want %d", n, len(tt.want))
			}
		})
	}
}

func TestPost_DowntimeWithinAndPastGrace(t *testing.T) {
	tests := []struct {
		name      string
		down      time.Duration
		wantPosts int
		wantState string
	}{
		{"within grace", 40 * time.Minute, 1, "sent"},
		{"past grace", 2 * time.Hour, 0, "missed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := startAdmin(t, handlerstest.Options{})
			ad := h.Person(adminID, "uk")
			onboard(ad, "uk")
			draftThree(t, h, ad)
			schedule(t, ad, "2026-11-23 14:10")
			h.Stop()
			h.Clock.Add(10*time.Minute + tt.down)
			h.Restart()
			runJob(t, h)
			runJob(t, h)
			if got := len(channelPosts(h, chanUK)); got != tt.wantPosts {
				t.Errorf("posts %d, want %d", got, tt.wantPosts)
			}
			if tt.wantState == "missed" {
				want := stripTags(h.Loc.N("uk", "admin_report_missed", 1, map[string]any{"ID": 1}))
				if !ad.Sees(want) {
					t.Errorf("admin was not told %q; last: %q", want, ad.Last().Text)
				}
			}
			ad.Send("/scheduled")
			ad.Press("ps:o:1")
			if got, want := ad.Last().Text, stripTags(h.T("uk", "admin_run_"+tt.wantState)); strings.Count(got, want) != 3 {
				t.Errorf("status %q, want %q three times", got, want)
			}
		})
	}
}

// TestPost_CrashBetweenSendAndMark: the bot stops while Telegram is posting a version (the
// answer never comes back). After the restart that run shows "unknown" to the admin, and it is
// never posted a second time.
func TestPost_CrashBetweenSendAndMark(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	ad := h.Person(adminID, "en")
	onboard(ad, "en")
	draftThree(t, h, ad)
	schedule(t, ad, "2026-11-23 14:05")
	h.RunJob("posts") // pre-flight
	h.Clock.Add(5 * time.Minute)
	const delay = 3 * time.Second
	h.API.FailNext("sendMessage", 1, fakeapi.Fault{Delay: delay})
	started := time.Now()
	for _, j := range h.App.Jobs(h.Bot, h.DB) {
		if j.Name == "posts" {
			if err := j.Run(context.Background(), h.Clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	h.Restart() // stops within the 1 s drain, with one call still in flight
	posted := func() int {
		n := 0
		for _, ch := range []int64{chanUK, chanRU, chanEN} {
			n += len(h.API.BotMessages(ch))
		}
		return n
	}
	// The interrupted call is performed by the fake when its delay ends, after the restart; a
	// second post (the bug this test guards against) would come before that.
	time.Sleep(time.Until(started.Add(delay + 500*time.Millisecond)))
	if !h.API.WaitFor(10*time.Second, func() bool { return posted() >= 3 }) {
		t.Fatalf("%d posts reached the channels, want 3", posted())
	}
	runJob(t, h)
	runJob(t, h)
	for _, ch := range []int64{chanUK, chanRU, chanEN} {
		if n := len(h.API.BotMessages(ch)); n != 1 {
			t.Errorf("channel %d has %d posts, want exactly 1", ch, n)
		}
	}
	want := stripTags(h.T("en", "admin_report_unknown", map[string]any{"ID": 1, "Chat": "X", "When": "Y"}))
	want = want[:strings.Index(want, "X")]
	if !ad.Sees(want) {
		t.Errorf("admin was not told about the unknown run (%q); last: %q", want, ad.Last().Text)
	}
	ad.Send("/scheduled")
	ad.Press("ps:o:1")
	if got := ad.Last().Text; strings.Count(got, stripTags(h.T("en", "admin_run_unknown"))) != 1 || strings.Count(got, stripTags(h.T("en", "admin_run_sent"))) != 2 {
		t.Errorf("status %q, want one unknown and two sent", got)
	}
}

// TestPost_ChannelRefusalReachesTheAdmin: a 403 from a channel at run time is reported to the
// admin who scheduled the post, in their language, with the reason and a Retry button that
// posts it once the channel is fixed.
func TestPost_ChannelRefusalReachesTheAdmin(t *testing.T) {
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			h := startAdmin(t, handlerstest.Options{})
			ad := h.Person(adminID, lang)
			onboard(ad, lang)
			draftThree(t, h, ad)
			schedule(t, ad, "2026-11-23 14:05")
			h.RunJob("posts") // pre-flight passes
			h.API.Block(chanRU)
			h.Clock.Add(5 * time.Minute)
			runJob(t, h)
			reason := stripTags(h.T(lang, "admin_fail_403"))
			if got := ad.Last().Text; !strings.Contains(got, reason) || !strings.Contains(got, fmt.Sprint(chanRU)) {
				t.Fatalf("admin got %q, want the channel and %q", got, reason)
			}
			h.API.Unblock(chanRU)
			var retry string
			for _, b := range ad.Buttons() {
				if strings.HasPrefix(b.Data, "ps:rt:") {
					retry = b.Data
				}
			}
			if retry == "" {
				t.Fatalf("no Retry button: %+v", ad.Buttons())
			}
			ad.Press(retry)
			runJob(t, h)
			if n := len(channelPosts(h, chanRU)); n != 1 {
				t.Errorf("after retry: %d posts in the channel, want 1", n)
			}
			if n := len(channelPosts(h, chanUK)); n != 1 {
				t.Errorf("retry reposted elsewhere: %d posts in the uk channel, want 1", n)
			}
		})
	}
}

func TestPost_PreflightReportsAtOnce(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	h.API.SetBotStatus(chanEN, "member")
	ad := h.Person(adminID, "en")
	onboard(ad, "en")
	draftThree(t, h, ad)
	schedule(t, ad, "2026-11-25 10:00")
	h.RunJob("posts")
	want := stripTags(h.T("en", "admin_pf_not_admin", map[string]any{"Status": "member"}))
	if got := ad.Last().Text; !strings.Contains(got, want) || !strings.Contains(got, fmt.Sprint(chanEN)) || strings.Contains(got, fmt.Sprint(chanUK)) {
		t.Errorf("pre-flight report %q, want %q for the en channel only", got, want)
	}
	// Fixed, checked again on request: no new report.
	h.API.SetBotStatus(chanEN, "")
	ad.Press("ps:chk:1")
	n := len(ad.Messages())
	h.RunJob("posts")
	if got := len(h.API.CallsTo("getChatMember")); got != 6 {
		t.Errorf("getChatMember calls %d, want 3 + 3 after «check again»", got)
	}
	if len(ad.Messages()) != n {
		t.Errorf("a fixed channel was reported again: %q", ad.Last().Text)
	}
}

func TestPost_EditAndDeletePublished(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	ad := h.Person(adminID, "en")
	onboard(ad, "en")
	draftThree(t, h, ad)
	ad.Press("pd:pv")
	ad.Press("pd:pub")
	runJob(t, h)
	// Edit the English version: the published message changes.
	ad.Send("/scheduled")
	ad.Press("ps:o:1")
	ad.Press("ps:et:1")
	ad.Press("pd:v:en")
	sendAs(h, ad.U, formatted("Corrected: OST in your city."))
	if m, _ := h.API.LastBotMessage(chanEN); m.Text != "Corrected: OST in your city." || m.Edited != 1 {
		t.Errorf("en channel message %q (edited %d), want the corrected text", m.Text, m.Edited)
	}
	if m, _ := h.API.LastBotMessage(chanUK); m.Edited != 0 {
		t.Errorf("uk channel message edited too")
	}
	// Delete within 48 hours: gone from every channel.
	ad.Press("pd:done")
	ad.Send("/scheduled")
	ad.Press("ps:o:1")
	ad.Press("ps:del:1")
	// The first tap only asks: nothing is deleted yet.
	for _, ch := range []int64{chanUK, chanRU, chanEN} {
		if left := h.API.BotMessages(ch); len(left) != 1 {
			t.Errorf("channel %d: %d messages after the first tap, want 1 (deletion is confirmed first)", ch, len(left))
		}
	}
	if !ad.HasButton("ps:dely:1") {
		t.Fatalf("no confirmation: %q %+v", ad.Last().Text, ad.Buttons())
	}
	ad.Press("ps:dely:1")
	for _, ch := range []int64{chanUK, chanRU, chanEN} {
		if left := h.API.BotMessages(ch); len(left) != 0 {
			t.Errorf("channel %d: %d messages left, want none", ch, len(left))
		}
	}
}

func TestPost_DeleteAfter48HoursOffersNotice(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	ad := h.Person(adminID, "en")
	onboard(ad, "en")
	draftThree(t, h, ad)
	ad.Press("pd:pv")
	ad.Press("pd:pub")
	runJob(t, h)
	h.Clock.Add(49 * time.Hour)
	ad.Send("/scheduled")
	ad.Press("ps:o:1")
	ad.Press("ps:del:1")
	ad.Press("ps:dely:1")
	if !ad.HasButton("ps:nc:1") {
		t.Fatalf("no offer to mark as outdated: %q", ad.Last().Text)
	}
	ad.Press("ps:nc:1")
	for ch, lang := range map[int64]string{chanUK: "uk", chanRU: "ru", chanEN: "en"} {
		m, _ := h.API.LastBotMessage(ch)
		if m.Deleted || m.Text != h.T(lang, "admin_notice_outdated") {
			t.Errorf("channel %s: %q (deleted %v), want the notice", lang, m.Text, m.Deleted)
		}
	}
}

// TestPost_WaveDoesNotDelayOverdoseCard: with Telegram's limits on in the bot, a wave of 300
// channel posts (100 channels, enough to hold the global limit for seconds) is queued; a
// person's /overdose is still answered within a second, because posts are background calls.
func TestPost_WaveDoesNotDelayOverdoseCard(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{BotLimits: true})
	p := h.Person(4440020, "en")
	onboard(p, "en")
	time.Sleep(3 * time.Second) // the person's own rate bucket refills after onboarding
	var chans []int64
	for i := int64(0); i < 100; i++ {
		ch := -1009100000000 - i
		h.API.RegisterChat(fakeapi.Chat{ID: ch, Type: "channel", Title: "wave"})
		chans = append(chans, ch)
	}
	err := h.Bot.Do(func(tx *store.Tx, out *bot.Out) error {
		out.Background()
		for i := 0; i < 3; i++ {
			for _, ch := range chans {
				out.Post(bot.ChannelPost{Chat: fmt.Sprint(ch), Text: fmt.Sprintf("wave %d", i)})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	before := len(p.Messages())
	start := time.Now()
	h.API.SendText(p.U, "/overdose")
	answered := h.API.WaitFor(10*time.Second, func() bool { return len(p.Messages()) > before })
	elapsed := time.Since(start)
	if !answered || elapsed > time.Second {
		t.Errorf("overdose card after %v (answered %v), want within 1 s", elapsed, answered)
	}
	sent := 0
	for _, ch := range chans {
		sent += len(h.API.BotMessages(ch))
	}
	if sent >= 300 {
		t.Errorf("the whole wave (%d posts) went out first; the test did not overlap", sent)
	}
}

// TestPost_AlbumAndHold: an album with a caption is kept as one version and posted with
// sendMediaGroup; a post set to hold while a version is missing is paused and the admin told.
func TestPost_AlbumAndHold(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	ad := h.Person(adminID, "en")
	onboard(ad, "en")
	ad.Send("/post")
	for i, id := range []string{"PHOTO-A", "PHOTO-B", "PHOTO-C"} {
		m := tgbotapi.Message{MediaGroupID: "album-1", Photo: []tgbotapi.PhotoSize{{FileID: id, Width: 10, Height: 10}}}
		if i == 0 {
			m.Caption = "Three photos"
		}
		sendAs(h, ad.U, m)
	}
	ad.Press("pd:miss") // skip → hold
	ad.Press("pd:pv")
	if !ad.Sees(stripTags(h.T("en", "admin_preview_held"))) {
		t.Errorf("preview does not say the post is held")
	}
	ad.Press("pd:miss") // hold → send the uk version (missing too)
	ad.Press("pd:miss") // → ru
	ad.Press("pd:miss") // → en: every channel gets the English album
	before := len(h.API.CallsTo("sendMediaGroup"))
	ad.Press("pd:pv")
	groups := h.API.CallsTo("sendMediaGroup")[before:]
	if len(groups) != 1 || groups[0].ChatID != adminID {
		t.Fatalf("preview: %d albums, want one to the admin", len(groups))
	}
	if media := groups[0].Params["media"]; strings.Count(media, "PHOTO-") != 3 || !strings.Contains(media, "Three photos") {
		t.Errorf("album payload %s, want three photos and the caption", media)
	}
	ad.Press("pd:pub")
	runJob(t, h)
	for _, ch := range []int64{chanUK, chanRU, chanEN} {
		if n := len(h.API.BotMessages(ch)); n != 3 {
			t.Errorf("channel %d: %d messages, want the album of 3", ch, n)
		}
	}
	// Hold: a post scheduled with a missing version waits and the admin is told.
	ad.Send("/post")
	sendAs(h, ad.U, formatted("Only English"))
	ad.Press("pd:miss") // hold
	schedule(t, ad, "2026-11-23 14:05")
	h.Clock.Add(5 * time.Minute)
	runJob(t, h)
	if !ad.Sees(stripTags(h.T("en", "admin_report_held", map[string]any{"ID": 2}))) {
		t.Errorf("the admin was not told the post is held; last %q", ad.Last().Text)
	}
	if n := len(h.API.BotMessages(chanEN)); n != 3 {
		t.Errorf("a held post was published (%d messages in en)", n)
	}
}

// TestPost_FailureClasses: a final 400 is not retried and reaches the admin with Telegram's
// reason; a 429 waits as Telegram says and then posts once.
func TestPost_FailureClasses(t *testing.T) {
	tests := []struct {
		name      string
		fault     fakeapi.Fault
		wantPosts int
		wantState string
		wantText  string
	}{
		{"400 final", fakeapi.Fault{Status: 400, Description: "Bad Request: message is too long"}, 0, "failed", "Bad Request: message is too long"},
		{"429 waits", fakeapi.Fault{Status: 429, RetryAfter: 1}, 1, "sent", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := startAdmin(t, handlerstest.Options{Channels: map[string]string{"en": fmt.Sprint(chanEN)}})
			ad := h.Person(adminID, "en")
			onboard(ad, "en")
			ad.Send("/post")
			sendAs(h, ad.U, formatted("One post"))
			schedule(t, ad, "2026-11-23 14:05")
			h.RunJob("posts")
			h.Clock.Add(5 * time.Minute)
			h.API.FailNext("sendMessage", 1, tt.fault)
			runJob(t, h)
			if got := len(channelPosts(h, chanEN)); got != tt.wantPosts {
				t.Errorf("posts %d, want %d", got, tt.wantPosts)
			}
			if tt.wantText != "" && !strings.Contains(ad.Last().Text, tt.wantText) {
				t.Errorf("admin told %q, want the reason %q", ad.Last().Text, tt.wantText)
			}
			ad.Send("/scheduled")
			ad.Press("ps:o:1")
			if got, want := ad.Last().Text, stripTags(h.T("en", "admin_run_"+tt.wantState)); !strings.Contains(got, want) {
				t.Errorf("status %q, want %q", got, want)
			}
		})
	}
}

// TestPost_EndDateAndEditTime: a recurring post with until= stops after its last day; editing the
// time of a scheduled post moves its run.
func TestPost_EndDateAndEditTime(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{Channels: map[string]string{"en": fmt.Sprint(chanEN)}})
	ad := h.Person(adminID, "en")
	onboard(ad, "en")
	ad.Send("/post")
	sendAs(h, ad.U, formatted("Daily until the 25th"))
	ad.Press("pd:pv")
	ad.Press("pd:when")
	ad.Send("0 10 * * * until=2026-11-25")
	if got := ad.Last().Text; !strings.Contains(got, "until 2026-11-25") || strings.Count(got, "10:00 EET") != 2 {
		t.Errorf("confirmation %q, want the end date and two runs", got)
	}
	ad.Press("pd:ok")
	h.Clock.Set(time.Date(2026, 11, 24, 10, 1, 0, 0, kyiv))
	for day := 0; day < 4; day++ {
		runJob(t, h)
		h.Clock.Add(24 * time.Hour)
	}
	if got := len(channelPosts(h, chanEN)); got != 2 {
		t.Errorf("%d posts, want 2 (24th and 25th)", got)
	}
	// Edit the time of another post: from the 30th to the 29th.
	ad.Send("/post")
	sendAs(h, ad.U, formatted("Moved"))
	schedule(t, ad, "2026-11-30 12:00")
	ad.Send("/scheduled")
	ad.Press("ps:o:2")
	ad.Press("ps:ew:2")
	ad.Send("2026-11-29 12:00")
	ad.Press("pd:ok")
	h.Clock.Set(time.Date(2026, 11, 29, 12, 0, 30, 0, kyiv))
	runJob(t, h)
	if got := len(channelPosts(h, chanEN)); got != 3 {
		t.Errorf("%d posts after the moved run, want 3", got)
	}
	var actions []string
	for _, e := range auditEntries(t, h) {
		actions = append(actions, e.Action)
	}
	if !strings.Contains(strings.Join(actions, ","), "post.reschedule") {
		t.Errorf("audit %v, want post.reschedule", actions)
	}
}

// TestPost_SingleChannelByUsername: one channel for all (PEERLINE_CHANNELS=@name) gets the
// Ukrainian version, addressed by its username; the pre-flight check passes.
func TestPost_SingleChannelByUsername(t *testing.T) {
	const all = int64(-1009000000099)
	h := startAdmin(t, handlerstest.Options{Channels: map[string]string{"*": "@hr_all"}})
	h.API.RegisterChat(fakeapi.Chat{ID: all, Type: "channel", Title: "HR", Username: "hr_all"})
	ad := h.Person(adminID, "ru")
	onboard(ad, "ru")
	draftThree(t, h, ad)
	schedule(t, ad, "2026-11-23 14:05")
	h.RunJob("posts")
	if n := len(ad.Messages()); ad.Sees("⚠️") {
		t.Fatalf("pre-flight reported a problem (%d messages): %q", n, ad.Last().Text)
	}
	h.Clock.Add(5 * time.Minute)
	runJob(t, h)
	msgs := h.API.BotMessages(all)
	if len(msgs) != 1 || msgs[0].Text != postTexts["uk"] {
		t.Fatalf("the channel has %+v, want the Ukrainian version once", msgs)
	}
}
