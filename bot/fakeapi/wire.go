package fakeapi

import "encoding/json"

// The w* types are the JSON shapes the fake returns, with the real Bot API
// field names. They are smaller than tgbotapi's types, omit empty members the
// way Telegram does, and carry fields tgbotapi v5.5.1 lacks.

// wUser is a Telegram User object.
type wUser struct {
	ID                      int64  `json:"id"`
	IsBot                   bool   `json:"is_bot"`
	FirstName               string `json:"first_name"`
	LastName                string `json:"last_name,omitempty"`
	Username                string `json:"username,omitempty"`
	LanguageCode            string `json:"language_code,omitempty"`
	CanJoinGroups           bool   `json:"can_join_groups,omitempty"`
	CanReadAllGroupMessages bool   `json:"can_read_all_group_messages,omitempty"`
	SupportsInlineQueries   bool   `json:"supports_inline_queries,omitempty"`
}

// wChat is a Telegram Chat object.
type wChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	Username  string `json:"username,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	IsForum   bool   `json:"is_forum,omitempty"`
}

// wEntity is a MessageEntity.
type wEntity struct {
	Type          string `json:"type"`
	Offset        int    `json:"offset"`
	Length        int    `json:"length"`
	URL           string `json:"url,omitempty"`
	Language      string `json:"language,omitempty"`
	CustomEmojiID string `json:"custom_emoji_id,omitempty"`
}

// wPhotoSize is a PhotoSize.
type wPhotoSize struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	FileSize     int    `json:"file_size,omitempty"`
}

// wDocument is a Document.
type wDocument struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileName     string `json:"file_name,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

// inlineButton is an InlineKeyboardButton, used both to parse what the bot
// sends and to echo it back. Pointers distinguish absent from empty.
type inlineButton struct {
	Text                         *string         `json:"text"`
	URL                          *string         `json:"url,omitempty"`
	CallbackData                 *string         `json:"callback_data,omitempty"`
	WebApp                       json.RawMessage `json:"web_app,omitempty"`
	LoginURL                     json.RawMessage `json:"login_url,omitempty"`
	SwitchInlineQuery            *string         `json:"switch_inline_query,omitempty"`
	SwitchInlineQueryCurrentChat *string         `json:"switch_inline_query_current_chat,omitempty"`
	SwitchInlineQueryChosenChat  json.RawMessage `json:"switch_inline_query_chosen_chat,omitempty"`
	CopyText                     json.RawMessage `json:"copy_text,omitempty"`
	CallbackGame                 json.RawMessage `json:"callback_game,omitempty"`
	Pay                          bool            `json:"pay,omitempty"`
}

// wInlineMarkup is an InlineKeyboardMarkup.
type wInlineMarkup struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

// wMessage is a Message.
type wMessage struct {
	MessageID           int            `json:"message_id"`
	From                *wUser         `json:"from,omitempty"`
	SenderChat          *wChat         `json:"sender_chat,omitempty"`
	Date                int64          `json:"date"`
	Chat                *wChat         `json:"chat"`
	ReplyToMessage      *wMessage      `json:"reply_to_message,omitempty"`
	EditDate            int64          `json:"edit_date,omitempty"`
	HasProtectedContent bool           `json:"has_protected_content,omitempty"`
	Text                string         `json:"text,omitempty"`
	Entities            []wEntity      `json:"entities,omitempty"`
	Photo               []wPhotoSize   `json:"photo,omitempty"`
	Document            *wDocument     `json:"document,omitempty"`
	Caption             string         `json:"caption,omitempty"`
	CaptionEntities     []wEntity      `json:"caption_entities,omitempty"`
	ReplyMarkup         *wInlineMarkup `json:"reply_markup,omitempty"`
	MessageThreadID     int            `json:"message_thread_id,omitempty"`
	IsTopicMessage      bool           `json:"is_topic_message,omitempty"`
	MediaGroupID        string         `json:"media_group_id,omitempty"`
	Voice               *wVoice        `json:"voice,omitempty"`
	Location            *wLocation     `json:"location,omitempty"`
	Contact             *wContact      `json:"contact,omitempty"`
	ForumTopicCreated   *wTopicCreated `json:"forum_topic_created,omitempty"`
	wRelay
}

// wCallbackQuery is a CallbackQuery.
type wCallbackQuery struct {
	ID           string    `json:"id"`
	From         *wUser    `json:"from"`
	Message      *wMessage `json:"message,omitempty"`
	ChatInstance string    `json:"chat_instance"`
	Data         string    `json:"data,omitempty"`
}

// wChatMember is a ChatMember (only what my_chat_member needs).
type wChatMember struct {
	User   *wUser `json:"user"`
	Status string `json:"status"`
}

// wChatMemberUpdated is a ChatMemberUpdated.
type wChatMemberUpdated struct {
	Chat          *wChat      `json:"chat"`
	From          *wUser      `json:"from"`
	Date          int64       `json:"date"`
	OldChatMember wChatMember `json:"old_chat_member"`
	NewChatMember wChatMember `json:"new_chat_member"`
}

// wUpdate is an Update.
type wUpdate struct {
	UpdateID      int                 `json:"update_id"`
	Message       *wMessage           `json:"message,omitempty"`
	EditedMessage *wMessage           `json:"edited_message,omitempty"`
	ChannelPost   *wMessage           `json:"channel_post,omitempty"`
	CallbackQuery *wCallbackQuery     `json:"callback_query,omitempty"`
	MyChatMember  *wChatMemberUpdated `json:"my_chat_member,omitempty"`
}

// wBotCommand is a BotCommand.
type wBotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}
