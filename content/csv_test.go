package content

import (
	"regexp"
	"strings"
	"testing"
)

const goodCSVRow = "pl-test-site,ost,ost,PL,mazowieckie,warsaw,Тест,Тест,Test site,ul. Testowa 1,+48 22 000 00 00,https://example.org,,,,,pl;uk,,,,2026-11-01,outreach team,own visit,false\n"

// TestParseDirectoryCSVNamesTheLineOfARowItCannotSplit: quoting mistakes used to panic (an
// unterminated quote at the end of the file) or be reported in the CSV reader's words; now each
// is a bad row named by its line, and nothing is imported.
func TestParseDirectoryCSVNamesTheLineOfARowItCannotSplit(t *testing.T) {
	c := MustLoad()
	tests := []struct {
		name, body string
		want       []string
	}{
		{"UnterminatedQuoteAtTheEnd", goodCSVRow + `"unterminated` + "\n", []string{"line 3: a quoted field is not closed"}},
		{"UnterminatedQuoteWithoutNewline", goodCSVRow + `a,b` + "\n" + `"`, []string{"line 3: kind", `line 4: a quoted field is not closed`}},
		{"TextAfterTheClosingQuote", `a,"b"x,c` + "\n" + goodCSVRow, []string{"line 2: a quoted field is not closed"}},
		{"BareQuote", `x"y,z` + "\n" + goodCSVRow, []string{`line 2: a quote (") inside a field`}},
		{"QuoteOpenedMidFileSwallowsTheRest", goodCSVRow + `"a,b` + "\n" + goodCSVRow, []string{"line 3: a quoted field is not closed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.ParseDirectoryCSV(strings.NewReader(csvHeader + tt.body))
			if err == nil {
				t.Fatalf("got %d services and no error, want an error", len(got))
			}
			if got != nil {
				t.Errorf("got %d services with the error, want none", len(got))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%s", w, err)
				}
			}
			if strings.Contains(err.Error(), "line 2: kind") || strings.Contains(err.Error(), "parse error") {
				t.Errorf("error reports the good row or the reader's own words:\n%s", err)
			}
		})
	}
}

// badRowLine is how every bad row is reported.
var badRowLine = regexp.MustCompile(`^line \d+: `)

// FuzzParseDirectoryCSV: any input is either services that each pass the directory's checks, or
// an error; a row-level error names each bad row by line. Never a panic.
func FuzzParseDirectoryCSV(f *testing.F) {
	c := MustLoad()
	for _, s := range []string{
		csvHeader + goodCSVRow,
		csvHeader + goodCSVRow + `"unterminated`,
		csvHeader + `a,"b"x,c` + "\n",
		csvHeader + `x"y,z` + "\n",
		csvHeader + "\n\n" + goodCSVRow + goodCSVRow,
		"\ufeff" + csvHeader + goodCSVRow,
		"id,kind\n",
		"",
		`"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		services, err := c.ParseDirectoryCSV(strings.NewReader(in))
		if err != nil {
			if services != nil {
				t.Fatalf("services returned with an error")
			}
			msg := err.Error()
			if rows, ok := strings.CutPrefix(msg, "nothing imported: "); ok {
				_, list, _ := strings.Cut(rows, "\n  ")
				for _, line := range strings.Split(list, "\n  ") {
					if !badRowLine.MatchString(line) {
						t.Fatalf("a bad row not named by its line: %q", line)
					}
				}
			} else if !strings.HasPrefix(msg, "line 1: ") {
				t.Fatalf("an error naming no line: %q", msg)
			}
			return
		}
		for i := range services {
			if probs := c.checkService("", "", &services[i]); len(probs) > 0 {
				t.Fatalf("an accepted service has problems: %v", probs)
			}
		}
	})
}
