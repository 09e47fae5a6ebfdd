package content

import (
	"fmt"
	"testing"
)

// TestMatchIsLocal: services in the person's city come first, then their region (including
// services in one of its cities when only the region is known), then national, then
// international; other regions' and cities' services are left out.
func TestMatchIsLocal(t *testing.T) {
	c := MustLoad()
	c.Directory.Services = []Service{
		{ID: "int", Offers: []string{"ost"}, Country: International},
		{ID: "ua", Offers: []string{"ost"}, Country: "UA"},
		{ID: "kharkiv-city", Offers: []string{"ost"}, Country: "UA", Region: "kharkiv", City: "Kharkiv"},
		{ID: "kharkiv-region", Offers: []string{"ost"}, Country: "UA", Region: "kharkiv"},
		{ID: "lviv", Offers: []string{"ost"}, Country: "UA", Region: "lviv"},
		{ID: "warsaw", Offers: []string{"ost"}, Country: "PL", City: "warsaw"},
		{ID: "krakow", Offers: []string{"ost"}, Country: "PL", City: "krakow"},
		{ID: "pl", Offers: []string{"ost"}, Country: "PL"},
		{ID: "food", Offers: []string{"food"}, Country: "UA", Region: "kharkiv"},
	}
	ids := func(k Case) string {
		var out []string
		for _, s := range c.Match(k) {
			out = append(out, s.ID)
		}
		return fmt.Sprint(out)
	}
	cases := []struct {
		k    Case
		want string
	}{
		{Case{Topic: "ost", Country: "UA", Region: "kharkiv"}, "[kharkiv-city kharkiv-region ua int]"},
		{Case{Topic: "ost", Country: "UA", Region: "lviv"}, "[lviv ua int]"},
		{Case{Topic: "ost", Country: "PL", City: "warsaw"}, "[warsaw pl int]"},
		{Case{Topic: "ost", Country: "PL"}, "[pl int]"},
		{Case{Topic: "food", Country: "UA", Region: "kharkiv"}, "[food]"},
	}
	for _, tc := range cases {
		if got := ids(tc.k); got != tc.want {
			t.Errorf("Match(%+v) = %s, want %s", tc.k, got, tc.want)
		}
	}
}
