package handlers_test

import (
	"strings"
	"testing"

	"github.com/ehra/peerline/handlers/handlerstest"
)

// TestCard_NumbersBeforeTheSteps: on every first-aid card the emergency numbers come before the
// first step ("call an ambulance"), so a person on a phone sees the number without scrolling; the
// 112 line is there too, in each language.
func TestCard_NumbersBeforeTheSteps(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	for i, lang := range uxLangs {
		p := h.Person(int64(7100+i), lang)
		onboard(p, lang)
		for _, id := range []string{"opioid", "stimulant", "spice"} {
			p.Press("od:" + id)
			text := p.Last().Text
			card, _ := h.Content.Card(id)
			// The first words of the body (the signs, or the "call if" line).
			body := card.Body.In(lang)
			first := strings.SplitN(strings.NewReplacer("<b>", "", "</b>", "").Replace(body), " ", 3)
			head := first[0] + " " + first[1]
			num, step := strings.Index(text, "📞"), strings.Index(text, head)
			if num < 0 || step < 0 || num > step {
				t.Errorf("%s (%s): numbers at %d, body %q at %d; want the numbers first", id, lang, num, head, step)
			}
			if !strings.Contains(text, "112") {
				t.Errorf("%s (%s): no 112", id, lang)
			}
		}
	}
}
