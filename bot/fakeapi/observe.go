package fakeapi

import (
	"sync"
	"time"
)

// Counters are running totals, kept in every mode (the only observation
// Light mode keeps besides events and OnCall).
type Counters struct {
	// Calls is the number of API calls answered.
	Calls int64
	// ByMethod counts calls per method name (unknown methods as called).
	ByMethod map[string]int64
	// ByStatus counts calls per HTTP status answered (0: connection dropped).
	ByStatus map[int]int64
	// RateLimited counts the 429s given because of Options.Limits (not the
	// injected ones).
	RateLimited int64
	// Faults counts calls that got an injected Fault (including slow
	// successful ones).
	Faults int64
	// Updates counts the updates created.
	Updates int64
	// Messages counts the messages created, by the bot and by played users.
	Messages int64
	// EventsDropped counts events not delivered to a slow subscriber.
	EventsDropped int64
}

// Counters returns a snapshot of the counters.
func (s *Server) Counters() Counters {
	c := Counters{
		Calls:         s.total.Load(),
		ByMethod:      make(map[string]int64),
		ByStatus:      make(map[int]int64),
		RateLimited:   s.limited.Load(),
		Faults:        s.faulted.Load(),
		Updates:       s.updates.Load(),
		Messages:      s.messages.Load(),
		EventsDropped: s.evDropped.Load(),
	}
	for i := range s.byMethod {
		if n := s.byMethod[i].Load(); n > 0 {
			c.ByMethod[methodTable[i].name] = n
		}
	}
	for i := range s.byStatus {
		if n := s.byStatus[i].Load(); n > 0 {
			c.ByStatus[i] = n
		}
	}
	s.lmu.Lock()
	for name, n := range s.unknownN {
		c.ByMethod[name] += n
	}
	s.lmu.Unlock()
	return c
}

// Calls returns a copy of the call log, in the order the calls were answered
// (empty in Light mode).
func (s *Server) Calls() []Call {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	out := make([]Call, len(s.calls))
	copy(out, s.calls)
	return out
}

// CallsTo returns the logged calls of one method (matched case-insensitively).
func (s *Server) CallsTo(method string) []Call {
	if m := lookupMethod(method); m != nil {
		method = m.name
	}
	s.lmu.Lock()
	defer s.lmu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Messages returns the chat's history in id order, user messages included,
// with edits applied; deleted messages are included with Deleted set. In
// Light mode only the chat's most recent messages are kept.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	h := c.history()
	out := make([]Message, len(h))
	for i, r := range h {
		out[i] = r.export()
	}
	return out
}

// BotMessages returns the bot's messages in the chat that are not deleted.
func (s *Server) BotMessages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	var out []Message
	for _, r := range c.history() {
		if r.FromBot && !r.Deleted {
			out = append(out, r.export())
		}
	}
	return out
}

// LastBotMessage returns the bot's most recent message in the chat that is
// not deleted.
func (s *Server) LastBotMessage(chatID int64) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return Message{}, false
	}
	for id := c.lastID; id > 0; id-- {
		r := c.get(id)
		if r == nil {
			break // forgotten (Light mode)
		}
		if r.FromBot && !r.Deleted {
			return r.export(), true
		}
	}
	return Message{}, false
}

// WaitFor calls cond until it returns true or timeout passes, and reports
// its last result. cond is re-evaluated after every answered call or played
// action, and at least every 5 ms; it is called without any lock held, so it
// may use the Server's methods.
func (s *Server) WaitFor(timeout time.Duration, cond func() bool) bool {
	s.waiters.Add(1)
	defer s.waiters.Add(-1)
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		s.wmu.Lock()
		if s.wch == nil {
			s.wch = make(chan struct{})
		}
		ch := s.wch
		s.wmu.Unlock()
		if cond() {
			return true
		}
		select {
		case <-ch:
		case <-tick.C:
		case <-deadline.C:
			return cond()
		}
	}
}

// poke wakes the WaitFor calls in progress.
func (s *Server) poke() {
	if s.waiters.Load() == 0 {
		return
	}
	s.wmu.Lock()
	if s.wch != nil {
		close(s.wch)
		s.wch = nil
	}
	s.wmu.Unlock()
}

// EventKind says what an Event is about.
type EventKind string

// Event kinds.
const (
	EventMessage    EventKind = "message"     // a message was sent, by the bot or a played user
	EventEdited     EventKind = "edited"      // the bot edited a message
	EventDeleted    EventKind = "deleted"     // a message was deleted
	EventCallback   EventKind = "callback"    // a played user pressed an inline button (Press)
	EventAnswer     EventKind = "answer"      // the bot answered a callback query
	EventChatAction EventKind = "chat_action" // the bot sent a chat action (Text holds it)
	EventLeft       EventKind = "left"        // the bot left the chat
)

// Event is something that happened in a chat, for the sandbox's live view.
type Event struct {
	Kind   EventKind `json:"kind"`
	At     time.Time `json:"at"`
	ChatID int64     `json:"chat_id"`
	// Message is the message concerned, as it is after the change (nil for
	// answers, chat actions, leaving, and presses on unknown messages).
	Message *Message `json:"message,omitempty"`
	// CallbackID is the callback query id (callback and answer events).
	CallbackID string `json:"callback_id,omitempty"`
	// Data is the pressed button's callback data (callback events).
	Data string `json:"data,omitempty"`
	// From is the user who pressed (callback events).
	From int64 `json:"from,omitempty"`
	// Text is the answer's text, or the chat action.
	Text string `json:"text,omitempty"`
	// ShowAlert and URL are the answer's show_alert and url.
	ShowAlert bool   `json:"show_alert,omitempty"`
	URL       string `json:"url,omitempty"`
}

// subscriberBuffer is the capacity of each Subscribe channel.
const subscriberBuffer = 1024

// subscriber is one Subscribe channel.
type subscriber struct {
	ch   chan Event
	once sync.Once
}

func (sub *subscriber) close() { sub.once.Do(func() { close(sub.ch) }) }

// Subscribe returns a channel of events and a function to stop them. The
// channel is buffered; when a subscriber falls behind, events are dropped
// (and counted in Counters.EventsDropped) rather than slowing the server.
// The channel is closed by cancel or by Close.
func (s *Server) Subscribe() (ch <-chan Event, cancel func()) {
	sub := &subscriber{ch: make(chan Event, subscriberBuffer)}
	s.mu.Lock()
	if s.isClosed() {
		sub.close()
	} else {
		s.subscribers[sub] = struct{}{}
	}
	s.mu.Unlock()
	return sub.ch, func() {
		s.mu.Lock()
		delete(s.subscribers, sub)
		sub.close()
		s.mu.Unlock()
	}
}

// emit delivers ev to every subscriber without blocking. Caller holds s.mu,
// which also orders events like the changes they report.
func (s *Server) emit(ev Event) {
	for sub := range s.subscribers {
		select {
		case sub.ch <- ev:
		default:
			s.evDropped.Add(1)
		}
	}
}

// emitMessage emits a message event for rec, if anyone listens. Caller holds s.mu.
func (s *Server) emitMessage(kind EventKind, c *chatState, rec *msgRec, at time.Time) {
	if len(s.subscribers) == 0 {
		return
	}
	m := rec.export()
	s.emit(Event{Kind: kind, At: at, ChatID: c.info.ID, Message: &m})
}
