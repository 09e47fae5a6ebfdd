// Package store owns peerline's durable state: one bbolt file holding conversation state, user
// profiles, the outbox of calls still to send, which updates are done, and aggregate counters.
// It is the only package that imports bbolt, and it owns privacy at rest: records about a person
// are keyed by a keyed hash (HMAC) of their chat id, and every value that could identify or
// describe a person is sealed with AES-GCM under the data key. One file per aggregate.
package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Errors callers may want to tell apart.
var (
	// ErrLocked means another process holds the database open.
	ErrLocked = errors.New("database is in use by another process")
	// ErrWrongKey means the data key does not match the one the database was created with.
	ErrWrongKey = errors.New("the data key does not match this database")
	// ErrNewerSchema means the file was written by a newer peerline than this one.
	ErrNewerSchema = errors.New("database was written by a newer version of peerline")
)

// Bucket names. Each aggregate file documents what it keeps in its bucket.
var (
	bucketMeta     = []byte("meta")
	bucketDone     = []byte("updates_done")
	bucketParked   = []byte("updates_parked")
	bucketOutbox   = []byte("outbox")
	bucketConvs    = []byte("conversations")
	bucketUsers    = []byte("users")
	bucketRefs     = []byte("refs")
	bucketCounters = []byte("counters")
	bucketJobs     = []byte("jobs")
	bucketTrail    = []byte("trail")
	bucketStaff    = []byte("staff")
	bucketInvites  = []byte("invites")
)

var (
	keySchema   = []byte("schema")
	keyKeyCheck = []byte("keycheck")
	keyOffset   = []byte("offset")
)

// Options configure Open.
type Options struct {
	// Key is the 32-byte data key. Required.
	Key []byte
	// LockTimeout is how long Open waits for another process to release the file. Default 3 s.
	LockTimeout time.Duration
	// NoSync skips fsync; only for throwaway databases (tests, the sandbox's previews).
	NoSync bool
	// MaxBatchDelay bounds how long Batch waits to coalesce transactions. Default 1 ms.
	MaxBatchDelay time.Duration
	// ReadOnly opens the file for reading (a shared lock).
	ReadOnly bool
}

// DB is an open peerline database.
type DB struct {
	// mu is held for reading by every transaction and for writing by Compact, which replaces
	// the file underneath.
	mu   sync.RWMutex
	bolt *bolt.DB
	keys *keyring
	path string
	opts *bolt.Options
}

// Open opens (creating if needed) the database at path, checks the key and migrates the schema.
// A wrong key fails before anything is written.
func Open(path string, opt Options) (*DB, error) {
	keys, err := newKeyring(opt.Key)
	if err != nil {
		return nil, err
	}
	if opt.LockTimeout == 0 {
		opt.LockTimeout = 3 * time.Second
	}
	if !opt.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
	}
	bopts := &bolt.Options{
		Timeout:        opt.LockTimeout,
		NoSync:         opt.NoSync,
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
		ReadOnly:       opt.ReadOnly,
	}
	bdb, err := bolt.Open(path, 0o600, bopts)
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("open %s: %w (waited %s); stop the other peerline first", path, ErrLocked, opt.LockTimeout)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if opt.MaxBatchDelay == 0 {
		opt.MaxBatchDelay = time.Millisecond
	}
	tuneBatch(bdb, opt.MaxBatchDelay)
	db := &DB{bolt: bdb, keys: keys, path: path, opts: bopts}
	if err := db.checkKey(); err != nil {
		bdb.Close()
		return nil, err
	}
	if !opt.ReadOnly {
		if err := db.migrate(); err != nil {
			bdb.Close()
			return nil, err
		}
	}
	return db, nil
}

func tuneBatch(bdb *bolt.DB, delay time.Duration) {
	bdb.MaxBatchSize = 1000
	bdb.MaxBatchDelay = delay
}

// Close closes the database file.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.bolt.Close()
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// checkKey compares the stored key check value with the key's; an empty database passes.
func (db *DB) checkKey() error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMeta)
		if b == nil {
			return nil
		}
		stored := b.Get(keyKeyCheck)
		if stored == nil {
			return nil
		}
		if !db.keys.checkMatches(stored) {
			return ErrWrongKey
		}
		return nil
	})
}

// Tx is a transaction with peerline's typed operations. It is valid only inside the function
// it was passed to.
type Tx struct {
	tx   *bolt.Tx
	keys *keyring
	// onCommit runs after a successful commit (used by Update/Batch callers through AfterCommit).
	onCommit []func()
}

// Update runs fn in its own read-write transaction.
func (db *DB) Update(fn func(*Tx) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	var t *Tx
	err := db.bolt.Update(func(btx *bolt.Tx) error {
		t = &Tx{tx: btx, keys: db.keys}
		return fn(t)
	})
	if err == nil && t != nil {
		t.runAfterCommit()
	}
	return err
}

// Batch runs fn in a read-write transaction that may be shared with other concurrent Batch
// calls, so that they share one fsync. fn may be called more than once (if another function in
// the batch fails, the batch is retried without it), so it must not have effects outside the
// transaction other than through AfterCommit.
func (db *DB) Batch(fn func(*Tx) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	var t *Tx
	err := db.bolt.Batch(func(btx *bolt.Tx) error {
		t = &Tx{tx: btx, keys: db.keys}
		return fn(t)
	})
	if err == nil && t != nil {
		t.runAfterCommit()
	}
	return err
}

// View runs fn in a read-only transaction.
func (db *DB) View(fn func(*Tx) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.bolt.View(func(btx *bolt.Tx) error {
		return fn(&Tx{tx: btx, keys: db.keys})
	})
}

// AfterCommit registers f to run once the transaction has committed. Functions registered in an
// attempt that is rolled back never run.
func (t *Tx) AfterCommit(f func()) { t.onCommit = append(t.onCommit, f) }

func (t *Tx) runAfterCommit() {
	for _, f := range t.onCommit {
		f()
	}
}

// Writable reports whether the transaction can write.
func (t *Tx) Writable() bool { return t.tx.Writable() }

// Backup writes a consistent copy of the whole database to w while it stays in use.
func (db *DB) Backup(w io.Writer) (int64, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	var n int64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// BackupFile writes a consistent copy to path (mode 0600) through a temporary file and a rename,
// so a reader never sees a half-written backup.
func (db *DB) BackupFile(path string) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".peerline-backup-*")
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name())
	n, err := db.Backup(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	return n, nil
}

// Size is the database file's size in bytes.
func (db *DB) Size() int64 {
	db.mu.RLock()
	defer db.mu.RUnlock()
	var n int64
	_ = db.bolt.View(func(tx *bolt.Tx) error { n = tx.Size(); return nil })
	return n
}

func u64key(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}

func keyU64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// bucket returns a top-level bucket that migrations guarantee exists.
func (t *Tx) bucket(name []byte) *bolt.Bucket {
	b := t.tx.Bucket(name)
	if b == nil {
		panic(fmt.Sprintf("store: bucket %q missing (schema not migrated)", name))
	}
	return b
}
