package content

import (
	"fmt"
	"testing"
)

func TestFindPlaces(t *testing.T) {
	c := MustLoad()
	pl := func(country, region, city string) Place { return Place{country, region, city} }
	ua := func(region string) Place { return pl("UA", region, "") }
	cases := []struct {
		text string
		want []Place // nil: nothing recognised
	}{
		// countries as the buttons show them, and in other forms
		{"Польща", []Place{pl("PL", "", "")}},
		{"польща", []Place{pl("PL", "", "")}},
		{"ПОЛЬЩА", []Place{pl("PL", "", "")}},
		{"Poland", []Place{pl("PL", "", "")}},
		{"Польша", []Place{pl("PL", "", "")}},
		{"Polska", []Place{pl("PL", "", "")}},
		{"у Польщі", []Place{pl("PL", "", "")}},
		{"в Польше", []Place{pl("PL", "", "")}},
		{"я зараз у Польщі", []Place{pl("PL", "", "")}},
		{"in Poland", []Place{pl("PL", "", "")}},
		{"Полша", []Place{pl("PL", "", "")}},
		{"Germany", []Place{pl("DE", "", "")}},
		{"Німеччина", []Place{pl("DE", "", "")}},
		{"в Германии", []Place{pl("DE", "", "")}},
		{"у Німеччині", []Place{pl("DE", "", "")}},
		{"Deutschland", []Place{pl("DE", "", "")}},
		{"Германя", []Place{pl("DE", "", "")}},
		{"Чехія", []Place{pl("CZ", "", "")}},
		{"в Чехии", []Place{pl("CZ", "", "")}},
		{"Czech Republic", []Place{pl("CZ", "", "")}},
		{"Молдавия", []Place{pl("MD", "", "")}},
		{"Голландія", []Place{pl("NL", "", "")}},
		{"England", []Place{pl("GB", "", "")}},
		{"Великобритания", []Place{pl("GB", "", "")}},
		{"Литва", []Place{pl("LT", "", "")}},
		{"Латвия", []Place{pl("LV", "", "")}},
		{"Грузія", []Place{pl("GE", "", "")}},
		{"Georgia", []Place{pl("GE", "", "")}},
		// typed-only countries
		{"Франція", []Place{pl("FR", "", "")}},
		{"во Франции", []Place{pl("FR", "", "")}},
		{"Armenia", []Place{pl("AM", "", "")}},
		{"Узбекистан", []Place{pl("UZ", "", "")}},
		{"США", []Place{pl("US", "", "")}},
		// Ukraine itself
		{"Україна", []Place{ua("")}},
		{"в Украине", []Place{ua("")}},
		{"Ukraine", []Place{ua("")}},
		// cities abroad, inflected, transliterated, with their country
		{"Варшава", []Place{pl("PL", "", "warsaw")}},
		{"в Варшаве", []Place{pl("PL", "", "warsaw")}},
		{"у Варшаві", []Place{pl("PL", "", "warsaw")}},
		{"Warszawa", []Place{pl("PL", "", "warsaw")}},
		{"warsaw", []Place{pl("PL", "", "warsaw")}},
		{"Варшва", []Place{pl("PL", "", "warsaw")}},
		{"Польща, Варшава", []Place{pl("PL", "", "warsaw")}},
		{"Kraków", []Place{pl("PL", "", "krakow")}},
		{"Krakow", []Place{pl("PL", "", "krakow")}},
		{"Кракові", []Place{pl("PL", "", "krakow")}},
		{"Берлін", []Place{pl("DE", "", "berlin")}},
		{"в Берлине", []Place{pl("DE", "", "berlin")}},
		{"München", []Place{pl("DE", "", "munich")}},
		{"Munchen", []Place{pl("DE", "", "munich")}},
		{"Praha", []Place{pl("CZ", "", "prague")}},
		{"Відень", []Place{pl("AT", "", "vienna")}},
		{"Вена", []Place{pl("AT", "", "vienna")}},
		{"Кишинев", []Place{pl("MD", "", "chisinau")}},
		// Ukrainian regions and large cities
		{"Харків", []Place{ua("kharkiv")}},
		{"Харьков", []Place{ua("kharkiv")}},
		{"Kharkiv", []Place{ua("kharkiv")}},
		{"kharkov", []Place{ua("kharkiv")}},
		{"у Харкові", []Place{ua("kharkiv")}},
		{"в Харькове", []Place{ua("kharkiv")}},
		{"Харківська область", []Place{ua("kharkiv")}},
		{"Харьковская обл", []Place{ua("kharkiv")}},
		{"Харкив", []Place{ua("kharkiv")}},
		{"Київ", []Place{ua("kyiv-city")}},
		{"Киев", []Place{ua("kyiv-city")}},
		{"Kyiv", []Place{ua("kyiv-city")}},
		{"у Києві", []Place{ua("kyiv-city")}},
		{"Київська обл.", []Place{ua("kyiv-oblast")}},
		{"Kyiv oblast", []Place{ua("kyiv-oblast")}},
		{"Kyiv region", []Place{ua("kyiv-oblast")}},
		{"м. Київ", []Place{ua("kyiv-city")}},
		{"город Киев", []Place{ua("kyiv-city")}},
		{"Біла Церква", []Place{ua("kyiv-oblast")}},
		{"Одеса", []Place{ua("odesa")}},
		{"Odessa", []Place{ua("odesa")}},
		{"в Одессе", []Place{ua("odesa")}},
		{"Львів", []Place{ua("lviv")}},
		{"Lvov", []Place{ua("lviv")}},
		{"Дніпро", []Place{ua("dnipro")}},
		{"Днепр", []Place{ua("dnipro")}},
		{"Кривий Ріг", []Place{ua("dnipro")}},
		{"Запоріжжя", []Place{ua("zaporizhzhia")}},
		{"Zaporozhye", []Place{ua("zaporizhzhia")}},
		{"Івано-Франківськ", []Place{ua("ivano-frankivsk")}},
		{"ivano frankivsk", []Place{ua("ivano-frankivsk")}},
		{"Чернівці", []Place{ua("chernivtsi")}},
		{"Черновцы", []Place{ua("chernivtsi")}},
		{"Mariupol", []Place{ua("donetsk")}},
		{"Крим", []Place{ua("crimea")}},
		{"Севастополь", []Place{ua("crimea")}},
		{"Вінницька", []Place{ua("vinnytsia")}},
		{"Закарпаття", []Place{ua("zakarpattia")}},
		// ambiguous: two places named, a choice is offered
		{"Харків або Київ", []Place{ua("kharkiv"), ua("kyiv-city")}},
		{"Литва чи Латвія", []Place{pl("LT", "", ""), pl("LV", "", "")}},
		// nothing
		{"не знаю", nil},
		{"привіт", nil},
		{"some village", nil},
		{"Атлантида", nil},
		{"", nil},
	}
	for _, tc := range cases {
		got := c.FindPlaces(tc.text)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("FindPlaces(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	if len(cases) < 60 {
		t.Fatalf("only %d cases", len(cases))
	}
}

// TestNoPlaceNameIsUrgent: a place typed in an intake never opens a first-aid card.
func TestNoPlaceNameIsUrgent(t *testing.T) {
	c := MustLoad()
	for _, n := range c.Places.index {
		s := ""
		for _, w := range n.words {
			s += string(w) + " "
		}
		if card, ok := c.Urgent(s); ok {
			t.Errorf("place name %q opens the %s card", s, card)
		}
	}
}
