package content

import (
	"strings"
	"testing"
)

// TestQA_DatedEntriesSayItOnce: the bot adds "information as of 2022, not re-checked — it may
// have changed" under a dated directory entry; the entry's own notes must not say it again
// (the screen read "… — it may have changed." and, right under it, the same warning).
func TestQA_DatedEntriesSayItOnce(t *testing.T) {
	c := MustLoad()
	caveat := map[string][]string{
		"uk": {"могло змінитися", "могли змінитися"},
		"ru": {"могло измениться", "могли измениться"},
		"en": {"may have changed"},
	}
	for _, s := range c.Directory.Services {
		if !s.Dated && s.InfoDate.IsZero() {
			continue
		}
		for lang, words := range caveat {
			for _, w := range words {
				if strings.Contains(s.Notes.In(lang), w) {
					t.Errorf("%s (%s): the notes repeat the bot's dated warning: %q", s.ID, lang, s.Notes.In(lang))
				}
			}
		}
	}
}
