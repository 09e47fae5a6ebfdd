package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func TestConfigErrorsNameTheVariable(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"Admins", map[string]string{"PEERLINE_ADMINS": "123,abc"}, nil, `PEERLINE_ADMINS (-admins): "abc" is not a numeric Telegram user id`},
		{"AdminsNegative", map[string]string{"PEERLINE_ADMINS": "-5"}, nil, "PEERLINE_ADMINS"},
		{"ChannelsNoLang", map[string]string{"PEERLINE_CHANNELS": "de=@hr_de"}, nil, "PEERLINE_CHANNELS (-channels): \"de=@hr_de\": expected language=channel"},
		{"ChannelsBadChannel", map[string]string{"PEERLINE_CHANNELS": "uk=hr"}, nil, "is not a channel"},
		{"ChannelsTwice", map[string]string{"PEERLINE_CHANNELS": "uk=@hr_ua1,uk=@hr_ua2"}, nil, "given twice"},
		{"TZ", map[string]string{"PEERLINE_TZ": "Europe/Atlantis"}, nil, `PEERLINE_TZ (-tz): "Europe/Atlantis" is not a known time zone`},
		{"Hours", map[string]string{"PEERLINE_HOURS": "mon-fri 9-21"}, nil, `PEERLINE_HOURS (-hours): "9-21" is not a time range HH:MM-HH:MM`},
		{"ConsultantsChatPositive", map[string]string{"PEERLINE_CONSULTANTS_CHAT": "12345"}, nil, "PEERLINE_CONSULTANTS_CHAT"},
		{"APIURL", map[string]string{"PEERLINE_API_URL": "api.telegram.org"}, nil, "PEERLINE_API_URL"},
		{"HTTP", map[string]string{"PEERLINE_HTTP": "9090"}, nil, "PEERLINE_HTTP"},
		{"FlagWins", map[string]string{"PEERLINE_TZ": "Europe/Kyiv"}, []string{"-tz", "Nowhere/Else"}, "PEERLINE_TZ (-tz)"},
		{"MalformedTokenNotEchoed", map[string]string{"PEERLINE_TOKEN": "not-a-token-SECRETSECRET"}, nil, "PEERLINE_TOKEN (-token): does not look like a bot token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			m := &Main{Stdout: io.Discard, Stderr: &stderr, Getenv: func(k string) string { return tc.env[k] }}
			code := m.Main(context.Background(), append([]string{"run"}, tc.args...))
			if code != 2 {
				t.Errorf("exit code: got %d, want 2", code)
			}
			out := stderr.String()
			if !strings.Contains(out, tc.want) {
				t.Errorf("stderr: got %q, want it to contain %q", out, tc.want)
			}
			if lines := strings.Count(strings.TrimSpace(out), "\n"); lines != 0 {
				t.Errorf("want one line, got %d:\n%s", lines+1, out)
			}
			if strings.Contains(out, "SECRETSECRET") {
				t.Error("the token value was echoed")
			}
		})
	}
}

func TestConfigDefaultsAndParsing(t *testing.T) {
	env := map[string]string{
		"PEERLINE_ADMINS":   "111, 222",
		"PEERLINE_CHANNELS": "uk=@hr_ua,ru=-1001234567,en=@hr_en",
	}
	c, err := parseConfig(flag.NewFlagSet("t", flag.ContinueOnError), nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Admins) != 2 || c.Admins[1] != 222 {
		t.Errorf("admins: %v", c.Admins)
	}
	if c.Channels["ru"] != "-1001234567" || c.Channels["en"] != "@hr_en" {
		t.Errorf("channels: %v", c.Channels)
	}
	if c.APIURL != "https://api.telegram.org" || c.Data != "./data" || c.TZ.String() != "Europe/Kyiv" || !c.RateLimits {
		t.Errorf("defaults: %+v", c)
	}
	if c.KeyFile != "data/peerline.key" {
		t.Errorf("key file default: %s", c.KeyFile)
	}
	if c.Senders != 0 { // 0: the runtime picks from the limits (bot.DefaultSenders)
		t.Errorf("senders when unset: got %d, want 0", c.Senders)
	}
	if !c.Hours.Always() {
		t.Errorf("hours default: %s, want always", c.Hours)
	}
	hours, err := parseConfig(flag.NewFlagSet("t", flag.ContinueOnError), nil, func(k string) string {
		return map[string]string{"PEERLINE_TZ": "Asia/Almaty", "PEERLINE_HOURS": "mon-fri 09:00-18:00"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	// 2026-11-23 is a Monday; 04:30 UTC is 09:30 in Almaty (UTC+5) and 06:30 in Kyiv.
	if at := time.Date(2026, 11, 23, 4, 30, 0, 0, time.UTC); !hours.Hours.Open(at) {
		t.Errorf("hours %s in Asia/Almaty: closed at 09:30 local time, want open", hours.Hours)
	}
	one, err := parseConfig(flag.NewFlagSet("t", flag.ContinueOnError), nil, func(k string) string {
		return map[string]string{"PEERLINE_CHANNELS": "@hr_all"}[k]
	})
	if err != nil || one.Channels["*"] != "@hr_all" {
		t.Errorf("one channel for all: %v %v", one.Channels, err)
	}
}

func TestNoTokenExplainsBotFather(t *testing.T) {
	var stderr bytes.Buffer
	m := &Main{Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return "" }}
	if code := m.Main(context.Background(), nil); code == 0 {
		t.Fatal("ran without a token")
	}
	for _, want := range []string{"@BotFather", "/newbot", "PEERLINE_TOKEN"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("no-token message lacks %q:\n%s", want, stderr.String())
		}
	}
}

func TestHelpDoesNotPrintTheToken(t *testing.T) {
	var stderr bytes.Buffer
	m := &Main{Stdout: io.Discard, Stderr: &stderr, Getenv: func(k string) string {
		if k == "PEERLINE_TOKEN" {
			return crashToken
		}
		return ""
	}}
	m.Main(context.Background(), []string{"run", "-h"})
	if strings.Contains(stderr.String(), "CRASH-test-token") {
		t.Fatal("-h printed the token")
	}
	if !strings.Contains(stderr.String(), "PEERLINE_TOKEN") {
		t.Fatalf("-h does not list the variables:\n%s", stderr.String())
	}
}
