package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ehra/peerline/handlers/handlerstest"
)

func TestStats_SmallCountsMaskedNoIDs(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	var ids []int64
	for i := 0; i < 6; i++ {
		p := h.Person(int64(7770100+i), "en")
		onboard(p, "en")
		ids = append(ids, p.U.ID)
		if i < 2 {
			p.Send("/overdose")
		}
	}
	for i := 0; i < 5; i++ {
		p := h.Person(int64(7770200+i), "ru")
		onboard(p, "ru")
		p.Send("/overdose")
		ids = append(ids, p.U.ID)
	}
	ad := h.Person(adminID, "en")
	onboard(ad, "en")
	ad.Send("/stats")
	got := ad.Last().Text
	line := func(key string, data ...map[string]any) string {
		label := stripTags(h.T("en", key, data...))
		for _, l := range strings.Split(got, "\n") {
			if strings.HasPrefix(l, label+": ") {
				return strings.TrimPrefix(l, label+": ")
			}
		}
		t.Fatalf("no line %q in:\n%s", label, got)
		return ""
	}
	tests := []struct {
		key  string
		data map[string]any
		want string
	}{
		{"admin_stat_people_new", nil, "11"},
		{"admin_stat_people_active", nil, "11"},
		{"admin_stat_people_lang", map[string]any{"Lang": "English"}, "6"},
		{"admin_stat_people_lang", map[string]any{"Lang": "Русский"}, "5"},
		{"admin_stat_people_lang", map[string]any{"Lang": "Українська"}, "<5"},
		{"admin_stat_section", map[string]any{"Name": h.T("en", "admin_section_overdose")}, "7"},
		{"admin_stat_section", map[string]any{"Name": h.T("en", "admin_section_nps")}, "<5"},
		{"admin_stat_posts_published", nil, "<5"},
		{"admin_stat_wait_median", nil, h.T("en", "admin_stat_too_few")},
	}
	for _, tt := range tests {
		if got := line(tt.key, tt.data); got != tt.want {
			t.Errorf("%s %v = %q, want %q", tt.key, tt.data, got, tt.want)
		}
	}
	for _, id := range append(ids, adminID) {
		if strings.Contains(got, fmt.Sprint(id)) {
			t.Errorf("statistics show the id %d", id)
		}
	}
	ad.Press("st:csv")
	h.App.WaitBackground()
	docs := h.API.CallsTo("sendDocument")
	if len(docs) != 1 || docs[0].ChatID != adminID || !strings.HasPrefix(docs[0].Params["document"], "peerline-stats-") {
		t.Errorf("CSV calls %+v, want one statistics document to the admin", docs)
	}
}
