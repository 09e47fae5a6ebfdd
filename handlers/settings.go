package handlers

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/ehra/peerline/bot"
)

// Settings: safe mode (the bot deletes this chat's messages, the person's and its own, an hour
// or a day after they were sent), /wipe (delete the conversation now), and erasing everything.
// Safe mode keeps only message ids and times, never content; both survive a restart because
// what is due lives in the store (the "safe-mode" job deletes it).

var safeModes = []struct {
	code  string
	after time.Duration
	label string
}{{"off", 0, "safe_off"}, {"1h", time.Hour, "safe_1h"}, {"24h", 24 * time.Hour, "safe_24h"}}

func (a *App) settings(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	u, err := profile(c)
	if err != nil {
		return bot.Stay(), err
	}
	current := "safe_off"
	kb := bot.Keyboard{}
	var row []bot.Button
	for _, m := range safeModes {
		label := a.t(c, m.label)
		if time.Duration(u.SafeMode)*time.Second == m.after {
			current = m.label
			label = "✅ " + label
		}
		row = append(row, bot.Btn(label, "sm:"+m.code))
	}
	kb = append(kb, row,
		bot.Row(bot.Btn(a.t(c, "ux_set_country_btn"), "setc")),
		bot.Row(bot.Btn(a.t(c, "btn_wipe"), "wipe")),
		bot.Row(bot.Btn(a.t(c, "btn_forget"), "fg:ask")),
		bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu")))
	country := a.t(c, "ux_country_unset")
	if u.Country != "" {
		country = a.countryName(c, u.Country)
	}
	c.Show(a.t(c, "settings_text", map[string]any{"Current": a.t(c, current)})+"\n\n"+
		a.t(c, "ux_settings_country", map[string]any{"Country": country}), kb)
	if c.Conv == stateQACountry {
		return bot.End(), nil // back from the country picker, or a country chosen
	}
	return bot.Stay(), nil
}

// The person's country: a setting they choose (here, or from an intake's result), kept sealed in
// their profile and erased with it. The overdose card shows its emergency numbers first.

// countryName is a country's name in the person's language.
func (a *App) countryName(c *bot.Ctx, code string) string {
	if x, ok := a.content.Country(code); ok {
		return x.Flag() + " " + x.Name.In(c.Lang)
	}
	if x, ok := a.content.AbroadCountry(code); ok {
		return x.Name.In(c.Lang)
	}
	return code
}

// setPersonCountry stores the person's chosen country ("" clears it).
func (a *App) setPersonCountry(c *bot.Ctx, code string) error {
	u, err := profile(c)
	if err != nil {
		return err
	}
	u.Country = code
	return c.Tx.PutUser(c.UserID, u)
}

// settingsCountry lists the countries to choose from (setc), or saves one (setc:<code>,
// setc:- to clear).
func (a *App) settingsCountry(c *bot.Ctx) (bot.Next, error) {
	code, chosen := strings.CutPrefix(c.Data, "setc:")
	if chosen {
		_, abroad := a.content.AbroadCountry(code)
		if code != "-" && code != "UA" && !abroad {
			return a.stale(c)
		}
		if code == "-" {
			code = ""
		}
		if err := a.setPersonCountry(c, code); err != nil {
			return bot.Stay(), err
		}
		c.Answer(a.t(c, "safe_saved"))
		return a.settings(c)
	}
	buttons := []bot.Button{bot.Btn(a.countryName(c, "UA"), "setc:UA")}
	for _, x := range a.content.Places.Buttons() {
		buttons = append(buttons, bot.Btn(a.countryName(c, x.Code), "setc:"+x.Code))
	}
	kb := bot.Grid(3, buttons...)
	kb = append(kb, bot.Row(bot.Btn(a.t(c, "ux_country_clear"), "setc:-"), bot.Btn(a.t(c, "btn_back"), "set")))
	c.Show(a.t(c, "ux_set_country_q"), kb)
	c.ConvData = map[string]string{}
	return bot.Goto(stateQACountry), nil // a typed country answers too (qa.go)
}

// setSafeMode stores the choice. Turning it on also schedules the screen it was chosen on.
func (a *App) setSafeMode(c *bot.Ctx) (bot.Next, error) {
	code := c.Data[len("sm:"):]
	var after time.Duration
	found := false
	for _, m := range safeModes {
		if m.code == code {
			after, found = m.after, true
		}
	}
	if !found {
		return a.stale(c)
	}
	u, err := profile(c)
	if err != nil {
		return bot.Stay(), err
	}
	u.SafeMode = int64(after / time.Second)
	if err := c.Tx.PutUser(c.UserID, u); err != nil {
		return bot.Stay(), err
	}
	c.DeleteSentAfter(after)
	if after > 0 && c.MessageID != 0 {
		if err := c.Tx.AddTrail(c.ChatID, c.MessageID, c.Now.Add(after)); err != nil {
			return bot.Stay(), err
		}
	}
	c.Answer(a.t(c, "safe_saved"))
	return a.settings(c)
}

// wipeSpan is how far back /wipe reaches, in message ids. In a private chat message ids count up
// one by one for both sides, so the last wipeSpan ids are the last wipeSpan messages; Telegram
// skips those that are gone or too old (over 48 hours) to delete.
const wipeSpan = 1000

// wipe deletes the conversation's messages now, the person's and the bot's.
func (a *App) wipe(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	top := c.MessageID
	if c.IsCallback() {
		// The button's message may have newer ones under it; ids that don't exist are skipped.
		top += 100
		c.Answer(a.t(c, "wipe_working"))
	}
	if top > 0 {
		for hi := top; hi >= 1 && hi > top-wipeSpan; hi -= 100 {
			lo := max(1, hi-99, top-wipeSpan+1)
			ids := make([]int, 0, hi-lo+1)
			for id := hi; id >= lo; id-- {
				ids = append(ids, id)
			}
			j, _ := json.Marshal(ids)
			c.Call(c.ChatID, "deleteMessages", map[string]string{"chat_id": strconv.FormatInt(c.ChatID, 10), "message_ids": string(j)})
		}
	}
	if err := c.Tx.Incr("chats_wiped", 1); err != nil {
		return bot.Stay(), err
	}
	// The confirmation brings back the always-visible buttons (their message is gone).
	c.Send(bot.Message{Text: a.t(c, "wipe_done"), ReplyKeyboard: a.replyKeyboard(c)})
	return bot.End(), nil
}
