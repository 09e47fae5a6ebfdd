package store

// Outbox: calls to the Bot API that a handler decided on and that are not yet confirmed sent.
// Handlers enqueue in the same transaction as their state changes; the bot's outbox worker sends
// and then deletes. Entries are sealed: their parameters hold chat ids and the bot's own texts.

// OutboxEntry is one durable outgoing Bot API call.
type OutboxEntry struct {
	ID     uint64            `json:"-"`
	ChatID int64             `json:"c,omitempty"` // target chat, for rate limits and 403 handling; 0 for calls with none
	Group  bool              `json:"g,omitempty"` // the target is a group or channel (slower limit)
	Method string            `json:"m"`
	Params map[string]string `json:"p"`
	// Urgent calls (callback answers) go before everything else.
	Urgent bool `json:"u,omitempty"`
	// Background calls (safe-mode deletions, follow-ups, reminders, channel posts, retention
	// notices) go after every interactive call (an answer to a person, a relay, an emergency card).
	Background bool `json:"bg,omitempty"`
	// Ref, when set, names where to record the sent message's id (see SetRef).
	Ref string `json:"r,omitempty"`
	// Created is the enqueue time (unix ms), for latency metrics and expiry.
	Created int64 `json:"t,omitempty"`
	// Trail, when set, schedules the sent message for deletion this many seconds after it is
	// sent (the person's safe mode).
	Trail int64 `json:"tr,omitempty"`
}

// Enqueue adds e to the outbox and returns it with its ID set. IDs increase, so sending in ID
// order keeps a chat's calls in the order they were decided.
func (t *Tx) Enqueue(e OutboxEntry) (OutboxEntry, error) {
	b := t.bucket(bucketOutbox)
	id, err := b.NextSequence()
	if err != nil {
		return e, err
	}
	e.ID = id
	return e, t.putSealed(bucketOutbox, u64key(id), e)
}

// OutboxDelete removes a sent (or finally failed) entry.
func (t *Tx) OutboxDelete(id uint64) error {
	return t.bucket(bucketOutbox).Delete(u64key(id))
}

// OutboxPending returns every entry still to send, in ID order.
func (t *Tx) OutboxPending() ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := t.OutboxScan(func(e OutboxEntry) error {
		out = append(out, e)
		return nil
	})
	return out, err
}

// OutboxScan calls fn with every entry still to send, in ID order, one at a time (so a long
// outbox is never all in memory).
func (t *Tx) OutboxScan(fn func(OutboxEntry) error) error {
	return t.bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		var e OutboxEntry
		if err := t.openInto(bucketOutbox, k, v, &e); err != nil {
			return err
		}
		e.ID = keyU64(k)
		return fn(e)
	})
}

// OutboxGet reads one entry; found is false if it was deleted (sent, or erased with its person).
func (t *Tx) OutboxGet(id uint64) (e OutboxEntry, found bool, err error) {
	k := u64key(id)
	v := t.bucket(bucketOutbox).Get(k)
	if v == nil {
		return e, false, nil
	}
	if err := t.openInto(bucketOutbox, k, v, &e); err != nil {
		return e, false, err
	}
	e.ID = id
	return e, true, nil
}

// OutboxLen is the number of entries waiting.
func (t *Tx) OutboxLen() int { return t.bucket(bucketOutbox).Stats().KeyN }

// OutboxDeleteChat removes every pending entry addressed to chatID (used when a person erases
// their data or blocks the bot) and returns how many it removed.
func (t *Tx) OutboxDeleteChat(chatID int64) (int, error) {
	pending, err := t.OutboxPending()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range pending {
		if e.ChatID == chatID {
			if err := t.OutboxDelete(e.ID); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
