package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ehra/peerline/handlers"
)

// Config is peerline's configuration: environment variables, each also a flag (a flag wins).
type Config struct {
	Token           string
	TokenFile       string
	APIURL          string
	Data            string
	KeyFile         string
	Key             string // hex key from PEERLINE_KEY (instead of a key file)
	Admins          []int64
	ConsultantsChat int64
	Channels        map[string]string // language (uk, ru, en, or "*" for all) → @username or numeric id
	TZ              *time.Location
	Hours           handlers.Hours // peer consultants' service hours, in TZ
	HTTP            string
	RateLimits      bool
	Senders         int
	LogLevel        string
	// Flood is how many updates one person may send at once and per minute (0 = no limit).
	FloodBurst, FloodPerMinute int
	Retention                  Retention
}

// Retention is how long records are kept.
type Retention struct {
	Users time.Duration // a person not seen for this long is erased
	Forms time.Duration // a form left half-filled is deleted after this long
}

// setting is one configuration value: its variable, flag, default and how to parse it.
type setting struct {
	env, flag, def, help string
	secret               bool // never shown as a default, never echoed
	parse                func(c *Config, v string) error
}

var settings = []setting{
	{env: "PEERLINE_TOKEN", flag: "token", help: "bot token from @BotFather", secret: true,
		parse: func(c *Config, v string) error { c.Token = strings.TrimSpace(v); return nil }},
	{env: "PEERLINE_TOKEN_FILE", flag: "token-file", help: "file holding the bot token (e.g. a Docker secret)",
		parse: func(c *Config, v string) error { c.TokenFile = v; return nil }},
	{env: "PEERLINE_API_URL", flag: "api-url", def: "https://api.telegram.org", help: "Bot API base URL",
		parse: parseAPIURL},
	{env: "PEERLINE_DATA", flag: "data", def: "./data", help: "data folder (database, generated key, content overrides)",
		parse: func(c *Config, v string) error { c.Data = v; return nil }},
	{env: "PEERLINE_KEY_FILE", flag: "key-file", help: "data encryption key file (default $PEERLINE_DATA/peerline.key, created on first run)",
		parse: func(c *Config, v string) error { c.KeyFile = v; return nil }},
	{env: "PEERLINE_KEY", flag: "key", help: "data encryption key as 64 hex characters (instead of a key file)", secret: true,
		parse: func(c *Config, v string) error { c.Key = v; return nil }},
	{env: "PEERLINE_ADMINS", flag: "admins", help: "numeric Telegram user ids of the first admins, comma-separated",
		parse: parseAdmins},
	{env: "PEERLINE_CONSULTANTS_CHAT", flag: "consultants-chat", help: "chat id of the consultants' group",
		parse: parseConsultantsChat},
	{env: "PEERLINE_CHANNELS", flag: "channels", help: "channel per language (uk=@hr_ua,ru=-1001234,en=@hr_en) or one for all",
		parse: parseChannels},
	{env: "PEERLINE_TZ", flag: "tz", def: "Europe/Kyiv", help: "time zone for schedules",
		parse: parseTZ},
	{env: "PEERLINE_HOURS", flag: "hours", def: "always", help: "service hours for peer consultants in PEERLINE_TZ, e.g. \"mon-fri 09:00-21:00; sat 10:00-16:00\"",
		parse: parseHours},
	{env: "PEERLINE_HTTP", flag: "http", help: "address for /healthz and /metrics, e.g. 127.0.0.1:9090 (off if empty)",
		parse: parseHTTP},
	{env: "PEERLINE_RATE_LIMITS", flag: "rate-limits", def: "on", help: "keep to Telegram's sending limits: on, or off for a local Bot API server or a benchmark",
		parse: parseOnOff},
	{env: "PEERLINE_SENDERS", flag: "senders", help: "concurrent outgoing calls (default: 8 with rate limits on, 64 with them off)",
		parse: parseSenders},
	{env: "PEERLINE_FLOOD", flag: "flood", def: "20,60", help: "per person: updates at once, and per minute, before the bot asks them to slow down; off for benchmarks",
		parse: parseFlood},
	{env: "PEERLINE_RETENTION", flag: "retention", def: "users=90d,forms=7d", help: "how long to keep: users (not seen), forms (left half-filled), in days",
		parse: parseRetention},
	{env: "PEERLINE_LOG", flag: "log", def: "info", help: "log level: debug, info, warn, error",
		parse: parseLogLevel},
}

// ConfigError is a bad configuration value: one line naming the variable and what is expected.
type ConfigError struct {
	Env, Flag, Msg string
}

func (e *ConfigError) Error() string { return e.Env + " (-" + e.Flag + "): " + e.Msg }

// parseConfig reads the environment (getenv) and args. Flags override variables.
func parseConfig(fs *flag.FlagSet, args []string, getenv func(string) string) (*Config, error) {
	values := map[string]*string{}
	for _, s := range settings {
		help := s.help + " [" + s.env + "]"
		if s.def != "" {
			help += " (default " + s.def + ")"
		}
		values[s.flag] = fs.String(s.flag, "", help)
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	c := &Config{Channels: map[string]string{}}
	for _, s := range settings {
		v := *values[s.flag]
		if v == "" {
			v = getenv(s.env)
		}
		if v == "" {
			v = s.def
		}
		if err := s.parse(c, v); err != nil {
			msg := err.Error()
			if s.secret {
				msg = "invalid value"
			}
			return nil, &ConfigError{Env: s.env, Flag: s.flag, Msg: msg}
		}
	}
	if c.Token == "" && c.TokenFile != "" {
		b, err := os.ReadFile(c.TokenFile)
		if err != nil {
			return nil, &ConfigError{Env: "PEERLINE_TOKEN_FILE", Flag: "token-file", Msg: "cannot read the file: " + errors.Unwrap(err).Error()}
		}
		c.Token = strings.TrimSpace(string(b))
	}
	if c.Token != "" && !tokenRE.MatchString(c.Token) {
		return nil, &ConfigError{Env: "PEERLINE_TOKEN", Flag: "token", Msg: "does not look like a bot token (digits, a colon, then 30 or more letters, digits, - or _)"}
	}
	if c.KeyFile == "" {
		c.KeyFile = filepath.Join(c.Data, "peerline.key")
	}
	return c, nil
}

var tokenRE = regexp.MustCompile(`^[0-9]{3,20}:[A-Za-z0-9_-]{30,}$`)

func parseAPIURL(c *Config, v string) error {
	v = strings.TrimRight(strings.TrimSpace(v), "/")
	if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
		return fmt.Errorf("%q is not an http(s) URL (expected e.g. https://api.telegram.org)", v)
	}
	c.APIURL = v
	return nil
}

func parseAdmins(c *Config, v string) error {
	c.Admins = nil
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("%q is not a numeric Telegram user id (expected comma-separated positive numbers like 12345,67890)", part)
		}
		c.Admins = append(c.Admins, id)
	}
	return nil
}

func parseConsultantsChat(c *Config, v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id >= 0 {
		return fmt.Errorf("%q is not a group chat id (expected a negative number like -1001234567890)", v)
	}
	c.ConsultantsChat = id
	return nil
}

var channelRE = regexp.MustCompile(`^(@[A-Za-z][A-Za-z0-9_]{4,31}|-[0-9]{5,20})$`)

func parseChannels(c *Config, v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	if !strings.Contains(v, "=") {
		if !channelRE.MatchString(v) {
			return fmt.Errorf("%q is not a channel (expected @username or a negative id, or uk=...,ru=...,en=...)", v)
		}
		c.Channels["*"] = v
		return nil
	}
	for _, part := range strings.Split(v, ",") {
		lang, ch, ok := strings.Cut(strings.TrimSpace(part), "=")
		lang, ch = strings.TrimSpace(lang), strings.TrimSpace(ch)
		if !ok || (lang != "uk" && lang != "ru" && lang != "en") {
			return fmt.Errorf("%q: expected language=channel with language uk, ru or en (e.g. uk=@hr_ua,ru=-1001234)", part)
		}
		if !channelRE.MatchString(ch) {
			return fmt.Errorf("%q: %q is not a channel (expected @username or a negative id)", part, ch)
		}
		if _, dup := c.Channels[lang]; dup {
			return fmt.Errorf("language %s is given twice", lang)
		}
		c.Channels[lang] = ch
	}
	return nil
}

func parseTZ(c *Config, v string) error {
	loc, err := time.LoadLocation(strings.TrimSpace(v))
	if err != nil {
		return fmt.Errorf("%q is not a known time zone (expected an IANA name like Europe/Kyiv)", v)
	}
	c.TZ = loc
	return nil
}

// parseHours reads PEERLINE_HOURS in the time zone parsed before it (PEERLINE_TZ comes first in
// settings).
func parseHours(c *Config, v string) error {
	h, err := handlers.ParseHours(v, c.TZ)
	if err != nil {
		return err
	}
	c.Hours = h
	return nil
}

func parseHTTP(c *Config, v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	host, port, ok := strings.Cut(v, ":")
	if !ok || port == "" || strings.Contains(port, ":") {
		return fmt.Errorf("%q is not host:port (expected e.g. 127.0.0.1:9090)", v)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q: port must be a number 0–65535", v)
	}
	_ = host
	c.HTTP = v
	return nil
}

func parseOnOff(c *Config, v string) error {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "true", "1", "yes":
		c.RateLimits = true
	case "off", "false", "0", "no":
		c.RateLimits = false
	default:
		return fmt.Errorf("%q: expected on or off", v)
	}
	return nil
}

// parseSenders: empty leaves 0, and the runtime picks from the rate limits (bot.DefaultSenders).
func parseSenders(c *Config, v string) error {
	if strings.TrimSpace(v) == "" {
		c.Senders = 0
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > 256 {
		return fmt.Errorf("%q: expected a number from 1 to 256", v)
	}
	c.Senders = n
	return nil
}

func parseLogLevel(c *Config, v string) error {
	switch v = strings.ToLower(strings.TrimSpace(v)); v {
	case "debug", "info", "warn", "error":
		c.LogLevel = v
		return nil
	}
	return fmt.Errorf("%q: expected debug, info, warn or error", v)
}

func parseFlood(c *Config, v string) error {
	v = strings.TrimSpace(v)
	if v == "off" {
		c.FloodBurst, c.FloodPerMinute = 0, 0
		return nil
	}
	b, m, ok := strings.Cut(v, ",")
	burst, err1 := strconv.Atoi(strings.TrimSpace(b))
	perMin, err2 := strconv.Atoi(strings.TrimSpace(m))
	if !ok || err1 != nil || err2 != nil || burst < 1 || perMin < 1 {
		return fmt.Errorf("%q: expected \"burst,per-minute\" like 20,60, or off", v)
	}
	c.FloodBurst, c.FloodPerMinute = burst, perMin
	return nil
}

func parseRetention(c *Config, v string) error {
	c.Retention = Retention{Users: 90 * 24 * time.Hour, Forms: 7 * 24 * time.Hour}
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, days, ok := strings.Cut(part, "=")
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(days), "d"))
		if !ok || err != nil || n < 1 || n > 3650 {
			return fmt.Errorf("%q: expected name=days like users=90d", part)
		}
		d := time.Duration(n) * 24 * time.Hour
		switch strings.TrimSpace(name) {
		case "users":
			c.Retention.Users = d
		case "forms":
			c.Retention.Forms = d
		default:
			return fmt.Errorf("%q: known names are users and forms", name)
		}
	}
	return nil
}
