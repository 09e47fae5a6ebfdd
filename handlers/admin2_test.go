package handlers_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ehra/peerline/handlers/handlerstest"
	"github.com/ehra/peerline/store"
)

// TestPost_StatusScheduleInAdminsLanguage: the post's status screen names its schedule in the
// admin's language (not the audit log's English "once" / "cron … until … count …").
func TestPost_StatusScheduleInAdminsLanguage(t *testing.T) {
	tests := []struct {
		lang, when string
		want       []string // keys rendered in lang that the schedule line shows
	}{
		{"uk", "2026-11-23 14:05", []string{"admin2_sched_once"}},
		{"ru", "0 10 * * 1 count=4", []string{"admin_preset_mon", "admin_when_count"}},
		{"en", "30 9 * * * until=2026-12-01", []string{"admin_when_until"}},
		{"ru", "30 9 * * * until=2026-12-01", []string{"admin_when_until"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			h := startAdmin(t, handlerstest.Options{})
			ad := h.Person(adminID, tt.lang)
			onboard(ad, tt.lang)
			draftThree(t, h, ad)
			schedule(t, ad, tt.when)
			ad.Send("/scheduled")
			ad.Press("ps:o:1")
			got := ad.Last().Text
			var line string
			for _, l := range strings.Split(got, "\n") {
				if strings.HasPrefix(l, stripTags(h.T(tt.lang, "admin_status_schedule"))) {
					line = l
				}
			}
			if line == "" {
				t.Fatalf("no schedule line in %q", got)
			}
			for _, word := range []string{"once", "cron", "until", "count"} {
				if tt.lang != "en" && strings.Contains(line, word) {
					t.Errorf("schedule line %q has the English %q", line, word)
				}
			}
			for _, key := range tt.want {
				label := stripTags(h.T(tt.lang, key, map[string]any{"When": "", "N": 4, "Date": "2026-12-01", "Cron": ""}))
				label = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(label), ","))
				if !strings.Contains(line, label) {
					t.Errorf("schedule line %q, want it to contain %q", line, label)
				}
			}
		})
	}
}

// TestStats_OutcomesInAdminsLanguage: outcomes are named as consultants choose them, in the
// admin's language, not by their internal codes.
func TestStats_OutcomesInAdminsLanguage(t *testing.T) {
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			h := startAdmin(t, handlerstest.Options{})
			if err := h.DB.Update(func(tx *store.Tx) error { return tx.IncrDay("outcome_ost", h.Clock.Now(), 6) }); err != nil {
				t.Fatal(err)
			}
			ad := h.Person(adminID, lang)
			onboard(ad, lang)
			ad.Send("/stats")
			want := stripTags(h.T(lang, "admin_stat_outcome", map[string]any{"Name": h.T(lang, "consult_outcome_ost")})) + ": 6"
			if got := ad.Last().Text; !strings.Contains(got, want) {
				t.Errorf("stats %q, want the line %q", got, want)
			}
		})
	}
}

// TestPost_ButtonChangeEditsEveryPublishedVersion: link buttons are shared by all versions, so
// one change to them edits the published message in every channel, each with its language's
// label, and is in the audit log; removing them removes them everywhere.
func TestPost_ButtonChangeEditsEveryPublishedVersion(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	ad := h.Person(adminID, "ru")
	onboard(ad, "ru")
	draftThree(t, h, ad)
	ad.Press("pd:pv")
	ad.Press("pd:pub")
	runJob(t, h)
	ad.Send("/scheduled")
	ad.Press("ps:o:1")
	ad.Press("ps:et:1")
	ad.Press("pd:btn")
	ad.Send("https://example.org/tb | Туберкульоз | Туберкулёз | TB")
	labels := func(ch int64) []string {
		m, _ := h.API.LastBotMessage(ch)
		var out []string
		for _, row := range m.Keyboard {
			for _, b := range row {
				out = append(out, b.Text)
			}
		}
		return out
	}
	for ch, want := range map[int64]string{chanUK: "Отримати допомогу,Туберкульоз", chanRU: "Получить помощь,Туберкулёз", chanEN: "Get help,TB"} {
		if got := strings.Join(labels(ch), ","); got != want {
			t.Errorf("channel %d buttons %q, want %q", ch, got, want)
		}
	}
	found := false
	for _, e := range auditEntries(t, h) {
		found = found || e.Action == "post.buttons"
	}
	if !found {
		t.Errorf("no post.buttons entry in the audit log")
	}
	ad.Press("pd:btnclr")
	for _, ch := range []int64{chanUK, chanRU, chanEN} {
		if got := labels(ch); len(got) != 0 {
			t.Errorf("channel %d keeps buttons %q after they were removed", ch, got)
		}
	}
}

// TestPost_AskForVersionReadsNaturally: the request for a language's version names the language
// in the admin's language, in the right grammatical form ("українською", "на русском"), not the
// language's own name dropped into the sentence ("мовою Українська", "на языке English").
func TestPost_AskForVersionReadsNaturally(t *testing.T) {
	tests := []struct{ admin, version, want string }{
		{"uk", "uk", "Надішліть допис українською"},
		{"uk", "en", "Надішліть допис англійською"},
		{"ru", "ru", "Отправьте пост на русском"},
		{"ru", "uk", "Отправьте пост на украинском"},
		{"en", "ru", "Send the post in Russian"},
	}
	for _, tt := range tests {
		t.Run(tt.admin+"/"+tt.version, func(t *testing.T) {
			h := startAdmin(t, handlerstest.Options{})
			ad := h.Person(adminID, tt.admin)
			onboard(ad, tt.admin)
			ad.Send("/post")
			ad.Press("pd:ed")
			ad.Press("pd:v:" + tt.version)
			if got := ad.Last().Text; !strings.HasPrefix(got, tt.want) {
				t.Errorf("prompt %q, want it to start with %q", got, tt.want)
			}
		})
	}
}

// TestPost_PreflightAgainBeforeTheRun: the channels are checked when the post is scheduled and
// again a few minutes before it runs (not in between), so a right lost in the meantime reaches
// the admin before the run, not at it.
func TestPost_PreflightAgainBeforeTheRun(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	ad := h.Person(adminID, "en")
	onboard(ad, "en")
	draftThree(t, h, ad)
	schedule(t, ad, "2026-11-25 10:00") // 08:00 UTC
	h.RunJob("posts")
	checks := func() int { return len(h.API.CallsTo("getChatMember")) }
	if got := checks(); got != 3 {
		t.Fatalf("getChatMember calls at scheduling %d, want 3", got)
	}
	h.API.SetBotStatus(chanRU, "left")
	n := len(ad.Messages())
	h.Clock.Set(time.Date(2026, 11, 25, 7, 50, 0, 0, time.UTC))
	h.RunJob("posts")
	if got := checks(); got != 3 {
		t.Errorf("getChatMember calls ten minutes before the run %d, want still 3", got)
	}
	h.Clock.Set(time.Date(2026, 11, 25, 7, 56, 0, 0, time.UTC))
	h.RunJob("posts")
	if got := checks(); got != 6 {
		t.Errorf("getChatMember calls four minutes before the run %d, want 6", got)
	}
	want := stripTags(h.T("en", "admin_pf_not_admin", map[string]any{"Status": "left"}))
	if len(ad.Messages()) == n || !strings.Contains(ad.Last().Text, want) || !strings.Contains(ad.Last().Text, fmt.Sprint(chanRU)) {
		t.Errorf("no report before the run: last %q, want %q for the ru channel", ad.Last().Text, want)
	}
}

// TestPost_ConfirmShowsNextThreeRuns: before a recurring schedule is confirmed, its next three
// runs are shown with weekday (in the admin's language), date, time and zone; asked in summer
// time (EEST), the runs after the change on 25 October 2026 show winter time (EET).
func TestPost_ConfirmShowsNextThreeRuns(t *testing.T) {
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			h := startAdmin(t, handlerstest.Options{})
			h.Clock.Set(time.Date(2026, 10, 20, 12, 0, 0, 0, time.UTC))
			ad := h.Person(adminID, lang)
			onboard(ad, lang)
			draftThree(t, h, ad)
			ad.Press("pd:pv")
			ad.Press("pd:when")
			ad.Press("pd:at:mon")
			got := ad.Last().Text
			mon := h.T(lang, "admin_weekday_Mon")
			for _, want := range []string{mon + " 2026-10-26 10:00 EET", mon + " 2026-11-02 10:00 EET", mon + " 2026-11-09 10:00 EET"} {
				if !strings.Contains(got, want) {
					t.Errorf("confirmation %q, want %q", got, want)
				}
			}
			if n := strings.Count(got, "\n• "); n != 3 {
				t.Errorf("confirmation shows %d runs, want 3: %q", n, got)
			}
		})
	}
}

// TestPost_AlbumWithButtonsIsExplained: an album cannot carry inline buttons (Telegram), so
// when a post has buttons and an album version, the editor and the preview say that version
// goes without them, instead of listing buttons that will not appear.
func TestPost_AlbumWithButtonsIsExplained(t *testing.T) {
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			h := startAdmin(t, handlerstest.Options{})
			ad := h.Person(adminID, lang)
			onboard(ad, lang)
			ad.Send("/post")
			for i, id := range []string{"PHOTO-A", "PHOTO-B"} {
				m := tgbotapi.Message{MediaGroupID: "album-1", Photo: []tgbotapi.PhotoSize{{FileID: id, Width: 10, Height: 10}}}
				if i == 0 {
					m.Caption = "Two photos"
				}
				sendAs(h, ad.U, m)
			}
			note := stripTags(h.T(lang, "admin2_album_no_buttons", map[string]any{"Langs": h.T(lang, "lang_name")}))
			if ad.Sees(note) {
				t.Errorf("the note shows before there are buttons")
			}
			ad.Press("pd:btn")
			ad.Send("https://t.me/peerline_test_bot?start=ost | Отримати допомогу | Получить помощь | Get help")
			if !strings.Contains(ad.Last().Text, note) {
				t.Errorf("editor %q, want the note %q", ad.Last().Text, note)
			}
			ad.Press("pd:pv")
			if !strings.Contains(ad.Last().Text, note) {
				t.Errorf("preview %q, want the note %q", ad.Last().Text, note)
			}
		})
	}
}
