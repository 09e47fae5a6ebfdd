package store

import (
	"encoding/json"
	"sort"
)

// Open calls created or edited by admins from the bot (the shipped ones are in content/). Public
// content, kept in the clear; keyed by the call's number. A stored call with the number of a
// shipped one replaces it; Removed hides either.

var bucketCalls = []byte("calls")

// OpenCall is an open call (request for proposals) kept in the store. Texts are Telegram HTML
// per language (uk, ru, en).
type OpenCall struct {
	Number   string            `json:"n"`
	Title    map[string]string `json:"t"`
	Sought   map[string]string `json:"s"`
	Criteria map[string]string `json:"c,omitempty"` // one criterion per line
	Apply    map[string]string `json:"a"`
	Deadline int64             `json:"d"` // unix seconds
	Zone     string            `json:"z"` // the zone's name people know, e.g. EET
	Email    string            `json:"e"`
	Removed  bool              `json:"x,omitempty"`
	Updated  int64             `json:"u"`
}

// PutCall stores c under its number.
func (t *Tx) PutCall(c OpenCall) error {
	v, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return t.bucket(bucketCalls).Put([]byte(c.Number), v)
}

// StoredCalls returns every stored call (removed ones too), by number.
func (t *Tx) StoredCalls() ([]OpenCall, error) {
	var out []OpenCall
	err := t.bucket(bucketCalls).ForEach(func(k, v []byte) error {
		var c OpenCall
		if err := json.Unmarshal(v, &c); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, err
}

// StoredCall returns the stored call number.
func (t *Tx) StoredCall(number string) (OpenCall, bool, error) {
	var c OpenCall
	v := t.bucket(bucketCalls).Get([]byte(number))
	if v == nil {
		return c, false, nil
	}
	return c, true, json.Unmarshal(v, &c)
}
