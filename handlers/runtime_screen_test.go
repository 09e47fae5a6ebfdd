package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/handlers/handlerstest"
)

// TestScreen_QuickSecondMessageWhileTheNewScreenIsOnItsWay: a typed answer moves a form to its
// next question (a new message, the new live screen); the person types again before Telegram has
// accepted that message, so its id is not recorded yet. The second message must get its own
// visible answer below, the question before it must not be edited (it is not the live screen),
// and only the newest message may keep live buttons.
func TestScreen_QuickSecondMessageWhileTheNewScreenIsOnItsWay(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	p := h.Person(7301, "uk")
	onboard(p, "uk")
	p.Press("tr:start")
	topic := p.Last() // the topic question, shown by editing the menu
	if !p.HasButton("tr:topic:ost") {
		t.Fatalf("not at the topic question: %q", topic.Text)
	}

	// The next question's sendMessage is slow; the second text is handled while it is under way.
	h.API.FailNext("sendMessage", 1, fakeapi.Fault{Delay: 3 * time.Second})
	handled := h.Bot.Metrics().UpdatesHandled.Load()
	sent := len(h.API.CallsTo("sendMessage"))
	h.API.SendText(p.U, "метадон") // the topic typed: on to the situation question
	h.API.SendText(p.U, "просто текст")
	h.API.WaitFor(10*time.Second, func() bool { return h.Bot.Metrics().UpdatesHandled.Load() >= handled+2 })
	if len(h.API.CallsTo("sendMessage")) != sent {
		t.Fatal("precondition: the next question was delivered before the second text was handled")
	}
	if h.Bot.Metrics().UpdatesHandled.Load() < handled+2 {
		t.Fatal("precondition: the second text was not handled")
	}
	h.Settle()

	msgs := p.Messages()
	notice := h.T("uk", "form_use_buttons")
	var situation, noticeAt = -1, -1
	live := 0
	for i, m := range msgs {
		if situation < 0 && m.ID > topic.ID {
			situation = i // the first message after the topic question: the situation question
		}
		if strings.Contains(m.HTML, notice) {
			noticeAt = i
		}
		if len(m.Keyboard) > 0 {
			live++
		}
		if m.ID == topic.ID && strings.Contains(m.HTML, notice) {
			t.Errorf("the topic question above was edited with the notice: %q", m.Text)
		}
	}
	if noticeAt < 0 || noticeAt <= situation {
		t.Errorf("the second text's answer is not below the situation question (notice at %d, question at %d of %d)", noticeAt, situation, len(msgs))
	}
	if last := msgs[len(msgs)-1]; !msgHasData(last, "tr:sit:keep") {
		t.Errorf("the newest message is not the live situation question: %q", last.Text)
	}
	if live != 1 {
		for _, m := range msgs {
			if len(m.Keyboard) > 0 {
				t.Logf("live: %d %.60q", m.ID, m.Text)
			}
		}
		t.Errorf("%d messages have live buttons, want 1 (the newest)", live)
	}
}

func msgHasData(m fakeapi.Message, data string) bool {
	for _, row := range m.Keyboard {
		for _, b := range row {
			if b.Data == data {
				return true
			}
		}
	}
	return false
}
