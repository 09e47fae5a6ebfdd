package bot

import (
	"encoding/json"
	"sync"
)

// Raw holds the fields of an update that tgbotapi v5.5.1 drops when it decodes an update into
// its types: forum topics (message_thread_id, is_topic_message, the chat's is_forum). They are
// decoded from the raw getUpdates answer next to tgbotapi's types and exposed on Ctx.Raw.
type Raw struct {
	// ThreadID is the forum topic of the message (or of the message whose button was pressed,
	// or of the edited message); 0 outside forum topics.
	ThreadID int
	// TopicMessage reports is_topic_message: the message was sent in a topic (not the general one).
	TopicMessage bool
	// Forum reports that the update's chat is a forum supergroup.
	Forum bool
	// TopicClosed / TopicCreated report forum service messages (forum_topic_closed, ...).
	TopicCreated bool
}

func (r Raw) zero() bool { return r == Raw{} }

type rawChat struct {
	IsForum bool `json:"is_forum"`
}

type rawMessage struct {
	ThreadID          int             `json:"message_thread_id"`
	IsTopicMessage    bool            `json:"is_topic_message"`
	Chat              rawChat         `json:"chat"`
	ForumTopicCreated json.RawMessage `json:"forum_topic_created"`
}

type rawUpdate struct {
	UpdateID      int         `json:"update_id"`
	Message       *rawMessage `json:"message"`
	EditedMessage *rawMessage `json:"edited_message"`
	CallbackQuery *struct {
		Message *rawMessage `json:"message"`
	} `json:"callback_query"`
	MyChatMember *struct {
		Chat rawChat `json:"chat"`
	} `json:"my_chat_member"`
}

// decodeRaw reads the extra fields of each update in a getUpdates answer, by update id.
// Updates without any extra field are left out.
func decodeRaw(result []byte) map[int]Raw {
	var us []rawUpdate
	if json.Unmarshal(result, &us) != nil {
		return nil
	}
	var out map[int]Raw
	for _, u := range us {
		var m *rawMessage
		var r Raw
		switch {
		case u.Message != nil:
			m = u.Message
		case u.EditedMessage != nil:
			m = u.EditedMessage
		case u.CallbackQuery != nil && u.CallbackQuery.Message != nil:
			m = u.CallbackQuery.Message
		case u.MyChatMember != nil:
			r.Forum = u.MyChatMember.Chat.IsForum
		}
		if m != nil {
			r = Raw{ThreadID: m.ThreadID, TopicMessage: m.IsTopicMessage, Forum: m.Chat.IsForum,
				TopicCreated: len(m.ForumTopicCreated) > 0}
		}
		if r.zero() {
			continue
		}
		if out == nil {
			out = map[int]Raw{}
		}
		out[u.UpdateID] = r
	}
	return out
}

// rawTable keeps the extra fields of the updates in hand until they are handled.
type rawTable struct {
	mu sync.Mutex
	m  map[int]Raw
}

func (t *rawTable) put(extra map[int]Raw) {
	if len(extra) == 0 {
		return
	}
	t.mu.Lock()
	if t.m == nil {
		t.m = map[int]Raw{}
	}
	for id, r := range extra {
		t.m[id] = r
	}
	t.mu.Unlock()
}

func (t *rawTable) get(id int) Raw {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.m[id]
}

func (t *rawTable) drop(id int) {
	t.mu.Lock()
	delete(t.m, id)
	t.mu.Unlock()
}
