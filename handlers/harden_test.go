package handlers_test

import (
	"testing"
	"time"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/handlers/handlerstest"
)

// TestButtonOnAGoneMessageGetsAnAnswerAndTheMenu: a button pressed on a message that no longer
// exists — gone before the press (Telegram sends an inaccessible message), or deleted between the
// press and the edit of its screen — is answered, and the person gets a screen as a new, visible
// message.
func TestButtonOnAGoneMessageGetsAnAnswerAndTheMenu(t *testing.T) {
	t.Run("GoneBeforeThePress", func(t *testing.T) {
		h := handlerstest.Start(t, handlerstest.Options{})
		p := h.Person(972394086, "en")
		onboard(p, "en")
		menu := p.Last()
		p.Send("/wipe") // deletes the menu message, among others
		if !gone(h, p.Chat(), menu.ID) {
			t.Fatal("the menu message was not deleted")
		}
		answers := len(h.API.CallsTo("answerCallbackQuery"))
		p.PressOn(menu.ID, "nps")
		got := h.API.CallsTo("answerCallbackQuery")
		if len(got) != answers+1 || got[len(got)-1].Params["text"] != h.T("en", "stale_button") {
			t.Errorf("answers: got %d more, last %q; want one, the stale notice", len(got)-answers, got[len(got)-1].Params["text"])
		}
		last := p.Last()
		if last.HTML != h.T("en", "menu_title") || last.Deleted || last.ID <= menu.ID {
			t.Errorf("last message: got %d %q (deleted %v), want the menu as a new message", last.ID, last.Text, last.Deleted)
		}
	})
	t.Run("DeletedBeforeTheEdit", func(t *testing.T) {
		h := handlerstest.Start(t, handlerstest.Options{})
		p := h.Person(972394087, "uk")
		onboard(p, "uk")
		menu := p.Last()
		h.API.FailNext("editMessageText", 1, fakeapi.Fault{Status: 400, Description: "Bad Request: message to edit not found"})
		p.Press("about")
		last := p.Last()
		if last.ID == menu.ID || last.Deleted || last.HTML == h.T("uk", "menu_title") || len(last.Keyboard) == 0 {
			t.Errorf("last message: got %d %q; want the section's screen, with its buttons, as a new message", last.ID, last.Text)
		}
	})
}

// FuzzButtonData presses arbitrary callback data, as a client could send, on the newest message
// of a person moving through the real flows: every press is answered exactly once, and no
// handler fails (a failure is retried and then parked).
func FuzzButtonData(f *testing.F) {
	for _, s := range []string{
		"menu", "nps", "nps:cath", "nps:", "cmb", "od:opioid", "od:", "odn", "lang:en", "lang:", "lang:xx",
		"sm:1h", "sm:", "sm:off", "set", "wipe", "fg:ask", "fg:no", "about", "calls", "call:", "call:x",
		"mem", "ma:start", "ma:type:person", "ma:country:UA", "ma:country:", "ma:langs:both", "ma:", "ma::",
		"tr:start", "tr:ost", "tr:", "tr:restart", "hu:start", "hu:", "hu:x:y:z", "ask:ost", "ask:msg:1",
		"go:", "go:x", "src:", "src:x:y", "stp:", "stp:1", "stp:-1", "stp:99999999999999999999", "setc", "sc:", "sc:PL",
		"sta:", "stinv:", "stinv:x", "stk:", "stk:yes", "stl:", "stl:uk", "stl:done", "stc:", "stc:rm:x", "tr:where:ua", "tr:reg:", "tr:cty:",
		"tr:city:", "tr:skip", "tr:back", "tr:cancel", "hu:where:abroad",
		"", ":", "::::", "\x00", "ü:ö", "menu\n", "fg:yes ",
	} {
		f.Add(s)
	}
	h := handlerstest.Start(f, handlerstest.Options{})
	p := h.Person(982405197, "ru")
	onboard(p, "ru")
	f.Fuzz(func(t *testing.T, data string) {
		if len(data) > 64 {
			return // Telegram refuses callback data over 64 bytes
		}
		before := len(h.API.CallsTo("answerCallbackQuery"))
		msgs := p.Messages()
		// The harness's own helpers report to the fuzz target's F, not to t: press and wait here.
		h.API.Press(p.U, p.Chat(), msgs[len(msgs)-1].ID, data)
		if !h.API.WaitFor(10*time.Second, func() bool { return h.API.Pending() == 0 && h.Bot.Idle() }) {
			t.Fatalf("data %q: the bot did not settle", data)
		}
		if got := len(h.API.CallsTo("answerCallbackQuery")) - before; got != 1 {
			t.Fatalf("data %q: %d answers, want 1", data, got)
		}
		if n := h.Bot.Metrics().UpdatesParked.Load(); n != 0 {
			t.Fatalf("data %q: %d update(s) parked after a handler failed", data, n)
		}
	})
}
