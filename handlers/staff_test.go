package handlers_test

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/handlers"
	"github.com/ehra/peerline/handlers/handlerstest"
	"github.com/ehra/peerline/store"
)

const staffAdminID = int64(5001)

func startStaff(t *testing.T) *handlerstest.Harness {
	t.Helper()
	return handlerstest.Start(t, handlerstest.Options{Admins: []int64{staffAdminID}})
}

var inviteLink = regexp.MustCompile(`^https://t\.me/` + fakeapi.DefaultBotUsername + `\?start=join_([a-z2-7]{16})$`)

// makeInvite has admin send /invite role and returns the code from the link the bot answered.
func makeInvite(t *testing.T, admin *handlerstest.Person, role string) string {
	t.Helper()
	admin.Send("/invite " + role)
	for _, line := range strings.Split(admin.Last().Text, "\n") {
		if m := inviteLink.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			return m[1]
		}
	}
	t.Fatalf("no invitation link in %q", admin.Last().Text)
	return ""
}

// joinConsultant walks the whole join flow with valid answers.
func joinConsultant(t *testing.T, p *handlerstest.Person, code, name string, langs ...string) {
	t.Helper()
	p.Send("/start join_" + code)
	p.Send(name)
	for _, l := range langs {
		p.Press("stl:" + l)
	}
	p.Press("stl:done")
	p.Press("stk:yes")
}

func staffOf(t *testing.T, h *handlerstest.Harness, id int64) (s store.Staff, found bool) {
	t.Helper()
	err := h.DB.View(func(tx *store.Tx) error {
		var err error
		s, found, err = tx.Staff(id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, found
}

func commandNames(cmds []fakeapi.Command) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, c.Command)
	}
	return out
}

// seesHTML reports whether one of the bot's messages in p's chat is exactly html.
func seesHTML(p *handlerstest.Person, html string) bool {
	for _, m := range p.Messages() {
		if m.HTML == html {
			return true
		}
	}
	return false
}

func lastAnswer(h *handlerstest.Harness) fakeapi.Call {
	calls := h.API.CallsTo("answerCallbackQuery")
	if len(calls) == 0 {
		return fakeapi.Call{}
	}
	return calls[len(calls)-1]
}

// TestStaff_InviteAndJoinConsultant: invite → join → pseudonym (@, link, duplicate refused) →
// languages → code of conduct → consultant, in each language.
func TestStaff_InviteAndJoinConsultant(t *testing.T) {
	for i, lang := range []string{"uk", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := startStaff(t)
			admin := h.Person(staffAdminID, "en")
			first := h.Person(6000, "uk")
			joinConsultant(t, first, makeInvite(t, admin, "consultant"), "Sova", "uk")

			p := h.Person(int64(6100+i), lang)
			code := makeInvite(t, admin, "consultant")
			p.Send("/start join_" + code)
			if !seesHTML(p, h.T(lang, "staff_join_welcome_consultant")) || p.Last().HTML != h.T(lang, "staff_name_ask") {
				t.Fatalf("after opening the link: %q", p.Last().Text)
			}
			for _, bad := range []struct{ text, key string }{
				{"@sova_real", "staff_name_at"},
				{"t.me/someone", "staff_name_link"},
				{"X", "staff_name_short"},
				{"  SOVA ", "staff_name_taken"}, // another consultant's, whatever the case
			} {
				p.Send(bad.text)
				if got := p.Last().HTML; got != h.T(lang, bad.key) {
					t.Errorf("pseudonym %q: got %q, want %s", bad.text, got, bad.key)
				}
			}
			p.Send("Nichna Ptashka")
			if !p.HasButton("stl:uk") || !p.HasButton("stl:done") {
				t.Fatalf("no language picker: %q", p.Last().Text)
			}
			p.Press("stl:done") // none chosen yet
			if a := lastAnswer(h); a.Params["text"] != h.T(lang, "staff_langs_none") || a.Params["show_alert"] != "true" {
				t.Errorf("done without a language: answer %v", a.Params)
			}
			p.Press("stl:en")
			p.Press("stl:ru")
			p.Press("stl:en") // off again
			p.Press("stl:uk")
			p.Press("stl:done")
			if !strings.Contains(p.Last().HTML, h.T(lang, "staff_conduct")[:30]) || !p.HasButton("stk:yes") {
				t.Fatalf("no code of conduct: %q", p.Last().Text)
			}
			if _, found := staffOf(t, h, p.Chat()); found {
				t.Fatal("a staff record exists before the code of conduct was accepted")
			}
			p.Press("stk:yes")
			want := h.T(lang, "staff_joined_consultant", map[string]any{"Name": "Nichna Ptashka"}) + "\n\n" + h.T(lang, "qastaff_joined_next_consultant")
			if got := p.Last().HTML; got != want {
				t.Fatalf("joined: got %q, want %q", got, want)
			}
			s, found := staffOf(t, h, p.Chat())
			if !found || s.Role != store.RoleConsultant || s.Pseudonym != "Nichna Ptashka" || !slices.Equal(s.Langs, []string{"uk", "ru"}) || s.Capacity != 3 || s.OnShift || s.Removed {
				t.Errorf("record: %+v (found %v)", s, found)
			}
			if !admin.Sees("Nichna Ptashka") {
				t.Error("the inviting admin was not told who joined")
			}
			cmds, ok := h.API.ChatCommands(p.Chat())
			if names := commandNames(cmds); !ok || !slices.Contains(names, "on") || !slices.Contains(names, "off") || !slices.Contains(names, "overdose") || slices.Contains(names, "invite") {
				t.Errorf("consultant's menu: %v (set %v)", names, ok)
			}
			for _, c := range cmds {
				if c.Command == "on" && c.Description != h.T(lang, "staff_cmd_on") {
					t.Errorf("menu in %s: /on is %q", lang, c.Description)
				}
			}
			// Joining is done: the link does not work again, for anyone.
			p.Send("/start join_" + code)
			if got := p.Last().HTML; got != h.T(lang, "staff_join_already_consultant") {
				t.Errorf("the consultant reopens the link: %q", got)
			}
		})
	}
}

// TestStaff_InviteRefusals: expired, reused, held by someone else, unknown, and expiry between
// opening and finishing.
func TestStaff_InviteRefusals(t *testing.T) {
	h := startStaff(t)
	admin := h.Person(staffAdminID, "en")
	lang := "en"

	// Expired before anyone opened it.
	expired := makeInvite(t, admin, "consultant")
	h.Clock.Add(48 * time.Hour)
	late := h.Person(7001, lang)
	late.Send("/start join_" + expired)
	if !seesHTML(late, h.T(lang, "staff_join_expired")) {
		t.Errorf("expired: got %q", late.Last().Text)
	}
	if late.Last().Text == h.T(lang, "staff_name_ask") {
		t.Error("an expired link asked for a pseudonym")
	}

	// Used: a second person cannot use it, nor can the same link be opened once more.
	code := makeInvite(t, admin, "consultant")
	a := h.Person(7002, lang)
	b := h.Person(7003, lang)
	a.Send("/start join_" + code)
	b.Send("/start join_" + code) // held by a
	if !seesHTML(b, h.T(lang, "staff_join_invalid")) {
		t.Errorf("held by another: %q", b.Last().Text)
	}
	a.Send("Alpha")
	a.Press("stl:en")
	a.Press("stl:done")
	a.Press("stk:yes")
	if s, found := staffOf(t, h, a.Chat()); !found || s.Pseudonym != "Alpha" {
		t.Fatalf("a did not join: %+v", s)
	}
	c := h.Person(7004, lang)
	c.Send("/start join_" + code)
	if !seesHTML(c, h.T(lang, "staff_join_invalid")) {
		t.Errorf("reused: %q", c.Last().Text)
	}
	for _, id := range []int64{b.Chat(), c.Chat(), late.Chat()} {
		if _, found := staffOf(t, h, id); found {
			t.Errorf("%d got a staff record", id)
		}
	}

	// Unknown code.
	d := h.Person(7005, lang)
	d.Send("/start join_aaaaaaaaaaaaaaaa")
	if !seesHTML(d, h.T(lang, "staff_join_invalid")) {
		t.Errorf("unknown: %q", d.Last().Text)
	}

	// Opened in time, accepted too late.
	slow := makeInvite(t, admin, "consultant")
	e := h.Person(7006, lang)
	e.Send("/start join_" + slow)
	e.Send("Echo")
	e.Press("stl:en")
	e.Press("stl:done")
	h.Clock.Add(49 * time.Hour)
	e.Press("stk:yes")
	if e.Last().HTML != h.T(lang, "staff_join_expired") {
		t.Errorf("accepted after expiry: %q", e.Last().Text)
	}
	if _, found := staffOf(t, h, e.Chat()); found {
		t.Error("joined with an expired invitation")
	}
	if _, ok := h.API.ChatCommands(e.Chat()); ok {
		t.Error("staff menu set for a refused join")
	}

	// "Not now" keeps nothing; the same person can open the link again and finish.
	later := makeInvite(t, admin, "consultant")
	f := h.Person(7007, lang)
	f.Send("/start join_" + later)
	f.Send("Foxtrot")
	f.Press("stl:en")
	f.Press("stl:done")
	f.Press("stk:no")
	if f.Last().HTML != h.T(lang, "staff_join_declined") {
		t.Errorf("not now: %q", f.Last().Text)
	}
	if _, found := staffOf(t, h, f.Chat()); found {
		t.Error("a staff record after «not now»")
	}
	joinConsultant(t, f, later, "Foxtrot", "en")
	if s, found := staffOf(t, h, f.Chat()); !found || s.Pseudonym != "Foxtrot" {
		t.Errorf("joined after «not now»: %+v %v", s, found)
	}
}

// TestStaff_OnOff: shifts are stored; the service hours are shown when configured.
func TestStaff_OnOff(t *testing.T) {
	hours, err := handlers.ParseHours("mon-fri 09:00-21:00", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	h := handlerstest.Start(t, handlerstest.Options{Admins: []int64{staffAdminID}, Hours: hours})
	admin := h.Person(staffAdminID, "en")
	p := h.Person(6200, "ru")
	joinConsultant(t, p, makeInvite(t, admin, "consultant"), "Sova", "ru")

	p.Send("/on")
	if s, _ := staffOf(t, h, p.Chat()); !s.OnShift {
		t.Error("/on: not on shift")
	}
	want := h.T("ru", "staff_on", map[string]any{"Name": "Sova"}) + "\n" + h.T("ru", "staff_on_hours", map[string]any{"Hours": "mon-fri 09:00-21:00", "Zone": "UTC"})
	if got := p.Last().HTML; got != want {
		t.Errorf("/on: got %q, want %q", got, want)
	}
	p.Send("/off")
	if s, _ := staffOf(t, h, p.Chat()); s.OnShift {
		t.Error("/off: still on shift")
	}
	if got := p.Last().HTML; got != h.T("ru", "staff_off", map[string]any{"Name": "Sova"}) {
		t.Errorf("/off: got %q", got)
	}
}

// TestStaff_ConsultantsListAndRemoval: the list shows languages, shift and open cases (the cases
// flows' hook); removal asks first, calls the hook, ends the consultant's rights and menu.
func TestStaff_ConsultantsListAndRemoval(t *testing.T) {
	h := startStaff(t)
	var removed []string
	h.App.SetStaffHooks(func(tx *store.Tx, userID int64) int {
		if userID == 6301 {
			return 2
		}
		return 0
	}, func(s store.Staff) { removed = append(removed, s.Pseudonym) })
	admin := h.Person(staffAdminID, "en")
	admin.Send("/consultants")
	if admin.Last().HTML != h.T("en", "staff_consultants_none") || !admin.HasButton("stinv:c") {
		t.Errorf("empty list: %q", admin.Last().Text)
	}
	sova := h.Person(6301, "uk")
	lis := h.Person(6302, "en")
	sovaCode := makeInvite(t, admin, "consultant")
	joinConsultant(t, sova, sovaCode, "Sova", "uk", "ru")
	joinConsultant(t, lis, makeInvite(t, admin, "consultant"), "Lis", "en")
	sova.Send("/on")

	admin.Send("/consultants")
	list := admin.Last()
	for _, want := range []string{
		h.T("en", "staff_consultant_line", map[string]any{"Shift": "🟢", "Name": "Sova", "Langs": "uk, ru", "Cases": 2}),
		h.T("en", "staff_consultant_line", map[string]any{"Shift": "⚪", "Name": "Lis", "Langs": "en", "Cases": 0}),
	} {
		if !strings.Contains(list.HTML, want) {
			t.Errorf("list %q lacks %q", list.HTML, want)
		}
	}
	var removeSova string
	for _, b := range admin.Buttons() {
		if b.Text == h.T("en", "staff_btn_remove", map[string]any{"Name": "Sova"}) {
			removeSova = b.Data
		}
		if strings.Contains(b.Data, "6301") {
			t.Errorf("button data carries the user id: %s", b.Data)
		}
	}
	if !strings.HasPrefix(removeSova, "stc:rm:") {
		t.Fatalf("no remove button for Sova: %v", admin.Buttons())
	}
	admin.Press(removeSova)
	if !strings.Contains(admin.Last().HTML, "Sova") || !admin.HasButton("stc:list") {
		t.Fatalf("no confirmation: %q", admin.Last().Text)
	}
	if len(removed) != 0 {
		t.Fatal("removed before the confirmation")
	}
	admin.Press("stc:list") // cancel
	if s, _ := staffOf(t, h, sova.Chat()); s.Removed {
		t.Fatal("cancel removed")
	}
	admin.Press(removeSova)
	confirm := strings.Replace(removeSova, "stc:rm:", "stc:rmy:", 1)
	admin.Press(confirm)
	if !slices.Equal(removed, []string{"Sova"}) {
		t.Errorf("hook calls: %v, want [Sova]", removed)
	}
	if s, _ := staffOf(t, h, sova.Chat()); !s.Removed || s.OnShift {
		t.Errorf("record after removal: %+v", s)
	}
	if !seesHTML(sova, h.T("uk", "staff_removed_you_consultant")) {
		t.Error("the consultant was not told")
	}
	if _, ok := h.API.ChatCommands(sova.Chat()); ok {
		t.Error("the removed consultant keeps the staff menu")
	}
	if strings.Contains(admin.Last().HTML, "Sova") {
		t.Errorf("the list still shows Sova: %q", admin.Last().HTML)
	}
	sova.Send("/on")
	if got := sova.Last().HTML; got != h.T("uk", "unknown_command") {
		t.Errorf("removed consultant's /on: %q", got)
	}
	// The old confirmation pressed again changes nothing and calls no hook.
	admin.PressOn(admin.Last().ID, confirm)
	if len(removed) != 1 || lastAnswer(h).Params["text"] != h.T("en", "staff_already_removed") {
		t.Errorf("second removal: hook calls %v, answer %q", removed, lastAnswer(h).Params["text"])
	}
	// Their used invitation does not bring them back.
	sova.Send("/start join_" + sovaCode)
	if !seesHTML(sova, h.T("uk", "staff_join_invalid")) || sova.Last().HTML == h.T("uk", "staff_name_ask") {
		t.Errorf("removed consultant reopens the used link: %q", sova.Last().Text)
	}
	// Invited again, the same person joins again (their old pseudonym is theirs).
	joinConsultant(t, sova, makeInvite(t, admin, "consultant"), "Sova", "uk")
	if s, _ := staffOf(t, h, sova.Chat()); s.Removed || s.Role != store.RoleConsultant {
		t.Errorf("rejoined: %+v", s)
	}
}

// TestStaff_Admins: an invited admin has every admin right and menu; admins from configuration
// have no Remove and cannot be removed; a removed admin loses rights and menu.
func TestStaff_Admins(t *testing.T) {
	h := startStaff(t)
	admin := h.Person(staffAdminID, "en")
	if cmds, ok := h.API.ChatCommands(staffAdminID); !ok || !slices.Contains(commandNames(cmds), "invite") || !slices.Contains(commandNames(cmds), "consultants") {
		t.Errorf("configured admin's menu at start-up: %v (set %v)", commandNames(cmds), ok)
	}
	admin.Send("/pseudonym")
	admin.Send("Boss")
	if got := admin.Last().HTML; got != h.T("en", "staff_rename_saved", map[string]any{"Name": "Boss"}) {
		t.Fatalf("pseudonym: %q", got)
	}

	b := h.Person(6401, "uk")
	code := makeInvite(t, admin, "admin")
	b.Send("/start join_" + code)
	b.Send("boss") // taken by the configured admin
	if b.Last().HTML != h.T("uk", "staff_name_taken") {
		t.Errorf("duplicate of the configured admin's pseudonym: %q", b.Last().Text)
	}
	b.Send("Bravo")
	if got := b.Last().HTML; got != h.T("uk", "staff_joined_admin", map[string]any{"Name": "Bravo"})+"\n\n"+h.T("uk", "qastaff_joined_next_admin") {
		t.Fatalf("admin joined: %q", got)
	}
	if cmds, ok := h.API.ChatCommands(b.Chat()); !ok || !slices.Contains(commandNames(cmds), "admins") {
		t.Errorf("invited admin's menu: %v", commandNames(cmds))
	}
	makeInvite(t, b, "consultant") // the invited admin can invite

	admin.Send("/admins")
	list := admin.Last()
	if !strings.Contains(list.HTML, h.T("en", "staff_admin_line_config", map[string]any{"Name": "Boss"})) || !strings.Contains(list.HTML, h.T("en", "staff_admin_line", map[string]any{"Name": "Bravo"})) {
		t.Errorf("admins list: %q", list.HTML)
	}
	var removeB string
	for _, btn := range admin.Buttons() {
		if strings.HasPrefix(btn.Data, "sta:rm:") {
			if removeB != "" {
				t.Errorf("more than one Remove button: %v", admin.Buttons())
			}
			removeB = btn.Data
		}
	}
	if removeB == "" {
		t.Fatalf("no Remove for the invited admin: %v", admin.Buttons())
	}
	// The configured admin cannot be removed, even by a crafted button from another admin.
	b.Send("/admins")
	if slices.ContainsFunc(b.Buttons(), func(x fakeapi.Button) bool { return x.Data != removeB && strings.HasPrefix(x.Data, "sta:rm:") }) {
		t.Errorf("a Remove button for the configured admin: %v", b.Buttons())
	}
	var refBoss string
	_ = h.DB.View(func(tx *store.Tx) error { refBoss = tx.StaffRef(staffAdminID); return nil })
	b.PressOn(b.Last().ID, "sta:rmy:"+refBoss)
	if a := lastAnswer(h); a.Params["text"] != h.T("uk", "staff_admin_config_refused") {
		t.Errorf("removing the configured admin: answer %v", a.Params)
	}
	admin.Send("/invite")
	if !admin.HasButton("stinv:a") {
		t.Error("the configured admin lost rights")
	}

	admin.Send("/admins")
	admin.Press(removeB)
	admin.Press(strings.Replace(removeB, "sta:rm:", "sta:rmy:", 1))
	if s, _ := staffOf(t, h, b.Chat()); !s.Removed {
		t.Errorf("invited admin not removed: %+v", s)
	}
	if _, ok := h.API.ChatCommands(b.Chat()); ok {
		t.Error("the removed admin keeps the admin menu")
	}
	if len(h.API.CallsTo("deleteMyCommands")) == 0 {
		t.Error("no deleteMyCommands call recorded")
	}
	b.Send("/invite admin")
	if got := b.Last().HTML; got != h.T("uk", "unknown_command") {
		t.Errorf("removed admin's /invite: %q", got)
	}
}

// TestStaff_MenusFollowLanguageAndRestart: a staff menu follows /language and is set again at
// start-up; a person's chat never gets one.
func TestStaff_MenusFollowLanguageAndRestart(t *testing.T) {
	h := startStaff(t)
	admin := h.Person(staffAdminID, "en")
	p := h.Person(6501, "uk")
	joinConsultant(t, p, makeInvite(t, admin, "consultant"), "Sova", "uk")
	person := h.Person(6502, "uk")
	onboard(person, "uk")

	desc := func(id int64, name string) string {
		cmds, _ := h.API.ChatCommands(id)
		for _, c := range cmds {
			if c.Command == name {
				return c.Description
			}
		}
		return ""
	}
	if got := desc(p.Chat(), "on"); got != h.T("uk", "staff_cmd_on") {
		t.Errorf("menu in uk: /on is %q", got)
	}
	p.Send("/language")
	p.Press("lang:ru")
	if got := desc(p.Chat(), "on"); got != h.T("ru", "staff_cmd_on") {
		t.Errorf("after /language ru: /on is %q", got)
	}
	if got := desc(p.Chat(), "overdose"); got != h.T("ru", "cmd_overdose") {
		t.Errorf("after /language ru: /overdose is %q", got)
	}
	before := len(h.API.CallsTo("setMyCommands"))
	h.Restart()
	scoped := 0
	for _, c := range h.API.CallsTo("setMyCommands")[before:] {
		if strings.Contains(c.Params["scope"], `"chat"`) {
			scoped++
		}
	}
	if scoped != 2 { // the configured admin and the consultant
		t.Errorf("scoped menus set at start-up: %d, want 2", scoped)
	}
	if _, ok := h.API.ChatCommands(person.Chat()); ok {
		t.Error("a person's chat got a staff menu")
	}
	for _, c := range h.API.CallsTo("setMyCommands") {
		if strings.Contains(c.Params["scope"], fmt.Sprint(person.Chat())) {
			t.Errorf("setMyCommands for a person's chat: %v", c.Params)
		}
	}
}

// TestStaff_NonStaffRefused: every staff command and button, from someone without the right, is
// answered exactly as an unknown command or button is, and changes nothing.
func TestStaff_NonStaffRefused(t *testing.T) {
	h := startStaff(t)
	admin := h.Person(staffAdminID, "en")
	cons := h.Person(6601, "en")
	joinConsultant(t, cons, makeInvite(t, admin, "consultant"), "Sova", "en")
	other := h.Person(6602, "en")
	otherCode := makeInvite(t, admin, "admin")
	other.Send("/start join_" + otherCode)
	other.Send("Bravo") // an invited admin, for sta: buttons with a real ref
	person := h.Person(6603, "en")
	onboard(person, "en")

	admin.Send("/consultants")
	consRef := strings.TrimPrefix(admin.Buttons()[0].Data, "stc:rm:")
	admin.Send("/admins")
	var adminRef string
	for _, b := range admin.Buttons() {
		if strings.HasPrefix(b.Data, "sta:rm:") {
			adminRef = strings.TrimPrefix(b.Data, "sta:rm:")
		}
	}
	if consRef == "" || adminRef == "" {
		t.Fatal("no refs")
	}

	adminOnlyCmds := []string{"/invite", "/invite consultant", "/invite admin", "/consultants", "/admins"}
	consultantCmds := []string{"/on", "/off"}
	staffCmds := []string{"/pseudonym"}
	adminButtons := []string{"stinv:c", "stinv:a", "stc:list", "stc:rm:" + consRef, "stc:rmy:" + consRef, "sta:list", "sta:rm:" + adminRef, "sta:rmy:" + adminRef}
	joinButtons := []string{"stl:uk", "stl:done", "stk:yes", "stk:no"}

	type sender struct {
		name    string
		p       *handlerstest.Person
		cmds    []string
		buttons []string
	}
	senders := []sender{
		{"person", person, slices.Concat(adminOnlyCmds, consultantCmds, staffCmds), slices.Concat(adminButtons, joinButtons)},
		{"consultant", cons, adminOnlyCmds, slices.Concat(adminButtons, joinButtons)},
		{"admin", admin, consultantCmds, joinButtons},
	}
	snapshot := func() string {
		var out strings.Builder
		_ = h.DB.View(func(tx *store.Tx) error {
			all, _ := tx.ListStaff()
			fmt.Fprintf(&out, "%+v", all)
			counters := tx.Counters()
			for _, k := range slices.Sorted(maps.Keys(counters)) {
				if strings.HasPrefix(k, "staff_") {
					fmt.Fprintf(&out, " %s=%d", k, counters[k])
				}
			}
			for _, p := range []*handlerstest.Person{person, cons, admin} {
				c, _ := tx.Conversation(p.Chat())
				fmt.Fprintf(&out, " conv=%s/%v", c.State, c.Data)
			}
			return nil
		})
		return out.String()
	}
	// effects runs act and returns what the bot did in response, chat by chat (methods with their
	// texts, in order): the outbox keeps the order of calls within a chat, not across chats, and a
	// button's answer (answerCallbackQuery, chat 0 here) goes on its own.
	effects := func(act func()) map[int64][]string {
		n := len(h.API.Calls())
		act()
		out := map[int64][]string{}
		for _, c := range h.API.Calls()[n:] {
			if c.Method == "getUpdates" {
				continue
			}
			out[c.ChatID] = append(out[c.ChatID], c.Method+"|"+c.Params["text"]+"|"+c.Params["reply_markup"])
		}
		return out
	}
	for _, s := range senders {
		unknownCmd := effects(func() { s.p.Send("/nosuchcommand") })
		if len(unknownCmd) == 0 {
			t.Fatalf("%s: the unknown command had no answer", s.name)
		}
		for _, cmd := range s.cmds {
			before := snapshot()
			got := effects(func() { s.p.Send(cmd) })
			if !reflect.DeepEqual(got, unknownCmd) {
				t.Errorf("%s %s: got %v, want what an unknown command gets: %v", s.name, cmd, got, unknownCmd)
			}
			if after := snapshot(); after != before {
				t.Errorf("%s %s changed the store:\n%s\n%s", s.name, cmd, before, after)
			}
		}
		s.p.Send("/menu")
		menu := s.p.Last().ID
		unknownBtn := effects(func() { s.p.PressOn(menu, "zz:nothing") })
		for _, data := range s.buttons {
			s.p.Send("/menu")
			menu := s.p.Last().ID
			before := snapshot()
			got := effects(func() { s.p.PressOn(menu, data) })
			if !reflect.DeepEqual(got, unknownBtn) {
				t.Errorf("%s %s: got %v, want what an unknown button gets: %v", s.name, data, got, unknownBtn)
			}
			if after := snapshot(); after != before {
				t.Errorf("%s %s changed the store:\n%s\n%s", s.name, data, before, after)
			}
		}
	}
}

// TestStaff_ForgetLeavesTheTeam: a consultant's /forget hands their cases back (the hook), erases
// their staff record and takes the staff menu away; an admin from configuration stays one.
func TestStaff_ForgetLeavesTheTeam(t *testing.T) {
	h := startStaff(t)
	var removed []string
	h.App.SetStaffHooks(func(*store.Tx, int64) int { return 0 }, func(s store.Staff) { removed = append(removed, s.Pseudonym) })
	admin := h.Person(staffAdminID, "en")
	p := h.Person(6701, "en")
	joinConsultant(t, p, makeInvite(t, admin, "consultant"), "Sova", "en")
	p.Send("/forget")
	p.Press("fg:yes")
	if _, found := staffOf(t, h, p.Chat()); found {
		t.Error("staff record survived /forget")
	}
	if !slices.Equal(removed, []string{"Sova"}) {
		t.Errorf("hook calls: %v, want [Sova]", removed)
	}
	if _, ok := h.API.ChatCommands(p.Chat()); ok {
		t.Error("staff menu survived /forget")
	}
	p.Send("/on")
	if p.Last().HTML != h.T("en", "unknown_command") {
		t.Errorf("/on after /forget: %q", p.Last().Text)
	}

	admin.Send("/pseudonym")
	admin.Send("Boss")
	admin.Send("/forget")
	admin.Press("fg:yes")
	if _, ok := h.API.ChatCommands(staffAdminID); !ok {
		t.Error("the configured admin lost the admin menu")
	}
	admin.Send("/admins")
	if !strings.Contains(admin.Last().HTML, h.T("en", "staff_admins_title", map[string]any{"N": 1})) {
		t.Errorf("the configured admin after /forget: %q", admin.Last().Text)
	}
}

// TestStaff_InviteCodeNotInTheFile: the invitation code itself is never kept — after joining
// and the nightly compaction, the raw database file does not hold it in any form.
func TestStaff_InviteCodeNotInTheFile(t *testing.T) {
	h := startStaff(t)
	admin := h.Person(staffAdminID, "en")
	code := makeInvite(t, admin, "consultant")
	joinConsultant(t, h.Person(6801, "en"), code, "Sova", "en")
	h.RunJob("retention")
	raw, err := os.ReadFile(h.DBPath())
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{code, strings.ToUpper(code), "join_" + code} {
		if bytes.Contains(raw, []byte(form)) {
			t.Errorf("the database file holds the invitation code as %q", form)
		}
	}
	// The record is still there (keyed by a hash), so the used code stays refused.
	q := h.Person(6802, "en")
	q.Send("/start join_" + code)
	if !seesHTML(q, h.T("en", "staff_join_invalid")) {
		t.Errorf("used code after compaction: %q", q.Last().Text)
	}
}

// TestStaff_ConsultantBecomesAdmin: a consultant who accepts an admin invitation is an admin
// (role change): their cases are handed back, the admin menu replaces the consultant's.
func TestStaff_ConsultantBecomesAdmin(t *testing.T) {
	h := startStaff(t)
	var removed []string
	h.App.SetStaffHooks(func(*store.Tx, int64) int { return 0 }, func(s store.Staff) { removed = append(removed, s.Pseudonym) })
	admin := h.Person(staffAdminID, "en")
	p := h.Person(6901, "en")
	joinConsultant(t, p, makeInvite(t, admin, "consultant"), "Sova", "en")
	p.Send("/start join_" + makeInvite(t, admin, "admin"))
	p.Send("Sova") // their own pseudonym is not "taken"
	if got := p.Last().HTML; got != h.T("en", "staff_joined_admin", map[string]any{"Name": "Sova"})+"\n\n"+h.T("en", "qastaff_joined_next_admin") {
		t.Fatalf("joined as admin: %q", got)
	}
	if s, _ := staffOf(t, h, p.Chat()); s.Role != store.RoleAdmin || s.Removed {
		t.Errorf("record: %+v", s)
	}
	if !slices.Equal(removed, []string{"Sova"}) {
		t.Errorf("hook calls: %v, want [Sova]", removed)
	}
	cmds, _ := h.API.ChatCommands(p.Chat())
	if names := commandNames(cmds); !slices.Contains(names, "invite") || slices.Contains(names, "on") {
		t.Errorf("menu after the role change: %v", names)
	}
	p.Send("/invite")
	if !p.HasButton("stinv:c") {
		t.Error("no admin rights after the role change")
	}
}
