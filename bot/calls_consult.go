package bot

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/ehra/peerline/store"
)

// Calls for the peer-consultant relay that tgbotapi v5.5.1 lacks: forum topics,
// message_thread_id, copyMessages (albums), protect_content on copies, reactions. They go
// through the raw-call path (the outbox sends any method with its parameters).

// Topic colours Telegram allows for a forum topic's icon (icon_color, RGB).
const (
	TopicBlue   = 0x6FB9F0
	TopicYellow = 0xFFD67E
	TopicViolet = 0xCB86DB
	TopicGreen  = 0x8EEE98
	TopicRose   = 0xFF93B2
	TopicRed    = 0xFB6F5F
)

// Thread names a forum topic: its id, or the ref a createForumTopic call recorded it under
// (read when the call is sent, so calls enqueued with the topic's creation can target it).
type Thread struct {
	ID  int
	Ref string
}

func (th Thread) set(e *store.OutboxEntry) {
	switch {
	case th.ID != 0:
		e.Params["message_thread_id"] = strconv.Itoa(th.ID)
	case th.Ref != "":
		if e.Resolve == nil {
			e.Resolve = map[string]string{}
		}
		e.Resolve["message_thread_id"] = th.Ref
	}
}

// InThread puts the messages fn sends (Send, SendPhoto, Relay) into the forum topic th.
func (o *Out) InThread(th Thread, fn func()) {
	from := len(o.calls)
	fn()
	for i := from; i < len(o.calls); i++ {
		th.set(&o.calls[i])
	}
}

// last returns the call added most recently.
func (o *Out) last() *store.OutboxEntry { return &o.calls[len(o.calls)-1] }

// sub collects the calls fn makes, to attach them to another call.
func (o *Out) sub(fn func(*Out)) *store.OutboxEntry {
	s := newOut(o.chatID, o.chatType, o.now)
	s.bulk = o.bulk
	fn(s)
	if len(s.calls) == 0 {
		return nil
	}
	e := s.calls[0]
	return &e
}

// CreateTopic creates a forum topic in chatID and records its id under ref.
func (o *Out) CreateTopic(chatID int64, name string, color int, ref string) {
	o.add(chatID, true, "createForumTopic", map[string]string{
		"chat_id":    strconv.FormatInt(chatID, 10),
		"name":       name,
		"icon_color": strconv.Itoa(color),
	}, ref, false)
}

// EditTopic renames a forum topic.
func (o *Out) EditTopic(chatID int64, th Thread, name string) {
	o.add(chatID, true, "editForumTopic", map[string]string{"chat_id": strconv.FormatInt(chatID, 10), "name": name}, "", false)
	th.set(o.last())
}

// CloseTopic closes a forum topic (nobody can write in it until it is reopened).
func (o *Out) CloseTopic(chatID int64, th Thread) {
	o.add(chatID, true, "closeForumTopic", map[string]string{"chat_id": strconv.FormatInt(chatID, 10)}, "", false)
	th.set(o.last())
}

// ReopenTopic reopens a closed forum topic.
func (o *Out) ReopenTopic(chatID int64, th Thread) {
	o.add(chatID, true, "reopenForumTopic", map[string]string{"chat_id": strconv.FormatInt(chatID, 10)}, "", false)
	th.set(o.last())
}

// DeleteTopic deletes a forum topic with all its messages.
func (o *Out) DeleteTopic(chatID int64, th Thread) {
	o.add(chatID, true, "deleteForumTopic", map[string]string{"chat_id": strconv.FormatInt(chatID, 10)}, "", false)
	th.set(o.last())
}

// Relay is a copy of a person's or a consultant's message(s) to the other side.
type Relay struct {
	To, From int64
	IDs      []int  // one message (copyMessage) or an album (copyMessages), in order
	Thread   Thread // a forum topic in To
	Protect  bool   // protect_content: the copy cannot be forwarded or saved
	ReplyTo  int    // a message in To the copy answers
	// Ref records the copies' ids (copyMessages: the first, then MessageRef.More).
	Ref string
	// Delivered, when set, is the message the bot reacts to (with DeliveredEmoji) once the
	// copy is in To: the sender sees their message arrived.
	Delivered      *MessageRef
	DeliveredEmoji string
	// Undelivered is sent (in UndeliveredThread) when Telegram refuses the copy for good.
	Undelivered       *Message
	UndeliveredThread Thread
	// Keyboard goes on the copy (copyMessage only).
	Keyboard Keyboard
}

// MessageRef points at a message.
type MessageRef struct {
	ChatID    int64
	MessageID int
}

// Relay copies messages (copyMessage / copyMessages: no "forwarded from" trail).
func (o *Out) Relay(r Relay) {
	to, group := o.target(r.To)
	p := map[string]string{
		"chat_id":      strconv.FormatInt(to, 10),
		"from_chat_id": strconv.FormatInt(r.From, 10),
	}
	method := "copyMessage"
	if len(r.IDs) == 1 {
		p["message_id"] = strconv.Itoa(r.IDs[0])
	} else {
		method = "copyMessages"
		j, _ := json.Marshal(r.IDs)
		p["message_ids"] = string(j)
	}
	if r.Protect {
		p["protect_content"] = "true"
	}
	if r.Keyboard != nil && len(r.IDs) == 1 {
		p["reply_markup"] = r.Keyboard.json()
	}
	if r.ReplyTo != 0 {
		p["reply_parameters"] = `{"message_id":` + strconv.Itoa(r.ReplyTo) + `,"allow_sending_without_reply":true}`
	}
	o.add(to, group, method, p, r.Ref, false)
	e := o.last()
	r.Thread.set(e)
	if r.Delivered != nil {
		d := *r.Delivered
		e.Then = o.sub(func(s *Out) { s.React(d.ChatID, d.MessageID, r.DeliveredEmoji) })
	}
	if r.Undelivered != nil {
		m := *r.Undelivered
		e.Else = o.sub(func(s *Out) { s.InThread(r.UndeliveredThread, func() { s.Send(m) }) })
	}
}

// React sets the bot's reaction on a message (an empty emoji removes it).
func (o *Out) React(chatID int64, messageID int, emoji string) {
	chatID, group := o.target(chatID)
	reaction := "[]"
	if emoji != "" {
		j, _ := json.Marshal([]map[string]string{{"type": "emoji", "emoji": emoji}})
		reaction = string(j)
	}
	o.add(chatID, group, "setMessageReaction", map[string]string{
		"chat_id":    strconv.FormatInt(chatID, 10),
		"message_id": strconv.Itoa(messageID),
		"reaction":   reaction,
	}, "", false)
}

// EditCopy relays an edit: the copy's text (or caption) becomes the edited message's, with its
// entities as Telegram sent them (entities JSON; "" for none). kb is the copy's inline keyboard,
// which an edit without it would remove (nil: none).
func (o *Out) EditCopy(chatID int64, messageID int, text, entities string, caption bool, kb Keyboard) {
	chatID, group := o.target(chatID)
	method, p := editTextParams(strconv.FormatInt(chatID, 10), messageID, caption, text, entities, kb)
	o.add(chatID, group, method, p, "", false)
}

// Now is the time the calls are decided at (the update's or the job's clock).
func (o *Out) Now() time.Time { return o.now }

// InThreadOf puts the messages fn sends to chatID (sendMessage, sendPhoto, copies) into the
// forum topic th, unless they name a topic already: answers to a command given in a topic stay
// in that topic.
func (o *Out) InThreadOf(chatID int64, th Thread, fn func()) {
	from := len(o.calls)
	fn()
	for i := from; i < len(o.calls); i++ {
		e := &o.calls[i]
		m := e.Method
		if e.ChatID != chatID || (!strings.HasPrefix(m, "send") && !strings.HasPrefix(m, "copy")) {
			continue
		}
		if _, set := e.Params["message_thread_id"]; set || e.Resolve["message_thread_id"] != "" {
			continue
		}
		th.set(e)
	}
}
