package store

import (
	"bytes"
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"
)

// RotateKey writes a copy of the closed database at src to dst with every sealed value
// re-encrypted and every keyed hash recomputed under newKey. The caller swaps the files and the
// key (see cmd/peerline rotate-key). Records whose identifier cannot be recovered (pending
// invitations, keyed by a hash of a code that is stored nowhere) are dropped and counted in the
// returned number.
func RotateKey(src, dst string, oldKey, newKey []byte) (dropped int, err error) {
	oldK, err := newKeyring(oldKey)
	if err != nil {
		return 0, err
	}
	newK, err := newKeyring(newKey)
	if err != nil {
		return 0, err
	}
	in, err := Open(src, Options{Key: oldKey, ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer in.Close()
	_ = os.Remove(dst)
	out, err := bolt.Open(dst, 0o600, &bolt.Options{NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return 0, err
	}
	err = in.bolt.View(func(itx *bolt.Tx) error {
		return out.Update(func(otx *bolt.Tx) error {
			return itx.ForEach(func(name []byte, ib *bolt.Bucket) error {
				ob, err := otx.CreateBucket(name)
				if err != nil {
					return err
				}
				if err := ob.SetSequence(ib.Sequence()); err != nil {
					return err
				}
				return ib.ForEach(func(k, v []byte) error {
					nk, nv, keep, err := rekey(name, k, v, oldK, newK)
					if err != nil {
						return fmt.Errorf("%s: %w", name, err)
					}
					if !keep {
						dropped++
						return nil
					}
					return ob.Put(nk, nv)
				})
			})
		})
	})
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return 0, err
	}
	return dropped, nil
}

// rekey returns a record's key and value under the new keyring.
func rekey(bucket, k, v []byte, oldK, newK *keyring) (nk, nv []byte, keep bool, err error) {
	reseal := func(newKey []byte) ([]byte, []byte, bool, error) {
		plain, err := oldK.open(v, sealAD(bucket, k))
		if err != nil {
			return nil, nil, false, err
		}
		return newKey, newK.seal(plain, sealAD(bucket, newKey)), true, nil
	}
	switch {
	case bytes.Equal(bucket, bucketMeta):
		if bytes.Equal(k, keyKeyCheck) {
			return k, newK.check(), true, nil
		}
		return k, v, true, nil
	case bytes.Equal(bucket, bucketOutbox), bytes.Equal(bucket, bucketTrail), bytes.Equal(bucket, bucketPosts):
		return reseal(k)
	case bytes.Equal(bucket, bucketUsers), bytes.Equal(bucket, bucketConvs):
		var rec struct {
			ChatID int64 `json:"id"`
		}
		if err := openJSON(oldK, bucket, k, v, &rec); err != nil {
			return nil, nil, false, err
		}
		if rec.ChatID == 0 {
			return nil, nil, false, nil
		}
		return reseal(newK.chatKey(rec.ChatID))
	case bytes.Equal(bucket, bucketStaff):
		var rec struct {
			UserID int64 `json:"id"`
		}
		if err := openJSON(oldK, bucket, k, v, &rec); err != nil {
			return nil, nil, false, err
		}
		if rec.UserID == 0 {
			return nil, nil, false, nil
		}
		return reseal(newK.staffKey(rec.UserID))
	case bytes.Equal(bucket, bucketInvites):
		// Keyed by a hash of a code that is stored nowhere: pending invitations cannot be
		// carried over; admins send new ones.
		return nil, nil, false, nil
	case bytes.Equal(bucket, bucketRefs):
		var rec struct {
			Name string `json:"n"`
		}
		if err := openJSON(oldK, bucket, k, v, &rec); err != nil {
			return nil, nil, false, err
		}
		if rec.Name == "" {
			return nil, nil, false, nil
		}
		return reseal(newK.hash("ref", []byte(rec.Name)))
	default:
		// updates_done, updates_parked, counters, jobs: nothing personal, nothing sealed.
		return k, v, true, nil
	}
}
