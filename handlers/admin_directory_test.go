package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ehra/peerline/handlers/handlerstest"
)

const csvHeader = "id,kind,offers,country,region,city,name_uk,name_ru,name_en,address,phones,website,telegram,hours_uk,hours_ru,hours_en,languages,notes_uk,notes_ru,notes_en,verified,verified_by,sources,dated\n"

// waitFor waits until the person has a bot message containing s (answers that come from a
// download run after the update).
func waitFor(t *testing.T, h *handlerstest.Harness, p *handlerstest.Person, s string) {
	t.Helper()
	if !h.API.WaitFor(10*time.Second, func() bool { return p.Sees(s) }) {
		t.Fatalf("no message with %q; last: %q", s, p.Last().Text)
	}
	h.Settle()
}

// ostInWarsaw runs the OST intake for Warsaw and returns the result text.
func ostInWarsaw(p *handlerstest.Person) string {
	p.Send("/menu")
	p.Press("tr:start")
	p.Press("tr:topic:ost")
	p.Press("tr:sit:keep")
	p.Press("tr:where:abroad")
	p.Press("tr:cty:PL")
	p.Press("tr:city:warsaw")
	p.Press("tr:med:methadone")
	n := len(p.Messages())
	p.Press("tr:doc:done")
	var b strings.Builder
	for _, m := range p.Messages()[n:] {
		b.WriteString(m.Text + "\n")
	}
	return b.String()
}

func TestDirectory_CSVRefusedWithLinesOrAppliedWithoutRestart(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	ad := h.Person(adminID, "en")
	onboard(ad, "en")
	p := h.Person(4440010, "en")
	onboard(p, "en")
	if strings.Contains(ostInWarsaw(p), "Demo Site Warsaw") {
		t.Fatal("the service is there before the import")
	}
	good := "pl-demo-site,ost,ost,PL,mazowieckie,warsaw,Пункт,Пункт,Demo Site Warsaw,ul. Przykładowa 1,+48 22 111 11 11,,,,,,pl,,,,2026-11-01,outreach,own visit,false\n"
	bad := "ua-bad,ost,ost,UA,atlantis,,Х,Х,X,,,,,,,,uk,,,,2026-11-01,team,visit,false\n"

	ad.Send("/directory")
	h.API.SendFile(ad.U, "directory.csv", "", []byte(csvHeader+good+bad))
	waitFor(t, h, ad, stripTags(h.T("en", "admin_dir_refused")))
	if got := ad.Last().Text; !strings.Contains(got, "line 3") || !strings.Contains(got, "atlantis") {
		t.Errorf("refusal %q does not name line 3 and the bad region", got)
	}
	if strings.Contains(ostInWarsaw(p), "Demo Site Warsaw") {
		t.Fatal("a refused file changed the directory")
	}

	ad.Send("/directory")
	h.API.SendFile(ad.U, "directory.csv", "", []byte(csvHeader+good))
	summary := strings.SplitN(stripTags(h.T("en", "admin_dir_summary", map[string]any{"Added": 1, "Changed": 0, "Same": 0, "Kept": 0})), "Services not", 2)[0]
	waitFor(t, h, ad, summary)
	ad.Press("dir:ok")
	if got, want := ad.Last().Text, stripTags(h.T("en", "admin_dir_applied", map[string]any{"N": 1})); got != want {
		t.Fatalf("after apply: %q, want %q", got, want)
	}
	if !strings.Contains(ostInWarsaw(p), "Demo Site Warsaw") {
		t.Error("the imported service is not offered without a restart")
	}
	var actions []string
	for _, e := range auditEntries(t, h) {
		actions = append(actions, e.Action)
	}
	if strings.Join(actions, ",") != "directory.import" {
		t.Errorf("audit %v, want directory.import", actions)
	}
	// Export: a CSV document to the admin.
	ad.Send("/directory export")
	h.App.WaitBackground()
	docs := h.API.CallsTo("sendDocument")
	if len(docs) != 1 || docs[0].ChatID != adminID || !strings.HasSuffix(docs[0].Params["document"], ".csv") {
		t.Errorf("export calls %+v, want one CSV document to the admin", docs)
	}
}
