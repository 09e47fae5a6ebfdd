package store

import (
	"strconv"
	"unicode/utf8"
)

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
	// Once marks a call that must never be made twice (a channel post): before it is made its
	// Ref records the attempt; if its outcome is unknown (the answer was lost, or the bot stopped
	// during the call) it is not repeated, and the Ref says "unknown" instead. Requires Ref.
	Once bool `json:"o,omitempty"`
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

// MarshalJSON encodes the entry by hand: one is written for nearly every message the bot sends,
// and reflection over the struct and its map cost a dozen allocations each. The fields and
// names are those of the struct tags, so json.Unmarshal reads it back.
func (e OutboxEntry) MarshalJSON() ([]byte, error) {
	n := 64 + len(e.Method) + len(e.Ref)
	for k, v := range e.Params {
		n += len(k) + len(v) + 8
	}
	buf := make([]byte, 0, n)
	buf = append(buf, '{')
	if e.ChatID != 0 {
		buf = append(buf, `"c":`...)
		buf = strconv.AppendInt(buf, e.ChatID, 10)
		buf = append(buf, ',')
	}
	if e.Group {
		buf = append(buf, `"g":true,`...)
	}
	buf = append(buf, `"m":`...)
	buf = appendJSONString(buf, e.Method)
	buf = append(buf, `,"p":`...)
	if e.Params == nil {
		buf = append(buf, "null"...)
	} else {
		buf = append(buf, '{')
		first := true
		for k, v := range e.Params {
			if !first {
				buf = append(buf, ',')
			}
			first = false
			buf = appendJSONString(buf, k)
			buf = append(buf, ':')
			buf = appendJSONString(buf, v)
		}
		buf = append(buf, '}')
	}
	if e.Urgent {
		buf = append(buf, `,"u":true`...)
	}
	if e.Background {
		buf = append(buf, `,"bg":true`...)
	}
	if e.Ref != "" {
		buf = append(buf, `,"r":`...)
		buf = appendJSONString(buf, e.Ref)
	}
	if e.Created != 0 {
		buf = append(buf, `,"t":`...)
		buf = strconv.AppendInt(buf, e.Created, 10)
	}
	if e.Trail != 0 {
		buf = append(buf, `,"tr":`...)
		buf = strconv.AppendInt(buf, e.Trail, 10)
	}
	return append(buf, '}'), nil
}

// appendJSONString appends s as a JSON string (invalid UTF-8 becomes U+FFFD, as with
// encoding/json). bot has the same for keyboards; store imports nothing of ours.
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
