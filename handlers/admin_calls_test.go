package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ehra/peerline/handlers/handlerstest"
)

// fillCall creates call EHRA-09-01 through the form.
func fillCall(t *testing.T, ad *handlerstest.Person, deadline string) {
	t.Helper()
	ad.Send("/admin")
	ad.Press("ac:list")
	ad.Press("ac:new")
	answers := []string{"EHRA-09-01",
		"Перекладач", "Переводчик", "Translator",
		"Потрібен перекладач", "Нужен переводчик", "A translator is needed <now>",
		"Досвід\nОсвіта", "Опыт\nОбразование", "Experience\nEducation",
		deadline, "calls@example.org",
		"Надішліть резюме", "Отправьте резюме", "Send a CV"}
	for _, a := range answers {
		ad.Send(a)
	}
	ad.Press("ac:save")
}

func TestCalls_AdminCreatesCallShownToPeopleUntilDeadline(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	ad := h.Person(adminID, "en")
	onboard(ad, "en")
	ad.Send("/admin")
	ad.Press("ac:list")
	ad.Press("ac:new")
	ad.Send("bad number!")
	if got, want := ad.Messages()[len(ad.Messages())-2].Text, stripTags(h.T("en", "admin_call_bad_number")); got != want {
		t.Errorf("bad number answered %q, want %q", got, want)
	}
	ad.Press("ac:x")
	fillCall(t, ad, "2026-12-10 18:00")
	if got := auditEntries(t, h); len(got) != 1 || got[0].Action != "call.create" {
		t.Errorf("audit %+v, want call.create", got)
	}
	p := h.Person(4440002, "uk")
	onboard(p, "uk")
	p.Press("calls")
	if !p.HasButton("call:EHRA-09-01") {
		t.Fatalf("the new call is not in the open list: %q", p.Last().Text)
	}
	p.Press("call:EHRA-09-01")
	got := p.Last().Text
	for _, want := range []string{"Перекладач", "Потрібен перекладач", "Досвід", "Освіта", "calls@example.org", "Надішліть резюме", "18:00 EET"} {
		if !strings.Contains(got, want) {
			t.Errorf("call page lacks %q:\n%s", want, got)
		}
	}
	en := h.Person(4440003, "en")
	onboard(en, "en")
	en.Press("calls")
	en.Press("call:EHRA-09-01")
	if !strings.Contains(en.Last().Text, "A translator is needed <now>") {
		t.Errorf("typed text not shown as typed: %q", en.Last().Text)
	}
	// After the deadline it leaves the open list by itself.
	h.Clock.Set(time.Date(2026, 12, 10, 18, 1, 0, 0, kyiv))
	p.Send("/menu")
	p.Press("calls")
	if p.HasButton("call:EHRA-09-01") {
		t.Errorf("closed call still in the open list")
	}
}

func TestCalls_PostAndReminder(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	ad := h.Person(adminID, "ru")
	onboard(ad, "ru")
	fillCall(t, ad, "2026-12-10 18:00")
	ad.Press("ac:rem:EHRA-09-01")
	ad.Press("ac:rd:EHRA-09-01:3")
	if got := ad.Last().Text; !strings.Contains(got, "2026-12-07 10:00 EET") {
		t.Fatalf("reminder scheduled %q, want 2026-12-07 10:00 EET", got)
	}
	h.Clock.Set(time.Date(2026, 12, 7, 10, 0, 30, 0, kyiv))
	runJob(t, h)
	posts := channelPosts(h, chanRU)
	if len(posts) != 1 || !strings.Contains(posts[0].Params["text"], "EHRA-09-01") || !strings.Contains(posts[0].Params["reply_markup"], "start=calls") {
		t.Fatalf("ru channel: %v, want the reminder with a link to the calls", posts)
	}
	// The announcement: a draft with the three versions, published now.
	ad.Send("/admin")
	ad.Press("ac:list")
	ad.Press("ac:post:EHRA-09-01")
	ad.Press("pd:pv")
	ad.Press("pd:pub")
	if n := len(channelPosts(h, chanEN)); n != 2 {
		t.Errorf("en channel has %d posts, want reminder + announcement", n)
	}
}
