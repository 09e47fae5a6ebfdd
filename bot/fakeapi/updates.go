package fakeapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// keptUpdate is an update waiting to be confirmed, already encoded.
type keptUpdate struct {
	id   int
	data []byte
}

// poller is a getUpdates call waiting for updates.
type poller struct {
	kick   chan struct{} // closed when a newer getUpdates call supersedes it
	kicked bool
}

const errConflict = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"

// Pending returns how many updates are kept, not yet confirmed by a
// getUpdates offset.
func (s *Server) Pending() int {
	s.umu.Lock()
	defer s.umu.Unlock()
	return len(s.queue) - s.qhead
}

// LastUpdateID returns the update_id of the last update created, or
// Options.FirstUpdateID-1 when there is none yet.
func (s *Server) LastUpdateID() int {
	s.umu.Lock()
	defer s.umu.Unlock()
	return s.nextUID - 1
}

// pushUpdate assigns u the next update_id, keeps it and wakes the long poll.
func (s *Server) pushUpdate(u *wUpdate) int {
	s.umu.Lock()
	defer s.umu.Unlock()
	u.UpdateID = s.nextUID
	b, err := json.Marshal(u)
	if err != nil {
		panic("fakeapi: encoding update: " + err.Error()) // only fixed, encodable types reach here
	}
	s.keep(b)
	return u.UpdateID
}

// keep appends an encoded update with the next id. Caller holds s.umu.
func (s *Server) keep(b []byte) {
	s.queue = append(s.queue, keptUpdate{id: s.nextUID, data: b})
	s.nextUID++
	s.updates.Add(1)
	if s.uwake != nil {
		close(s.uwake)
		s.uwake = nil
	}
}

// dropUpdates forgets the n oldest kept updates. Caller holds s.umu.
func (s *Server) dropUpdates(n int) {
	n = min(n, len(s.queue)-s.qhead)
	if n <= 0 {
		return
	}
	clear(s.queue[s.qhead : s.qhead+n])
	s.qhead += n
	switch {
	case s.qhead == len(s.queue):
		s.queue, s.qhead = s.queue[:0], 0
	case s.qhead >= 1024 && s.qhead*2 >= len(s.queue):
		n := copy(s.queue, s.queue[s.qhead:])
		clear(s.queue[n:])
		s.queue, s.qhead = s.queue[:n], 0
	}
}

// confirm applies a getUpdates offset: a positive offset forgets every update
// with a smaller id; a negative one keeps only the last -offset updates.
// Caller holds s.umu.
func (s *Server) confirm(offset int64) {
	kept := s.queue[s.qhead:]
	switch {
	case offset > 0:
		n := 0
		for n < len(kept) && int64(kept[n].id) < offset {
			n++
		}
		s.dropUpdates(n)
	case offset < 0:
		s.dropUpdates(len(kept) - int(min(-offset, int64(len(kept)))))
	}
}

// collect encodes up to limit kept updates with id >= offset as a JSON
// array, nil if there is none. Caller holds s.umu.
func (s *Server) collect(offset int64, limit int) []byte {
	kept := s.queue[s.qhead:]
	i := 0
	for i < len(kept) && int64(kept[i].id) < offset {
		i++
	}
	kept = kept[i:]
	if len(kept) == 0 {
		return nil
	}
	kept = kept[:min(limit, len(kept))]
	size := 2
	for _, u := range kept {
		size += len(u.data) + 1
	}
	b := make([]byte, 0, size)
	b = append(b, '[')
	for i, u := range kept {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, u.data...)
	}
	return append(b, ']')
}

// getUpdates implements long polling with Telegram's offset semantics. A
// newer getUpdates call makes a waiting older one answer 409.
func (s *Server) getUpdates(q *request) reply {
	offset, _ := q.int("offset")
	limit := 100
	if n, ok := q.int("limit"); ok && n >= 1 && n < 100 {
		limit = int(n)
	}
	timeout, _ := q.int("timeout")
	timeout = min(timeout, 24*3600)

	s.umu.Lock()
	s.confirm(offset)
	if p := s.poller; p != nil {
		p.kicked = true
		close(p.kick)
		s.poller = nil
	}
	if res := s.collect(offset, limit); res != nil || timeout <= 0 || s.isClosed() {
		s.umu.Unlock()
		if res == nil {
			res = rawEmpty
		}
		return okRaw(res)
	}
	me := &poller{kick: make(chan struct{})}
	s.poller = me
	timer := time.NewTimer(time.Duration(timeout) * time.Second)
	defer timer.Stop()
	for {
		if s.uwake == nil {
			s.uwake = make(chan struct{})
		}
		wake := s.uwake
		s.umu.Unlock()
		done := false
		select {
		case <-wake:
		case <-me.kick:
		case <-timer.C:
			done = true
		case <-q.hr.Context().Done():
			done = true
		case <-s.closing:
			done = true
		}
		s.umu.Lock()
		if me.kicked {
			s.umu.Unlock()
			return reply{status: http.StatusConflict, desc: errConflict}
		}
		if res := s.collect(offset, limit); res != nil || done {
			if s.poller == me {
				s.poller = nil
			}
			s.umu.Unlock()
			if res == nil {
				res = rawEmpty
			}
			return okRaw(res)
		}
	}
}

// SendText delivers a text message from u in u's private chat with the bot
// (chat id = user id). Text starting with "/" gets a bot_command entity.
func (s *Server) SendText(u User, text string) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.registerUser(u)
	return s.userMessage(c, wireUser(u), &msgRec{Message: Message{FromUser: u.ID, Text: text, HTML: text}, ents: botCommandEntity(text)})
}

// SendTextIn delivers a text message from u in the group or supergroup c,
// making c known.
func (s *Server) SendTextIn(c Chat, u User, text string) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.registerChat(c)
	return s.userMessage(st, wireUser(u), &msgRec{Message: Message{FromUser: u.ID, Text: text, HTML: text}, ents: botCommandEntity(text)})
}

// SendPhoto delivers a photo with a fresh fake file_id from u in u's private chat.
func (s *Server) SendPhoto(u User, caption string) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.registerUser(u)
	rec := &msgRec{Message: Message{FromUser: u.ID, Text: caption, HTML: caption, Photo: s.newFileID("photo")}}
	return s.userMessage(c, wireUser(u), rec)
}

// SendDocument delivers a document named name with a fresh fake file_id from
// u in u's private chat.
func (s *Server) SendDocument(u User, name, caption string) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.registerUser(u)
	rec := &msgRec{Message: Message{FromUser: u.ID, Text: caption, HTML: caption, Document: s.newFileID("document"), FileName: name}}
	return s.userMessage(c, wireUser(u), rec)
}

// ChannelPost delivers a channel_post in the channel c, making c known.
func (s *Server) ChannelPost(c Chat, text string) Message {
	c.Type = ChatChannel
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.registerChat(c)
	return s.userMessage(st, nil, &msgRec{Message: Message{Text: text, HTML: text}, ents: botCommandEntity(text)})
}

// userMessage keeps rec as a new message in c from the user from (nil for a
// channel post), queues its update and returns a copy. Caller holds s.mu.
func (s *Server) userMessage(c *chatState, from *wUser, rec *msgRec) Message {
	rec.Date = s.now()
	rec.from = from
	s.addMessage(c, rec)
	w := s.wireMessage(c, rec)
	u := &wUpdate{Message: w}
	if from == nil {
		u = &wUpdate{ChannelPost: w}
	}
	s.pushUpdate(u)
	s.emitMessage(EventMessage, c, rec, rec.Date)
	s.poke()
	return rec.export()
}

// Press makes u press the inline button with callback data data on message
// messageID in chat chatID. The callback_query carries the message as the
// fake has it (an inaccessible message, date 0, if it is unknown). It returns
// the callback query id, to be answered with answerCallbackQuery.
func (s *Server) Press(u User, chatID int64, messageID int, data string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	c := s.chats[chatID]
	if c == nil && chatID == u.ID {
		c = s.registerUser(u)
	}
	var msg *wMessage
	var exported *Message
	switch rec := c.getOrNil(messageID); {
	case rec != nil && !rec.Deleted:
		msg = s.wireMessage(c, rec)
		m := rec.export()
		exported = &m
	case c != nil:
		msg = &wMessage{MessageID: messageID, Chat: c.wire} // InaccessibleMessage
	default:
		msg = &wMessage{MessageID: messageID, Chat: &wChat{ID: chatID, Type: ChatGroup}}
	}
	s.nextCB++
	id := strconv.FormatUint(uint64(s.opt.BotID)<<12+s.nextCB, 10)
	s.callbacks[id] = chatID
	s.pushUpdate(&wUpdate{CallbackQuery: &wCallbackQuery{
		ID: id, From: wireUser(u), Message: msg, Data: data,
		ChatInstance: strconv.FormatInt(chatID*7919+int64(s.opt.BotID), 10),
	}})
	if len(s.subscribers) > 0 {
		s.emit(Event{Kind: EventCallback, At: now, ChatID: chatID, Message: exported, CallbackID: id, Data: data, From: u.ID})
	}
	s.poke()
	return id
}

// AddBotToChat delivers a my_chat_member update: by added the bot to c, whose
// status went from "left" to "member". c becomes known and writable again
// after a leaveChat.
func (s *Server) AddBotToChat(c Chat, by User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.registerChat(c)
	st.left = false
	s.pushUpdate(&wUpdate{MyChatMember: &wChatMemberUpdated{
		Chat: st.wire, From: wireUser(by), Date: s.now().Unix(),
		OldChatMember: wChatMember{User: &s.botUser, Status: "left"},
		NewChatMember: wChatMember{User: &s.botUser, Status: "member"},
	}})
	s.poke()
}

// RegisterChat makes c known without any update, so the bot can write to it
// (e.g. a channel the bot is an administrator of).
func (s *Server) RegisterChat(c Chat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registerChat(c)
}

// Inject queues a raw update for odd cases; the fake assigns its update_id
// (returned) and makes the chats it mentions known. Messages in it are not
// added to the chat histories.
func (s *Server) Inject(u tgbotapi.Update) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range []*tgbotapi.Message{u.Message, u.EditedMessage, u.ChannelPost, u.EditedChannelPost} {
		if m != nil && m.Chat != nil {
			s.registerTgChat(m.Chat)
		}
	}
	if u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat != nil {
		s.registerTgChat(u.CallbackQuery.Message.Chat)
	}
	if u.CallbackQuery != nil && u.CallbackQuery.ID != "" {
		var chatID int64
		if u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat != nil {
			chatID = u.CallbackQuery.Message.Chat.ID
		}
		s.callbacks[u.CallbackQuery.ID] = chatID
	}
	if u.MyChatMember != nil {
		s.registerTgChat(&u.MyChatMember.Chat)
	}
	s.umu.Lock()
	defer s.umu.Unlock()
	u.UpdateID = s.nextUID
	b, err := json.Marshal(u)
	if err != nil {
		panic("fakeapi: encoding injected update: " + err.Error())
	}
	id := u.UpdateID
	s.keep(b)
	s.poke()
	return id
}

// registerTgChat makes a chat from a tgbotapi value known. Caller holds s.mu.
func (s *Server) registerTgChat(c *tgbotapi.Chat) {
	if _, ok := s.chats[c.ID]; ok {
		return
	}
	st := s.registerChat(Chat{ID: c.ID, Type: c.Type, Title: c.Title, Username: c.UserName})
	if c.Type == ChatPrivate {
		st.wire = &wChat{ID: c.ID, Type: ChatPrivate, Username: c.UserName, FirstName: c.FirstName, LastName: c.LastName}
	}
}
