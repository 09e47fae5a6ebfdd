package handlers_test

import (
	"bytes"
	"encoding/binary"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/handlers/handlerstest"
	"github.com/ehra/peerline/store"
)

type logSink struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logSink) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Write(p) }
func (l *logSink) String() string              { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// applyForMembership fills and sends the membership form with the given typed answers.
func applyForMembership(p *handlerstest.Person, name, email, motivation string) {
	p.Press("mem")
	p.Press("ma:start")
	p.Press("ma:type:person")
	p.Press("ma:country:UA")
	p.Send(name)
	p.Send(email)
	p.Press("ma:langs:both")
	p.Send(motivation)
	p.Press("ma:agree")
	p.Press("ma:send")
}

// TestCanariesLeaveNoTraceInTheDatabaseFile writes canary values through the real flows — a chat
// id, a username, typed text, form answers — then erases one person with /forget, lets
// retention purge another and a half-filled form, compacts, and searches the raw database file
// for the canaries in every form: decimal text, 8-byte integers (both byte orders), UTF-8.
func TestCanariesLeaveNoTraceInTheDatabaseFile(t *testing.T) {
	h := startWithSecretariat(t)
	const (
		forgetter = int64(917263548)
		leaver    = int64(928374655)
		abandoner = int64(939485766)
		stayer    = int64(941526377)
	)
	canaries := []string{"canary_user_xq", "Canary-First-Qwerty", "canary typed text zebra", "Canary Applicant Name", "canary.applicant@example.org", "canary motivation: I want to help my peers", "Canary Half Form"}

	p := h.Person(forgetter, "en")
	p.U.Username, p.U.FirstName = canaries[0], canaries[1]
	onboard(p, "en")
	p.Send(canaries[2])
	p.Press("set")
	p.Press("sm:1h") // safe mode: message ids and times in the store
	applyForMembership(p, canaries[3], canaries[4], canaries[5])
	p.Send("/forget")
	p.Press("fg:yes")

	q := h.Person(leaver, "uk") // inactive for longer than the retention: purged
	onboard(q, "uk")
	r := h.Person(abandoner, "ru") // leaves a form half-filled: its answers purged
	onboard(r, "ru")
	r.Press("mem")
	r.Press("ma:start")
	r.Press("ma:type:person")
	r.Press("ma:country:UA")
	r.Send(canaries[6])

	h.Clock.Add(100 * 24 * time.Hour)
	// Someone the bot still knows: their records stay, under a keyed hash, never the raw id.
	s := h.Person(stayer, "en")
	onboard(s, "en")
	s.Press("set")
	s.Press("sm:24h")
	s.Send("/overdose")
	h.RunJob("safe-mode")
	h.RunJob("retention") // purges and compacts
	h.Settle()

	raw, err := os.ReadFile(h.DBPath())
	if err != nil {
		t.Fatal(err)
	}
	// The erased people: not even their keyed hash is left, in a live record or a free page.
	for _, id := range []int64{forgetter, leaver, abandoner} {
		if got, err := h.DB.FileTraces(id); err != nil || len(got) != 0 {
			t.Errorf("chat id %d: the database file still holds %v (%v)", id, got, err)
		}
	}
	// The person still known: records under the keyed hash, the raw id nowhere.
	known := tracesOf(t, h, stayer)
	if len(known) == 0 {
		t.Error("the audit finds no record of a person the bot knows")
	}
	for _, tr := range known {
		if tr.Raw() {
			t.Errorf("chat id %d stored raw: %v", stayer, tr)
		}
	}
	for _, id := range []int64{forgetter, leaver, abandoner, stayer} {
		be := make([]byte, 8)
		le := make([]byte, 8)
		binary.BigEndian.PutUint64(be, uint64(id))
		binary.LittleEndian.PutUint64(le, uint64(id))
		for name, form := range map[string][]byte{"decimal": []byte(strconv.FormatInt(id, 10)), "big-endian": be, "little-endian": le} {
			if bytes.Contains(raw, form) {
				t.Errorf("chat id %d found in the database file as %s", id, name)
			}
		}
	}
	for _, c := range canaries {
		if bytes.Contains(raw, []byte(c)) {
			t.Errorf("canary %q found in the database file", c)
		}
	}
	_ = h.DB.View(func(tx *store.Tx) error {
		if n := tx.UserCount(); n != 1 {
			t.Errorf("people still known: got %d, want 1", n)
		}
		if tx.Counter("membership_applications") != 1 {
			t.Error("aggregate counters were not kept")
		}
		return nil
	})
}

// TestLogsCarryNoSecrets runs the flows with canary token, ids, names and texts and finds none
// of them in any log line.
func TestLogsCarryNoSecrets(t *testing.T) {
	logs := &logSink{}
	h := handlerstest.Start(t, handlerstest.Options{ConsultantsChat: secretariat, Log: logs})
	h.API.RegisterChat(fakeapi.Chat{ID: secretariat, Type: "supergroup", Title: "consultants"})
	const id = int64(946372819)
	p := h.Person(id, "uk")
	p.U.Username, p.U.FirstName = "canary_log_user", "CanaryLogName"
	onboard(p, "uk")
	p.Send("canary log text Житомир")
	p.Send("/overdose")
	for _, section := range []string{"nps", "cmb", "calls", "about"} {
		p.Send("/menu")
		p.Press(section)
	}
	p.Send("/settings")
	p.Press("sm:24h")
	applyForMembership(p, "Canary Log Applicant", "canary.log@example.org", "canary log motivation text")
	p.SendPhoto("canary caption")
	p.Send("/wipe")
	p.Send("/forget")
	p.Press("fg:yes")
	h.Clock.Add(25 * time.Hour)
	h.RunJob("safe-mode")
	h.RunJob("retention")
	if n := len(h.API.CallsTo("forwardMessage")); n != 0 {
		t.Errorf("the bot called forwardMessage %d times; relays must use copyMessage", n)
	}
	out := logs.String()
	if !strings.Contains(out, "route=") {
		t.Fatalf("no log lines captured:\n%s", out)
	}
	for _, secret := range []string{handlerstest.Token, strings.SplitN(handlerstest.Token, ":", 2)[1], strconv.FormatInt(id, 10),
		"canary_log_user", "CanaryLogName", "canary log text", "Житомир", "Canary Log Applicant", "canary.log@example.org", "canary log motivation", "canary caption"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q appears in the logs", secret)
		}
	}
}

func TestSafeModeDeletesBothSidesEvenAfterARestart(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	p := h.Person(4001, "en")
	onboard(p, "en")
	p.Press("set")
	p.Press("sm:1h")
	p.Send("a private question")
	var mine []fakeapi.Message
	for _, m := range h.API.Messages(p.Chat()) {
		if !m.FromBot && m.Text == "a private question" {
			mine = append(mine, m)
		}
	}
	if len(mine) != 1 {
		t.Fatalf("the question is not in the chat")
	}
	answer := p.Last()
	h.Restart() // the schedule lives in the store
	h.Clock.Add(30 * time.Minute)
	h.RunJob("safe-mode")
	if gone(h, p.Chat(), mine[0].ID) || gone(h, p.Chat(), answer.ID) {
		t.Fatal("deleted before the hour passed")
	}
	h.Clock.Add(31 * time.Minute)
	h.RunJob("safe-mode")
	if !gone(h, p.Chat(), mine[0].ID) {
		t.Error("the person's message was not deleted after an hour")
	}
	if !gone(h, p.Chat(), answer.ID) {
		t.Error("the bot's answer was not deleted after an hour")
	}
	_ = h.DB.View(func(tx *store.Tx) error {
		if n := tx.TrailLen(); n != 0 {
			t.Errorf("%d deletions still scheduled", n)
		}
		return nil
	})
	// Off: nothing new is scheduled.
	p.Send("/settings")
	p.Press("sm:off")
	p.Send("not secret")
	h.Clock.Add(2 * time.Hour)
	h.RunJob("safe-mode")
	if gone(h, p.Chat(), p.Last().ID) {
		t.Error("with safe mode off a message was deleted")
	}
}

func gone(h *handlerstest.Harness, chat int64, id int) bool {
	for _, m := range h.API.Messages(chat) {
		if m.ID == id {
			return m.Deleted
		}
	}
	return true
}

func TestWipeDeletesTheConversationNow(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	p := h.Person(4002, "ru")
	onboard(p, "ru")
	p.Send("something I regret")
	p.Send("/overdose")
	before := h.API.Messages(p.Chat())
	p.Send("/wipe")
	for _, m := range h.API.Messages(p.Chat()) {
		old := false
		for _, b := range before {
			old = old || b.ID == m.ID
		}
		if old && !m.Deleted {
			t.Errorf("message %d (%q) not deleted", m.ID, m.Text)
		}
	}
	if p.Last().HTML != h.T("ru", "wipe_done") {
		t.Errorf("no confirmation: %q", p.Last().Text)
	}
}

func TestFloodGetsOneCalmAnswerAndOthersAreServed(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{Flood: bot.FloodLimit()})
	flooder := h.Person(4003, "en")
	other := h.Person(4004, "en")
	for i := 0; i < 40; i++ {
		h.API.SendText(flooder.U, "/help")
	}
	other.Send("/start")
	h.Settle()
	slow := 0
	helps := 0
	for _, m := range flooder.Messages() {
		switch m.HTML {
		case h.T("en", "slow_down"):
			slow++
		case h.T("en", "help_text"):
			helps++
		}
	}
	if slow != 1 {
		t.Errorf("slow-down notices: got %d, want 1", slow)
	}
	if helps < 20 || helps >= 40 {
		t.Errorf("answers to the flood: got %d, want the burst (≈20) and the rest dropped", helps)
	}
	if !other.HasButton("lang:en") {
		t.Error("another person was not served during the flood")
	}
}

func TestBotLeavesForeignGroupsAndStaysInTheConsultants(t *testing.T) {
	h := startWithSecretariat(t)
	admin := fakeapi.User{ID: 5, FirstName: "a"}
	foreign := fakeapi.Chat{ID: -100999, Type: "supergroup", Title: "random"}
	h.API.AddBotToChat(foreign, admin)
	h.API.AddBotToChat(fakeapi.Chat{ID: secretariat, Type: "supergroup", Title: "consultants"}, admin)
	h.Settle()
	left := h.API.CallsTo("leaveChat")
	if len(left) != 1 || left[0].ChatID != foreign.ID {
		t.Fatalf("leaveChat calls: %+v", left)
	}
}

func TestUnsupportedMessageGetsAClearAnswer(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	p := h.Person(4005, "uk")
	onboard(p, "uk")
	p.SendPhoto("")
	if p.Last().HTML != h.T("uk", "unsupported_message") {
		t.Fatalf("photo: %q", p.Last().Text)
	}
	long := strings.Repeat("дуже довгий текст ", 300)
	p.Press("mem")
	p.Press("ma:start")
	p.Press("ma:type:person")
	p.Press("ma:country:UA")
	p.Send(long)
	if !p.Sees(stripTags(h.T("uk", "mem_bad_name"))) {
		t.Error("an oversized answer was not refused clearly")
	}
}

func TestPrivacyPromiseNamesTheRetention(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	p := h.Person(4006, "en")
	onboard(p, "en")
	p.Send("/privacy")
	got := p.Last().Text
	for _, want := range []string{"90 days", "7 days", "end-to-end", "/forget", "/wipe"} {
		if !strings.Contains(got, want) {
			t.Errorf("privacy promise lacks %q", want)
		}
	}
}

// tracesOf lists every record in the store still tied to chat (all buckets: keyed hashes, raw
// ids, sealed fields — refs and trail entries included).
func tracesOf(t *testing.T, h *handlerstest.Harness, chat int64) []store.Trace {
	t.Helper()
	var out []store.Trace
	if err := h.DB.View(func(tx *store.Tx) error {
		var err error
		out, err = tx.Traces(chat)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestForgetWithSafeModeLeavesNothing: with safe mode on, /forget deletes every message of the
// conversation since safe mode was turned on — a canary text, the bot's answers, the
// confirmation prompt — instead of cancelling their scheduled deletions, and once everything is sent the store holds
// nothing tied to the chat: no profile, no conversation, no trail entry for the prompt or the
// "done" message, no ref, no queued call.
func TestForgetWithSafeModeLeavesNothing(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	const chat = int64(953172864)
	p := h.Person(chat, "en")
	onboard(p, "en")
	p.Press("set")
	settings := p.Last().ID
	p.Press("sm:1h")
	p.Send("canary text: Vinnytsia, Thursday")
	p.Send("/overdose")
	p.Send("/forget")
	p.Press("fg:yes")
	h.Settle()

	msgs := h.API.Messages(chat)
	last := msgs[len(msgs)-1]
	if !last.FromBot || last.HTML != h.T("en", "forget_done") || last.Deleted {
		t.Fatalf("the last message: got %+v, want the visible \"done\" message", last)
	}
	for _, m := range msgs[:len(msgs)-1] {
		if m.ID >= settings && !m.Deleted {
			t.Errorf("message %d (from bot: %v, %q) is still in the chat", m.ID, m.FromBot, m.Text)
		}
		if strings.Contains(m.Text, "canary") && !m.Deleted {
			t.Errorf("the canary text is still in the chat")
		}
	}
	if got := tracesOf(t, h, chat); len(got) != 0 {
		t.Errorf("records still tied to the chat after /forget: %v", got)
	}
	_ = h.DB.View(func(tx *store.Tx) error {
		if n := tx.TrailLen(); n != 0 {
			t.Errorf("%d deletions still scheduled", n)
		}
		if n := tx.OutboxLen(); n != 0 {
			t.Errorf("%d calls still queued", n)
		}
		return nil
	})
}

// TestForgetDeletesRecordedMessagesAndKeepsTheRest: with safe mode off, /forget deletes the
// messages whose ids the store recorded (message refs) and nothing else, takes the buttons off
// the prompt, and leaves no record.
func TestForgetDeletesRecordedMessagesAndKeepsTheRest(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	const chat = int64(964283975)
	p := h.Person(chat, "uk")
	onboard(p, "uk")
	p.Send("/overdose")
	card := p.Last()
	if err := h.DB.Update(func(tx *store.Tx) error {
		return tx.SetRef("test:card", store.MessageRef{ChatID: chat, MessageID: card.ID})
	}); err != nil {
		t.Fatal(err)
	}
	p.Send("not recorded anywhere")
	p.Send("/forget")
	prompt := p.Last()
	p.Press("fg:yes")

	for _, m := range h.API.Messages(chat) {
		switch {
		case m.ID == card.ID && !m.Deleted:
			t.Error("the message recorded as a ref is still in the chat")
		case m.ID != card.ID && m.Deleted:
			t.Errorf("message %d (%q) was deleted although the store did not record it", m.ID, m.Text)
		case m.ID == prompt.ID && len(m.Keyboard) != 0:
			t.Error("the prompt kept its buttons")
		}
	}
	if p.Last().HTML != h.T("uk", "forget_done") {
		t.Errorf("last message: got %q, want the \"done\" message", p.Last().Text)
	}
	if got := tracesOf(t, h, chat); len(got) != 0 {
		t.Errorf("records still tied to the chat after /forget: %v", got)
	}
}
