// Package storetest opens throwaway peerline databases for tests.
package storetest

import (
	"path/filepath"
	"testing"

	"github.com/ehra/peerline/store"
)

// MustOpen opens a new database in a temporary folder, closed when the test ends.
func MustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "peerline.db"), store.Options{Key: store.NewKey(), NoSync: true})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
