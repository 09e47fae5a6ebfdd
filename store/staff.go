package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/cases"
)

// Staff: peer consultants and admins who joined through an invitation (admins from
// configuration have no record unless they chose a pseudonym). Keyed by a keyed hash of the
// Telegram user id; the record, user id included, is sealed. A removed member keeps a record
// marked Removed, so their pseudonym stays reserved and old cases can still name them; joining
// again through a new invitation clears the mark.

// Staff roles.
const (
	RoleConsultant = "consultant"
	RoleAdmin      = "admin"
)

// DefaultCapacity is how many cases a consultant holds at once unless set otherwise.
const DefaultCapacity = 3

// Staff is a consultant's or an admin's record.
type Staff struct {
	UserID    int64     `json:"id"` // sealed; also the private chat with the bot
	Role      string    `json:"r"`  // RoleConsultant or RoleAdmin
	Pseudonym string    `json:"p"`
	Langs     []string  `json:"l,omitempty"` // languages they speak (uk, ru, en)
	OnShift   bool      `json:"s,omitempty"`
	Capacity  int       `json:"c,omitempty"` // cases at once; 0 reads as DefaultCapacity
	Joined    time.Time `json:"j"`
	Removed   bool      `json:"x,omitempty"`
}

func (k *keyring) staffKey(userID int64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(userID))
	return k.hash("staff", b[:])
}

func (s *Staff) normalize() {
	if s.Capacity <= 0 {
		s.Capacity = DefaultCapacity
	}
}

// Staff returns userID's staff record (removed ones too: check Removed); found is false for
// someone who never joined.
func (t *Tx) Staff(userID int64) (Staff, bool, error) {
	var s Staff
	found, err := t.getSealed(bucketStaff, t.keys.staffKey(userID), &s)
	if found {
		s.normalize()
	}
	return s, found, err
}

// PutStaff stores s under s.UserID.
func (t *Tx) PutStaff(s Staff) error {
	s.normalize()
	return t.putSealed(bucketStaff, t.keys.staffKey(s.UserID), s)
}

// DeleteStaff erases userID's staff record (erasure; removal by an admin sets Removed instead).
func (t *Tx) DeleteStaff(userID int64) error {
	return t.bucket(bucketStaff).Delete(t.keys.staffKey(userID))
}

// ListStaff returns every staff record, removed ones included, ordered by when they joined.
func (t *Tx) ListStaff() ([]Staff, error) {
	var out []Staff
	err := t.bucket(bucketStaff).ForEach(func(k, v []byte) error {
		var s Staff
		if err := t.openInto(bucketStaff, k, v, &s); err != nil {
			return err
		}
		s.normalize()
		out = append(out, s)
		return nil
	})
	sortStaff(out)
	return out, err
}

// StaffByPseudonym finds the record whose pseudonym is name, compared without regard to case
// and surrounding space (removed ones too: check Removed).
func (t *Tx) StaffByPseudonym(name string) (Staff, bool, error) {
	all, err := t.ListStaff()
	if err != nil {
		return Staff{}, false, err
	}
	want := foldName(name)
	for _, s := range all {
		if foldName(s.Pseudonym) == want {
			return s, true, nil
		}
	}
	return Staff{}, false, nil
}

func foldName(s string) string {
	return cases.Fold().String(strings.Join(strings.Fields(s), " "))
}

func sortStaff(s []Staff) {
	slices.SortFunc(s, func(a, b Staff) int {
		if c := a.Joined.Compare(b.Joined); c != 0 {
			return c
		}
		return cmp.Compare(a.UserID, b.UserID)
	})
}

// StaffRef is a short opaque reference to userID's record (13 characters), for callback data:
// it names the record without carrying the Telegram id.
func (t *Tx) StaffRef(userID int64) string {
	return inviteEncoding.EncodeToString(t.keys.staffKey(userID)[:8])
}

// StaffByRef finds the record a StaffRef names.
func (t *Tx) StaffByRef(ref string) (Staff, bool, error) {
	prefix, err := inviteEncoding.DecodeString(ref)
	if err != nil || len(prefix) != 8 {
		return Staff{}, false, nil
	}
	b := t.bucket(bucketStaff)
	cur := b.Cursor()
	if k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) {
		var s Staff
		if err := t.openInto(bucketStaff, k, v, &s); err != nil {
			return Staff{}, false, err
		}
		s.normalize()
		return s, true, nil
	}
	return Staff{}, false, nil
}

// activeStaff reports whether userID is a consultant or admin who has not been removed.
func (t *Tx) activeStaff(userID int64) bool {
	s, found, err := t.Staff(userID)
	return err == nil && found && !s.Removed
}
