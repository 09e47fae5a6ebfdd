package handlers_test

import (
	"strings"
	"testing"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/ehra/peerline/handlers/handlerstest"
	"github.com/ehra/peerline/store"
)

var uxLangs = []string{"uk", "ru", "en"}

// TestUrgentWordsOpenTheCard: typed urgent words give the matching card at once — outside a
// form, inside an intake (which then continues), and during onboarding — in each language.
func TestUrgentWordsOpenTheCard(t *testing.T) {
	words := map[string][]string{
		"uk": {"передоз, друг не дихає", "він посинів", "у нього судоми", "хочу вкоротити собі віку"},
		"ru": {"передозировка, не дышит", "синеет", "судороги", "хочу умереть"},
		"en": {"my friend is overdosing", "he's not breathing", "having a seizure", "I want to kill myself"},
	}
	cards := []string{"opioid", "opioid", "stimulant", "suicide"}
	for i, lang := range uxLangs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(5000+i), lang)
			onboard(p, lang)
			for j, w := range words[lang] {
				p.Send(w)
				if cards[j] == "suicide" {
					if !strings.Contains(p.Last().Text, "7333") || !strings.Contains(p.Last().HTML, h.T(lang, "ux_suicide_title")) {
						t.Errorf("%q: want the suicide-support screen with 7333, got %q", w, p.Last().Text)
					}
					continue
				}
				card, _ := h.Content.Card(cards[j])
				if !strings.Contains(p.Last().Text, stripTags(card.Title.In(lang))) {
					t.Errorf("%q: want the %s card, got %q", w, cards[j], p.Last().Text)
				}
			}
			// Inside an intake: the card, then the form goes on where it was.
			p.Send("/treatment")
			p.Press("tr:topic:ost")
			question := p.Last()
			p.Send(words[lang][0])
			opioid, _ := h.Content.Card("opioid")
			if !strings.Contains(p.Last().Text, stripTags(opioid.Title.In(lang))) {
				t.Fatalf("urgent words in a form: got %q", p.Last().Text)
			}
			p.Press("tr:sit:keep")
			if got := message(p, question.ID); !strings.Contains(got.HTML, h.T(lang, "in_q_where")) {
				t.Errorf("the form did not continue after the card: %q", got.Text)
			}
			// During onboarding (a text-first person): the card, and the picker still works.
			q := h.Person(int64(5100+i), lang)
			q.Send(words[lang][1])
			if !strings.Contains(q.Last().Text, stripTags(opioid.Title.In(lang))) {
				t.Fatalf("urgent words as the very first message: got %q", q.Last().Text)
			}
		})
	}
}

// TestUrgentWordsInTheMembershipForm: a name step that gets urgent words shows the card and asks
// the name again; the words are not taken as the name.
func TestUrgentWordsInTheMembershipForm(t *testing.T) {
	h := startWithSecretariat(t)
	for i, lang := range uxLangs {
		p := h.Person(int64(5200+i), lang)
		onboard(p, lang)
		p.Press("mem")
		p.Press("ma:start")
		p.Press("ma:type:person")
		p.Press("ma:country:UA")
		p.Send(map[string]string{"uk": "не дихає", "ru": "не дышит", "en": "not breathing"}[lang])
		opioid, _ := h.Content.Card("opioid")
		if !p.Sees(stripTags(opioid.Title.In(lang))) {
			t.Errorf("%s: no card for urgent words at the name step", lang)
		}
		p.Send("Alex Peer")
		if !strings.Contains(p.Last().Text, stripTags(h.T(lang, "mem_q_email"))) {
			t.Errorf("%s: after the card the name step should still take the name; got %q", lang, p.Last().Text)
		}
	}
}

// TestFreeTextOffersTheSection: a sentence about a section gets that section in one button, and
// the button opens it; other text gets one short line, never the whole menu.
func TestFreeTextOffersTheSection(t *testing.T) {
	texts := map[string][2]string{
		"uk": {"де мені отримати метадон?", "потрібне житло"},
		"ru": {"где получить метадон?", "нужно жильё"},
		"en": {"where can I get methadone?", "I need housing"},
	}
	for i, lang := range uxLangs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(5300+i), lang)
			onboard(p, lang)
			n := len(p.Messages())
			p.Send(texts[lang][0])
			if got := len(p.Messages()) - n; got != 1 || !p.HasButton("go:ost") {
				t.Fatalf("got %d messages, buttons %v; want one message with go:ost", got, p.Buttons())
			}
			p.Press("go:ost")
			if !strings.Contains(p.Last().Text, stripTags(h.T(lang, "tr_q_situation", map[string]any{"Topic": h.T(lang, "tr_topic_ost")}))) {
				t.Errorf("go:ost opened %q", p.Last().Text)
			}
			p.Send("/cancel")
			p.Send(texts[lang][1])
			p.Press("go:hum_housing")
			if !strings.Contains(p.Last().HTML, h.T(lang, "in_q_where")) {
				t.Errorf("go:hum_housing should ask where, got %q", p.Last().Text)
			}
			p.Send("/cancel")
			p.Send("ok")
			if p.Last().HTML != h.T(lang, "ux_free_text") || p.HasButton("mem") {
				t.Errorf("other text: want one short line, got %q", p.Last().Text)
			}
		})
	}
}

// TestSOSKeyboardFromTheFirstReply: a person whose first message is text gets the 🆘 reply
// keyboard in the first reply; after /forget it stays, and the next contact gets it again.
func TestSOSKeyboardFromTheFirstReply(t *testing.T) {
	for i, lang := range uxLangs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(5400+i), lang)
			p.Send(map[string]string{"uk": "привіт", "ru": "привет", "en": "hi"}[lang])
			msgs := p.Messages()
			if len(msgs) == 0 || len(msgs[0].ReplyKeyboard) == 0 || msgs[0].ReplyKeyboard[0][0] != h.T(lang, "btn_overdose") || !msgs[0].PersistentKeyboard {
				t.Fatalf("first reply to a text-first person: want the persistent 🆘 keyboard, got %+v", msgs)
			}
			// First-run screens carry their own 🆘 button, which opens the card below them.
			if !p.HasButton("od:opioid:n") {
				t.Fatal("the language screen has no 🆘 button")
			}
			picker := p.Last()
			p.Press("od:opioid:n")
			opioid, _ := h.Content.Card("opioid")
			if !strings.Contains(p.Last().Text, stripTags(opioid.Title.In(lang))) || message(p, picker.ID).Text != picker.Text {
				t.Error("the 🆘 button should open the card as a new message and keep the picker")
			}
			p.Press("lang:" + lang)
			if kb := message(p, picker.ID).Keyboard; len(kb) != 2 || kb[0][0].Data != "onb:ok" || kb[1][0].Data != "od:opioid:n" {
				t.Errorf("the privacy screen should offer onb:ok and 🆘; got %v", kb)
			}
			p.Press("onb:ok")
			p.Send("/forget")
			p.Press("fg:yes")
			if kb := lastReplyKeyboard(p); len(kb.ReplyKeyboard) == 0 || kb.ReplyKeyboard[0][0] != h.T(lang, "btn_overdose") {
				t.Fatalf("after /forget the 🆘 keyboard must stay; got %+v", kb)
			}
			n := len(p.Messages())
			p.Send("hello")
			if msgs := p.Messages(); len(msgs[n].ReplyKeyboard) == 0 {
				t.Error("the first reply after /forget does not carry the 🆘 keyboard")
			}
		})
	}
}

// TestLanguageScreenForOtherLanguages: the picker has a line for someone who reads none of the
// three languages well.
func TestLanguageScreenForOtherLanguages(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	p := h.Person(5500, "ka")
	p.Send("/start")
	if !strings.Contains(p.Last().HTML, h.T("en", "ux_lang_other")) {
		t.Errorf("picker: %q", p.Last().Text)
	}
}

// TestStaleKeyboardsAreRemoved: a superseded menu or question loses its buttons, a re-asked
// question is edited rather than copied, and an old button gets a toast and nothing else.
func TestStaleKeyboardsAreRemoved(t *testing.T) {
	for i, lang := range uxLangs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(5600+i), lang)
			onboard(p, lang)
			first := p.Last()
			p.Send("/menu")
			if kb := message(p, first.ID).Keyboard; len(kb) != 0 {
				t.Errorf("the superseded menu keeps its buttons: %v", kb)
			}
			p.Press("tr:start")
			p.Press("tr:topic:ost")
			p.Press("tr:sit:keep")
			p.Press("tr:where:abroad")
			question := p.Last()
			// A typed answer the step cannot take: the same question, edited, no copy.
			n := len(p.Messages())
			p.Send("???")
			if got := len(p.Messages()); got != n {
				t.Errorf("a re-asked question added %d messages, want 0 (edited in place)", got-n)
			}
			if got := message(p, question.ID); !strings.Contains(got.HTML, h.T(lang, "in_bad_place")) || len(got.Keyboard) == 0 {
				t.Errorf("the question on screen should carry the notice and its buttons: %q", got.Text)
			}
			// A typed country moves on in a new message; the question left loses its buttons.
			p.Send(map[string]string{"uk": "у Польщі", "ru": "в Польше", "en": "Poland"}[lang])
			if !p.HasButton("tr:city:warsaw") {
				t.Fatalf("typed country: want the city question with Warsaw, got %q", p.Last().Text)
			}
			if kb := message(p, question.ID).Keyboard; len(kb) != 0 {
				t.Errorf("the country question keeps its buttons after moving on: %v", kb)
			}
			// An old button: a toast, nothing else.
			n = len(p.Messages())
			p.PressOn(question.ID, "tr:cty:DE")
			answers := h.API.CallsTo("answerCallbackQuery")
			if got := answers[len(answers)-1].Params["text"]; got != h.T(lang, "ux_stale_here") {
				t.Errorf("stale press: toast %q", got)
			}
			if got := len(p.Messages()); got != n || !p.HasButton("tr:city:warsaw") {
				t.Errorf("a stale press changed the chat (%d new messages)", got-n)
			}
		})
	}
}

// resultOf runs the treatment intake for OST (keep) with the given place answers — buttons
// (data starting with "tr:") or typed text — and returns the short answer and the services.
func resultOf(t *testing.T, p *handlerstest.Person, place ...string) string {
	t.Helper()
	p.Send("/treatment")
	p.Press("tr:topic:ost")
	p.Press("tr:sit:keep")
	for _, x := range place {
		if strings.HasPrefix(x, "tr:") {
			p.Press(x)
		} else {
			p.Send(x)
		}
	}
	p.Press("tr:skip") // where they got it before
	p.Press("tr:med:methadone")
	p.Press("tr:doc:done")
	if !p.HasButton("tr:res:svc") {
		t.Fatalf("place %v: no result, last %q", place, p.Last().Text)
	}
	out := p.Last().Text
	p.Press("tr:res:svc")
	return out + "\n" + p.Last().Text
}

// TestTypedPlacesLandOnTheButtonResult: a country, city or region typed in several forms gives
// the same result as pressing its buttons, in each language.
func TestTypedPlacesLandOnTheButtonResult(t *testing.T) {
	typed := map[string]struct{ poland, warsaw, kharkiv, ukraine []string }{
		"uk": {[]string{"Польща", "польща", "Poland", "Польша", "у Польщі", "Полша"}, []string{"Варшава", "у Варшаві"}, []string{"Харків", "у Харкові", "Харківська обл."}, []string{"Україна"}},
		"ru": {[]string{"Польша", "в Польше", "POLAND"}, []string{"в Варшаве", "Warszawa"}, []string{"Харьков", "в Харькове"}, []string{"Украина"}},
		"en": {[]string{"Poland", "poland", "Polska"}, []string{"Warsaw", "warsaw"}, []string{"Kharkiv", "Kharkov"}, []string{"Ukraine"}},
	}
	for i, lang := range uxLangs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(5700+i), lang)
			onboard(p, lang)
			tc := typed[lang]
			// Poland, then Warsaw from the buttons, against the country typed then Warsaw pressed.
			want := resultOf(t, p, "tr:where:abroad", "tr:cty:PL", "tr:city:warsaw")
			for _, x := range tc.poland {
				if got := resultOf(t, p, "tr:where:abroad", x, "tr:city:warsaw"); got != want {
					t.Errorf("typed country %q: result differs from the buttons'\n got %q\nwant %q", x, got, want)
				}
			}
			// A city typed at the "where" or the country question: Poland and Warsaw at once.
			for _, x := range tc.warsaw {
				if got := resultOf(t, p, x); got != want {
					t.Errorf("city %q typed at «where»: result differs", x)
				}
				if got := resultOf(t, p, "tr:where:abroad", x); got != want {
					t.Errorf("city %q typed at the country question: result differs", x)
				}
			}
			// A Ukrainian city or region typed: the region's result, no step for abroad.
			wantUA := resultOf(t, p, "tr:where:ua", "tr:reg:kharkiv")
			for _, x := range tc.kharkiv {
				if got := resultOf(t, p, x); got != wantUA {
					t.Errorf("region %q typed at «where»: result differs\n got %q\nwant %q", x, got, wantUA)
				}
				if got := resultOf(t, p, "tr:where:ua", x); got != wantUA {
					t.Errorf("region %q typed at the region question: result differs", x)
				}
			}
			for _, s := range h.Content.Steps {
				if s.Where == "abroad" && strings.Contains(wantUA, stripTags(s.Title.In(lang))) {
					t.Errorf("a person in Ukraine is shown the abroad step %q", s.ID)
				}
			}
			// Ukraine typed at the country question: the region question, not an unknown country.
			p.Send("/treatment")
			p.Press("tr:topic:ost")
			p.Press("tr:sit:keep")
			p.Press("tr:where:abroad")
			p.Send(tc.ukraine[0])
			if !p.HasButton("tr:reg:kharkiv") {
				t.Errorf("Ukraine typed at the country question: got %q", p.Last().Text)
			}
			// Ambiguous: a choice of buttons.
			p.Send("/treatment")
			p.Press("tr:topic:ost")
			p.Press("tr:sit:keep")
			p.Send("Литва / Латвия")
			if !p.HasButton("tr:pl:LT..") || !p.HasButton("tr:pl:LV..") {
				t.Fatalf("ambiguous answer: want a choice, got %q %v", p.Last().Text, p.Buttons())
			}
			p.Press("tr:pl:LV..")
			if !p.HasButton("tr:city:riga") {
				t.Errorf("after the choice: %q", p.Last().Text)
			}
		})
	}
}

// TestCountrySettingChangesTheCard: the country a person chose (from a result, or in /settings)
// puts its emergency numbers on the overdose card; /forget erases it.
func TestCountrySettingChangesTheCard(t *testing.T) {
	for i, lang := range uxLangs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(5800+i), lang)
			onboard(p, lang)
			resultOf(t, p, "tr:where:abroad", "tr:cty:PL", "tr:city:warsaw")
			p.Press("tr:res:now")
			p.Press("tr:res:home")
			pl, _ := h.Content.Country("PL")
			p.Send("/overdose")
			if card := p.Last().Text; !strings.Contains(card, pl.Name.In(lang)) || !strings.Contains(card, pl.Numbers[0].Number) || strings.Contains(card, "103") {
				t.Errorf("card after choosing Poland: want Poland's numbers first and not Ukraine's, got %q", card)
			}
			p.Send("/settings")
			p.Press("setc")
			p.Press("setc:UA")
			p.Send("/overdose")
			if !strings.Contains(p.Last().Text, "103") {
				t.Error("card after choosing Ukraine in /settings lacks 103")
			}
			p.Send("/settings")
			p.Press("setc")
			p.Press("setc:DE")
			p.Send("/forget")
			p.Press("fg:yes")
			_ = h.DB.View(func(tx *store.Tx) error {
				if u, found, _ := tx.User(p.Chat()); found {
					t.Errorf("profile (country %q) kept after /forget", u.Country)
				}
				return nil
			})
		})
	}
}

// TestPrivacyPromiseAndTheFormAgree: the onboarding promise and /privacy name the membership
// application as the one place that asks for a name and an e-mail, and the form says so at its
// start, in each language.
func TestPrivacyPromiseAndTheFormAgree(t *testing.T) {
	h := startWithSecretariat(t)
	for i, lang := range uxLangs {
		p := h.Person(int64(5900+i), lang)
		p.Send("/start")
		picker := p.Last()
		p.Press("lang:" + lang)
		promise := message(p, picker.ID).Text
		p.Press("onb:ok")
		p.Send("/privacy")
		full := p.Last().Text
		for name, text := range map[string]string{"onboarding": promise, "/privacy": full} {
			if !strings.Contains(text, "e-mail") {
				t.Errorf("%s %s does not say the membership application asks for an e-mail: %q", lang, name, text)
			}
		}
		p.Send("/menu")
		p.Press("mem")
		p.Press("ma:start")
		if !strings.Contains(p.Last().HTML, h.T(lang, "ux_mem_privacy")) {
			t.Errorf("%s: the form does not start with its privacy note: %q", lang, p.Last().Text)
		}
		p.Press("ma:type:person")
		p.Press("ma:country:UA")
		p.Send("Alex")
		if !strings.Contains(p.Last().HTML, h.T(lang, "mem_q_email")) {
			t.Errorf("%s: the form should ask for the e-mail the note mentions", lang)
		}
	}
}

// TestAnswersThatFit (issue point 8), in each language: photos answered for what they are, the
// membership countries in the shown language's order, a closed call without "ask" or "how to
// apply", the checker opened from an NPS page going back there, and one answer changed from the
// membership review.
func TestAnswersThatFit(t *testing.T) {
	for i, lang := range uxLangs {
		t.Run(lang, func(t *testing.T) {
			h := startWithSecretariat(t)
			p := h.Person(int64(6000+i), lang)
			onboard(p, lang)
			// A photo outside a form.
			p.SendPhoto("")
			if p.Last().HTML != h.T(lang, "ux_media") {
				t.Errorf("photo outside a form: %q", p.Last().Text)
			}
			// The membership form: countries sorted, a photo at the name step, one answer changed.
			p.Send("/menu")
			p.Press("mem")
			p.Press("ma:start")
			p.Press("ma:type:person")
			var names []string
			for _, b := range p.Buttons() {
				if strings.HasPrefix(b.Data, "ma:country:") && b.Data != "ma:country:outside" {
					names = append(names, b.Text)
				}
			}
			sorted := append([]string(nil), names...)
			col := collate.New(language.Make(lang))
			col.SortStrings(sorted)
			if strings.Join(names, "|") != strings.Join(sorted, "|") {
				t.Errorf("membership countries not in %s order:\n got %v\nwant %v", lang, names, sorted)
			}
			p.Press("ma:country:UA")
			p.SendPhoto("")
			if !p.Sees(stripTags(h.T(lang, "ux_media_in_form"))) || p.Sees(stripTags(h.T(lang, "mem_bad_name"))) {
				t.Errorf("photo at the name step: %q", p.Last().Text)
			}
			p.Send("Alex Peer")
			p.Send("old@example.org")
			p.Press("ma:langs:both")
			p.Send("I want to help my peers in my city.")
			p.Press("ma:agree")
			p.Press("ma:edit")
			p.Press("ma:edit:mem_email")
			p.Send("new@example.org")
			review := p.Last().Text
			if !strings.Contains(review, "new@example.org") || strings.Contains(review, "old@example.org") || !strings.Contains(review, "Alex Peer") || !p.HasButton("ma:send") {
				t.Errorf("after changing one answer the review should show it with the rest kept: %q", review)
			}
			// The checker from an NPS page: Back returns to that page.
			var sub string
			for _, s := range h.Content.NPS.Substances {
				if s.Combo != "" {
					sub = s.ID
					break
				}
			}
			p.Send("/nps")
			p.Press("nps:" + sub)
			p.Press("cmbn:" + sub)
			if !p.HasButton("nps:" + sub) {
				t.Errorf("the checker opened from NPS has no way back to the page: %v", p.Buttons())
			}
			p.Press("nps:" + sub)
			if !p.HasButton("cmbn:" + sub) {
				t.Errorf("Back did not return to the NPS page: %q", p.Last().Text)
			}
		})
	}
}

// TestClosedCallOffersNothingToApplyFor: a closed call has no "ask a question" and no "how to
// apply".
func TestClosedCallOffersNothingToApplyFor(t *testing.T) {
	for i, lang := range uxLangs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(6100+i), lang)
			onboard(p, lang)
			_, closed := h.Content.CallsAt(h.Clock.Now())
			if len(closed) == 0 {
				t.Fatal("content: no closed call")
			}
			p.Press("calls")
			p.Press("calls:closed")
			p.Press("call:" + closed[0].Number)
			if p.HasButton("call:"+closed[0].Number+":ask") || strings.Contains(p.Last().HTML, h.T(lang, "call_how")) {
				t.Errorf("closed call offers asking or applying: %q", p.Last().Text)
			}
		})
	}
}

// TestResultSourcesComeBackToTheResult: a steps page's Sources button, then its Back, returns to
// that page of the result, with its navigation.
func TestResultSourcesComeBackToTheResult(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	p := h.Person(6200, "uk")
	onboard(p, "uk")
	resultOf(t, p, "tr:where:abroad", "tr:cty:PL", "tr:city:warsaw")
	p.Press("tr:res:now")
	p.Press("tr:res:steps:0")
	p.Press("tr:res:steps:1")
	page := p.Last().Text
	var src string
	for _, b := range p.Buttons() {
		if strings.HasPrefix(b.Data, "src:s:") {
			src = b.Data
		}
	}
	if src == "" {
		t.Fatalf("no Sources button on a steps page: %v", p.Buttons())
	}
	p.Press(src)
	p.Press("stp:" + strings.TrimPrefix(src, "src:s:"))
	if p.Last().Text != page || !p.HasButton("tr:res:now") || !p.HasButton("tr:res:steps:0") {
		t.Errorf("back from Sources: got %q, buttons %v", p.Last().Text, p.Buttons())
	}
}
