package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// A migration moves the database from schema version i to i+1 (its index in migrations plus one).
// Migrations run in one transaction at Open, in order, and only once; add a step by appending a
// function, never by editing an old one.
type migration struct {
	name string
	up   func(tx *bolt.Tx, keys *keyring) error
}

var migrations = []migration{
	{"create buckets", func(tx *bolt.Tx, _ *keyring) error {
		for _, name := range [][]byte{bucketMeta, bucketDone, bucketParked, bucketOutbox,
			bucketConvs, bucketUsers, bucketRefs, bucketCounters} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	}},
	{"scheduled jobs", func(tx *bolt.Tx, _ *keyring) error {
		_, err := tx.CreateBucketIfNotExists(bucketJobs)
		return err
	}},
	{"safe-mode trail", func(tx *bolt.Tx, _ *keyring) error {
		_, err := tx.CreateBucketIfNotExists(bucketTrail)
		return err
	}},
	{"staff and invitations", func(tx *bolt.Tx, _ *keyring) error {
		for _, name := range [][]byte{bucketStaff, bucketInvites} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	}},
	{"audit log", func(tx *bolt.Tx, _ *keyring) error {
		_, err := tx.CreateBucketIfNotExists(bucketAudit)
		return err
	}},
	{"channel posts", func(tx *bolt.Tx, _ *keyring) error {
		for _, name := range [][]byte{bucketPosts, bucketPostRuns, bucketCalls} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	}},
}

// SchemaVersion is the schema version this build writes.
func SchemaVersion() int { return len(migrations) }

func (db *DB) migrate() error { return db.migrateWith(migrations) }

func (db *DB) migrateWith(steps []migration) error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if meta.Get(keyKeyCheck) == nil {
			if err := meta.Put(keyKeyCheck, db.keys.check()); err != nil {
				return err
			}
		}
		var have uint64
		if v := meta.Get(keySchema); v != nil {
			have = keyU64(v)
		}
		if have > uint64(len(steps)) {
			return fmt.Errorf("%w (schema %d, this build knows %d)", ErrNewerSchema, have, len(steps))
		}
		for i := have; i < uint64(len(steps)); i++ {
			if err := steps[i].up(tx, db.keys); err != nil {
				return fmt.Errorf("migrate schema %d→%d (%s): %w", i, i+1, steps[i].name, err)
			}
			if err := meta.Put(keySchema, u64key(i+1)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Schema returns the database's schema version.
func (db *DB) Schema() (int, error) {
	var v int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta); b != nil {
			if s := b.Get(keySchema); s != nil {
				v = int(keyU64(s))
			}
		}
		return nil
	})
	return v, err
}
