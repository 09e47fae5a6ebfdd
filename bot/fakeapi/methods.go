package fakeapi

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Telegram's error texts.
const (
	errChatNotFound     = "Bad Request: chat not found"
	errTextEmpty        = "Bad Request: message text is empty"
	errTextLong         = "Bad Request: message is too long"
	errCaptionLong      = "Bad Request: message caption is too long"
	errUTF8             = "Bad Request: text must be encoded in UTF-8"
	errParseEntities    = "Bad Request: can't parse entities: "
	errEntitiesJSON     = "Bad Request: can't parse entities JSON object"
	errParseMode        = "Bad Request: unsupported parse_mode"
	errEditNotFound     = "Bad Request: message to edit not found"
	errNotModified      = "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"
	errNoTextToEdit     = "Bad Request: there is no text in the message to edit"
	errNoCaptionToEdit  = "Bad Request: there is no caption in the message to edit"
	errDeleteNotFound   = "Bad Request: message to delete not found"
	errCantDelete       = "Bad Request: message can't be deleted for everyone"
	errDeleteIDs        = "Bad Request: message identifiers are not specified"
	errDeleteTooMany    = "Bad Request: too many message identifiers specified"
	errQueryInvalid     = "Bad Request: query is too old and response timeout expired or query ID is invalid"
	errAnswerLong       = "Bad Request: MESSAGE_TOO_LONG"
	errCopyNotFound     = "Bad Request: message to copy not found"
	errReplyNotFound    = "Bad Request: message to be replied not found"
	errNoPhoto          = "Bad Request: there is no photo in the request"
	errNoDocument       = "Bad Request: there is no document in the request"
	errChatAction       = "Bad Request: wrong parameter action in request"
	errLeavePrivate     = "Bad Request: chat member status can't be changed in private chats"
	errCommandsJSON     = "Bad Request: can't parse commands JSON object"
	errCommandsTooMany  = "Bad Request: too many commands specified"
	errCommandInvalid   = "Bad Request: BOT_COMMAND_INVALID"
	errCommandDescr     = "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"
	errScopeJSON        = "Bad Request: can't parse BotCommandScope JSON object"
	errBlockedByUser    = "Forbidden: bot was blocked by the user"
	maxTextLen          = 4096
	maxCaptionLen       = 1024
	maxAnswerLen        = 200
	deleteForEveryoneIn = 48 * time.Hour
)

// content is a validated message text or caption.
type content struct {
	text, html, mode string
	ents             []wEntity
	err              string // Telegram error text; "" when valid
}

// parseContent validates text (or a caption) sent with parse mode mode and,
// without a parse mode, the explicit entities JSON.
func parseContent(raw, mode, entities string, caption bool) content {
	c := content{text: raw, html: raw}
	if !utf8.ValidString(raw) {
		c.err = errUTF8
		return c
	}
	switch strings.ToLower(mode) {
	case "":
		if entities != "" {
			if err := json.Unmarshal([]byte(entities), &c.ents); err != nil {
				c.err = errEntitiesJSON
				return c
			}
		}
	case "html":
		c.mode = "HTML"
		plain, ents, reason := parseHTML(raw)
		if reason != "" {
			c.err = errParseEntities + reason
			return c
		}
		c.text, c.ents = plain, ents
	case "markdown":
		c.mode = "Markdown" // accepted, kept as sent
	case "markdownv2":
		c.mode = "MarkdownV2" // accepted, kept as sent
	default:
		c.err = errParseMode
		return c
	}
	switch {
	case !caption && strings.TrimFunc(c.text, isSpaceRune) == "":
		c.err = errTextEmpty
	case !caption && utf16Count(c.text) > maxTextLen:
		c.err = errTextLong
	case caption && utf16Count(c.text) > maxCaptionLen:
		c.err = errCaptionLong
	}
	return c
}

// tooMany is the 429 answer of the flood limits.
func tooMany(retryAfter int) reply {
	return reply{
		status:     http.StatusTooManyRequests,
		desc:       "Too Many Requests: retry after " + strconv.Itoa(retryAfter),
		retryAfter: retryAfter,
		limited:    true,
	}
}

// withLock runs fn holding s.mu and marshals the value it returns (if not
// nil) after unlocking.
func (s *Server) withLock(fn func() (reply, any)) reply {
	s.mu.Lock()
	rp, v := fn()
	s.mu.Unlock()
	if v != nil {
		return okJSON(v)
	}
	return rp
}

// target resolves chat_id for a call that writes to the chat and checks the
// bot may write there. Caller holds s.mu.
func (s *Server) target(q *request) (*chatState, reply, bool) {
	c := s.resolveChat(q.get("chat_id"))
	if c == nil {
		return nil, badRequest(errChatNotFound), false
	}
	if e := s.writeErr(c); e != "" {
		return nil, forbidden(e), false
	}
	return c, reply{}, true
}

// writeErr is the 403 text for writing to c, "" if allowed. Caller holds s.mu.
func (s *Server) writeErr(c *chatState) string {
	if s.blocked[c.info.ID] {
		if c.info.Type == ChatPrivate {
			return errBlockedByUser
		}
		return "Forbidden: bot was kicked from the " + c.info.Type + " chat"
	}
	if c.left {
		return "Forbidden: bot is not a member of the " + c.info.Type + " chat"
	}
	return ""
}

// limit applies the flood limits to a send-type call to c; ok is false with
// the 429 answer when over. On success the call is counted. Caller holds s.mu.
func (s *Server) limit(q *request, c *chatState) (reply, bool) {
	if !s.opt.Limits {
		return reply{}, true
	}
	if ra := s.checkLimits(q.at, c); ra > 0 {
		return tooMany(ra), false
	}
	s.consumeLimits(q.at, c)
	return reply{}, true
}

// replyTarget reads reply_to_message_id or reply_parameters.
func replyTarget(q *request) (id int, allowMissing bool) {
	if n, ok := q.int("reply_to_message_id"); ok {
		id = int(n)
	}
	allowMissing = q.bool("allow_sending_without_reply")
	if raw := q.get("reply_parameters"); raw != "" {
		var p struct {
			MessageID int  `json:"message_id"`
			Allow     bool `json:"allow_sending_without_reply"`
		}
		if json.Unmarshal([]byte(raw), &p) == nil {
			id, allowMissing = p.MessageID, allowMissing || p.Allow
		}
	}
	return id, allowMissing
}

// applyMarkup stores a parsed reply markup on rec.
func applyMarkup(rec *msgRec, mk markup) {
	rec.inline = mk.inline
	rec.Keyboard = mk.inline.buttons()
	rec.ReplyKeyboard = mk.keyboard
	rec.PersistentKeyboard = mk.persistent
	rec.RemoveKeyboard = mk.remove
	rec.ForceReply = mk.forceReply
}

// send creates a bot message from a validated text or caption; media, when
// not nil, fills in the media fields under the lock.
func (s *Server) send(q *request, ct content, media func(*msgRec)) reply {
	mk, mkErr := parseMarkup(q.get("reply_markup"))
	replyTo, allowMissing := replyTarget(q)
	return s.withLock(func() (reply, any) {
		c, rp, ok := s.target(q)
		if !ok {
			return rp, nil
		}
		if ct.err != "" {
			return badRequest(ct.err), nil
		}
		if mkErr != "" {
			return badRequest(mkErr), nil
		}
		thread, terr := s.threadFor(q, c)
		if terr != "" {
			return badRequest(terr), nil
		}
		if replyTo != 0 {
			if r := c.get(replyTo); r == nil || r.Deleted {
				if !allowMissing {
					return badRequest(errReplyNotFound), nil
				}
				replyTo = 0
			}
		}
		if rp, ok := s.limit(q, c); !ok {
			return rp, nil
		}
		rec := &msgRec{
			Message: Message{
				FromBot: true, Text: ct.text, HTML: ct.html, ParseMode: ct.mode,
				ReplyTo: replyTo, ProtectContent: q.bool("protect_content"), Date: q.at,
				ThreadID: thread,
			},
			ents: ct.ents,
		}
		applyMarkup(rec, mk)
		if media != nil {
			media(rec)
		}
		s.addMessage(c, rec)
		s.emitMessage(EventMessage, c, rec, q.at)
		return reply{}, s.wireMessage(c, rec)
	})
}

func (s *Server) sendMessage(q *request) reply {
	return s.send(q, parseContent(q.get("text"), q.get("parse_mode"), q.get("entities"), false), nil)
}

func (s *Server) sendPhoto(q *request) reply {
	return s.sendMedia(q, "photo", errNoPhoto)
}

func (s *Server) sendDocument(q *request) reply {
	return s.sendMedia(q, "document", errNoDocument)
}

// sendMedia serves sendPhoto and sendDocument. The file is a new upload
// (multipart), a URL (both get a fresh file_id) or an existing file_id,
// which is kept.
func (s *Server) sendMedia(q *request, field, errMissing string) reply {
	file := strings.TrimSpace(q.get(field))
	if file == "" {
		return badRequest(errMissing)
	}
	uploaded, isUpload := q.uploads[field]
	fresh := isUpload || strings.HasPrefix(file, "http://") || strings.HasPrefix(file, "https://") ||
		strings.HasPrefix(file, "attach://")
	ct := parseContent(q.get("caption"), q.get("parse_mode"), q.get("caption_entities"), true)
	return s.send(q, ct, func(rec *msgRec) {
		id := file
		if fresh {
			id = s.newFileID(field)
		}
		if field == "photo" {
			rec.Photo = id
			return
		}
		rec.Document = id
		switch {
		case isUpload:
			rec.FileName = uploaded
		case strings.HasPrefix(file, "http"):
			rec.FileName = file[strings.LastIndexByte(file, '/')+1:]
		default:
			rec.FileName = "document"
		}
	})
}

// Edit kinds.
const (
	editText = iota
	editCaption
	editMarkup
)

func (s *Server) editMessageText(q *request) reply        { return s.edit(q, editText) }
func (s *Server) editMessageCaption(q *request) reply     { return s.edit(q, editCaption) }
func (s *Server) editMessageReplyMarkup(q *request) reply { return s.edit(q, editMarkup) }

// edit serves the editMessage* methods. As in Telegram, an edit without
// reply_markup removes the inline keyboard.
func (s *Server) edit(q *request, kind int) reply {
	var ct content
	switch kind {
	case editText:
		ct = parseContent(q.get("text"), q.get("parse_mode"), q.get("entities"), false)
	case editCaption:
		ct = parseContent(q.get("caption"), q.get("parse_mode"), q.get("caption_entities"), true)
	}
	mk, mkErr := parseMarkup(q.get("reply_markup"))
	if mkErr == "" && !mk.isInline() {
		mkErr = errInlineExpected
	}
	id, _ := q.int("message_id")
	return s.withLock(func() (reply, any) {
		c, rp, ok := s.target(q)
		if !ok {
			return rp, nil
		}
		rec := c.get(int(id))
		if rec == nil || !rec.FromBot || rec.Deleted {
			return badRequest(errEditNotFound), nil
		}
		media := rec.isMedia()
		switch {
		case kind == editText && media:
			return badRequest(errNoTextToEdit), nil
		case kind == editCaption && !media:
			return badRequest(errNoCaptionToEdit), nil
		case ct.err != "":
			return badRequest(ct.err), nil
		case mkErr != "":
			return badRequest(mkErr), nil
		}
		same := rec.inline.equal(mk.inline)
		if kind != editMarkup {
			same = same && ct.text == rec.Text && slices.Equal(ct.ents, rec.ents)
		}
		if same {
			return badRequest(errNotModified), nil
		}
		if rp, ok := s.limit(q, c); !ok {
			return rp, nil
		}
		if kind != editMarkup {
			rec.Text, rec.HTML, rec.ParseMode, rec.ents = ct.text, ct.html, ct.mode, ct.ents
		}
		rec.inline = mk.inline
		rec.Keyboard = mk.inline.buttons()
		rec.Edited++
		rec.editDate = q.at.Unix()
		s.emitMessage(EventEdited, c, rec, q.at)
		return reply{}, s.wireMessage(c, rec)
	})
}

// deletable reports the error deleting rec in c at now gives, "" if none.
func deletable(c *chatState, rec *msgRec, now time.Time) string {
	if rec == nil || rec.Deleted {
		return errDeleteNotFound
	}
	if c.info.Type == ChatPrivate && now.Sub(rec.Date) > deleteForEveryoneIn {
		return errCantDelete
	}
	return ""
}

func (s *Server) deleteMessage(q *request) reply {
	id, _ := q.int("message_id")
	return s.withLock(func() (reply, any) {
		c := s.resolveChat(q.get("chat_id"))
		if c == nil {
			return badRequest(errChatNotFound), nil
		}
		rec := c.get(int(id))
		if e := deletable(c, rec, q.at); e != "" {
			return badRequest(e), nil
		}
		if rp, ok := s.limit(q, c); !ok {
			return rp, nil
		}
		rec.Deleted = true
		s.emitMessage(EventDeleted, c, rec, q.at)
		return okRaw(rawTrue), nil
	})
}

// deleteMessages deletes the listed messages that can be deleted and skips
// the others, as Telegram does.
func (s *Server) deleteMessages(q *request) reply {
	var ids []int
	if err := json.Unmarshal([]byte(q.get("message_ids")), &ids); err != nil || len(ids) == 0 {
		return badRequest(errDeleteIDs)
	}
	if len(ids) > 100 {
		return badRequest(errDeleteTooMany)
	}
	return s.withLock(func() (reply, any) {
		c := s.resolveChat(q.get("chat_id"))
		if c == nil {
			return badRequest(errChatNotFound), nil
		}
		if rp, ok := s.limit(q, c); !ok {
			return rp, nil
		}
		for _, id := range ids {
			if rec := c.get(id); deletable(c, rec, q.at) == "" {
				rec.Deleted = true
				s.emitMessage(EventDeleted, c, rec, q.at)
			}
		}
		return okRaw(rawTrue), nil
	})
}

func (s *Server) answerCallbackQuery(q *request) reply {
	id := q.get("callback_query_id")
	text := q.get("text")
	return s.withLock(func() (reply, any) {
		chatID, ok := s.callbacks[id]
		if !ok {
			return badRequest(errQueryInvalid), nil
		}
		if utf16Count(text) > maxAnswerLen {
			return badRequest(errAnswerLong), nil
		}
		delete(s.callbacks, id)
		if len(s.subscribers) > 0 {
			s.emit(Event{Kind: EventAnswer, At: q.at, ChatID: chatID, CallbackID: id, Text: text,
				ShowAlert: q.bool("show_alert"), URL: q.get("url")})
		}
		return okRaw(rawTrue), nil
	})
}

// copyMessage copies a message without a link to the original (no "forwarded from"). The fake
// deliberately does not serve the Bot API's forward method: peerline must never forward, since a
// forward shows who wrote the original. Such a call is answered 404 like any unknown method and
// stays in the call log, where tests look for it.
func (s *Server) copyMessage(q *request) reply {
	var ct content
	hasCaption := q.has("caption")
	if hasCaption {
		ct = parseContent(q.get("caption"), q.get("parse_mode"), q.get("caption_entities"), true)
	}
	mk, mkErr := parseMarkup(q.get("reply_markup"))
	replyTo, allowMissing := replyTarget(q)
	srcID, _ := q.int("message_id")
	s.mu.Lock()
	c, rp, ok := s.target(q)
	if !ok {
		s.mu.Unlock()
		return rp
	}
	var src *msgRec
	from := s.resolveChat(q.get("from_chat_id"))
	if from != nil {
		src = from.get(int(srcID))
	}
	var fail string
	switch {
	case src == nil || src.Deleted:
		fail = errCopyNotFound
	case ct.err != "":
		fail = ct.err
	case mkErr != "":
		fail = mkErr
	}
	thread, terr := s.threadFor(q, c)
	if fail == "" && terr != "" {
		fail = terr
	}
	if fail == "" && replyTo != 0 {
		if r := c.get(replyTo); r == nil || r.Deleted {
			if !allowMissing {
				fail = errReplyNotFound
			}
			replyTo = 0
		}
	}
	if fail != "" {
		s.mu.Unlock()
		return badRequest(fail)
	}
	if rp, ok := s.limit(q, c); !ok {
		s.mu.Unlock()
		return rp
	}
	rec := &msgRec{
		Message: Message{
			FromBot: true, Text: src.Text, HTML: src.HTML, ParseMode: src.ParseMode,
			Photo: src.Photo, Document: src.Document, FileName: src.FileName, Voice: src.Voice, Location: src.Location, Contact: src.Contact, RelayMedia: src.RelayMedia,
			ReplyTo: replyTo, ProtectContent: q.bool("protect_content"), Date: q.at, ThreadID: thread,
		},
		ents: src.ents,
	}
	rec.CopiedFrom = &MessageRef{ChatID: from.info.ID, MessageID: src.ID}
	if hasCaption && src.isMedia() {
		rec.Text, rec.HTML, rec.ParseMode, rec.ents = ct.text, ct.html, ct.mode, ct.ents
	}
	applyMarkup(rec, mk)
	s.addMessage(c, rec)
	s.emitMessage(EventMessage, c, rec, q.at)
	s.mu.Unlock()
	return okRaw([]byte(`{"message_id":` + strconv.Itoa(rec.ID) + `}`))
}

// chatActions are the actions sendChatAction accepts.
var chatActions = map[string]bool{
	"typing": true, "upload_photo": true, "record_video": true, "upload_video": true,
	"record_voice": true, "upload_voice": true, "upload_document": true, "choose_sticker": true,
	"find_location": true, "record_video_note": true, "upload_video_note": true,
}

func (s *Server) sendChatAction(q *request) reply {
	action := q.get("action")
	return s.withLock(func() (reply, any) {
		c, rp, ok := s.target(q)
		if !ok {
			return rp, nil
		}
		if !chatActions[action] {
			return badRequest(errChatAction), nil
		}
		if len(s.subscribers) > 0 {
			s.emit(Event{Kind: EventChatAction, At: q.at, ChatID: c.info.ID, Text: action})
		}
		return okRaw(rawTrue), nil
	})
}

func (s *Server) getMe(*request) reply { return okRaw(s.meJSON) }

func (s *Server) getChat(q *request) reply {
	return s.withLock(func() (reply, any) {
		c := s.resolveChat(q.get("chat_id"))
		if c == nil {
			return badRequest(errChatNotFound), nil
		}
		return reply{}, c.wire
	})
}

func (s *Server) leaveChat(q *request) reply {
	return s.withLock(func() (reply, any) {
		c := s.resolveChat(q.get("chat_id"))
		if c == nil {
			return badRequest(errChatNotFound), nil
		}
		if c.info.Type == ChatPrivate {
			return badRequest(errLeavePrivate), nil
		}
		if e := s.writeErr(c); e != "" {
			return forbidden(e), nil
		}
		c.left = true
		if len(s.subscribers) > 0 {
			s.emit(Event{Kind: EventLeft, At: q.at, ChatID: c.info.ID})
		}
		return okRaw(rawTrue), nil
	})
}

// commandKey is the storage key of a command list: its scope and language.
func commandKey(q *request) (string, bool) {
	scope := "default"
	if raw := strings.TrimSpace(q.get("scope")); raw != "" && raw != "null" {
		var sc struct {
			Type   string          `json:"type"`
			ChatID json.RawMessage `json:"chat_id"`
			UserID int64           `json:"user_id"`
		}
		if json.Unmarshal([]byte(raw), &sc) != nil || sc.Type == "" {
			return "", false
		}
		scope = sc.Type + "/" + strings.Trim(string(sc.ChatID), `"`) + "/" + strconv.FormatInt(sc.UserID, 10)
	}
	return scope + "|" + q.get("language_code"), true
}

func (s *Server) setMyCommands(q *request) reply {
	key, ok := commandKey(q)
	if !ok {
		return badRequest(errScopeJSON)
	}
	var cmds []wBotCommand
	if err := json.Unmarshal([]byte(q.get("commands")), &cmds); err != nil || cmds == nil {
		return badRequest(errCommandsJSON)
	}
	if len(cmds) > 100 {
		return badRequest(errCommandsTooMany)
	}
	for _, c := range cmds {
		if !validCommand(c.Command) {
			return badRequest(errCommandInvalid)
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(c.Description)); n == 0 || n > 256 {
			return badRequest(errCommandDescr)
		}
	}
	b, _ := json.Marshal(cmds)
	s.mu.Lock()
	s.commands[key] = b
	s.mu.Unlock()
	return okRaw(rawTrue)
}

// validCommand reports whether name is 1-32 lower-case letters, digits and
// underscores.
func validCommand(name string) bool {
	if name == "" || len(name) > 32 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

func (s *Server) getMyCommands(q *request) reply {
	key, ok := commandKey(q)
	if !ok {
		return badRequest(errScopeJSON)
	}
	s.mu.Lock()
	b := s.commands[key]
	s.mu.Unlock()
	if b == nil {
		b = rawEmpty
	}
	return okRaw(b)
}

func (s *Server) deleteMyCommands(q *request) reply {
	key, ok := commandKey(q)
	if !ok {
		return badRequest(errScopeJSON)
	}
	s.mu.Lock()
	delete(s.commands, key)
	s.mu.Unlock()
	return okRaw(rawTrue)
}

func (s *Server) setWebhook(q *request) reply {
	s.mu.Lock()
	s.webhookURL = q.get("url")
	s.mu.Unlock()
	return okRaw(rawTrue)
}

// deleteWebhook forgets the webhook and, with drop_pending_updates, the
// pending updates.
func (s *Server) deleteWebhook(q *request) reply {
	s.mu.Lock()
	s.webhookURL = ""
	s.mu.Unlock()
	if q.bool("drop_pending_updates") {
		s.umu.Lock()
		s.dropUpdates(len(s.queue) - s.qhead)
		s.umu.Unlock()
	}
	return okRaw(rawTrue)
}

func (s *Server) getWebhookInfo(*request) reply {
	s.mu.Lock()
	u := s.webhookURL
	s.mu.Unlock()
	return okJSON(struct {
		URL                  string `json:"url"`
		HasCustomCertificate bool   `json:"has_custom_certificate"`
		PendingUpdateCount   int    `json:"pending_update_count"`
	}{URL: u, PendingUpdateCount: s.Pending()})
}
