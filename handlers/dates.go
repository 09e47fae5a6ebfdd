package handlers

import (
	"strconv"
	"strings"
	"time"

	"github.com/ehra/peerline/bot"
)

// date renders a date in the person's language: "23 листопада 2026", "23 November 2026".
func (a *App) date(c *bot.Ctx, t time.Time) string {
	months := strings.Split(a.t(c, "months"), ",")
	if len(months) != 12 {
		return t.Format("2006-01-02")
	}
	return strconv.Itoa(t.Day()) + " " + strings.TrimSpace(months[t.Month()-1]) + " " + strconv.Itoa(t.Year())
}

// deadline renders a moment in its own offset with the zone's name; midnight is shown as 24:00
// of the day before, as calls are usually written ("31 January 2022, 24:00 EET").
func (a *App) deadline(c *bot.Ctx, t time.Time, zone string) string {
	clock := t.Format("15:04")
	if clock == "00:00" {
		t = t.Add(-time.Minute)
		clock = "24:00"
	}
	return a.date(c, t) + ", " + clock + " " + zone
}
