package bot

import (
	"context"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ehra/peerline/store"
)

// State is a conversation state. Flows declare their states as typed constants in handlers;
// the empty state is "no conversation in progress".
type State string

// Role is what the sender may do, decided by numeric Telegram id on every update.
type Role int

// Roles, from least to most rights.
const (
	RoleUser Role = iota
	RoleConsultant
	RoleAdmin
)

func (r Role) String() string {
	switch r {
	case RoleConsultant:
		return "consultant"
	case RoleAdmin:
		return "admin"
	default:
		return "user"
	}
}

// Kind is what an update is.
type Kind int

// Update kinds the router tells apart.
const (
	KindOther Kind = iota
	KindMessage
	KindCallback
	KindChannelPost
	KindMembership // the bot was added to or removed from a chat
)

// Ctx is everything a handler needs for one update: what arrived, who sent it, the chat's
// conversation, the store transaction the update is handled in, and the outbox (through the
// embedded *Out). It is valid only during the handler call.
type Ctx struct {
	context.Context
	*Out

	Update   *tgbotapi.Update
	Kind     Kind
	ChatID   int64  // the chat the update belongs to (0 if none)
	ChatType string // private, group, supergroup, channel
	UserID   int64  // the sender (0 if none)
	// Text is the message's text or caption. Handlers may read it; nothing in bot logs or
	// stores it.
	Text    string
	Command string // command name without "/" and "@bot", when the message is a command to us
	Args    string // text after the command
	Data    string // callback data
	// MessageID is the message the update is about: the new message, or the one whose button
	// was pressed.
	MessageID int

	Lang string // the person's language (set by a locale middleware)
	Role Role   // the sender's role (set by a role middleware)
	// Route names the handler the router chose ("cmd:start", "cb:lang", "state:x", ...), for
	// logs and metrics.
	Route string

	Conv State // the conversation state when the update arrived
	// ConvData is the conversation's small payload; handlers may change it.
	ConvData map[string]string

	Tx  *store.Tx
	Now time.Time
	Bot BotInfo

	answered  bool
	noEdit    bool
	forgotten []int64
	startData map[string]string
}

// BotInfo is what the runtime knows about the bot itself.
type BotInfo struct {
	ID       int64
	Username string
}

// Next is a handler's decision about the conversation: stay, go to a state, or end it. It is a
// value, so a test can check a transition without any I/O.
type Next struct {
	state  State
	change bool
	end    bool
}

// Stay keeps the conversation where it is (changes to ConvData are still kept).
func Stay() Next { return Next{} }

// Goto moves the conversation to s.
func Goto(s State) Next { return Next{state: s, change: true} }

// End finishes the conversation and clears its payload.
func End() Next { return Next{end: true} }

// State returns the state the decision leads to from cur.
func (n Next) State(cur State) State {
	switch {
	case n.end:
		return ""
	case n.change:
		return n.state
	default:
		return cur
	}
}

// Ends reports whether the decision ends the conversation.
func (n Next) Ends() bool { return n.end }

// IsCallback reports whether the update is a button press.
func (c *Ctx) IsCallback() bool { return c.Kind == KindCallback }

// IsPrivate reports whether the update comes from a private chat.
func (c *Ctx) IsPrivate() bool { return c.ChatType == "private" }

// Reply sends an HTML text (with an optional keyboard) to the update's chat.
func (c *Ctx) Reply(text string, kb Keyboard) { c.Send(Message{Text: text, Keyboard: kb}) }

// Show presents a screen: on a button press it edits the message the button was on, otherwise it
// sends a new message. Menus stay one message instead of piling up.
func (c *Ctx) Show(text string, kb Keyboard) {
	if c.Kind == KindCallback && !c.noEdit && c.MessageID != 0 && !c.messageGone() {
		c.Edit(c.ChatID, c.MessageID, text, kb)
		return
	}
	c.Reply(text, kb)
}

// Forget erases everything the store holds about the person whose private chat is chatID, and
// makes the outbox drop the calls to that chat it has already queued. Calls enqueued after this
// (a "done" message, say) are still sent.
func (c *Ctx) Forget(chatID int64) error {
	if err := c.Tx.ErasePerson(chatID); err != nil {
		return err
	}
	c.forgotten = append(c.forgotten, chatID)
	return nil
}

// ShowAsNew makes later Show calls send new messages instead of editing the message whose
// button was pressed (when the pressed message should stay as it is).
func (c *Ctx) ShowAsNew() { c.noEdit = true }

// Answer answers the button press (at most once; the runtime answers with nothing if the
// handler did not).
func (c *Ctx) Answer(text string) {
	if c.Kind != KindCallback || c.answered {
		return
	}
	c.answered = true
	c.answer(c.Update.CallbackQuery.ID, text, false)
}

// Alert answers the button press with a pop-up the person must dismiss.
func (c *Ctx) Alert(text string) {
	if c.Kind != KindCallback || c.answered {
		return
	}
	c.answered = true
	c.answer(c.Update.CallbackQuery.ID, text, true)
}

// Answered reports whether the button press was answered.
func (c *Ctx) Answered() bool { return c.answered }

// newCtx reads an update's facts.
func newCtx(ctx context.Context, u *tgbotapi.Update, botInfo BotInfo, now time.Time) *Ctx {
	c := &Ctx{Context: ctx, Update: u, Bot: botInfo, Now: now}
	switch {
	case u.Message != nil:
		m := u.Message
		c.Kind = KindMessage
		c.ChatID, c.ChatType = m.Chat.ID, m.Chat.Type
		if m.From != nil {
			c.UserID = m.From.ID
		}
		c.MessageID = m.MessageID
		c.Text = m.Text
		if c.Text == "" {
			c.Text = m.Caption
		}
		c.Command, c.Args = parseCommand(m, botInfo.Username)
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		c.Kind = KindCallback
		c.UserID = q.From.ID
		c.Data = q.Data
		if q.Message != nil {
			c.ChatID, c.ChatType = q.Message.Chat.ID, q.Message.Chat.Type
			c.MessageID = q.Message.MessageID
		} else {
			c.ChatID, c.ChatType = q.From.ID, "private"
		}
	case u.ChannelPost != nil:
		c.Kind = KindChannelPost
		c.ChatID, c.ChatType = u.ChannelPost.Chat.ID, u.ChannelPost.Chat.Type
	case u.MyChatMember != nil:
		c.Kind = KindMembership
		c.ChatID, c.ChatType = u.MyChatMember.Chat.ID, u.MyChatMember.Chat.Type
		c.UserID = u.MyChatMember.From.ID
	case u.EditedMessage != nil:
		c.ChatID, c.ChatType = u.EditedMessage.Chat.ID, u.EditedMessage.Chat.Type
	}
	c.Out = newOut(c.ChatID, c.ChatType, now)
	return c
}

// parseCommand returns the command addressed to this bot ("/start@thisbot x" → "start", "x").
// A command for another bot in a group returns "".
func parseCommand(m *tgbotapi.Message, botUsername string) (cmd, args string) {
	text := m.Text
	if !strings.HasPrefix(text, "/") {
		return "", ""
	}
	word, rest, _ := strings.Cut(text, " ")
	if nl := strings.IndexByte(word, '\n'); nl >= 0 {
		word, rest = word[:nl], strings.TrimSpace(text[nl+1:])
	}
	word = word[1:]
	if name, at, ok := strings.Cut(word, "@"); ok {
		if !strings.EqualFold(at, botUsername) {
			return "", ""
		}
		word = name
	}
	if word == "" || len(word) > 32 {
		return "", ""
	}
	return strings.ToLower(word), strings.TrimSpace(rest)
}

// chatLane is the key updates are serialised by: the chat, or 0 for updates with none.
func chatLane(u *tgbotapi.Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil:
		if u.CallbackQuery.Message != nil {
			return u.CallbackQuery.Message.Chat.ID
		}
		return u.CallbackQuery.From.ID
	case u.EditedMessage != nil:
		return u.EditedMessage.Chat.ID
	case u.ChannelPost != nil:
		return u.ChannelPost.Chat.ID
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	}
	return 0
}
