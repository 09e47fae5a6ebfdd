package fakeapi

import (
	"slices"
	"strconv"
	"strings"
)

// lightWindow is how many of each chat's most recent messages Light mode
// keeps, so that edits, deletes, copies and Press on recent messages still
// behave as in normal mode while memory stays bounded.
const lightWindow = 16

// msgRec is a message as the fake keeps it. The exported part is copied out
// by Messages; the rest is what the wire JSON needs. Slices are replaced,
// never modified in place, so wire values built from a msgRec stay valid
// after the lock is released.
type msgRec struct {
	Message
	from     *wUser // sender of a user message; nil for bot messages and channel posts
	ents     []wEntity
	inline   *wInlineMarkup
	editDate int64
}

// chatState is everything the fake knows about one chat. Guarded by Server.mu.
type chatState struct {
	info   Chat
	wire   *wChat // immutable; replaced when info changes
	msgs   []*msgRec
	ring   [lightWindow]*msgRec // Light mode: msgs is not used
	lastID int
	left   bool // the bot called leaveChat
	limits chatLimits
}

// get returns the message with id, nil if unknown (or forgotten in Light mode).
func (c *chatState) get(id int) *msgRec {
	if id <= 0 || id > c.lastID {
		return nil
	}
	if id <= len(c.msgs) {
		return c.msgs[id-1]
	}
	if r := c.ring[id%lightWindow]; r != nil && r.ID == id {
		return r
	}
	return nil
}

// getOrNil is get that also accepts a nil chat.
func (c *chatState) getOrNil(id int) *msgRec {
	if c == nil {
		return nil
	}
	return c.get(id)
}

// history returns the kept messages in id order.
func (c *chatState) history() []*msgRec {
	if c.msgs != nil {
		return c.msgs
	}
	var out []*msgRec
	for id := max(1, c.lastID-lightWindow+1); id <= c.lastID; id++ {
		if r := c.ring[id%lightWindow]; r != nil && r.ID == id {
			out = append(out, r)
		}
	}
	return out
}

// addMessage gives rec the chat's next message id and keeps it. Caller holds s.mu.
func (s *Server) addMessage(c *chatState, rec *msgRec) {
	c.lastID++
	rec.ID = c.lastID
	rec.ChatID = c.info.ID
	if s.opt.Light {
		c.ring[rec.ID%lightWindow] = rec
	} else {
		c.msgs = append(c.msgs, rec)
	}
	s.messages.Add(1)
}

// registerChat makes c known (creating or updating it) and returns its state.
// Caller holds s.mu.
func (s *Server) registerChat(c Chat) *chatState {
	if c.Type == "" {
		c.Type = ChatGroup
	}
	st := s.chats[c.ID]
	if st == nil {
		st = &chatState{}
		s.chats[c.ID] = st
	}
	if st.wire != nil && st.info == c {
		return st
	}
	if st.info.Username != "" {
		delete(s.usernames, strings.ToLower(st.info.Username))
	}
	st.info = c
	if c.Username != "" && c.Type != ChatPrivate {
		s.usernames[strings.ToLower(c.Username)] = c.ID
	}
	st.wire = &wChat{ID: c.ID, Type: c.Type, Title: c.Title, Username: c.Username, IsForum: c.Forum}
	return st
}

// registerUser makes the private chat with u known. Caller holds s.mu.
func (s *Server) registerUser(u User) *chatState {
	st := s.registerChat(Chat{ID: u.ID, Type: ChatPrivate, Username: u.Username})
	if st.wire.FirstName != u.FirstName || st.wire.LastName != u.LastName {
		st.wire = &wChat{ID: u.ID, Type: ChatPrivate, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName}
	}
	return st
}

// resolveChat finds the known chat named by a chat_id value: a numeric id,
// or @username for groups and channels. Caller holds s.mu.
func (s *Server) resolveChat(v string) *chatState {
	v = strings.TrimSpace(v)
	if name, ok := strings.CutPrefix(v, "@"); ok {
		if id, ok := s.usernames[strings.ToLower(name)]; ok {
			return s.chats[id]
		}
		return nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil
	}
	return s.chats[id]
}

// wireUser is the JSON form of a played user.
func wireUser(u User) *wUser {
	return &wUser{ID: u.ID, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username, LanguageCode: u.LanguageCode}
}

// wireMessage builds the JSON form of rec. Caller holds s.mu; the result
// only references immutable data and may be marshalled after unlocking.
func (s *Server) wireMessage(c *chatState, rec *msgRec) *wMessage {
	m := &wMessage{
		MessageID:           rec.ID,
		Date:                rec.Date.Unix(),
		Chat:                c.wire,
		EditDate:            rec.editDate,
		HasProtectedContent: rec.ProtectContent,
		ReplyMarkup:         rec.inline,
	}
	switch {
	case rec.FromBot:
		m.From = &s.botUser
		if c.info.Type == ChatChannel {
			m.SenderChat = c.wire
		}
	case rec.from != nil:
		m.From = rec.from
	default:
		m.SenderChat = c.wire // channel post
	}
	media := rec.isMedia()
	if media {
		m.Caption, m.CaptionEntities = rec.Text, rec.ents
	} else {
		m.Text, m.Entities = rec.Text, rec.ents
	}
	if rec.Photo != "" {
		m.Photo = []wPhotoSize{
			{FileID: rec.Photo, FileUniqueID: uniqueID(rec.Photo), Width: 90, Height: 60, FileSize: 1187},
			{FileID: rec.Photo + "_m", FileUniqueID: uniqueID(rec.Photo + "_m"), Width: 1280, Height: 853, FileSize: 102400},
		}
	}
	if rec.Document != "" {
		m.Document = &wDocument{FileID: rec.Document, FileUniqueID: uniqueID(rec.Document), FileName: rec.FileName,
			MimeType: mimeFor(rec.FileName), FileSize: 2048}
	}
	s.wireConsult(c, rec, m)
	wireRelay(rec, m)
	if rec.ReplyTo != 0 {
		if r := c.get(rec.ReplyTo); r != nil && !r.Deleted {
			reply := s.wireMessage(c, r)
			reply.ReplyToMessage = nil // Telegram does not nest further
			m.ReplyToMessage = reply
		}
	}
	return m
}

// uniqueID derives a stable fake file_unique_id from a file_id.
func uniqueID(fileID string) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(fileID); i++ {
		h ^= uint64(fileID[i])
		h *= 1099511628211
	}
	return "AQAD" + strconv.FormatUint(h, 36)
}

// mimeFor guesses a MIME type from a file name.
func mimeFor(name string) string {
	ext := strings.ToLower(name[strings.LastIndexByte(name, '.')+1:])
	switch ext {
	case "pdf":
		return "application/pdf"
	case "txt":
		return "text/plain"
	case "jpg", "jpeg":
		return "image/jpeg"
	case "png":
		return "image/png"
	case "zip":
		return "application/zip"
	}
	return "application/octet-stream"
}

// newFileID returns a fresh fake file_id; kind is "photo" or "document".
// Caller holds s.mu.
func (s *Server) newFileID(kind string) string {
	s.nextFile++
	prefix := "BQACAgIAAxkBAAI"
	if kind == "photo" {
		prefix = "AgACAgIAAxkBAAI"
	}
	return prefix + strconv.FormatUint(s.nextFile+1000000, 36)
}

// export returns a deep copy of the exported part of rec.
func (rec *msgRec) export() Message {
	m := rec.Message
	if m.Keyboard != nil {
		m.Keyboard = make([][]Button, len(rec.Keyboard))
		for i, row := range rec.Keyboard {
			m.Keyboard[i] = slices.Clone(row)
		}
	}
	if m.ReplyKeyboard != nil {
		m.ReplyKeyboard = make([][]string, len(rec.ReplyKeyboard))
		for i, row := range rec.ReplyKeyboard {
			m.ReplyKeyboard[i] = slices.Clone(row)
		}
	}
	if m.CopiedFrom != nil {
		ref := *m.CopiedFrom
		m.CopiedFrom = &ref
	}
	return m
}

// botCommandEntity returns the bot_command entity Telegram attaches to text
// starting with "/", nil otherwise.
func botCommandEntity(text string) []wEntity {
	if len(text) < 2 || text[0] != '/' {
		return nil
	}
	end := strings.IndexFunc(text, isSpaceRune)
	if end < 0 {
		end = len(text)
	}
	if end < 2 {
		return nil
	}
	return []wEntity{{Type: "bot_command", Offset: 0, Length: utf16Count(text[:end])}}
}

func isSpaceRune(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', 0x85, 0xA0:
		return true
	}
	return r >= 0x2000 && r <= 0x200A || r == 0x2028 || r == 0x2029 || r == 0x202F || r == 0x205F || r == 0x3000
}
