package handlers

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/locales"
	"github.com/ehra/peerline/store"
)

// Peer consultants, the person's side: asking for a consultant (ask:<topic>, ask:msg:<id>), the
// queue, what the person writes while waiting and during the conversation (relayed with
// copyMessage, never forwarded), /end, the rating and the follow-up. The consultant's side is in
// consult_desk.go, the jobs in consult_jobs.go.
//
// Nothing a person or a consultant writes is stored: a case keeps message ids only (the pairs
// that route replies and edits), and the person's chat id sealed.

// ServiceHours says when consultants answer (PEERLINE_HOURS); nil means always.
type ServiceHours interface {
	Open(t time.Time) bool
	NextOpen(t time.Time) time.Time
}

// consultState is the consultant flows' configuration.
type consultState struct {
	escalate  time.Duration     // a waiting case alerts again after this
	albumWait time.Duration     // how long an album is collected before it is relayed
	hours     ServiceHours      // nil: always
	urgent    func(string) bool // the urgent-word matcher (default: content's)
}

func newConsultState(d Deps) consultState {
	s := consultState{escalate: d.Escalate, albumWait: time.Second, urgent: d.Urgent}
	if !d.Hours.Always() {
		s.hours = d.Hours
	}
	if s.urgent == nil && d.Content != nil {
		// The one urgent-word matcher of the whole bot (content/urgent.go).
		s.urgent = func(text string) bool { _, ok := d.Content.Urgent(text); return ok }
	}
	if s.escalate <= 0 {
		s.escalate = 10 * time.Minute
	}
	return s
}

// Outcomes a consultant can close a case with (callback codes, counter suffixes, locale keys).
var caseOutcomes = []string{"ost", "art", "tb", "hcv", "hum", "legal", "psy", "info", "none"}

// caseTopics are the topics a case can be about (the ask:<topic> codes).
var caseTopics = []string{"ost", "art", "tb", "hcv", "hum", "nps", "combo", "mem", "call", "gen"}

// consultRoutes registers the consultant flows (both sides).
func (a *App) consultRoutes(r *bot.Router) {
	r.Use(a.learnForum, a.answerInTopic, a.urgentInForm)
	// the person
	r.Callback("ask:", a.ask)
	r.Command("end", a.endCmd)
	r.Callback("ce:", a.endButton)
	r.Callback("cr:", a.rate)
	r.Callback("cfa:", a.followAgree)
	r.Callback("fu:", a.followAnswer)
	r.Callback("cl:", a.locationConfirm)
	r.Callback("ck:", a.contactConfirm)
	// the consultant
	r.Callback("ct:", a.caseTakeButton)
	r.Callback("cn", a.takeNextButton)
	r.Command("next", a.takeNextCmd)
	r.Command("case", a.caseCmd)
	r.Command("cases", a.casesCmd)
	r.Callback("cs:", a.caseSwitch)
	r.Command("release", a.releaseCmd)
	r.Command("transfer", a.transferCmd)
	r.Callback("cx:", a.transferAnswer)
	r.Command("close", a.closeCmd)
	r.Callback("cc:", a.closeButton)
	r.Callback("co:", a.outcomeButton)
	r.Callback("cf:", a.followDaysButton)
	r.Command("block", a.blockCmd)
	r.Callback("cb:", a.blockButton)
	r.Command("unblock", a.unblockCmd)

	// the staff layer's hooks (staff.go)
	a.openCasesOf = a.holding
	a.onConsultantRemoved = func(c *bot.Ctx, s store.Staff) error { return a.handBack(c.Tx, c.Out, s, c.Now) }
	a.onShiftChanged = func(c *bot.Ctx, s store.Staff) error { return a.shiftChanged(c, s) }
	a.consultantCmds = append(a.consultantCmds, staffCmd{"cases", "consult_cmd_cases"}, staffCmd{"next", "consult_cmd_next"},
		staffCmd{"case", "consult_cmd_case"}, staffCmd{"close", "consult_cmd_close"}, staffCmd{"release", "consult_cmd_release"},
		staffCmd{"transfer", "consult_cmd_transfer"}, staffCmd{"block", "consult_cmd_block"})
	a.adminCmds = append(a.adminCmds, staffCmd{"unblock", "consult_cmd_unblock"})
}

// handBack returns a removed (or departing) consultant's open cases to the queue.
func (a *App) handBack(tx *store.Tx, out *bot.Out, s store.Staff, now time.Time) error {
	held, err := tx.Cases(func(k *store.Case) bool { return k.State == store.CaseTaken && k.Consultant == s.UserID })
	if err != nil {
		return err
	}
	for _, k := range held {
		if !a.forumMode(tx) {
			a.clearCopies(tx, out, k, s.UserID) // the case leaves the removed consultant's phone
		}
		k.State, k.Previous, k.Consultant, k.Offer, k.Cards = store.CaseQueued, s.UserID, 0, 0, nil
		if a.forumMode(tx) && k.Thread > 0 && !k.ThreadLost {
			out.EditTopic(a.consChat, bot.Thread{ID: k.Thread}, a.topicName(k))
		}
		if err := a.announce(tx, out, k, ""); err != nil {
			return err
		}
		a.tellWithEnd(tx, out, k, a.loc.T(k.Lang, "consult_released_person", map[string]any{"Pos": positionOf(tx, k.Code)}))
		if err := count(tx, now, "cases_handed_back"); err != nil {
			return err
		}
	}
	return tx.SetActiveCase(s.UserID, "")
}

// shiftChanged: a consultant coming on shift sees what waits (private workspace: the cards).
func (a *App) shiftChanged(c *bot.Ctx, s store.Staff) error {
	if !s.OnShift {
		return a.stillHolding(c, s)
	}
	if a.consChat != 0 {
		return nil
	}
	q, err := queue(c.Tx)
	if err != nil {
		return err
	}
	for _, k := range q {
		if containsID(k.Cards, s.UserID) {
			continue
		}
		a.sendCard(c.Tx, c.Out, &k, s.UserID, "")
		if err := c.Tx.PutCase(k); err != nil {
			return err
		}
	}
	return nil
}

// stillHolding: a consultant going off shift with open cases is told they stay theirs, and how
// to hand them over.
func (a *App) stillHolding(c *bot.Ctx, s store.Staff) error {
	held, err := c.Tx.Cases(func(k *store.Case) bool { return k.State == store.CaseTaken && k.Consultant == s.UserID })
	if err != nil || len(held) == 0 {
		return err
	}
	codes := make([]string, len(held))
	for i, k := range held {
		codes[i] = "<b>" + k.Code + "</b>"
	}
	c.Reply(a.t(c, "qastaff_off_still_holding", map[string]any{"Codes": strings.Join(codes, ", ")}), a.casesKeyboard(c, s))
	return nil
}

// learnForum records whether the consultants' chat is a forum, from its own updates.
func (a *App) learnForum(next bot.HandlerFunc) bot.HandlerFunc {
	return func(c *bot.Ctx) (bot.Next, error) {
		if a.consChat != 0 && c.ChatID == a.consChat && (c.Kind == bot.KindMessage || c.Kind == bot.KindMembership ||
			c.Kind == bot.KindCallback && c.Update.CallbackQuery.Message != nil) {
			if c.Raw.Forum != c.Tx.IsForum(a.consChat) {
				if err := c.Tx.SetForum(a.consChat, c.Raw.Forum); err != nil {
					return bot.Stay(), err
				}
			}
		}
		return next(c)
	}
}

// urgentInForm: an urgent word typed inside a form (the treatment finder, membership…) by a
// person whose case is open goes to the form's handler, which shows the card; the case must
// still hear it — a waiting case moves to the top marked urgent and everyone on shift is alerted,
// and the message itself goes to the consultant (or waits for them) like anything written in the
// case.
func (a *App) urgentInForm(next bot.HandlerFunc) bot.HandlerFunc {
	return func(c *bot.Ctx) (bot.Next, error) {
		if c.Kind != bot.KindMessage || !c.IsPrivate() || !strings.HasPrefix(c.Route, "state:") ||
			c.Text == "" || a.cons.urgent == nil || !a.cons.urgent(c.Text) || c.Tx.PersonBlocked(c.ChatID) != "" {
			return next(c)
		}
		k, found, err := c.Tx.CaseOfPerson(c.ChatID)
		if err != nil || !found {
			return next(c)
		}
		if err := a.markUrgent(c, &k); err != nil {
			return bot.Stay(), err
		}
		if err := a.relayFromPerson(c.Tx, c.Out, &k, c.MessageID, c.Update.Message.MediaGroupID, 0, c.Now); err != nil {
			return bot.Stay(), err
		}
		if err := c.Tx.PutCase(k); err != nil {
			return bot.Stay(), err
		}
		return next(c)
	}
}

// answerInTopic keeps what the bot answers to a message or button in a forum topic of the
// consultants' group in that topic (Telegram would put it in the general topic).
func (a *App) answerInTopic(next bot.HandlerFunc) bot.HandlerFunc {
	return func(c *bot.Ctx) (n bot.Next, err error) {
		if a.consChat == 0 || c.ChatID != a.consChat || c.Raw.ThreadID == 0 {
			return next(c)
		}
		c.InThreadOf(a.consChat, bot.Thread{ID: c.Raw.ThreadID}, func() { n, err = next(c) })
		return n, err
	}
}

// forumMode reports whether cases get their own topic in the consultants' forum.
func (a *App) forumMode(tx *store.Tx) bool { return a.consChat != 0 && tx.IsForum(a.consChat) }

// staffMember returns the sender's staff record if they are an active consultant or admin
// with a pseudonym: who may handle cases. Checked by numeric id on every command and button.
func (a *App) staffMember(tx *store.Tx, userID int64) (store.Staff, bool) {
	s, found, err := tx.Staff(userID)
	if err != nil || !found || s.Removed || s.Pseudonym == "" {
		return store.Staff{}, false
	}
	return s, true
}

// staffLang is the language to write to a staff member in outside their own update.
func (a *App) staffLang(tx *store.Tx, s store.Staff) string {
	if u, found, err := tx.User(s.UserID); err == nil && found && u.Lang != "" {
		return u.Lang
	}
	if len(s.Langs) > 0 {
		return s.Langs[0]
	}
	return locales.Default
}

// groupLang is the language of what the bot posts in the consultants' group.
func (a *App) groupLang() string { return locales.Default }

// onShift lists the consultants on shift.
func (a *App) onShift(tx *store.Tx) []store.Staff {
	all, err := tx.ListStaff()
	if err != nil {
		return nil
	}
	var out []store.Staff
	for _, s := range all {
		if !s.Removed && s.OnShift && s.Pseudonym != "" {
			out = append(out, s)
		}
	}
	return out
}

// anyConsultant reports whether at least one consultant has joined.
func (a *App) anyConsultant(tx *store.Tx) bool {
	all, err := tx.ListStaff()
	if err != nil {
		return false
	}
	for _, s := range all {
		if !s.Removed && s.Pseudonym != "" {
			return true
		}
	}
	return false
}

// casePseudonym names a consultant (or "—").
func (a *App) casePseudonym(tx *store.Tx, id int64) string {
	if s, found, err := tx.Staff(id); err == nil && found && s.Pseudonym != "" {
		return s.Pseudonym
	}
	return "—"
}

// queue returns the queued cases, urgent first, then the oldest.
func queue(tx *store.Tx) ([]store.Case, error) {
	q, err := tx.Cases(func(c *store.Case) bool { return c.State == store.CaseQueued })
	slices.SortFunc(q, func(x, y store.Case) int {
		if x.Urgent != y.Urgent {
			if x.Urgent {
				return -1
			}
			return 1
		}
		return int(x.Queued - y.Queued)
	})
	return q, err
}

// positionOf is the case's place in the queue (1 = next).
func positionOf(tx *store.Tx, code string) int {
	q, _ := queue(tx)
	for i, c := range q {
		if c.Code == code {
			return i + 1
		}
	}
	return 0
}

// usualWait is the average wait of taken cases, rounded up to minutes (0: not known yet).
func usualWait(tx *store.Tx) int {
	n := tx.Counter("cases_taken")
	if n == 0 {
		return 0
	}
	return int((tx.Counter("cases_wait_seconds")/n + 59) / 60)
}

// count adds one to an aggregate counter (no identity) and to the day counters the admins'
// statistics read (admin_stats.go): cases_opened, cases_taken, cases_closed, cases_urgent,
// followups_answered, rating_<n>, outcome_<outcome>.
func count(tx *store.Tx, now time.Time, name string) error {
	if err := tx.Incr(name, 1); err != nil {
		return err
	}
	day := name
	switch {
	case strings.HasPrefix(name, "cases_rating_"):
		day = "rating_" + strings.TrimPrefix(name, "cases_rating_")
	case strings.HasPrefix(name, "cases_outcome_"):
		day = "outcome_" + strings.TrimPrefix(name, "cases_outcome_")
	case strings.HasPrefix(name, "cases_followup_") && name != "cases_followup_asked":
		day = "followups_answered"
	}
	return tx.IncrDay(day, now, 1)
}

// --- the person ---

// ask opens a case: ask:<topic>, or ask:msg:<message id> to pass on a message typed outside a
// form (only its id is kept; it is copied when the case is taken).
func (a *App) ask(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	if !a.handoffOn(c) {
		return a.stale(c)
	}
	if fresh, err := a.notOnboarded(c); fresh || err != nil {
		c.ShowAsNew()
		return a.beginOnboarding(c, err) // the privacy promise before anything reaches a consultant (qa.go)
	}
	if code := c.Tx.PersonBlocked(c.ChatID); code != "" {
		c.Answer("")
		c.Reply(a.t(c, "consult_blocked_person"), nil)
		return bot.End(), nil
	}
	c.Answer("")
	if cur, found, err := c.Tx.CaseOfPerson(c.ChatID); err != nil {
		return bot.Stay(), err
	} else if found {
		a.tellStatus(c, cur)
		return bot.End(), nil
	}
	arg := strings.TrimPrefix(c.Data, "ask:")
	topic, pending := "gen", []int(nil)
	if id, ok := strings.CutPrefix(arg, "msg:"); ok {
		if n, err := strconv.Atoi(id); err == nil && n > 0 && n < c.MessageID+1000 {
			pending = []int{n}
		}
	} else if slices.Contains(caseTopics, arg) {
		topic = arg
	}
	code, err := c.Tx.NewCaseCode()
	if err != nil {
		return bot.Stay(), err
	}
	now := c.Now.Unix()
	k := store.Case{Code: code, State: store.CaseQueued, Lang: c.Lang, Topic: topic, Created: now, Queued: now,
		Person: c.ChatID, Pending: pending}
	// What an intake left in the conversation (coarse place and answer codes, never free text).
	d := c.ConvData
	switch {
	case d["region"] != "":
		k.Place = d["region"]
	case d["country"] != "" && d["country"] != otherCountry:
		k.Place = d["country"]
	}
	// Codes only (button values), never anything typed: a typed city or country stays out.
	for _, key := range []string{"topic", "situation", "medicine", "docs", "from", "urgent"} {
		if v := d[key]; v != "" && len(v) <= 24 && !strings.ContainsAny(v, " <>&") {
			k.Summary = append(k.Summary, key+"="+v)
		}
	}
	if err := c.Tx.PutCase(k); err != nil {
		return bot.Stay(), err
	}
	if err := count(c.Tx, c.Now, "cases_opened"); err != nil {
		return bot.Stay(), err
	}
	if err := count(c.Tx, c.Now, "cases_topic_"+topic); err != nil {
		return bot.Stay(), err
	}
	c.ShowAsNew()
	a.tellQueued(c, k)
	if err := a.announce(c.Tx, c.Out, k, ""); err != nil {
		return bot.Stay(), err
	}
	return bot.End(), nil
}

// tellQueued tells the person where they are, honestly: position and the usual wait, or, out
// of hours or with nobody on shift, when someone will answer — and the overdose card at once.
func (a *App) tellQueued(c *bot.Ctx, k store.Case) {
	data := map[string]any{"Code": k.Code, "Pos": positionOf(c.Tx, k.Code), "Wait": usualWait(c.Tx)}
	open := a.cons.hours == nil || a.cons.hours.Open(c.Now)
	switch {
	case !open:
		data["When"] = a.cons.hours.NextOpen(c.Now).Format("02.01 15:04 MST") // the zone: people write from several
		a.tellWithEnd(c.Tx, c.Out, k, a.t(c, "consult_queued_closed", data))
	case len(a.onShift(c.Tx)) == 0:
		a.tellWithEnd(c.Tx, c.Out, k, a.t(c, "consult_queued_nobody", data))
	default:
		a.tellWithEnd(c.Tx, c.Out, k, a.t(c, "consult_queued", data))
		return
	}
	// Nobody may answer soon: the emergency card and numbers now.
	if err := a.showCard(c, "opioid"); err != nil {
		a.log.Warn("overdose card", "err", err)
	}
}

// tellStatus reminds a person who asks again where their case is.
func (a *App) tellStatus(c *bot.Ctx, k store.Case) {
	if k.State == store.CaseTaken {
		a.tellWithEnd(c.Tx, c.Out, k, a.t(c, "consult_with", map[string]any{"Name": esc(a.casePseudonym(c.Tx, k.Consultant))}))
		return
	}
	a.tellWithEnd(c.Tx, c.Out, k, a.t(c, "consult_still_queued", map[string]any{"Pos": positionOf(c.Tx, k.Code)}))
}

// tellWithEnd sends the person a message about their open case carrying the "End the
// conversation" button. Only the newest such message keeps the button: the previous one loses
// it (its id is read from the case's ref when the edit's turn comes), and when the case closes
// dropEndButton takes it off the last one. A previous message still on its way (its ref not
// recorded yet) keeps its button; pressed after the close, it answers "already over" and loses it.
func (a *App) tellWithEnd(tx *store.Tx, out *bot.Out, k store.Case, text string) {
	ref := store.EndRef(k.Code)
	if _, found, err := tx.Ref(ref); err == nil && found {
		out.EditKeyboardOf(k.Person, ref, nil) // an edit with nothing to edit would count as a failed call
	}
	out.Send(bot.Message{ChatID: k.Person, Text: text, Ref: ref,
		Keyboard: bot.Keyboard{bot.Row(bot.Btn(a.loc.T(k.Lang, "consult_btn_end"), "ce:"+k.Code))}})
}

// dropEndButton takes the "End the conversation" button off the person's message that carries
// it: the case is over.
func (a *App) dropEndButton(out *bot.Out, k store.Case) {
	out.EditKeyboardOf(k.Person, store.EndRef(k.Code), nil)
}

// caseMessage routes a message that belongs to a case: the person's, or a consultant's.
func (a *App) caseMessage(c *bot.Ctx) (bool, error) {
	if done, err := a.deskMessage(c); done || err != nil {
		return done, err
	}
	if !c.IsPrivate() {
		return false, nil
	}
	return a.personMessage(c)
}

// personMessage handles what a person writes while they have an open case. It reports false
// when the person has none (the message is for the other flows).
func (a *App) personMessage(c *bot.Ctx) (bool, error) {
	if c.Tx.PersonBlocked(c.ChatID) != "" {
		return true, nil // dropped: the person was told once, when the block was set
	}
	k, found, err := c.Tx.CaseOfPerson(c.ChatID)
	if err != nil || !found {
		return false, err
	}
	m := c.Update.Message
	k.Unreachable = false // they write again: the chat works
	if a.cons.urgent != nil && c.Text != "" && a.cons.urgent(c.Text) {
		// The emergency card at once; a waiting case jumps the queue, marked urgent.
		if shown, err := a.urgentCard(c); err != nil {
			return true, err
		} else if !shown {
			if err := a.showCard(c, "opioid"); err != nil {
				return true, err
			}
		}
		if err := a.markUrgent(c, &k); err != nil {
			return true, err
		}
	}
	if m.Contact != nil {
		// A contact shows a phone number and its user id opens a Telegram account (the person's
		// own, often): it goes on only after the person confirms, like a location.
		k.Location = c.MessageID
		c.Reply(a.t(c, "consult2_contact_confirm"), bot.Keyboard{bot.Row(
			bot.Btn(a.t(c, "consult_location_yes"), "ck:y:"+k.Code), bot.Btn(a.t(c, "consult_location_no"), "ck:n:"+k.Code))})
		return true, c.Tx.PutCase(k)
	}
	if m.Location != nil || m.Venue != nil {
		// A location goes on only after the person confirms.
		k.Location = c.MessageID
		c.Reply(a.t(c, "consult_location_confirm"), bot.Keyboard{bot.Row(
			bot.Btn(a.t(c, "consult_location_yes"), "cl:y:"+k.Code), bot.Btn(a.t(c, "consult_location_no"), "cl:n:"+k.Code))})
		return true, c.Tx.PutCase(k)
	}
	if err := a.relayFromPerson(c.Tx, c.Out, &k, c.MessageID, m.MediaGroupID, replyToID(c), c.Now); err != nil {
		return true, err
	}
	return true, c.Tx.PutCase(k)
}

func replyToID(c *bot.Ctx) int {
	if m := c.Update.Message; m != nil && m.ReplyToMessage != nil {
		return m.ReplyToMessage.MessageID
	}
	return 0
}

// relayFromPerson relays (or, while the case waits, keeps) one of the person's messages. The
// caller stores k.
func (a *App) relayFromPerson(tx *store.Tx, out *bot.Out, k *store.Case, msgID int, group string, replyTo int, now time.Time) error {
	if group != "" || k.Album != nil {
		done, err := a.collectAlbum(tx, out, k, k.Person, msgID, group, now)
		if err != nil || done {
			return err
		}
	}
	if k.State != store.CaseTaken {
		first := len(k.Pending) == 0
		k.Pending = append(k.Pending, msgID)
		if first {
			lang := k.Lang
			out.Send(bot.Message{ChatID: k.Person, Text: a.loc.T(lang, "consult_kept_for_later")})
		}
		return nil
	}
	return a.copyToDesk(tx, out, k, []int{msgID}, replyTo)
}

// collectAlbum keeps album parts until the album is complete (the next message or the
// relay-albums job relays it); done reports that msgID was taken in.
func (a *App) collectAlbum(tx *store.Tx, out *bot.Out, k *store.Case, from int64, msgID int, group string, now time.Time) (bool, error) {
	if k.Album != nil && (k.Album.Group != group || k.Album.From != from) {
		if err := a.flushAlbum(tx, out, k); err != nil {
			return false, err
		}
	}
	if group == "" {
		return false, nil
	}
	if k.Album == nil {
		k.Album = &store.Album{Group: group, From: from}
	}
	k.Album.IDs = append(k.Album.IDs, msgID)
	k.Album.Due = now.Add(a.cons.albumWait).UnixMilli()
	return true, nil
}

// flushAlbum relays a collected album with copyMessages. The caller stores k.
func (a *App) flushAlbum(tx *store.Tx, out *bot.Out, k *store.Case) error {
	al := k.Album
	k.Album = nil
	if al == nil || len(al.IDs) == 0 {
		return nil
	}
	if al.From == k.Person {
		if k.State != store.CaseTaken {
			k.Pending = append(k.Pending, al.IDs...)
			return nil
		}
		return a.copyToDesk(tx, out, k, al.IDs, 0)
	}
	if k.State != store.CaseTaken || k.Consultant == 0 {
		return nil
	}
	a.copyToPerson(tx, out, k, al.From, al.IDs, 0)
	return nil
}

// copyToDesk copies the person's messages to the consultant's side: the case's topic in the
// forum (recreated first if someone deleted it), or the consultant's private chat, each copy
// marked with the case code. Copies to consultants are protected.
func (a *App) copyToDesk(tx *store.Tx, out *bot.Out, k *store.Case, ids []int, replyTo int) error {
	if k.Consultant == 0 {
		k.Pending = append(k.Pending, ids...)
		return nil
	}
	if a.forumMode(tx) {
		if k.Thread == 0 || k.ThreadLost {
			// (Re)create the topic; what could not be delivered to the old one goes first.
			ids = append(k.Pending, ids...)
			k.Pending = nil
			k.ThreadLost = false
			a.openTopic(tx, out, k)
		}
		th := a.caseThread(k)
		for _, batch := range relayBatches(ids) {
			var rt int
			if replyTo != 0 {
				if p, found, _ := tx.PairOf(k.Person, replyTo); found && !p.ToPerson {
					rt = p.MessageID
				}
			}
			out.Relay(bot.Relay{To: a.consChat, From: k.Person, IDs: batch, Thread: th, Protect: true, ReplyTo: rt,
				Ref: store.PairRef(k.Code, false, k.Person, batch)})
		}
		return nil
	}
	for _, batch := range relayBatches(ids) {
		var rt int
		if replyTo != 0 {
			if p, found, _ := tx.PairOf(k.Person, replyTo); found && p.ChatID == k.Consultant {
				rt = p.MessageID
			}
		}
		r := bot.Relay{To: k.Consultant, From: k.Person, IDs: batch, Protect: true, ReplyTo: rt,
			Ref: store.PairRef(k.Code, false, k.Person, batch)}
		tag := caseTag(k.Code)
		if len(batch) == 1 {
			r.Keyboard = tag
			out.Relay(r)
			continue
		}
		out.Relay(r)
		out.Send(bot.Message{ChatID: k.Consultant, Text: "#" + k.Code + " ⬆️", Keyboard: tag, Silent: true})
	}
	return nil
}

// caseTag is the button on a copy in a consultant's private chat: the case code, a press
// switches to the case.
func caseTag(code string) bot.Keyboard { return bot.Keyboard{bot.Row(bot.Btn("#"+code, "cs:"+code))} }

// relayBatches splits message ids into runs of the same kind: singles, except that consecutive
// ids (an album) stay together. Messages kept while waiting are copied one by one, in order.
func relayBatches(ids []int) [][]int {
	if len(ids) == 0 {
		return nil
	}
	if len(ids) > 1 && ids[len(ids)-1]-ids[0] == len(ids)-1 && len(ids) <= 10 {
		return [][]int{ids}
	}
	out := make([][]int, 0, len(ids))
	for _, id := range ids {
		out = append(out, []int{id})
	}
	return out
}

// caseThread is where the case's messages go in the forum: its topic, or the one being created.
func (a *App) caseThread(k *store.Case) bot.Thread {
	if k.Thread > 0 && !k.ThreadLost {
		return bot.Thread{ID: k.Thread}
	}
	return bot.Thread{Ref: store.TopicRef(k.Code)}
}

// topicName is a case topic's name: state, code, topic and language only — nothing about the
// person.
func (a *App) topicName(k store.Case) string {
	mark := "💬"
	switch {
	case k.State == store.CaseClosed:
		mark = "✅"
	case k.State == store.CaseQueued && k.Urgent:
		mark = "🆘"
	case k.State == store.CaseQueued:
		mark = "⏳"
	}
	return mark + " " + k.Code + " · " + a.loc.T(a.groupLang(), "consult_topic_"+k.Topic) + " · " + k.Lang
}

// openTopic creates the case's topic (its icon colour: red for an urgent case, green for a
// taken one) and posts the case's header in it.
func (a *App) openTopic(tx *store.Tx, out *bot.Out, k *store.Case) {
	color := bot.TopicGreen
	if k.Urgent {
		color = bot.TopicRed
	}
	out.CreateTopic(a.consChat, a.topicName(*k), color, store.TopicRef(k.Code))
	k.Thread, k.ThreadLost = -1, false // being created; the topic ref records its id
	out.InThread(bot.Thread{Ref: store.TopicRef(k.Code)}, func() {
		out.Send(bot.Message{ChatID: a.consChat, Text: a.caseHeader(tx, *k, a.groupLang()), Keyboard: a.caseKeyboard(*k, a.groupLang())})
	})
}

// caseHeader describes a case to consultants: code, topic, language, coarse place, intake
// summary codes, urgency. Never anything about who the person is.
func (a *App) caseHeader(tx *store.Tx, k store.Case, lang string) string {
	var b strings.Builder
	b.WriteString(a.loc.T(lang, "consult_header", map[string]any{
		"Code": k.Code, "Topic": a.loc.T(lang, "consult_topic_"+k.Topic), "Lang": k.Lang,
	}))
	if k.Place != "" {
		b.WriteString("\n" + a.loc.T(lang, "consult_header_place", map[string]any{"Place": esc(a.placeLabel(k.Place, lang))}))
	}
	if len(k.Summary) > 0 {
		var items []string
		for _, s := range k.Summary {
			items = append(items, a.summaryLabel(s, lang))
		}
		b.WriteString("\n" + a.loc.T(lang, "consult_header_summary", map[string]any{"Summary": esc(strings.Join(items, "; "))}))
	}
	if k.Urgent {
		b.WriteString("\n" + a.loc.T(lang, "consult_header_urgent"))
	}
	if k.Reopened > 0 {
		b.WriteString("\n" + a.loc.T(lang, "consult_header_reopened"))
	}
	return b.String()
}

// summaryLabel renders an intake answer code ("medicine=methadone") with the intake's own button
// labels in lang, falling back to the code.
func (a *App) summaryLabel(item, lang string) string {
	key, value, _ := strings.Cut(item, "=")
	label := func(ids ...string) string {
		for _, id := range ids {
			if s, err := a.loc.Render(lang, id); err == nil {
				return stripMarkup(s)
			}
		}
		return value
	}
	switch key {
	case "topic":
		return label("tr_topic_"+value, "hu_need_"+value)
	case "situation":
		return label("tr_sit_"+value, "hu_sit_"+value)
	case "medicine":
		return label("tr_med_" + value)
	case "docs":
		var docs []string
		for _, d := range strings.Split(value, ",") {
			if d != "" {
				if s, err := a.loc.Render(lang, "tr_doc_"+d); err == nil {
					docs = append(docs, stripMarkup(s))
				} else {
					docs = append(docs, d)
				}
			}
		}
		return a.loc.T(lang, "consult_summary_docs", map[string]any{"Docs": strings.Join(docs, ", ")})
	case "from":
		return a.loc.T(lang, "consult_summary_from", map[string]any{"Place": a.placeLabel(value, lang)})
	case "urgent":
		if value == "yes" {
			return a.loc.T(lang, "consult_summary_urgent")
		}
	}
	return item
}

// stripMarkup drops HTML tags from a label.
func stripMarkup(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// placeLabel names a region or country code in lang.
func (a *App) placeLabel(code, lang string) string {
	if r, ok := a.content.Region(code); ok {
		return r.Name.In(lang)
	}
	if x, ok := a.content.AbroadCountry(code); ok {
		return x.Name.In(lang)
	}
	return code
}

// caseKeyboard holds the holder's buttons on the case header.
func (a *App) caseKeyboard(k store.Case, lang string) bot.Keyboard {
	return bot.Keyboard{
		bot.Row(bot.Btn(a.loc.T(lang, "consult_btn_close"), "cc:"+k.Code), bot.Btn(a.loc.T(lang, "consult_btn_block"), "cb:"+k.Code)),
	}
}

// markUrgent moves a waiting case to the top, marks it urgent and alerts everyone on shift.
func (a *App) markUrgent(c *bot.Ctx, k *store.Case) error {
	if k.Urgent {
		return nil
	}
	k.Urgent = true
	if err := count(c.Tx, c.Now, "cases_urgent"); err != nil {
		return err
	}
	if k.State != store.CaseQueued {
		return nil
	}
	a.updateCards(c.Tx, c.Out, *k, "consult_card_moved_up", nil)
	for _, s := range a.onShift(c.Tx) {
		if a.consChat == 0 && containsID(k.Cards, s.UserID) {
			continue // their card was just updated
		}
		lang := a.staffLang(c.Tx, s)
		c.Send(bot.Message{ChatID: s.UserID, Text: a.loc.T(lang, "consult_alert_urgent", map[string]any{"Code": k.Code}), Keyboard: a.cardKeyboard(lang, k.Code)})
	}
	return c.Tx.PutCase(*k)
}

// endCmd: /end ends the person's conversation.
func (a *App) endCmd(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	k, found, err := c.Tx.CaseOfPerson(c.ChatID)
	if err != nil {
		return bot.Stay(), err
	}
	if !found {
		c.Reply(a.t(c, "consult_no_case"), nil)
		return bot.Stay(), nil
	}
	return bot.End(), a.personEnds(c, k)
}

// endButton is the "End the conversation" button (ce:<code>).
func (a *App) endButton(c *bot.Ctx) (bot.Next, error) {
	k, found, err := c.Tx.Case(strings.TrimPrefix(c.Data, "ce:"))
	if err != nil {
		return bot.Stay(), err
	}
	if !found || k.Person != c.ChatID || !k.Open() {
		c.Answer(a.t(c, "consult_case_over"))
		c.EditKeyboard(c.ChatID, c.MessageID, nil)
		return bot.Stay(), nil
	}
	c.Answer("")
	c.EditKeyboard(c.ChatID, c.MessageID, nil)
	return bot.End(), a.personEnds(c, k)
}

// personEnds closes the case at the person's wish; the consultant (if any) is told and still
// records the outcome.
func (a *App) personEnds(c *bot.Ctx, k store.Case) error {
	held := k.State == store.CaseTaken
	if err := a.flushAlbum(c.Tx, c.Out, &k); err != nil {
		return err
	}
	k.State, k.Closed, k.Pending = store.CaseClosed, c.Now.Unix(), nil
	k.Outcome = "ended"
	if err := c.Tx.PutCase(k); err != nil {
		return err
	}
	a.dropEndButton(c.Out, k)
	if err := count(c.Tx, c.Now, "cases_ended_by_person"); err != nil {
		return err
	}
	if err := count(c.Tx, c.Now, "cases_closed"); err != nil {
		return err
	}
	a.updateCards(c.Tx, c.Out, k, "consult_card_ended", nil)
	if held {
		a.deskNotice(c.Tx, c.Out, k, "consult_person_ended", a.outcomeKeyboard(k, a.deskLang(c.Tx, k)))
		a.closeWorkspace(c.Tx, c.Out, k)
	}
	c.Reply(a.t(c, "consult_ended"), nil)
	if held {
		a.askRating(c.Tx, c.Out, k)
	}
	return nil
}

// askRating offers the person a 1–5 rating of the help (kept only as aggregate counts).
func (a *App) askRating(tx *store.Tx, out *bot.Out, k store.Case) {
	var row []bot.Button
	for n := 1; n <= 5; n++ {
		row = append(row, bot.Btn(strconv.Itoa(n)+"⭐", fmt.Sprintf("cr:%s:%d", k.Code, n)))
	}
	out.Send(bot.Message{ChatID: k.Person, Text: a.loc.T(k.Lang, "consult_rate"), Keyboard: bot.Keyboard{row}})
}

// rate records a rating (cr:<code>:<n>) as a counter only.
func (a *App) rate(c *bot.Ctx) (bot.Next, error) {
	parts := strings.Split(c.Data, ":")
	if len(parts) != 3 {
		return a.stale(c)
	}
	n, err := strconv.Atoi(parts[2])
	k, found, rerr := c.Tx.Case(parts[1])
	if rerr != nil {
		return bot.Stay(), rerr
	}
	if err != nil || n < 1 || n > 5 || !found || k.Person != c.ChatID || k.Rated {
		c.Answer(a.t(c, "consult_case_over"))
		c.EditKeyboard(c.ChatID, c.MessageID, nil)
		return bot.Stay(), nil
	}
	k.Rated = true
	if err := c.Tx.PutCase(k); err != nil {
		return bot.Stay(), err
	}
	if err := count(c.Tx, c.Now, "cases_rating_"+parts[2]); err != nil {
		return bot.Stay(), err
	}
	c.Answer("")
	c.Show(a.t(c, "consult_rated"), nil)
	return bot.Stay(), nil
}

// followAgree is the person's answer to "may we ask you later how it went?" (cfa:<code>:y|n).
func (a *App) followAgree(c *bot.Ctx) (bot.Next, error) {
	parts := strings.Split(c.Data, ":")
	if len(parts) != 3 {
		return a.stale(c)
	}
	k, found, err := c.Tx.Case(parts[1])
	if err != nil {
		return bot.Stay(), err
	}
	c.Answer("")
	// FollowUp is negative while the planned time waits for the person's agreement.
	if !found || k.Person != c.ChatID || k.State != store.CaseClosed || k.FollowUp >= 0 {
		c.EditKeyboard(c.ChatID, c.MessageID, nil)
		return bot.Stay(), nil
	}
	if parts[2] == "y" {
		k.FollowUp = -k.FollowUp
		c.Show(a.t(c, "consult_follow_yes"), nil)
	} else {
		k.FollowUp = 0
		c.Show(a.t(c, "consult_follow_no"), nil)
	}
	return bot.Stay(), c.Tx.PutCase(k)
}

// followAnswer is the answer to the follow-up question (fu:<code>:y|n|h): "I need help" reopens
// the case — to the same consultant if they are on shift, else to the queue.
func (a *App) followAnswer(c *bot.Ctx) (bot.Next, error) {
	parts := strings.Split(c.Data, ":")
	if len(parts) != 3 {
		return a.stale(c)
	}
	k, found, err := c.Tx.Case(parts[1])
	if err != nil {
		return bot.Stay(), err
	}
	if !found || k.Person != c.ChatID || k.State != store.CaseClosed || !k.FollowAsked {
		c.Answer(a.t(c, "consult_case_over"))
		c.EditKeyboard(c.ChatID, c.MessageID, nil)
		return bot.Stay(), nil
	}
	c.Answer("")
	if err := count(c.Tx, c.Now, "cases_followup_"+parts[2]); err != nil {
		return bot.Stay(), err
	}
	switch parts[2] {
	case "y":
		c.Show(a.t(c, "consult_fu_glad"), nil)
		return bot.Stay(), nil
	case "n":
		c.Show(a.t(c, "consult_fu_sorry"), bot.Keyboard{bot.Row(bot.Btn(a.t(c, "btn_ask_consultant"), "ask:"+k.Topic))})
		return bot.Stay(), nil
	}
	c.EditKeyboard(c.ChatID, c.MessageID, nil)
	if cur, open, err := c.Tx.CaseOfPerson(c.ChatID); err != nil {
		return bot.Stay(), err
	} else if open {
		a.tellStatus(c, cur)
		return bot.Stay(), nil
	}
	return bot.Stay(), a.reopen(c.Tx, c.Out, k, c.Now)
}

// reopen brings a closed case back: to its last consultant when they are on shift and have room,
// else to the queue.
func (a *App) reopen(tx *store.Tx, out *bot.Out, k store.Case, now time.Time) error {
	k.Reopened++
	k.Outcome, k.Closed, k.FollowUp, k.FollowAsked, k.CleanedUp, k.Rated = "", 0, 0, false, false, false
	if err := count(tx, now, "cases_reopened"); err != nil {
		return err
	}
	prev := k.Consultant
	if prev == 0 {
		prev = k.Previous
	}
	if s, ok := a.staffMember(tx, prev); ok && s.OnShift && a.holding(tx, s.UserID) < s.Capacity {
		k.State, k.Consultant, k.Taken = store.CaseTaken, s.UserID, now.Unix()
		if err := tx.PutCase(k); err != nil {
			return err
		}
		if a.forumMode(tx) {
			if k.Thread > 0 && !k.ThreadLost {
				out.ReopenTopic(a.consChat, bot.Thread{ID: k.Thread})
				out.EditTopic(a.consChat, bot.Thread{ID: k.Thread}, a.topicName(k))
			}
		} else if err := tx.SetActiveCase(s.UserID, k.Code); err != nil {
			return err
		}
		a.deskNotice(tx, out, k, "consult_reopened_to_you", nil)
		a.tellWithEnd(tx, out, k, a.loc.T(k.Lang, "consult_reopened_same", map[string]any{"Name": esc(s.Pseudonym)}))
		return nil
	}
	k.State, k.Consultant, k.Previous, k.Queued, k.Cards = store.CaseQueued, 0, prev, now.Unix(), nil
	if err := tx.PutCase(k); err != nil {
		return err
	}
	a.tellWithEnd(tx, out, k, a.loc.T(k.Lang, "consult_reopened_queue", map[string]any{"Pos": positionOf(tx, k.Code)}))
	return a.announce(tx, out, k, "")
}

// locationConfirm relays (or drops) a location the person sent, after they confirm (cl:y|n:<code>).
func (a *App) locationConfirm(c *bot.Ctx) (bot.Next, error) {
	return a.shareConfirm(c, "consult_location_sent", "consult_location_dropped")
}

// contactConfirm relays (or drops) a contact the person sent, after they confirm (ck:y|n:<code>).
func (a *App) contactConfirm(c *bot.Ctx) (bot.Next, error) {
	return a.shareConfirm(c, "consult2_contact_sent", "consult2_contact_dropped")
}

// shareConfirm relays (or drops) the message that waits for the person's confirmation.
func (a *App) shareConfirm(c *bot.Ctx, sentKey, droppedKey string) (bot.Next, error) {
	parts := strings.Split(c.Data, ":")
	if len(parts) != 3 {
		return a.stale(c)
	}
	k, found, err := c.Tx.Case(parts[2])
	if err != nil {
		return bot.Stay(), err
	}
	if !found || k.Person != c.ChatID || !k.Open() || k.Location == 0 {
		c.Answer(a.t(c, "consult_case_over"))
		c.EditKeyboard(c.ChatID, c.MessageID, nil)
		return bot.Stay(), nil
	}
	c.Answer("")
	loc := k.Location
	k.Location = 0
	if parts[1] == "y" {
		c.Show(a.t(c, sentKey), nil)
		if err := a.relayFromPerson(c.Tx, c.Out, &k, loc, "", 0, c.Now); err != nil {
			return bot.Stay(), err
		}
	} else {
		c.Show(a.t(c, droppedKey), nil)
	}
	return bot.Stay(), c.Tx.PutCase(k)
}

// relayEdit relays an edited message as an edit of its copy, both ways.
func (a *App) relayEdit(c *bot.Ctx) (bot.Next, error) {
	m := c.Update.EditedMessage
	if m == nil || m.From == nil {
		return bot.Stay(), nil
	}
	p, found, err := c.Tx.PairOf(m.Chat.ID, m.MessageID)
	if err != nil || !found {
		return bot.Stay(), err
	}
	k, ok, err := c.Tx.Case(p.Code)
	if err != nil || !ok || !k.Open() {
		return bot.Stay(), err
	}
	fromPerson := m.Chat.ID == k.Person
	if !fromPerson && (m.From.ID != k.Consultant) {
		return bot.Stay(), nil // only the holder's edits go to the person
	}
	text, ents, caption := m.Text, m.Entities, false
	if len(m.Photo) > 0 || m.Video != nil || m.Document != nil || m.Voice != nil || m.Audio != nil || m.Animation != nil {
		// A caption, and an empty one was removed: the copy loses it too (someone who takes back
		// what they wrote under a photo does not leave it with the other side).
		text, ents, caption = m.Caption, m.CaptionEntities, true
	}
	if text == "" && !caption {
		return bot.Stay(), nil
	}
	var ej string
	if len(ents) > 0 {
		b, _ := json.Marshal(ents)
		ej = string(b)
	}
	var kb bot.Keyboard
	if fromPerson && p.ChatID != a.consChat && m.MediaGroupID == "" {
		kb = caseTag(k.Code) // an edit without it would take the copy's case tag away
	}
	c.EditCopy(p.ChatID, p.MessageID, text, ej, caption, kb)
	return bot.Stay(), nil
}

// caseForgotten runs when a person erases their data: for an open case the consultant is told
// that the person has left and the copies in their private chat are deleted; in the forum every
// topic of the person's cases, open or closed, is deleted now (the case records go with
// ErasePerson, so the retention job could never find those topics later). ErasePerson then
// removes every record of the cases.
func (a *App) caseForgotten(c *bot.Ctx) error {
	all, err := c.Tx.Cases(func(k *store.Case) bool { return k.Person == c.ChatID })
	if err != nil {
		return err
	}
	forum := a.forumMode(c.Tx)
	for _, k := range all {
		hasTopic := forum && k.Thread > 0 && !k.ThreadLost
		if k.Open() {
			if k.State == store.CaseTaken {
				if hasTopic {
					// Told in the general topic: the case's topic is about to go.
					c.Send(bot.Message{ChatID: a.consChat, Text: a.loc.T(a.groupLang(), "consult_person_left", map[string]any{"Code": k.Code})})
				} else {
					a.deskNotice(c.Tx, c.Out, k, "consult_person_left", nil)
					a.closeWorkspace(c.Tx, c.Out, k)
				}
			}
			k.State = store.CaseClosed // the cards lose "Take": nothing is left to take
			a.updateCards(c.Tx, c.Out, k, "consult_card_left", nil)
			if err := count(c.Tx, c.Now, "cases_forgotten"); err != nil {
				return err
			}
		}
		if hasTopic {
			c.Out.DeleteTopic(a.consChat, bot.Thread{ID: k.Thread})
		}
	}
	return nil
}
