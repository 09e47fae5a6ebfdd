package bot

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/ehra/peerline/store"
)

// Button is an inline keyboard button: Data (a short opaque code, never user text, at most 64
// bytes) or URL.
type Button struct {
	Text string
	Data string
	URL  string
}

// Keyboard is an inline keyboard, row by row.
type Keyboard [][]Button

// Row is a convenience for one keyboard row.
func Row(b ...Button) []Button { return b }

// Btn is a callback button.
func Btn(text, data string) Button { return Button{Text: text, Data: data} }

// Grid lays buttons out perRow to a row.
func Grid(perRow int, buttons ...Button) Keyboard {
	kb := Keyboard{}
	for len(buttons) > 0 {
		n := min(perRow, len(buttons))
		kb = append(kb, buttons[:n:n])
		buttons = buttons[n:]
	}
	return kb
}

// ReplyKeyboard is the keyboard under the input field (private chats only).
type ReplyKeyboard struct {
	Rows       [][]string
	Persistent bool // stays visible (Bot API is_persistent)
	Remove     bool // removes the reply keyboard instead
}

// Message is an outgoing text message. Text is Telegram HTML: escape anything a person typed.
type Message struct {
	ChatID        int64 // 0 = the chat the update came from
	Text          string
	Keyboard      Keyboard
	ReplyKeyboard *ReplyKeyboard
	Protect       bool   // protect_content: cannot be forwarded or saved
	Silent        bool   // disable_notification
	Ref           string // record the sent message's id under this name (store.Tx.Ref)
	Preview       bool   // allow a link preview (off by default)
}

// Photo is an outgoing photo (by file id or URL) with an optional HTML caption.
type Photo struct {
	ChatID   int64
	File     string
	Caption  string
	Keyboard Keyboard
	Protect  bool
	Ref      string
}

// Out collects the calls a handler (or a scheduled job) decides on; they are written to the
// outbox in the same transaction as the handler's state changes.
type Out struct {
	chatID   int64
	chatStr  string // chatID in decimal, made once
	chatType string
	now      time.Time
	calls    []store.OutboxEntry
	trail    time.Duration
	bulk     bool
}

// Background marks every call collected after it as background: safe-mode deletions,
// follow-ups, reminders, channel posts, retention notices. The outbox sends interactive calls
// (answers to a person's update, relays, emergency cards) before them.
func (o *Out) Background() { o.bulk = true }

// DeleteSentAfter makes every message sent to the update's own chat be deleted d after it is
// sent (safe mode). 0 turns it off.
func (o *Out) DeleteSentAfter(d time.Duration) { o.trail = d }

func newOut(chatID int64, chatType string, now time.Time) *Out {
	return &Out{chatID: chatID, chatType: chatType, now: now}
}

// NewOut returns an Out not tied to an update, for scheduled jobs and start-up calls.
func NewOut(now time.Time) *Out { return newOut(0, "", now) }

// chatIDString formats a chat id, reusing the update's own chat's string.
func (o *Out) chatIDString(chatID int64) string {
	if chatID != o.chatID || chatID == 0 {
		return strconv.FormatInt(chatID, 10)
	}
	if o.chatStr == "" {
		o.chatStr = strconv.FormatInt(chatID, 10)
	}
	return o.chatStr
}

// Calls returns the calls collected so far.
func (o *Out) Calls() []store.OutboxEntry { return o.calls }

func (o *Out) target(chatID int64) (int64, bool) {
	if chatID == 0 {
		chatID = o.chatID
		return chatID, o.chatType != "" && o.chatType != "private"
	}
	// Telegram gives groups, supergroups and channels negative ids.
	return chatID, chatID < 0
}

func (o *Out) add(chatID int64, group bool, method string, p map[string]string, ref string, urgent bool) {
	e := store.OutboxEntry{
		ChatID: chatID, Group: group, Method: method, Params: p, Ref: ref, Urgent: urgent,
		Background: o.bulk && !urgent, Created: o.now.UnixMilli(),
	}
	if o.trail > 0 && chatID == o.chatID && chatID > 0 {
		e.Trail = int64(o.trail / time.Second)
	}
	o.calls = append(o.calls, e)
}

// Send sends a message, split into several when the text is over Telegram's limit (the keyboard
// goes with the last part, the ref names the first).
func (o *Out) Send(m Message) {
	chatID, group := o.target(m.ChatID)
	parts := SplitHTML(m.Text, MaxTextLen)
	for i, part := range parts {
		p := make(map[string]string, 7)
		p["chat_id"] = o.chatIDString(chatID)
		p["text"] = part
		p["parse_mode"] = "HTML"
		if !m.Preview {
			p["link_preview_options"] = `{"is_disabled":true}`
		}
		if m.Protect {
			p["protect_content"] = "true"
		}
		if m.Silent {
			p["disable_notification"] = "true"
		}
		if i == len(parts)-1 {
			if m.Keyboard != nil {
				p["reply_markup"] = m.Keyboard.json()
			} else if m.ReplyKeyboard != nil {
				p["reply_markup"] = m.ReplyKeyboard.json()
			}
		}
		ref := ""
		if i == 0 {
			ref = m.Ref
		}
		o.add(chatID, group, "sendMessage", p, ref, false)
	}
}

// SendPhoto sends a photo; a caption over Telegram's 1,024 limit is cut there and the rest
// follows as messages (with the keyboard on the last one).
func (o *Out) SendPhoto(ph Photo) {
	chatID, group := o.target(ph.ChatID)
	captionParts := SplitHTML(ph.Caption, MaxCaptionLen)
	rest := ""
	if len(captionParts) > 1 {
		rest = ph.Caption[len(stripPrefixParts(ph.Caption, captionParts[0])):]
	}
	p := map[string]string{"chat_id": strconv.FormatInt(chatID, 10), "photo": ph.File}
	if ph.Caption != "" {
		p["caption"] = captionParts[0]
		p["parse_mode"] = "HTML"
	}
	if ph.Protect {
		p["protect_content"] = "true"
	}
	if rest == "" && ph.Keyboard != nil {
		p["reply_markup"] = ph.Keyboard.json()
	}
	o.add(chatID, group, "sendPhoto", p, ph.Ref, false)
	if rest != "" {
		o.Send(Message{ChatID: chatID, Text: rest, Keyboard: ph.Keyboard, Protect: ph.Protect})
	}
}

// stripPrefixParts returns the prefix of full that the first split part came from: the part
// may carry closing tags the original did not have at that point, so compare without them.
func stripPrefixParts(full, first string) string {
	visible := VisibleLen(first)
	// Walk full's tokens until the same visible length is consumed.
	n, i := 0, 0
	for _, t := range tokenizeHTML(full) {
		if t.tag != "" {
			if n >= visible && !t.closing {
				break
			}
			i += len(t.raw)
			continue
		}
		if n+t.units <= visible {
			n += t.units
			i += len(t.raw)
			continue
		}
		cut := cutPoint(t.raw, visible-n)
		i += cut
		break
	}
	return full[:i]
}

// Edit replaces the text (and keyboard) of a message the bot sent.
func (o *Out) Edit(chatID int64, messageID int, text string, kb Keyboard) {
	chatID, group := o.target(chatID)
	p := map[string]string{
		"chat_id":              strconv.FormatInt(chatID, 10),
		"message_id":           strconv.Itoa(messageID),
		"text":                 SplitHTML(text, MaxTextLen)[0],
		"parse_mode":           "HTML",
		"link_preview_options": `{"is_disabled":true}`,
	}
	if kb != nil {
		p["reply_markup"] = kb.json()
	}
	o.add(chatID, group, "editMessageText", p, "", false)
}

// EditKeyboard replaces (or, with nil, removes) the inline keyboard of a message.
func (o *Out) EditKeyboard(chatID int64, messageID int, kb Keyboard) {
	chatID, group := o.target(chatID)
	if kb == nil {
		kb = Keyboard{}
	}
	o.add(chatID, group, "editMessageReplyMarkup", map[string]string{
		"chat_id":      strconv.FormatInt(chatID, 10),
		"message_id":   strconv.Itoa(messageID),
		"reply_markup": kb.json(),
	}, "", false)
}

// Copy copies a message (copyMessage: no "forwarded from" trail) and records the copy's id
// under ref.
func (o *Out) Copy(toChat, fromChat int64, messageID int, protect bool, ref string) {
	toChat, group := o.target(toChat)
	p := map[string]string{
		"chat_id":      strconv.FormatInt(toChat, 10),
		"from_chat_id": strconv.FormatInt(fromChat, 10),
		"message_id":   strconv.Itoa(messageID),
	}
	if protect {
		p["protect_content"] = "true"
	}
	o.add(toChat, group, "copyMessage", p, ref, false)
}

// Delete deletes a message.
func (o *Out) Delete(chatID int64, messageID int) {
	chatID, group := o.target(chatID)
	o.add(chatID, group, "deleteMessage", map[string]string{
		"chat_id":    strconv.FormatInt(chatID, 10),
		"message_id": strconv.Itoa(messageID),
	}, "", false)
}

// Call enqueues any other Bot API call. chatID is the chat it affects for rate limiting (0 if
// none).
func (o *Out) Call(chatID int64, method string, params map[string]string) {
	o.add(chatID, chatID < 0, method, params, "", false)
}

func (o *Out) answer(callbackID, text string, alert bool) {
	p := map[string]string{"callback_query_id": callbackID}
	if text != "" {
		if len([]rune(text)) > 200 {
			text = string([]rune(text)[:199]) + "…"
		}
		p["text"] = text
	}
	if alert {
		p["show_alert"] = "true"
	}
	o.add(0, false, "answerCallbackQuery", p, "", true)
}

// json encodes the keyboard as Bot API reply_markup by hand: it runs for nearly every message,
// and reflection-based encoding cost several allocations per button.
func (k Keyboard) json() string {
	n := 24
	for _, r := range k {
		for _, b := range r {
			n += len(b.Text) + len(b.Data) + len(b.URL) + 40
		}
	}
	buf := make([]byte, 0, n)
	buf = append(buf, `{"inline_keyboard":[`...)
	for i, r := range k {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '[')
		for j, b := range r {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, `{"text":`...)
			buf = appendJSONString(buf, b.Text)
			if b.Data != "" {
				buf = append(buf, `,"callback_data":`...)
				buf = appendJSONString(buf, b.Data)
			}
			if b.URL != "" {
				buf = append(buf, `,"url":`...)
				buf = appendJSONString(buf, b.URL)
			}
			buf = append(buf, '}')
		}
		buf = append(buf, ']')
	}
	buf = append(buf, "]}"...)
	return string(buf)
}

func (r *ReplyKeyboard) json() string {
	if r.Remove {
		return `{"remove_keyboard":true}`
	}
	n := 64
	for _, row := range r.Rows {
		for _, t := range row {
			n += len(t) + 12
		}
	}
	buf := make([]byte, 0, n)
	buf = append(buf, `{"keyboard":[`...)
	for i, row := range r.Rows {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '[')
		for j, t := range row {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, `{"text":`...)
			buf = appendJSONString(buf, t)
			buf = append(buf, '}')
		}
		buf = append(buf, ']')
	}
	buf = append(buf, ']')
	if r.Persistent {
		buf = append(buf, `,"is_persistent":true`...)
	}
	buf = append(buf, `,"resize_keyboard":true}`...)
	return string(buf)
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD, as with
// encoding/json.
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
