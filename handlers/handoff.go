package handlers

import "github.com/ehra/peerline/bot"

// The handoff gate: whether a person can reach a live peer consultant through the bot, and the
// one button every screen uses to offer it. Content that mentions a consultant shows that
// mention (and this button) only when handoffOn is true; otherwise it offers what exists.
//
// The button's callback data is "ask:<topic>" (topic: a short code such as ost, art, tb, hcv,
// hum, nps, combo, mem, call, gen) or "ask:msg:<message id>" for a typed message the person may
// pass on; the consultant flows (consult_*.go) answer it.

// handoffOn reports whether a person can reach a peer consultant now.
// It is on when configured (Deps.Handoff), when a consultants' chat is configured, or when at
// least one consultant has joined.
func (a *App) handoffOn(c *bot.Ctx) bool {
	if a.handoff || a.consChat != 0 {
		return true
	}
	return c.Tx != nil && a.anyConsultant(c.Tx)
}

// askButton is the "Talk to a peer consultant" button for topic.
func (a *App) askButton(c *bot.Ctx, topic string) bot.Button {
	return bot.Btn(a.t(c, "btn_ask_consultant"), "ask:"+topic)
}
