package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ehra/peerline/store"
)

func runMain(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }}
	code = m.Main(context.Background(), args)
	return code, out.String(), errb.String()
}

func TestDirectoryImportExport(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"PEERLINE_DATA": data}
	csvPath := filepath.Join(t.TempDir(), "in.csv")
	header := "id,kind,offers,country,region,city,name_uk,name_ru,name_en,address,phones,website,telegram,hours_uk,hours_ru,hours_en,languages,notes_uk,notes_ru,notes_en,verified,verified_by,sources,dated\n"
	good := "pl-demo-site,ost,ost,PL,mazowieckie,warsaw,Пункт,Пункт,Site,ul. Przykładowa 1,+48 22 111 11 11,,,,,,pl,,,,2026-11-01,outreach,own visit,false\n"
	bad := "ua-bad,ost,ost,UA,atlantis,,Х,Х,X,,,,,,,,uk,,,,2026-11-01,team,visit,false\n"

	os.WriteFile(csvPath, []byte(header+good+bad), 0o600)
	code, _, stderr := runMain(t, env, "directory", "import", csvPath)
	if code == 0 || !strings.Contains(stderr, "line 3:") || !strings.Contains(stderr, "atlantis") {
		t.Fatalf("bad CSV: code %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(data, "content", "directory.toml")); err == nil {
		t.Fatal("a bad CSV wrote a file")
	}
	// An unterminated quote used to panic: it is a bad row named by its line like any other.
	os.WriteFile(csvPath, []byte(header+good+`"ua-open,ost`), 0o600)
	code, _, stderr = runMain(t, env, "directory", "import", csvPath)
	if code == 0 || !strings.Contains(stderr, "line 3: a quoted field is not closed") {
		t.Fatalf("CSV with an unterminated quote: code %d, %s", code, stderr)
	}

	os.WriteFile(csvPath, []byte(header+good), 0o600)
	code, stdout, stderr := runMain(t, env, "directory", "import", csvPath)
	if code != 0 || !strings.Contains(stdout, "imported 1 service") {
		t.Fatalf("good CSV: code %d %s %s", code, stdout, stderr)
	}
	code, stdout, _ = runMain(t, env, "directory", "export")
	if code != 0 || !strings.Contains(stdout, "pl-demo-site,ost,ost,PL") || !strings.Contains(stdout, "ua-ost-hotline") {
		t.Fatalf("export: %s", stdout)
	}
	code, _, stderr = runMain(t, env, "check")
	if code != 0 {
		t.Fatalf("check after import: %s", stderr)
	}
}

func TestCompactAndRotateKeyCommands(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"PEERLINE_DATA": data}
	keyPath := filepath.Join(data, "peerline.key")
	oldKey, _, err := store.LoadOrCreateKey(keyPath, true)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(data, "peerline.db"), store.Options{Key: oldKey})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Update(func(tx *store.Tx) error { return tx.PutUser(77, store.User{Lang: "ru"}) })
	db.Close()

	if code, out, errs := runMain(t, env, "compact"); code != 0 || !strings.Contains(out, "compacted") {
		t.Fatalf("compact: %d %s %s", code, out, errs)
	}
	code, out, errs := runMain(t, env, "rotate-key")
	if code != 0 || !strings.Contains(out, "rotated") {
		t.Fatalf("rotate-key: %d %s %s", code, out, errs)
	}
	newKey, _, _ := store.LoadOrCreateKey(keyPath, false)
	if bytes.Equal(newKey, oldKey) {
		t.Fatal("the key file still holds the old key")
	}
	db, err = store.Open(filepath.Join(data, "peerline.db"), store.Options{Key: newKey})
	if err != nil {
		t.Fatalf("open with the new key: %v", err)
	}
	_ = db.View(func(tx *store.Tx) error {
		if u, found, _ := tx.User(77); !found || u.Lang != "ru" {
			t.Error("data lost in rotation")
		}
		return nil
	})
	db.Close()

	t.Run("InterruptedRotationIsFinishedAtStart", func(t *testing.T) {
		// As if rotate-key died after swapping the database but before swapping the key.
		cur, _ := os.ReadFile(keyPath)
		os.WriteFile(keyPath+".new", cur, 0o600)
		os.WriteFile(keyPath, []byte(store.EncodeKey(oldKey)), 0o600)
		m := &Main{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(k string) string { return env[k] }}
		if _, err := m.ParseFlags("run", nil); err != nil {
			t.Fatal(err)
		}
		if err := m.openStore(); err != nil {
			t.Fatalf("start after an interrupted rotation: %v", err)
		}
		m.Close()
		if _, err := os.Stat(keyPath + ".new"); err == nil {
			t.Error("the new key was not moved into place")
		}
	})
	t.Run("WrongKeyChangesNothing", func(t *testing.T) {
		os.WriteFile(keyPath, []byte(store.EncodeKey(store.NewKey())), 0o600)
		before, _ := os.ReadFile(filepath.Join(data, "peerline.db"))
		code, _, errs := runMain(t, env, "compact")
		if code == 0 || !strings.Contains(errs, "created with another key") {
			t.Fatalf("compact with a wrong key: %d %s", code, errs)
		}
		after, _ := os.ReadFile(filepath.Join(data, "peerline.db"))
		if !bytes.Equal(before, after) {
			t.Fatal("a wrong key changed the database")
		}
	})
}

// TestCheckShippedContent runs `peerline check` on the content as shipped.
func TestCheckShippedContent(t *testing.T) {
	code, out, errs := runMain(t, map[string]string{"PEERLINE_DATA": t.TempDir()}, "check")
	if code != 0 || !strings.Contains(out, "content ok") {
		t.Fatalf("peerline check on the shipped content: %d %s %s", code, out, errs)
	}
	// And it fails, naming the file, on a broken override.
	data := t.TempDir()
	os.MkdirAll(filepath.Join(data, "content"), 0o700)
	os.WriteFile(filepath.Join(data, "content", "calls.toml"), []byte("[[call]]\nnumber = \"X-1\"\n"), 0o600)
	code, _, errs = runMain(t, map[string]string{"PEERLINE_DATA": data}, "check")
	if code == 0 || !strings.Contains(errs, filepath.Join(data, "content", "calls.toml")) {
		t.Fatalf("check with a broken override: %d %s", code, errs)
	}
}
