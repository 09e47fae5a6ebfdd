package store

import (
	"crypto/rand"
	"encoding/base32"
	"errors"
	"strings"
	"time"
)

// Invitations: one-time codes an admin hands out (as a t.me deep link) to make someone a
// consultant or an admin. Only a keyed hash of the code is stored, so neither a copy of the
// database nor a rotated key can turn a record back into a working link (rotate-key drops
// pending invitations). A code is claimed by the first person who opens it — nobody else can use
// it after that — and used up when they finish joining; it expires InviteTTL after it was made.

// InviteTTL is how long an invitation can be used.
const InviteTTL = 48 * time.Hour

// inviteCodeBytes is the code's randomness: 80 bits.
const inviteCodeBytes = 10

// Invitation errors.
var (
	ErrInviteUnknown = errors.New("no such invitation")
	ErrInviteExpired = errors.New("invitation expired")
	ErrInviteUsed    = errors.New("invitation already used")
)

// Invite is an invitation's record.
type Invite struct {
	Role      string    `json:"r"`           // RoleConsultant or RoleAdmin
	By        int64     `json:"b"`           // the inviting admin's user id (for the audit)
	Created   time.Time `json:"c"`           // when it was made
	Expires   time.Time `json:"e"`           // Created + InviteTTL
	ClaimedBy int64     `json:"u,omitempty"` // who opened it first
	Used      bool      `json:"x,omitempty"` // they finished joining
}

var inviteEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewInviteCode returns a fresh random code: 16 lower-case letters and digits (80 bits), safe in
// a t.me start parameter.
func NewInviteCode() string {
	b := make([]byte, inviteCodeBytes)
	if _, err := rand.Read(b); err != nil {
		panic("store: no randomness: " + err.Error())
	}
	return inviteEncoding.EncodeToString(b)
}

// NormalizeInviteCode lower-cases a code as typed or passed in a link.
func NormalizeInviteCode(code string) string { return strings.ToLower(strings.TrimSpace(code)) }

func (k *keyring) inviteKey(code string) []byte {
	return k.hash("invite", []byte(NormalizeInviteCode(code)))
}

// CreateInvite makes an invitation for role by the admin byUserID and returns its code.
func (t *Tx) CreateInvite(role string, byUserID int64, now time.Time) (string, error) {
	code := NewInviteCode()
	inv := Invite{Role: role, By: byUserID, Created: now, Expires: now.Add(InviteTTL)}
	if err := t.putSealed(bucketInvites, t.keys.inviteKey(code), inv); err != nil {
		return "", err
	}
	return code, nil
}

// Invite returns the invitation for code as it is stored, whatever its state.
func (t *Tx) Invite(code string) (Invite, bool, error) {
	var inv Invite
	found, err := t.getSealed(bucketInvites, t.keys.inviteKey(code), &inv)
	return inv, found, err
}

// ClaimInvite checks that code can be used by userID now and reserves it for them: the first
// person to open an invitation holds it; anyone else is told it is used. The same person may
// open it again until they finish or it expires.
func (t *Tx) ClaimInvite(code string, userID int64, now time.Time) (Invite, error) {
	inv, found, err := t.Invite(code)
	switch {
	case err != nil:
		return Invite{}, err
	case !found:
		return Invite{}, ErrInviteUnknown
	case inv.Used || (inv.ClaimedBy != 0 && inv.ClaimedBy != userID):
		return Invite{}, ErrInviteUsed
	case !now.Before(inv.Expires):
		return Invite{}, ErrInviteExpired
	}
	if inv.ClaimedBy == 0 {
		inv.ClaimedBy = userID
		if err := t.putSealed(bucketInvites, t.keys.inviteKey(code), inv); err != nil {
			return Invite{}, err
		}
	}
	return inv, nil
}

// UseInvite marks code as used by userID (who must hold the claim); it can never be used again.
func (t *Tx) UseInvite(code string, userID int64, now time.Time) (Invite, error) {
	inv, err := t.ClaimInvite(code, userID, now)
	if err != nil {
		return Invite{}, err
	}
	inv.Used = true
	return inv, t.putSealed(bucketInvites, t.keys.inviteKey(code), inv)
}

// PurgeInvites deletes invitations that expired before now (used or not).
func (t *Tx) PurgeInvites(now time.Time) (int, error) {
	return t.deleteInvitesWhere(func(inv Invite) bool { return !now.Before(inv.Expires) })
}

// deleteInvitesOf deletes the invitations a person made or claimed (erasure).
func (t *Tx) deleteInvitesOf(userID int64) error {
	_, err := t.deleteInvitesWhere(func(inv Invite) bool { return inv.By == userID || inv.ClaimedBy == userID })
	return err
}

func (t *Tx) deleteInvitesWhere(doom func(Invite) bool) (int, error) {
	b := t.bucket(bucketInvites)
	var doomed [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var inv Invite
		if err := t.openInto(bucketInvites, k, v, &inv); err != nil {
			return err
		}
		if doom(inv) {
			doomed = append(doomed, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}
