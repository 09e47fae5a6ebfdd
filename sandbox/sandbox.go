// Package sandbox runs the real bot — same router, handlers, store and outbox — against the
// in-process fake Bot API, and serves a local web page where one person plays every side:
// people in private chats, the consultants' group, a consultant, an admin and the channels.
// Nothing reaches Telegram. Its data lives in its own folder, apart from any deployment's.
package sandbox

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/content"
	"github.com/ehra/peerline/handlers"
	"github.com/ehra/peerline/locales"
	"github.com/ehra/peerline/store"
)

//go:embed web
var webFS embed.FS

// Token is the sandbox bot's made-up token: the fake accepts it, Telegram would not.
const Token = "100000001:SANDBOX-not-a-real-token-abcdefghijkl"

const botUsername = "peerline_sandbox_bot"

// Options configure a sandbox.
type Options struct {
	Addr    string // where the page is served; default 127.0.0.1:8080
	Data    string // the sandbox's own data folder
	Log     *slog.Logger
	Version string
}

// Chat is a chat the page shows.
type Chat struct {
	ID    int64  `json:"id"`
	Kind  string `json:"kind"` // person, consultant, admin, group, channel
	Title string `json:"title"`
	Lang  string `json:"lang"`
	As    int64  `json:"as"` // the user the page sends as in this chat (0: read-only)
}

// The sandbox's cast. People have ids from 1001; the consultant and the admin are people too
// (their private chats), and the consultant writes in the consultants' group.
const (
	consultantID = 2001
	adminID      = 3001
	groupID      = -1001000000001
	channelUK    = -1001000000011
	channelRU    = -1001000000012
	channelEN    = -1001000000013
)

func defaultChats() []Chat {
	return []Chat{
		{ID: 1001, Kind: "person", Title: "Olena", Lang: "uk", As: 1001},
		{ID: 1002, Kind: "person", Title: "Dmitry", Lang: "ru", As: 1002},
		{ID: 1003, Kind: "person", Title: "Alex", Lang: "en", As: 1003},
		{ID: consultantID, Kind: "consultant", Title: "Consultant Iryna", Lang: "uk", As: consultantID},
		{ID: adminID, Kind: "admin", Title: "Admin", Lang: "en", As: adminID},
		{ID: groupID, Kind: "group", Title: "Consultants' group", As: consultantID},
		{ID: channelUK, Kind: "channel", Title: "Channel (uk)"},
		{ID: channelRU, Kind: "channel", Title: "Channel (ru)"},
		{ID: channelEN, Kind: "channel", Title: "Channel (en)"},
	}
}

// Sandbox is a running sandbox.
type Sandbox struct {
	opt     Options
	log     *slog.Logger
	content *content.Content
	loc     *locales.Catalog
	hub     *hub

	mu       sync.Mutex
	api      *fakeapi.Server
	chats    []Chat
	nextID   int64
	db       *store.DB
	bot      *bot.Bot
	sched    *bot.Scheduler
	stopBot  context.CancelFunc
	botDone  chan struct{}
	running  bool
	restarts int
	pumpStop func()
}

// New prepares a sandbox; Start runs its bot.
func New(opt Options) (*Sandbox, error) {
	if opt.Addr == "" {
		opt.Addr = "127.0.0.1:8080"
	}
	if opt.Data == "" {
		return nil, errors.New("sandbox: a data folder is needed")
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	cnt, err := content.Load(filepath.Join(opt.Data, "content"))
	if err != nil {
		return nil, err
	}
	loc, err := locales.Load()
	if err != nil {
		return nil, err
	}
	return &Sandbox{opt: opt, log: opt.Log, content: cnt, loc: loc, hub: newHub()}, nil
}

// Start starts the fake API and the bot.
func (s *Sandbox) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startFake()
	return s.startBot()
}

// startFake creates the fake Bot API with the cast's chats. Called with mu held.
func (s *Sandbox) startFake() {
	s.api = fakeapi.New(fakeapi.Options{Token: Token, BotUsername: botUsername})
	s.chats = defaultChats()
	s.nextID = 1004
	for _, c := range s.chats {
		switch c.Kind {
		case "group":
			s.api.RegisterChat(fakeapi.Chat{ID: c.ID, Type: fakeapi.ChatSupergroup, Title: c.Title})
		case "channel":
			s.api.RegisterChat(fakeapi.Chat{ID: c.ID, Type: fakeapi.ChatChannel, Title: c.Title})
		default:
			s.api.RegisterChat(fakeapi.Chat{ID: c.ID, Type: fakeapi.ChatPrivate, Title: c.Title})
		}
	}
	events, cancel := s.api.Subscribe()
	s.pumpStop = cancel
	go s.pump(events)
}

// startBot opens the sandbox's store and runs the bot on it. Called with mu held.
func (s *Sandbox) startBot() error {
	if err := os.MkdirAll(s.opt.Data, 0o700); err != nil {
		return err
	}
	key, _, err := store.LoadOrCreateKey(filepath.Join(s.opt.Data, "peerline.key"), true)
	if err != nil {
		return err
	}
	db, err := store.Open(filepath.Join(s.opt.Data, "peerline.db"), store.Options{Key: key})
	if err != nil {
		return fmt.Errorf("sandbox data: %w", err)
	}
	app := handlers.New(handlers.Deps{
		Content: s.content, Locales: s.loc, Admins: []int64{adminID}, ConsultantsChat: groupID,
		Channels: map[int64]bool{channelUK: true, channelRU: true, channelEN: true}, Log: s.log,
		PostChannels: map[string]string{"uk": strconv.FormatInt(channelUK, 10), "ru": strconv.FormatInt(channelRU, 10), "en": strconv.FormatInt(channelEN, 10)},
		ContentDir:   filepath.Join(s.opt.Data, "content"),
	})
	limits := bot.TelegramLimits()
	limits.Off = true // a preview answers at once
	b := bot.New(bot.Config{
		Token: Token, APIURL: s.api.URL(), Limits: limits, Log: s.log, PollTimeout: 10 * time.Second,
		DrainTimeout: 2 * time.Second, Commands: app.Commands(), OnParked: app.OnParked, OnFlood: app.OnFlood,
		OnStart: app.OnStart,
	}, db, app.Router())
	app.SetRuntime(b)
	sched := bot.NewScheduler(db, time.Local, s.log, nil)
	for _, j := range app.Jobs(b, db) {
		if err := sched.Add(j); err != nil {
			db.Close()
			return err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := b.Run(ctx); err != nil {
			s.log.Error("sandbox bot stopped", "err", err)
		}
	}()
	select {
	case <-b.Ready():
	case <-done:
		cancel()
		db.Close()
		return errors.New("sandbox: the bot did not start")
	case <-time.After(10 * time.Second):
		cancel()
		<-done
		db.Close()
		return errors.New("sandbox: the bot did not start within 10 s")
	}
	sched.Start(ctx)
	s.db, s.bot, s.sched, s.stopBot, s.botDone, s.running = db, b, sched, cancel, done, true
	s.hub.publish("bot", map[string]any{"running": true, "restarts": s.restarts})
	return nil
}

// stopBotLocked stops the bot and closes its store. Called with mu held.
func (s *Sandbox) stopBotLocked() {
	if !s.running {
		return
	}
	s.running = false
	s.hub.publish("bot", map[string]any{"running": false, "restarts": s.restarts})
	s.sched.Stop()
	s.stopBot()
	<-s.botDone
	s.db.Close()
}

// Restart stops the bot side and starts it again on the same data; the chats stay.
func (s *Sandbox) Restart() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopBotLocked()
	s.restarts++
	return s.startBot()
}

// Reset stops everything, deletes the sandbox's data (content overrides stay) and starts afresh.
func (s *Sandbox) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopBotLocked()
	s.pumpStop()
	s.api.Close()
	for _, name := range []string{"peerline.db", "peerline.key"} {
		if err := os.Remove(filepath.Join(s.opt.Data, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	s.restarts = 0
	s.startFake()
	s.hub.publish("reset", map[string]any{})
	return s.startBot()
}

// Close stops the bot and the fake.
func (s *Sandbox) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopBotLocked()
	if s.pumpStop != nil {
		s.pumpStop()
	}
	if s.api != nil {
		s.api.Close()
	}
	s.hub.close()
}

// Serve serves the page on opt.Addr until ctx is done.
func (s *Sandbox) Serve(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", s.opt.Addr)
	if err != nil {
		return fmt.Errorf("sandbox: cannot listen on %s: %w", s.opt.Addr, err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		s.hub.close() // ends the event streams so Shutdown does not wait for them
		sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if ready != nil {
		ready(ln.Addr().String())
	}
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// chat returns a chat by id.
func (s *Sandbox) chat(id int64) (Chat, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.chats {
		if c.ID == id {
			return c, true
		}
	}
	return Chat{}, false
}

// user is the fake user the page acts as in chat c.
func (s *Sandbox) user(c Chat) fakeapi.User {
	u := fakeapi.User{ID: c.As, FirstName: c.Title, LanguageCode: c.Lang}
	if c.Kind == "group" {
		if cons, ok := s.chat(consultantID); ok {
			u.FirstName, u.LanguageCode = cons.Title, cons.Lang
		}
	}
	return u
}

func sortChats(cs []Chat) {
	order := map[string]int{"person": 0, "consultant": 1, "admin": 2, "group": 3, "channel": 4}
	sort.SliceStable(cs, func(i, j int) bool { return order[cs[i].Kind] < order[cs[j].Kind] })
}
