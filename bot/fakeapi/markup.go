package fakeapi

import (
	"encoding/json"
	"strings"
)

// Reply markup error texts, as Telegram words them.
const (
	errMarkupJSON      = "Bad Request: can't parse reply keyboard markup JSON object"
	errButtonData      = "Bad Request: BUTTON_DATA_INVALID"
	errButtonText      = "Bad Request: can't parse inline keyboard button: Field \"text\" must be of type String"
	errButtonNoAction  = "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
	errButtonTwoAction = "Bad Request: can't parse inline keyboard button: exactly one of the optional fields must be used"
	errButtonURL       = "Bad Request: BUTTON_URL_INVALID"
	errKeyboardButton  = "Bad Request: can't parse keyboard button: Field \"text\" must be of type String"
	errInlineExpected  = "Bad Request: inline keyboard expected"
)

// markup is a parsed reply_markup.
type markup struct {
	inline     *wInlineMarkup // inline keyboard; nil if none or empty
	keyboard   [][]string     // reply keyboard button texts
	persistent bool
	remove     bool
	forceReply bool
}

// isInline reports whether the markup is (possibly empty) inline keyboard or absent.
func (m *markup) isInline() bool {
	return m.keyboard == nil && !m.remove && !m.forceReply
}

// markupIn is the JSON shape of every kind of reply_markup.
type markupIn struct {
	InlineKeyboard *[][]inlineButton `json:"inline_keyboard"`
	Keyboard       json.RawMessage   `json:"keyboard"`
	IsPersistent   bool              `json:"is_persistent"`
	RemoveKeyboard bool              `json:"remove_keyboard"`
	ForceReply     bool              `json:"force_reply"`
}

// parseMarkup parses the reply_markup parameter. An absent or "null" value
// gives an empty markup. It returns a non-empty Telegram error text when the
// markup is invalid.
func parseMarkup(raw string) (markup, string) {
	var m markup
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "null" {
		return m, ""
	}
	var in markupIn
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		return m, errMarkupJSON
	}
	switch {
	case in.InlineKeyboard != nil:
		rows := *in.InlineKeyboard
		if rows == nil {
			return m, errMarkupJSON
		}
		for _, row := range rows {
			for _, b := range row {
				if e := checkInlineButton(b); e != "" {
					return m, e
				}
			}
		}
		if len(rows) > 0 {
			m.inline = &wInlineMarkup{InlineKeyboard: rows}
		}
	case in.Keyboard != nil:
		var rows [][]json.RawMessage
		if err := json.Unmarshal(in.Keyboard, &rows); err != nil || rows == nil {
			return m, errMarkupJSON
		}
		m.keyboard = make([][]string, len(rows))
		for i, row := range rows {
			texts := make([]string, len(row))
			for j, b := range row {
				var text string
				if err := json.Unmarshal(b, &text); err != nil {
					var obj struct {
						Text *string `json:"text"`
					}
					if err := json.Unmarshal(b, &obj); err != nil || obj.Text == nil {
						return markup{}, errKeyboardButton
					}
					text = *obj.Text
				}
				if strings.TrimSpace(text) == "" {
					return markup{}, errKeyboardButton
				}
				texts[j] = text
			}
			m.keyboard[i] = texts
		}
		m.persistent = in.IsPersistent
	case in.RemoveKeyboard:
		m.remove = true
	case in.ForceReply:
		m.forceReply = true
	default:
		return m, errMarkupJSON
	}
	return m, ""
}

// checkInlineButton validates one inline keyboard button.
func checkInlineButton(b inlineButton) string {
	if b.Text == nil {
		return errButtonText
	}
	actions := 0
	for _, set := range [...]bool{
		b.URL != nil, b.CallbackData != nil, b.WebApp != nil, b.LoginURL != nil,
		b.SwitchInlineQuery != nil, b.SwitchInlineQueryCurrentChat != nil,
		b.SwitchInlineQueryChosenChat != nil, b.CopyText != nil, b.CallbackGame != nil, b.Pay,
	} {
		if set {
			actions++
		}
	}
	switch {
	case actions == 0:
		return errButtonNoAction
	case actions > 1:
		return errButtonTwoAction
	case b.CallbackData != nil && (len(*b.CallbackData) == 0 || len(*b.CallbackData) > 64):
		return errButtonData
	case b.URL != nil && !validButtonURL(*b.URL):
		return errButtonURL
	}
	return ""
}

// validButtonURL accepts the URL schemes Telegram accepts on buttons.
func validButtonURL(u string) bool {
	for _, p := range [...]string{"http://", "https://", "tg://"} {
		if len(u) > len(p) && strings.EqualFold(u[:len(p)], p) {
			return true
		}
	}
	return false
}

// buttons converts an inline keyboard to the exported form.
func (m *wInlineMarkup) buttons() [][]Button {
	if m == nil {
		return nil
	}
	rows := make([][]Button, len(m.InlineKeyboard))
	for i, row := range m.InlineKeyboard {
		rows[i] = make([]Button, len(row))
		for j, b := range row {
			rows[i][j] = Button{Text: deref(b.Text), Data: deref(b.CallbackData), URL: deref(b.URL)}
		}
	}
	return rows
}

// equal reports whether two inline keyboards are the same, as Telegram
// decides for "message is not modified".
func (m *wInlineMarkup) equal(o *wInlineMarkup) bool {
	if m == nil || o == nil {
		return m == o
	}
	if len(m.InlineKeyboard) != len(o.InlineKeyboard) {
		return false
	}
	for i, row := range m.InlineKeyboard {
		if len(row) != len(o.InlineKeyboard[i]) {
			return false
		}
		for j, a := range row {
			b := o.InlineKeyboard[i][j]
			if deref(a.Text) != deref(b.Text) || !eqPtr(a.URL, b.URL) || !eqPtr(a.CallbackData, b.CallbackData) ||
				!eqPtr(a.SwitchInlineQuery, b.SwitchInlineQuery) ||
				!eqPtr(a.SwitchInlineQueryCurrentChat, b.SwitchInlineQueryCurrentChat) ||
				string(a.WebApp) != string(b.WebApp) || string(a.LoginURL) != string(b.LoginURL) ||
				string(a.SwitchInlineQueryChosenChat) != string(b.SwitchInlineQueryChosenChat) ||
				string(a.CopyText) != string(b.CopyText) || string(a.CallbackGame) != string(b.CallbackGame) ||
				a.Pay != b.Pay {
				return false
			}
		}
	}
	return true
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func eqPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
