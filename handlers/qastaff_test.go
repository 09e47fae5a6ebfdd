package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/handlers/handlerstest"
	"github.com/ehra/peerline/store"
)

// TestQAStaff_TypoCodeDoesNotActOnTheActiveCase: a code that is malformed or names no case
// never falls back to the consultant's active case — "/block K3F8" (a typo) used to block the
// person of the active case, "/close 12" to ask for the active case's outcome. The consultant
// is told, in their language, that there is no such case.
func TestQAStaff_TypoCodeDoesNotActOnTheActiveCase(t *testing.T) {
	for i, lang := range []string{"uk", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
			cons := d.consultant(601+int64(i), "Sova", lang)
			p := d.person(9400+int64(i), lang)
			p.Press("ask:gen")
			k := d.caseOf(p)
			cons.Press("ct:" + k.Code)
			for _, tc := range []struct{ cmd, shown string }{
				{"/block K3F8", "K3F8"},
				{"/close 12", "12"},
				{"/case ZZZZ", "ZZZZ"},
				{"/block <b>x</b>", "&lt;b&gt;x&lt;/b&gt;"},
			} {
				cons.Send(tc.cmd)
				got, want := cons.Last().HTML, d.h.T(lang, "qastaff_no_such_case", map[string]any{"Code": tc.shown})
				if got != want {
					t.Errorf("%s: got %q, want %q", tc.cmd, got, want)
				}
				if got := d.loadCase(k.Code); got.State != store.CaseTaken || got.Blocked {
					t.Fatalf("%s acted on the active case: %+v", tc.cmd, got)
				}
			}
		})
	}
}

// TestQAStaff_HelpShowsTheRolesCommands: a consultant's /help lists what a consultant can do
// (/on, /cases, /close, ...) in their language, an admin's the admin commands; a person's /help
// shows neither. The lines read like the person's help: "/on — start a shift".
func TestQAStaff_HelpShowsTheRolesCommands(t *testing.T) {
	for i, lang := range []string{"uk", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{Admins: []int64{staffAdminID}})
			cons := d.consultant(611+int64(i), "Sova", lang)
			admin := d.h.Person(staffAdminID, lang)
			person := d.person(9410+int64(i), lang)
			consLines := []string{
				"<b>" + d.h.T(lang, "qastaff_help_consultant") + "</b>",
				"/on — " + map[string]string{"uk": "почати зміну", "ru": "начать смену", "en": "start a shift"}[lang],
				"/off — " + map[string]string{"uk": "завершити зміну", "ru": "закончить смену", "en": "end the shift"}[lang],
				"/cases — " + map[string]string{"uk": "ваші звернення й черга", "ru": "ваши обращения и очередь", "en": "your cases and the queue"}[lang],
				"/close — " + map[string]string{"uk": "закрити звернення з результатом", "ru": "закрыть обращение с результатом", "en": "close a case with its outcome"}[lang],
				"/transfer — " + map[string]string{"uk": "передати звернення колезі: /transfer ІМ'Я", "ru": "передать обращение коллеге: /transfer ИМЯ", "en": "hand a case to a colleague: /transfer NAME"}[lang],
			}
			adminLines := []string{
				"<b>" + d.h.T(lang, "qastaff_help_admin") + "</b>",
				"/invite — " + map[string]string{"uk": "запросити консультанта чи адміністратора", "ru": "пригласить консультанта или администратора", "en": "invite a consultant or an admin"}[lang],
			}
			for _, tc := range []struct {
				who       *handlerstest.Person
				has, lack []string
			}{
				{cons, consLines, adminLines},
				{admin, adminLines, consLines},
				{person, nil, append(append([]string{}, consLines...), adminLines...)},
			} {
				tc.who.Send("/help")
				got := tc.who.Last().HTML
				if !strings.HasPrefix(got, d.h.T(lang, "help_text")) {
					t.Errorf("user %d: /help does not start with the help text: %q", tc.who.U.ID, got)
				}
				for _, l := range tc.has {
					if !strings.Contains(got, l) {
						t.Errorf("user %d: /help lacks %q:\n%s", tc.who.U.ID, l, got)
					}
				}
				for _, l := range tc.lack {
					if strings.Contains(got, l) {
						t.Errorf("user %d: /help shows %q", tc.who.U.ID, l)
					}
				}
			}
		})
	}
}

// TestQAStaff_OffWithOpenCasesSaysTheyStay: /off with open cases says which ones stay the
// consultant's and how to hand them over (with the case buttons), in their language; /off with
// none says only the usual goodbye.
func TestQAStaff_OffWithOpenCasesSaysTheyStay(t *testing.T) {
	for i, lang := range []string{"uk", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
			cons := d.consultant(621+int64(i), "Sova", lang)
			p := d.person(9420+int64(i), lang)
			p.Press("ask:gen")
			k := d.caseOf(p)
			cons.Press("ct:" + k.Code)
			cons.Send("/off")
			got, want := cons.Last().HTML, d.h.T(lang, "qastaff_off_still_holding", map[string]any{"Codes": "<b>" + k.Code + "</b>"})
			if got != want {
				t.Errorf("/off with a case: got %q, want %q", got, want)
			}
			if !cons.HasButton("cs:" + k.Code) {
				t.Error("/off with a case: no button for the case")
			}
			if d.loadCase(k.Code).Consultant != cons.U.ID {
				t.Error("/off handed the case away")
			}
			d.olena.Send("/off") // holds nothing
			if got, want := d.olena.Last().HTML, d.h.T("en", "staff_off", map[string]any{"Name": "Olena"}); got != want {
				t.Errorf("/off with no case: got %q, want %q", got, want)
			}
		})
	}
}

// TestQAStaff_ForgottenWaitingCaseCardLosesTake: when a person whose case is still waiting uses
// /forget, every consultant's card says the person has left and no longer offers "Take" (it
// used to keep the button, leading to "no longer waiting").
func TestQAStaff_ForgottenWaitingCaseCardLosesTake(t *testing.T) {
	for i, lang := range []string{"uk", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
			cons := d.consultant(631+int64(i), "Sova", lang)
			p := d.person(9430+int64(i), lang)
			p.Press("ask:gen")
			k := d.caseOf(p)
			if !cons.HasButton("ct:" + k.Code) {
				t.Fatal("no card")
			}
			p.Send("/forget")
			p.Press("fg:yes")
			for _, c := range []*handlerstest.Person{cons, d.olena} {
				if c.HasButton("ct:" + k.Code) {
					t.Errorf("consultant %d: the card of an erased case still offers Take", c.U.ID)
				}
			}
			if want := d.h.T(lang, "consult_card_left"); !cons.Sees(want) {
				t.Errorf("the card does not say %q", want)
			}
		})
	}
}

// TestQAStaff_OldCaseButtonsSayWhatHappened: the "#CODE" button of an old /cases list, or /close CODE,
// for a case that is closed or back in the queue says so, instead of "held by <the consultant
// themself>; only they can do this".
func TestQAStaff_OldCaseButtonsSayWhatHappened(t *testing.T) {
	for i, lang := range []string{"uk", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
			cons := d.consultant(641+int64(i), "Sova", lang)
			a := d.person(9440+int64(i), lang)
			b := d.person(9450+int64(i), lang)
			a.Press("ask:gen")
			ka := d.caseOf(a)
			b.Press("ask:gen")
			kb := d.caseOf(b)
			cons.Press("ct:" + ka.Code)
			cons.Press("ct:" + kb.Code)
			cons.Send("/cases")
			list := cons.Last() // carries #CODE buttons; stays after a close

			cons.Send("/release " + kb.Code)
			d.h.API.Press(cons.U, cons.Chat(), list.ID, "cs:"+kb.Code)
			d.h.Settle()
			want := d.h.T(lang, "qastaff_case_waiting", map[string]any{"Code": kb.Code})
			if got, _ := d.lastAnswer(); got != want {
				t.Errorf("#CODE of a released case: got %q, want %q", got, want)
			}
			cons.Send("/close " + ka.Code)
			cons.Press("co:" + ka.Code + ":info")
			cons.Press("cf:" + ka.Code + ":0")
			d.h.API.Press(cons.U, cons.Chat(), list.ID, "cs:"+ka.Code)
			d.h.Settle()
			want = d.h.T(lang, "qastaff_case_closed", map[string]any{"Code": ka.Code})
			if got, _ := d.lastAnswer(); got != want {
				t.Errorf("#CODE of a closed case: got %q, want %q", got, want)
			}
			cons.Send("/close " + ka.Code)
			if got := cons.Last().HTML; got != want {
				t.Errorf("/close of a closed case: got %q, want %q", got, want)
			}
		})
	}
}

// TestQAStaff_ConsultantWithNoCaseIsToldNothingWasSent: a consultant who holds no case and
// sends text, a photo or a sticker is told, in their language, that it reached nobody — not
// offered, like a person, to "talk to a peer consultant"; no case opens about them.
func TestQAStaff_ConsultantWithNoCaseIsToldNothingWasSent(t *testing.T) {
	for i, lang := range []string{"uk", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
			cons := d.consultant(651+int64(i), "Sova", lang)
			want := d.h.T(lang, "qastaff_no_case")
			for _, send := range []struct {
				name string
				do   func()
			}{
				{"text", func() { cons.Send("hello, anyone?") }},
				{"photo", func() { d.h.API.SendMedia(cons.U, fakeapi.Chat{}, 0, fakeapi.KindPhoto, ""); d.h.Settle() }},
				{"sticker", func() { d.h.API.SendMedia(cons.U, fakeapi.Chat{}, 0, fakeapi.KindSticker, ""); d.h.Settle() }},
			} {
				send.do()
				if got := cons.Last(); got.HTML != want || !cons.HasButton("cn") {
					t.Errorf("%s: got %q, want %q with Take next", send.name, got.HTML, want)
				}
				for _, b := range cons.Buttons() {
					if strings.HasPrefix(b.Data, "ask:") {
						t.Errorf("%s: the consultant is offered %q", send.name, b.Data)
					}
				}
			}
			var n int
			_ = d.h.DB.View(func(tx *store.Tx) error {
				all, err := tx.Cases(func(*store.Case) bool { return true })
				n = len(all)
				return err
			})
			if n != 0 {
				t.Errorf("%d case(s) opened", n)
			}
		})
	}
}

// TestQAStaff_WhichCaseShowsTheCommandAndTheCases: a consultant holding a case with no active
// one (after releasing the active case) who sends /close or /transfer NAME without a code is
// shown that command's own example and the buttons of their cases (it used to suggest
// "/case K3F9" for every command); nothing changes.
func TestQAStaff_WhichCaseShowsTheCommandAndTheCases(t *testing.T) {
	for i, lang := range []string{"uk", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
			cons := d.consultant(661+int64(i), "Sova", lang)
			a := d.person(9460+int64(i), lang)
			b := d.person(9470+int64(i), lang)
			a.Press("ask:gen")
			ka := d.caseOf(a)
			b.Press("ask:gen")
			kb := d.caseOf(b)
			cons.Press("ct:" + ka.Code)
			cons.Press("ct:" + kb.Code) // active
			cons.Send("/release")
			for _, tc := range []struct{ cmd, example string }{
				{"/close", "/close K3F9"},
				{"/transfer Olena", "/transfer K3F9 " + d.h.T(lang, "qastaff_name")},
				{"/release", "/release K3F9"},
			} {
				cons.Send(tc.cmd)
				got, want := cons.Last().HTML, d.h.T(lang, "qastaff_which_case", map[string]any{"Example": tc.example})
				if got != want {
					t.Errorf("%s: got %q, want %q", tc.cmd, got, want)
				}
				if !cons.HasButton("cs:" + ka.Code) {
					t.Errorf("%s: no button for the held case", tc.cmd)
				}
				if k := d.loadCase(ka.Code); k.State != store.CaseTaken || k.Consultant != cons.U.ID || k.Offer != 0 {
					t.Fatalf("%s changed the case: %+v", tc.cmd, k)
				}
			}
		})
	}
}

// TestQAStaff_NoStaleCardAfterTheCaseLeft: once a case left a consultant's private chat (handed
// over, then closed by the colleague), no "New request … Closed" card pops up there again — the
// card was deleted, and an edit of a deleted card used to be sent as a new message.
func TestQAStaff_NoStaleCardAfterTheCaseLeft(t *testing.T) {
	for i, lang := range []string{"uk", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
			sova := d.consultant(671+int64(i), "Sova", lang)
			lis := d.consultant(681+int64(i), "Lis", lang)
			p := d.person(9480+int64(i), lang)
			p.Press("ask:gen")
			k := d.caseOf(p)
			sova.Press("ct:" + k.Code)
			sova.Send("/transfer Lis")
			lis.Press("cx:" + k.Code + ":y")
			before := len(sova.Messages())
			lis.Send("/close " + k.Code)
			lis.Press("co:" + k.Code + ":info")
			lis.Press("cf:" + k.Code + ":0")
			for _, m := range sova.Messages()[before:] {
				t.Errorf("Sova got %q after the case left her", m.Text)
			}
			for _, m := range sova.Messages() {
				if strings.Contains(m.Text, k.Code) && strings.Contains(m.Text, d.h.T(lang, "consult_card_new")) && !m.Deleted {
					t.Errorf("a card of the case is in Sova's chat: %q", m.Text)
				}
			}
		})
	}
}

// TestQAStaff_ConsultantCannotTakeTheirOwnRequest: a consultant who asks for help themself (the
// menu offers it to everyone) gets no card of their own request, cannot take it with /next or
// an old button, and a colleague can.
func TestQAStaff_ConsultantCannotTakeTheirOwnRequest(t *testing.T) {
	for i, lang := range []string{"uk", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
			sova := d.consultant(691+int64(i), "Sova", lang)
			sova.Press("ask:gen")
			k := d.caseOf(sova)
			if sova.HasButton("ct:" + k.Code) {
				t.Error("the consultant got a card of their own request")
			}
			sova.Send("/next")
			if got := d.loadCase(k.Code); got.State != store.CaseQueued {
				t.Fatalf("/next took the consultant's own request: %+v", got)
			}
			d.h.API.Press(sova.U, sova.Chat(), sova.Last().ID, "ct:"+k.Code)
			d.h.Settle()
			if got := d.loadCase(k.Code); got.State != store.CaseQueued {
				t.Fatalf("Take of their own request: %+v", got)
			}
			if got, want := func() string { s, _ := d.lastAnswer(); return s }(), d.h.T(lang, "qastaff_own_request"); got != want {
				t.Errorf("Take of their own request: got %q, want %q", got, want)
			}
			if !d.olena.HasButton("ct:" + k.Code) {
				t.Fatal("a colleague got no card")
			}
			d.olena.Press("ct:" + k.Code)
			if got := d.loadCase(k.Code); got.Consultant != d.olena.U.ID {
				t.Errorf("the colleague could not take it: %+v", got)
			}
		})
	}
}

// TestQAStaff_UndeliveredOffersClose: when the person has blocked the bot, the consultant's
// "did not reach the person" notice carries a Close button that leads to the outcome question,
// in the consultant's language.
func TestQAStaff_UndeliveredOffersClose(t *testing.T) {
	for i, lang := range []string{"uk", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
			sova := d.consultant(711+int64(i), "Sova", lang)
			p := d.person(9490+int64(i), lang)
			p.Press("ask:gen")
			k := d.caseOf(p)
			sova.Press("ct:" + k.Code)
			d.h.API.Block(p.Chat())
			sova.Send("are you there?")
			// The notice follows the refused copy (the outbox's Else call), after the update settled.
			want := d.h.T(lang, "consult_undelivered", map[string]any{"Code": k.Code})
			d.h.API.WaitFor(10*time.Second, func() bool { return sova.Last().Text == want })
			last := sova.Last()
			if got := last.Text; got != want {
				t.Fatalf("notice: got %q, want %q", got, want)
			}
			if len(last.Keyboard) != 1 || len(last.Keyboard[0]) != 1 || last.Keyboard[0][0].Data != "cc:"+k.Code || last.Keyboard[0][0].Text != d.h.T(lang, "consult_btn_close") {
				t.Fatalf("notice keyboard: %+v", last.Keyboard)
			}
			sova.PressOn(last.ID, "cc:"+k.Code)
			if got, want := sova.Last().HTML, d.h.T(lang, "consult_outcome_ask", map[string]any{"Code": k.Code}); got != want {
				t.Errorf("after Close: got %q, want %q", got, want)
			}
		})
	}
}
