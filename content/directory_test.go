package content

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMatchOrdersCityRegionCountryInternational(t *testing.T) {
	c := MustLoad()
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	c.Directory = DirectoryFile{Services: []Service{
		{ID: "country-old", Country: "PL", Offers: []string{"ost"}, Verified: day(1)},
		{ID: "intl", Country: International, Offers: []string{"ost"}, Verified: day(9)},
		{ID: "city-old", Country: "PL", Region: "mazowieckie", City: "warsaw", Offers: []string{"ost"}, Verified: day(2)},
		{ID: "region", Country: "PL", Region: "mazowieckie", Offers: []string{"ost"}, Verified: day(3)},
		{ID: "city-new", Country: "PL", Region: "mazowieckie", City: "Warsaw", Offers: []string{"ost"}, Verified: day(5)},
		{ID: "country-new", Country: "PL", Offers: []string{"ost"}, Verified: day(6)},
		{ID: "other-city", Country: "PL", City: "krakow", Region: "malopolskie", Offers: []string{"ost"}, Verified: day(7)},
		{ID: "other-country", Country: "DE", Offers: []string{"ost"}, Verified: day(8)},
		{ID: "other-topic", Country: "PL", Offers: []string{"art"}, Verified: day(8)},
		{ID: "sample", Country: "PL", Offers: []string{"ost"}, Verified: day(8), Sample: true},
	}}
	got := c.Match(Case{Topic: "ost", Country: "PL", Region: "mazowieckie", City: "warsaw"})
	var ids []string
	for _, s := range got {
		ids = append(ids, s.ID)
	}
	want := "city-new,city-old,region,country-new,country-old,intl"
	if strings.Join(ids, ",") != want {
		t.Fatalf("got %s, want %s", strings.Join(ids, ","), want)
	}
}

const csvHeader = "id,kind,offers,country,region,city,name_uk,name_ru,name_en,address,phones,website,telegram,hours_uk,hours_ru,hours_en,languages,notes_uk,notes_ru,notes_en,verified,verified_by,sources,dated\n"

func TestImportDirectory(t *testing.T) {
	dir := t.TempDir()
	good := csvHeader +
		"pl-test-site,ost,ost,PL,mazowieckie,warsaw,Тест,Тест,Test site,ul. Testowa 1,+48 22 000 00 00,https://example.org,,,,,pl;uk,,,,2026-11-01,outreach team,own visit,false\n"
	t.Run("OneBadRowImportsNothing", func(t *testing.T) {
		bad := good +
			"ua-x,clinic,ost,UA,kharkiv-nowhere,,Х,Х,X,,not-a-phone,,,,,,uk,,,,2026-11-01,team,visit,false\n" +
			"ua-y,hotline,ost,UA,,,Y,Y,Y,,0 800 000 000,,,,,,uk,,,,yesterday,team,visit,false\n"
		_, err := ImportDirectory(dir, strings.NewReader(bad))
		if err == nil {
			t.Fatal("a CSV with bad rows was imported")
		}
		msg := err.Error()
		for _, want := range []string{"nothing imported", "line 3:", `kind: "clinic" is not one of`, "not-a-phone", "line 4:", "verified: \"yesterday\""} {
			if !strings.Contains(msg, want) {
				t.Errorf("error lacks %q:\n%s", want, msg)
			}
		}
		if strings.Contains(msg, "line 2:") {
			t.Errorf("the good row was reported:\n%s", msg)
		}
		if _, err := os.Stat(filepath.Join(dir, "directory.toml")); err == nil {
			t.Error("a file was written although nothing should be imported")
		}
	})
	t.Run("GoodRowsExtendTheShippedDirectory", func(t *testing.T) {
		n, err := ImportDirectory(dir, strings.NewReader(good))
		if err != nil || n != 1 {
			t.Fatalf("import: %d %v", n, err)
		}
		c, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		shipped := len(MustLoad().Directory.Services)
		if got := len(c.Directory.Services); got != shipped+1 {
			t.Fatalf("services: got %d, want %d (shipped + 1)", got, shipped+1)
		}
		var out bytes.Buffer
		if err := c.ExportDirectoryCSV(&out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "pl-test-site,ost,ost,PL,mazowieckie,warsaw") {
			t.Errorf("export lacks the imported row:\n%s", out.String())
		}
		// Export then import round-trips.
		again, err := c.ParseDirectoryCSV(strings.NewReader(out.String()))
		if err != nil || len(again) != shipped+1 {
			t.Fatalf("re-import of the export: %d %v", len(again), err)
		}
	})
}
