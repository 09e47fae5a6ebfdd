package handlers

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ehra/peerline/bot"
)

func TestNowLines(t *testing.T) {
	text := "Intro line.\n\n<b>1. Gather your papers</b>\n• ID\n\n<b>2. Know your rights.</b> In the EU, temporary protection gives you access to healthcare & more, for a long while.\n\n<b>3. Short</b>\n\nnot numbered <b>4. inline</b>\n<b>4. Fourth</b> x\n<b>5. Fifth</b>"
	got := nowLines(text, 4, 40)
	want := []string{
		"<b>1. Gather your papers</b>",
		"<b>2. Know your rights.</b>", // its first sentence does not fit: never half a sentence
		"<b>3. Short</b>",
		"<b>4. Fourth</b> x",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("nowLines:\n got %q\nwant %q", got, want)
	}
	if got, want := nowLines("<b>1. Register.</b> It takes a day. Then the rest follows, and a long tail of words.", 1, 40), "<b>1. Register.</b> It takes a day."; len(got) != 1 || got[0] != want {
		t.Errorf("first sentence that fits: got %q, want %q", got, want)
	}
	if got, want := nowLines("<b>2. ЗПТ.</b> У 2022 р. для людей з України були пільги, а тепер умови змінилися.", 1, 60), "<b>2. ЗПТ.</b>"; len(got) != 1 || got[0] != want {
		t.Errorf("an abbreviation is no sentence end: got %q, want %q", got, want)
	}
	for _, l := range nowLines("<b>1. A &amp; B</b> c < d", 1, 80) {
		if l != "<b>1. A &amp; B</b> c &lt; d" {
			t.Errorf("escaping: %q", l)
		}
	}
	for _, l := range nowLines("<b>1. "+strings.Repeat("word ", 40)+"</b>", 1, 50) {
		if n := utf8.RuneCountInString(strings.NewReplacer("<b>", "", "</b>", "").Replace(l)); n > 60 {
			t.Errorf("a long heading is not kept short (%d letters): %q", n, l)
		}
	}
}

func TestResultSummaryOnlyAtAResult(t *testing.T) {
	a := newTestApp(t, false)
	c := &bot.Ctx{Lang: "en", Conv: trDocs, ConvData: map[string]string{"topic": "ost", "country": "UA", "region": "kharkiv"}}
	if _, _, ok := a.resultSummary(c); ok {
		t.Error("a summary outside a result")
	}
	c.Conv = a.treat.state(resultStep)
	s, flow, ok := a.resultSummary(c)
	if !ok || flow != "treatment" || !strings.Contains(s, "Kharkiv") {
		t.Errorf("at the result: %q %q %v", s, flow, ok)
	}
}
