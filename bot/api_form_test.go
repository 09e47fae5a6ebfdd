package bot

import (
	"net/url"
	"testing"
)

// TestAppendFormEscaped_SameAsQueryEscape: the form body decodes as url.Values would encode it.
func TestAppendFormEscaped_SameAsQueryEscape(t *testing.T) {
	for _, s := range []string{"", "plain", "a b+c&d=e%f", "<b>Привіт</b> 😀\n\t\"q\"", "-_.~!*'()", "\x00\xff"} {
		if got, want := string(appendFormEscaped(nil, s)), url.QueryEscape(s); got != want {
			t.Errorf("escape %q: got %q, want %q", s, got, want)
		}
	}
}
