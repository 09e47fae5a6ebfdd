package store

import (
	"encoding/json"
	"fmt"
)

// putSealed stores v as sealed JSON under key in bucket.
func (t *Tx) putSealed(bucket, key []byte, v any) error {
	plain, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return t.bucket(bucket).Put(key, t.keys.seal(plain, sealAD(bucket, key)))
}

// getSealed reads the sealed JSON under key into v; found is false when there is none.
func (t *Tx) getSealed(bucket, key []byte, v any) (found bool, err error) {
	sealed := t.bucket(bucket).Get(key)
	if sealed == nil {
		return false, nil
	}
	if err := t.openInto(bucket, key, sealed, v); err != nil {
		return false, err
	}
	return true, nil
}

func (t *Tx) openInto(bucket, key, sealed []byte, v any) error {
	plain, err := t.keys.open(sealed, sealAD(bucket, key))
	if err != nil {
		return fmt.Errorf("%s: %w", bucket, err)
	}
	return json.Unmarshal(plain, v)
}

func sealAD(bucket, key []byte) []byte {
	ad := make([]byte, 0, len(bucket)+1+len(key))
	ad = append(ad, bucket...)
	ad = append(ad, 0)
	return append(ad, key...)
}

// openJSON opens a sealed value with a given keyring into v.
func openJSON(k *keyring, bucket, key, sealed []byte, v any) error {
	plain, err := k.open(sealed, sealAD(bucket, key))
	if err != nil {
		return err
	}
	return json.Unmarshal(plain, v)
}
