package fakeapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// Channels for the admin tools: the bot's member status per chat (getChatMember), pinned
// messages, videos and albums.

// adminState is guarded by Server.mu.
type adminState struct {
	status map[int64]string  // chat → the bot's status; default "administrator" in channels
	pinned map[int64][]int   // chat → pinned message ids, oldest first
	files  map[string][]byte // file id → content of documents sent with SendFile
}

// SendFile delivers a document with content data (and an optional caption) from u in their
// private chat; the bot can download it with getFile and the file URL.
func (s *Server) SendFile(u User, name, caption string, data []byte) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.registerUser(u)
	id := s.newFileID("document")
	if s.admin.files == nil {
		s.admin.files = map[string][]byte{}
	}
	s.admin.files[id] = append([]byte(nil), data...)
	rec := &msgRec{Message: Message{FromUser: u.ID, Text: caption, HTML: caption, Document: id, FileName: name}}
	return s.userMessage(c, wireUser(u), rec)
}

// getFile answers a File for a document sent with SendFile.
func (s *Server) getFile(q *request) reply {
	id := q.get("file_id")
	return s.withLock(func() (reply, any) {
		data, ok := s.admin.files[id]
		if !ok {
			return badRequest("Bad Request: invalid file_id"), nil
		}
		type file struct {
			FileID       string `json:"file_id"`
			FileUniqueID string `json:"file_unique_id"`
			FileSize     int    `json:"file_size"`
			FilePath     string `json:"file_path"`
		}
		return reply{}, file{id, uniqueID(id), len(data), "documents/" + id}
	})
}

// serveFile serves /file/bot<token>/documents/<file id>.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/file/bot")
	token, path, _ := strings.Cut(rest, "/")
	if s.opt.Token != "" && token != s.opt.Token {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	data, ok := s.admin.files[strings.TrimPrefix(path, "documents/")]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(data)
}

// SetBotStatus sets what getChatMember says about the bot in chat: "administrator",
// "member", "left", "kicked" ("" restores the default).
func (s *Server) SetBotStatus(chatID int64, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.admin.status == nil {
		s.admin.status = map[int64]string{}
	}
	if status == "" {
		delete(s.admin.status, chatID)
		return
	}
	s.admin.status[chatID] = status
}

// Pinned returns the ids of the messages pinned in chat, oldest first.
func (s *Server) Pinned(chatID int64) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.admin.pinned[chatID]...)
}

func (s *Server) getChatMember(q *request) reply {
	return s.withLock(func() (reply, any) {
		c := s.resolveChat(q.get("chat_id"))
		if c == nil {
			return badRequest(errChatNotFound), nil
		}
		uid, _ := q.int("user_id")
		if uid != s.opt.BotID && s.opt.BotID != 0 {
			return badRequest("Bad Request: user not found"), nil
		}
		status := s.admin.status[c.info.ID]
		if status == "" {
			status = "member"
			if c.info.Type == ChatChannel {
				status = "administrator"
			}
		}
		if c.left {
			status = "left"
		}
		if s.blocked[c.info.ID] {
			status = "kicked"
		}
		type member struct {
			Status          string `json:"status"`
			User            *wUser `json:"user"`
			CanPostMessages bool   `json:"can_post_messages,omitempty"`
			CanEditMessages bool   `json:"can_edit_messages,omitempty"`
		}
		admin := status == "administrator"
		return reply{}, member{Status: status, User: &s.botUser, CanPostMessages: admin, CanEditMessages: admin}
	})
}

func (s *Server) sendVideo(q *request) reply {
	file := strings.TrimSpace(q.get("video"))
	if file == "" {
		return badRequest("Bad Request: there is no video in the request")
	}
	ct := parseContent(q.get("caption"), q.get("parse_mode"), q.get("caption_entities"), true)
	return s.send(q, ct, func(rec *msgRec) { rec.Document, rec.FileName = file, "video.mp4" })
}

// sendMediaGroup sends 2–10 photos, videos or documents as an album; the caption is on the
// first. It answers an array of messages.
func (s *Server) sendMediaGroup(q *request) reply {
	var items []struct {
		Type            string          `json:"type"`
		Media           string          `json:"media"`
		Caption         string          `json:"caption"`
		ParseMode       string          `json:"parse_mode"`
		CaptionEntities json.RawMessage `json:"caption_entities"`
	}
	if err := json.Unmarshal([]byte(q.get("media")), &items); err != nil {
		return badRequest("Bad Request: can't parse media JSON object")
	}
	if len(items) < 2 || len(items) > 10 {
		return badRequest("Bad Request: wrong number of media in the album")
	}
	if q.has("reply_markup") {
		return badRequest("Bad Request: media groups can't have a reply markup")
	}
	var cts []content
	for _, it := range items {
		ents := ""
		if len(it.CaptionEntities) > 0 {
			ents = string(it.CaptionEntities)
		}
		ct := parseContent(it.Caption, it.ParseMode, ents, true)
		if ct.err != "" {
			return badRequest(ct.err)
		}
		cts = append(cts, ct)
	}
	return s.withLock(func() (reply, any) {
		c, rp, ok := s.target(q)
		if !ok {
			return rp, nil
		}
		if rp, ok := s.limit(q, c); !ok {
			return rp, nil
		}
		var out []*wMessage
		for i, it := range items {
			rec := &msgRec{
				Message: Message{FromBot: true, Text: cts[i].text, HTML: cts[i].html, ParseMode: cts[i].mode,
					ProtectContent: q.bool("protect_content"), Date: q.at},
				ents: cts[i].ents,
			}
			if it.Type == "photo" {
				rec.Photo = it.Media
			} else {
				rec.Document, rec.FileName = it.Media, it.Type
			}
			s.addMessage(c, rec)
			s.emitMessage(EventMessage, c, rec, q.at)
			out = append(out, s.wireMessage(c, rec))
		}
		return reply{}, out
	})
}

func (s *Server) pinChatMessage(q *request) reply   { return s.pin(q, true) }
func (s *Server) unpinChatMessage(q *request) reply { return s.pin(q, false) }
func (s *Server) pin(q *request, pin bool) reply {
	id, _ := strconv.Atoi(q.get("message_id"))
	return s.withLock(func() (reply, any) {
		c, rp, ok := s.target(q)
		if !ok {
			return rp, nil
		}
		if c.info.Type == ChatChannel && s.admin.status[c.info.ID] != "" && s.admin.status[c.info.ID] != "administrator" {
			return badRequest("Bad Request: not enough rights to manage pinned messages in the chat"), nil
		}
		if s.admin.pinned == nil {
			s.admin.pinned = map[int64][]int{}
		}
		list := s.admin.pinned[c.info.ID]
		if pin {
			if r := c.get(id); r == nil || r.Deleted {
				return badRequest("Bad Request: message to pin not found"), nil
			}
			s.admin.pinned[c.info.ID] = append(list, id)
			return okRaw(rawTrue), nil
		}
		keep := list[:0:0]
		for _, x := range list {
			if x != id && id != 0 {
				keep = append(keep, x)
			}
		}
		s.admin.pinned[c.info.ID] = keep
		return okRaw(rawTrue), nil
	})
}
