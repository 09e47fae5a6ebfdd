package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Audit: an append-only log of admin and consultant management actions (invite, remove, publish,
// schedule change, edit, delete, content or directory change, block and unblock). An entry holds
// the time, a pseudonym of who acted (never a Telegram id), an action code and a short detail
// written by the flow (never conversation text). Each entry carries the SHA-256 of the previous
// entry's hash and its own fields, so an altered or removed entry breaks the chain. Keyed by
// sequence number; the head (last sequence and hash) and the base (where the chain starts after
// retention trimmed old entries) are kept in the meta bucket. Not sealed: nothing in it is about
// a person, and a reader with the file but not the key can still check the chain.

var (
	bucketAudit   = []byte("audit")
	keyAuditHead  = []byte("audit_head")
	keyAuditBase  = []byte("audit_base")
	auditGenesis  = make([]byte, sha256.Size)
	auditPseudoID = "actor"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Seq    uint64 `json:"seq"`
	At     int64  `json:"at"`    // unix seconds
	Actor  string `json:"actor"` // pseudonym, e.g. "admin 3fa9c1"
	Action string `json:"action"`
	Detail string `json:"detail,omitempty"`
	Prev   string `json:"prev"` // hex hash of the previous entry (zeros for the first)
	Hash   string `json:"hash"` // hex hash of this entry
}

// Time is the entry's time.
func (e AuditEntry) Time() time.Time { return time.Unix(e.At, 0) }

// auditHash is the hash over the previous hash and the entry's own fields.
func auditHash(prev []byte, e AuditEntry) []byte {
	h := sha256.New()
	h.Write(prev)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], e.Seq)
	h.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(e.At))
	h.Write(n[:])
	for _, s := range []string{e.Actor, e.Action, e.Detail} {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	return h.Sum(nil)
}

type auditMark struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

func (t *Tx) auditMark(key []byte) (auditMark, error) {
	var m auditMark
	v := t.bucket(bucketMeta).Get(key)
	if v == nil {
		return m, nil
	}
	return m, json.Unmarshal(v, &m)
}

func (t *Tx) putAuditMark(key []byte, m auditMark) error {
	v, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return t.bucket(bucketMeta).Put(key, v)
}

// ActorLabel is the pseudonym the audit log shows for the user with Telegram id userID: role
// and six hex digits of a keyed hash of the id. The same person always gets the same label
// (under the same data key); the id cannot be read back from it.
func (t *Tx) ActorLabel(role string, userID int64) string {
	h := t.keys.hash(auditPseudoID, []byte(strconv.FormatInt(userID, 10)))
	return role + " " + hex.EncodeToString(h[:3])
}

// AppendAudit adds an entry at the end of the log; Seq, Prev and Hash are set here.
func (t *Tx) AppendAudit(e AuditEntry) (AuditEntry, error) {
	head, err := t.auditMark(keyAuditHead)
	if err != nil {
		return e, err
	}
	prev := auditGenesis
	if head.Hash != "" {
		if prev, err = hex.DecodeString(head.Hash); err != nil {
			return e, fmt.Errorf("audit head: %w", err)
		}
	}
	e.Seq = head.Seq + 1
	e.Prev = hex.EncodeToString(prev)
	e.Hash = hex.EncodeToString(auditHash(prev, e))
	v, err := json.Marshal(e)
	if err != nil {
		return e, err
	}
	if err := t.bucket(bucketAudit).Put(u64key(e.Seq), v); err != nil {
		return e, err
	}
	return e, t.putAuditMark(keyAuditHead, auditMark{Seq: e.Seq, Hash: e.Hash})
}

// AuditLatest returns up to n of the newest entries, newest first.
func (t *Tx) AuditLatest(n int) ([]AuditEntry, error) {
	var out []AuditEntry
	c := t.bucket(bucketAudit).Cursor()
	for k, v := c.Last(); k != nil && len(out) < n; k, v = c.Prev() {
		var e AuditEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, fmt.Errorf("audit entry %d: %w", keyU64(k), err)
		}
		out = append(out, e)
	}
	return out, nil
}

// AuditCheck is the result of verifying the chain.
type AuditCheck struct {
	Entries int
	Intact  bool
	// BrokenAt is the sequence number where the chain first fails (0 when intact).
	BrokenAt uint64
	Reason   string // "altered", "missing", "unreadable", "head" (entries removed at the end)
}

// VerifyAudit walks the log from its base and checks every link and the head.
func (t *Tx) VerifyAudit() (AuditCheck, error) {
	base, err := t.auditMark(keyAuditBase)
	if err != nil {
		return AuditCheck{}, err
	}
	head, err := t.auditMark(keyAuditHead)
	if err != nil {
		return AuditCheck{}, err
	}
	prev := auditGenesis
	if base.Hash != "" {
		if prev, err = hex.DecodeString(base.Hash); err != nil {
			return AuditCheck{}, err
		}
	}
	want := base.Seq + 1
	res := AuditCheck{Intact: true}
	fail := func(seq uint64, why string) (AuditCheck, error) {
		res.Intact, res.BrokenAt, res.Reason = false, seq, why
		return res, nil
	}
	c := t.bucket(bucketAudit).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		seq := keyU64(k)
		if seq != want {
			return fail(want, "missing")
		}
		var e AuditEntry
		if err := json.Unmarshal(v, &e); err != nil || e.Seq != seq {
			return fail(seq, "unreadable")
		}
		sum := auditHash(prev, e)
		if e.Prev != hex.EncodeToString(prev) || e.Hash != hex.EncodeToString(sum) {
			return fail(seq, "altered")
		}
		prev = sum
		want++
		res.Entries++
	}
	if head.Seq != want-1 || (head.Seq > base.Seq && head.Hash != hex.EncodeToString(prev)) {
		return fail(want, "head")
	}
	return res, nil
}

// PurgeAuditBefore removes the entries older than before (retention, default 365 days) from the
// start of the log and moves the base so that the rest still verifies. It returns how many went.
func (t *Tx) PurgeAuditBefore(before time.Time) (int, error) {
	base, err := t.auditMark(keyAuditBase)
	if err != nil {
		return 0, err
	}
	b := t.bucket(bucketAudit)
	var doomed [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var e AuditEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return 0, fmt.Errorf("audit entry %d: %w", keyU64(k), err)
		}
		if e.At >= before.Unix() {
			break
		}
		doomed = append(doomed, append([]byte(nil), k...))
		base = auditMark{Seq: e.Seq, Hash: e.Hash}
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	if len(doomed) == 0 {
		return 0, nil
	}
	return len(doomed), t.putAuditMark(keyAuditBase, base)
}
