package store

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
	{"consultant cases", func(t *Tx, id int64) error { return t.eraseCasesOf(id) }},
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
