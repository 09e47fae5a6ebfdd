package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ehra/peerline/content"
)

// TestCheckWarnsAboutOldReviews: `peerline check` passes but warns about a health entry reviewed
// longer ago than PEERLINE_REVIEW_MONTHS, and about a country rule without an "as of" date.
func TestCheckWarnsAboutOldReviews(t *testing.T) {
	data := t.TempDir()
	dir := filepath.Join(data, "content")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("..", "..", "content", "data", "firstaid.toml"))
	if err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(string(src), "reviewed = 2026-12-06", "reviewed = 2020-01-01", 1)
	if err := os.WriteFile(filepath.Join(dir, "firstaid.toml"), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	steps, err := os.ReadFile(filepath.Join("..", "..", "content", "data", "steps.toml"))
	if err != nil {
		t.Fatal(err)
	}
	noAsOf := strings.Replace(string(steps), "as_of = 2026-01-24\n", "", 1)
	if err := os.WriteFile(filepath.Join(dir, "steps.toml"), []byte(noAsOf), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runMain(t, map[string]string{"PEERLINE_DATA": data, "PEERLINE_REVIEW_MONTHS": "12"}, "check")
	if code != 0 || !strings.Contains(out, "content ok") {
		t.Fatalf("check: %d %s %s", code, out, errs)
	}
	for _, want := range []string{`warning: ` + filepath.Join(dir, "firstaid.toml") + ` › card "opioid" › reviewed`, `› as_of`} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	if content.DefaultReviewMonths != 12 {
		t.Errorf("default review age: got %d months, want 12", content.DefaultReviewMonths)
	}
}
