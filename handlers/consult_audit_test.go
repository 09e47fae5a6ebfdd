package handlers_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/handlers/handlerstest"
	"github.com/ehra/peerline/store"
)

// Tests added by the audit of issue 11 (AUDIT-11.md).

// TestConsult_UrgentWordInAFormMovesTheWaitingCase: a person whose case waits opens the
// treatment finder and types an urgent word there. The form shows the card, and the case still
// hears it: it moves to the top marked urgent, everyone on shift is alerted, and the message
// reaches the consultant who takes it.
func TestConsult_UrgentWordInAFormMovesTheWaitingCase(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
	h := d.h
	first := d.person(9401, "en")
	first.Press("ask:gen")
	k1 := d.caseOf(first)
	p := d.person(9402, "uk")
	p.Press("ask:gen")
	k2 := d.caseOf(p)
	p.Send("/menu")
	p.PressOn(p.Last().ID, "tr:start")
	urgent := "друг не дихає, передозування"
	msg := h.API.SendText(p.U, urgent)
	h.Settle()

	opioid, _ := h.Content.Card("opioid")
	shown := false
	for _, m := range p.Messages() {
		if strings.Contains(m.Text, stripTags(opioid.Title.In("uk"))) {
			shown = true
		}
	}
	if !shown {
		t.Errorf("no emergency card for the person: %q", p.Last().Text)
	}
	k := d.loadCase(k2.Code)
	if !k.Urgent || !slices.Contains(k.Pending, msg.ID) {
		t.Fatalf("the waiting case: urgent=%v pending=%v; want urgent, the message kept for the consultant", k.Urgent, k.Pending)
	}
	alerted := false
	for _, m := range d.taras.Messages() {
		if strings.Contains(m.Text, k2.Code) && strings.Contains(m.Text, "🆘") {
			alerted = true
		}
	}
	if !alerted {
		t.Error("the consultants on shift were not alerted")
	}
	d.olena.Send("/next")
	if got := d.loadCase(k2.Code); got.State != store.CaseTaken {
		t.Fatalf("Take next should pick the urgent case first: %+v", got)
	}
	if d.loadCase(k1.Code).State != store.CaseQueued {
		t.Error("the older, calm case was taken instead")
	}
	got := false
	for _, m := range d.olena.Messages() {
		if m.Text == urgent && m.CopiedFrom != nil && m.ProtectContent {
			got = true
		}
	}
	if !got {
		t.Error("the urgent message did not reach the consultant who took the case")
	}
}

// TestConsult_ContactOnlyAfterConfirmation: a shared contact shows a phone number and opens a
// Telegram account (often the person's own), so it goes to the consultant only after the person
// confirms, like a location; "No" drops it.
func TestConsult_ContactOnlyAfterConfirmation(t *testing.T) {
	for _, lang := range []string{"uk", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
			h := d.h
			p := d.person(9411, lang)
			p.Press("ask:gen")
			k := d.caseOf(p)
			d.olena.Press("ct:" + k.Code)
			copies := func() int { return len(h.API.CallsTo("copyMessage")) + len(h.API.CallsTo("copyMessages")) }
			before := copies()

			h.API.SendContact(p.U, "+380501234567")
			h.Settle()
			if n := copies(); n != before {
				t.Fatalf("the contact was copied before the person confirmed (%d copies)", n-before)
			}
			if got, want := p.Last().Text, h.T(lang, "consult2_contact_confirm"); got != want || !p.HasButton("ck:n:"+k.Code) {
				t.Fatalf("confirmation: got %q, want %q with buttons", got, want)
			}
			p.Press("ck:n:" + k.Code)
			if n := copies(); n != before {
				t.Errorf("the contact was copied after 'No'")
			}
			if got, want := p.Last().Text, h.T(lang, "consult2_contact_dropped"); got != want {
				t.Errorf("after 'No': got %q, want %q", got, want)
			}

			h.API.SendContact(p.U, "+380501234567")
			h.Settle()
			p.Press("ck:y:" + k.Code)
			if n := copies(); n != before+1 {
				t.Fatalf("after 'Yes': %d copies, want 1", n-before)
			}
			if got := d.olena.Last(); got.Contact != "+380501234567" || !got.ProtectContent {
				t.Errorf("the consultant's copy: %+v, want the contact, protected", got)
			}
		})
	}
}

// TestConsult_ConsultantWipe: a consultant holding a case runs /wipe: their private chat with the
// bot is cleared at once — the copies of the person's messages, their own answers, the case's
// header — and /wipe itself never reaches the person; the person's chat is untouched.
func TestConsult_ConsultantWipe(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
	h := d.h
	p := d.person(9421, "en")
	p.Press("ask:gen")
	k := d.caseOf(p)
	d.olena.Press("ct:" + k.Code)
	p.Send("something only the consultant should see")
	p.SendPhoto("a photo")
	d.olena.Send("an answer")
	personBefore := len(p.Messages())

	d.olena.Send("/wipe")
	kept := 0
	for _, m := range h.API.Messages(d.olena.Chat()) {
		if m.Deleted {
			continue
		}
		kept++
		if m.CopiedFrom != nil || strings.Contains(m.Text, k.Code) || m.Text == "an answer" {
			t.Errorf("still in the consultant's chat after /wipe: %q", m.Text)
		}
	}
	if want := h.T("en", "wipe_done"); kept != 1 || d.olena.Last().HTML != want {
		t.Errorf("after /wipe: %d messages left, last %q; want only %q", kept, d.olena.Last().HTML, want)
	}
	if got := len(p.Messages()); got != personBefore {
		t.Errorf("/wipe reached the person: %d new messages", got-personBefore)
	}
	for _, m := range h.API.Messages(p.Chat()) {
		if m.Deleted {
			t.Errorf("the consultant's /wipe deleted %q in the person's chat", m.Text)
		}
	}
	if got := d.loadCase(k.Code); got.State != store.CaseTaken || got.Consultant != d.olena.U.ID {
		t.Errorf("/wipe changed the case: %+v", got)
	}
}

// TestConsult_ConsultantContactNotRelayed: a contact a consultant shares would open an account
// (often their own) to the person, who must see only the pseudonym: it is not relayed, and the
// consultant is told why.
func TestConsult_ConsultantContactNotRelayed(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
	h := d.h
	p := d.person(9431, "en")
	p.Press("ask:gen")
	k := d.caseOf(p)
	d.olena.Press("ct:" + k.Code)
	before := len(p.Messages())
	h.API.SendContact(d.olena.U, "+380670000000")
	h.Settle()
	if got := len(p.Messages()); got != before {
		t.Errorf("the consultant's contact reached the person: %+v", p.Last())
	}
	if got, want := d.olena.Last().Text, stripTags(h.T("en", "consult2_contact_refused", map[string]any{"Code": k.Code})); got != want {
		t.Errorf("the consultant was told %q, want %q", got, want)
	}
	d.olena.Send("my number is on the card")
	if p.Last().Text != "my number is on the card" {
		t.Errorf("text after the refused contact: the person has %q", p.Last().Text)
	}
}

// TestConsult_OpenCallQuestionBecomesACase: an open call's "ask a question" offers a peer
// consultant, and pressing it opens a case about the call.
func TestConsult_OpenCallQuestionBecomesACase(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{Admins: []int64{adminID}})
	ad := d.h.Person(adminID, "en")
	onboard(ad, "en")
	fillCall(t, ad, "2026-12-10 18:00")
	p := d.person(9441, "ru")
	p.Send("/menu")
	p.PressOn(p.Last().ID, "calls")
	p.Press("call:EHRA-09-01")
	p.Press("call:EHRA-09-01:ask")
	if !p.HasButton("ask:call") {
		t.Fatalf("the call's question screen offers no consultant: %+v", p.Buttons())
	}
	p.Press("ask:call")
	if k := d.caseOf(p); k.Topic != "call" {
		t.Errorf("case topic: got %q, want call", k.Topic)
	}
	if !d.olena.HasButton("ct:" + d.caseOf(p).Code) {
		t.Error("the consultants got no card")
	}
}

// TestConsult_NobodyOnShift: in service hours but with nobody on shift, the person is told so
// honestly, the case still queues, and the overdose card comes at once.
func TestConsult_NobodyOnShift(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
	h := d.h
	d.olena.Send("/off")
	d.taras.Send("/off")
	p := d.person(9451, "uk")
	p.Press("ask:gen")
	k := d.caseOf(p)
	if k.State != store.CaseQueued {
		t.Fatalf("the case does not queue: %+v", k)
	}
	want := stripTags(h.T("uk", "consult_queued_nobody", map[string]any{"Code": k.Code, "Pos": 1, "Wait": 0}))
	opioid, _ := h.Content.Card("opioid")
	var told, card bool
	for _, m := range p.Messages() {
		told = told || m.Text == want
		card = card || strings.Contains(m.Text, stripTags(opioid.Title.In("uk")))
	}
	if !told || !card {
		t.Errorf("nobody on shift: told=%v card=%v; last %q", told, card, p.Last().Text)
	}
	d.olena.Send("/on")
	if !d.olena.HasButton("ct:" + k.Code) {
		t.Error("a consultant coming on shift got no card for the waiting case")
	}
}

// TestConsult_UnroutableMessageGoesNowhere: a consultant holding a case but with no active one
// writes a message that is not a reply: it reaches nobody, and they are told why, with the case
// buttons.
func TestConsult_UnroutableMessageGoesNowhere(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
	h := d.h
	a, b := d.person(9461, "en"), d.person(9462, "en")
	a.Press("ask:gen")
	b.Press("ask:gen")
	ka, kb := d.caseOf(a), d.caseOf(b)
	d.olena.Press("ct:" + ka.Code)
	d.olena.Press("ct:" + kb.Code)
	d.olena.Send("/release " + kb.Code) // the active case goes back to the queue
	d.olena.Send("who gets this?")
	for _, p := range []*handlerstest.Person{a, b} {
		for _, m := range p.Messages() {
			if m.Text == "who gets this?" {
				t.Errorf("an unroutable message reached person %d", p.U.ID)
			}
		}
	}
	if got, want := d.olena.Last().Text, h.T("en", "consult_unroutable_none"); got != want || !d.olena.HasButton("cs:"+ka.Code) {
		t.Errorf("the consultant was told %q, want %q with the case buttons", got, want)
	}
}

// TestConsult_TakenCaseEndsTheFormOpenedWhileWaiting: a person opens the treatment finder while
// waiting; once a consultant takes the case, what they type goes to the consultant, not to the
// form.
func TestConsult_TakenCaseEndsTheFormOpenedWhileWaiting(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
	p := d.person(9471, "en")
	p.Press("ask:gen")
	k := d.caseOf(p)
	p.Send("/menu")
	p.PressOn(p.Last().ID, "tr:start")
	d.olena.Press("ct:" + k.Code)
	p.Send("I am in Kyiv")
	if got := d.olena.Last(); got.Text != "I am in Kyiv" || got.CopiedFrom == nil {
		t.Errorf("the person's answer did not reach the consultant: the consultant's chat ends with %q", got.Text)
	}
}

// TestConsult_ForgetDeletesTheForumTopics: /forget erases the case records, so the retention job
// could never find their topics: every topic of the person's cases — the open one and one closed
// earlier — is deleted at once, with the copies of their messages; the consultants are told in
// the general topic.
func TestConsult_ForgetDeletesTheForumTopics(t *testing.T) {
	d := newDesk(t, forum, handlerstest.Options{})
	h := d.h
	p := d.person(9481, "en")
	p.Press("ask:gen")
	k1 := d.caseOf(p)
	d.pressIn(d.olena.U, forum.ID, "ct:"+k1.Code)
	p.Send("an earlier secret")
	p.Send("/end")
	p.PressOn(p.Last().ID, "cr:"+k1.Code+":4")
	p.Send("/menu")
	p.PressOn(p.Last().ID, "ask:gen")
	k2 := d.caseOf(p)
	d.pressIn(d.taras.U, forum.ID, "ct:"+k2.Code)
	p.Send("a later secret")
	threads := []int{d.loadCase(k1.Code).Thread, d.loadCase(k2.Code).Thread}

	p.Send("/forget")
	p.Press("fg:yes")
	for _, tp := range h.API.Topics(forum.ID) {
		if slices.Contains(threads, tp.ID) && !tp.Deleted {
			t.Errorf("topic %q is still there after /forget", tp.Name)
		}
	}
	for _, m := range h.API.Messages(forum.ID) {
		if (m.Text == "an earlier secret" || m.Text == "a later secret") && !m.Deleted {
			t.Errorf("%q is still in the consultants' group after /forget", m.Text)
		}
	}
	told := false
	for _, m := range h.API.BotMessages(forum.ID) {
		if m.ThreadID == 0 && !m.Deleted && m.Text == stripTags(h.T("uk", "consult_person_left", map[string]any{"Code": k2.Code})) {
			told = true
		}
	}
	if !told {
		t.Error("the consultants were not told in the general topic that the person has left")
	}
}

// TestConsult_HolderBlockedTheBot: the consultant holding a case blocks the bot (private
// workspace). What the person writes then is not lost: the case goes back to the queue with the
// message kept, the person is told, the consultant goes off shift, and whoever takes the case
// gets the message.
func TestConsult_HolderBlockedTheBot(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
	h := d.h
	p := d.person(9491, "uk")
	p.Press("ask:gen")
	k := d.caseOf(p)
	d.olena.Press("ct:" + k.Code)
	h.API.Block(d.olena.Chat())
	msg := h.API.SendText(p.U, "мені дуже погано, допоможіть")
	h.Settle()
	h.RunJob("relay-albums")

	got := d.loadCase(k.Code)
	if got.State != store.CaseQueued || got.Previous != d.olena.U.ID || !slices.Contains(got.Pending, msg.ID) {
		t.Fatalf("after the holder blocked the bot: %+v; want back in the queue with the message pending", got)
	}
	if want := h.T("uk", "consult_released_person", map[string]any{"Pos": 1}); p.Last().Text != stripTags(want) {
		t.Errorf("the person was told %q, want %q", p.Last().Text, want)
	}
	var s store.Staff
	_ = h.DB.View(func(tx *store.Tx) error { s, _, _ = tx.Staff(d.olena.U.ID); return nil })
	if s.OnShift {
		t.Error("the consultant who blocked the bot is still on shift")
	}
	d.taras.Press("ct:" + k.Code)
	if last := d.taras.Last(); last.Text != "мені дуже погано, допоможіть" || last.CopiedFrom == nil {
		t.Errorf("the consultant who took the case over got %q, want the person's message", last.Text)
	}
}

// TestConsult_CaseLeavingAConsultantLeavesTheirPhone: when a case leaves a consultant (release,
// an accepted transfer), its messages in their private chat are deleted at once, as at a close;
// the person's chat keeps everything and the new holder's chat gets what follows.
func TestConsult_CaseLeavingAConsultantLeavesTheirPhone(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
	h := d.h
	p := d.person(9495, "en")
	p.Press("ask:gen")
	k := d.caseOf(p)
	still := func(c *handlerstest.Person, texts ...string) []string {
		var out []string
		for _, m := range h.API.Messages(c.Chat()) {
			if slices.Contains(texts, m.Text) && !m.Deleted {
				out = append(out, m.Text)
			}
		}
		return out
	}

	d.olena.Press("ct:" + k.Code)
	p.Send("first secret")
	d.olena.Send("olena answers")
	d.olena.Send("/release")
	if got := still(d.olena, "first secret", "olena answers"); len(got) != 0 {
		t.Errorf("after /release the consultant's chat still has %q", got)
	}

	d.taras.Press("ct:" + k.Code)
	p.Send("second secret")
	d.taras.Send("taras answers")
	d.taras.Send("/transfer Olena")
	d.olena.Press("cx:" + k.Code + ":y")
	if got := still(d.taras, "second secret", "taras answers"); len(got) != 0 {
		t.Errorf("after the transfer the previous consultant's chat still has %q", got)
	}
	p.Send("third")
	if got := still(d.olena, "third"); len(got) != 1 {
		t.Error("the new holder did not get the next message")
	}
	if got := still(p, "olena answers", "taras answers"); len(got) != 2 {
		t.Errorf("the person's chat lost the answers: has %q", got)
	}
}

// TestConsult_UndeliveredInTheForumTopic: in the forum, when the person has blocked the bot, the
// consultant is told in the case's topic (in the group's language) and the case is marked
// unreachable; nothing is dropped silently.
func TestConsult_UndeliveredInTheForumTopic(t *testing.T) {
	d := newDesk(t, forum, handlerstest.Options{})
	h := d.h
	p := d.person(9497, "ru")
	p.Press("ask:gen")
	k := d.caseOf(p)
	d.pressIn(d.olena.U, forum.ID, "ct:"+k.Code)
	thread := d.loadCase(k.Code).Thread
	h.API.Block(p.Chat())
	h.API.SendTextInTopic(forum, thread, d.olena.U, "are you there?")
	h.Settle()
	want := stripTags(h.T("uk", "consult_undelivered", map[string]any{"Code": k.Code}))
	got := d.inTopic(thread)
	if last := got[len(got)-1]; last.Text != want {
		t.Errorf("the topic ends with %q, want %q", last.Text, want)
	}
	if !d.loadCase(k.Code).Unreachable {
		t.Error("the case is not marked unreachable")
	}
}
