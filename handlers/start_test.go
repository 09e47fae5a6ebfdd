package handlers_test

import (
	"strings"
	"testing"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/handlers/handlerstest"
	"github.com/ehra/peerline/store"
)

// TestOnboardingToOverdoseCard drives /start → language → privacy → menu → overdose card in each
// language, as a person would, through the real router, store and locales.
func TestOnboardingToOverdoseCard(t *testing.T) {
	for i, lang := range []string{"uk", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			// Telegram says English; the person then picks lang.
			p := h.Person(int64(1000+i), "en-GB")
			p.Send("/start")
			// The first reply puts the 🆘 keyboard under the input field, then the picker.
			if first := p.Messages()[0]; len(first.ReplyKeyboard) == 0 || first.ReplyKeyboard[0][0] != h.T("en", "btn_overdose") {
				t.Errorf("first reply: got reply keyboard %v, want the 🆘 keyboard", first.ReplyKeyboard)
			}
			picker := p.Last()
			if !strings.HasPrefix(picker.Text, h.T("en", "lang_pick")) {
				t.Fatalf("picker should start with the detected language (en): %q", picker.Text)
			}
			if got := picker.Keyboard[0][0].Data; got != "lang:en" {
				t.Errorf("first language button: got %s, want lang:en", got)
			}

			p.Press("lang:" + lang)
			promise := message(p, picker.ID)
			if !strings.Contains(promise.HTML, h.T(lang, "privacy_short")[:40]) {
				t.Fatalf("privacy promise in %s: got %q", lang, promise.Text)
			}
			if len(h.API.CallsTo("answerCallbackQuery")) == 0 {
				t.Error("the button press was not answered")
			}

			p.Press("onb:ok")
			kbMsg := lastReplyKeyboard(p)
			if len(kbMsg.ReplyKeyboard) != 2 || kbMsg.ReplyKeyboard[0][0] != h.T(lang, "btn_overdose") || !kbMsg.PersistentKeyboard {
				t.Errorf("persistent reply keyboard with the overdose button: got %v persistent=%v", kbMsg.ReplyKeyboard, kbMsg.PersistentKeyboard)
			}
			menu := p.Last()
			if menu.HTML != h.T(lang, "menu_title") {
				t.Fatalf("menu: got %q", menu.HTML)
			}
			if !p.HasButton("od:opioid") {
				t.Fatal("menu has no overdose button")
			}

			p.Press("od:opioid")
			card := p.Last()
			opioid, _ := h.Content.Card("opioid")
			if !strings.Contains(card.Text, stripTags(opioid.Title.In(lang))) {
				t.Fatalf("overdose card title in %s missing: %q", lang, card.Text[:80])
			}
			if !strings.Contains(card.Text, "103") {
				t.Error("the card does not show Ukraine's ambulance number")
			}
			for _, data := range []string{"od:stimulant", "od:spice", "odn", "menu"} {
				if !p.HasButton(data) {
					t.Errorf("card has no %s button", data)
				}
			}

			p.Press("od:stimulant")
			stim, _ := h.Content.Card("stimulant")
			if !strings.Contains(p.Last().Text, stripTags(stim.Title.In(lang))) {
				t.Errorf("stimulant card missing")
			}
			p.Press("odn")
			p.Press("odn:PL")
			if got := p.Last().Text; !strings.Contains(got, "999") || !strings.Contains(got, "112") {
				t.Errorf("Poland's numbers: %q", got)
			}

			// The persistent button works by its label, from any state.
			p.Send(h.T(lang, "btn_overdose"))
			if !strings.Contains(p.Last().Text, stripTags(opioid.Title.In(lang))) {
				t.Error("the reply-keyboard overdose button did not open the card")
			}
		})
	}
}

// message is the bot's message id in p's chat (as edited since).
func message(p *handlerstest.Person, id int) fakeapi.Message {
	for _, m := range p.Messages() {
		if m.ID == id {
			return m
		}
	}
	return fakeapi.Message{}
}

// lastReplyKeyboard is the newest bot message in p's chat that set a reply keyboard.
func lastReplyKeyboard(p *handlerstest.Person) fakeapi.Message {
	msgs := p.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if len(msgs[i].ReplyKeyboard) > 0 || msgs[i].RemoveKeyboard {
			return msgs[i]
		}
	}
	return fakeapi.Message{}
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestStartOverdoseOpensTheCardAtOnce(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	p := h.Person(77, "ru")
	p.Send("/start overdose")
	card := p.Last()
	opioid, _ := h.Content.Card("opioid")
	if !strings.Contains(card.Text, stripTags(opioid.Title.In("ru"))) {
		t.Fatalf("got %q, want the Russian opioid card at once", card.Text)
	}
	// The 🆘 keyboard goes first (a new person's first reply), then the card: nothing else.
	if msgs := p.Messages(); len(msgs) != 2 || len(msgs[0].ReplyKeyboard) == 0 {
		t.Errorf("got %d messages, want the 🆘 keyboard and the card", len(msgs))
	}
}

func TestOverdoseFromTheMiddleOfAFlow(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	p := h.Person(78, "uk")
	p.Send("/start")
	p.Send("/overdose")
	if !strings.Contains(p.Last().Text, "103") {
		t.Fatal("no overdose card during onboarding")
	}
	// The onboarding is still where it was: the language buttons still work.
	p.Press("lang:uk")
	picker := p.Messages()[1] // the picker, above the card, turns into the privacy promise
	if len(picker.Keyboard) == 0 || picker.Keyboard[0][0].Data != "onb:ok" {
		t.Fatalf("onboarding did not continue after the card: %q", picker.Text)
	}
}

func TestDeepLinkOpensSectionAfterOnboarding(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	p := h.Person(79, "en")
	p.Send("/start privacy")
	p.Press("lang:en")
	p.Press("onb:ok")
	if !p.HasButton("fg:ask") {
		t.Fatalf("deep link to privacy: last message %q", p.Last().Text)
	}
	// A known person's deep link opens the section directly.
	p.Send("/start help")
	if p.Last().HTML != h.T("en", "help_text") {
		t.Fatalf("got %q", p.Last().Text)
	}
}

func onboard(p *handlerstest.Person, lang string) {
	p.Send("/start")
	p.Press("lang:" + lang)
	p.Press("onb:ok")
}

func TestStaleAndUnknownButtons(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	p := h.Person(80, "uk")
	onboard(p, "uk")
	menu := p.Last()
	before := len(h.API.CallsTo("answerCallbackQuery"))
	for _, data := range []string{"fg:yes", "no-such-button", "od:no-such-card", "lang:xx"} {
		p.PressOn(menu.ID, data)
		answers := h.API.CallsTo("answerCallbackQuery")
		if len(answers) != before+1 {
			t.Fatalf("%s: got %d answers, want one more", data, len(answers)-before)
		}
		before = len(answers)
		if got := answers[len(answers)-1].Params["text"]; got != h.T("uk", "stale_button") {
			t.Errorf("%s: answer %q, want the stale notice", data, got)
		}
		if p.Last().HTML != h.T("uk", "menu_title") {
			t.Errorf("%s: the current menu was not shown", data)
		}
	}
	// The person is still known: nothing was erased by the stale fg:yes.
	_ = h.DB.View(func(tx *store.Tx) error {
		if _, found, _ := tx.User(p.Chat()); !found {
			t.Error("a stale erase button erased the person")
		}
		return nil
	})
}

func TestFreeTextAndUnknownCommand(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	p := h.Person(81, "en")
	onboard(p, "en")
	n := len(p.Messages())
	p.Send("hello, can you help me?")
	if got := len(p.Messages()) - n; got != 1 || p.Last().HTML != h.T("en", "ux_free_text") || !p.HasButton("menu") {
		t.Errorf("free text: got %d messages, last %q; want one short line with a menu button", got, p.Last().Text)
	}
	p.Send("/frobnicate")
	if p.Last().HTML != h.T("en", "unknown_command") {
		t.Errorf("unknown command: got %q", p.Last().Text)
	}
	// Text while the onboarding waits for a button shows that step again.
	q := h.Person(82, "uk")
	q.Send("/start")
	q.Send("привіт")
	if !q.HasButton("lang:uk") {
		t.Error("text during the language step did not show the picker again")
	}
}

func TestLanguageChangeAnyTime(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	p := h.Person(83, "uk")
	onboard(p, "uk")
	p.Send("/language")
	p.Press("lang:ru")
	if p.Last().HTML != h.T("ru", "menu_title") {
		t.Fatalf("menu after switching to ru: %q", p.Last().Text)
	}
	p.Send("/help")
	if p.Last().HTML != h.T("ru", "help_text") {
		t.Fatal("help is not in the new language")
	}
	// The old language's overdose label still works (a keyboard from before the switch).
	p.Send(h.T("uk", "btn_overdose"))
	if !strings.Contains(p.Last().Text, "103") {
		t.Fatal("the Ukrainian overdose label stopped working")
	}
}

func TestForgetErasesThePerson(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	p := h.Person(84, "en")
	onboard(p, "en")
	p.Send("/forget")
	p.Press("fg:no")
	_ = h.DB.View(func(tx *store.Tx) error {
		if _, found, _ := tx.User(p.Chat()); !found {
			t.Fatal("cancel erased the person")
		}
		return nil
	})
	p.Send("/forget")
	p.Press("fg:yes")
	if p.Last().HTML != h.T("en", "forget_done") {
		t.Fatalf("got %q", p.Last().Text)
	}
	if kb := p.Last().ReplyKeyboard; len(kb) == 0 || kb[0][0] != h.T("en", "btn_overdose") {
		t.Errorf("the 🆘 keyboard must stay after /forget: got %v", kb)
	}
	_ = h.DB.View(func(tx *store.Tx) error {
		if _, found, _ := tx.User(p.Chat()); found {
			t.Error("profile still stored")
		}
		if c, _ := tx.Conversation(p.Chat()); c.State != "" {
			t.Errorf("conversation still stored: %+v", c)
		}
		return nil
	})
	p.Send("/start")
	if !p.HasButton("lang:en") {
		t.Fatal("after /forget, /start should greet a new person with the language picker")
	}
}

func TestCommandsRegisteredPerLanguage(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	langs := map[string]bool{}
	for _, c := range h.API.CallsTo("setMyCommands") {
		langs[c.Params["language_code"]] = true
		if !strings.Contains(c.Params["commands"], `"overdose"`) {
			t.Errorf("commands for %q lack overdose", c.Params["language_code"])
		}
	}
	for _, l := range []string{"", "uk", "ru", "en"} {
		if !langs[l] {
			t.Errorf("no setMyCommands for language %q", l)
		}
	}
}
