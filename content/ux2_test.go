package content

import (
	"strings"
	"testing"
)

// TestFirstAid_NotBreathingMeansCompressions: every card says to press on the chest (30 presses);
// on the opioid and spice cards, the paragraph or step
// for a person who is not breathing (or only gasping) says to press on the chest, and no card makes
// compressions wait for "not moving" as well (an unconscious person never moves; a twitching one
// would be left without CPR). Rescue breaths alone are only for someone who still breathes, slowly.
func TestFirstAid_NotBreathingMeansCompressions(t *testing.T) {
	c := MustLoad()
	notBreathing := map[string]string{"uk": "Не дихає", "ru": "Не дышит", "en": "Not breathing"}
	press := map[string]string{"uk": "натискайте на грудну клітку", "ru": "надавливайте на грудную клетку", "en": "chest compressions"}
	notMoving := map[string]string{"uk": "не рухається", "ru": "не двигается", "en": "not moving"}
	// Every card (a stimulant overdose can stop the heart too) says to press on the chest, 30 times.
	for _, card := range c.FirstAid {
		for lang, p := range press {
			if body := card.Body.In(lang); !strings.Contains(body, p) || !strings.Contains(body, "30 ") {
				t.Errorf("%s (%s): no chest compressions (%q, 30)", card.ID, lang, p)
			}
		}
	}
	// The wait for naloxone is not idle: step 2 sends the reader on to breathing or compressions.
	opioid, _ := c.Card("opioid")
	for lang, w := range map[string]string{"uk": "Поки чекаєте, виконуйте крок 3 або 4", "ru": "Пока ждёте, выполняйте шаг 3 или 4", "en": "While you wait, do step 3 or 4"} {
		if !strings.Contains(opioid.Body.In(lang), w) {
			t.Errorf("opioid (%s): step 2 does not say what to do while waiting (%q)", lang, w)
		}
	}
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

// TestSteps_RulesAbroadAsTheReviewSays: the rules abroad that had changed stay corrected — every
// sentence saying that EU temporary protection gives access to healthcare also gives its current end date and says to check for an
// extension, Germany's entry names the health-insurance fund through the Jobcenter and the
// voucher for arrivals after 1 April 2025, Poland's names the limits and NFZ — and each of these
// country rules carries an "as of" date.
func TestSteps_RulesAbroadAsTheReviewSays(t *testing.T) {
	c := MustLoad()
	tp := map[string][2]string{
		"uk": {"доступ до медичної допомоги", "4 березня 2027"},
		"ru": {"доступ к медицинской помощи", "4 марта 2027"},
		"en": {"access to healthcare", "4 March 2027"},
	}
	want := map[string]map[string][]string{
		"ost-germany": {"uk": {"Krankenkasse", "Jobcenter", "1 квітня 2025", "Behandlungsschein"}, "ru": {"Krankenkasse", "Jobcenter", "1 апреля 2025", "Behandlungsschein"}, "en": {"Krankenkasse", "Jobcenter", "1 April 2025", "Behandlungsschein"}},
		"ost-poland":  {"uk": {"NFZ"}, "ru": {"NFZ"}, "en": {"NFZ", "since 2025", "January 2026"}},
	}
	n := 0
	for _, s := range c.Steps {
		for lang, pair := range tp {
			body := s.Body(lang, false)
			if strings.Contains(body, pair[0]) {
				n++
				if !strings.Contains(body, pair[1]) {
					t.Errorf("%s (%s): temporary protection without its end date %q", s.ID, lang, pair[1])
				}
			}
		}
		if byLang, ok := want[s.ID]; ok {
			if s.AsOf.IsZero() {
				t.Errorf("%s: no as_of date", s.ID)
			}
			for lang, phrases := range byLang {
				for _, p := range phrases {
					if !strings.Contains(s.Body(lang, false), p) {
						t.Errorf("%s (%s) lacks %q", s.ID, lang, p)
					}
				}
			}
			delete(want, s.ID)
		}
	}
	if n < 3 || len(want) > 0 {
		t.Errorf("temporary protection mentioned %d times; entries not found: %v", n, want)
	}
}

// TestCombo_MDRTBWithMethadone: drug-resistant TB medicines with methadone name the QT risk's
// remedy (an ECG) in each language, and the item lists the four medicines people will recognise.
func TestCombo_MDRTBWithMethadone(t *testing.T) {
	c := MustLoad()
	ans := c.Combo("methadone", "tb-mdr")
	for lang, ecg := range map[string]string{"uk": "ЕКГ", "ru": "ЭКГ", "en": "ECG"} {
		if !strings.Contains(ans.Instead.In(lang), ecg) {
			t.Errorf("methadone + tb-mdr (%s): no %s in %q", lang, ecg, ans.Instead.In(lang))
		}
	}
	it, ok := c.ComboItem("tb-mdr")
	if !ok {
		t.Fatal("no item tb-mdr")
	}
	for _, drug := range []string{"Bedaquiline", "clofazimine", "moxifloxacin", "delamanid"} {
		if !strings.Contains(it.About.In("en"), drug) {
			t.Errorf("tb-mdr does not name %s", drug)
		}
	}
}
