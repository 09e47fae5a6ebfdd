// Package fakeapi is an in-process fake of the Telegram Bot API, served over
// real HTTP on 127.0.0.1.
//
// Every peerline test runs the real bot against it, and the sandbox mounts
// its Handler to let a person play users, groups and channels by hand. The
// fake speaks the real wire protocol (POST /bot<token>/<method>, the
// {"ok":...,"result":...} envelope, Telegram's error texts and status codes),
// keeps updates until they are confirmed with getUpdates offsets, validates
// what the bot sends the way Telegram does (HTML parse mode, reply markup,
// message lengths, edit and delete rules), and can enforce Telegram's flood
// limits and inject faults for tests of retries and backoff.
//
// The test (or the sandbox) plays the other side with SendText, Press,
// ChannelPost and friends, and observes the bot through Calls, Messages,
// Counters, WaitFor and Subscribe.
//
// A Server is safe for concurrent use.
package fakeapi

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"
)

// Default values for Options fields left zero.
const (
	DefaultBotID       int64 = 7000000001
	DefaultBotUsername       = "peerline_test_bot"
	// DefaultBotName is the first_name getMe reports for the bot.
	DefaultBotName = "Peerline Test Bot"
)

// Options configures a Server. The zero value is usable.
type Options struct {
	// Token is the only bot token accepted; "" accepts any token.
	Token string
	// BotID is the bot's user id (default DefaultBotID).
	BotID int64
	// BotUsername is the bot's username without "@" (default DefaultBotUsername).
	BotUsername string
	// FirstUpdateID is the update_id of the first update (default 1).
	FirstUpdateID int
	// Limits makes the fake enforce Telegram's flood limits by answering 429.
	Limits bool
	// Light is the load mode: no call log and only a small window of each
	// chat's most recent messages is kept (see Server.Messages); counters,
	// events and OnCall still work.
	Light bool
	// Now is the clock used for message dates, the 48 h delete rule and the
	// rate limits (default time.Now).
	Now func() time.Time
	// OnCall, if set, is called after each API call has been answered. It may
	// be called concurrently from several goroutines.
	OnCall func(Call)
	// Seed seeds the random number generator used by FailRate.
	Seed int64
}

// User is a Telegram user played by the test or the sandbox.
type User struct {
	ID           int64
	FirstName    string
	LastName     string
	Username     string
	LanguageCode string
}

// Chat is a group, supergroup or channel played by the test or the sandbox.
// Private chats are implied by a User: their id is the user's id.
type Chat struct {
	ID       int64
	Type     string // "private", "group", "supergroup" or "channel"
	Title    string
	Username string // without "@"; makes the chat addressable as chat_id=@Username
}

// Chat types as Telegram names them.
const (
	ChatPrivate    = "private"
	ChatGroup      = "group"
	ChatSupergroup = "supergroup"
	ChatChannel    = "channel"
)

// Call is one recorded Bot API call.
type Call struct {
	// Method is the Bot API method as called (canonical spelling when known).
	Method string
	// Params are the form, query or JSON parameters flattened to strings;
	// JSON-valued parameters keep their JSON text. An uploaded file is
	// recorded as its file name. The map must not be modified.
	Params map[string]string
	// Status is the HTTP status answered; 0 when the connection was dropped
	// (Fault.Drop) or the client went away before the answer.
	Status int
	// At is when the call arrived (per Options.Now).
	At time.Time
	// ChatID is the chat_id parameter when numeric, 0 otherwise.
	ChatID int64
	// Result is the "result" member of the answer; nil on error.
	Result json.RawMessage
}

// Button is one inline keyboard button as the bot sent it.
type Button struct {
	Text string `json:"text"`
	Data string `json:"data,omitempty"` // callback_data
	URL  string `json:"url,omitempty"`
}

// MessageRef identifies a message in a chat.
type MessageRef struct {
	ChatID    int64 `json:"chat_id"`    // the chat
	MessageID int   `json:"message_id"` // the message's id in that chat
}

// Message is a message as the fake has it: sent by the bot or by a played
// user, with edits applied.
type Message struct {
	// ID is the message id, unique and increasing within the chat.
	ID int `json:"id"`
	// ChatID is the chat the message is in.
	ChatID int64 `json:"chat_id"`
	// FromBot reports a message sent by the bot.
	FromBot bool `json:"from_bot"`
	// FromUser is the sender's user id; 0 for bot messages and channel posts.
	FromUser int64 `json:"from_user,omitempty"`
	// Text is the plain text (the caption for media): HTML tags stripped and
	// HTML entities decoded.
	Text string `json:"text"`
	// HTML is the raw text as sent when parse_mode was HTML, else equal to Text.
	HTML string `json:"html"`
	// ParseMode is the parse_mode the bot used ("" for none or user messages).
	ParseMode string `json:"parse_mode,omitempty"`
	// Keyboard is the inline keyboard, nil if none.
	Keyboard [][]Button `json:"keyboard,omitempty"`
	// ReplyKeyboard holds the button texts of a reply keyboard, nil if none.
	ReplyKeyboard [][]string `json:"reply_keyboard,omitempty"`
	// PersistentKeyboard reports is_persistent on the reply keyboard.
	PersistentKeyboard bool `json:"persistent_keyboard,omitempty"`
	// RemoveKeyboard reports a remove_keyboard reply markup.
	RemoveKeyboard bool `json:"remove_keyboard,omitempty"`
	// ForceReply reports a force_reply reply markup.
	ForceReply bool `json:"force_reply,omitempty"`
	// Photo and Document are file ids when the message carries media.
	Photo    string `json:"photo,omitempty"`
	Document string `json:"document,omitempty"`
	// FileName is the document's file name.
	FileName string `json:"file_name,omitempty"`
	// ReplyTo is the id of the message this one replies to, 0 if none.
	ReplyTo        int  `json:"reply_to,omitempty"`
	ProtectContent bool `json:"protect_content,omitempty"`
	// CopiedFrom is set for messages created by copyMessage.
	CopiedFrom *MessageRef `json:"copied_from,omitempty"`
	// Edited counts the successful edits.
	Edited int `json:"edited,omitempty"`
	// Deleted reports a deleted message (still listed by Messages).
	Deleted bool `json:"deleted,omitempty"`
	// Date is when the message was sent (per Options.Now).
	Date time.Time `json:"date"`
}

// Server is the fake Bot API. Create it with New or NewServer.
type Server struct {
	opt     Options
	now     func() time.Time
	botUser wUser
	meJSON  []byte // getMe result
	hs      *httptest.Server

	closeOnce sync.Once
	closing   chan struct{} // closed by Close

	// mu guards the chat state, callback queries, commands, faults, limits
	// and subscribers.
	mu          sync.Mutex
	chats       map[int64]*chatState
	usernames   map[string]int64 // lower-case username → chat id
	blocked     map[int64]bool   // chats passed to Block
	callbacks   map[string]int64 // pending callback query id → chat id
	nextCB      uint64
	nextFile    uint64
	commands    map[string][]byte // scope/language key → commands JSON
	webhookURL  string
	faults      faultState
	limits      limitState
	subscribers map[*subscriber]struct{}
	admin       adminState // channels: the bot's status, pins (admin.go)

	// umu guards the update queue and the long poll in progress.
	umu     sync.Mutex
	queue   []keptUpdate // kept updates are queue[qhead:]
	qhead   int
	nextUID int
	poller  *poller
	uwake   chan struct{} // closed when an update arrives; nil when nobody waits

	// lmu guards the call log and counters of unknown methods.
	lmu      sync.Mutex
	calls    []Call
	unknownN map[string]int64

	// faultsArmed is set while FailNext or FailRate faults are configured,
	// so calls skip the fault lock otherwise.
	faultsArmed atomic.Bool

	// Lock-free counters.
	byMethod  []atomic.Int64 // indexed by method.idx
	byStatus  [600]atomic.Int64
	total     atomic.Int64
	limited   atomic.Int64
	faulted   atomic.Int64
	updates   atomic.Int64
	messages  atomic.Int64
	evDropped atomic.Int64

	// WaitFor wake-ups: wch is closed (and reset) on every change while
	// waiters > 0.
	waiters atomic.Int32
	wmu     sync.Mutex
	wch     chan struct{}
}

// New starts a Server listening on 127.0.0.1 on a free port. Close it when
// done. It panics if it cannot listen, as httptest.NewServer does.
func New(opt Options) *Server {
	s := NewServer(opt)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		panic("fakeapi: listening on 127.0.0.1: " + err.Error())
	}
	s.hs = &httptest.Server{Listener: ln, Config: &http.Server{Handler: s}}
	s.hs.Start()
	return s
}

// NewServer returns a Server that is not listening; mount Handler elsewhere
// (the sandbox does). Close still releases pending long polls.
func NewServer(opt Options) *Server {
	if opt.BotID == 0 {
		opt.BotID = DefaultBotID
	}
	if opt.BotUsername == "" {
		opt.BotUsername = DefaultBotUsername
	}
	if opt.FirstUpdateID == 0 {
		opt.FirstUpdateID = 1
	}
	s := &Server{
		opt:         opt,
		now:         opt.Now,
		closing:     make(chan struct{}),
		chats:       make(map[int64]*chatState),
		usernames:   make(map[string]int64),
		blocked:     make(map[int64]bool),
		callbacks:   make(map[string]int64),
		commands:    make(map[string][]byte),
		subscribers: make(map[*subscriber]struct{}),
		nextUID:     opt.FirstUpdateID,
		unknownN:    make(map[string]int64),
		byMethod:    make([]atomic.Int64, numMethods),
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.botUser = wUser{ID: opt.BotID, IsBot: true, FirstName: DefaultBotName, Username: opt.BotUsername}
	me := s.botUser
	me.CanJoinGroups = true
	s.meJSON, _ = json.Marshal(me)
	s.faults.init(opt.Seed)
	return s
}

// Handler returns the http.Handler serving the Bot API (the Server itself).
// It expects paths of the form /bot<token>/<method>; strip any mount prefix
// with http.StripPrefix. After Close it still answers, but getUpdates no
// longer waits.
func (s *Server) Handler() http.Handler { return s }

// URL returns the base URL, e.g. "http://127.0.0.1:41234", or "" when the
// Server was created with NewServer. The bot's API endpoint is
// URL() + "/bot%s/%s".
func (s *Server) URL() string {
	if s.hs == nil {
		return ""
	}
	return s.hs.URL
}

// Close stops the listener (if any) and waits for the calls in progress;
// pending long polls and fault delays return at once. Event channels from
// Subscribe are closed. Close is idempotent.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		if s.hs != nil {
			s.hs.Close()
		}
		s.mu.Lock()
		for sub := range s.subscribers {
			delete(s.subscribers, sub)
			sub.close()
		}
		s.mu.Unlock()
		s.poke()
	})
}

// isClosed reports whether Close was called.
func (s *Server) isClosed() bool {
	select {
	case <-s.closing:
		return true
	default:
		return false
	}
}
