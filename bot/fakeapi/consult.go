package fakeapi

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Forum topics, albums, voice messages, reactions and edits by users: what the peer-consultant
// relay needs from the fake. A forum topic's id is the id of its "topic created" service message,
// as in Telegram; a message sent with message_thread_id lands in that topic, and a topic that was
// deleted answers "message thread not found".

const (
	errThreadNotFound = "Bad Request: message thread not found"
	errNotForum       = "Bad Request: the chat is not a forum"
	errTopicName      = "Bad Request: TOPIC_NAME_INVALID"
	errReactionEmpty  = "Bad Request: REACTION_INVALID"
	errCopyIDs        = "Bad Request: message identifiers are not specified"
)

// Topic is a forum topic as the fake has it.
type Topic struct {
	ID      int    `json:"id"`
	Name    string `json:"name"`
	Color   int    `json:"color"`
	Closed  bool   `json:"closed,omitempty"`
	Deleted bool   `json:"deleted,omitempty"`
}

type forumState struct {
	topics map[int]*Topic
	order  []int
}

// forum returns c's topics, nil if c is not a forum. Caller holds s.mu.
func (s *Server) forum(c *chatState) *forumState {
	if !c.info.Forum {
		return nil
	}
	if s.forums == nil {
		s.forums = map[int64]*forumState{}
	}
	f := s.forums[c.info.ID]
	if f == nil {
		f = &forumState{topics: map[int]*Topic{}}
		s.forums[c.info.ID] = f
	}
	return f
}

// threadFor reads message_thread_id for a message sent to c and checks the topic exists.
// Caller holds s.mu.
func (s *Server) threadFor(q *request, c *chatState) (int, string) {
	n, ok := q.int("message_thread_id")
	if !ok || n == 0 {
		return 0, ""
	}
	f := s.forum(c)
	if f == nil {
		return 0, "" // Telegram ignores it outside forums
	}
	if t := f.topics[int(n)]; t == nil || t.Deleted {
		return 0, errThreadNotFound
	}
	return int(n), ""
}

// isMedia reports a message whose text is a caption.
func (rec *msgRec) isMedia() bool { return rec.captioned() }

// wVoice is a Voice.
type wVoice struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Duration     int    `json:"duration"`
}

// wLocation is a Location.
type wLocation struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// wContact is a Contact.
type wContact struct {
	PhoneNumber string `json:"phone_number"`
	FirstName   string `json:"first_name"`
	UserID      int64  `json:"user_id,omitempty"`
}

// wTopicCreated is a ForumTopicCreated.
type wTopicCreated struct {
	Name      string `json:"name"`
	IconColor int    `json:"icon_color"`
}

// wireConsult adds the relay's fields to a message's JSON. Caller holds s.mu.
func (s *Server) wireConsult(c *chatState, rec *msgRec, m *wMessage) {
	if rec.ThreadID != 0 && c.info.Forum {
		m.MessageThreadID, m.IsTopicMessage = rec.ThreadID, true
	}
	m.MediaGroupID = rec.MediaGroup
	if rec.Location != "" {
		var l wLocation
		if _, err := fmt.Sscanf(rec.Location, "%g,%g", &l.Latitude, &l.Longitude); err == nil {
			m.Location = &l
		}
	}
	if rec.Contact != "" {
		m.Contact = &wContact{PhoneNumber: rec.Contact, FirstName: "Contact", UserID: rec.FromUser}
	}
	if rec.Voice != "" {
		m.Voice = &wVoice{FileID: rec.Voice, FileUniqueID: uniqueID(rec.Voice), Duration: 3}
	}
	if rec.Service == "forum_topic_created" {
		if f := s.forums[c.info.ID]; f != nil {
			if t := f.topics[rec.ID]; t != nil {
				m.ForumTopicCreated = &wTopicCreated{Name: t.Name, IconColor: t.Color}
				m.MessageThreadID, m.IsTopicMessage = rec.ID, true
			}
		}
	}
}

func (s *Server) createForumTopic(q *request) reply {
	name := q.get("name")
	color, _ := q.int("icon_color")
	return s.withLock(func() (reply, any) {
		c, rp, ok := s.target(q)
		if !ok {
			return rp, nil
		}
		f := s.forum(c)
		if f == nil {
			return badRequest(errNotForum), nil
		}
		if n := len([]rune(name)); n == 0 || n > 128 {
			return badRequest(errTopicName), nil
		}
		if rp, ok := s.limit(q, c); !ok {
			return rp, nil
		}
		rec := &msgRec{Message: Message{FromBot: true, Text: name, HTML: name, Date: q.at, Service: "forum_topic_created"}}
		s.addMessage(c, rec)
		rec.ThreadID = rec.ID
		f.topics[rec.ID] = &Topic{ID: rec.ID, Name: name, Color: int(color)}
		f.order = append(f.order, rec.ID)
		s.emitMessage(EventMessage, c, rec, q.at)
		return reply{}, struct {
			ID    int    `json:"message_thread_id"`
			Name  string `json:"name"`
			Color int    `json:"icon_color"`
		}{rec.ID, name, int(color)}
	})
}

// topicCall serves the calls on an existing topic.
func (s *Server) topicCall(q *request, fn func(t *Topic) string) reply {
	id, _ := q.int("message_thread_id")
	return s.withLock(func() (reply, any) {
		c, rp, ok := s.target(q)
		if !ok {
			return rp, nil
		}
		f := s.forum(c)
		if f == nil {
			return badRequest(errNotForum), nil
		}
		t := f.topics[int(id)]
		if t == nil || t.Deleted {
			return badRequest(errThreadNotFound), nil
		}
		if e := fn(t); e != "" {
			return badRequest(e), nil
		}
		return okRaw(rawTrue), nil
	})
}

func (s *Server) editForumTopic(q *request) reply {
	name := q.get("name")
	return s.topicCall(q, func(t *Topic) string {
		if n := len([]rune(name)); n == 0 || n > 128 {
			return errTopicName
		}
		if t.Name == name {
			return "Bad Request: TOPIC_NOT_MODIFIED"
		}
		t.Name = name
		return ""
	})
}

func (s *Server) closeForumTopic(q *request) reply {
	return s.topicCall(q, func(t *Topic) string {
		if t.Closed {
			return "Bad Request: TOPIC_NOT_MODIFIED"
		}
		t.Closed = true
		return ""
	})
}

func (s *Server) reopenForumTopic(q *request) reply {
	return s.topicCall(q, func(t *Topic) string {
		if !t.Closed {
			return "Bad Request: TOPIC_NOT_MODIFIED"
		}
		t.Closed = false
		return ""
	})
}

func (s *Server) deleteForumTopic(q *request) reply {
	id, _ := q.int("message_thread_id")
	return s.withLock(func() (reply, any) {
		c, rp, ok := s.target(q)
		if !ok {
			return rp, nil
		}
		if f := s.forum(c); f == nil {
			return badRequest(errNotForum), nil
		} else if t := f.topics[int(id)]; t == nil || t.Deleted {
			return badRequest(errThreadNotFound), nil
		}
		s.dropTopic(c, int(id))
		return okRaw(rawTrue), nil
	})
}

// dropTopic deletes a topic and its messages. Caller holds s.mu.
func (s *Server) dropTopic(c *chatState, id int) {
	s.forums[c.info.ID].topics[id].Deleted = true
	for _, r := range c.history() {
		if r.ThreadID == id && !r.Deleted {
			r.Deleted = true
			s.emitMessage(EventDeleted, c, r, s.now())
		}
	}
}

// copyMessages copies several messages (an album stays an album) and answers their new ids.
func (s *Server) copyMessages(q *request) reply {
	var ids []int
	if err := json.Unmarshal([]byte(q.get("message_ids")), &ids); err != nil || len(ids) == 0 || len(ids) > 100 {
		return badRequest(errCopyIDs)
	}
	return s.withLock(func() (reply, any) {
		c, rp, ok := s.target(q)
		if !ok {
			return rp, nil
		}
		from := s.resolveChat(q.get("from_chat_id"))
		if from == nil {
			return badRequest(errChatNotFound), nil
		}
		thread, terr := s.threadFor(q, c)
		if terr != "" {
			return badRequest(terr), nil
		}
		var srcs []*msgRec
		for _, id := range ids {
			if r := from.get(id); r != nil && !r.Deleted {
				srcs = append(srcs, r)
			}
		}
		if len(srcs) == 0 {
			return badRequest(errCopyNotFound), nil
		}
		if rp, ok := s.limit(q, c); !ok {
			return rp, nil
		}
		group := ""
		if len(srcs) > 1 {
			s.nextFile++
			group = "album" + strconv.FormatUint(s.nextFile, 10)
		}
		type mid struct {
			ID int `json:"message_id"`
		}
		out := make([]mid, 0, len(srcs))
		for _, src := range srcs {
			rec := &msgRec{
				Message: Message{
					FromBot: true, Text: src.Text, HTML: src.HTML, ParseMode: src.ParseMode,
					Photo: src.Photo, Document: src.Document, FileName: src.FileName, Voice: src.Voice, RelayMedia: src.RelayMedia,
					ProtectContent: q.bool("protect_content"), Date: q.at, ThreadID: thread, MediaGroup: group,
				},
				ents: src.ents,
			}
			rec.CopiedFrom = &MessageRef{ChatID: from.info.ID, MessageID: src.ID}
			s.addMessage(c, rec)
			s.emitMessage(EventMessage, c, rec, q.at)
			out = append(out, mid{rec.ID})
		}
		return reply{}, out
	})
}

func (s *Server) setMessageReaction(q *request) reply {
	id, _ := q.int("message_id")
	var rs []struct {
		Type  string `json:"type"`
		Emoji string `json:"emoji"`
	}
	raw := strings.TrimSpace(q.get("reaction"))
	if raw != "" && json.Unmarshal([]byte(raw), &rs) != nil {
		return badRequest(errReactionEmpty)
	}
	return s.withLock(func() (reply, any) {
		c := s.resolveChat(q.get("chat_id"))
		if c == nil {
			return badRequest(errChatNotFound), nil
		}
		rec := c.get(int(id))
		if rec == nil || rec.Deleted {
			return badRequest("Bad Request: message to react not found"), nil
		}
		rec.Reaction = ""
		if len(rs) > 0 {
			if rs[0].Type != "emoji" || rs[0].Emoji == "" {
				return badRequest(errReactionEmpty), nil
			}
			rec.Reaction = rs[0].Emoji
		}
		s.emitMessage(EventEdited, c, rec, q.at)
		return okRaw(rawTrue), nil
	})
}

// SendTextInTopic delivers a text message from u in topic thread of the forum c (0: the
// general topic).
func (s *Server) SendTextInTopic(c Chat, thread int, u User, text string) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.registerChat(c)
	return s.userMessage(st, wireUser(u), &msgRec{Message: Message{FromUser: u.ID, Text: text, HTML: text, ThreadID: thread}, ents: botCommandEntity(text)})
}

// SendTextReply delivers a text message from u in chat (u's private chat when chat is 0) that
// replies to message replyTo.
func (s *Server) SendTextReply(u User, chat Chat, replyTo int, text string) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st *chatState
	if chat.ID == 0 || chat.ID == u.ID {
		st = s.registerUser(u)
	} else {
		st = s.registerChat(chat)
	}
	return s.userMessage(st, wireUser(u), &msgRec{Message: Message{FromUser: u.ID, Text: text, HTML: text, ReplyTo: replyTo}, ents: botCommandEntity(text)})
}

// SendAlbum delivers n photos from u in u's private chat as one album (one update each, one
// media_group_id), the first with caption.
func (s *Server) SendAlbum(u User, n int, caption string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.registerUser(u)
	s.nextFile++
	group := "album" + strconv.FormatUint(s.nextFile, 10)
	var out []Message
	for i := range n {
		rec := &msgRec{Message: Message{FromUser: u.ID, Photo: s.newFileID("photo"), MediaGroup: group}}
		if i == 0 {
			rec.Text, rec.HTML = caption, caption
		}
		out = append(out, s.userMessage(c, wireUser(u), rec))
	}
	return out
}

// SendVoice delivers a voice message from u in chat (u's private chat when chat.ID is 0), in
// topic thread when chat is a forum.
func (s *Server) SendVoice(u User, chat Chat, thread int) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st *chatState
	if chat.ID == 0 || chat.ID == u.ID {
		st = s.registerUser(u)
	} else {
		st = s.registerChat(chat)
	}
	s.nextFile++
	return s.userMessage(st, wireUser(u), &msgRec{Message: Message{FromUser: u.ID, Voice: "AwACAgIAAxkBAAI" + strconv.FormatUint(s.nextFile+2000000, 36), ThreadID: thread}})
}

// SendLocation delivers a shared location from u in u's private chat.
func (s *Server) SendLocation(u User, lat, lon float64) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.registerUser(u)
	return s.userMessage(c, wireUser(u), &msgRec{Message: Message{FromUser: u.ID, Location: fmt.Sprintf("%g,%g", lat, lon)}})
}

// SendContact delivers u's own contact (phone number and user id) in u's private chat.
func (s *Server) SendContact(u User, phone string) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.registerUser(u)
	return s.userMessage(c, wireUser(u), &msgRec{Message: Message{FromUser: u.ID, Contact: phone}})
}

// EditText makes u edit their message msgID in chatID (an edited_message update).
func (s *Server) EditText(u User, chatID int64, msgID int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	rec := c.getOrNil(msgID)
	if rec == nil || rec.FromUser != u.ID {
		return
	}
	rec.Text, rec.HTML = text, text
	rec.Edited++
	rec.editDate = s.now().Unix()
	s.pushUpdate(&wUpdate{EditedMessage: s.wireMessage(c, rec)})
	s.emitMessage(EventEdited, c, rec, s.now())
	s.poke()
}

// DeleteTopic deletes a forum topic as a group admin would (no update reaches the bot).
func (s *Server) DeleteTopic(chatID int64, thread int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil || s.forums[chatID] == nil || s.forums[chatID].topics[thread] == nil {
		return
	}
	s.dropTopic(c, thread)
}

// Topics lists the forum's topics in creation order (deleted ones included, marked).
func (s *Server) Topics(chatID int64) []Topic {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.forums[chatID]
	if f == nil {
		return nil
	}
	out := make([]Topic, 0, len(f.order))
	for _, id := range f.order {
		out = append(out, *f.topics[id])
	}
	return out
}
