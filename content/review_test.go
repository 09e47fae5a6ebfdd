package content

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestFirstAid_LifeSavingSteps: each card keeps, in every language, the steps a clinical review
// found missing once (chest compressions, breaths into the mouth, agonal breathing and blue lips
// as signs, withdrawal after naloxone, seizures, what to do when a person is not breathing).
func TestFirstAid_LifeSavingSteps(t *testing.T) {
	c := MustLoad()
	want := map[string]map[string][]string{
		"opioid": {
			"uk": {"30 сильних швидких натискань посередині грудей", "2 вдування в рот", "просто натискайте", "хрипить чи булькає", "сині або сірі", "Поки налоксон не подіяв, дихайте за людину", "ломка", "не дозволяйте «зняти» її новою дозою"},
			"ru": {"30 сильных быстрых нажатий в центр груди", "2 вдувания в рот", "просто нажимайте", "хрипит или булькает", "синие или серые", "Пока налоксон не подействовал, дышите за человека", "ломка", "не давайте «снять» её новой дозой"},
			"en": {"30 presses, hard and fast, in the centre of the chest", "2 breaths into their mouth", "just keep pressing", "gurgling", "blue or grey", "Until the naloxone works, breathe for them", "withdrawal", "don't let them use more"},
		},
		"spice": {
			"uk": {"30 натискань посередині грудей", "вдування в рот", "дайте налоксон"},
			"ru": {"30 нажатий в центр груди", "вдувания в рот", "дайте налоксон"},
			"en": {"30 presses in the centre of the chest", "breaths into their mouth", "give naloxone"},
		},
		"stimulant": {
			"uk": {"не тримайте людину", "нічого не кладіть їй у рот", "покладіть на бік", "довше 5 хвилин"},
			"ru": {"не держите человека", "ничего не кладите ему в рот", "положите на бок", "дольше 5 минут"},
			"en": {"don't hold them down", "put nothing in their mouth", "put them on their side", "more than 5 minutes"},
		},
	}
	for id, byLang := range want {
		card, ok := c.Card(id)
		if !ok {
			t.Fatalf("no card %q", id)
		}
		for lang, phrases := range byLang {
			body := card.Body.In(lang)
			for _, p := range phrases {
				if !strings.Contains(body, p) {
					t.Errorf("card %s (%s) lacks %q", id, lang, p)
				}
			}
		}
	}
	// "2 вдихи" reads as "take 2 breaths yourself"; breaths are given into the person's mouth.
	for _, card := range c.FirstAid {
		for _, bad := range []string{"2 вдихи", "2 вдоха"} {
			if strings.Contains(card.Body.UK+card.Body.RU, bad) {
				t.Errorf("card %s says %q", card.ID, bad)
			}
		}
	}
}

// TestEmergency_EveryPlaceHasNumbersAnd112: every country the intake offers has an emergency
// entry, every entry lists 112, and the card's numbers for any country (or none) include 112.
func TestEmergency_EveryPlaceHasNumbersAnd112(t *testing.T) {
	c := MustLoad()
	// The EU's single emergency number 112 is law in every member state, so every EU country
	// people can name has an entry too (typed ones included).
	eu := map[string]bool{}
	for _, code := range strings.Fields("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE") {
		eu[code] = true
	}
	for _, p := range c.Places.Countries {
		x, ok := c.Country(p.Code)
		if !ok && (!p.Typed || eu[p.Code]) {
			t.Errorf("places.toml offers %s, but emergency.toml has no entry for it", p.Code)
			continue
		}
		if !ok {
			if e := c.EmergencyFor(p.Code); e.Country != nil || len(e.Numbers) != 1 || e.Numbers[0].Number != General {
				t.Errorf("%s (no entry): got %v, want 112 only and no other country's numbers", p.Code, e)
			}
			continue
		}
		if len(x.Numbers) == 0 {
			t.Errorf("%s has no numbers", p.Code)
		}
	}
	codes := []string{""}
	for _, x := range c.Emergency {
		codes = append(codes, x.Code)
		has := false
		for _, n := range x.Numbers {
			has = has || n.Number == General
		}
		if !has {
			t.Errorf("%s does not list 112", x.Code)
		}
	}
	for _, code := range codes {
		e := c.EmergencyFor(code)
		if e.Country == nil {
			t.Fatalf("EmergencyFor(%q): no country", code)
		}
		last112 := false
		for _, n := range e.Numbers {
			last112 = last112 || n.Number == General
		}
		if !last112 {
			t.Errorf("EmergencyFor(%q) lacks 112: %v", code, e.Numbers)
		}
		if _, known := c.countries[code]; known != e.Known || (known && e.Country.Code != code) || (!known && e.Country.Code != "UA") {
			t.Errorf("EmergencyFor(%q): got %s (known %v)", code, e.Country.Code, e.Known)
		}
	}
	if e := c.EmergencyFor("XX"); e.Country != nil || len(e.Numbers) != 1 || e.Numbers[0].Number != General {
		t.Errorf("EmergencyFor(XX): got %v, want 112 only", e)
	}
	// The country's own numbers come first, in its order.
	pl := c.EmergencyFor("PL")
	if got, want := pl.Numbers[1].Number, "999"; got != want {
		t.Errorf("EmergencyFor(PL) second number: got %s, want %s", got, want)
	}
	am, _ := c.Country("AM")
	if am.Numbers[0].Number != "103" || am.Numbers[0].Service != "ambulance" {
		t.Errorf("Armenia: the ambulance 103 should come first, got %v", am.Numbers)
	}
}

// TestEmergencyFor_Adds112 checks the safety net: a country whose list lacks 112 still gets it.
func TestEmergencyFor_Adds112(t *testing.T) {
	c := MustLoad()
	c.countries["ZZ"] = &Country{Code: "ZZ", Numbers: []Number{{Number: "103", Service: "ambulance"}}}
	e := c.EmergencyFor("ZZ")
	if got := len(e.Numbers); got != 2 || e.Numbers[0].Number != "103" || e.Numbers[1].Number != "112" {
		t.Errorf("got %v, want 103 then 112", e.Numbers)
	}
}

var levelRank = map[string]int{LevelNoData: 0, LevelLow: 1, LevelCaution: 2, LevelUnsafe: 3, LevelDangerous: 4}

// TestCombo_FloorLevels: pairs whose level must never drop below a floor, so a later edit cannot
// silently make a dangerous mix look safer (or fall back to "no data").
func TestCombo_FloorLevels(t *testing.T) {
	c := MustLoad()
	for _, tc := range []struct{ a, b, floor string }{
		{"opioids", "benzos", LevelDangerous},
		{"opioids", "alcohol", LevelDangerous},
		{"opioids", "ghb", LevelDangerous},
		{"opioids", "pregabalin", LevelDangerous},
		{"opioids", "tramadol", LevelDangerous},
		{"opioids", "cocaine", LevelDangerous},
		{"opioids", "ketamine", LevelDangerous},
		{"methadone", "opioids", LevelDangerous},
		{"buprenorphine", "opioids", LevelUnsafe},
		{"methadone", "benzos", LevelDangerous},
		{"methadone", "alcohol", LevelDangerous},
		{"methadone", "pregabalin", LevelDangerous},
		{"buprenorphine", "benzos", LevelDangerous},
		{"methadone", "tb-meds", LevelUnsafe},
		{"buprenorphine", "tb-meds", LevelUnsafe},
		{"methadone", "hiv-art", LevelUnsafe},
		{"methadone", "tb-mdr", LevelUnsafe},
		{"benzos", "alcohol", LevelDangerous},
		{"benzos", "ghb", LevelDangerous},
		{"benzos", "pregabalin", LevelDangerous},
		{"alcohol", "ghb", LevelDangerous},
		{"alcohol", "ketamine", LevelDangerous},
		{"alcohol", "cocaine", LevelUnsafe},
		{"pregabalin", "ghb", LevelDangerous},
		{"pregabalin", "alcohol", LevelDangerous},
		{"pregabalin", "cocaine", LevelUnsafe},
		{"pregabalin", "amphetamines", LevelUnsafe},
		{"pregabalin", "mephedrone", LevelUnsafe},
		{"pregabalin", "mdma", LevelUnsafe},
		{"pregabalin", "dxm", LevelUnsafe},
		{"pregabalin", "ketamine", LevelCaution},
		{"tramadol", "ssris", LevelDangerous},
		{"tramadol", "amphetamines", LevelDangerous},
		{"tramadol", "mdma", LevelDangerous},
		{"tramadol", "mephedrone", LevelDangerous},
		{"mephedrone", "mdma", LevelDangerous},
		{"mdma", "maois", LevelDangerous},
		{"amphetamines", "maois", LevelDangerous},
		{"cannabis", "cocaine", LevelCaution},
		{"cannabis", "amphetamines", LevelCaution},
	} {
		got := c.Combo(tc.a, tc.b).Level
		if levelRank[got] < levelRank[tc.floor] {
			t.Errorf("%s + %s: got %s, want at least %s", tc.a, tc.b, got, tc.floor)
		}
	}
}

// naloxoneNoHelp matches a sentence telling people naloxone won't help.
var naloxoneNoHelp = regexp.MustCompile(`(?i)налоксон[^.]*не допоможе|налоксон[^.]*не поможет|naloxone[^.]*(won’t|won't|will not|does not|doesn't) help`)

// TestCombo_NeverSaysNaloxoneWontHelp: street pills can contain nitazenes, so no answer may tell a
// bystander to withhold naloxone; where it does not reverse the other drug, the text says to give
// it anyway if unsure.
func TestCombo_NeverSaysNaloxoneWontHelp(t *testing.T) {
	c := MustLoad()
	for _, p := range c.Combos.Pairs {
		for _, lang := range []string{"uk", "ru", "en"} {
			for _, s := range []string{p.Why.In(lang), p.Instead.In(lang)} {
				if m := naloxoneNoHelp.FindString(s); m != "" {
					t.Errorf("%s + %s (%s): %q", p.A, p.B, lang, m)
				}
			}
		}
	}
	ans := c.Combo("benzos", "alcohol")
	for lang, want := range map[string]string{"uk": "все одно дайте його", "ru": "всё равно дайте его", "en": "give it anyway"} {
		if !strings.Contains(ans.Instead.In(lang), want) {
			t.Errorf("benzos + alcohol (%s) does not say to give naloxone if unsure", lang)
		}
	}
}

// TestCombo_NoDataShowsNoSources: the sources searched do not cover an unlisted pair.
func TestCombo_NoDataShowsNoSources(t *testing.T) {
	c := MustLoad()
	if ans := c.Combo("spice", "alcohol"); ans.Level != LevelNoData || len(ans.Sources) != 0 {
		t.Errorf("spice + alcohol: got %s with sources %v, want nodata and none", ans.Level, ans.Sources)
	}
}

// TestShownText_NoInternalMarks: nothing a person can see (texts and the Sources lists) carries a
// reviewer's label.
func TestShownText_NoInternalMarks(t *testing.T) {
	c := MustLoad()
	bad := regexp.MustCompile(`(?i)\bseeds?\b|fact brief|UNVERIFIED`)
	n := 0
	c.ShownStrings(func(where, s string) {
		n++
		if m := bad.FindString(s); m != "" {
			t.Errorf("%s: %q", where, m)
		}
		if strings.Contains(s, "DATED") {
			t.Errorf("%s: DATED", where)
		}
	})
	if n < 500 {
		t.Fatalf("only %d strings walked: ShownStrings misses content", n)
	}
}

// TestValidate_RefusesInternalMarks: `peerline check` fails on an UNVERIFIED mark (or another
// reviewer's label) in shipped content, naming the file and field.
func TestValidate_RefusesInternalMarks(t *testing.T) {
	for _, mark := range []string{"103 [UNVERIFIED]", "(seed 002)", "fact brief §5", "[DATED 2022]"} {
		dir := t.TempDir()
		data, err := embedded.ReadFile("data/nps.toml")
		if err != nil {
			t.Fatal(err)
		}
		changed := strings.Replace(string(data), `"Kurcevič & Lines (2020)`, `"`+mark+` Kurcevič & Lines (2020)`, 1)
		if err := os.WriteFile(filepath.Join(dir, "nps.toml"), []byte(changed), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err = Load(dir)
		if err == nil || !strings.Contains(err.Error(), "reviewer's mark") || !strings.Contains(err.Error(), "nps.toml") {
			t.Errorf("%q: got %v, want a problem naming nps.toml", mark, err)
		}
	}
}

// consultantPromise matches a mention of a peer consultant in this bot.
var consultantPromise = regexp.MustCompile(`(?i)консультант\pL* у цьому боті|консультант\pL* в этом боте|consultant in this bot|рівн\pL* консультант|равн\pL* консультант|консультант\pL*-рівн|консультант\pL*-равн|peer consultant|спитайте консультанта|спросите консультанта|ask a consultant`)

// TestSteps_NoConsultantPromiseInText: the text shown with the handoff off never mentions a peer
// consultant; such mentions live in Consult, with an Otherwise for while consultants cannot be
// reached. No other content promises one either.
func TestSteps_NoConsultantPromiseInText(t *testing.T) {
	c := MustLoad()
	for _, s := range c.Steps {
		for _, lang := range []string{"uk", "ru", "en"} {
			off := s.Body(lang, false)
			if m := consultantPromise.FindString(off); m != "" {
				t.Errorf("steps %s (%s) with the handoff off: %q", s.ID, lang, m)
			}
			if s.Consult.In(lang) != "" && !strings.Contains(s.Body(lang, true), s.Consult.In(lang)) {
				t.Errorf("steps %s (%s): Consult not shown with the handoff on", s.ID, lang)
			}
			if s.Consult.In(lang) != "" && strings.Contains(off, s.Consult.In(lang)) {
				t.Errorf("steps %s (%s): Consult shown with the handoff off", s.ID, lang)
			}
		}
	}
	c.ShownStrings(func(where, s string) {
		if strings.Contains(where, ".Consult.") {
			return
		}
		if m := consultantPromise.FindString(s); m != "" {
			t.Errorf("%s: %q", where, m)
		}
	})
}

// TestReviewTrail: every health entry says who reviewed it; Warnings flags old reviews and
// country rules without an "as of" date, and the shipped content has none today.
func TestReviewTrail(t *testing.T) {
	c := MustLoad()
	for _, w := range c.Warnings(time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), DefaultReviewMonths) {
		// Countries outside the EU that people can name but no source here covers: only 112.
		if !strings.Contains(w.Msg, "only the 112 line") {
			t.Errorf("shipped content has a warning: %v", w)
		}
	}
	w := c.Warnings(time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC), 12)
	if !strings.Contains(w.Error(), `card "opioid" › reviewed`) || !strings.Contains(w.Error(), "pair opioids + benzos") {
		t.Errorf("reviews older than 12 months are not flagged: %v", w)
	}
	for i := range c.Steps {
		if c.Steps[i].ID == "ost-poland" {
			c.Steps[i].AsOf = time.Time{}
		}
	}
	w = c.Warnings(time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), 12)
	if !strings.Contains(w.Error(), `steps "ost-poland" › as_of`) {
		t.Errorf("a country rule without as_of is not flagged: %v", w)
	}
	if probs := checkReviewer("f", "e", Meta{}); len(probs) != 1 {
		t.Errorf("an entry without reviewed_by: got %v", probs)
	}
}
