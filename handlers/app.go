// Package handlers holds peerline's flows: what the bot says and does. One file per flow
// (start.go, emergency.go, privacy.go, ...). Handlers decide and enqueue; the bot package sends.
//
// Add a flow: declare its states (typed bot.State constants) in its file, register its commands,
// buttons and states in routes() below, add a main-menu button in menu() if it is a section, and
// put every string it shows in locales/ (all three languages).
package handlers

import (
	"context"
	"html"
	"log/slog"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/content"
	"github.com/ehra/peerline/locales"
	"github.com/ehra/peerline/store"
)

// Deps are what the flows need.
type Deps struct {
	Content *content.Content
	Locales *locales.Catalog
	// Admins are the numeric Telegram user ids with admin rights from configuration.
	Admins []int64
	// ConsultantsChat is the consultants' group chat id (0 if none).
	ConsultantsChat int64
	// Channels are the configured channels' numeric ids (posts from others are ignored).
	Channels  map[int64]bool
	Retention Retention
	Log       *slog.Logger
	// Handoff turns on the peer-consultant handoff (see handoff.go).
	Handoff bool
	// PostChannels are the channels posts go to: language (uk, ru, en, or "*" for one channel
	// for all) → chat_id (@username or numeric id), from PEERLINE_CHANNELS.
	PostChannels map[string]string
	// TZ is the time zone schedules are read and shown in (PEERLINE_TZ; default Europe/Kyiv).
	TZ *time.Location
	// ContentDir is the data folder's content/ directory, where a directory CSV sent by an admin
	// is imported ("" turns the import off).
	ContentDir string
	// Hours are the peer consultants' service hours (zero: always open); see hours.go.
	Hours Hours
}

// Retention is how long records are kept (zero values take the defaults).
type Retention struct {
	Users time.Duration // people not seen for this long are erased; default 90 days
	Forms time.Duration // half-filled forms are deleted after this long; default 7 days
	Audit time.Duration // audit log entries are removed after this long; default 365 days
}

// App is the set of flows.
type App struct {
	channels  map[int64]bool
	retention Retention
	content   *content.Content
	loc       *locales.Catalog
	admins    map[int64]bool
	consChat  int64
	handoff   bool
	log       *slog.Logger
	// sections are the screens a deep link (/start <name>) or a menu button can open.
	sections map[string]bot.HandlerFunc
	// reprompts re-show the current step of a conversation (after a stale button, say).
	reprompts map[bot.State]bot.HandlerFunc
	// the guided intakes
	treat, human *intake
	// admin tools (admin_*.go)
	adm  adminState
	dirs directoryState
	// hours are the peer consultants' service hours (PEERLINE_HOURS).
	hours Hours
	// staff hooks and command lists: see staff.go.
	staffHooks
}

// New returns the flows.
func New(d Deps) *App {
	a := &App{
		content:   d.Content,
		loc:       d.Locales,
		admins:    map[int64]bool{},
		consChat:  d.ConsultantsChat,
		handoff:   d.Handoff,
		channels:  d.Channels,
		retention: d.Retention,
		log:       d.Log,
		sections:  map[string]bot.HandlerFunc{},
		reprompts: map[bot.State]bot.HandlerFunc{},
		treat:     newTreatmentIntake(),
		human:     newHumanitarianIntake(),
		hours:     d.Hours,
	}
	a.staffHooks = defaultStaffHooks()
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	for _, id := range d.Admins {
		a.admins[id] = true
	}
	if a.retention.Users == 0 {
		a.retention.Users = 90 * 24 * time.Hour
	}
	if a.retention.Forms == 0 {
		a.retention.Forms = 7 * 24 * time.Hour
	}
	if a.retention.Audit == 0 {
		a.retention.Audit = 365 * 24 * time.Hour
	}
	a.adm = newAdminState(d)
	return a
}

// Router returns the router with every flow registered.
func (a *App) Router() *bot.Router {
	r := bot.NewRouter()
	r.Use(bot.Recover(), bot.Logging(a.log), a.locale, a.role)
	a.routes(r)
	return r
}

// routes registers every flow. Keep it the one place that says which handler answers what.
func (a *App) routes(r *bot.Router) {
	// start.go
	r.Command("start", a.start)
	r.Command("menu", a.menuCmd)
	r.Command("help", a.help)
	r.Command("language", a.languageCmd)
	r.Command("cancel", a.cancel)
	r.Callback("lang:", a.pickLanguage)
	r.Callback("onb:ok", a.onboarded)
	r.Callback("menu", a.menuButton)
	r.Callback("help", a.help)
	r.Callback("language", a.languageCmd)
	for _, lang := range locales.Langs {
		r.Text("menu", a.loc.T(lang, "btn_menu"), a.menuCmd)
	}
	r.State(stateOnboardLang, a.notText)
	r.State(stateOnboardPrivacy, a.notText)
	a.reprompts[stateOnboardLang] = a.showLanguagePicker
	a.reprompts[stateOnboardPrivacy] = a.showPrivacyIntro

	// emergency.go
	r.Command("overdose", a.overdose)
	r.Callback("od:", a.firstAidCard)
	r.Callback("odn", a.emergencyNumbers)
	for _, lang := range locales.Langs {
		r.Text("overdose", a.loc.T(lang, "btn_overdose"), a.overdose)
	}
	a.sections["overdose"] = a.overdose

	// privacy.go
	r.Command("privacy", a.privacy)
	r.Callback("privacy", a.privacy)
	r.Command("forget", a.forget)
	r.Callback("fg:ask", a.forget)
	r.Callback("fg:yes", a.forgetYes, stateForgetConfirm)
	r.Callback("fg:no", a.forgetNo, stateForgetConfirm)
	r.State(stateForgetConfirm, a.notText)
	a.reprompts[stateForgetConfirm] = a.forget
	a.sections["privacy"] = a.privacy

	// settings.go
	r.Command("settings", a.settings)
	r.Callback("set", a.settings)
	r.Callback("sm:", a.setSafeMode)
	r.Command("wipe", a.wipe)
	r.Callback("wipe", a.wipe)
	a.sections["settings"] = a.settings

	// nps.go, combos.go
	r.Command("nps", a.npsMenu)
	r.Callback("nps", a.npsMenu)
	r.Callback("nps:", a.npsPage)
	r.Command("combo", a.combo)
	r.Callback("cmb", a.combo)
	a.sections["nps"] = a.npsMenu
	a.sections["combo"] = a.combo

	// membership.go
	r.Callback("mem", a.membership)
	r.Callback("ma:start", a.memStart)
	r.Callback("ma:", a.memButton, memSteps...)
	for _, s := range memSteps {
		r.State(s, a.memText)
		s := s
		a.reprompts[s] = func(c *bot.Ctx) (bot.Next, error) { return a.memAsk(c, s) }
	}
	a.sections["membership"] = a.membership

	// calls.go
	r.Callback("calls", a.calls)
	r.Callback("call:", a.call)
	a.sections["calls"] = a.calls

	// about.go
	r.Callback("about", a.about)
	a.sections["about"] = a.about

	// treatment.go, humanitarian.go (intake.go)
	r.Command("treatment", a.treatment)
	r.Callback("tr:start", a.treatment)
	r.Callback("tr:restart", a.treatment)
	r.Command("humanitarian", a.humanitarian)
	r.Callback("hu:start", a.humanitarian)
	r.Callback("hu:restart", a.humanitarian)
	for _, in := range []*intake{a.treat, a.human} {
		r.Callback(in.prefix+":", a.intakeButton(in), in.steps...)
		for _, s := range in.steps {
			r.State(s, a.intakeText(in))
			in, s := in, s
			a.reprompts[s] = func(c *bot.Ctx) (bot.Next, error) { a.askStep(in, c, s); return bot.Stay(), nil }
		}
	}
	a.sections["treatment"] = a.treatment
	a.sections["humanitarian"] = a.humanitarian
	for _, t := range []string{"ost", "art", "tb", "hcv"} {
		a.sections[t] = a.treatmentFor(t)
	}

	a.contentRoutes(r) // sources.go
	// admin_*.go
	a.adminRoutes(r)

	a.sections["menu"] = a.menuCmd
	a.sections["help"] = a.help

	a.uxRoutes(r)
	a.staffRoutes(r)

	r.Fallback(a.fallback)
	r.Stale(a.stale)
	r.Other(a.other)
}

// Commands are the commands shown in Telegram's menu, per language ("" is the default).
func (a *App) Commands() map[string][]bot.Command {
	names := []string{"start", "menu", "overdose", "language", "settings", "wipe", "help", "privacy", "forget", "cancel"}
	out := map[string][]bot.Command{}
	for _, lang := range append([]string{""}, locales.Langs...) {
		l := lang
		if l == "" {
			l = locales.Default
		}
		for _, n := range names {
			out[lang] = append(out[lang], bot.Command{Name: n, Description: a.loc.T(l, "cmd_"+n)})
		}
	}
	return out
}

// OnParked apologises to a person whose update could not be handled.
func (a *App) OnParked(c *bot.Ctx) {
	if c.ChatID == 0 || c.ChatType != "private" {
		return
	}
	c.Reply(a.loc.T(a.langOf(c), "error_parked"), nil)
}

// OnFlood asks a person who sends too much too fast to slow down (once; the rest is dropped).
func (a *App) OnFlood(c *bot.Ctx) {
	if c.ChatType != "private" {
		return
	}
	lang := a.langOf(c)
	if c.IsCallback() {
		c.Answer(a.loc.T(lang, "slow_down"))
		return
	}
	c.Reply(a.loc.T(lang, "slow_down"), nil)
}

// langOf finds the person's language outside the middleware chain (parked or flooding
// updates): their choice, else their Telegram language, else Ukrainian.
func (a *App) langOf(c *bot.Ctx) string {
	if u, found, err := c.Tx.User(c.UserID); err == nil && found && u.Lang != "" {
		return u.Lang
	}
	if from := fromOf(c); from != nil {
		return a.loc.Match(from.LanguageCode)
	}
	return locales.Default
}

// t renders a UI string in the person's language.
func (a *App) t(c *bot.Ctx, id string, data ...map[string]any) string {
	return a.loc.T(c.Lang, id, data...)
}

// esc escapes text a person typed before it goes into an HTML message.
func esc(s string) string { return html.EscapeString(s) }

// locale sets c.Lang: the person's choice, else their Telegram language through the matcher,
// else Ukrainian. It also keeps the profile's coarse "last seen" day, clears "inactive" when a
// person who had blocked the bot writes again, and applies their safe mode.
func (a *App) locale(next bot.HandlerFunc) bot.HandlerFunc {
	return func(c *bot.Ctx) (bot.Next, error) {
		c.Lang = locales.Default
		if c.UserID != 0 {
			u, found, err := c.Tx.User(c.UserID)
			if err != nil {
				return bot.Stay(), err
			}
			switch {
			case found && u.Lang != "":
				c.Lang = u.Lang
			case fromOf(c) != nil:
				c.Lang = a.loc.Match(fromOf(c).LanguageCode)
			}
			day := c.Now.Unix() / 86400
			put := false
			if found && c.IsPrivate() && (u.Seen != day || u.Inactive) {
				u.Seen, u.Inactive = day, false
				put = true
			}
			// The 🆘 reply keyboard is under the input field from the first reply on, in the
			// person's language (keyboard.go).
			if c.IsPrivate() && (c.Kind == bot.KindMessage || c.Kind == bot.KindCallback) && u.Keyboard != c.Lang {
				if !found {
					u = store.User{Created: day, Seen: day}
				}
				a.sendReplyKeyboard(c)
				u.Keyboard = c.Lang
				c.Context = context.WithValue(c.Context, keyboardSent{}, true)
				put = true
			}
			if put {
				if err := c.Tx.PutUser(c.UserID, u); err != nil {
					return bot.Stay(), err
				}
			}
			// Safe mode: the person's message, and everything the bot sends them in answer, is
			// scheduled for deletion (read here so the profile is opened once per update).
			if found && u.SafeMode > 0 && c.IsPrivate() {
				after := time.Duration(u.SafeMode) * time.Second
				c.DeleteSentAfter(after)
				if c.Kind == bot.KindMessage && c.MessageID != 0 {
					if err := c.Tx.AddTrail(c.ChatID, c.MessageID, c.Now.Add(after)); err != nil {
						return bot.Stay(), err
					}
				}
			}
		}
		return next(c)
	}
}

// role sets c.Role from the sender's numeric id, on every update: admin for the admins from
// configuration and invited admins, consultant for registered consultants (staff.go), else user.
func (a *App) role(next bot.HandlerFunc) bot.HandlerFunc {
	return func(c *bot.Ctx) (bot.Next, error) {
		r, err := a.roleOf(c.Tx, c.UserID)
		if err != nil {
			return bot.Stay(), err
		}
		c.Role = r
		return next(c)
	}
}

// profile returns the person's profile, creating it (with the current language) if needed.
func profile(c *bot.Ctx) (store.User, error) {
	u, found, err := c.Tx.User(c.UserID)
	if err != nil {
		return u, err
	}
	if !found {
		day := c.Now.Unix() / 86400
		u = store.User{Lang: c.Lang, Created: day, Seen: day}
	}
	return u, nil
}
