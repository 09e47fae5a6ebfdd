package locales

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestConsult_CommandDescriptionsAreCapitalised: the descriptions of Telegram's command menu
// (keys cmd_* and <area>_cmd_*) begin with a capital letter in every language, like "Start a
// shift" (the /help lines lower-case them themselves).
func TestConsult_CommandDescriptionsAreCapitalised(t *testing.T) {
	c := MustLoad()
	n := 0
	for _, lang := range []string{"uk", "ru", "en"} {
		for _, key := range c.Keys(lang) {
			if !strings.HasPrefix(key, "cmd_") && !strings.Contains(key, "_cmd_") {
				continue
			}
			n++
			got := c.T(lang, key)
			if r, _ := utf8.DecodeRuneInString(got); !unicode.IsUpper(r) {
				t.Errorf("%s %s = %q: want it to begin with a capital letter", lang, key, got)
			}
		}
	}
	if n == 0 {
		t.Fatal("no command descriptions found")
	}
}
