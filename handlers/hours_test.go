package handlers

import (
	"strings"
	"testing"
	"time"
)

func TestParseHours_Errors(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{"mon-fri", "expected days then times"},
		{"mon-fry 09:00-21:00", `"fry" is not a day`},
		{"someday 09:00-21:00", `"someday" is not a day`},
		{"mon 9-21", `"9-21" is not a time range`},
		{"mon 09:00-25:00", "is not a time range"},
		{"mon 09:60-10:00", "is not a time range"},
		{"mon 24:00-10:00", "is not a time range"},
		{"mon 10:00-10:00", "empty time range"},
		{";", "no opening hours"},
	} {
		_, err := ParseHours(tc.spec, time.UTC)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseHours(%q) error = %v, want it to mention %q", tc.spec, err, tc.want)
		}
	}
}

func TestHours_OpenAndNextOpen(t *testing.T) {
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, kyiv)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// 2026-11-23 is a Monday.
	const week = "mon-fri 09:00-21:00; sat 10:00-16:00"
	for _, tc := range []struct {
		spec, now string
		open      bool
		next      string // "" = now
	}{
		{"", "2026-11-23 03:00", true, ""},
		{"always", "2026-11-29 23:59", true, ""},
		{week, "2026-11-23 08:59", false, "2026-11-23 09:00"},
		{week, "2026-11-23 09:00", true, ""},
		{week, "2026-11-23 20:59", true, ""},
		{week, "2026-11-23 21:00", false, "2026-11-24 09:00"},
		{week, "2026-11-27 22:00", false, "2026-11-28 10:00"}, // Friday night → Saturday
		{week, "2026-11-28 16:00", false, "2026-11-30 09:00"}, // Saturday after → Monday
		{week, "2026-11-29 12:00", false, "2026-11-30 09:00"}, // Sunday
		{"MON,Wed 10:00-12:00, 14:00-16:00", "2026-11-23 13:00", false, "2026-11-23 14:00"},
		{"mon,wed 10:00-12:00 14:00-16:00", "2026-11-23 16:30", false, "2026-11-25 10:00"},
		{"fri-mon 10:00-11:00", "2026-11-24 10:30", false, "2026-11-27 10:00"}, // wraps over the weekend
		{"fri-mon 10:00-11:00", "2026-11-30 10:30", true, ""},
		{"daily 22:00-02:00", "2026-11-24 01:30", true, ""}, // past midnight
		{"daily 22:00-02:00", "2026-11-24 02:00", false, "2026-11-24 22:00"},
		{"sat 20:00-24:00", "2026-11-28 23:59", true, ""},
		{"sat 20:00-24:00", "2026-11-29 00:00", false, "2026-12-05 20:00"},
		// Daylight saving ends on 2026-10-25 in Kyiv: 09:00 is still 09:00 local time.
		{"sun 09:00-10:00", "2026-10-24 12:00", false, "2026-10-25 09:00"},
	} {
		h, err := ParseHours(tc.spec, kyiv)
		if err != nil {
			t.Fatalf("ParseHours(%q): %v", tc.spec, err)
		}
		now := at(tc.now)
		if got := h.Open(now); got != tc.open {
			t.Errorf("%q at %s: Open = %v, want %v", tc.spec, tc.now, got, tc.open)
		}
		want := now
		if tc.next != "" {
			want = at(tc.next)
		}
		if got := h.NextOpen(now); !got.Equal(want) {
			t.Errorf("%q at %s: NextOpen = %s, want %s", tc.spec, tc.now, got.In(kyiv).Format("Mon 2006-01-02 15:04 MST"), want.Format("Mon 2006-01-02 15:04 MST"))
		}
	}
}
