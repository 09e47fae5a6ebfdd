package store

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// Compact rewrites the database into a new file holding only live data, overwrites the old file
// with zeros and replaces it. bbolt keeps deleted records' bytes in free pages until they are
// reused; after Compact they are gone from the file. Transactions wait while it runs.
// It returns the file's size before and after.
func (db *DB) Compact() (before, after int64, err error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if st, err := os.Stat(db.path); err == nil {
		before = st.Size()
	}
	tmp := db.path + ".compact"
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return 0, 0, fmt.Errorf("compact: %w", err)
	}
	if err := bolt.Compact(dst, db.bolt, 4<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return 0, 0, fmt.Errorf("compact: %w", err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return 0, 0, fmt.Errorf("compact: %w", err)
	}
	delay := db.bolt.MaxBatchDelay
	if err := db.bolt.Close(); err != nil {
		return 0, 0, fmt.Errorf("compact: close: %w", err)
	}
	// From here the old file is closed: reopen whatever is there, even on failure.
	swapErr := func() error {
		if err := zeroFile(db.path); err != nil {
			return err
		}
		if err := os.Rename(tmp, db.path); err != nil {
			return err
		}
		return syncDir(filepath.Dir(db.path))
	}()
	bdb, err := bolt.Open(db.path, 0o600, db.opts)
	if err != nil {
		return 0, 0, fmt.Errorf("compact: reopen: %w", err)
	}
	tuneBatch(bdb, delay)
	db.bolt = bdb
	if swapErr != nil {
		return 0, 0, fmt.Errorf("compact: replace the file: %w", swapErr)
	}
	if st, err := os.Stat(db.path); err == nil {
		after = st.Size()
	}
	return before, after, nil
}

// zeroFile overwrites a file's bytes with zeros and syncs it.
func zeroFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	zeros := make([]byte, 64<<10)
	for off := int64(0); off < st.Size(); off += int64(len(zeros)) {
		n := int64(len(zeros))
		if st.Size()-off < n {
			n = st.Size() - off
		}
		if _, err := f.WriteAt(zeros[:n], off); err != nil {
			return err
		}
	}
	return f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && err != io.EOF {
		return err
	}
	return nil
}
