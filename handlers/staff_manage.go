package handlers

import (
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/store"
)

// Staff management: shifts (/on, /off), a staff member's pseudonym (/pseudonym), and the admins'
// lists of consultants and admins with removal. Every handler checks the sender's role first.

const stateStaffRename bot.State = "staff_rename"

// shiftOn handles /on: the consultant starts a shift.
func (a *App) shiftOn(c *bot.Ctx) (bot.Next, error) { return a.setShift(c, true) }

// shiftOff handles /off: the consultant ends their shift.
func (a *App) shiftOff(c *bot.Ctx) (bot.Next, error) { return a.setShift(c, false) }

func (a *App) setShift(c *bot.Ctx, on bool) (bot.Next, error) {
	s, ok := a.consultant(c)
	if !ok || !c.IsPrivate() {
		return a.deny(c)
	}
	s.OnShift = on
	if err := c.Tx.PutStaff(s); err != nil {
		return bot.Stay(), err
	}
	data := map[string]any{"Name": esc(s.Pseudonym)}
	if !on {
		c.Reply(a.t(c, "staff_off", data), nil)
	} else {
		text := a.t(c, "staff_on", data)
		if !a.hours.Always() {
			text += "\n" + a.t(c, "staff_on_hours", map[string]any{"Hours": esc(a.hours.String()), "Zone": esc(a.hours.Zone())})
		}
		c.Reply(text, nil)
	}
	return bot.Stay(), a.onShiftChanged(c, s)
}

// pseudonymCmd handles /pseudonym: a consultant or an admin (one from configuration too)
// chooses a new pseudonym.
func (a *App) pseudonymCmd(c *bot.Ctx) (bot.Next, error) {
	if c.Role == bot.RoleUser || !c.IsPrivate() {
		return a.deny(c)
	}
	return a.askRename(c)
}

func (a *App) askRename(c *bot.Ctx) (bot.Next, error) {
	cur := a.pseudonymOf(c.Tx, c.UserID)
	if cur == "" {
		cur = a.t(c, "staff_no_pseudonym")
	}
	c.Reply(a.t(c, "staff_rename_ask", map[string]any{"Name": esc(cur)}), nil)
	return bot.Goto(stateStaffRename), nil
}

// renameText stores the typed pseudonym.
func (a *App) renameText(c *bot.Ctx) (bot.Next, error) {
	if c.Role == bot.RoleUser {
		return a.deny(c)
	}
	name, problem, err := a.checkPseudonym(c, c.Text)
	if err != nil {
		return bot.Stay(), err
	}
	if problem != "" {
		c.Reply(a.t(c, problem), nil)
		return bot.Stay(), nil
	}
	s, found, err := c.Tx.Staff(c.UserID)
	if err != nil {
		return bot.Stay(), err
	}
	if !found || s.Removed {
		// An admin from configuration gets a record for their pseudonym.
		s = store.Staff{UserID: c.UserID, Role: store.RoleAdmin, Joined: c.Now}
	}
	s.Pseudonym = name
	if err := c.Tx.PutStaff(s); err != nil {
		return bot.Stay(), err
	}
	c.Reply(a.t(c, "staff_rename_saved", map[string]any{"Name": esc(name)}), nil)
	return bot.End(), nil
}

// consultantsCmd handles /consultants (admins): every consultant with their languages, shift
// and open cases, and a Remove button each.
func (a *App) consultantsCmd(c *bot.Ctx) (bot.Next, error) {
	if !a.isAdmin(c) || !c.IsPrivate() {
		return a.deny(c)
	}
	return a.showConsultants(c)
}

func (a *App) showConsultants(c *bot.Ctx) (bot.Next, error) {
	all, err := c.Tx.ListStaff()
	if err != nil {
		return bot.Stay(), err
	}
	var lines []string
	kb := bot.Keyboard{}
	for _, s := range all {
		if s.Removed || s.Role != store.RoleConsultant {
			continue
		}
		shift := "⚪"
		if s.OnShift {
			shift = "🟢"
		}
		lines = append(lines, a.t(c, "staff_consultant_line", map[string]any{
			"Shift": shift, "Name": esc(s.Pseudonym), "Langs": strings.Join(s.Langs, ", "),
			"Cases": a.openCasesOf(c.Tx, s.UserID),
		}))
		kb = append(kb, bot.Row(bot.Btn(a.t(c, "staff_btn_remove", map[string]any{"Name": s.Pseudonym}), "stc:rm:"+c.Tx.StaffRef(s.UserID))))
	}
	if len(lines) == 0 {
		c.Show(a.t(c, "staff_consultants_none"), bot.Keyboard{bot.Row(bot.Btn(a.t(c, "staff_btn_invite_consultant"), "stinv:c"))})
		return bot.Stay(), nil
	}
	text := a.t(c, "staff_consultants_title", map[string]any{"N": len(lines)}) + "\n\n" + strings.Join(lines, "\n")
	c.Show(text, kb)
	return bot.Stay(), nil
}

// consultantsButton handles stc:list, stc:rm:<ref> (confirm) and stc:rmy:<ref> (remove).
func (a *App) consultantsButton(c *bot.Ctx) (bot.Next, error) {
	if !a.isAdmin(c) || !c.IsPrivate() {
		return a.deny(c)
	}
	verb, ref, _ := strings.Cut(strings.TrimPrefix(c.Data, "stc:"), ":")
	if verb == "list" {
		c.Answer("")
		return a.showConsultants(c)
	}
	s, found, err := c.Tx.StaffByRef(ref)
	if err != nil {
		return bot.Stay(), err
	}
	if !found || s.Removed || s.Role != store.RoleConsultant {
		c.Answer(a.t(c, "staff_already_removed"))
		return a.showConsultants(c)
	}
	switch verb {
	case "rm":
		c.Answer("")
		c.Show(a.t(c, "staff_remove_consultant_ask", map[string]any{"Name": esc(s.Pseudonym)}), bot.Keyboard{
			bot.Row(bot.Btn(a.t(c, "staff_btn_yes_remove"), "stc:rmy:"+ref)),
			bot.Row(bot.Btn(a.t(c, "staff_btn_cancel"), "stc:list")),
		})
		return bot.Stay(), nil
	case "rmy":
		if err := a.removeStaff(c, s); err != nil {
			return bot.Stay(), err
		}
		if err := a.onConsultantRemoved(c, s); err != nil {
			return bot.Stay(), err
		}
		c.Answer(a.t(c, "staff_removed", map[string]any{"Name": s.Pseudonym}))
		return a.showConsultants(c)
	}
	return a.stale(c)
}

// removeStaff marks s removed, takes their staff menu away and tells them.
// Audit: "remove" (role, pseudonym, by whom).
func (a *App) removeStaff(c *bot.Ctx, s store.Staff) error {
	s.Removed, s.OnShift = true, false
	if err := c.Tx.PutStaff(s); err != nil {
		return err
	}
	if err := c.Tx.Incr("staff_removed_"+s.Role, 1); err != nil {
		return err
	}
	if err := a.audit(c, "staff.remove", s.Role+" «"+s.Pseudonym+"»"); err != nil {
		return err
	}
	role, err := a.roleOf(c.Tx, s.UserID)
	if err != nil {
		return err
	}
	lang := a.langOfUser(c.Tx, s.UserID)
	a.setStaffMenu(c.Out, s.UserID, role, lang) // deletes the chat's menu (a person again)
	c.Send(bot.Message{ChatID: s.UserID, Text: a.loc.T(lang, "staff_removed_you_"+s.Role)})
	if s.UserID == c.UserID {
		c.Role = role
	}
	a.log.Info("staff removed", "role", s.Role)
	return nil
}

// adminCount is how many admins there are: from configuration, plus invited ones not removed.
func (a *App) adminCount(all []store.Staff) int {
	n := len(a.admins)
	for _, s := range all {
		if s.Role == store.RoleAdmin && !s.Removed && !a.admins[s.UserID] {
			n++
		}
	}
	return n
}

// adminRemovable says why admin s cannot be removed ("" if they can): never one from
// configuration, never the last one.
func (a *App) adminRemovable(s store.Staff, all []store.Staff) string {
	switch {
	case a.admins[s.UserID]:
		return "staff_admin_config_refused"
	case a.adminCount(all) <= 1:
		return "staff_admin_last_refused"
	}
	return ""
}

// adminsCmd handles /admins (admins): every admin, with Remove for those who may be removed.
func (a *App) adminsCmd(c *bot.Ctx) (bot.Next, error) {
	if !a.isAdmin(c) || !c.IsPrivate() {
		return a.deny(c)
	}
	return a.showAdmins(c)
}

func (a *App) showAdmins(c *bot.Ctx) (bot.Next, error) {
	all, err := c.Tx.ListStaff()
	if err != nil {
		return bot.Stay(), err
	}
	var lines []string
	kb := bot.Keyboard{}
	// Admins from configuration first, by pseudonym (their ids are never shown).
	var config []string
	for id := range a.admins {
		name := a.pseudonymOf(c.Tx, id)
		if name == "" {
			name = a.t(c, "staff_no_pseudonym")
		}
		config = append(config, a.t(c, "staff_admin_line_config", map[string]any{"Name": esc(name)}))
	}
	collateStrings(c.Lang, config)
	lines = append(lines, config...)
	for _, s := range all {
		if s.Role != store.RoleAdmin || s.Removed || a.admins[s.UserID] {
			continue
		}
		lines = append(lines, a.t(c, "staff_admin_line", map[string]any{"Name": esc(s.Pseudonym)}))
		if a.adminRemovable(s, all) == "" {
			kb = append(kb, bot.Row(bot.Btn(a.t(c, "staff_btn_remove", map[string]any{"Name": s.Pseudonym}), "sta:rm:"+c.Tx.StaffRef(s.UserID))))
		}
	}
	kb = append(kb, bot.Row(bot.Btn(a.t(c, "staff_btn_invite_admin"), "stinv:a")))
	text := a.t(c, "staff_admins_title", map[string]any{"N": len(lines)}) + "\n\n" + strings.Join(lines, "\n")
	c.Show(text, kb)
	return bot.Stay(), nil
}

// adminsButton handles sta:list, sta:rm:<ref> (confirm) and sta:rmy:<ref> (remove).
func (a *App) adminsButton(c *bot.Ctx) (bot.Next, error) {
	if !a.isAdmin(c) || !c.IsPrivate() {
		return a.deny(c)
	}
	verb, ref, _ := strings.Cut(strings.TrimPrefix(c.Data, "sta:"), ":")
	if verb == "list" {
		c.Answer("")
		return a.showAdmins(c)
	}
	s, found, err := c.Tx.StaffByRef(ref)
	if err != nil {
		return bot.Stay(), err
	}
	if !found || s.Removed || s.Role != store.RoleAdmin {
		c.Answer(a.t(c, "staff_already_removed"))
		return a.showAdmins(c)
	}
	all, err := c.Tx.ListStaff()
	if err != nil {
		return bot.Stay(), err
	}
	if why := a.adminRemovable(s, all); why != "" {
		c.Alert(a.t(c, why))
		return a.showAdmins(c)
	}
	switch verb {
	case "rm":
		c.Answer("")
		c.Show(a.t(c, "staff_remove_admin_ask", map[string]any{"Name": esc(s.Pseudonym)}), bot.Keyboard{
			bot.Row(bot.Btn(a.t(c, "staff_btn_yes_remove"), "sta:rmy:"+ref)),
			bot.Row(bot.Btn(a.t(c, "staff_btn_cancel"), "sta:list")),
		})
		return bot.Stay(), nil
	case "rmy":
		if err := a.removeStaff(c, s); err != nil {
			return bot.Stay(), err
		}
		c.Answer(a.t(c, "staff_removed", map[string]any{"Name": s.Pseudonym}))
		if c.Role != bot.RoleAdmin { // removed themselves
			c.Show(a.t(c, "staff_removed_you_admin"), nil)
			return bot.End(), nil
		}
		return a.showAdmins(c)
	}
	return a.stale(c)
}

// collateStrings sorts s for a reader of lang.
func collateStrings(lang string, s []string) {
	collate.New(language.Make(lang)).SortStrings(s)
}
