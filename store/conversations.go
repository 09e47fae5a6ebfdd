package store

// Conversations: where each chat is in its conversation (a state name) and a small payload of
// answers so far. Keyed by the keyed hash of the chat id; sealed.

// Conversation is a chat's conversation state.
type Conversation struct {
	ChatID int64             `json:"id,omitempty"` // sealed; for re-keying
	State  string            `json:"s,omitempty"`
	Data   map[string]string `json:"d,omitempty"`
	// Updated is when it last changed (unix seconds), for retention.
	Updated int64 `json:"t,omitempty"`
}

// Conversation returns chatID's conversation (the zero value if none).
func (t *Tx) Conversation(chatID int64) (Conversation, error) {
	var c Conversation
	_, err := t.getSealed(bucketConvs, t.keys.chatKey(chatID), &c)
	return c, err
}

// SetConversation stores chatID's conversation.
func (t *Tx) SetConversation(chatID int64, c Conversation) error {
	c.ChatID = chatID
	return t.putSealed(bucketConvs, t.keys.chatKey(chatID), c)
}

// DeleteConversation forgets chatID's conversation.
func (t *Tx) DeleteConversation(chatID int64) error {
	return t.bucket(bucketConvs).Delete(t.keys.chatKey(chatID))
}
