package handlers_test

import (
	"strings"
	"testing"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/handlers/handlerstest"
)

// endButtons counts the person's messages that still carry an "End the conversation" button.
func endButtons(p *handlerstest.Person) int {
	n := 0
	for _, m := range p.Messages() {
		for _, row := range m.Keyboard {
			for _, b := range row {
				if strings.HasPrefix(b.Data, "ce:") {
					n++
				}
			}
		}
	}
	return n
}

// TestConsult_EndButtonGoesWhenTheCaseCloses: the person's "End the conversation" button is
// on one message at a time, and is gone once the case is closed or blocked by the consultant or
// ended by the person (by /end, not by the button).
func TestConsult_EndButtonGoesWhenTheCaseCloses(t *testing.T) {
	for _, tc := range []struct {
		lang, how string
	}{{"uk", "close"}, {"ru", "close"}, {"en", "close"}, {"uk", "end"}, {"ru", "end"}, {"en", "end"}, {"uk", "block"}, {"en", "block"}} {
		t.Run(tc.lang+"/"+tc.how, func(t *testing.T) {
			d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
			p := d.person(9301, tc.lang)
			p.Press("ask:gen")
			k := d.caseOf(p)
			d.olena.Press("ct:" + k.Code)
			p.Send("/ask") // asks again: the status carries the button too
			if got, want := endButtons(p), 1; got != want {
				t.Fatalf("open case: %d messages carry the End button, want %d", got, want)
			}
			switch tc.how {
			case "close":
				d.olena.Send("/close")
				d.pressIn(d.olena.U, d.olena.Chat(), "co:"+k.Code+":info")
			case "end":
				p.Send("/end")
			case "block":
				d.olena.Send("/block")
			}
			if got := d.loadCase(k.Code); got.Open() {
				t.Fatalf("the case is still open: %+v", got.State)
			}
			if got, want := endButtons(p), 0; got != want {
				t.Errorf("closed case: %d messages carry the End button, want %d", got, want)
			}
		})
	}
}

// TestConsult_ReleaseSendsNoCardToTheReleaser: after /release the releasing consultant gets
// the confirmation and no new card of the case; the others on shift get the card, and the
// releaser can still take it with /next.
func TestConsult_ReleaseSendsNoCardToTheReleaser(t *testing.T) {
	for _, lang := range []string{"uk", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
			p := d.person(9401, lang)
			p.Press("ask:gen")
			k := d.caseOf(p)
			d.olena.Press("ct:" + k.Code)
			before := len(d.h.API.Calls())
			d.olena.Send("/release")
			cards := map[int64]int{} // cards of the case sent after the release, by chat
			for _, c := range d.h.API.Calls()[before:] {
				if c.Method == "sendMessage" && strings.Contains(c.Params["reply_markup"], `"ct:`+k.Code+`"`) {
					cards[c.ChatID]++
				}
			}
			if got := cards[d.olena.Chat()]; got != 0 {
				t.Errorf("the releaser got %d cards of the case they released, want 0", got)
			}
			if got := cards[d.taras.Chat()]; got != 1 {
				t.Errorf("the other consultant on shift got %d cards of the released case, want 1", got)
			}
			if got := d.olena.Last().Text; !strings.Contains(got, k.Code) {
				t.Errorf("the releaser's last message: %q, want the confirmation naming %s", got, k.Code)
			}
			d.olena.Send("/next")
			if got := d.loadCase(k.Code); got.Consultant != d.olena.U.ID {
				t.Errorf("after /next the case is held by %d, want the releaser %d", got.Consultant, d.olena.U.ID)
			}
		})
	}
}
