package handlers

// Admin tools: the /admin menu and the guard every admin command, button and conversation state
// goes through. Rights are checked by numeric id on every update (c.Role, set by the role
// middleware); anyone else gets exactly what an unknown command or an unknown button gets, and
// nothing changes.

import (
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/locales"
)

// adminState is what the admin tools are configured with.
type adminState struct {
	tz *time.Location
	// channels are the post targets, one per language (or one for all, in the default
	// language), in the order uk, ru, en.
	channels []postChannel
	// grace is how late a missed post run may still be sent (default 1 h).
	grace time.Duration
	// contentDir is where directory imports are written (Deps.ContentDir).
	contentDir string
}

// postChannel is a channel a post's version goes to.
type postChannel struct {
	Lang string // the language of the version it gets
	Chat string // chat_id: @username or numeric id
}

func newAdminState(d Deps) adminState {
	s := adminState{tz: d.TZ, grace: time.Hour, contentDir: d.ContentDir}
	if s.tz == nil {
		s.tz = time.UTC
		if loc, err := time.LoadLocation("Europe/Kyiv"); err == nil {
			s.tz = loc
		}
	}
	if ch, ok := d.PostChannels["*"]; ok && ch != "" {
		s.channels = append(s.channels, postChannel{Lang: locales.Default, Chat: ch})
	}
	for _, lang := range locales.Langs {
		if ch, ok := d.PostChannels[lang]; ok && ch != "" {
			s.channels = append(s.channels, postChannel{Lang: lang, Chat: ch})
		}
	}
	return s
}

// adminCommands are the admin tools' commands, added to the admins' command menu (staff.go).
var adminCommands = []string{"admin", "post", "scheduled", "calendar", "directory", "audit"}

// adminRoutes registers the admin tools. Every handler goes through adminOnly.
func (a *App) adminRoutes(r *bot.Router) {
	for _, name := range adminCommands {
		a.adminCmds = append(a.adminCmds, staffCmd{name, "admin_cmd_" + name})
	}
	r.Command("admin", a.adminOnly(a.adminMenu))
	r.Callback("ad:menu", a.adminOnly(a.adminMenu))
	r.Command("audit", a.adminOnly(a.auditCmd))
	r.Callback("ad:audit", a.adminOnly(a.auditCmd))
	a.postRoutes(r)
	a.calendarRoutes(r)
	a.callsAdminRoutes(r)
	a.directoryRoutes(r)
}

// adminOnly lets admins through; anyone else is answered as if the command or button did not
// exist (the unknown-command answer, or the stale-button answer), with no other effect.
func (a *App) adminOnly(h bot.HandlerFunc) bot.HandlerFunc {
	return func(c *bot.Ctx) (bot.Next, error) {
		if c.Role != bot.RoleAdmin || !c.IsPrivate() {
			if c.IsCallback() {
				return a.stale(c)
			}
			return a.fallback(c)
		}
		return h(c)
	}
}

// adminMenu is the admin's starting screen.
func (a *App) adminMenu(c *bot.Ctx) (bot.Next, error) {
	kb := bot.Keyboard{
		bot.Row(bot.Btn(a.t(c, "admin_btn_post"), "pd:new")),
		bot.Row(bot.Btn(a.t(c, "admin_btn_scheduled"), "ps:list"), bot.Btn(a.t(c, "admin_btn_calendar"), "cal:m")),
		bot.Row(bot.Btn(a.t(c, "admin_btn_calls"), "ac:list"), bot.Btn(a.t(c, "admin_btn_directory"), "dir:m")),
		bot.Row(bot.Btn(a.t(c, "admin_btn_audit"), "ad:audit")),
	}
	c.Show(a.t(c, "admin_menu"), kb)
	return bot.End(), nil
}

// adminBack is the keyboard row back to the admin menu.
func (a *App) adminBack(c *bot.Ctx) []bot.Button {
	return bot.Row(bot.Btn(a.t(c, "admin_btn_menu"), "ad:menu"))
}

// fmtTime shows a time in the schedule's zone with weekday, date, time and zone.
func (a *App) fmtTime(c *bot.Ctx, t time.Time) string {
	t = t.In(a.adm.tz)
	return a.t(c, "admin_weekday_"+t.Weekday().String()[:3]) + " " + t.Format("2006-01-02 15:04 MST")
}
