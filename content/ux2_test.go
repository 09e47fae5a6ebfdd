package content

import (
	"strings"
	"testing"
)

// TestFirstAid_NotBreathingMeansCompressions: on the opioid and spice cards, the paragraph or step
// for a person who is not breathing (or only gasping) says to press on the chest, and no card makes
// compressions wait for "not moving" as well (an unconscious person never moves; a twitching one
// would be left without CPR). Rescue breaths alone are only for someone who still breathes, slowly.
func TestFirstAid_NotBreathingMeansCompressions(t *testing.T) {
	c := MustLoad()
	notBreathing := map[string]string{"uk": "Не дихає", "ru": "Не дышит", "en": "Not breathing"}
	press := map[string]string{"uk": "натискайте на грудну клітку", "ru": "надавливайте на грудную клетку", "en": "chest compressions"}
	notMoving := map[string]string{"uk": "не рухається", "ru": "не двигается", "en": "not moving"}
	for _, id := range []string{"opioid", "spice"} {
		card, _ := c.Card(id)
		for lang, head := range notBreathing {
			found := false
			for _, line := range strings.Split(card.Body.In(lang), "\n") {
				if !strings.HasPrefix(strings.TrimLeft(line, "<b>0123456789. "), head) {
					continue
				}
				found = true
				if !strings.Contains(line, press[lang]) {
					t.Errorf("%s (%s): %q does not say to press on the chest", id, lang, line)
				}
				if strings.Contains(line, notMoving[lang]) || strings.Contains(line, "ні руху") || strings.Contains(line, "ни движения") || strings.Contains(line, "no movement") {
					t.Errorf("%s (%s): compressions wait for 'not moving': %q", id, lang, line)
				}
			}
			if !found {
				t.Errorf("%s (%s): no step starting %q", id, lang, head)
			}
		}
	}
}
