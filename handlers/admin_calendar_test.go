package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ehra/peerline/handlers/handlerstest"
	"github.com/ehra/peerline/store"
)

func TestCampaign_ReminderOnceThenDraftInOneTap(t *testing.T) {
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			h := startAdmin(t, handlerstest.Options{Start: time.Date(2026, 11, 23, 9, 0, 0, 0, kyiv)})
			ad := h.Person(adminID, lang)
			onboard(ad, lang)
			aids, _ := h.Content.Campaign("aids")
			want := stripTags(h.T(lang, "admin_campaign_reminder", map[string]any{"Days": 7, "Name": aids.Name.In(lang), "Date": "X"}))
			want = want[:strings.Index(want, "(")]
			h.RunJob("campaigns") // 8 days ahead: not yet
			if ad.Sees(want) {
				t.Fatalf("reminded 8 days ahead")
			}
			h.Clock.Add(24 * time.Hour)
			h.RunJob("campaigns")
			h.RunJob("campaigns")
			n := 0
			for _, m := range ad.Messages() {
				if strings.Contains(m.Text, want) {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%d reminders %q, want 1; last %q", n, want, ad.Last().Text)
			}
			ad.Press("cal:d:aids")
			ad.Press("pd:pv")
			ad.Press("pd:pub")
			runJob(t, h)
			for ch, l := range map[int64]string{chanUK: "uk", chanRU: "ru", chanEN: "en"} {
				posts := channelPosts(h, ch)
				if len(posts) != 1 || posts[0].Params["text"] != aids.Post.In(l) {
					t.Fatalf("channel %s: %v, want the campaign text", l, posts)
				}
				if !strings.Contains(posts[0].Params["reply_markup"], "start=art") {
					t.Errorf("channel %s: buttons %q, want the deep link to start=art", l, posts[0].Params["reply_markup"])
				}
			}
			var campaign int64
			_ = h.DB.View(func(tx *store.Tx) error { campaign = tx.Counter("posts_campaign"); return nil })
			if campaign != 3 {
				t.Errorf("posts_campaign = %d, want 3", campaign)
			}
		})
	}
}

func TestCalendar_ShowsCampaignsAndScheduledPosts(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	ad := h.Person(adminID, "en")
	onboard(ad, "en")
	draftThree(t, h, ad)
	schedule(t, ad, "0 10 * * 1")
	ad.Send("/calendar")
	got := ad.Last().Text
	for _, want := range []string{"World AIDS Day", "Tue 2026-12-01", "Mon 2026-11-30", "10:00 · 📝 #1", "Mon 2026-12-21"} {
		if !strings.Contains(got, want) {
			t.Errorf("calendar lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "TB Day") {
		t.Errorf("calendar shows a campaign beyond the month:\n%s", got)
	}
	if !ad.HasButton("cal:d:aids") {
		t.Errorf("no draft button for World AIDS Day: %+v", ad.Buttons())
	}
}
