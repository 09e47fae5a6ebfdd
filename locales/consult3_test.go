package locales

import (
	"regexp"
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

// TestConsult_NoDoubledGenderEndings: the consultants' and people's texts in Ukrainian and
// Russian are phrased neutrally, with no "взяв(ла)", "отказался(лась)", "Направлен(а)" or
// "він (вона)".
func TestConsult_NoDoubledGenderEndings(t *testing.T) {
	c := MustLoad()
	doubled := regexp.MustCompile(`[а-яёіїєґ]\(-?[а-яёіїєґ]{1,5}\)|\((вона|она)\)`)
	n := 0
	for _, lang := range []string{"uk", "ru"} {
		for _, key := range c.Keys(lang) {
			if !strings.HasPrefix(key, "consult") {
				continue
			}
			n++
			if got := c.T(lang, key); doubled.MatchString(got) {
				t.Errorf("%s %s = %q: doubled gender ending %q", lang, key, got, doubled.FindString(got))
			}
		}
	}
	if n == 0 {
		t.Fatal("no consult texts found")
	}
}
