package store

import "time"

// Retention purges. Each returns how many records it removed; aggregate counters stay.

// PurgeInactiveUsers erases every person last seen before the cutoff (all their records, as
// ErasePerson does). Active consultants and admins are kept: a staff member on a long break
// keeps their access (removing them is an admin's decision).
func (t *Tx) PurgeInactiveUsers(before time.Time) (int, error) {
	cutoff := before.Unix() / 86400
	type victim struct {
		key    []byte
		chatID int64
	}
	var doomed []victim
	err := t.bucket(bucketUsers).ForEach(func(k, v []byte) error {
		var u User
		if err := t.openInto(bucketUsers, k, v, &u); err != nil {
			return err
		}
		if u.Seen < cutoff && !t.activeStaff(u.ChatID) {
			doomed = append(doomed, victim{append([]byte(nil), k...), u.ChatID})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, d := range doomed {
		if d.chatID != 0 {
			if err := t.ErasePerson(d.chatID); err != nil {
				return 0, err
			}
		}
		if err := t.bucket(bucketUsers).Delete(d.key); err != nil {
			return 0, err
		}
	}
	return len(doomed), t.Incr("people_purged_inactive", int64(len(doomed)))
}

// PurgeStaleConversations deletes conversations (forms left half-filled, with their answers)
// not touched since the cutoff.
func (t *Tx) PurgeStaleConversations(before time.Time) (int, error) {
	var doomed [][]byte
	err := t.bucket(bucketConvs).ForEach(func(k, v []byte) error {
		var c Conversation
		if err := t.openInto(bucketConvs, k, v, &c); err != nil {
			return err
		}
		if c.Updated < before.Unix() {
			doomed = append(doomed, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range doomed {
		if err := t.bucket(bucketConvs).Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}
