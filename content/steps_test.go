package content

import (
	"strings"
	"testing"
)

func stepIDs(steps []*Steps) map[string]bool {
	ids := map[string]bool{}
	for _, s := range steps {
		ids[s.ID] = true
	}
	return ids
}

func TestStepsFor_DisplacedJourney(t *testing.T) {
	c := MustLoad()
	t.Run("OSTKeepInWarsaw", func(t *testing.T) {
		got := c.StepsFor(Case{Flow: "treatment", Topic: "ost", Situation: "keep", Country: "PL", City: "warsaw"})
		ids := stepIDs(got)
		for _, want := range []string{"ost-keep-abroad", "ost-poland"} {
			if !ids[want] {
				t.Errorf("steps lack %q; got %v", want, ids)
			}
		}
		if ids["ost-ukraine"] || ids["ost-start-ukraine"] {
			t.Errorf("Ukraine steps shown to someone in Poland: %v", ids)
		}
		for _, s := range got {
			if s.Where == "ukraine" || contains(s.Countries, "UA") {
				t.Errorf("a Ukraine entry %q was shown to someone in Poland", s.ID)
			}
			for _, code := range s.Countries {
				if code != "PL" {
					t.Errorf("entry %q for %v was shown to someone in Poland", s.ID, s.Countries)
				}
			}
		}
		// The generic steps come before the country's.
		if len(got) < 2 || got[0].ID != "ost-keep-abroad" {
			t.Errorf("first entry: got %v, want ost-keep-abroad first", got)
		}
		// The 2022 Polish helpline is never shown without saying it is from 2022.
		for _, s := range got {
			for _, lang := range []string{"uk", "ru", "en"} {
				text := s.Text.In(lang)
				if strings.Contains(text, "800 11 08 11") && !strings.Contains(text, "2022") {
					t.Errorf("%s.%s gives the Polish helpline without its 2022 date", s.ID, lang)
				}
			}
		}
	})
	t.Run("OSTKeepInKharkivRegion", func(t *testing.T) {
		got := c.StepsFor(Case{Flow: "treatment", Topic: "ost", Situation: "keep", Country: "UA", Region: "kharkiv"})
		ids := stepIDs(got)
		if !ids["ost-ukraine"] {
			t.Errorf("steps lack ost-ukraine; got %v", ids)
		}
		for _, id := range []string{"ost-keep-abroad", "ost-poland", "ost-germany", "ost-czechia", "ost-moldova"} {
			if ids[id] {
				t.Errorf("abroad steps %q shown to someone in Ukraine", id)
			}
		}
		for _, s := range got {
			if s.Where == "abroad" {
				t.Errorf("an abroad entry %q was shown to someone in Ukraine", s.ID)
			}
		}
	})
}

func TestStepsFor_EveryTreatmentSituationPlace(t *testing.T) {
	c := MustLoad()
	for _, topic := range Treatments {
		for _, sit := range Situations {
			for _, country := range []string{"UA", "PL"} {
				k := Case{Flow: "treatment", Topic: topic, Situation: sit, Country: country}
				if len(c.StepsFor(k)) == 0 {
					t.Errorf("no steps for %+v", k)
				}
			}
		}
	}
}

func TestStepsFor_EveryHumanitarianNeed(t *testing.T) {
	c := MustLoad()
	for _, need := range Needs {
		for _, country := range []string{"UA", "PL", "GE"} {
			k := Case{Flow: "humanitarian", Topic: need, Country: country}
			if len(c.StepsFor(k)) == 0 {
				t.Errorf("no steps for %+v", k)
			}
		}
	}
}

func TestMatch_OSTInUkraineIncludesTheHotline(t *testing.T) {
	c := MustLoad()
	var found bool
	for _, s := range c.Match(Case{Flow: "treatment", Topic: "ost", Situation: "keep", Country: "UA", Region: "lviv"}) {
		if contains(s.Phones, "0 800 507 727") {
			found = true
		}
	}
	if !found {
		t.Error("Match for OST in Ukraine lacks the national OST hotline 0 800 507 727")
	}
}

func TestShippedDirectory(t *testing.T) {
	c := MustLoad()
	if len(c.Directory.Services) == 0 {
		t.Fatal("the shipped directory is empty")
	}
	for _, s := range c.Directory.Services {
		// The national HIV/AIDS hotline is UNVERIFIED in the fact brief.
		for _, p := range s.Phones {
			if strings.ReplaceAll(p, " ", "") == "0800500451" {
				t.Errorf("service %q ships the unverified number %s", s.ID, p)
			}
		}
		if !s.Sample && len(s.Sources) == 0 {
			t.Errorf("service %q has no sources", s.ID)
		}
	}
	// No step text gives the unverified number either.
	for _, s := range c.Steps {
		for _, lang := range []string{"uk", "ru", "en"} {
			if strings.Contains(strings.ReplaceAll(s.Text.In(lang), " ", ""), "0800500451") {
				t.Errorf("steps %q.%s give the unverified number 0 800 500 451", s.ID, lang)
			}
		}
	}
}
