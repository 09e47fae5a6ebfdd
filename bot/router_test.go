package bot

import (
	"errors"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func timeNow() time.Time { return time.Unix(1_800_000_000, 0) }

func msgUpdate(chatType, text string) *tgbotapi.Update {
	return &tgbotapi.Update{UpdateID: 1, Message: &tgbotapi.Message{
		MessageID: 1, Text: text, Chat: &tgbotapi.Chat{ID: 10, Type: chatType}, From: &tgbotapi.User{ID: 10},
	}}
}

func cbUpdate(data string) *tgbotapi.Update {
	return &tgbotapi.Update{UpdateID: 1, CallbackQuery: &tgbotapi.CallbackQuery{
		ID: "q", Data: data, From: &tgbotapi.User{ID: 10},
		Message: &tgbotapi.Message{MessageID: 7, Date: 1_800_000_000, Chat: &tgbotapi.Chat{ID: 10, Type: "private"}},
	}}
}

// cbGoneUpdate is a press on a message the bot can no longer reach (an InaccessibleMessage).
func cbGoneUpdate(data string) *tgbotapi.Update {
	u := cbUpdate(data)
	u.CallbackQuery.Message.Date = 0
	return u
}

func TestRouter(t *testing.T) {
	const (
		stA State = "a"
		stB State = "b"
	)
	named := func(name string) HandlerFunc {
		return func(c *Ctx) (Next, error) { c.Args = name + "|" + c.Args; return Stay(), nil }
	}
	r := NewRouter()
	r.Command("start", named("start"))
	r.Callback("m:", named("m"))
	r.Callback("m:back", named("mback"))
	r.Callback("x:ok", named("xok"), stA)
	r.Text("sos", "🆘 SOS", named("sos"))
	r.State(stA, named("stateA"))
	r.Fallback(named("fallback"))
	r.Stale(named("stale"))

	for _, tc := range []struct {
		name  string
		u     *tgbotapi.Update
		state State
		route string
	}{
		{"Command", msgUpdate("private", "/start"), "", "cmd:start"},
		{"CommandFromAnyState", msgUpdate("private", "/start x"), stA, "cmd:start"},
		{"CommandForUsInGroup", msgUpdate("group", "/start@PeerBot"), "", "cmd:start"},
		{"CommandForAnotherBot", msgUpdate("group", "/start@OtherBot"), "", "fallback"},
		{"UnknownCommand", msgUpdate("private", "/nope"), "", "cmd:unknown"},
		{"ExactTextFromAnyState", msgUpdate("private", "🆘 SOS"), stA, "text:sos"},
		{"TextByState", msgUpdate("private", "hello"), stA, "state:a"},
		{"TextWithoutState", msgUpdate("private", "hello"), stB, "fallback"},
		{"CallbackPrefix", cbUpdate("m:open"), "", "cb:m"},
		{"LongestPrefixWins", cbUpdate("m:back"), "", "cb:m:back"},
		{"CallbackInItsState", cbUpdate("x:ok"), stA, "cb:x:ok"},
		{"CallbackInAnotherStateIsStale", cbUpdate("x:ok"), stB, "cb:stale"},
		{"UnknownCallbackIsStale", cbUpdate("zzz"), "", "cb:unknown"},
		{"CallbackOnAGoneMessageIsStale", cbGoneUpdate("m:open"), "", "cb:gone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCtx(t.Context(), tc.u, BotInfo{Username: "peerbot"}, timeNow())
			c.Conv = tc.state
			if _, err := r.Handle(c); err != nil {
				t.Fatal(err)
			}
			if c.Route != tc.route {
				t.Errorf("route: got %q, want %q", c.Route, tc.route)
			}
		})
	}
}

func TestParseCommandArgs(t *testing.T) {
	c := newCtx(t.Context(), msgUpdate("private", "/Start overdose"), BotInfo{Username: "b"}, timeNow())
	if c.Command != "start" || c.Args != "overdose" {
		t.Fatalf("got %q %q", c.Command, c.Args)
	}
}

func TestRecoverTurnsPanicIntoError(t *testing.T) {
	r := NewRouter()
	r.Use(Recover())
	r.Command("boom", func(c *Ctx) (Next, error) { panic("boom") })
	c := newCtx(t.Context(), msgUpdate("private", "/boom"), BotInfo{}, timeNow())
	_, err := r.Handle(c)
	var pe *PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("got %v, want a PanicError", err)
	}
}

func TestNextIsAValue(t *testing.T) {
	if got := Goto("x").State("a"); got != "x" {
		t.Errorf("Goto: got %q", got)
	}
	if got := Stay().State("a"); got != "a" {
		t.Errorf("Stay: got %q", got)
	}
	if got := End().State("a"); got != "" || !End().Ends() {
		t.Errorf("End: got %q", got)
	}
}
