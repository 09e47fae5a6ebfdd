// Package handlerstest runs the real bot — router, handlers, store, locales, outbox — against the
// fake Bot API, so tests can play people pressing buttons and read what the bot answered.
package handlerstest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/content"
	"github.com/ehra/peerline/handlers"
	"github.com/ehra/peerline/locales"
	"github.com/ehra/peerline/store"
)

// Token is the token the harness's bot and fake agree on.
const Token = "123456789:TEST-token-abcdefghijklmnopqrstuvwxyz"

// Options change the harness.
type Options struct {
	Admins          []int64
	ConsultantsChat int64
	Limits          bool // keep to (and have the fake enforce) Telegram's limits
	Content         *content.Content
	Start           time.Time // the clock's start (default 2026-11-23 12:00 UTC)
	// Log receives the bot's and the handlers' log lines (debug level); default: discarded.
	Log io.Writer
	// Retention overrides the defaults.
	Retention handlers.Retention
	// Flood is the per-person limit; zero means none (tests press faster than people).
	Flood bot.Rate
	// Channels are the post channels (language or "*" → chat_id), as PEERLINE_CHANNELS.
	Channels map[string]string
	// TZ is the schedules' time zone (default Europe/Kyiv).
	TZ *time.Location
	// Hours are the consultants' service hours (zero: always open).
	Hours handlers.Hours
}

// Clock is a settable clock for handlers.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Set moves the clock.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// Add moves the clock forward.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// Harness is a running bot with its fake API.
type Harness struct {
	tb     testing.TB
	opt    Options
	dbPath string
	// contentDir is the data folder's content directory (directory imports from the bot).
	contentDir string
	key        []byte
	API        *fakeapi.Server
	DB         *store.DB
	Bot        *bot.Bot
	App        *handlers.App
	Loc        *locales.Catalog
	Content    *content.Content
	Clock      *Clock
	cancel     context.CancelFunc
	done       chan error
}

// Start starts a bot for the test; it stops when the test ends.
func Start(tb testing.TB, opt Options) *Harness {
	tb.Helper()
	if opt.Start.IsZero() {
		opt.Start = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	}
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	h := &Harness{tb: tb, opt: opt, Clock: &Clock{now: opt.Start}}
	h.API = fakeapi.New(fakeapi.Options{Token: Token, Limits: opt.Limits, Now: h.Clock.Now})
	tb.Cleanup(h.API.Close)
	h.dbPath = filepath.Join(tb.TempDir(), "peerline.db")
	h.contentDir = filepath.Join(tb.TempDir(), "content")
	h.key = store.NewKey()
	h.Content = opt.Content
	if h.Content == nil {
		h.Content = content.MustLoad()
	}
	h.Loc = locales.MustLoad()
	h.start()
	tb.Cleanup(h.Stop)
	return h
}

// start opens the store and runs a bot on it.
func (h *Harness) start() {
	h.tb.Helper()
	db, err := store.Open(h.dbPath, store.Options{Key: h.key, NoSync: true})
	if err != nil {
		h.tb.Fatalf("open store: %v", err)
	}
	h.DB = db
	log := slog.New(slog.NewTextHandler(h.opt.Log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.App = handlers.New(handlers.Deps{Content: h.Content, Locales: h.Loc, Admins: h.opt.Admins,
		ConsultantsChat: h.opt.ConsultantsChat, Retention: h.opt.Retention, Log: log, Hours: h.opt.Hours,
		PostChannels: h.opt.Channels, TZ: h.opt.TZ, ContentDir: h.contentDir})
	limits := bot.TelegramLimits()
	limits.Off = !h.opt.Limits
	h.Bot = bot.New(bot.Config{
		Token: Token, APIURL: h.API.URL(), Limits: limits, Now: h.Clock.Now,
		PollTimeout: 2 * time.Second, DrainTimeout: time.Second, Log: log,
		Commands: h.App.Commands(), OnParked: h.App.OnParked, OnFlood: h.App.OnFlood, OnStart: h.App.OnStart,
		Flood: h.opt.Flood, NoFloodLimit: h.opt.Flood == (bot.Rate{}),
	}, db, h.App.Router())
	h.App.SetRuntime(h.Bot)
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.done = make(chan error, 1)
	go func() { h.done <- h.Bot.Run(ctx) }()
	select {
	case <-h.Bot.Ready():
	case err := <-h.done:
		h.tb.Fatalf("bot stopped at start: %v", err)
	case <-time.After(10 * time.Second):
		h.tb.Fatal("bot did not start")
	}
	h.Settle()
}

// Restart stops the bot, closes the store, and starts a new bot on the same data and fake API,
// as a process restart would.
func (h *Harness) Restart() {
	h.tb.Helper()
	h.Stop()
	h.start()
}

// DBPath is the database file, for tests that read it raw.
func (h *Harness) DBPath() string { return h.dbPath }

// RunJob runs the named scheduled job now.
func (h *Harness) RunJob(name string) {
	h.tb.Helper()
	for _, j := range h.App.Jobs(h.Bot, h.DB) {
		if j.Name == name {
			if err := j.Run(context.Background(), h.Clock.Now()); err != nil {
				h.tb.Fatalf("job %s: %v", name, err)
			}
			h.Settle()
			return
		}
	}
	h.tb.Fatalf("no job %q", name)
}

// Stop stops the bot and closes the store (idempotent).
func (h *Harness) Stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	h.App.WaitBackground()
	select {
	case err := <-h.done:
		if err != nil {
			h.tb.Errorf("bot stopped with %v", err)
		}
	case <-time.After(15 * time.Second):
		h.tb.Error("bot did not stop within 15 s")
	}
	h.DB.Close()
}

// Settle waits until every update sent to the bot is handled and everything the bot decided to
// send has been sent.
func (h *Harness) Settle() {
	h.tb.Helper()
	ok := h.API.WaitFor(10*time.Second, func() bool { return h.API.Pending() == 0 && h.Bot.Idle() })
	if !ok {
		h.tb.Fatalf("bot did not settle: %d updates pending, idle=%v", h.API.Pending(), h.Bot.Idle())
	}
}

// Person is someone writing to the bot in a private chat.
type Person struct {
	h *Harness
	U fakeapi.User
}

// Person returns a person with Telegram id id and Telegram language code lang.
func (h *Harness) Person(id int64, lang string) *Person {
	return &Person{h: h, U: fakeapi.User{ID: id, FirstName: fmt.Sprintf("P%d", id), LanguageCode: lang}}
}

// Chat is the person's private chat id.
func (p *Person) Chat() int64 { return p.U.ID }

// Send writes text to the bot and waits for it to answer.
func (p *Person) Send(text string) {
	p.h.tb.Helper()
	p.h.API.SendText(p.U, text)
	p.h.Settle()
}

// SendPhoto sends a photo with a caption and waits for the answer.
func (p *Person) SendPhoto(caption string) {
	p.h.tb.Helper()
	p.h.API.SendPhoto(p.U, caption)
	p.h.Settle()
}

// Press presses the button with callback data on the newest bot message that has it.
func (p *Person) Press(data string) {
	p.h.tb.Helper()
	msgs := p.h.API.BotMessages(p.Chat())
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Keyboard {
			for _, b := range row {
				if b.Data == data {
					p.h.API.Press(p.U, p.Chat(), msgs[i].ID, data)
					p.h.Settle()
					return
				}
			}
		}
	}
	p.h.tb.Fatalf("no button with data %q in the chat; last message: %q", data, p.Last().Text)
}

// PressOn presses data on a given message, even if it no longer shows that button (stale).
func (p *Person) PressOn(messageID int, data string) {
	p.h.tb.Helper()
	p.h.API.Press(p.U, p.Chat(), messageID, data)
	p.h.Settle()
}

// Last is the newest bot message in the chat.
func (p *Person) Last() fakeapi.Message {
	m, _ := p.h.API.LastBotMessage(p.Chat())
	return m
}

// Messages are the bot's messages in the chat, oldest first (with edits applied).
func (p *Person) Messages() []fakeapi.Message { return p.h.API.BotMessages(p.Chat()) }

// Buttons lists the newest keyboard's buttons as "text → data".
func (p *Person) Buttons() []fakeapi.Button {
	msgs := p.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if len(msgs[i].Keyboard) > 0 {
			var out []fakeapi.Button
			for _, row := range msgs[i].Keyboard {
				out = append(out, row...)
			}
			return out
		}
	}
	return nil
}

// HasButton reports whether the newest keyboard has a button with data.
func (p *Person) HasButton(data string) bool {
	for _, b := range p.Buttons() {
		if b.Data == data {
			return true
		}
	}
	return false
}

// Sees reports whether any of the bot's messages in the chat contains s.
func (p *Person) Sees(s string) bool {
	for _, m := range p.Messages() {
		if strings.Contains(m.Text, s) {
			return true
		}
	}
	return false
}

// T renders a UI string, for comparing with what the bot sent.
func (h *Harness) T(lang, id string, data ...map[string]any) string {
	return h.Loc.T(lang, id, data...)
}
