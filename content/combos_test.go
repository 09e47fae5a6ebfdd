package content

import (
	"testing"
)

// These tests check the shipped combination data (combos.toml) and its links from the NPS pages
// (nps.toml): they fail if the data is wrong, not only if the code is.

func TestCombo_Symmetric(t *testing.T) {
	c := MustLoad()
	items := c.ComboItems()
	for _, x := range items {
		for _, y := range items {
			if x.ID == y.ID {
				continue
			}
			ab, ba := c.Combo(x.ID, y.ID), c.Combo(y.ID, x.ID)
			if ab.Level != ba.Level || ab.Why != ba.Why || ab.Instead != ba.Instead || len(ab.Sources) != len(ba.Sources) {
				t.Errorf("Combo(%s, %s) = %s, Combo(%s, %s) = %s: want the same answer both ways",
					x.ID, y.ID, ab.Level, y.ID, x.ID, ba.Level)
			}
		}
	}
}

func TestCombo_EveryPairAnswered(t *testing.T) {
	c := MustLoad()
	valid := map[string]bool{LevelNoData: true}
	for _, l := range Levels {
		valid[l] = true
	}
	items := c.ComboItems()
	if len(items) < 2 {
		t.Fatalf("got %d combination items, want at least 2", len(items))
	}
	for i, x := range items {
		for _, y := range items[i+1:] {
			ans := c.Combo(x.ID, y.ID)
			if !valid[ans.Level] {
				t.Errorf("%s + %s: level %q, want one of %v or %q", x.ID, y.ID, ans.Level, Levels, LevelNoData)
			}
			if ans.Level == LevelNoData {
				if len(ans.Sources) != 0 {
					t.Errorf("%s + %s (nodata): sources %v that do not cover the pair", x.ID, y.ID, ans.Sources)
				}
				continue
			}
			if len(ans.Sources) == 0 {
				t.Errorf("%s + %s (%s): no sources", x.ID, y.ID, ans.Level)
			}
			for _, lang := range []string{"uk", "ru", "en"} {
				if ans.Why.In(lang) == "" || ans.Instead.In(lang) == "" {
					t.Errorf("%s + %s (%s): why or instead empty in %s", x.ID, y.ID, ans.Level, lang)
				}
			}
		}
	}
}

func TestCombo_PairsListedOnce(t *testing.T) {
	c := MustLoad()
	seen := map[[2]string]bool{}
	for _, p := range c.Combos.Pairs {
		k := pairKey(p.A, p.B)
		if seen[k] {
			t.Errorf("pair %s + %s is listed twice (order does not matter)", p.A, p.B)
		}
		seen[k] = true
		if p.A == p.B {
			t.Errorf("pair %s + %s: an item paired with itself", p.A, p.B)
		}
	}
}

func TestCombo_KnownLevels(t *testing.T) {
	c := MustLoad()
	for _, tc := range []struct {
		a, b, want string
	}{
		// Fact brief §3 (TripSit).
		{"opioids", "benzos", LevelDangerous},
		{"benzos", "opioids", LevelDangerous},
		{"opioids", "alcohol", LevelDangerous},
		{"opioids", "ghb", LevelDangerous},
		{"opioids", "cocaine", LevelDangerous},
		{"opioids", "pregabalin", LevelDangerous},
		{"opioids", "amphetamines", LevelCaution},
		{"ghb", "alcohol", LevelDangerous},
		{"alcohol", "benzos", LevelDangerous},
		{"cocaine", "alcohol", LevelUnsafe},
		{"tramadol", "ssris", LevelDangerous},
		{"mephedrone", "mdma", LevelDangerous},
		{"maois", "mdma", LevelDangerous},
		{"dxm", "ssris", LevelDangerous},
		{"mephedrone", "ghb", LevelCaution},
		// Methadone and buprenorphine are opioids.
		{"methadone", "benzos", LevelDangerous},
		{"buprenorphine", "benzos", LevelDangerous},
		{"methadone", "alcohol", LevelDangerous},
		{"buprenorphine", "pregabalin", LevelDangerous},
		{"methadone", "cocaine", LevelDangerous},
		// Treatment interactions: a doctor's matter, never "stop".
		{"methadone", "tb-meds", LevelUnsafe},
		{"buprenorphine", "tb-meds", LevelUnsafe},
		{"methadone", "hiv-art", LevelUnsafe},
		{"hiv-art", "tb-meds", LevelCaution},
		// Not in any source searched: the checker must not guess.
		{"spice", "alcohol", LevelNoData},
		{"mephedrone", "alcohol", LevelNoData},
	} {
		if got := c.Combo(tc.a, tc.b).Level; got != tc.want {
			t.Errorf("Combo(%s, %s): got %s, want %s", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestCombo_RequiredItems(t *testing.T) {
	c := MustLoad()
	for _, tc := range []struct{ id, kind string }{
		{"opioids", "substance"}, {"tramadol", "substance"}, {"benzos", "substance"},
		{"pregabalin", "substance"}, {"alcohol", "substance"}, {"ghb", "substance"},
		{"cocaine", "substance"}, {"amphetamines", "substance"}, {"mephedrone", "substance"},
		{"mdma", "substance"}, {"ketamine", "substance"}, {"ssris", "substance"},
		{"maois", "substance"}, {"dxm", "substance"},
		{"methadone", "treatment"}, {"buprenorphine", "treatment"},
		{"hiv-art", "treatment"}, {"tb-meds", "treatment"},
	} {
		it, ok := c.ComboItem(tc.id)
		if !ok {
			t.Errorf("combination item %q missing", tc.id)
			continue
		}
		if it.Kind != tc.kind {
			t.Errorf("item %s: kind %q, want %q", tc.id, it.Kind, tc.kind)
		}
	}
}

func TestNPS_LinksExist(t *testing.T) {
	c := MustLoad()
	if len(c.NPS.Substances) == 0 {
		t.Fatal("no NPS substances")
	}
	for _, tc := range []struct{ id, firstaid, combo string }{
		{"cathinones", "stimulant", "mephedrone"},
		{"cannabinoids", "spice", "spice"},
		{"synthetic-opioids", "opioid", "opioids"},
	} {
		s, ok := c.Substance(tc.id)
		if !ok {
			t.Errorf("NPS substance %q missing", tc.id)
			continue
		}
		if s.FirstAid != tc.firstaid || s.Combo != tc.combo {
			t.Errorf("NPS %s: firstaid %q, combo %q; want %q, %q", tc.id, s.FirstAid, s.Combo, tc.firstaid, tc.combo)
		}
	}
	for _, s := range c.NPS.Substances {
		if _, ok := c.Card(s.FirstAid); !ok {
			t.Errorf("NPS %s: first-aid card %q does not exist", s.ID, s.FirstAid)
		}
		if s.Combo == "" {
			t.Errorf("NPS %s: no combination item", s.ID)
			continue
		}
		if _, ok := c.ComboItem(s.Combo); !ok {
			t.Errorf("NPS %s: combination item %q does not exist", s.ID, s.Combo)
		}
	}
}
