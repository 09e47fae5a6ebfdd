package handlers

import (
	"crypto/rand"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ehra/peerline/bot"
)

// Membership: the association's approach, criteria, benefits and procedure, and an application
// form: individual or organisation → country (or outside the region → supporting membership) →
// name → e-mail → languages → motivation → agreement to the Statute and the Code of Ethics →
// summary → send. Back and cancel work at every step. A sent application goes to the
// secretariat's chat (the consultants' group, else the admins) through the outbox; the bot keeps
// only an aggregate count, and the answers are erased from the conversation once sent.

const (
	stateMemType       bot.State = "mem_type"
	stateMemCountry    bot.State = "mem_country"
	stateMemName       bot.State = "mem_name"
	stateMemEmail      bot.State = "mem_email"
	stateMemLangs      bot.State = "mem_langs"
	stateMemMotivation bot.State = "mem_motivation"
	stateMemAgree      bot.State = "mem_agree"
	stateMemConfirm    bot.State = "mem_confirm"
)

// memSteps is the order of the form, for "back".
var memSteps = []bot.State{stateMemType, stateMemCountry, stateMemName, stateMemEmail, stateMemLangs, stateMemMotivation, stateMemAgree, stateMemConfirm}

const outsideRegion = "outside"

func (a *App) membership(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	m := a.content.Member.Membership
	part := strings.TrimPrefix(strings.TrimPrefix(c.Data, "mem"), ":")
	text := m.Approach.In(c.Lang)
	switch part {
	case "", "about":
	case "who":
		text = m.Criteria.In(c.Lang)
	case "benefits":
		text = m.Benefits.In(c.Lang)
	case "how":
		text = m.Procedure.In(c.Lang)
	case "supporting":
		text = m.Supporting.In(c.Lang)
	default:
		return a.stale(c)
	}
	var buttons []bot.Button
	for _, p := range []struct{ code, label string }{{"about", "mem_btn_about"}, {"who", "mem_btn_who"}, {"benefits", "mem_btn_benefits"}, {"how", "mem_btn_how"}, {"supporting", "mem_btn_supporting"}} {
		if p.code == part || (part == "" && p.code == "about") {
			continue
		}
		buttons = append(buttons, bot.Btn(a.t(c, p.label), "mem:"+p.code))
	}
	kb := bot.Grid(2, buttons...)
	kb = append(kb, bot.Row(bot.Btn(a.t(c, "mem_btn_apply"), "ma:start")), bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu")))
	c.Show(text+"\n\n"+a.sourcesLine(c, m.Meta), kb)
	return bot.Stay(), nil
}

// memStart begins the form (any earlier answers are dropped).
func (a *App) memStart(c *bot.Ctx) (bot.Next, error) {
	c.ConvData = map[string]string{}
	return a.memAsk(c, stateMemType)
}

// memNav is the buttons every step has.
func (a *App) memNav(c *bot.Ctx, s bot.State) []bot.Button {
	row := []bot.Button{}
	if s != stateMemType {
		row = append(row, bot.Btn(a.t(c, "btn_back"), "ma:back"))
	}
	return append(row, bot.Btn(a.t(c, "form_cancel"), "ma:cancel"))
}

// memAsk shows the question of step s and moves the conversation there.
func (a *App) memAsk(c *bot.Ctx, s bot.State) (bot.Next, error) {
	step := func(n int) string { return a.t(c, "form_step", map[string]any{"N": n, "Of": len(memSteps) - 1}) + "\n" }
	switch s {
	case stateMemType:
		// The privacy promise's one exception, said where it applies.
		a.showStep(c, a.t(c, "ux_mem_privacy")+"\n\n"+step(1)+a.t(c, "mem_q_type"), bot.Keyboard{
			bot.Row(bot.Btn(a.t(c, "mem_type_person"), "ma:type:person"), bot.Btn(a.t(c, "mem_type_org"), "ma:type:org")),
			a.memNav(c, s),
		})
	case stateMemCountry:
		var buttons []bot.Button
		for _, rc := range a.sortedRegionCountries(c.Lang) {
			buttons = append(buttons, bot.Btn(rc.Name.In(c.Lang), "ma:country:"+rc.Code))
		}
		kb := bot.Grid(3, buttons...)
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "mem_outside"), "ma:country:"+outsideRegion)), a.memNav(c, s))
		a.showStep(c, step(2)+a.t(c, "mem_q_country"), kb)
	case stateMemName:
		q := "mem_q_name_person"
		if c.ConvData["type"] == "org" {
			q = "mem_q_name_org"
		}
		a.showStep(c, step(3)+a.t(c, q), bot.Keyboard{a.memNav(c, s)})
	case stateMemEmail:
		a.showStep(c, step(4)+a.t(c, "mem_q_email"), bot.Keyboard{a.memNav(c, s)})
	case stateMemLangs:
		a.showStep(c, step(5)+a.t(c, "mem_q_langs"), bot.Keyboard{
			bot.Row(bot.Btn("English", "ma:langs:en"), bot.Btn("Русский", "ma:langs:ru")),
			bot.Row(bot.Btn(a.t(c, "mem_langs_both"), "ma:langs:both")),
			a.memNav(c, s),
		})
	case stateMemMotivation:
		a.showStep(c, step(6)+a.t(c, "mem_q_motivation"), bot.Keyboard{a.memNav(c, s)})
	case stateMemAgree:
		a.showStep(c, step(7)+a.t(c, "mem_q_agree"), bot.Keyboard{
			bot.Row(bot.Btn(a.t(c, "mem_agree_yes"), "ma:agree")),
			a.memNav(c, s),
		})
	case stateMemConfirm:
		a.showStep(c, a.memSummary(c, false)+"\n\n"+a.t(c, "mem_confirm_note"), bot.Keyboard{
			bot.Row(bot.Btn(a.t(c, "mem_send"), "ma:send")),
			bot.Row(bot.Btn(a.t(c, "ux_mem_edit"), "ma:edit")),
			bot.Row(bot.Btn(a.t(c, "mem_restart"), "ma:start")),
			a.memNav(c, s),
		})
	}
	return bot.Goto(s), nil
}

// memSummary renders the answers (for the person, or for the secretariat in English).
func (a *App) memSummary(c *bot.Ctx, forSecretariat bool) string {
	lang := c.Lang
	if forSecretariat {
		lang = "en"
	}
	t := func(id string, data ...map[string]any) string { return a.loc.T(lang, id, data...) }
	d := c.ConvData
	kind := t("mem_type_person")
	if d["type"] == "org" {
		kind = t("mem_type_org")
	}
	country := t("mem_outside")
	if rc, ok := a.content.RegionCountry(d["country"]); ok {
		country = rc.Name.In(lang)
	}
	langs := map[string]string{"en": "English", "ru": "Русский", "both": "English, Русский"}[d["langs"]]
	var b strings.Builder
	b.WriteString("<b>" + t("mem_summary_title") + "</b>\n")
	b.WriteString(t("mem_f_type") + ": " + kind + "\n")
	b.WriteString(t("mem_f_country") + ": " + country + "\n")
	b.WriteString(t("mem_f_name") + ": " + esc(d["name"]) + "\n")
	b.WriteString(t("mem_f_email") + ": " + esc(d["email"]) + "\n")
	b.WriteString(t("mem_f_langs") + ": " + langs + "\n")
	b.WriteString(t("mem_f_motivation") + ":\n" + esc(d["motivation"]) + "\n")
	b.WriteString(t("mem_f_agreed"))
	return b.String()
}

// memButton handles the form's buttons (ma:...). They are valid only in the form's states;
// anything else is a stale button.
func (a *App) memButton(c *bot.Ctx) (bot.Next, error) {
	cmd, arg, _ := strings.Cut(strings.TrimPrefix(c.Data, "ma:"), ":")
	switch cmd {
	case "start":
		return a.memStart(c)
	case "cancel":
		c.Show(a.t(c, "form_cancelled"), bot.Keyboard{bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu"))})
		return bot.End(), nil
	case "back":
		for i, s := range memSteps {
			if s == c.Conv && i > 0 {
				return a.memAsk(c, memSteps[i-1])
			}
		}
		return a.stale(c)
	}
	switch {
	case cmd == "type" && c.Conv == stateMemType && (arg == "person" || arg == "org"):
		c.ConvData["type"] = arg
		return a.memNext(c, stateMemCountry)
	case cmd == "country" && c.Conv == stateMemCountry:
		if _, ok := a.content.RegionCountry(arg); !ok && arg != outsideRegion {
			return a.stale(c)
		}
		c.ConvData["country"] = arg
		if arg == outsideRegion {
			c.Answer(a.t(c, "mem_outside_note"))
		}
		return a.memNext(c, stateMemName)
	case cmd == "langs" && c.Conv == stateMemLangs && (arg == "en" || arg == "ru" || arg == "both"):
		c.ConvData["langs"] = arg
		return a.memNext(c, stateMemMotivation)
	case cmd == "agree" && c.Conv == stateMemAgree:
		c.ConvData["agreed"] = "yes"
		return a.memAsk(c, stateMemConfirm)
	case cmd == "send" && c.Conv == stateMemConfirm:
		return a.memSend(c)
	case cmd == "edit" && c.Conv == stateMemConfirm && arg == "":
		// which answer to change
		labels := map[bot.State]string{stateMemType: "mem_f_type", stateMemCountry: "mem_f_country", stateMemName: "mem_f_name",
			stateMemEmail: "mem_f_email", stateMemLangs: "mem_f_langs", stateMemMotivation: "mem_f_motivation"}
		var buttons []bot.Button
		for _, s := range memEditable {
			buttons = append(buttons, bot.Btn("✏️ "+a.t(c, labels[s]), "ma:edit:"+string(s)))
		}
		kb := bot.Grid(2, buttons...)
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "btn_back"), "ma:edit:"+string(stateMemConfirm))))
		a.showStep(c, a.t(c, "ux_mem_edit_which"), kb)
		return bot.Stay(), nil
	case cmd == "edit" && c.Conv == stateMemConfirm && arg == string(stateMemConfirm):
		return a.memAsk(c, stateMemConfirm)
	case cmd == "edit" && c.Conv == stateMemConfirm:
		for _, s := range memEditable {
			if string(s) == arg {
				c.ConvData["review"] = "1"
				return a.memAsk(c, s)
			}
		}
	}
	return a.stale(c)
}

// memText handles typed answers (name, e-mail, motivation); anything typed where a button is
// expected gets the question again.
func (a *App) memText(c *bot.Ctx) (bot.Next, error) {
	text := strings.TrimSpace(c.Text)
	c.ShowAsNew()
	if text == "" {
		// a photo, voice message or file where a typed answer is expected
		return a.memReask(c, "ux_media_in_form", c.Conv)
	}
	// Urgent words open the card (and the question stays), except in the motivation, where an
	// organisation may well write about overdose prevention.
	if c.Conv != stateMemMotivation {
		if shown, err := a.urgentCard(c); shown || err != nil {
			return bot.Stay(), err
		}
	}
	switch c.Conv {
	case stateMemName:
		if !plainText(text, 2, 200) {
			return a.memReask(c, "mem_bad_name", stateMemName)
		}
		c.ConvData["name"] = text
		return a.memNext(c, stateMemEmail)
	case stateMemEmail:
		if !validEmail(text) {
			return a.memReask(c, "mem_bad_email", stateMemEmail)
		}
		c.ConvData["email"] = text
		return a.memNext(c, stateMemLangs)
	case stateMemMotivation:
		if !plainText(text, 10, 1000) {
			return a.memReask(c, "mem_bad_motivation", stateMemMotivation)
		}
		c.ConvData["motivation"] = text
		return a.memNext(c, stateMemAgree)
	}
	return a.memReask(c, "form_use_buttons", c.Conv)
}

// memEditable are the answers the review lets the person change one by one.
var memEditable = []bot.State{stateMemType, stateMemCountry, stateMemName, stateMemEmail, stateMemLangs, stateMemMotivation}

// memNext goes to step next, or, when the person is changing one answer from the review, back
// to the review.
func (a *App) memNext(c *bot.Ctx, next bot.State) (bot.Next, error) {
	if c.ConvData["review"] == "1" {
		delete(c.ConvData, "review")
		return a.memAsk(c, stateMemConfirm)
	}
	return a.memAsk(c, next)
}

// memReask asks step s again with a notice, on the question already on screen.
func (a *App) memReask(c *bot.Ctx, notice string, s bot.State) (bot.Next, error) {
	var next bot.Next
	var err error
	a.reask(c, a.t(c, notice), func() { next, err = a.memAsk(c, s) })
	return next, err
}

// memSend delivers the application to the secretariat and gives the person a reference code.
func (a *App) memSend(c *bot.Ctx) (bot.Next, error) {
	dests := a.secretariat()
	if len(dests) == 0 {
		c.Show(a.t(c, "mem_no_secretariat"), bot.Keyboard{bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu"))})
		return bot.End(), nil
	}
	ref := "M-" + refCode(6)
	text := "📝 <b>" + a.loc.T("en", "mem_delivered_title") + "</b> " + ref + "\n" + a.memSummary(c, true) +
		"\n\n<i>" + a.loc.T("en", "mem_delivered_note") + "</i>"
	for _, chat := range dests {
		c.Send(bot.Message{ChatID: chat, Text: text, Protect: true})
	}
	if err := c.Tx.Incr("membership_applications", 1); err != nil {
		return bot.Stay(), err
	}
	c.Show(a.t(c, "mem_sent", map[string]any{"Ref": ref}), bot.Keyboard{bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu"))})
	return bot.End(), nil
}

// secretariat is where applications go: the consultants' group, else each admin's private chat.
func (a *App) secretariat() []int64 {
	if a.consChat != 0 {
		return []int64{a.consChat}
	}
	var out []int64
	for id := range a.admins {
		out = append(out, id)
	}
	return out
}

func plainText(s string, min, max int) bool {
	n := utf8.RuneCountInString(s)
	if n < min || n > max {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' {
			return false
		}
	}
	return true
}

func validEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>\n") {
		return false
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// refCode is a short random code without look-alike characters.
func refCode(n int) string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
