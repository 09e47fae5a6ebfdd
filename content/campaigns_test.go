package content

import (
	"strings"
	"testing"
	"time"
)

func TestCampaigns_ShippedDays(t *testing.T) {
	c := MustLoad()
	want := map[string]string{"tb": "03-24", "sdp": "06-26", "hep": "07-28", "oad": "08-31", "aids": "12-01"}
	if len(c.Campaigns) != len(want) {
		t.Errorf("%d campaigns, want %d", len(c.Campaigns), len(want))
	}
	for id, day := range want {
		x, ok := c.Campaign(id)
		if !ok {
			t.Errorf("campaign %s missing", id)
			continue
		}
		if got := x.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC).Format("01-02"); got != day {
			t.Errorf("%s on %s, want %s", id, got, day)
		}
	}
}

func TestCampaigns_Validation(t *testing.T) {
	base := Campaign{ID: "x1", Month: 2, Day: 28, Name: Text{"а", "а", "a"}, Post: Text{"а", "а", "a"},
		Meta: Meta{Sources: []string{"s"}, Reviewed: time.Now()}}
	tests := []struct {
		name  string
		edit  func(*Campaign)
		field string
	}{
		{"ok", func(*Campaign) {}, ""},
		{"html", func(x *Campaign) { x.Post.EN = "a <b>b</b>" }, "post.en"},
		{"no date", func(x *Campaign) { x.Month, x.Day = 2, 30 }, "month/day"},
		{"button without start", func(x *Campaign) { x.Button = Text{"а", "а", "a"} }, "start"},
		{"bad id", func(x *Campaign) { x.ID = "X Y" }, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := base
			tt.edit(&x)
			c := &Content{Campaigns: []Campaign{x}, sources: map[string]string{}}
			var fields []string
			for _, p := range c.validateCampaigns() {
				fields = append(fields, p.Field)
			}
			if got := strings.Join(fields, ","); !strings.Contains(got, tt.field) || (tt.field == "" && got != "") {
				t.Errorf("problems in %q, want %q", got, tt.field)
			}
		})
	}
}
