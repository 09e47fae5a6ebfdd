package handlers

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/locales"
	"github.com/ehra/peerline/store"
)

// Invitations and joining. An admin's /invite consultant (or admin) answers with a one-time deep
// link t.me/<bot>?start=join_<code>. Whoever opens it first holds it (start.go hands join_...
// to joinStart): a consultant picks a pseudonym (typed), the languages they consult in (buttons)
// and accepts the code of conduct; an admin picks a pseudonym. The invitation is used up only
// when they finish; until it expires (48 h) they can open it again to start over.

const (
	stateJoinName    bot.State = "join_name"
	stateJoinLangs   bot.State = "join_langs"
	stateJoinConduct bot.State = "join_conduct"
)

// Conversation payload keys of the join steps.
const (
	keyJoinCode  = "code"
	keyJoinRole  = "role"
	keyJoinName  = "name"
	keyJoinLangs = "langs"
)

// joinPrefix starts a deep link's parameter that carries an invitation code.
const joinPrefix = "join_"

// inviteCmd handles /invite, /invite consultant and /invite admin (admins only).
func (a *App) inviteCmd(c *bot.Ctx) (bot.Next, error) {
	if !a.isAdmin(c) || !c.IsPrivate() {
		return a.deny(c)
	}
	switch strings.ToLower(strings.TrimSpace(c.Args)) {
	case "consultant", "consultants", "c":
		return a.makeInvite(c, store.RoleConsultant)
	case "admin", "admins", "a":
		return a.makeInvite(c, store.RoleAdmin)
	}
	c.Show(a.t(c, "staff_invite_pick"), bot.Keyboard{
		bot.Row(bot.Btn(a.t(c, "staff_btn_invite_consultant"), "stinv:c")),
		bot.Row(bot.Btn(a.t(c, "staff_btn_invite_admin"), "stinv:a")),
	})
	return bot.Stay(), nil
}

// inviteButton handles the invitation picker's buttons (admins only).
func (a *App) inviteButton(c *bot.Ctx) (bot.Next, error) {
	if !a.isAdmin(c) || !c.IsPrivate() {
		return a.deny(c)
	}
	switch c.Data {
	case "stinv:c":
		return a.makeInvite(c, store.RoleConsultant)
	case "stinv:a":
		return a.makeInvite(c, store.RoleAdmin)
	}
	return a.stale(c)
}

// makeInvite creates an invitation for role and shows its link to the admin.
// Audit: "invite" (role, inviting admin).
func (a *App) makeInvite(c *bot.Ctx, role string) (bot.Next, error) {
	code, err := c.Tx.CreateInvite(role, c.UserID, c.Now)
	if err != nil {
		return bot.Stay(), err
	}
	if err := c.Tx.Incr("staff_invites_"+role, 1); err != nil {
		return bot.Stay(), err
	}
	if err := a.audit(c, "staff.invite", role); err != nil {
		return bot.Stay(), err
	}
	link := "https://t.me/" + c.Bot.Username + "?start=" + joinPrefix + code
	c.Answer("")
	c.Show(a.t(c, "staff_invite_made_"+role, map[string]any{"Link": link}), nil)
	return bot.Stay(), nil
}

// joinStart handles /start join_<code>: checks the invitation, holds it for the sender and asks
// for a pseudonym. A bad link is explained, then /start goes on as without it.
func (a *App) joinStart(c *bot.Ctx, code string) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	inv, found, err := c.Tx.Invite(code)
	if err != nil {
		return bot.Stay(), err
	}
	// Someone who already has the role (or more) is told so; the link stays usable for the
	// person it was meant for.
	if found && c.Role == bot.RoleAdmin {
		c.Reply(a.t(c, "staff_join_already_admin"), nil)
		return bot.End(), nil
	}
	if found && c.Role == bot.RoleConsultant && inv.Role == store.RoleConsultant {
		c.Reply(a.t(c, "staff_join_already_consultant"), nil)
		return bot.End(), nil
	}
	inv, err = c.Tx.ClaimInvite(code, c.UserID, c.Now)
	if err != nil {
		key := "staff_join_invalid"
		switch {
		case errors.Is(err, store.ErrInviteExpired):
			key = "staff_join_expired"
		case errors.Is(err, store.ErrInviteUsed), errors.Is(err, store.ErrInviteUnknown):
		default:
			return bot.Stay(), err
		}
		c.Reply(a.t(c, key), nil)
		c.Args = ""
		return a.start(c)
	}
	c.ConvData = map[string]string{keyJoinCode: store.NormalizeInviteCode(code), keyJoinRole: inv.Role}
	c.Reply(a.t(c, "staff_join_welcome_"+inv.Role), nil)
	return a.askPseudonym(c)
}

// askPseudonym asks for the pseudonym (join step 1).
func (a *App) askPseudonym(c *bot.Ctx) (bot.Next, error) {
	c.Reply(a.t(c, "staff_name_ask"), nil)
	return bot.Goto(stateJoinName), nil
}

// joinName takes the typed pseudonym: admins are done, consultants go on to their languages.
func (a *App) joinName(c *bot.Ctx) (bot.Next, error) {
	if c.ConvData[keyJoinCode] == "" {
		c.Reply(a.t(c, "staff_join_invalid"), nil)
		return bot.End(), nil
	}
	name, problem, err := a.checkPseudonym(c, c.Text)
	if err != nil {
		return bot.Stay(), err
	}
	if problem != "" {
		c.Reply(a.t(c, problem), nil)
		return bot.Stay(), nil
	}
	c.ConvData[keyJoinName] = name
	if c.ConvData[keyJoinRole] == store.RoleAdmin {
		return a.joinFinish(c)
	}
	c.ShowAsNew()
	return a.showJoinLangs(c)
}

// showJoinLangs is the language multi-select (join step 2).
func (a *App) showJoinLangs(c *bot.Ctx) (bot.Next, error) {
	chosen := splitLangs(c.ConvData[keyJoinLangs])
	var buttons []bot.Button
	for _, l := range locales.Langs {
		mark := "▫️ "
		if slices.Contains(chosen, l) {
			mark = "✅ "
		}
		buttons = append(buttons, bot.Btn(mark+a.loc.T(l, "lang_name"), "stl:"+l))
	}
	kb := bot.Grid(3, buttons...)
	kb = append(kb, bot.Row(bot.Btn(a.t(c, "staff_btn_done"), "stl:done")))
	c.Show(a.t(c, "staff_langs_ask"), kb)
	return bot.Goto(stateJoinLangs), nil
}

// joinLangButton toggles a language, or goes on to the code of conduct.
func (a *App) joinLangButton(c *bot.Ctx) (bot.Next, error) {
	chosen := splitLangs(c.ConvData[keyJoinLangs])
	pick := strings.TrimPrefix(c.Data, "stl:")
	switch {
	case pick == "done":
		if len(chosen) == 0 {
			c.Alert(a.t(c, "staff_langs_none"))
			return bot.Stay(), nil
		}
		c.Answer("")
		return a.showConduct(c)
	case locales.Supported(pick):
		if i := slices.Index(chosen, pick); i >= 0 {
			chosen = slices.Delete(chosen, i, i+1)
		} else {
			chosen = append(chosen, pick)
		}
	default:
		return a.stale(c)
	}
	// Keep the languages in the usual order.
	var ordered []string
	for _, l := range locales.Langs {
		if slices.Contains(chosen, l) {
			ordered = append(ordered, l)
		}
	}
	c.ConvData[keyJoinLangs] = strings.Join(ordered, ",")
	c.Answer("")
	return a.showJoinLangs(c)
}

func splitLangs(s string) []string {
	var out []string
	for _, l := range strings.Split(s, ",") {
		if locales.Supported(l) {
			out = append(out, l)
		}
	}
	return out
}

// showConduct is the code of conduct to accept (join step 3).
func (a *App) showConduct(c *bot.Ctx) (bot.Next, error) {
	c.Show(a.t(c, "staff_conduct"), bot.Keyboard{
		bot.Row(bot.Btn(a.t(c, "staff_btn_accept"), "stk:yes")),
		bot.Row(bot.Btn(a.t(c, "staff_btn_not_now"), "stk:no")),
	})
	return bot.Goto(stateJoinConduct), nil
}

// joinConductButton: accepting finishes joining; "not now" keeps nothing.
func (a *App) joinConductButton(c *bot.Ctx) (bot.Next, error) {
	switch c.Data {
	case "stk:yes":
		c.Answer("")
		c.EditKeyboard(c.ChatID, c.MessageID, nil)
		return a.joinFinish(c)
	case "stk:no":
		c.Answer("")
		c.Show(a.t(c, "staff_join_declined"), nil)
		return bot.End(), nil
	}
	return a.stale(c)
}

// joinFinish uses up the invitation and stores the staff record; the new member gets their
// command menu and the inviting admin is told. Audit: "join" (role, pseudonym, invited by); a
// consultant who joins as an admin is also a "role change".
func (a *App) joinFinish(c *bot.Ctx) (bot.Next, error) {
	code, name := c.ConvData[keyJoinCode], c.ConvData[keyJoinName]
	// The pseudonym may have been taken since it was typed.
	if _, problem, err := a.checkPseudonym(c, name); err != nil {
		return bot.Stay(), err
	} else if problem != "" {
		c.Reply(a.t(c, problem), nil)
		return a.askPseudonym(c)
	}
	inv, err := c.Tx.UseInvite(code, c.UserID, c.Now)
	if err != nil {
		key := "staff_join_invalid"
		switch {
		case errors.Is(err, store.ErrInviteExpired):
			key = "staff_join_expired"
		case errors.Is(err, store.ErrInviteUsed), errors.Is(err, store.ErrInviteUnknown):
		default:
			return bot.Stay(), err
		}
		c.Reply(a.t(c, key), nil)
		return bot.End(), nil
	}
	s, found, err := c.Tx.Staff(c.UserID)
	if err != nil {
		return bot.Stay(), err
	}
	if !found || s.Removed {
		s = store.Staff{UserID: c.UserID, Joined: c.Now}
	}
	if s.Role == store.RoleConsultant && inv.Role != store.RoleConsultant {
		// A consultant who becomes an admin stops consulting: their cases are handed back.
		if err := a.onConsultantRemoved(c, s); err != nil {
			return bot.Stay(), err
		}
	}
	s.Role, s.Pseudonym, s.Removed, s.OnShift = inv.Role, name, false, false
	s.Langs = nil
	if inv.Role == store.RoleConsultant {
		s.Langs = splitLangs(c.ConvData[keyJoinLangs])
	}
	if err := c.Tx.PutStaff(s); err != nil {
		return bot.Stay(), err
	}
	if err := a.audit(c, "staff.join", inv.Role+" «"+name+"»"); err != nil {
		return bot.Stay(), err
	}
	// Remember the language the menus and notices are in.
	u, err := profile(c)
	if err != nil {
		return bot.Stay(), err
	}
	if u.Lang == "" {
		u.Lang = c.Lang
	}
	if err := c.Tx.PutUser(c.UserID, u); err != nil {
		return bot.Stay(), err
	}
	if err := c.Tx.Incr("staff_joined_"+inv.Role, 1); err != nil {
		return bot.Stay(), err
	}
	role, err := a.roleOf(c.Tx, c.UserID)
	if err != nil {
		return bot.Stay(), err
	}
	c.Role = role
	a.setStaffMenu(c.Out, c.UserID, role, c.Lang)
	c.ShowAsNew()
	c.Reply(a.t(c, "staff_joined_"+inv.Role, map[string]any{"Name": esc(name)})+"\n\n"+a.t(c, "qastaff_joined_next_"+inv.Role), nil)
	if inv.By != 0 && inv.By != c.UserID {
		lang := a.langOfUser(c.Tx, inv.By)
		c.Send(bot.Message{ChatID: inv.By, Text: a.loc.T(lang, "staff_joined_notice_"+inv.Role, map[string]any{"Name": esc(name)})})
	}
	a.log.Info("staff joined", "role", inv.Role)
	return bot.End(), nil
}

// Pseudonym rules: 2 to 24 letters, digits, spaces, "-", "_" or "'", at least one letter; no
// "@", no links; unique among staff (without regard to case).
const (
	pseudonymMin = 2
	pseudonymMax = 24
)

var linkLike = regexp.MustCompile(`(?i)(https?:|://|www\.|t\.me|telegram\.me|\.[a-z]{2,}(/|$|\s))`)

// validPseudonym cleans a typed pseudonym and returns the locale key of its problem ("" if none).
func validPseudonym(text string) (name, problem string) {
	name = strings.Join(strings.Fields(text), " ")
	n := utf8.RuneCountInString(name)
	switch {
	case strings.Contains(name, "@"):
		return name, "staff_name_at"
	case linkLike.MatchString(name) || strings.Contains(name, "/"):
		return name, "staff_name_link"
	case n < pseudonymMin:
		return name, "staff_name_short"
	case n > pseudonymMax:
		return name, "staff_name_long"
	}
	letters := 0
	for _, r := range name {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsDigit(r), r == ' ', r == '-', r == '_', r == '\'', r == '’':
		default:
			return name, "staff_name_chars"
		}
	}
	if letters == 0 {
		return name, "staff_name_chars"
	}
	return name, ""
}

// checkPseudonym validates text and checks that no other staff member has the name.
func (a *App) checkPseudonym(c *bot.Ctx, text string) (name, problem string, err error) {
	name, problem = validPseudonym(text)
	if problem != "" {
		return name, problem, nil
	}
	other, found, err := c.Tx.StaffByPseudonym(name)
	if err != nil {
		return name, "", err
	}
	if found && other.UserID != c.UserID {
		return name, "staff_name_taken", nil
	}
	return name, "", nil
}
