package handlers_test

import (
	"fmt"
	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/store"
	"strings"
	"testing"

	"github.com/ehra/peerline/handlers/handlerstest"
)

var qaLangs = []string{"uk", "ru", "en"}

// TestQA_WrongAnswerAlwaysGetsAVisibleReply: a typed answer a button question cannot take is
// answered where the person is looking. The first time, the question right above is edited to
// carry the notice; a second wrong answer, or one typed after an overdose card opened in the
// middle of the form, gets the question again as a new message at the bottom (an edit of the
// same text, or of a message scrolled away, shows the person nothing at all).
func TestQA_WrongAnswerAlwaysGetsAVisibleReply(t *testing.T) {
	for i, lang := range qaLangs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(7100+i), lang)
			onboard(p, lang)
			p.Press("tr:start")
			p.Press("tr:topic:ost")
			question := p.Last()
			notice := h.T(lang, "form_use_buttons")

			p.Send("???") // first time: the question right above carries the notice
			if got := message(p, question.ID); !strings.Contains(got.HTML, notice) || len(got.Keyboard) == 0 {
				t.Fatalf("first wrong answer: the question should carry the notice: %q", got.Text)
			}
			for _, step := range []struct {
				name string
				do   func()
			}{
				{"the same wrong answer again", func() { p.Send("???") }},
				{"a bare slash", func() { p.Send("/") }},
				{"text after an overdose card", func() { p.Send("/overdose"); p.Send("hmm") }},
			} {
				before := p.Last().ID
				step.do()
				last := p.Last()
				if last.ID <= before || !strings.Contains(last.HTML, notice) || !p.HasButton("tr:sit:keep") {
					t.Errorf("%s: no new message with the notice and the question at the bottom; last %q", step.name, last.Text)
				}
				// Only one copy of the question keeps its buttons.
				live := 0
				for _, m := range p.Messages() {
					for _, row := range m.Keyboard {
						for _, b := range row {
							if b.Data == "tr:sit:keep" {
								live++
							}
						}
					}
				}
				if live != 1 {
					t.Errorf("%s: %d messages show the question's buttons, want 1", step.name, live)
				}
			}
		})
	}
}

// TestQA_LanguagePickerHasAWayBack: the language screen opened from the menu or by /language
// offers the way back to the menu (a person who opened it by mistake need not pick anything);
// the first-time picker does not (the privacy promise comes first).
func TestQA_LanguagePickerHasAWayBack(t *testing.T) {
	for i, lang := range qaLangs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(7200+i), lang)
			p.Send("/start")
			if p.HasButton("menu") {
				t.Errorf("first-time picker offers the menu before the privacy promise: %v", p.Buttons())
			}
			p.Press("lang:" + lang)
			p.Press("onb:ok")
			for _, open := range []func(){func() { p.Press("language") }, func() { p.Send("/language") }} {
				open()
				if !p.HasButton("lang:uk") || !p.HasButton("menu") {
					t.Fatalf("language screen: want the languages and the way back, got %v", p.Buttons())
				}
				p.Press("menu")
				if got := p.Last().HTML; got != h.T(lang, "menu_title") {
					t.Errorf("back from the language screen: got %q, want the menu", got)
				}
			}
		})
	}
}

// TestQA_FollowUpDaysReadNaturally: the follow-up offer names the days with the word in the
// right form ("через 3 дні", "через 7 днів"), not an abbreviation ("3 дн."), for the person and
// for the consultant.
func TestQA_FollowUpDaysReadNaturally(t *testing.T) {
	want := map[string]map[string]string{
		"uk": {"3": "через 3 дні ", "7": "через 7 днів "},
		"ru": {"3": "через 3 дня ", "7": "через 7 дней "},
		"en": {"3": "in 3 days ", "7": "in 7 days "},
	}
	for i, lang := range qaLangs {
		for j, days := range []string{"3", "7"} {
			t.Run(lang+"/"+days, func(t *testing.T) {
				d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
				p := d.person(int64(7300+10*i+j), lang)
				p.Press("ask:gen")
				k := d.caseOf(p)
				d.olena.Press("ct:" + k.Code)
				d.olena.Send("/close " + k.Code)
				d.olena.Press("co:" + k.Code + ":info")
				d.olena.Press("cf:" + k.Code + ":" + days)
				if got := p.Last().Text; !strings.Contains(got, want[lang][days]) {
					t.Errorf("person's offer: got %q, want it to contain %q", got, want[lang][days])
				}
				if got := d.olena.Last().Text; !strings.Contains(got, want["en"][days][:len(want["en"][days])-1]+".") {
					t.Errorf("consultant's note: got %q", got)
				}
			})
		}
	}
}

// TestQA_TypedCountryInSettings: at the settings' country question a typed country is the
// answer — with no form open, and with a form left half-filled above (where it used to re-ask
// the form's first question) — and a word that names no country gets the question again.
func TestQA_TypedCountryInSettings(t *testing.T) {
	typed := map[string]string{"uk": "Польща", "ru": "в Польше", "en": "Poland"}
	for i, lang := range qaLangs {
		for j, withForm := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/form=%v", lang, withForm), func(t *testing.T) {
				h := handlerstest.Start(t, handlerstest.Options{})
				p := h.Person(int64(7400+10*i+j), lang)
				onboard(p, lang)
				if withForm {
					p.Press("tr:start")
				}
				p.Send("/settings")
				p.Press("setc")
				p.Send("blah blah")
				if got := p.Last(); !strings.HasPrefix(got.HTML, h.T(lang, "ux_set_country_q")) || !p.HasButton("setc:PL") {
					t.Fatalf("unknown country: want the question again, got %q", got.Text)
				}
				if !p.Sees(h.T(lang, "qa_country_unknown")) {
					t.Errorf("unknown country: no notice")
				}
				p.Send(typed[lang])
				var u store.User
				_ = h.DB.View(func(tx *store.Tx) error { u, _, _ = tx.User(p.Chat()); return nil })
				if u.Country != "PL" {
					t.Errorf("typed %q: country %q, want PL", typed[lang], u.Country)
				}
				if got := p.Last(); !p.HasButton("setc") || strings.Contains(got.HTML, h.T(lang, "form_use_buttons")) {
					t.Errorf("after the typed country: want the settings screen, got %q", got.Text)
				}
				// The question is answered: text typed now is no longer read as a country.
				p.Send(map[string]string{"uk": "Німеччина", "ru": "Германия", "en": "Germany"}[lang])
				_ = h.DB.View(func(tx *store.Tx) error { u, _, _ = tx.User(p.Chat()); return nil })
				if u.Country != "PL" {
					t.Errorf("text typed after the answer changed the country to %q", u.Country)
				}
			})
		}
	}
}

// TestQA_FirstQuestionSurvivesStart: a person whose first message is a question, and who then
// sends /start (as many do), lands on what they asked about after onboarding — as without the
// /start — not on the bare menu.
func TestQA_FirstQuestionSurvivesStart(t *testing.T) {
	for i, lang := range qaLangs {
		for j, start := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/start=%v", lang, start), func(t *testing.T) {
				h := handlerstest.Start(t, handlerstest.Options{})
				p := h.Person(int64(7500+10*i+j), lang)
				p.Send("где метадон в Варшаве")
				if start {
					p.Send("/start")
				}
				p.Press("lang:" + lang)
				p.Press("onb:ok")
				if !p.HasButton("tr:sit:keep") {
					t.Errorf("after onboarding: want the OST question, got %q", p.Last().Text)
				}
			})
		}
	}
}

// TestQA_NoTwoButtonsDoTheSame: no screen offers two buttons that do the same thing ("⬅️ Back"
// and "☰ Menu" both going to the menu on the combination checker's first question).
func TestQA_NoTwoButtonsDoTheSame(t *testing.T) {
	for i, lang := range qaLangs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(7600+i), lang)
			onboard(p, lang)
			for _, path := range [][]string{{"cmb"}, {"cmb", "cmb:opioids"}, {"nps", "nps:cathinones", "cmbn:cathinones"}, {"nps", "nps:cathinones"}} {
				p.Send("/menu")
				for _, d := range path {
					p.Press(d)
				}
				seen := map[string]string{}
				for _, b := range p.Buttons() {
					if prev, dup := seen[b.Data]; dup && b.Data != "" {
						t.Errorf("%v: %q and %q both do %s", path, prev, b.Text, b.Data)
					}
					seen[b.Data] = b.Text
				}
			}
		})
	}
}

// TestQA_LanguageChangeLeavesTheForm: changing the language shows the menu in the new language;
// like any way to the menu, it leaves a form in progress, so what is typed next is not taken as
// an answer to a question no longer on screen.
func TestQA_LanguageChangeLeavesTheForm(t *testing.T) {
	for i, lang := range qaLangs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(7700+i), "uk")
			onboard(p, "uk")
			p.Press("tr:start")
			p.Press("tr:topic:ost")
			p.Send("/language")
			p.Press("lang:" + lang)
			if got := p.Last().HTML; got != h.T(lang, "menu_title") {
				t.Fatalf("after the language change: want the menu, got %q", got)
			}
			p.Send("hello")
			if got := p.Last().HTML; strings.Contains(got, h.T(lang, "form_use_buttons")) || p.HasButton("tr:sit:keep") {
				t.Errorf("typed text after the language change was taken as the form's answer: %q", got)
			}
		})
	}
}

// TestQA_NoServicesNearYouWithoutAPlace: a result for someone who skipped the place question
// offers "📍 Where to turn", not "📍 Services near you" (the bot does not know where they are).
func TestQA_NoServicesNearYouWithoutAPlace(t *testing.T) {
	for i, lang := range qaLangs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(7800+i), lang)
			onboard(p, lang)
			label := func() string {
				for _, b := range p.Buttons() {
					if b.Data == "hu:res:svc" {
						return b.Text
					}
				}
				t.Fatalf("no services button: %q", p.Last().Text)
				return ""
			}
			p.Press("hu:start")
			p.Press("hu:need:food")
			p.Press("hu:skip")
			p.Press("hu:urg:no")
			if got, want := label(), "📍 "+h.T(lang, "in_services_title"); got != want {
				t.Errorf("no place: got %q, want %q", got, want)
			}
			p.Press("hu:restart")
			p.Press("hu:need:food")
			p.Press("hu:where:ua")
			p.Press("hu:reg:kyiv-city")
			p.Press("hu:urg:no")
			if got, want := label(), h.T(lang, "ux_res_services"); got != want {
				t.Errorf("with a place: got %q, want %q", got, want)
			}
		})
	}
}

// TestQA_FirstMessageMediaStartsOnboarding: a new person whose first message is a photo or a
// voice message gets the language choice and the privacy promise first (as after a first text);
// they are not offered to pass it to a consultant before they have seen the promise.
func TestQA_FirstMessageMediaStartsOnboarding(t *testing.T) {
	for i, lang := range qaLangs {
		for j, kind := range []string{"photo", "voice"} {
			t.Run(lang+"/"+kind, func(t *testing.T) {
				h := handlerstest.Start(t, handlerstest.Options{Handoff: true})
				p := h.Person(int64(7900+10*i+j), lang)
				if kind == "photo" {
					p.SendPhoto("")
				} else {
					h.API.SendVoice(p.U, fakeapi.Chat{}, 0)
					h.Settle()
				}
				if !p.HasButton("lang:" + lang) {
					t.Fatalf("first %s: want the language choice, got %q %v", kind, p.Last().Text, p.Buttons())
				}
				for _, m := range p.Messages() {
					for _, row := range m.Keyboard {
						for _, b := range row {
							if strings.HasPrefix(b.Data, "ask:") {
								t.Errorf("first %s: offered %q before the privacy promise", kind, b.Text)
							}
						}
					}
				}
				p.Press("lang:" + lang)
				if !p.HasButton("onb:ok") {
					t.Errorf("after the language: want the privacy promise, got %q", p.Last().Text)
				}
			})
		}
	}
}

// TestQA_CancelWithNothingToCancel: /cancel with no form in progress shows the menu without
// "Stopped. Nothing you filled in was kept."; in a conversation with a consultant it does not
// pretend to have stopped anything: the person is told where their request is, with the End
// button (/end ends it), and the request stays open.
func TestQA_CancelWithNothingToCancel(t *testing.T) {
	for i, lang := range qaLangs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{Handoff: true})
			p := h.Person(int64(8100+i), lang)
			onboard(p, lang)
			n := len(p.Messages())
			p.Send("/cancel")
			if p.Sees(h.T(lang, "cancelled")) || p.Last().HTML != h.T(lang, "menu_title") {
				t.Errorf("/cancel with nothing in progress: got %q", p.Last().Text)
			}
			if got := len(p.Messages()) - n; got != 1 {
				t.Errorf("/cancel with nothing in progress sent %d messages, want 1 (the menu)", got)
			}
			p.Press("ask:gen")
			var code string
			for _, b := range p.Messages()[len(p.Messages())-2].Keyboard[0] {
				code = strings.TrimPrefix(b.Data, "ce:")
			}
			p.Send("/cancel")
			if p.Sees(h.T(lang, "cancelled")) || !p.HasButton("ce:"+code) {
				t.Errorf("/cancel in a request: got %q %v", p.Last().Text, p.Buttons())
			}
			var open bool
			_ = h.DB.View(func(tx *store.Tx) error { _, open, _ = tx.CaseOfPerson(p.Chat()); return nil })
			if !open {
				t.Error("/cancel closed the request")
			}
			// In a form, /cancel still stops it.
			p.Press("tr:start")
			p.Send("/cancel")
			if !p.Sees(h.T(lang, "cancelled")) {
				t.Error("/cancel in a form: no confirmation")
			}
		})
	}
}

// TestQA_MenuStartsOnboardingForSomeoneNew: someone new, or someone after /forget ("the next
// /start will be like the first time"), who asks for the menu — /menu, the ☰ Menu key, an old
// button — gets the language choice and the privacy promise first, not the menu in a guessed
// language with the consultant button before they have seen the promise.
func TestQA_MenuStartsOnboardingForSomeoneNew(t *testing.T) {
	for i, lang := range qaLangs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{Handoff: true})
			check := func(what string, p *handlerstest.Person) {
				t.Helper()
				if !p.HasButton("lang:uk") || p.HasButton("ask:gen") {
					t.Errorf("%s: want the language choice, got %q %v", what, p.Last().Text, p.Buttons())
				}
			}
			fresh := h.Person(int64(8200+10*i), lang)
			fresh.Send("/menu")
			check("a first /menu", fresh)

			p := h.Person(int64(8201+10*i), lang)
			onboard(p, lang)
			menu := p.Last().ID
			p.Send("/forget")
			p.Press("fg:yes")
			p.Send("/menu")
			check("/menu after /forget", p)
			p.Send(h.T(lang, "btn_menu"))
			check("☰ after /forget", p)
			p.PressOn(menu, "menu")
			check("an old menu button after /forget", p)
			p.Press("lang:" + lang)
			p.Press("onb:ok")
			if got := p.Last().HTML; got != h.T(lang, "menu_title") {
				t.Errorf("after onboarding again: want the menu, got %q", got)
			}
		})
	}
}

// TestQA_NoRequestBeforeThePrivacyPromise: someone who never chose a language and saw the
// privacy promise (they opened /combo from Telegram's command list, say) and presses "Talk to a
// peer consultant" gets the onboarding first; no request is opened before it.
func TestQA_NoRequestBeforeThePrivacyPromise(t *testing.T) {
	for i, lang := range qaLangs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{Handoff: true})
			p := h.Person(int64(8300+i), lang)
			p.Send("/combo")
			p.Press("cmb:opioids")
			p.Press("cmb:opioids:spice") // a pair without data offers a consultant
			p.Press("ask:combo")
			var open bool
			_ = h.DB.View(func(tx *store.Tx) error { _, open, _ = tx.CaseOfPerson(p.Chat()); return nil })
			if open || !p.HasButton("lang:"+lang) {
				t.Errorf("ask before onboarding: request open=%v, last %q", open, p.Last().Text)
			}
			p.Press("lang:" + lang)
			p.Press("onb:ok")
			p.Send("/menu")
			p.Press("ask:gen")
			_ = h.DB.View(func(tx *store.Tx) error { _, open, _ = tx.CaseOfPerson(p.Chat()); return nil })
			if !open {
				t.Error("after onboarding, asking opens no request")
			}
		})
	}
}

// TestQA_FirstAidCardStaysWhenSomeoneNewOpensTheMenu: someone new whose first message was urgent
// gets the overdose card at once; its "☰ To the menu" starts onboarding below the card, which
// stays on screen (it is not edited into the language choice).
func TestQA_FirstAidCardStaysWhenSomeoneNewOpensTheMenu(t *testing.T) {
	for i, lang := range qaLangs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(8400+i), lang)
			p.Send("передоз, друг не дихає")
			card := p.Last()
			if !p.HasButton("odn") {
				t.Fatalf("no overdose card: %q", card.Text)
			}
			p.Press("menu")
			if got := message(p, card.ID); got.Text != card.Text {
				t.Errorf("the card was replaced by %q", got.Text)
			}
			if !p.HasButton("lang:uk") || p.Last().ID == card.ID {
				t.Errorf("want the language choice below the card, got %q", p.Last().Text)
			}
		})
	}
}
