package bot

import (
	"errors"
	"net/http"
	"strings"
)

// messageGone reports whether the button was pressed on a message the bot can no longer reach:
// Telegram then sends an InaccessibleMessage (date 0) instead of the message. Its screen cannot be
// edited; the press is answered as stale and the current screen is sent as a new message.
func (c *Ctx) messageGone() bool {
	q := c.Update.CallbackQuery
	return c.Kind == KindCallback && (q.Message == nil || q.Message.Date == 0)
}

// sendInstead turns an edit of a screen in a private chat whose message has meanwhile been
// deleted ("message to edit not found") into sending the screen as a new message, so a button
// pressed just before its message went still gets a visible answer. In groups and channels an
// edit of a deleted message stays refused: a card someone deleted there is not sent again.
func sendInstead(method string, params map[string]string, err error) (map[string]string, bool) {
	var ce *CallError
	if method != "editMessageText" || !errors.As(err, &ce) || ce.Code != http.StatusBadRequest ||
		!strings.Contains(ce.Description, "message to edit not found") || strings.HasPrefix(params["chat_id"], "-") {
		return nil, false
	}
	p := make(map[string]string, len(params))
	for k, v := range params {
		if k != "message_id" && k != "inline_message_id" {
			p[k] = v
		}
	}
	return p, true
}
