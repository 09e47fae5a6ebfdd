package store

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Traces: an audit of what the store holds about one chat, for tests and checks. It looks at
// every record of every bucket, whatever aggregate wrote it, so a new kind of record is covered
// without being listed: a record is tied to the chat when its key is the chat's keyed hash or
// holds the raw id, when its value holds the raw id, or when its sealed value names the chat
// (every keyed-hash record seals its id, for key rotation; refs, trail entries and outbox calls
// seal the chat they are about).

// Trace is one place where the store still holds something tied to a chat.
type Trace struct {
	Bucket string
	Key    string // hex
	How    string // TraceKeyedHash, TraceRawKey, TraceRawValue or TraceSealed
	// Field is the sealed JSON field holding the id (for TraceSealed).
	Field string
}

// What a Trace found.
const (
	TraceKeyedHash = "keyed hash of the chat id as key"
	TraceRawKey    = "raw chat id in the key"
	TraceRawValue  = "raw chat id in the value"
	TraceSealed    = "chat id in a sealed field"
)

func (tr Trace) String() string {
	s := fmt.Sprintf("%s[%s]: %s", tr.Bucket, tr.Key, tr.How)
	if tr.Field != "" {
		s += " (" + tr.Field + ")"
	}
	return s
}

// Raw reports whether the trace is the id itself, unhashed and unsealed: never acceptable, even
// for a person the bot still knows.
func (tr Trace) Raw() bool { return tr.How == TraceRawKey || tr.How == TraceRawValue }

// rawForms are the ways an id could sit in bytes: decimal text and 8-byte integers in both byte
// orders.
func rawForms(id int64) [][]byte {
	be := make([]byte, 8)
	le := make([]byte, 8)
	binary.BigEndian.PutUint64(be, uint64(id))
	binary.LittleEndian.PutUint64(le, uint64(id))
	return [][]byte{[]byte(strconv.FormatInt(id, 10)), be, le}
}

func containsAny(b []byte, forms [][]byte) bool {
	for _, f := range forms {
		if bytes.Contains(b, f) {
			return true
		}
	}
	return false
}

// Traces lists every record tied to chatID, in every bucket (nested ones too).
func (t *Tx) Traces(chatID int64) ([]Trace, error) {
	forms := rawForms(chatID)
	hashed := t.keys.chatKey(chatID)
	dec := strconv.FormatInt(chatID, 10)
	var out []Trace
	var walk func(path string, b *bolt.Bucket) error
	walk = func(path string, b *bolt.Bucket) error {
		name := []byte(path[strings.LastIndexByte(path, '/')+1:])
		return b.ForEach(func(k, v []byte) error {
			at := func(how, field string) {
				out = append(out, Trace{Bucket: path, Key: hex.EncodeToString(k), How: how, Field: field})
			}
			if v == nil {
				if nb := b.Bucket(k); nb != nil {
					if containsAny(k, forms) {
						at(TraceRawKey, "")
					}
					return walk(path+"/"+string(k), nb)
				}
			}
			switch {
			case containsAny(k, forms):
				at(TraceRawKey, "")
			case bytes.Equal(k, hashed):
				at(TraceKeyedHash, "")
			}
			if containsAny(v, forms) {
				at(TraceRawValue, "")
			}
			plain, err := t.keys.open(v, sealAD(name, k))
			if err != nil {
				return nil // not sealed (or not by this key at this place)
			}
			if field := jsonNames(plain, chatID, dec); field != "" {
				at(TraceSealed, field)
			}
			return nil
		})
	}
	err := t.tx.ForEach(func(name []byte, b *bolt.Bucket) error { return walk(string(name), b) })
	return out, err
}

// jsonNames returns the path of the first JSON value in doc that is the id (a number equal to it,
// or a string or object key containing its decimal form), or "" if there is none.
func jsonNames(doc []byte, id int64, dec string) string {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		if bytes.Contains(doc, []byte(dec)) {
			return "(not JSON)"
		}
		return ""
	}
	var find func(path string, v any) string
	find = func(path string, v any) string {
		switch x := v.(type) {
		case json.Number:
			if n, err := x.Int64(); err == nil && n == id {
				return path
			}
		case string:
			if strings.Contains(x, dec) {
				return path
			}
		case []any:
			for i, e := range x {
				if p := find(fmt.Sprintf("%s[%d]", path, i), e); p != "" {
					return p
				}
			}
		case map[string]any:
			for k, e := range x {
				if strings.Contains(k, dec) {
					return path + "." + k
				}
				if p := find(path+"."+k, e); p != "" {
					return p
				}
			}
		}
		return ""
	}
	return find("$", v)
}

// FileTraces searches the database file's raw bytes — live records and free pages alike — for
// chatID as decimal text, as an 8-byte integer in either byte order, and as its keyed hash. After
// a person is erased and the file compacted, none may remain.
func (db *DB) FileTraces(chatID int64) ([]string, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	raw, err := os.ReadFile(db.path)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, f := range rawForms(chatID) {
		if bytes.Contains(raw, f) {
			out = append(out, []string{"decimal", "big-endian", "little-endian"}[i])
		}
	}
	if bytes.Contains(raw, db.keys.chatKey(chatID)) {
		out = append(out, "keyed hash")
	}
	return out, nil
}
