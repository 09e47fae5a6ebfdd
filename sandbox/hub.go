package sandbox

import (
	"encoding/json"
	"html"
	"sync"

	"github.com/ehra/peerline/bot/fakeapi"
)

// hub fans events out to the page's event streams. A slow page misses events rather than
// slowing the bot; it re-reads the chat when it reconnects.
type hub struct {
	mu     sync.Mutex
	subs   map[chan event]bool
	closed bool
}

type event struct {
	Type string
	Data []byte
}

func newHub() *hub { return &hub{subs: map[chan event]bool{}} }

func (h *hub) subscribe() (chan event, func()) {
	ch := make(chan event, 256)
	h.mu.Lock()
	if h.closed {
		close(ch)
	} else {
		h.subs[ch] = true
	}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		if h.subs[ch] {
			delete(h.subs, ch)
			close(ch)
		}
		h.mu.Unlock()
	}
}

func (h *hub) publish(typ string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- event{typ, data}:
		default:
		}
	}
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	for ch := range h.subs {
		close(ch)
		delete(h.subs, ch)
	}
}

// pump turns the fake's events into the page's.
func (s *Sandbox) pump(events <-chan fakeapi.Event) {
	for e := range events {
		switch e.Kind {
		case fakeapi.EventMessage:
			if e.Message == nil {
				continue
			}
			s.hub.publish("message", map[string]any{"chat": e.ChatID, "message": s.render(*e.Message)})
			if e.Message.FromBot && (e.Message.ReplyKeyboard != nil || e.Message.RemoveKeyboard) {
				s.hub.publish("keyboard", map[string]any{"chat": e.ChatID, "reply_keyboard": replyKeyboardOf(*e.Message)})
			}
		case fakeapi.EventEdited:
			if e.Message != nil {
				s.hub.publish("edited", map[string]any{"chat": e.ChatID, "message": s.render(*e.Message)})
			}
		case fakeapi.EventDeleted:
			if e.Message != nil {
				s.hub.publish("deleted", map[string]any{"chat": e.ChatID, "id": e.Message.ID})
			}
		case fakeapi.EventAnswer:
			s.hub.publish("answer", map[string]any{"chat": e.ChatID, "text": e.Text, "alert": e.ShowAlert})
		}
	}
}

type apiButton struct {
	Text string `json:"text"`
	Data string `json:"data"`
	URL  string `json:"url"`
}

type apiMessage struct {
	ID        int           `json:"id"`
	FromBot   bool          `json:"from_bot"`
	From      string        `json:"from"`
	HTML      string        `json:"html"`
	Keyboard  [][]apiButton `json:"keyboard"`
	Photo     bool          `json:"photo"`
	Document  string        `json:"document"`
	Protected bool          `json:"protected"`
	Edited    bool          `json:"edited"`
	Time      string        `json:"time"`
	Thread    int           `json:"thread,omitempty"`   // forum topic
	Voice     bool          `json:"voice,omitempty"`    // a voice message
	Reaction  string        `json:"reaction,omitempty"` // the bot's reaction (👌: delivered)
}

type apiReplyKeyboard struct {
	Rows       [][]string `json:"rows"`
	Persistent bool       `json:"persistent"`
}

// render turns a fake message into the page's form, with safe HTML.
func (s *Sandbox) render(m fakeapi.Message) apiMessage {
	out := apiMessage{ID: m.ID, FromBot: m.FromBot, Photo: m.Photo != "", Document: m.FileName,
		Protected: m.ProtectContent, Edited: m.Edited > 0, Time: m.Date.Local().Format("15:04")}
	if m.Document != "" && out.Document == "" {
		out.Document = "file"
	}
	out.Thread, out.Voice, out.Reaction = m.ThreadID, m.Voice != "", m.Reaction
	switch {
	case m.Service == "forum_topic_created":
		out.HTML = "🧵 " + html.EscapeString(m.Text)
	case m.FromBot && m.ParseMode == "HTML":
		out.HTML = safeHTML(m.HTML)
	default:
		out.HTML = html.EscapeString(m.Text)
	}
	if !m.FromBot {
		if c, ok := s.chat(m.FromUser); ok {
			out.From = c.Title
		}
	}
	for _, row := range m.Keyboard {
		var r []apiButton
		for _, b := range row {
			r = append(r, apiButton{Text: b.Text, Data: b.Data, URL: b.URL})
		}
		out.Keyboard = append(out.Keyboard, r)
	}
	return out
}

func replyKeyboardOf(m fakeapi.Message) *apiReplyKeyboard {
	if m.RemoveKeyboard || m.ReplyKeyboard == nil {
		return nil
	}
	return &apiReplyKeyboard{Rows: m.ReplyKeyboard, Persistent: m.PersistentKeyboard}
}
