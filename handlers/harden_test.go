package handlers_test

import (
	"testing"

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
