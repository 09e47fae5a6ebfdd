package store

// Refs: message ids the bot needs later (the live menu message of a chat, a relayed message),
// recorded by the outbox worker when the call that created the message succeeds. A ref's name is
// chosen by the handler that enqueued the call; it is stored only as a keyed hash, and the chat
// and message ids are sealed.

// MessageRef is where a sent message lives.
type MessageRef struct {
	Name      string `json:"n,omitempty"` // sealed; for re-keying
	ChatID    int64  `json:"c"`
	MessageID int    `json:"m"`
	At        int64  `json:"t,omitempty"` // unix seconds when sent
	// More are the further message ids of an album (sendMediaGroup).
	More []int `json:"mm,omitempty"`
	// For calls sent at most once (OutboxEntry.Once): when the attempt started, how it failed
	// for good (Bot API error code and the fixed part of the description), or that its outcome
	// is unknown (the bot cannot tell whether Telegram did it).
	Attempt int64  `json:"a,omitempty"`
	Fail    int    `json:"f,omitempty"`
	Reason  string `json:"fr,omitempty"`
	Unknown bool   `json:"u,omitempty"`
}

// Sent reports whether the ref records a sent message.
func (r MessageRef) Sent() bool { return r.MessageID != 0 }

func (t *Tx) refKey(name string) []byte { return t.keys.hash("ref", []byte(name)) }

// SetRef records ref name.
func (t *Tx) SetRef(name string, r MessageRef) error {
	r.Name = name
	return t.putSealed(bucketRefs, t.refKey(name), r)
}

// Ref looks up ref name.
func (t *Tx) Ref(name string) (MessageRef, bool, error) {
	var r MessageRef
	found, err := t.getSealed(bucketRefs, t.refKey(name), &r)
	return r, found, err
}

// DeleteRef forgets ref name.
func (t *Tx) DeleteRef(name string) error {
	return t.bucket(bucketRefs).Delete(t.refKey(name))
}
