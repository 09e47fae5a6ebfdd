package handlers

import (
	"encoding/json"
	"strconv"
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
		bot.Row(bot.Btn(a.t(c, "btn_wipe"), "wipe")),
		bot.Row(bot.Btn(a.t(c, "btn_forget"), "fg:ask")),
		bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu")))
	c.Show(a.t(c, "settings_text", map[string]any{"Current": a.t(c, current)}), kb)
	return bot.Stay(), nil
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
	c.Send(bot.Message{Text: a.t(c, "wipe_done"), ReplyKeyboard: &bot.ReplyKeyboard{
		Rows: [][]string{{a.t(c, "btn_overdose")}, {a.t(c, "btn_menu")}}, Persistent: true,
	}})
	return bot.End(), nil
}
