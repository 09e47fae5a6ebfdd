package locales

import (
	"regexp"
	"strings"
	"testing"
)

// TestQA_OneTermForPeerConsultantInWhatPeopleRead: what a person reads names the peer
// consultant one way per language — the menu's button says "пір-консультант" (uk), "равный
// консультант" (ru) — so a reply offering "рівний консультант" does not read as someone else.
// The staff's own texts (staff_, admin_) may use the role's formal name.
func TestQA_OneTermForPeerConsultantInWhatPeopleRead(t *testing.T) {
	c := MustLoad()
	other := map[string]*regexp.Regexp{
		"uk": regexp.MustCompile(`(?i)рівн\S* консультант`),
		"ru": regexp.MustCompile(`(?i)пир-консультант`),
	}
	for lang, re := range other {
		for _, k := range c.Keys(lang) {
			if strings.HasPrefix(k, "staff_") || strings.HasPrefix(k, "admin_") {
				continue
			}
			if s := c.T(lang, k); re.MatchString(s) {
				t.Errorf("%s %s uses another term for the peer consultant: %q", lang, k, s)
			}
		}
	}
}
