package fakeapi

import (
	"fmt"
	"strconv"
)

// The relay's other kinds of message: videos, video notes, stickers and documents that a person or
// a consultant sends (in a private chat, a group or a forum topic), copied faithfully by
// copyMessage and copyMessages (kind, file id, caption and its entities, protect_content).

// Media kinds a played user can send with SendMedia.
const (
	KindPhoto     = "photo"
	KindVideo     = "video"
	KindVideoNote = "video_note"
	KindDocument  = "document"
	KindSticker   = "sticker"
	KindVoice     = "voice"
)

// RelayMedia holds the file ids of the kinds only the relay uses (part of Message).
type RelayMedia struct {
	// Video, VideoNote and Sticker are file ids when the message is one of those.
	Video     string `json:"video,omitempty"`
	VideoNote string `json:"video_note,omitempty"`
	Sticker   string `json:"sticker,omitempty"`
}

// Entity is a caption or text entity as a test gives or reads it.
type Entity struct {
	Type   string
	Offset int
	Length int
}

// wVideo is a Video.
type wVideo struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	Duration     int    `json:"duration"`
	MimeType     string `json:"mime_type"`
	FileSize     int    `json:"file_size"`
}

// wVideoNote is a VideoNote (round, no caption).
type wVideoNote struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Length       int    `json:"length"`
	Duration     int    `json:"duration"`
	FileSize     int    `json:"file_size"`
}

// wSticker is a Sticker (no caption).
type wSticker struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Type         string `json:"type"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	IsAnimated   bool   `json:"is_animated"`
	IsVideo      bool   `json:"is_video"`
	Emoji        string `json:"emoji,omitempty"`
}

// wRelay is the part of a Message's JSON these kinds add.
type wRelay struct {
	Video     *wVideo     `json:"video,omitempty"`
	VideoNote *wVideoNote `json:"video_note,omitempty"`
	Sticker   *wSticker   `json:"sticker,omitempty"`
}

// wireRelay adds these kinds to a message's JSON.
func wireRelay(rec *msgRec, m *wMessage) {
	if rec.Video != "" {
		m.Video = &wVideo{FileID: rec.Video, FileUniqueID: uniqueID(rec.Video), Width: 640, Height: 360, Duration: 7, MimeType: "video/mp4", FileSize: 402400}
	}
	if rec.VideoNote != "" {
		m.VideoNote = &wVideoNote{FileID: rec.VideoNote, FileUniqueID: uniqueID(rec.VideoNote), Length: 384, Duration: 5, FileSize: 183000}
	}
	if rec.Sticker != "" {
		m.Sticker = &wSticker{FileID: rec.Sticker, FileUniqueID: uniqueID(rec.Sticker), Type: "regular", Width: 512, Height: 512, Emoji: "🙂"}
	}
}

// captioned reports the kinds whose text is a caption (a video note and a sticker have none).
func (rec *msgRec) captioned() bool {
	return rec.Photo != "" || rec.Document != "" || rec.Voice != "" || rec.Video != ""
}

// relayFileID is a fresh fake file id for kind, with Telegram's prefix for it.
func (s *Server) relayFileID(kind string) string {
	s.nextFile++
	prefix := map[string]string{
		KindPhoto: "AgACAgIAAxkBAAI", KindVideo: "BAACAgIAAxkBAAI", KindVideoNote: "DQACAgIAAxkBAAI",
		KindSticker: "CAACAgIAAxkBAAI", KindVoice: "AwACAgIAAxkBAAI",
	}[kind]
	if prefix == "" {
		prefix = "BQACAgIAAxkBAAI"
	}
	return prefix + strconv.FormatUint(s.nextFile+3000000, 36)
}

// SendMedia delivers a message of kind (KindPhoto, KindVideo, KindVideoNote, KindDocument,
// KindSticker, KindVoice) with a fresh file id from u in chat (u's private chat when chat.ID is 0
// or u's id), in topic thread when chat is a forum. caption and its entities go with the kinds
// Telegram gives a caption; for a video note or a sticker a non-empty caption panics (a test
// mistake). A document is named "file.pdf".
func (s *Server) SendMedia(u User, chat Chat, thread int, kind, caption string, ents ...Entity) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st *chatState
	if chat.ID == 0 || chat.ID == u.ID {
		st = s.registerUser(u)
	} else {
		st = s.registerChat(chat)
	}
	id := s.relayFileID(kind)
	rec := &msgRec{Message: Message{FromUser: u.ID, ThreadID: thread}}
	switch kind {
	case KindPhoto:
		rec.Photo = id
	case KindVideo:
		rec.Video = id
	case KindVideoNote:
		rec.VideoNote = id
	case KindDocument:
		rec.Document, rec.FileName = id, "file.pdf"
	case KindSticker:
		rec.Sticker = id
	case KindVoice:
		rec.Voice = id
	default:
		panic("fakeapi.SendMedia: unknown kind " + kind)
	}
	if caption != "" {
		if !rec.captioned() {
			panic(fmt.Sprintf("fakeapi.SendMedia: a %s has no caption", kind))
		}
		rec.Text, rec.HTML = caption, caption
		for _, e := range ents {
			rec.ents = append(rec.ents, wEntity{Type: e.Type, Offset: e.Offset, Length: e.Length})
		}
	}
	return s.userMessage(st, wireUser(u), rec)
}

// EditCaption makes u edit the caption of their message msgID in chatID (an edited_message
// update); "" removes it.
func (s *Server) EditCaption(u User, chatID int64, msgID int, caption string) {
	s.EditText(u, chatID, msgID, caption)
}

// Entities returns the entities of message id in chat (its caption's for media).
func (s *Server) Entities(chat int64, id int) []Entity {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chat]
	if c == nil {
		return nil
	}
	rec := c.getOrNil(id)
	if rec == nil {
		return nil
	}
	var out []Entity
	for _, e := range rec.ents {
		out = append(out, Entity{Type: e.Type, Offset: e.Offset, Length: e.Length})
	}
	return out
}

// Kind names the kind of m ("text" when it carries no media).
func (m Message) Kind() string {
	switch {
	case m.Photo != "":
		return KindPhoto
	case m.Video != "":
		return KindVideo
	case m.VideoNote != "":
		return KindVideoNote
	case m.Sticker != "":
		return KindSticker
	case m.Voice != "":
		return KindVoice
	case m.Document != "":
		return KindDocument
	case m.Location != "":
		return "location"
	case m.Contact != "":
		return "contact"
	}
	return "text"
}

// FileID is the file id of m's media ("" for none).
func (m Message) FileID() string {
	for _, f := range []string{m.Photo, m.Video, m.VideoNote, m.Sticker, m.Voice, m.Document} {
		if f != "" {
			return f
		}
	}
	return ""
}
