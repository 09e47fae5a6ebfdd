package handlers

import (
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/content"
	"github.com/ehra/peerline/locales"
)

func newTestApp(t *testing.T, handoff bool) *App {
	t.Helper()
	return New(Deps{Content: content.MustLoad(), Locales: locales.MustLoad(), Handoff: handoff,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// promise matches a mention of a peer consultant a person could reach through the bot.
var promise = regexp.MustCompile(`(?i)консультант\pL* у цьому боті|консультант\pL* в этом боте|consultant in this bot|рівн\pL* консультант|равн\pL* консультант|консультант\pL*-рівн|консультант\pL*-равн|peer consultant|пір-консультант`)

func hasData(kb bot.Keyboard, prefix string) bool {
	for _, row := range kb {
		for _, b := range row {
			if strings.HasPrefix(b.Data, prefix) {
				return true
			}
		}
	}
	return false
}

// TestStepsMessage_ConsultantOnlyWithHandoff: with the handoff off, no entry of practical steps
// promises a peer consultant or shows the button, and each offers what exists instead; with it
// on, the consultant sentence and the "Talk to a peer consultant" button appear.
func TestStepsMessage_ConsultantOnlyWithHandoff(t *testing.T) {
	for _, on := range []bool{false, true} {
		a := newTestApp(t, on)
		for _, lang := range []string{"uk", "ru", "en"} {
			c := &bot.Ctx{Lang: lang, Now: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)}
			for i := range a.content.Steps {
				s := &a.content.Steps[i]
				text, kb := a.stepsMessage(c, s)
				if !hasData(kb, "src:s:"+s.ID) {
					t.Errorf("%s (%s): no Sources button", s.ID, lang)
				}
				if !on {
					if m := promise.FindString(text); m != "" {
						t.Errorf("%s (%s), handoff off: promises %q", s.ID, lang, m)
					}
					if hasData(kb, "ask:") {
						t.Errorf("%s (%s), handoff off: shows the consultant button", s.ID, lang)
					}
					if s.Otherwise.In(lang) != "" && !strings.Contains(text, s.Otherwise.In(lang)) {
						t.Errorf("%s (%s), handoff off: the alternative is not offered", s.ID, lang)
					}
					continue
				}
				if s.Consult.In(lang) == "" {
					continue
				}
				if !strings.Contains(text, s.Consult.In(lang)) || !hasData(kb, "ask:"+stepsTopic(s)) {
					t.Errorf("%s (%s), handoff on: no consultant sentence or button", s.ID, lang)
				}
				if strings.Contains(text, s.Otherwise.In(lang)) {
					t.Errorf("%s (%s), handoff on: still shows the fallback", s.ID, lang)
				}
			}
		}
	}
}

// TestStepsMessage_AsOf: a country's rule says when it was last known to be true.
func TestStepsMessage_AsOf(t *testing.T) {
	a := newTestApp(t, false)
	for lang, want := range map[string]string{"uk": "Станом на січень 2026 р.", "ru": "По состоянию на январь 2026 г.", "en": "As of January 2026"} {
		c := &bot.Ctx{Lang: lang}
		for i := range a.content.Steps {
			if s := &a.content.Steps[i]; s.ID == "ost-poland" {
				if text, _ := a.stepsMessage(c, s); !strings.Contains(text, want) {
					t.Errorf("ost-poland (%s) lacks %q", lang, want)
				}
			}
		}
	}
}

// TestEmergencyLines: the card shows the person's country first (Ukraine when unknown), and
// always 112.
func TestEmergencyLines(t *testing.T) {
	a := newTestApp(t, false)
	for _, tc := range []struct{ lang, country, first, must string }{
		{"uk", "", "Україна", "<b>103</b>"},
		{"en", "PL", "Poland", "<b>999</b>"},
		{"ru", "GB", "Великобритания", "<b>999</b>"},
		{"en", "SK", "Slovakia", "<b>112</b>"},
	} {
		c := &bot.Ctx{Lang: tc.lang}
		got := a.emergencyLines(c, tc.country)
		if !strings.Contains(strings.SplitN(got, "\n", 2)[0], tc.first) || !strings.Contains(got, tc.must) {
			t.Errorf("%s/%q: %q lacks %s first or %s", tc.lang, tc.country, got, tc.first, tc.must)
		}
		if !strings.Contains(got, a.t(c, "content_od_general")) {
			t.Errorf("%s/%q: no 112 line", tc.lang, tc.country)
		}
	}
}

// TestServiceDateLine: an entry nobody verified says how old its information is; a 2022 source
// shows only its year.
func TestServiceDateLine(t *testing.T) {
	a := newTestApp(t, false)
	c := &bot.Ctx{Lang: "en", Now: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)}
	for i := range a.content.Directory.Services {
		s := &a.content.Directory.Services[i]
		got := a.serviceDateLine(c, s)
		switch s.ID {
		case "pl-kcpu-ukraine-helpline":
			if want := "Information as of 2022, not re-checked since"; !strings.Contains(got, want) {
				t.Errorf("%s: got %q, want %q", s.ID, got, want)
			}
		case "ua-lifeline":
			if want := "Information as of November 2026"; !strings.Contains(got, want) {
				t.Errorf("%s: got %q, want %q", s.ID, got, want)
			}
		}
	}
	verified := content.Service{Verified: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), VerifiedBy: "peer consultant"}
	if got := a.serviceDateLine(c, &verified); got != "" {
		t.Errorf("a recently verified entry: got %q, want nothing", got)
	}
	verified.Verified = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := a.serviceDateLine(c, &verified); !strings.Contains(got, "Last verified on 1 January 2025") {
		t.Errorf("an entry verified long ago: got %q", got)
	}
}

// TestLocales_NoInternalMarksNoPromise: no UI string carries a reviewer's label, and the person's
// screens (active.*) promise no consultant outside the handoff's own button.
func TestLocales_NoInternalMarksNoPromise(t *testing.T) {
	loc := locales.MustLoad()
	marks := regexp.MustCompile(`(?i)\bseeds?\b|fact brief|UNVERIFIED`)
	for _, lang := range locales.Langs {
		for _, k := range loc.Keys(lang) {
			s := loc.T(lang, k)
			if m := marks.FindString(s); m != "" || strings.Contains(s, "DATED") {
				t.Errorf("%s %s: %q", lang, k, s)
			}
			if k == "btn_ask_consultant" || !strings.HasPrefix(k, "combo_") && !strings.HasPrefix(k, "in_") && !strings.HasPrefix(k, "hu_") && !strings.HasPrefix(k, "tr_") && !strings.HasPrefix(k, "nps_") && !strings.HasPrefix(k, "od_") && !strings.HasPrefix(k, "content_") && k != "fallback_text" {
				continue
			}
			if m := promise.FindString(s); m != "" {
				t.Errorf("%s %s promises a consultant: %q", lang, k, m)
			}
		}
	}
}
