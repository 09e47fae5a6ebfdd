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
				want := stripTags(h.T("uk", "admin_report_missed", map[string]any{"ID": 1, "N": 3}))
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
