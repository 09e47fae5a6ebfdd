package bot

import (
	"encoding/json"
	"errors"
	"hash/fnv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MediaFile is a media file of a channel post, by file id.
type MediaFile struct {
	Kind string // photo, video, document
	ID   string
}

// ChannelPost is one language version of a post: text with Telegram entities (not HTML: the
// admin's formatting is kept exactly), or media with a caption, and link buttons.
type ChannelPost struct {
	Chat      string // chat_id: @username or numeric id
	Text      string
	Entities  string // JSON array of MessageEntity, or ""
	Files     []MediaFile
	Keyboard  Keyboard
	Silent    bool
	NoPreview bool
	Protect   bool
	// Ref records the sent message's id. With Once, the call is made at most once: an attempt
	// whose outcome is unknown is not repeated and the ref says so (store.MessageRef.Unknown).
	Ref  string
	Once bool
}

// ChatLane is the number the outbox paces a chat_id by: the numeric id, or for @username a
// stable negative number derived from the name (a channel's calls share its limit either way).
func ChatLane(chat string) int64 {
	if id, err := strconv.ParseInt(chat, 10, 64); err == nil {
		return id
	}
	h := fnv.New64a()
	h.Write([]byte(chat))
	return -int64(h.Sum64()>>2) - 1
}

// Post enqueues a channel post (or its preview, to an admin's chat): sendMessage, sendPhoto,
// sendVideo, sendDocument or, for several files, sendMediaGroup (which cannot carry buttons).
func (o *Out) Post(p ChannelPost) {
	lane := ChatLane(p.Chat)
	params := map[string]string{"chat_id": p.Chat}
	if p.Silent {
		params["disable_notification"] = "true"
	}
	if p.Protect {
		params["protect_content"] = "true"
	}
	if p.Keyboard != nil && len(p.Files) <= 1 {
		params["reply_markup"] = p.Keyboard.json()
	}
	method := "sendMessage"
	switch len(p.Files) {
	case 0:
		params["text"] = p.Text
		if p.Entities != "" {
			params["entities"] = p.Entities
		}
		if p.NoPreview {
			params["link_preview_options"] = `{"is_disabled":true}`
		}
	case 1:
		f := p.Files[0]
		method = "send" + string(f.Kind[0]-32) + f.Kind[1:]
		params[f.Kind] = f.ID
		if p.Text != "" {
			params["caption"] = p.Text
			if p.Entities != "" {
				params["caption_entities"] = p.Entities
			}
		}
	default:
		method = "sendMediaGroup"
		type item struct {
			Type     string          `json:"type"`
			Media    string          `json:"media"`
			Caption  string          `json:"caption,omitempty"`
			Entities json.RawMessage `json:"caption_entities,omitempty"`
		}
		items := make([]item, 0, len(p.Files))
		for i, f := range p.Files {
			it := item{Type: f.Kind, Media: f.ID}
			if i == 0 && p.Text != "" {
				it.Caption = p.Text
				if p.Entities != "" {
					it.Entities = json.RawMessage(p.Entities)
				}
			}
			items = append(items, it)
		}
		b, _ := json.Marshal(items)
		params["media"] = string(b)
	}
	o.add(lane, lane < 0, method, params, p.Ref, false)
	if p.Once && p.Ref != "" {
		o.calls[len(o.calls)-1].Once = true
	}
}

// Pin pins a message in a channel (silently when silent).
func (o *Out) Pin(chat string, messageID int, silent bool) {
	p := map[string]string{"chat_id": chat, "message_id": strconv.Itoa(messageID)}
	if silent {
		p["disable_notification"] = "true"
	}
	o.add(ChatLane(chat), true, "pinChatMessage", p, "", false)
}

// Unpin unpins a message in a channel.
func (o *Out) Unpin(chat string, messageID int) {
	o.add(ChatLane(chat), true, "unpinChatMessage", map[string]string{"chat_id": chat, "message_id": strconv.Itoa(messageID)}, "", false)
}

// EditPost replaces a published post's text (or caption) with entities and its buttons.
func (o *Out) EditPost(chat string, messageID int, media bool, text, entities string, kb Keyboard, noPreview bool) {
	p := map[string]string{"chat_id": chat, "message_id": strconv.Itoa(messageID)}
	method := "editMessageText"
	if media {
		method = "editMessageCaption"
		p["caption"] = text
		if entities != "" {
			p["caption_entities"] = entities
		}
	} else {
		p["text"] = text
		if entities != "" {
			p["entities"] = entities
		}
		if noPreview {
			p["link_preview_options"] = `{"is_disabled":true}`
		}
	}
	if kb != nil {
		p["reply_markup"] = kb.json()
	}
	o.add(ChatLane(chat), true, method, p, "", false)
}

// DeleteIn deletes a message in a chat named by chat_id (@username or numeric id).
func (o *Out) DeleteIn(chat string, messageID int) {
	o.add(ChatLane(chat), true, "deleteMessage", map[string]string{"chat_id": chat, "message_id": strconv.Itoa(messageID)}, "", false)
}

// QueryError is a failed direct query: the Bot API's code (0: Telegram unreachable) and the
// fixed part of its description.
type QueryError struct {
	Code   int
	Reason string
}

func (e *QueryError) Error() string { return strconv.Itoa(e.Code) + " " + e.Reason }

// Query makes a read-only Bot API call now, outside the outbox (getChatMember for the
// pre-flight check of a channel). It is not retried.
func (b *Bot) Query(method string, params map[string]string) (json.RawMessage, error) {
	if b.sendAPI == nil {
		return nil, &QueryError{Reason: "not running"}
	}
	res, err := b.sendAPI.call(method, params)
	if err != nil {
		var ce *CallError
		if errors.As(err, &ce) {
			return nil, &QueryError{Code: ce.Code, Reason: reasonOf(ce.Description)}
		}
		return nil, &QueryError{Reason: "unreachable"}
	}
	return res, nil
}

// Download fetches a file a person sent (getFile, then the file URL), refusing files larger
// than max bytes. It is for small documents such as a directory CSV; call it outside any store
// transaction.
func (b *Bot) Download(fileID string, max int64) ([]byte, error) {
	res, err := b.Query("getFile", map[string]string{"file_id": fileID})
	if err != nil {
		return nil, err
	}
	var f struct {
		FileSize int64  `json:"file_size"`
		FilePath string `json:"file_path"`
	}
	if err := json.Unmarshal(res, &f); err != nil || f.FilePath == "" {
		return nil, &QueryError{Reason: "no file path"}
	}
	if f.FileSize > max {
		return nil, &QueryError{Code: 413, Reason: "file too large"}
	}
	url := strings.TrimRight(b.cfg.APIURL, "/") + "/file/bot" + b.cfg.Token + "/" + f.FilePath
	client := &http.Client{Timeout: 20 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return nil, &QueryError{Reason: "unreachable"} // the error text would carry the token
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &QueryError{Code: resp.StatusCode, Reason: "download failed"}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, &QueryError{Reason: "download interrupted"}
	}
	if int64(len(data)) > max {
		return nil, &QueryError{Code: 413, Reason: "file too large"}
	}
	return data, nil
}

// SendFile uploads data as a document named name to chatID with an optional HTML caption, now,
// outside the outbox (an export an admin asked for; if it fails the caller says so). Call it
// outside any store transaction.
func (b *Bot) SendFile(chatID int64, name string, data []byte, caption string) error {
	if b.sendAPI == nil {
		return &QueryError{Reason: "not running"}
	}
	params := map[string]string{"chat_id": strconv.FormatInt(chatID, 10)}
	if caption != "" {
		params["caption"] = caption
		params["parse_mode"] = "HTML"
	}
	_, err := b.sendAPI.upload("sendDocument", params, "document", name, data)
	if err != nil {
		var ce *CallError
		if !errors.As(err, &ce) {
			ce = classify(err, b.cfg.Token)
		}
		return &QueryError{Code: ce.Code, Reason: reasonOf(ce.Description)}
	}
	return nil
}
