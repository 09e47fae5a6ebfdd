package handlers_test

import (
	"strings"
	"testing"

	"github.com/ehra/peerline/handlers/handlerstest"
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
