package handlers_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ehra/peerline/content"
	"github.com/ehra/peerline/handlers/handlerstest"
	"github.com/ehra/peerline/locales"
)

// TestDirectory_RefusalInTheAdminsLanguage: a uk admin's refused CSV names the line and the
// reasons in Ukrainian (the English text stays for the CLI).
func TestDirectory_RefusalInTheAdminsLanguage(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	ad := h.Person(adminID, "uk")
	onboard(ad, "uk")
	good := "pl-demo-site,ost,ost,PL,mazowieckie,warsaw,Пункт,Пункт,Demo Site Warsaw,ul. Przykładowa 1,+48 22 111 11 11,,,,,,pl,,,,2026-11-01,outreach,own visit,false\n"
	bad := "ua-bad,ost,ost,UA,atlantis,,Х,Х,X,,not-a-phone,,,,,,uk,,,,yesterday,team,visit,false\n"
	ad.Send("/directory")
	h.API.SendFile(ad.U, "directory.csv", "", []byte(csvHeader+good+bad))
	waitFor(t, h, ad, stripTags(h.T("uk", "admin_dir_refused")))
	got := ad.Last().Text
	for _, want := range []string{
		h.T("uk", "left_dir_line", map[string]any{"Line": 3}) + ": ",
		"region: " + h.T("uk", "left_dir_r_region", map[string]any{"Value": "atlantis"}),
		"phones: " + h.T("uk", "left_dir_r_phone", map[string]any{"Value": "not-a-phone"}),
		"verified: " + h.T("uk", "left_dir_r_date", map[string]any{"Value": "yesterday"}),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("refusal lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(got, "рядок 3") {
		t.Errorf("refusal does not name line 3 in Ukrainian:\n%s", got)
	}
	for _, english := range []string{"line 3", "is not a region code", "is not a phone number", "is not a date"} {
		if strings.Contains(got, english) {
			t.Errorf("refusal for a uk admin has the English %q:\n%s", english, got)
		}
	}
}

// TestDirectory_EveryRefusalReasonIsTranslated: each reason code has a text in uk, ru and en.
func TestDirectory_EveryRefusalReasonIsTranslated(t *testing.T) {
	loc := locales.MustLoad()
	for _, lang := range []string{"uk", "ru", "en"} {
		keys := loc.Keys(lang)
		for _, code := range content.ReasonCodes {
			if !slices.Contains(keys, "left_dir_r_"+code) {
				t.Errorf("%s: no left_dir_r_%s", lang, code)
			}
		}
	}
}
