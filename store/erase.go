package store

import (
	"encoding/json"
	"slices"
)

// Erasure: everything the store holds about one person, in one place. ErasePerson walks
// personRecords; a new kind of record about a person must be added to that list (a test writes
// one of each kind through the real flows and checks nothing is left).

var personRecords = []struct {
	name  string
	erase func(t *Tx, chatID int64) error
}{
	{"profile", func(t *Tx, id int64) error { return t.DeleteUser(id) }},
	{"conversation", func(t *Tx, id int64) error { return t.DeleteConversation(id) }},
	{"outbox", func(t *Tx, id int64) error { _, err := t.OutboxDeleteChat(id); return err }},
	{"message refs", func(t *Tx, id int64) error { return t.deleteRefsOfChat(id) }},
	{"safe-mode trail", func(t *Tx, id int64) error { return t.deleteTrailOfChat(id) }},
	// A private chat's id is its user's id: a consultant or admin who erases themselves leaves
	// the staff, and their invitations (made or opened) go too.
	{"staff record", func(t *Tx, id int64) error { return t.DeleteStaff(id) }},
	{"invitations", func(t *Tx, id int64) error { return t.deleteInvitesOf(id) }},
}

// ErasePerson deletes every record about the person whose private chat is chatID. Aggregate
// counters are kept: they hold no personal data.
func (t *Tx) ErasePerson(chatID int64) error {
	for _, r := range personRecords {
		if err := r.erase(t, chatID); err != nil {
			return err
		}
	}
	return t.Incr("people_erased", 1)
}

// MessagesInChat returns the ids of the messages in chatID's chat that the store knows of — the
// safe-mode trail, the recorded message refs, and deletions still waiting in the outbox — sorted
// and without repeats. Forgetting a person deletes them from the chat before their records go;
// Telegram skips those that are gone or too old to delete.
func (t *Tx) MessagesInChat(chatID int64) ([]int, error) {
	var ids []int
	if err := t.forEachTrail(func(e TrailEntry) bool {
		if e.ChatID == chatID {
			ids = append(ids, e.MessageID)
		}
		return true
	}); err != nil {
		return nil, err
	}
	err := t.bucket(bucketRefs).ForEach(func(k, v []byte) error {
		var r MessageRef
		if err := t.openInto(bucketRefs, k, v, &r); err != nil {
			return err
		}
		if r.ChatID == chatID {
			ids = append(ids, r.MessageID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	pending, err := t.OutboxPending()
	if err != nil {
		return nil, err
	}
	for _, e := range pending {
		if e.ChatID != chatID {
			continue
		}
		switch e.Method {
		case "deleteMessages":
			var more []int
			if json.Unmarshal([]byte(e.Params["message_ids"]), &more) == nil {
				ids = append(ids, more...)
			}
		case "deleteMessage":
			var id int
			if json.Unmarshal([]byte(e.Params["message_id"]), &id) == nil {
				ids = append(ids, id)
			}
		}
	}
	ids = slices.DeleteFunc(ids, func(id int) bool { return id <= 0 })
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

func (t *Tx) deleteRefsOfChat(chatID int64) error {
	b := t.bucket(bucketRefs)
	var doomed [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var r MessageRef
		if err := t.openInto(bucketRefs, k, v, &r); err != nil {
			return err
		}
		if r.ChatID == chatID {
			doomed = append(doomed, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
