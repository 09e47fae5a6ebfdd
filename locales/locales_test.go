package locales

import (
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/BurntSushi/toml"
)

func TestEveryKeyInEveryLanguage(t *testing.T) {
	c := MustLoad()
	all := map[string]bool{}
	for _, lang := range Langs {
		for _, k := range c.Keys(lang) {
			all[k] = true
		}
	}
	if len(all) == 0 {
		t.Fatal("no messages loaded")
	}
	for _, lang := range Langs {
		have := map[string]bool{}
		for _, k := range c.Keys(lang) {
			have[k] = true
		}
		for k := range all {
			if !have[k] {
				t.Errorf("key %q missing in %s", k, lang)
			}
		}
	}
}

var templateField = regexp.MustCompile(`\{\{\s*\.(\w+)`)

// TestEveryMessageRenders renders every message in every language with a value for each field
// its template uses, and checks the result is non-empty, keeps no template syntax and has
// balanced HTML tags.
func TestEveryMessageRenders(t *testing.T) {
	c := MustLoad()
	for _, lang := range Langs {
		raw := map[string]any{}
		names, err := fileNames(embedded, lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			data, _ := embedded.ReadFile(name)
			if err := toml.Unmarshal(data, &raw); err != nil {
				t.Fatal(err)
			}
		}
		for _, key := range c.Keys(lang) {
			src := ""
			switch v := raw[key].(type) {
			case string:
				src = v
			case map[string]any:
				for _, x := range v {
					if s, ok := x.(string); ok {
						src += s
					}
				}
			}
			fields := map[string]any{}
			for _, m := range templateField.FindAllStringSubmatch(src, -1) {
				fields[m[1]] = "X"
			}
			got, err := c.Render(lang, key, fields)
			if err != nil {
				t.Errorf("%s/%s: %v", lang, key, err)
				continue
			}
			if strings.TrimSpace(got) == "" || strings.Contains(got, "{{") || strings.Contains(got, "<no value>") {
				t.Errorf("%s/%s renders as %q", lang, key, got)
			}
			if open, close := strings.Count(got, "<b>"), strings.Count(got, "</b>"); open != close {
				t.Errorf("%s/%s: %d <b> but %d </b>", lang, key, open, close)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	c := MustLoad()
	for _, tc := range []struct{ code, want string }{
		{"uk", "uk"}, {"uk-UA", "uk"}, {"ru", "ru"}, {"ru-RU", "ru"}, {"en", "en"}, {"en-GB", "en"},
		{"be", "ru"}, {"kk", "ru"}, {"ka", "en"}, {"tg", "ru"}, {"", "uk"}, {"zz-invalid-", "uk"}, {"de", "uk"},
	} {
		if got := c.Match(tc.code); got != tc.want {
			t.Errorf("Match(%q): got %q, want %q", tc.code, got, tc.want)
		}
	}
}

func TestMissingKeyIsReported(t *testing.T) {
	c := MustLoad()
	if _, err := c.Render("en", "no_such_key_anywhere"); err == nil {
		t.Fatal("rendering a missing key: want an error")
	}
}

func TestAreaFilesAreMergedAndDuplicatesRefused(t *testing.T) {
	files := fstest.MapFS{}
	for _, lang := range Langs {
		files["active."+lang+".toml"] = &fstest.MapFile{Data: []byte("a = \"A\"\n")}
		files["staff."+lang+".toml"] = &fstest.MapFile{Data: []byte("b = \"B\"\n")}
	}
	c, err := load(files)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("ru", "b"); got != "B" {
		t.Errorf("key from a second area file: got %q, want %q", got, "B")
	}
	files["staff.en.toml"] = &fstest.MapFile{Data: []byte("a = \"again\"\n")}
	if _, err := load(files); err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("a key defined in two files: got %v, want an error naming it", err)
	}
}
