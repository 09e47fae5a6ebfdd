package handlers

import (
	"strings"
	"testing"
	"time"

	"github.com/ehra/peerline/bot"
)

// TestServiceText_LanguagesNamed: a service's languages are named in the reader's language
// ("Czech", not "cs"), and every language code the directory uses has a name in uk, ru and en.
func TestServiceText_LanguagesNamed(t *testing.T) {
	a := newTestApp(t, false)
	want := map[string]string{"uk": "🗣 чеська", "ru": "🗣 чешский", "en": "🗣 Czech"}
	for lang, w := range want {
		c := &bot.Ctx{Lang: lang, Now: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)}
		for i := range a.content.Directory.Services {
			s := &a.content.Directory.Services[i]
			for _, code := range s.Languages {
				if _, err := a.loc.Render(lang, "ux2_lang_"+code); err != nil {
					t.Errorf("%s (%s): no name for language %q", s.ID, lang, code)
				}
			}
			if s.ID != "cz-addiction-line" {
				continue
			}
			if got := a.serviceText(c, s); !strings.Contains(got, w) || !strings.Contains(got, s.Hours.In(lang)) {
				t.Errorf("%s (%s): got %q, want %q and the hours", s.ID, lang, got, w)
			}
		}
	}
}

// knownErrors are wording errors a language review found once in uk or ru texts (calques, wrong
// forms, the other OST term, "сайт" for a treatment site); none may come back, in a UI string or
// in shown content.
var knownErrors = map[string][]string{
	"uk": {"просто зараз", "Задовго", "Закоротко", "на це питання", "Спите", "Не колете", "Небезпека просто", "сайт ЗПТ", "сайту виписку", "новому сайту", "Ніхто з вас не бачить", "Уколіть", "на кабінеті", "забрати кілька днів", "забрати час", "взаємодії не відомо"},
	"ru": {"ОЗТ", "сайт ЗПТ", "сайта выписку", "новому сайту", "Никто из вас не видит", "Я не вижу фото, голосовые", "на кабинете", "взаимодействия не известно"},
}

// TestTexts_NoKnownLanguageErrors: see knownErrors.
func TestTexts_NoKnownLanguageErrors(t *testing.T) {
	a := newTestApp(t, false)
	for lang, bad := range knownErrors {
		for _, k := range a.loc.Keys(lang) {
			for _, b := range bad {
				if s := a.loc.T(lang, k); strings.Contains(s, b) {
					t.Errorf("%s %s contains %q", lang, k, b)
				}
			}
		}
	}
	a.content.ShownStrings(func(where, s string) {
		for lang, bad := range knownErrors {
			if !strings.HasSuffix(where, "."+lang) {
				continue
			}
			for _, b := range bad {
				if strings.Contains(s, b) {
					t.Errorf("%s contains %q", where, b)
				}
			}
		}
	})
}
