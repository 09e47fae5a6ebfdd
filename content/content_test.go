package content

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestShippedContentIsValid(t *testing.T) {
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Countries()[0].Code; got != "UA" {
		t.Errorf("first country: got %s, want UA", got)
	}
	for _, id := range FirstAidIDs {
		if _, ok := c.Card(id); !ok {
			t.Errorf("card %s missing", id)
		}
	}
}

func TestCheckHTML(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"plain", true},
		{"<b>bold</b> and <i>it</i>", true},
		{`<a href="https://t.me/x">link</a>`, true},
		{"a &lt; b &amp; c &#8212; &#x2014;", true},
		{`<span class="tg-spoiler">s</span>`, true},
		{"<blockquote expandable>q</blockquote>", true},
		{"<b>open", false},
		{"<b><i>x</b></i>", false},
		{"</b>", false},
		{"<div>x</div>", false},
		{"a < b", false},
		{"a > b", false},
		{"fish & chips", false},
		{"<a>no href</a>", false},
		{`<b class="x">x</b>`, false},
	} {
		err := CheckHTML(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("CheckHTML(%q): got %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

func TestOverrideAndProblemsNameFileEntryField(t *testing.T) {
	dir := t.TempDir()
	bad := `[[card]]
id = "opioid"
title = { uk = "Т", ru = "Т", en = "<b>T" }
button = { uk = "к", ru = "к", en = "b" }
body = { uk = "тверезa", ru = "т", en = "" }
sources = []
`
	if err := os.WriteFile(filepath.Join(dir, "firstaid.toml"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	var probs Problems
	if !errors.As(err, &probs) {
		t.Fatalf("load bad override: got %v, want Problems", err)
	}
	text := probs.Error()
	for _, want := range []string{
		`firstaid.toml › card "opioid" › title.en: HTML`,
		`card "opioid" › body.en: missing or empty`,
		`card "opioid" › body.uk: the word "тверезa" mixes`,
		`card "opioid" › sources: at least one source`,
		`card "opioid" › reviewed: missing`,
		`card "stimulant" is required`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("problems do not mention %q:\n%s", want, text)
		}
	}
	if !strings.Contains(text, filepath.Join(dir, "firstaid.toml")) {
		t.Errorf("problems do not name the override file:\n%s", text)
	}
}

func TestOverrideReplacesEmbeddedFile(t *testing.T) {
	dir := t.TempDir()
	data, err := embedded.ReadFile("data/emergency.toml")
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(data), `{ number = "101", service = "fire" },`, `{ number = "101", service = "fire" },
  { number = "1550", service = "doctor" },`, 1)
	if err := os.WriteFile(filepath.Join(dir, "emergency.toml"), []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	ua, _ := c.Country("UA")
	if got := ua.Numbers[3].Number; got != "1550" {
		t.Fatalf("override not used: UA numbers %v", ua.Numbers)
	}
}

func TestVisibleLen(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"abc", 3}, {"<b>abc</b>", 3}, {"a&amp;b", 3}, {"привіт", 6}, {"🆘", 2},
	} {
		if got := VisibleLen(tc.in); got != tc.want {
			t.Errorf("VisibleLen(%q): got %d, want %d", tc.in, got, tc.want)
		}
	}
}
