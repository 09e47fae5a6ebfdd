package handlers

import (
	"slices"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/locales"
)

// Onboarding: /start → language (the detected one first) → a short privacy promise → menu.
const (
	stateOnboardLang    bot.State = "onboard_lang"
	stateOnboardPrivacy bot.State = "onboard_privacy"
)

// keyAfter is the conversation payload key for the section a deep link asked for, opened once
// onboarding is done.
const keyAfter = "after"

// start handles /start and /start <section>. The overdose card opens at once, before anything
// else; other sections open directly for people who know the bot, and after onboarding for new
// people.
func (a *App) start(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	section := strings.ToLower(strings.TrimSpace(c.Args))
	if section == "overdose" {
		return a.overdose(c)
	}
	if code, ok := strings.CutPrefix(section, joinPrefix); ok {
		return a.joinStart(c, code) // an invitation to the staff (staff_join.go)
	}
	u, found, err := c.Tx.User(c.UserID)
	if err != nil {
		return bot.Stay(), err
	}
	if !found || !u.Onboarded {
		// What a first typed message asked about survives a /start sent right after it.
		after := ""
		if c.Conv == stateOnboardLang || c.Conv == stateOnboardPrivacy {
			after = c.ConvData[keyAfter]
		}
		c.ConvData = map[string]string{}
		if _, ok := a.sections[section]; ok {
			c.ConvData[keyAfter] = section
		} else if after != "" {
			c.ConvData[keyAfter] = after
		}
		a.showLanguagePicker(c)
		return bot.Goto(stateOnboardLang), nil
	}
	if err := a.ensureKeyboard(c, true); err != nil {
		return bot.Stay(), err
	}
	if h, ok := a.sections[section]; ok {
		return h(c)
	}
	a.sendMenu(c)
	return bot.End(), nil
}

// showLanguagePicker offers uk, ru and en with the detected language first.
func (a *App) showLanguagePicker(c *bot.Ctx) (bot.Next, error) {
	order := []string{c.Lang}
	for _, l := range locales.Langs {
		if l != c.Lang {
			order = append(order, l)
		}
	}
	var lines []string
	kb := bot.Keyboard{}
	for _, l := range order {
		lines = append(lines, a.loc.T(l, "lang_pick"))
		kb = append(kb, bot.Row(bot.Btn(a.loc.T(l, "lang_name"), "lang:"+l)))
	}
	lines = append(lines, "", a.loc.T("en", "ux_lang_other"))
	if a.handoffOn(c) {
		lines = append(lines, a.loc.T("en", "ux_lang_other_consultant"))
	}
	kb = append(kb, bot.Row(bot.Btn(a.t(c, "btn_overdose"), "od:opioid:n")))
	if u, found, err := c.Tx.User(c.UserID); err == nil && found && u.Onboarded {
		// opened from the menu or /language: a way back without changing anything
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu")))
	}
	a.showStep(c, strings.Join(lines, "\n"), kb)
	return bot.Stay(), nil
}

// languageCmd handles /language and the menu's language button.
func (a *App) languageCmd(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	return a.showLanguagePicker(c)
}

// pickLanguage stores the chosen language. During onboarding it goes on to the privacy promise;
// otherwise it confirms and shows the menu in the new language.
func (a *App) pickLanguage(c *bot.Ctx) (bot.Next, error) {
	lang := strings.TrimPrefix(c.Data, "lang:")
	if !locales.Supported(lang) {
		return a.stale(c)
	}
	u, err := profile(c)
	if err != nil {
		return bot.Stay(), err
	}
	u.Lang = lang
	if err := c.Tx.PutUser(c.UserID, u); err != nil {
		return bot.Stay(), err
	}
	c.Lang = lang
	a.refreshStaffMenu(c)
	c.Answer(a.t(c, "lang_saved"))
	if !u.Onboarded {
		if err := a.saveKeyboard(c, false); err != nil {
			return bot.Stay(), err
		}
		a.showPrivacyIntro(c)
		return bot.Goto(stateOnboardPrivacy), nil
	}
	c.Show(a.t(c, "lang_saved"), nil)
	if err := a.saveKeyboard(c, false); err != nil {
		return bot.Stay(), err
	}
	a.sendMenu(c)
	return bot.End(), nil // the menu, as any way to it, leaves a form in progress
}

// showPrivacyIntro is the short privacy promise every new person sees once.
func (a *App) showPrivacyIntro(c *bot.Ctx) (bot.Next, error) {
	a.showStep(c, a.t(c, "privacy_short"), bot.Keyboard{
		bot.Row(bot.Btn(a.t(c, "privacy_ok"), "onb:ok")),
		bot.Row(bot.Btn(a.t(c, "btn_overdose"), "od:opioid:n")),
	})
	return bot.Stay(), nil
}

// onboarded finishes onboarding: the always-visible overdose button, then the menu (or the
// section a deep link asked for).
func (a *App) onboarded(c *bot.Ctx) (bot.Next, error) {
	u, err := profile(c)
	if err != nil {
		return bot.Stay(), err
	}
	if !u.Onboarded {
		u.Onboarded = true
		if err := c.Tx.PutUser(c.UserID, u); err != nil {
			return bot.Stay(), err
		}
	}
	c.Answer("")
	c.EditKeyboard(c.ChatID, c.MessageID, nil)
	after := c.ConvData[keyAfter]
	if h, ok := a.sections[after]; ok && after != "" {
		c.ShowAsNew() // the section opens below the promise, not over it
		c.Data = ""   // the section's first screen, not the onboarding button's data
		n, err := h(c)
		if n == bot.Stay() {
			n = bot.End()
		}
		return n, err
	}
	a.sendMenu(c)
	return bot.End(), nil
}

// menuKeyboard is the main menu. Sections appear here as they are built.
func (a *App) menuKeyboard(c *bot.Ctx) bot.Keyboard {
	kb := bot.Keyboard{
		bot.Row(bot.Btn(a.t(c, "btn_overdose"), "od:opioid")),
		bot.Row(bot.Btn(a.t(c, "menu_treatment"), "tr:start")),
		bot.Row(bot.Btn(a.t(c, "menu_humanitarian"), "hu:start")),
		bot.Row(bot.Btn(a.t(c, "menu_nps"), "nps"), bot.Btn(a.t(c, "menu_combo"), "cmb")),
		bot.Row(bot.Btn(a.t(c, "menu_membership"), "mem"), bot.Btn(a.t(c, "menu_calls"), "calls")),
		bot.Row(bot.Btn(a.t(c, "menu_about"), "about"), bot.Btn(a.t(c, "menu_help"), "help")),
		bot.Row(bot.Btn(a.t(c, "menu_privacy"), "privacy"), bot.Btn(a.t(c, "menu_settings"), "set")),
		bot.Row(bot.Btn(a.t(c, "menu_language"), "language")),
	}
	if a.handoffOn(c) {
		kb = slices.Insert(kb, 1, bot.Row(a.askButton(c, "gen")))
	}
	return kb
}

// sendMenu sends the main menu as a new message.
func (a *App) sendMenu(c *bot.Ctx) {
	a.sendStep(c, a.t(c, "menu_title"), a.menuKeyboard(c))
}

// menuCmd handles /menu and the ☰ button: ends any flow in progress and shows the menu.
func (a *App) menuCmd(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	if c.Conv == stateOnboardLang || c.Conv == stateOnboardPrivacy {
		return a.reprompt(c)
	}
	if fresh, err := a.notOnboarded(c); fresh || err != nil {
		return a.beginOnboarding(c, err) // qa.go
	}
	a.sendMenu(c)
	return bot.End(), nil
}

// menuButton is the inline "to the menu" button: the screen turns into the menu.
func (a *App) menuButton(c *bot.Ctx) (bot.Next, error) {
	if fresh, err := a.notOnboarded(c); fresh || err != nil {
		return a.beginOnboarding(c, err) // qa.go
	}
	a.showStep(c, a.t(c, "menu_title"), a.menuKeyboard(c))
	return bot.End(), nil
}

// help lists what the bot can do.
func (a *App) help(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	c.Show(a.t(c, "help_text")+a.staffHelp(c), bot.Keyboard{bot.Row(bot.Btn(a.t(c, "btn_to_menu"), "menu"))})
	return bot.Stay(), nil
}

// staffHelp is the part of /help for a consultant or an admin: the commands of their role, as
// in their command menu. Empty for everyone else.
func (a *App) staffHelp(c *bot.Ctx) string {
	var title string
	var cmds []staffCmd
	switch c.Role {
	case bot.RoleConsultant:
		title, cmds = "qastaff_help_consultant", a.consultantCmds
	case bot.RoleAdmin:
		title, cmds = "qastaff_help_admin", a.adminCmds
	default:
		return ""
	}
	var b strings.Builder
	b.WriteString("\n\n<b>" + a.t(c, title) + "</b>")
	for _, sc := range cmds {
		b.WriteString("\n/" + sc.Name + " — " + lowerFirst(a.t(c, sc.Key)))
	}
	return b.String()
}

// cancel stops any flow in progress, forgetting its answers.
func (a *App) cancel(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	if c.Conv == stateOnboardLang || c.Conv == stateOnboardPrivacy {
		return a.reprompt(c)
	}
	if c.Conv == "" {
		return a.cancelNothing(c) // qa.go
	}
	c.Reply(a.t(c, "cancelled"), nil)
	a.sendMenu(c)
	return bot.End(), nil
}

// notText answers text sent where the conversation waits for a button: the card for urgent
// words, else the step again.
func (a *App) notText(c *bot.Ctx) (bot.Next, error) {
	if shown, err := a.urgentCard(c); shown || err != nil {
		return bot.Stay(), err
	}
	return a.reprompt(c)
}

// reprompt shows the current step of the conversation again, or the menu if there is none.
func (a *App) reprompt(c *bot.Ctx) (bot.Next, error) {
	if h, ok := a.reprompts[c.Conv]; ok {
		c.ShowAsNew() // below the stale message, which may be far up the chat
		return h(c)
	}
	if fresh, err := a.notOnboarded(c); fresh || err != nil {
		c.ShowAsNew()
		return a.beginOnboarding(c, err) // qa.go
	}
	a.sendMenu(c)
	return bot.End(), nil
}

// fallback answers messages nothing else matched.
func (a *App) fallback(c *bot.Ctx) (bot.Next, error) {
	if c.Command == "" && c.Kind == bot.KindMessage {
		// A message in an open case (the person's, or a consultant's) is relayed.
		if done, err := a.caseMessage(c); done || err != nil {
			return bot.Stay(), err
		}
	}
	if done, err := a.consultantNoCase(c); done || err != nil { // qastaff.go
		return bot.Stay(), err
	}
	if !c.IsPrivate() {
		if (c.ChatType == "group" || c.ChatType == "supergroup") && c.ChatID != a.consChat {
			a.leave(c)
		}
		return bot.Stay(), nil
	}
	if c.Text == "" {
		// A photo, sticker, voice message or file: the bot reads none of them.
		return a.nonText(c)
	}
	if c.Command != "" || strings.HasPrefix(c.Text, "/") {
		c.Reply(a.t(c, "unknown_command"), nil)
		return bot.Stay(), nil
	}
	if c.Conv == "" {
		return a.freeText(c)
	}
	if shown, err := a.urgentCard(c); shown || err != nil {
		return bot.Stay(), err
	}
	c.Reply(a.t(c, "fallback_text"), nil)
	return a.reprompt(c)
}

// stale answers an out-of-date or unknown button and shows where the person really is.
func (a *App) stale(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		c.Answer(a.t(c, "stale_button"))
		return bot.Stay(), nil
	}
	// The current step is on screen already: a toast, and the old message loses its buttons.
	if live := a.liveScreen(c); live != 0 && live != c.MessageID && c.MessageID != 0 {
		c.Answer(a.t(c, "ux_stale_here"))
		c.EditKeyboard(c.ChatID, c.MessageID, nil)
		return bot.Stay(), nil
	}
	c.Answer(a.t(c, "stale_button"))
	if live := a.liveScreen(c); live != 0 && live == c.MessageID {
		// pressed on the live screen itself: the current step again, in place
		if h, ok := a.reprompts[c.Conv]; ok {
			return h(c)
		}
		if c.Conv == "" {
			a.showStep(c, a.t(c, "menu_title"), a.menuKeyboard(c))
			return bot.End(), nil
		}
	}
	return a.reprompt(c)
}

// other handles updates that are neither messages nor buttons. The bot stays only in the
// consultants' group: added anywhere else, it leaves. Posts from channels that are not
// configured are ignored.
func (a *App) other(c *bot.Ctx) (bot.Next, error) {
	if c.Update.EditedMessage != nil {
		return a.relayEdit(c) // consult.go
	}
	if c.Kind == bot.KindMembership {
		m := c.Update.MyChatMember
		joined := m.NewChatMember.Status == "member" || m.NewChatMember.Status == "administrator"
		if joined && c.ChatType != "private" && c.ChatID != a.consChat && !a.channels[c.ChatID] {
			a.leave(c)
		}
	}
	return bot.Stay(), nil
}

// leave makes the bot leave the update's chat.
func (a *App) leave(c *bot.Ctx) {
	c.Call(c.ChatID, "leaveChat", map[string]string{"chat_id": strconv.FormatInt(c.ChatID, 10)})
	if err := c.Tx.Incr("groups_left", 1); err != nil {
		a.log.Warn("count", "err", err)
	}
}

func fromOf(c *bot.Ctx) *tgbotapi.User {
	switch {
	case c.Update.Message != nil:
		return c.Update.Message.From
	case c.Update.CallbackQuery != nil:
		return c.Update.CallbackQuery.From
	}
	return nil
}
