package handlers_test

import (
	"strings"
	"testing"

	"github.com/ehra/peerline/handlers/handlerstest"
)

// TestMembershipWithoutSecretariatOffersNoForm: with no admins and no consultants' chat nobody
// could receive an application, so the membership screen offers no "Apply" and says how to
// apply instead (the website's form); an old "Apply" button does not start the form either.
func TestMembershipWithoutSecretariatOffersNoForm(t *testing.T) {
	for i, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(7100+i), lang)
			onboard(p, lang)
			p.Press("mem")
			screen := p.Last()
			if p.HasButton("ma:start") {
				t.Errorf("membership screen offers Apply with no secretariat: %v", p.Buttons())
			}
			if got, want := screen.HTML, h.T(lang, "left_mem_apply_elsewhere"); !strings.Contains(got, want) {
				t.Errorf("membership screen does not say how to apply:\n got %q\nwant it to contain %q", got, want)
			}
			if !strings.Contains(screen.Text, "harmreductioneurasia.org") {
				t.Errorf("the way to apply names no website: %q", screen.Text)
			}
			// An "Apply" pressed anyway (a button from before a restart) starts no form.
			p.PressOn(screen.ID, "ma:start")
			if got, want := p.Last().HTML, h.T(lang, "left_mem_apply_elsewhere"); got != want {
				t.Errorf("ma:start without a secretariat:\n got %q\nwant %q", got, want)
			}
			if p.HasButton("ma:type:person") {
				t.Error("the form's first step was shown although it cannot be sent")
			}
		})
	}
}

// TestMembershipWithAdminsOffersTheForm: admins alone are a secretariat.
func TestMembershipWithAdminsOffersTheForm(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{Admins: []int64{900001}})
	p := h.Person(7150, "uk")
	onboard(p, "uk")
	p.Press("mem")
	if !p.HasButton("ma:start") {
		t.Fatalf("no Apply with an admin configured: %v", p.Buttons())
	}
	if strings.Contains(p.Last().HTML, h.T("uk", "left_mem_apply_elsewhere")) {
		t.Error("the 'apply elsewhere' note shown although the bot can deliver applications")
	}
}
