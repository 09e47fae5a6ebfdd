package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"strings"
	"sync"
)

// KeySize is the length of the data key in bytes.
const KeySize = 32

// keyring derives the two working keys from the data key: one for keyed hashes of identifiers,
// one for sealing values.
type keyring struct {
	mac  []byte
	aead cipher.AEAD
	// macs reuses HMAC states: a keyed hash is taken several times per update, and a fresh
	// HMAC costs a handful of allocations each time.
	macs sync.Pool
}

func newKeyring(master []byte) (*keyring, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("data key must be %d bytes, got %d", KeySize, len(master))
	}
	macKey, err := hkdf.Key(sha256.New, master, nil, "peerline identifiers v1", 32)
	if err != nil {
		return nil, err
	}
	encKey, err := hkdf.Key(sha256.New, master, nil, "peerline values v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &keyring{mac: macKey, aead: aead}, nil
}

// hash returns a 16-byte keyed hash of a labelled value; the label keeps hashes of different
// kinds of identifier apart.
func (k *keyring) hash(label string, v []byte) []byte {
	m, _ := k.macs.Get().(hash.Hash)
	if m == nil {
		m = hmac.New(sha256.New, k.mac)
	} else {
		m.Reset()
	}
	in := make([]byte, 0, len(label)+1+len(v)+sha256.Size)
	in = append(in, label...)
	in = append(in, 0)
	in = append(in, v...)
	m.Write(in)
	out := m.Sum(in[len(in):])[:16]
	k.macs.Put(m)
	return out
}

func (k *keyring) chatKey(chatID int64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(chatID))
	return k.hash("chat", b[:])
}

func (k *keyring) check() []byte { return k.hash("keycheck", nil) }

func (k *keyring) checkMatches(stored []byte) bool { return hmac.Equal(stored, k.check()) }

const sealVersion = 1

// seal encrypts plain, binding it to where it is stored (ad) so a value cannot be moved to
// another record unnoticed.
func (k *keyring) seal(plain, ad []byte) []byte {
	ns := k.aead.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(plain)+k.aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1 : 1+ns]); err != nil {
		panic("store: no randomness: " + err.Error())
	}
	return k.aead.Seal(out, out[1:1+ns], plain, ad)
}

var errSealed = errors.New("sealed value cannot be opened (damaged, or a different key)")

func (k *keyring) open(sealed, ad []byte) ([]byte, error) {
	ns := k.aead.NonceSize()
	if len(sealed) < 1+ns+k.aead.Overhead() || sealed[0] != sealVersion {
		return nil, errSealed
	}
	plain, err := k.aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], ad)
	if err != nil {
		return nil, errSealed
	}
	return plain, nil
}

// NewKey returns a fresh random data key.
func NewKey() []byte {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic("store: no randomness: " + err.Error())
	}
	return k
}

// EncodeKey renders a key as the text kept in a key file (hex, one line).
func EncodeKey(k []byte) string { return hex.EncodeToString(k) + "\n" }

// ParseKey reads a key from key-file text (64 hex characters, surrounding space ignored).
func ParseKey(text string) ([]byte, error) {
	s := strings.TrimSpace(text)
	k, err := hex.DecodeString(s)
	if err != nil || len(k) != KeySize {
		return nil, fmt.Errorf("a data key is %d hex characters (%d bytes)", KeySize*2, KeySize)
	}
	return k, nil
}

// LoadOrCreateKey reads the key in path, or, if the file does not exist and create is true,
// writes a new one there (mode 0600). created reports whether it did.
func LoadOrCreateKey(path string, create bool) (key []byte, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		k, perr := ParseKey(string(b))
		if perr != nil {
			return nil, false, fmt.Errorf("key file %s: %w", path, perr)
		}
		return k, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) || !create {
		return nil, false, fmt.Errorf("key file %s: %w", path, err)
	}
	k := NewKey()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("create key file %s: %w", path, err)
	}
	if _, err := f.WriteString(EncodeKey(k)); err != nil {
		f.Close()
		return nil, false, fmt.Errorf("write key file %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, false, err
	}
	return k, true, f.Close()
}
