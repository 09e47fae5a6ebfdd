package handlers_test

import (
	"testing"

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
