package handlers_test

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/handlers"
	"github.com/ehra/peerline/handlers/handlerstest"
	"github.com/ehra/peerline/store"
)

// The consultants' forum group of these tests.
var forum = fakeapi.Chat{ID: -1001500, Type: fakeapi.ChatSupergroup, Title: "Consultants", Forum: true}

// plainGroup is a consultants' group without topics.
var plainGroup = fakeapi.Chat{ID: -1001600, Type: fakeapi.ChatSupergroup, Title: "Consultants"}

// desk is a test rig with a person's side and two consultants.
type desk struct {
	t     *testing.T
	h     *handlerstest.Harness
	group fakeapi.Chat // zero: no group
	olena *handlerstest.Person
	taras *handlerstest.Person
}

func newDesk(t *testing.T, group fakeapi.Chat, opt handlerstest.Options) *desk {
	t.Helper()
	opt.ConsultantsChat = group.ID
	h := handlerstest.Start(t, opt)
	d := &desk{t: t, h: h, group: group}
	d.olena = d.consultant(501, "Olena", "en")
	d.taras = d.consultant(502, "Taras", "en")
	if group.ID != 0 {
		// The group speaks once, so the bot learns whether it is a forum.
		h.API.SendTextIn(group, d.olena.U, "hello")
		h.Settle()
	}
	return d
}

// consultant registers an on-shift consultant (the staff flows' record) with a profile.
func (d *desk) consultant(id int64, name, lang string) *handlerstest.Person {
	d.t.Helper()
	err := d.h.DB.Update(func(tx *store.Tx) error {
		if err := tx.PutUser(id, store.User{Lang: lang, Onboarded: true}); err != nil {
			return err
		}
		return tx.PutStaff(store.Staff{UserID: id, Role: store.RoleConsultant, Pseudonym: name, Langs: []string{lang}, OnShift: true, Joined: time.Now()})
	})
	if err != nil {
		d.t.Fatal(err)
	}
	p := d.h.Person(id, lang)
	p.U.Username = strings.ToLower(name) + "_real"
	p.Send("/menu") // the private chat with the bot exists
	return p
}

// person onboards someone in lang and opens the menu.
func (d *desk) person(id int64, lang string) *handlerstest.Person {
	d.t.Helper()
	p := d.h.Person(id, lang)
	p.U.FirstName, p.U.LastName, p.U.Username = "Secretname", "Familyname", "secret_handle"
	p.U.LanguageCode = "be-x-secret" // the client's language, never the bot's: must reach no consultant
	p.Send("/start")
	p.Press("lang:" + lang)
	p.Press("onb:ok")
	return p
}

// caseOf returns the person's open case.
func (d *desk) caseOf(p *handlerstest.Person) store.Case {
	d.t.Helper()
	var k store.Case
	_ = d.h.DB.View(func(tx *store.Tx) error {
		var found bool
		var err error
		k, found, err = tx.CaseOfPerson(p.Chat())
		if err != nil || !found {
			d.t.Fatalf("no open case for the person (%v)", err)
		}
		return nil
	})
	return k
}

func (d *desk) loadCase(code string) store.Case {
	d.t.Helper()
	var k store.Case
	_ = d.h.DB.View(func(tx *store.Tx) error { k, _, _ = tx.Case(code); return nil })
	return k
}

// pressIn presses data on the newest message in chat that has the button, as u.
func (d *desk) pressIn(u fakeapi.User, chat int64, data string) {
	d.t.Helper()
	msgs := d.h.API.BotMessages(chat)
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Keyboard {
			for _, b := range row {
				if b.Data == data {
					d.h.API.Press(u, chat, msgs[i].ID, data)
					d.h.Settle()
					return
				}
			}
		}
	}
	d.t.Fatalf("no button %q in chat %d", data, chat)
}

// inTopic lists the bot's messages in a topic of the forum.
func (d *desk) inTopic(thread int) []fakeapi.Message {
	var out []fakeapi.Message
	for _, m := range d.h.API.BotMessages(d.group.ID) {
		if m.ThreadID == thread && m.Service == "" {
			out = append(out, m)
		}
	}
	return out
}

// lastAlert is the text of the newest answer to a button press shown as an alert.
func (d *desk) lastAnswer() (string, bool) {
	calls := d.h.API.CallsTo("answerCallbackQuery")
	if len(calls) == 0 {
		return "", false
	}
	c := calls[len(calls)-1]
	return c.Params["text"], c.Params["show_alert"] == "true"
}

// checkNothingIdentifies: nothing the bot sent to the consultants' side carries the person's id,
// names or username (a copy's from_chat_id is the Bot API's own parameter and shows nowhere),
// and nothing was forwarded.
func (d *desk) checkNothingIdentifies(p *handlerstest.Person, consultantSide ...int64) {
	d.t.Helper()
	side := map[int64]bool{}
	for _, id := range consultantSide {
		side[id] = true
	}
	needles := []string{strconv.FormatInt(p.Chat(), 10), p.U.FirstName, p.U.LastName, p.U.Username, "tg://", "t.me/", p.U.LanguageCode}
	// The person sees the consultants' pseudonyms, never their accounts.
	var staffNeedles []*regexp.Regexp
	for _, s := range []*handlerstest.Person{d.olena, d.taras} {
		for _, n := range []string{strconv.FormatInt(s.U.ID, 10), s.U.FirstName, s.U.Username} {
			staffNeedles = append(staffNeedles, regexp.MustCompile(`\b`+regexp.QuoteMeta(n)+`\b`))
		}
	}
	for _, c := range d.h.API.Calls() {
		if strings.HasPrefix(strings.ToLower(c.Method), "forward") {
			d.t.Errorf("the bot called %s", c.Method)
		}
		if c.ChatID == p.Chat() {
			for k, v := range c.Params {
				if k == "from_chat_id" || k == "chat_id" {
					continue
				}
				for _, re := range staffNeedles {
					if re.MatchString(v) {
						d.t.Errorf("%s to the person: parameter %s carries a consultant's %q", c.Method, k, re.String())
					}
				}
			}
		}
		if !side[c.ChatID] {
			continue
		}
		if strings.HasPrefix(c.Method, "copyMessage") && c.Params["from_chat_id"] == strconv.FormatInt(p.Chat(), 10) {
			if c.Params["protect_content"] != "true" {
				d.t.Errorf("%s of the person's message(s) %s%s to chat %d without protect_content", c.Method, c.Params["message_id"], c.Params["message_ids"], c.ChatID)
			}
		}
		for k, v := range c.Params {
			if k == "from_chat_id" {
				continue
			}
			for _, n := range needles {
				if strings.Contains(v, n) {
					d.t.Errorf("%s to the consultants' side: parameter %s carries %q", c.Method, k, n)
				}
			}
		}
	}
	for chat := range side {
		for _, m := range d.h.API.BotMessages(chat) {
			for _, n := range needles[1:4] {
				if strings.Contains(m.Text, n) {
					d.t.Errorf("a message in chat %d shows %q", chat, n)
				}
			}
		}
	}
}

// TestConsult_ForumWorkspace: a person in each language asks, waits, is taken in the forum, and
// talks with the consultant in the case's topic (text, photo, album, voice, edits both ways);
// a second "Take" is told who has it; a colleague's message in the topic is not relayed; the
// consultant closes with an outcome; the follow-up fires and "I need help" reopens the case to
// the same consultant; a deleted topic is recreated with nothing lost.
func TestConsult_ForumWorkspace(t *testing.T) {
	for i, lang := range []string{"uk", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			d := newDesk(t, forum, handlerstest.Options{})
			h := d.h
			p := d.person(int64(9100+i), lang)
			if !p.HasButton("ask:gen") {
				t.Fatal("the main menu has no 'Talk to a peer consultant' button")
			}
			p.Press("ask:gen")
			k := d.caseOf(p)
			if want := h.T(lang, "consult_queued", map[string]any{"Code": k.Code, "Pos": 1, "Wait": 0}); !strings.Contains(p.Messages()[len(p.Messages())-1].HTML, want[:30]) {
				t.Fatalf("queue answer: got %q, want %q", p.Last().HTML, want)
			}
			card, ok := h.API.LastBotMessage(forum.ID)
			if !ok || card.ThreadID != 0 || len(card.Keyboard) == 0 || card.Keyboard[0][0].Data != "ct:"+k.Code {
				t.Fatalf("new-case card with Take in the general topic: %+v", card)
			}

			// Written while waiting: kept (ids only), relayed in order when taken.
			p.Send("first, while waiting")
			p.Send("second, while waiting")
			if n := len(h.API.CallsTo("copyMessage")); n != 0 {
				t.Fatalf("copies before the case was taken: %d", n)
			}

			d.pressIn(d.olena.U, forum.ID, "ct:"+k.Code)
			k = d.loadCase(k.Code)
			if k.State != store.CaseTaken || k.Consultant != d.olena.U.ID || k.Thread <= 0 {
				t.Fatalf("after Take: %+v", k)
			}
			topics := h.API.Topics(forum.ID)
			if len(topics) != 1 || !strings.Contains(topics[0].Name, k.Code) || strings.Contains(topics[0].Name, "Secret") {
				t.Fatalf("topics: %+v", topics)
			}
			got := d.inTopic(k.Thread)
			if len(got) != 3 || got[1].Text != "first, while waiting" || got[2].Text != "second, while waiting" || !got[1].ProtectContent || got[1].CopiedFrom == nil {
				t.Fatalf("topic after Take: header + 2 protected copies in order; got %+v", got)
			}
			if !strings.Contains(p.Last().Text, "Olena") {
				t.Errorf("the person is not told the consultant's pseudonym: %q", p.Last().Text)
			}
			if card, _ := h.API.LastBotMessage(forum.ID); card.Keyboard != nil && card.ID == 0 {
				t.Error("card")
			}
			for _, m := range h.API.BotMessages(forum.ID) {
				if m.ThreadID == 0 && strings.Contains(m.Text, k.Code) && !strings.Contains(m.Text, "Olena") {
					t.Errorf("the card was not updated for everyone: %q", m.Text)
				}
			}

			// A second Take is told who has it; nothing changes.
			h.API.Press(d.taras.U, forum.ID, card.ID, "ct:"+k.Code)
			h.Settle()
			if text, alert := d.lastAnswer(); !alert || !strings.Contains(text, "Olena") {
				t.Errorf("second Take: got %q alert=%v, want who has it", text, alert)
			}
			if d.loadCase(k.Code).Consultant != d.olena.U.ID {
				t.Error("a second Take changed the holder")
			}

			// Relay both ways.
			sent := h.API.SendText(p.U, "a question")
			h.Settle()
			p.SendPhoto("")
			h.API.SendAlbum(p.U, 2, "")
			h.Settle()
			h.Clock.Add(2 * time.Second)
			h.RunJob("relay-albums")
			h.API.SendVoice(p.U, fakeapi.Chat{}, 0)
			h.Settle()
			got = d.inTopic(k.Thread)
			if n := len(got); n != 8 {
				t.Fatalf("topic: got %d messages, want 8 (header, 2 waiting, text, photo, album of 2, voice)", n)
			}
			if got[4].Photo == "" || got[5].MediaGroup == "" || got[5].MediaGroup != got[6].MediaGroup || got[7].Voice == "" {
				t.Errorf("media copies: %+v", got[4:])
			}
			if n := len(h.API.CallsTo("copyMessages")); n != 1 {
				t.Errorf("copyMessages calls: %d, want 1 (the album)", n)
			}
			reply := h.API.SendTextInTopic(forum, k.Thread, d.olena.U, "an answer from Olena")
			h.Settle()
			if last := p.Last(); last.Text != "an answer from Olena" || last.CopiedFrom == nil {
				t.Fatalf("the person did not get the consultant's copy: %+v", last)
			}
			if r := reactionOn(h, forum.ID, reply.ID); r != "👌" {
				t.Errorf("delivery reaction on the consultant's message: got %q, want 👌", r)
			}
			// A colleague's message in the topic is not relayed.
			before := len(p.Messages())
			h.API.SendTextInTopic(forum, k.Thread, d.taras.U, "a comment from Taras")
			h.Settle()
			if len(p.Messages()) != before {
				t.Error("a colleague's message reached the person")
			}
			// Edits are relayed as edits of the copy, both ways.
			h.API.EditText(p.U, p.Chat(), sent.ID, "a question (edited)")
			h.API.EditText(d.olena.U, forum.ID, reply.ID, "an answer (edited)")
			h.Settle()
			if got := d.inTopic(k.Thread)[3]; got.Text != "a question (edited)" || got.Edited != 1 {
				t.Errorf("the person's edit: copy is %q (edited %d)", got.Text, got.Edited)
			}
			if got := p.Last(); got.Text != "an answer (edited)" {
				t.Errorf("the consultant's edit: the person's copy is %q", got.Text)
			}

			// Someone deletes the topic: it is recreated and nothing is lost.
			h.API.DeleteTopic(forum.ID, k.Thread)
			h.API.SendText(p.U, "after the topic was deleted")
			h.Settle()
			h.RunJob("relay-albums")
			k2 := d.loadCase(k.Code)
			if k2.Thread == k.Thread || k2.Thread <= 0 {
				t.Fatalf("topic not recreated: %+v", k2)
			}
			if got := d.inTopic(k2.Thread); len(got) != 2 || got[1].Text != "after the topic was deleted" {
				t.Fatalf("recreated topic: %+v", got)
			}

			d.checkNothingIdentifies(p, forum.ID, d.olena.U.ID, d.taras.U.ID)

			// Close with an outcome, a follow-up in 3 days that the person agrees to.
			h.API.SendTextInTopic(forum, k2.Thread, d.olena.U, "/close")
			h.Settle()
			if ask, _ := h.API.LastBotMessage(forum.ID); ask.ThreadID != k2.Thread {
				t.Errorf("the outcome question went to topic %d, want the case's topic %d", ask.ThreadID, k2.Thread)
			}
			d.pressIn(d.olena.U, forum.ID, "co:"+k.Code+":ost")
			d.pressIn(d.olena.U, forum.ID, "cf:"+k.Code+":3")
			for _, tp := range h.API.Topics(forum.ID) {
				if tp.ID == k2.Thread && (!tp.Closed || !strings.HasPrefix(tp.Name, "✅")) {
					t.Errorf("topic after close: %+v", tp)
				}
			}
			p.Press("cr:" + k.Code + ":5")
			p.Press("cfa:" + k.Code + ":y")
			var rating, outcome, dayRating, dayOutcome, dayTaken int64
			_ = h.DB.View(func(tx *store.Tx) error {
				rating, outcome = tx.Counter("cases_rating_5"), tx.Counter("cases_outcome_ost")
				// The admins' statistics read day counters.
				dayRating, dayOutcome = tx.SumDays("rating_5", h.Clock.Now(), 1), tx.SumDays("outcome_ost", h.Clock.Now(), 1)
				dayTaken = tx.SumDays("cases_taken", h.Clock.Now(), 1)
				return nil
			})
			if rating != 1 || outcome != 1 || dayRating != 1 || dayOutcome != 1 || dayTaken != 1 {
				t.Errorf("counters: rating_5=%d outcome_ost=%d, days %d %d taken %d; want 1 each", rating, outcome, dayRating, dayOutcome, dayTaken)
			}
			h.Clock.Add(3*24*time.Hour + time.Hour)
			h.RunJob("case-followups")
			if !p.HasButton("fu:" + k.Code + ":h") {
				t.Fatalf("no follow-up question: %q", p.Last().Text)
			}
			p.Press("fu:" + k.Code + ":h")
			k3 := d.loadCase(k.Code)
			if k3.State != store.CaseTaken || k3.Consultant != d.olena.U.ID || k3.Reopened != 1 {
				t.Errorf("'I need help' should reopen to the same consultant: %+v", k3)
			}
		})
	}
}

func reactionOn(h *handlerstest.Harness, chat int64, id int) string {
	for _, m := range h.API.Messages(chat) {
		if m.ID == id {
			return m.Reaction
		}
	}
	return ""
}

// TestConsult_PrivateWorkspace: with no consultants' group, cards go privately to the
// consultants on shift; the conversation happens in the consultant's private chat, every copy
// tagged with the case code. Two cases at once are routed by reply, by the active case and by
// /case; an unroutable message is sent nowhere and explained; a person who blocked the bot is
// reported; release with a note, transfer with accept, close with the copies deleted.
func TestConsult_PrivateWorkspace(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
	h := d.h
	anna := d.person(9201, "uk")
	boris := d.person(9202, "ru")
	anna.Press("ask:gen")
	ka := d.caseOf(anna)
	for _, c := range []*handlerstest.Person{d.olena, d.taras} {
		if !c.HasButton("ct:" + ka.Code) {
			t.Fatalf("consultant %d got no card", c.U.ID)
		}
	}
	d.olena.Press("ct:" + ka.Code)
	if got := d.taras.Last(); !strings.Contains(got.Text, "Olena") || len(got.Keyboard) != 0 {
		t.Errorf("Taras's card was not updated: %q", got.Text)
	}
	h.API.Press(d.taras.U, d.taras.Chat(), d.taras.Last().ID, "ct:"+ka.Code)
	h.Settle()
	if text, _ := d.lastAnswer(); !strings.Contains(text, "Olena") {
		t.Errorf("late Take: %q", text)
	}
	boris.PressOn(boris.Last().ID, "ask:art")
	kb := d.caseOf(boris)
	d.olena.Press("ct:" + kb.Code)

	// Anna writes: the copy reaches Olena tagged with Anna's code.
	h.API.SendText(anna.U, "from anna")
	h.Settle()
	copyA := d.olena.Last()
	if copyA.Text != "from anna" || len(copyA.Keyboard) == 0 || copyA.Keyboard[0][0].Data != "cs:"+ka.Code || !copyA.ProtectContent {
		t.Fatalf("copy in the consultant's chat: %+v", copyA)
	}
	// A reply goes to the replied message's case; a plain message to the active case (Boris's,
	// taken last); /case switches.
	h.API.SendTextReply(d.olena.U, fakeapi.Chat{}, copyA.ID, "reply to anna")
	h.API.SendText(d.olena.U, "to the active case")
	h.Settle()
	if anna.Last().Text != "reply to anna" || boris.Last().Text != "to the active case" {
		t.Fatalf("routing: anna got %q, boris got %q", anna.Last().Text, boris.Last().Text)
	}
	if anna.Last().ReplyTo == 0 {
		t.Error("a reply to a copy should reply to the person's original")
	}
	d.olena.Send("/case " + strings.ToLower(ka.Code))
	d.olena.Send("after switching")
	if anna.Last().Text != "after switching" {
		t.Errorf("/case did not switch: anna has %q", anna.Last().Text)
	}
	// Taras holds nothing: his messages are not for a case (the usual fallback answers).
	before := len(anna.Messages()) + len(boris.Messages())
	d.taras.Send("hello?")
	if len(anna.Messages())+len(boris.Messages()) != before {
		t.Error("a message from a consultant with no case reached a person")
	}
	// Blocked by the person: the consultant is told, the case marked unreachable.
	h.API.Block(boris.Chat())
	d.olena.Send("/case " + kb.Code)
	d.olena.Send("are you there?")
	if got := d.olena.Last().Text; !strings.Contains(got, kb.Code) || !strings.Contains(got, "⚠️") {
		t.Errorf("undelivered notice: %q", got)
	}
	if !d.loadCase(kb.Code).Unreachable {
		t.Error("case not marked unreachable")
	}
	h.API.Unblock(boris.Chat())

	// Release with a note, then Taras takes it; transfer back with accept.
	d.olena.Send("/release " + kb.Code + " call back tomorrow")
	if k := d.loadCase(kb.Code); k.State != store.CaseQueued || k.Previous != d.olena.U.ID {
		t.Fatalf("after release: %+v", k)
	}
	if got := d.taras.Last(); !strings.Contains(got.Text, "call back tomorrow") || !d.taras.HasButton("ct:"+kb.Code) {
		t.Errorf("Taras's new card with the note: %q", got.Text)
	}
	d.taras.Press("ct:" + kb.Code)
	d.taras.Send("/transfer Olena")
	d.olena.Press("cx:" + kb.Code + ":y")
	if k := d.loadCase(kb.Code); k.Consultant != d.olena.U.ID {
		t.Fatalf("after transfer: held by %d", k.Consultant)
	}
	if !strings.Contains(boris.Last().Text, "Olena") {
		t.Errorf("Boris not told who continues: %q", boris.Last().Text)
	}
	// Someone who is not a consultant cannot take or close.
	stranger := d.person(9299, "en")
	stranger.Send("/close " + ka.Code)
	if d.loadCase(ka.Code).State != store.CaseTaken {
		t.Error("a stranger closed a case")
	}

	// Close Anna's case: the copies in Olena's chat are deleted.
	d.olena.Send("/close " + ka.Code)
	d.olena.Press("co:" + ka.Code + ":info")
	d.olena.Press("cf:" + ka.Code + ":0")
	for _, m := range h.API.Messages(d.olena.U.ID) {
		if (m.Text == "from anna" || m.Text == "reply to anna") && !m.Deleted {
			t.Errorf("message %q still in the consultant's chat after close", m.Text)
		}
		if strings.Contains(m.Text, "("+ka.Code+")") && !m.Deleted {
			t.Errorf("the case's header is still in the consultant's chat after close: %q", m.Text)
		}
	}
	d.checkNothingIdentifies(anna, d.olena.U.ID, d.taras.U.ID)
	d.checkNothingIdentifies(boris, d.olena.U.ID, d.taras.U.ID)
}

func urgentWord(text string) bool { return strings.Contains(strings.ToLower(text), "overdose") }
func (d *desk) counter(name string) (n int64) {
	_ = d.h.DB.View(func(tx *store.Tx) error { n = tx.Counter(name); return nil })
	return n
}

// TestConsult_OutOfHoursUrgentAndEscalation: out of hours the person is told honestly when
// someone will answer and gets the overdose card at once, and the case still queues; an urgent
// word in a waiting case jumps the queue, shows the card and alerts everyone on shift; a case
// waiting longer than PEERLINE_ESCALATE alerts the group again, with the waiting time on the card.
func TestConsult_OutOfHoursUrgentAndEscalation(t *testing.T) {
	// The test clock starts on Monday 23.11.2026 at 12:00 UTC; the service opens on Sundays.
	hours, err := handlers.ParseHours("sun 09:00-10:00", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	d := newDesk(t, plainGroup, handlerstest.Options{Hours: hours, Escalate: 10 * time.Minute, Urgent: urgentWord})
	h := d.h
	first := d.person(9301, "en")
	first.Press("ask:gen")
	k1 := d.caseOf(first)
	msgs := first.Messages()
	if got := msgs[len(msgs)-2].Text; !strings.Contains(got, "29.11 09:00 UTC") { // with its time zone
		t.Errorf("out of hours: the next shift is not named: %q", got)
	}
	opioid, _ := h.Content.Card("opioid")
	if !strings.Contains(first.Last().Text, stripTags(opioid.Title.In("en"))) {
		t.Errorf("out of hours: no overdose card at once: %q", first.Last().Text)
	}
	second := d.person(9302, "uk")
	second.Press("ask:gen")
	k2 := d.caseOf(second)

	// The second person writes an urgent word: card, top of the queue, alert on shift.
	second.Send("my friend has an overdose")
	uk, _ := h.Content.Card("opioid")
	sm := second.Messages()
	if !strings.Contains(sm[len(sm)-2].Text+sm[len(sm)-1].Text, stripTags(uk.Title.In("uk"))) {
		t.Errorf("urgent word: no card for the person: %q", second.Last().Text)
	}
	if !d.loadCase(k2.Code).Urgent {
		t.Fatal("case not marked urgent")
	}
	if got := d.olena.Last().Text; !strings.Contains(got, k2.Code) || !strings.Contains(got, "🆘") {
		t.Errorf("on-shift alert: %q", got)
	}
	d.olena.Send("/next")
	if k := d.loadCase(k2.Code); k.State != store.CaseTaken {
		t.Errorf("Take next should pick the urgent case first: %+v", k)
	}
	if d.loadCase(k1.Code).State != store.CaseQueued {
		t.Error("the older case was taken instead")
	}

	// Escalation: the first case waits 10 minutes.
	h.Clock.Add(10 * time.Minute)
	h.RunJob("case-escalation")
	alert, _ := h.API.LastBotMessage(plainGroup.ID)
	if !strings.Contains(alert.Text, k1.Code) || !strings.Contains(alert.Text, "10") {
		t.Errorf("escalation alert: %q", alert.Text)
	}
	var card fakeapi.Message
	for _, m := range h.API.BotMessages(plainGroup.ID) {
		if strings.Contains(m.Text, k1.Code) && m.Edited > 0 {
			card = m
		}
	}
	if !strings.Contains(card.Text, "10") || len(card.Keyboard) == 0 {
		t.Errorf("the waiting card should show the live waiting time and keep Take: %+v", card)
	}
	h.RunJob("case-escalation")
	if n := d.counter("cases_escalated"); n != 1 {
		t.Errorf("a second run within the interval alerted again: %d alerts", n)
	}
	h.Clock.Add(10 * time.Minute)
	h.RunJob("case-escalation")
	if n := d.counter("cases_escalated"); n != 2 {
		t.Errorf("alerts after 20 min: %d, want 2", n)
	}
	d.checkNothingIdentifies(first, plainGroup.ID, d.olena.U.ID, d.taras.U.ID)
	d.checkNothingIdentifies(second, plainGroup.ID, d.olena.U.ID, d.taras.U.ID)
}

// TestConsult_ForgetDuringCase: /forget during an open case tells the consultant the person has
// left, and no record of the case is left — not even in the raw database file after compaction.
func TestConsult_ForgetDuringCase(t *testing.T) {
	d := newDesk(t, forum, handlerstest.Options{})
	h := d.h
	p := d.person(9401, "en")
	p.Press("ask:gen")
	k := d.caseOf(p)
	d.pressIn(d.olena.U, forum.ID, "ct:"+k.Code)
	p.Send("something private")
	h.API.SendTextInTopic(forum, d.loadCase(k.Code).Thread, d.olena.U, "an answer")
	h.Settle()
	p.Send("/forget")
	p.Press("fg:yes")
	found := false
	for _, m := range h.API.BotMessages(forum.ID) {
		if strings.Contains(m.Text, h.T("uk", "consult_person_left", map[string]any{"Code": k.Code})) {
			found = true
		}
	}
	if !found {
		t.Error("the consultant was not told the person has left")
	}
	for _, m := range h.API.Messages(p.Chat()) {
		if (m.Text == "something private" || m.Text == "an answer") && !m.Deleted {
			t.Errorf("%q is still in the person's chat after /forget", m.Text)
		}
	}
	_ = h.DB.View(func(tx *store.Tx) error {
		cs, _ := tx.Cases(nil)
		pairs, _ := tx.PairsOf(k.Code)
		if len(cs) != 0 || len(pairs) != 0 {
			t.Errorf("left after /forget: %d cases, %d message pairs", len(cs), len(pairs))
		}
		return nil
	})
	if _, _, err := h.DB.Compact(); err != nil {
		t.Fatal(err)
	}
	h.Stop()
	raw, err := os.ReadFile(h.DBPath())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{k.Code, "something private", "an answer", strconv.FormatInt(p.Chat(), 10)} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the raw database still contains %q", s)
		}
	}
}

// TestConsult_PlainGroup: a consultants' group without topics gets the cards; Take there moves
// the conversation to the consultant's private chat; someone in the group who is not a
// consultant is refused and nothing changes.
func TestConsult_PlainGroup(t *testing.T) {
	d := newDesk(t, plainGroup, handlerstest.Options{})
	h := d.h
	p := d.person(9501, "ru")
	p.Press("ask:gen")
	k := d.caseOf(p)
	card, _ := h.API.LastBotMessage(plainGroup.ID)
	if len(card.Keyboard) == 0 || card.Keyboard[0][0].Data != "ct:"+k.Code {
		t.Fatalf("card in the group: %+v", card)
	}
	outsider := fakeapi.User{ID: 777, FirstName: "Visitor"}
	h.API.Press(outsider, plainGroup.ID, card.ID, "ct:"+k.Code)
	h.Settle()
	if text, alert := d.lastAnswer(); !alert || text != h.T("uk", "consult_not_staff") {
		t.Errorf("outsider's Take: %q alert=%v", text, alert)
	}
	if d.loadCase(k.Code).State != store.CaseQueued {
		t.Fatal("an outsider's Take changed the case")
	}
	d.pressIn(d.taras.U, plainGroup.ID, "ct:"+k.Code)
	if len(h.API.Topics(plainGroup.ID)) != 0 {
		t.Error("topics in a plain group")
	}
	p.Send("hello")
	if got := d.taras.Last(); got.Text != "hello" || got.Keyboard[0][0].Data != "cs:"+k.Code {
		t.Fatalf("the conversation should be in Taras's private chat: %+v", got)
	}
	d.taras.Send("hi, I am here")
	if p.Last().Text != "hi, I am here" {
		t.Errorf("the person got %q", p.Last().Text)
	}
	if got, _ := h.API.LastBotMessage(plainGroup.ID); !strings.Contains(got.Text, "Taras") {
		t.Errorf("group card not updated: %q", got.Text)
	}
	d.checkNothingIdentifies(p, plainGroup.ID, d.olena.U.ID, d.taras.U.ID)
}

// TestConsult_RestartMidConversation: the bot stops while the person's messages are in flight;
// after the restart every message reaches the consultant once, in order.
func TestConsult_RestartMidConversation(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
	h := d.h
	p := d.person(9601, "en")
	p.Press("ask:gen")
	k := d.caseOf(p)
	d.olena.Press("ct:" + k.Code)
	for i := 1; i <= 5; i++ {
		h.API.SendText(p.U, "m"+strconv.Itoa(i))
	}
	h.Restart()
	h.Settle()
	var got []string
	for _, m := range d.olena.Messages() {
		if strings.HasPrefix(m.Text, "m") && len(m.Text) == 2 {
			got = append(got, m.Text)
		}
	}
	if strings.Join(got, ",") != "m1,m2,m3,m4,m5" {
		t.Errorf("after the restart the consultant has %v, want m1..m5 once each in order", got)
	}
}

// TestConsult_RetentionPurge: a closed case goes after the retention with its forum topic; an
// open one stays.
func TestConsult_RetentionPurge(t *testing.T) {
	d := newDesk(t, forum, handlerstest.Options{})
	h := d.h
	p := d.person(9701, "uk")
	p.Press("ask:gen")
	k := d.caseOf(p)
	d.pressIn(d.olena.U, forum.ID, "ct:"+k.Code)
	thread := d.loadCase(k.Code).Thread
	p.Send("/end")
	q := d.person(9702, "uk")
	q.Press("ask:gen")
	open := d.caseOf(q)
	h.Clock.Add(31 * 24 * time.Hour)
	h.RunJob("case-retention")
	if k2 := d.loadCase(k.Code); k2.Code != "" {
		t.Errorf("closed case still stored: %+v", k2)
	}
	if d.loadCase(open.Code).Code == "" {
		t.Error("an open case was purged")
	}
	for _, tp := range h.API.Topics(forum.ID) {
		if tp.ID == thread && !tp.Deleted {
			t.Error("the closed case's topic was not deleted")
		}
	}
}

// TestConsult_EntryPoints: the "Talk to a peer consultant" button shows where it can work — the
// main menu, membership, an open call's question — and nowhere while no consultant exists and no
// consultants' chat is configured.
func TestConsult_EntryPoints(t *testing.T) {
	t.Run("off", func(t *testing.T) {
		h := handlerstest.Start(t, handlerstest.Options{})
		d := &desk{t: t, h: h}
		p := d.person(9801, "en")
		if p.HasButton("ask:gen") {
			t.Error("the menu offers a consultant though none exists")
		}
		p.Press("mem")
		if p.HasButton("ask:mem") {
			t.Error("membership offers a consultant though none exists")
		}
	})
	t.Run("on", func(t *testing.T) {
		d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
		p := d.person(9802, "en")
		if !p.HasButton("ask:gen") {
			t.Error("no consultant button in the menu")
		}
		p.Press("mem")
		if !p.HasButton("ask:mem") {
			t.Error("no consultant button on the membership screen")
		}
		p.Press("ask:mem")
		if k := d.caseOf(p); k.Topic != "mem" {
			t.Errorf("case topic: got %q, want mem", k.Topic)
		}
	})
}

// TestConsult_BlockLocationAndConsultantAlbum: a location goes on only after the person
// confirms; the consultant's album reaches the person as an album; a blocked person is told
// politely, their later messages are dropped, and an admin lifts the block by case code; the
// person ends the conversation and the consultant still records the outcome.
func TestConsult_BlockLocationAndConsultantAlbum(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{Admins: []int64{600}})
	h := d.h
	p := d.person(9901, "en")
	p.Press("ask:gen")
	k := d.caseOf(p)
	d.olena.Press("ct:" + k.Code)

	// A location waits for the person's confirmation.
	h.API.SendLocation(p.U, 50.45, 30.52)
	h.Settle()
	if n := len(d.olena.Messages()); d.olena.Last().Location != "" {
		t.Fatalf("the location was relayed before the person confirmed (%d)", n)
	}
	if !p.HasButton("cl:y:" + k.Code) {
		t.Fatalf("no location confirmation: %q", p.Last().Text)
	}
	copiesBefore := len(h.API.CallsTo("copyMessage"))
	p.Press("cl:y:" + k.Code)
	if n := len(h.API.CallsTo("copyMessage")); n != copiesBefore+1 {
		t.Errorf("confirmed location: %d copies, want %d", n, copiesBefore+1)
	}

	// The consultant's album.
	h.API.SendAlbum(d.olena.U, 3, "")
	h.Settle()
	h.Clock.Add(2 * time.Second)
	h.RunJob("relay-albums")
	var album []fakeapi.Message
	for _, m := range p.Messages() {
		if m.MediaGroup != "" {
			album = append(album, m)
		}
	}
	if len(album) != 3 || album[0].MediaGroup != album[2].MediaGroup {
		t.Errorf("the person got %d album parts, want 3 in one album", len(album))
	}

	// The person ends; the consultant records the outcome afterwards.
	p.Send("/end")
	if d.loadCase(k.Code).State != store.CaseClosed {
		t.Fatal("/end did not close the case")
	}
	d.olena.Press("co:" + k.Code + ":info")
	if d.loadCase(k.Code).Outcome != "info" || d.counter("cases_outcome_info") != 1 {
		t.Errorf("outcome after the person ended: %q", d.loadCase(k.Code).Outcome)
	}

	// A second case, blocked for abuse.
	p.Press("ask:gen")
	k2 := d.caseOf(p)
	d.olena.Press("ct:" + k2.Code)
	d.olena.Send("/block")
	if got := p.Last().Text; got != h.T("en", "consult_blocked_person") {
		t.Errorf("the person's notice: %q", got)
	}
	before := len(d.olena.Messages())
	h.API.SendText(p.U, "abuse")
	h.Settle()
	if len(d.olena.Messages()) != before {
		t.Error("a blocked person's message reached the consultant")
	}
	p.PressOn(p.Last().ID, "ask:gen")
	if got := p.Last().Text; got != h.T("en", "consult_blocked_person") {
		t.Errorf("a blocked person asking again: %q", got)
	}
	d.olena.Send("/unblock " + k2.Code)
	if d.counter("cases_unblocked") != 0 {
		t.Error("a consultant lifted a block")
	}
	admin := h.Person(600, "en")
	admin.Send("/unblock " + strings.ToLower(k2.Code))
	if d.counter("cases_unblocked") != 1 {
		t.Fatalf("the admin could not lift the block: %q", admin.Last().Text)
	}
	var actions []string
	_ = h.DB.View(func(tx *store.Tx) error {
		latest, _ := tx.AuditLatest(10)
		for _, e := range latest {
			actions = append(actions, e.Action+" "+e.Detail)
		}
		return nil
	})
	if got := strings.Join(actions, ","); !strings.Contains(got, "case.unblock case "+k2.Code) || !strings.Contains(got, "case.block case "+k2.Code) {
		t.Errorf("audit %q, want the block and the unblock of %s", got, k2.Code)
	}
	p.PressOn(p.Last().ID, "ask:gen")
	if _, found, _ := caseOfPerson(h, p); !found {
		t.Error("after the block was lifted the person cannot ask again")
	}
}

func caseOfPerson(h *handlerstest.Harness, p *handlerstest.Person) (k store.Case, found bool, err error) {
	_ = h.DB.View(func(tx *store.Tx) error { k, found, err = tx.CaseOfPerson(p.Chat()); return nil })
	return
}

// TestConsult_PassOnTypedMessage: a sentence typed outside a form is offered to a consultant;
// only its id is kept, and it is copied when the case is taken.
func TestConsult_PassOnTypedMessage(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
	p := d.person(9951, "uk")
	typed := "Мені страшно, не знаю, куди звернутися"
	p.Send(typed)
	offer := ""
	for _, b := range p.Buttons() {
		if strings.HasPrefix(b.Data, "ask:msg:") {
			offer = b.Data
		}
	}
	if offer == "" {
		t.Fatalf("no offer to pass the message on: %+v", p.Buttons())
	}
	p.Press(offer)
	k := d.caseOf(p)
	if len(k.Pending) != 1 {
		t.Fatalf("pending: %v, want the typed message's id", k.Pending)
	}
	d.olena.Press("ct:" + k.Code)
	if got := d.olena.Last(); got.Text != typed || got.CopiedFrom == nil {
		t.Errorf("the consultant got %q, want a copy of the typed message", got.Text)
	}
}

// TestConsult_IntakeSummaryReachesTheCase: asking from a treatment result carries the intake's
// answer codes and coarse place to the consultants, and nothing the person typed.
func TestConsult_IntakeSummaryReachesTheCase(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
	p := d.person(9961, "en")
	p.Send("/menu")
	p.PressOn(p.Last().ID, "tr:start")
	for _, b := range []string{"tr:topic:ost", "tr:sit:keep", "tr:where:ua", "tr:reg:kyiv-city", "tr:from:volyn", "tr:med:methadone", "tr:doc:id", "tr:doc:done"} {
		p.Press(b)
	}
	var ask string
	for _, b := range p.Buttons() {
		if strings.HasPrefix(b.Data, "ask:") {
			ask = b.Data
		}
	}
	if ask != "ask:ost" {
		t.Fatalf("the OST result offers %q, want ask:ost; buttons %v", ask, p.Buttons())
	}
	p.Press(ask)
	k := d.caseOf(p)
	if k.Topic != "ost" || k.Place != "kyiv-city" || !slices.Contains(k.Summary, "medicine=methadone") || !slices.Contains(k.Summary, "from=volyn") {
		t.Errorf("case from a result: topic %q, place %q, summary %v; want ost, kyiv-city, the answer codes", k.Topic, k.Place, k.Summary)
	}
	for _, s := range k.Summary {
		if strings.ContainsAny(s, " <>&") {
			t.Errorf("summary item %q is not a code", s)
		}
	}
	// The consultant's card says it in words.
	card := d.olena.Last().Text
	for _, want := range []string{"Methadone", "Volyn", "Kyiv"} {
		if !strings.Contains(card, want) {
			t.Errorf("the card does not show %q: %q", want, card)
		}
	}
}

// TestConsult_RemovedConsultantsCasesReturnToTheQueue: /consultants shows open cases, and an
// admin removing a consultant sends their cases back to the queue (the staff layer's hook).
func TestConsult_RemovedConsultantsCasesReturnToTheQueue(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{Admins: []int64{600}})
	p := d.person(9971, "en")
	p.Press("ask:gen")
	k := d.caseOf(p)
	d.olena.Press("ct:" + k.Code)
	admin := d.h.Person(600, "en")
	admin.Send("/consultants")
	if !strings.Contains(admin.Last().Text, "Olena") {
		t.Fatalf("/consultants: %q", admin.Last().Text)
	}
	var rm string
	for _, b := range admin.Buttons() {
		if strings.Contains(b.Text, "Olena") {
			rm = b.Data
		}
	}
	admin.Press(rm)
	admin.Press(strings.Replace(rm, "stc:rm:", "stc:rmy:", 1))
	if got := d.loadCase(k.Code); got.State != store.CaseQueued || got.Consultant != 0 || got.Previous != d.olena.U.ID {
		t.Fatalf("after the removal: %+v, want back in the queue", got)
	}
	if !d.taras.HasButton("ct:" + k.Code) {
		t.Error("the consultant on shift got no card for the returned case")
	}
	if !strings.Contains(p.Last().Text, d.h.T("en", "consult_released_person", map[string]any{"Pos": 1})[:30]) {
		t.Errorf("the person was not told: %q", p.Last().Text)
	}
}

// TestConsult_FollowUpReopensToTheQueue: "I need help" at the follow-up goes back to the queue
// when the consultant who held the case is off shift; a person who declined is never asked.
func TestConsult_FollowUpReopensToTheQueue(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
	h := d.h
	closeWithFollowUp := func(p *handlerstest.Person, agree string) store.Case {
		p.Press("ask:gen")
		k := d.caseOf(p)
		d.olena.Press("ct:" + k.Code)
		d.olena.Send("/close " + k.Code)
		d.olena.Press("co:" + k.Code + ":hum")
		d.olena.Press("cf:" + k.Code + ":7")
		p.Press("cfa:" + k.Code + ":" + agree)
		return k
	}
	yes := d.person(9981, "ru")
	no := d.person(9982, "en")
	ky := closeWithFollowUp(yes, "y")
	closeWithFollowUp(no, "n")
	d.olena.Send("/off")
	h.Clock.Add(7*24*time.Hour + time.Hour)
	before := len(no.Messages())
	h.RunJob("case-followups")
	if len(no.Messages()) != before {
		t.Errorf("a person who declined the follow-up was asked: %q", no.Last().Text)
	}
	yes.Press("fu:" + ky.Code + ":h")
	if k := d.loadCase(ky.Code); k.State != store.CaseQueued || k.Reopened != 1 {
		t.Fatalf("after 'I need help' with the consultant off shift: %+v", k)
	}
	if !d.taras.HasButton("ct:" + ky.Code) {
		t.Error("the consultant on shift got no card for the reopened case")
	}
	h.RunJob("case-followups")
	if d.counter("cases_followup_asked") != 1 {
		t.Errorf("follow-ups asked: %d, want 1", d.counter("cases_followup_asked"))
	}
}

// TestConsult_CapacityAndDeclinedTransfer: a consultant at capacity cannot take more; a declined
// transfer leaves the case with its consultant.
func TestConsult_CapacityAndDeclinedTransfer(t *testing.T) {
	d := newDesk(t, fakeapi.Chat{}, handlerstest.Options{})
	_ = d.h.DB.Update(func(tx *store.Tx) error {
		s, _, _ := tx.Staff(d.olena.U.ID)
		s.Capacity = 1
		return tx.PutStaff(s)
	})
	a, b := d.person(9991, "en"), d.person(9992, "en")
	a.Press("ask:gen")
	b.Press("ask:gen")
	ka, kb := d.caseOf(a), d.caseOf(b)
	d.olena.Press("ct:" + ka.Code)
	d.olena.Press("ct:" + kb.Code)
	if text, alert := d.lastAnswer(); !alert || text != d.h.T("en", "consult_full", map[string]any{"N": 1}) {
		t.Errorf("over capacity: %q alert=%v", text, alert)
	}
	if d.loadCase(kb.Code).State != store.CaseQueued {
		t.Error("a consultant at capacity took another case")
	}
	d.olena.Send("/transfer Taras")
	d.taras.Press("cx:" + ka.Code + ":n")
	if k := d.loadCase(ka.Code); k.Consultant != d.olena.U.ID || k.Offer != 0 {
		t.Errorf("after a declined transfer: %+v", k)
	}
	if !strings.Contains(d.olena.Last().Text, "Taras") {
		t.Errorf("Olena not told of the decline: %q", d.olena.Last().Text)
	}
	// An offer cannot be accepted by someone else.
	d.olena.Send("/transfer Taras")
	d.h.API.Press(d.olena.U, d.taras.Chat(), d.taras.Last().ID, "cx:"+ka.Code+":y")
	d.h.Settle()
	if d.loadCase(ka.Code).Consultant != d.olena.U.ID {
		t.Error("a press by someone other than the offered consultant moved the case")
	}
}
