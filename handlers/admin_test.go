package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/handlers/handlerstest"
	"github.com/ehra/peerline/store"
)

const (
	adminID = int64(5550001)
	chanUK  = int64(-1009000000001)
	chanRU  = int64(-1009000000002)
	chanEN  = int64(-1009000000003)
)

// startAdmin starts a bot with one configured admin and a channel per language.
func startAdmin(t *testing.T, opt handlerstest.Options) *handlerstest.Harness {
	t.Helper()
	opt.Admins = append(opt.Admins, adminID)
	if opt.Channels == nil {
		opt.Channels = map[string]string{"uk": "-1009000000001", "ru": "-1009000000002", "en": "-1009000000003"}
	}
	h := handlerstest.Start(t, opt)
	for id, title := range map[int64]string{chanUK: "HR UA", chanRU: "HR RU", chanEN: "HR EN"} {
		h.API.RegisterChat(fakeapi.Chat{ID: id, Type: "channel", Title: title})
	}
	return h
}

func auditEntries(t *testing.T, h *handlerstest.Harness) []store.AuditEntry {
	t.Helper()
	var out []store.AuditEntry
	if err := h.DB.View(func(tx *store.Tx) error { var err error; out, err = tx.AuditLatest(1000); return err }); err != nil {
		t.Fatal(err)
	}
	return out
}

// adminButtons are every admin button's callback data; the post buttons name post #1, which
// exists (published), so a missing check would act on it.
var adminButtons = []string{
	"ad:menu", "ad:audit",
	"pd:new", "pd:v:uk", "pd:v:en", "pd:ed", "pd:btn", "pd:btnclr", "pd:o:pin", "pd:o:unpin", "pd:o:silent",
	"pd:o:nopv", "pd:o:prot", "pd:miss", "pd:pv", "pd:pub", "pd:when", "pd:at:daily", "pd:at:mon",
	"pd:at:month", "pd:ok", "pd:x", "pd:done",
	"ps:list", "ps:o:1", "ps:pa:1", "ps:re:1", "ps:sk:1", "ps:x:1", "ps:et:1", "ps:ew:1",
	"ps:rt:1:1795435200", "ps:del:1", "ps:nc:1",
	"cal:m", "cal:d:aids",
	"ac:list", "ac:new", "ac:e:EHRA-01-03", "ac:rm:EHRA-01-03", "ac:save", "ac:x", "ac:post:EHRA-01-03",
	"ac:rem:EHRA-01-03", "ac:rd:EHRA-01-03:3",
	"dir:m", "dir:x", "dir:ok", "dir:no",
}

// adminCommandsTested are every admin command.
var adminCommandsTested = []string{"/admin", "/post", "/scheduled", "/calendar", "/directory", "/directory export", "/audit", "/post@peerline_test_bot"}

// TestAdmin_NonAdminIsRefusedEverywhere: a person who is not an admin gets exactly the
// unknown-command answer for every admin command and the stale-button answer for every admin
// button, and nothing changes: no post, no audit entry, nothing in the channels.
func TestAdmin_NonAdminIsRefusedEverywhere(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	ad := h.Person(adminID, "en")
	onboard(ad, "en")
	draftThree(t, h, ad)
	ad.Press("pd:pv")
	ad.Press("pd:pub")
	runJob(t, h)
	snapshot := func() string {
		var b strings.Builder
		_ = h.DB.View(func(tx *store.Tx) error {
			posts, _ := tx.Posts()
			for _, p := range posts {
				fmt.Fprintf(&b, "%+v\n", p)
				runs, _ := tx.PostRuns(p.ID)
				fmt.Fprintf(&b, "%+v\n", runs)
			}
			calls, _ := tx.StoredCalls()
			fmt.Fprintf(&b, "%+v\n", calls)
			latest, _ := tx.AuditLatest(100)
			fmt.Fprintf(&b, "%+v\n", latest)
			return nil
		})
		for _, ch := range []int64{chanUK, chanRU, chanEN} {
			fmt.Fprintf(&b, "%+v\n", h.API.BotMessages(ch))
		}
		return b.String()
	}
	before := snapshot()

	p := h.Person(4440001, "en")
	onboard(p, "en")
	menu := p.Last()
	for _, cmd := range adminCommandsTested {
		t.Run(cmd, func(t *testing.T) {
			p.Send(cmd)
			if got, want := p.Last().Text, stripTags(h.T("en", "unknown_command")); got != want {
				t.Errorf("%s: got %q, want %q", cmd, got, want)
			}
		})
	}
	for _, data := range adminButtons {
		t.Run(data, func(t *testing.T) {
			n := len(h.API.CallsTo("answerCallbackQuery"))
			p.PressOn(menu.ID, data)
			answers := h.API.CallsTo("answerCallbackQuery")
			if len(answers) != n+1 {
				t.Fatalf("%s: %d answers, want 1", data, len(answers)-n)
			}
			if got, want := answers[len(answers)-1].Params["text"], h.T("en", "stale_button"); got != want {
				t.Errorf("%s: answer %q, want %q", data, got, want)
			}
		})
	}
	h.RunJob("posts")
	h.App.WaitBackground()
	if n := len(h.API.CallsTo("sendDocument")); n != 0 {
		t.Errorf("a non-admin got %d documents", n)
	}
	if after := snapshot(); after != before {
		t.Errorf("state changed by a non-admin:\nbefore %s\nafter %s", before, after)
	}
}

func TestAdmin_AuditShowsChainStatus(t *testing.T) {
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			h := startAdmin(t, handlerstest.Options{})
			ad := h.Person(adminID, lang)
			onboard(ad, lang)
			ad.Send("/admin")
			if !ad.HasButton("ad:audit") {
				t.Fatalf("admin menu has no audit button: %+v", ad.Buttons())
			}
			ad.Press("ad:audit")
			if got, want := ad.Last().Text, stripTags(h.T(lang, "admin_audit_intact", map[string]any{"N": 0})); !strings.Contains(got, want) {
				t.Errorf("audit screen %q, want it to contain %q", got, want)
			}
		})
	}
}

func TestAdmin_StaffInvitationIsAudited(t *testing.T) {
	h := startAdmin(t, handlerstest.Options{})
	ad := h.Person(adminID, "uk")
	onboard(ad, "uk")
	makeInvite(t, ad, "consultant")
	got := auditEntries(t, h)
	if len(got) != 1 || got[0].Action != "staff.invite" || got[0].Detail != "consultant" {
		t.Fatalf("audit %+v, want one staff.invite consultant", got)
	}
	if strings.Contains(got[0].Actor, "5550001") || !strings.HasPrefix(got[0].Actor, "admin ") {
		t.Errorf("actor %q, want a pseudonymous admin label", got[0].Actor)
	}
	ad.Send("/audit")
	if !strings.Contains(ad.Last().Text, "staff.invite") {
		t.Errorf("/audit does not show the entry: %q", ad.Last().Text)
	}
}
