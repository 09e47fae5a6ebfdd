package content

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad: any file in the data folder, whatever its bytes, makes Load return valid content or
// an error — Problems naming the file, or a read error — and never panics.
func FuzzLoad(f *testing.F) {
	for i, fl := range files {
		data, err := embedded.ReadFile("data/" + fl.name)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) <= 10<<10 { // larger files slow every run and mutation down
			f.Add(uint8(i), string(data))
		}
	}
	f.Add(uint8(2), "[[card]]\nid = \"x\"\n")
	f.Add(uint8(9), "[[service]]\nid = \"ua-x\"\nremove = true\n")
	f.Add(uint8(1), "country = 5")
	f.Add(uint8(0), "\x00\xff = [")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, which uint8, data string) {
		name := files[int(which)%len(files)].name
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(path)
		c, err := Load(dir)
		if err == nil {
			if c == nil {
				t.Fatal("no content and no error")
			}
			return
		}
		var probs Problems
		if !errors.As(err, &probs) {
			return // a read error
		}
		if len(probs) == 0 {
			t.Fatal("an empty list of problems")
		}
		for _, p := range probs {
			if p.File == "" || p.Msg == "" {
				t.Fatalf("a problem that names no file or says nothing: %+v", p)
			}
		}
	})
}
