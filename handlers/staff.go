package handlers

import (
	"encoding/json"
	"strconv"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/locales"
	"github.com/ehra/peerline/store"
)

// Staff: who may do more than a person. Admins are the ids in PEERLINE_ADMINS plus those who
// joined through an admin invitation; consultants joined through a consultant invitation
// (staff_join.go). The role is decided from the sender's numeric id on every update (the role
// middleware in app.go); every staff command and button checks it again and answers anyone
// else exactly as an unknown command or button is answered (deny), changing nothing.
//
// Staff private chats get their own command menu (setMyCommands with a chat scope), set when
// they join and at start-up, removed when they are removed. Other flows add their commands to
// the lists in staffHooks.

// staffCmd is a command in a staff menu: its name and the locale key of its description.
type staffCmd struct{ Name, Key string }

// staffHooks connect the staff layer with the flows built on it. Defaults do nothing; the cases
// flows (consult_*.go) and the admin flows (admin_*.go) replace or extend them in their routes
// functions (which run after New).
type staffHooks struct {
	// openCasesOf counts a consultant's open cases, shown in /consultants. Default: 0.
	// The cases flows set it: a.openCasesOf = func(tx *store.Tx, userID int64) int { ... }.
	openCasesOf func(tx *store.Tx, userID int64) int
	// onConsultantRemoved runs in the removing admin's update, after the consultant's record was
	// marked Removed and stored: the cases flows return their open cases to the queue there.
	onConsultantRemoved func(c *bot.Ctx, s store.Staff) error
	// onShiftChanged runs after a consultant's /on or /off was stored (s.OnShift is the new
	// value): the cases flows may offer the waiting queue there. Default: nothing.
	onShiftChanged func(c *bot.Ctx, s store.Staff) error
	// consultantCmds and adminCmds are the commands added to the person's commands in a
	// consultant's or an admin's private chat. Append yours in your routes function:
	// a.adminCmds = append(a.adminCmds, staffCmd{"post", "admin_cmd_post"}).
	consultantCmds, adminCmds []staffCmd
	// startHooks run once at start-up, after the staff menus are set (OnStart).
	startHooks []func(tx *store.Tx, out *bot.Out, self bot.BotInfo) error
}

func defaultStaffHooks() staffHooks {
	return staffHooks{
		openCasesOf:         func(*store.Tx, int64) int { return 0 },
		onConsultantRemoved: func(*bot.Ctx, store.Staff) error { return nil },
		onShiftChanged:      func(*bot.Ctx, store.Staff) error { return nil },
		consultantCmds: []staffCmd{
			{"on", "staff_cmd_on"}, {"off", "staff_cmd_off"}, {"pseudonym", "staff_cmd_pseudonym"},
		},
		adminCmds: []staffCmd{
			{"invite", "staff_cmd_invite"}, {"consultants", "staff_cmd_consultants"},
			{"admins", "staff_cmd_admins"}, {"pseudonym", "staff_cmd_pseudonym"},
		},
	}
}

// staffRoutes registers the staff commands, buttons and join steps.
func (a *App) staffRoutes(r *bot.Router) {
	// staff_join.go: invitations and joining
	r.Command("invite", a.inviteCmd)
	r.Callback("stinv:", a.inviteButton)
	r.State(stateJoinName, a.joinName)
	r.Callback("stl:", a.joinLangButton, stateJoinLangs)
	r.State(stateJoinLangs, a.notText)
	r.Callback("stk:", a.joinConductButton, stateJoinConduct)
	r.State(stateJoinConduct, a.notText)
	a.reprompts[stateJoinName] = a.askPseudonym
	a.reprompts[stateJoinLangs] = a.showJoinLangs
	a.reprompts[stateJoinConduct] = a.showConduct

	// staff_manage.go: shifts, lists, removal, pseudonym
	r.Command("on", a.shiftOn)
	r.Command("off", a.shiftOff)
	r.Command("pseudonym", a.pseudonymCmd)
	r.State(stateStaffRename, a.renameText)
	a.reprompts[stateStaffRename] = a.askRename
	r.Command("consultants", a.consultantsCmd)
	r.Callback("stc:", a.consultantsButton)
	r.Command("admins", a.adminsCmd)
	r.Callback("sta:", a.adminsButton)
}

// roleOf is userID's role now: admin from configuration, else from their staff record.
func (a *App) roleOf(tx *store.Tx, userID int64) (bot.Role, error) {
	if userID == 0 {
		return bot.RoleUser, nil
	}
	if a.admins[userID] {
		return bot.RoleAdmin, nil
	}
	s, found, err := tx.Staff(userID)
	if err != nil || !found || s.Removed {
		return bot.RoleUser, err
	}
	switch s.Role {
	case store.RoleAdmin:
		return bot.RoleAdmin, nil
	case store.RoleConsultant:
		return bot.RoleConsultant, nil
	}
	return bot.RoleUser, nil
}

// isAdmin reports whether the sender is an admin (from configuration or invited, not removed).
func (a *App) isAdmin(c *bot.Ctx) bool { return c.Role == bot.RoleAdmin }

// consultant returns the sender's consultant record if they are an active consultant.
func (a *App) consultant(c *bot.Ctx) (store.Staff, bool) {
	if c.UserID == 0 {
		return store.Staff{}, false
	}
	s, found, err := c.Tx.Staff(c.UserID)
	if err != nil || !found || s.Removed || s.Role != store.RoleConsultant {
		return store.Staff{}, false
	}
	return s, true
}

// pseudonymOf is a staff member's pseudonym ("" if they have none, e.g. an admin from
// configuration who has not chosen one).
func (a *App) pseudonymOf(tx *store.Tx, userID int64) string {
	s, found, err := tx.Staff(userID)
	if err != nil || !found {
		return ""
	}
	return s.Pseudonym
}

// deny answers a staff command or button from someone without the right exactly as an unknown
// command or an unknown button is answered, and changes nothing.
func (a *App) deny(c *bot.Ctx) (bot.Next, error) {
	if c.IsCallback() {
		return a.stale(c)
	}
	return a.fallback(c)
}

// staffMenu is the command menu of a staff member's private chat in lang: the person's
// commands, then the role's.
func (a *App) staffMenu(role bot.Role, lang string) []bot.Command {
	cmds := append([]bot.Command(nil), a.Commands()[lang]...)
	extra := a.consultantCmds
	if role == bot.RoleAdmin {
		extra = a.adminCmds
	}
	seen := map[string]bool{}
	for _, c := range cmds {
		seen[c.Name] = true
	}
	for _, sc := range extra {
		if !seen[sc.Name] {
			seen[sc.Name] = true
			cmds = append(cmds, bot.Command{Name: sc.Name, Description: a.loc.T(lang, sc.Key)})
		}
	}
	return cmds
}

func chatScope(chatID int64) string {
	return `{"type":"chat","chat_id":` + strconv.FormatInt(chatID, 10) + `}`
}

// setStaffMenu gives userID's private chat the command menu of role in lang (a person's menu
// for RoleUser: the chat's own menu is deleted).
func (a *App) setStaffMenu(out *bot.Out, userID int64, role bot.Role, lang string) {
	if role == bot.RoleUser {
		a.clearStaffMenu(out, userID)
		return
	}
	type cmd struct {
		Command     string `json:"command"`
		Description string `json:"description"`
	}
	var list []cmd
	for _, c := range a.staffMenu(role, lang) {
		list = append(list, cmd{c.Name, c.Description})
	}
	j, _ := json.Marshal(list)
	out.Call(userID, "setMyCommands", map[string]string{"commands": string(j), "scope": chatScope(userID)})
}

// clearStaffMenu removes userID's chat menu: the chat shows the person's commands again.
func (a *App) clearStaffMenu(out *bot.Out, userID int64) {
	out.Call(userID, "deleteMyCommands", map[string]string{"scope": chatScope(userID)})
}

// refreshStaffMenu sets the sender's staff menu in their current language (after /language).
func (a *App) refreshStaffMenu(c *bot.Ctx) {
	if c.Role != bot.RoleUser && c.IsPrivate() {
		a.setStaffMenu(c.Out, c.UserID, c.Role, c.Lang)
	}
}

// langOfUser is a staff member's language for messages sent to them from someone else's update.
func (a *App) langOfUser(tx *store.Tx, userID int64) string {
	if u, found, err := tx.User(userID); err == nil && found && u.Lang != "" {
		return u.Lang
	}
	return locales.Default
}

// OnStart runs once at start-up: every admin and consultant's chat gets its command menu (the
// admins from configuration too), in their language; then the other flows' start hooks.
func (a *App) OnStart(tx *store.Tx, out *bot.Out, self bot.BotInfo) error {
	for id := range a.admins {
		a.setStaffMenu(out, id, bot.RoleAdmin, a.langOfUser(tx, id))
	}
	all, err := tx.ListStaff()
	if err != nil {
		return err
	}
	for _, s := range all {
		if a.admins[s.UserID] || s.Removed {
			continue
		}
		role, err := a.roleOf(tx, s.UserID)
		if err != nil {
			return err
		}
		a.setStaffMenu(out, s.UserID, role, a.langOfUser(tx, s.UserID))
	}
	for _, h := range a.startHooks {
		if err := h(tx, out, self); err != nil {
			return err
		}
	}
	return nil
}

// staffLeaving runs before a staff member's /forget erases their staff record: a consultant's
// open cases are handed back (onConsultantRemoved). It reports whether the chat's staff menu
// must go afterwards (not for an admin from configuration, who stays an admin).
// Audit: a staff member erasing themselves is a "remove".
func (a *App) staffLeaving(c *bot.Ctx) (bool, error) {
	if !c.IsPrivate() || c.Role == bot.RoleUser || a.admins[c.UserID] {
		return false, nil
	}
	if s, ok := a.consultant(c); ok {
		if err := a.onConsultantRemoved(c, s); err != nil {
			return false, err
		}
	}
	return true, nil
}
