package handlers

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/store"
)

// Peer consultants, the consultant's side, in two workspaces:
//   - the consultants' group is a forum: new-case cards with "Take" in the general topic, one
//     topic per case (named from its code, topic and language only) where the conversation
//     happens, closed when the case closes;
//   - a plain group, or none: cards in the group or privately to the consultants on shift, the
//     conversation in the consultant's private chat with the bot, every copy marked with the case
//     code; a reply goes to the replied message's case, anything else to the active case.
// Every command and button checks the sender's numeric id against the staff records, and a case
// action checks that the sender holds the case.

// deskMessage handles a message from the consultants' side: in a case's topic, or in a
// consultant's private chat. It reports false when the message is not for a case.
func (a *App) deskMessage(c *bot.Ctx) (bool, error) {
	if c.ChatID == a.consChat && a.consChat != 0 {
		if c.Raw.ThreadID == 0 || !a.forumMode(c.Tx) || c.Raw.TopicCreated {
			return true, nil // the general topic, or a plain group: conversation only in topics/private chats
		}
		k, found, err := c.Tx.CaseOfThread(c.Raw.ThreadID)
		if err != nil || !found {
			return true, err
		}
		s, ok := a.staffMember(c.Tx, c.UserID)
		switch {
		case !ok:
			return true, nil // not a consultant: nothing of theirs reaches the person
		case k.State != store.CaseTaken:
			c.Reply(a.t(c, "consult_not_taken", map[string]any{"Code": k.Code}), nil)
			return true, nil
		case k.Consultant != s.UserID:
			c.Reply(a.t(c, "consult_not_yours", map[string]any{"Code": k.Code, "Name": esc(a.casePseudonym(c.Tx, k.Consultant))}), nil)
			return true, nil
		}
		return true, a.fromDesk(c, &k)
	}
	if !c.IsPrivate() {
		return false, nil
	}
	s, ok := a.staffMember(c.Tx, c.UserID)
	if !ok || a.holding(c.Tx, s.UserID) == 0 {
		return false, nil
	}
	code := ""
	if rt := replyToID(c); rt != 0 {
		if p, found, err := c.Tx.PairOf(c.ChatID, rt); err != nil {
			return true, err
		} else if found {
			code = p.Code
		}
	}
	if code == "" {
		var err error
		if code, err = c.Tx.ActiveCase(s.UserID); err != nil {
			return true, err
		}
	}
	if code == "" {
		c.Reply(a.t(c, "consult_unroutable_none"), a.casesKeyboard(c, s))
		return true, nil
	}
	k, found, err := c.Tx.Case(code)
	if err != nil {
		return true, err
	}
	if !found || k.State != store.CaseTaken || k.Consultant != s.UserID {
		c.Reply(a.t(c, "consult_unroutable_closed", map[string]any{"Code": code}), a.casesKeyboard(c, s))
		return true, nil
	}
	return true, a.fromDesk(c, &k)
}

// fromDesk relays the holder's message to the person (albums collected first).
func (a *App) fromDesk(c *bot.Ctx, k *store.Case) error {
	m := c.Update.Message
	if m.Contact != nil {
		// A contact's user id opens an account (the consultant's own, often): the person sees
		// the pseudonym only. A phone number can be written as text.
		c.Reply(a.t(c, "consult2_contact_refused", map[string]any{"Code": k.Code}), nil)
		return nil
	}
	if m.MediaGroupID != "" || k.Album != nil {
		done, err := a.collectAlbum(c.Tx, c.Out, k, c.ChatID, c.MessageID, m.MediaGroupID, c.Now)
		if err != nil {
			return err
		}
		if done {
			return c.Tx.PutCase(*k)
		}
	}
	a.copyToPerson(c.Tx, c.Out, k, c.ChatID, []int{c.MessageID}, replyToID(c))
	return c.Tx.PutCase(*k)
}

// copyToPerson copies the consultant's messages to the person. When the copy arrives the bot
// reacts 👌 on the consultant's message; when Telegram refuses it, the consultant is told why.
func (a *App) copyToPerson(tx *store.Tx, out *bot.Out, k *store.Case, from int64, ids []int, replyTo int) {
	var rt int
	if replyTo != 0 {
		if p, found, _ := tx.PairOf(from, replyTo); found && p.ToPerson {
			rt = p.MessageID
		}
	}
	lang := a.deskLang(tx, *k)
	var th bot.Thread
	if from == a.consChat {
		th = bot.Thread{ID: k.Thread}
	}
	out.Relay(bot.Relay{To: k.Person, From: from, IDs: ids, ReplyTo: rt,
		Ref:       store.PairRef(k.Code, true, from, ids),
		Delivered: &bot.MessageRef{ChatID: from, MessageID: ids[0]}, DeliveredEmoji: "👌",
		Undelivered: &bot.Message{ChatID: from, Text: a.loc.T(lang, "consult_undelivered", map[string]any{"Code": k.Code}),
			Keyboard: bot.Keyboard{bot.Row(bot.Btn(a.loc.T(lang, "consult_btn_close"), "cc:"+k.Code))}}, // a way on: close it
		UndeliveredThread: th,
	})
}

// sendHeader sends the case's header to a consultant's private chat (private workspace) and
// records it, so that it is deleted when the case closes. The caller stores k.
func (a *App) sendHeader(tx *store.Tx, out *bot.Out, k *store.Case, s store.Staff) {
	lang := a.staffLang(tx, s)
	out.Send(bot.Message{ChatID: s.UserID, Text: a.caseHeader(tx, *k, lang) + "\n" + a.loc.T(lang, "consult_private_howto", map[string]any{"Code": k.Code}),
		Keyboard: a.caseKeyboard(*k, lang), Ref: store.HeaderRef(k.Code, s.UserID)})
	if !containsID(k.Headers, s.UserID) {
		k.Headers = append(k.Headers, s.UserID)
	}
}

// deskLang is the language of the case's consultant side.
func (a *App) deskLang(tx *store.Tx, k store.Case) string {
	if a.forumMode(tx) {
		return a.groupLang()
	}
	if s, ok := a.staffMember(tx, k.Consultant); ok {
		return a.staffLang(tx, s)
	}
	return a.groupLang()
}

// deskNotice tells the case's consultant side something: in the topic, or the holder's chat.
func (a *App) deskNotice(tx *store.Tx, out *bot.Out, k store.Case, key string, kb bot.Keyboard) {
	lang := a.deskLang(tx, k)
	msg := bot.Message{Text: a.loc.T(lang, key, map[string]any{"Code": k.Code}), Keyboard: kb}
	if a.forumMode(tx) {
		if k.Thread <= 0 || k.ThreadLost {
			return
		}
		msg.ChatID = a.consChat
		out.InThread(bot.Thread{ID: k.Thread}, func() { out.Send(msg) })
		return
	}
	if k.Consultant == 0 {
		return
	}
	msg.ChatID = k.Consultant
	out.Send(msg)
}

// holding counts the cases a consultant holds.
func (a *App) holding(tx *store.Tx, id int64) int {
	cs, _ := tx.Cases(func(k *store.Case) bool { return k.State == store.CaseTaken && k.Consultant == id })
	return len(cs)
}

// --- cards ---

// announce sends the new-case card with "Take": to the consultants' group (its general topic),
// or privately to every consultant on shift. note (a release note) is shown on the card only.
func (a *App) announce(tx *store.Tx, out *bot.Out, k store.Case, note string) error {
	return a.announceExcept(tx, out, k, note, 0)
}

// announceExcept is announce without a card to the private chat of consultant skip (who has
// just released the case: they know it, and can still take it with /next).
func (a *App) announceExcept(tx *store.Tx, out *bot.Out, k store.Case, note string, skip int64) error {
	var chats []int64
	if a.consChat != 0 {
		chats = []int64{a.consChat}
	} else {
		for _, s := range a.onShift(tx) {
			if s.UserID != skip {
				chats = append(chats, s.UserID)
			}
		}
	}
	for _, chat := range chats {
		a.sendCard(tx, out, &k, chat, note)
	}
	return tx.PutCase(k)
}

// sendCard sends one card and records where it went.
func (a *App) sendCard(tx *store.Tx, out *bot.Out, k *store.Case, chat int64, note string) {
	if chat == k.Person {
		return // a consultant who asked for help is not offered their own request
	}
	lang := a.groupLang()
	if chat > 0 {
		if s, ok := a.staffMember(tx, chat); ok {
			lang = a.staffLang(tx, s)
		}
	}
	text := a.cardText(tx, *k, lang, time.Time{})
	if note != "" {
		text += "\n" + a.loc.T(lang, "consult_card_note", map[string]any{"Note": esc(note)})
	}
	out.Send(bot.Message{ChatID: chat, Text: text, Keyboard: a.cardKeyboard(lang, k.Code), Ref: store.CardRef(k.Code, chat)})
	if !containsID(k.Cards, chat) {
		k.Cards = append(k.Cards, chat)
	}
}

func containsID(s []int64, id int64) bool {
	for _, v := range s {
		if v == id {
			return true
		}
	}
	return false
}

// cardText is a card: the case header and, when now is given, the live waiting time.
func (a *App) cardText(tx *store.Tx, k store.Case, lang string, now time.Time) string {
	text := a.loc.T(lang, "consult_card_new") + "\n" + a.caseHeader(tx, k, lang)
	if !now.IsZero() {
		text += "\n" + a.loc.T(lang, "consult_card_waiting", map[string]any{"Min": int(k.Waiting(now).Minutes())})
	}
	return text
}

func (a *App) cardKeyboard(lang, code string) bot.Keyboard {
	return bot.Keyboard{bot.Row(bot.Btn(a.loc.T(lang, "consult_btn_take"), "ct:"+code))}
}

// updateCards edits every card of the case for everyone: a status line instead of "Take".
func (a *App) updateCards(tx *store.Tx, out *bot.Out, k store.Case, key string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	data["Code"] = k.Code
	for _, chat := range k.Cards {
		ref, found, err := tx.Ref(store.CardRef(k.Code, chat))
		if err != nil || !found {
			continue
		}
		lang := a.groupLang()
		if chat > 0 {
			if s, ok := a.staffMember(tx, chat); ok {
				lang = a.staffLang(tx, s)
			}
		}
		var kb bot.Keyboard
		if k.State == store.CaseQueued {
			kb = a.cardKeyboard(lang, k.Code) // still waiting: "Take" stays
		}
		out.Edit(chat, ref.MessageID, a.loc.T(lang, "consult_card_new")+"\n"+a.caseHeader(tx, k, lang)+"\n"+a.loc.T(lang, key, data), kb)
	}
}

// --- taking ---

// caseTakeButton is "Take" on a card (ct:<code>): the first press wins, decided in this update's
// transaction (compare and set on the case's state).
func (a *App) caseTakeButton(c *bot.Ctx) (bot.Next, error) {
	s, ok := a.staffMember(c.Tx, c.UserID)
	if !ok {
		c.Alert(a.t(c, "consult_not_staff"))
		return bot.Stay(), nil
	}
	k, found, err := c.Tx.Case(strings.TrimPrefix(c.Data, "ct:"))
	if err != nil {
		return bot.Stay(), err
	}
	if !found {
		c.Alert(a.t(c, "consult_case_gone"))
		return bot.Stay(), nil
	}
	return bot.Stay(), a.take(c, s, k)
}

// take gives the case to s if it is still waiting and s has room.
func (a *App) take(c *bot.Ctx, s store.Staff, k store.Case) error {
	switch {
	case k.State == store.CaseTaken:
		c.Alert(a.t(c, "consult_already_taken", map[string]any{"Code": k.Code, "Name": a.casePseudonym(c.Tx, k.Consultant)}))
		return nil
	case k.State != store.CaseQueued:
		c.Alert(a.t(c, "consult_case_gone"))
		return nil
	case k.Person == s.UserID:
		c.Alert(a.t(c, "qastaff_own_request"))
		return nil
	case a.holding(c.Tx, s.UserID) >= s.Capacity:
		c.Alert(a.t(c, "consult_full", map[string]any{"N": s.Capacity}))
		return nil
	}
	c.Answer(a.t(c, "consult_took", map[string]any{"Code": k.Code}))
	if err := count(c.Tx, c.Now, "cases_taken"); err != nil {
		return err
	}
	if err := c.Tx.Incr("cases_wait_seconds", int64(k.Waiting(c.Now)/time.Second)); err != nil {
		return err
	}
	if err := c.Tx.ObserveWait(c.Now, k.Waiting(c.Now)); err != nil { // the admins' wait quantiles
		return err
	}
	k.State, k.Consultant, k.Taken, k.Offer = store.CaseTaken, s.UserID, c.Now.Unix(), 0
	a.updateCards(c.Tx, c.Out, k, "consult_card_taken", map[string]any{"Name": esc(s.Pseudonym)})
	pending := k.Pending
	k.Pending = nil
	if a.forumMode(c.Tx) {
		if k.Thread == 0 || k.ThreadLost {
			a.openTopic(c.Tx, c.Out, &k)
		} else {
			th := bot.Thread{ID: k.Thread}
			c.EditTopic(a.consChat, th, a.topicName(k))
			c.InThread(th, func() {
				c.Send(bot.Message{ChatID: a.consChat, Text: a.caseHeader(c.Tx, k, a.groupLang()) + "\n" +
					a.loc.T(a.groupLang(), "consult_taken_by", map[string]any{"Name": esc(s.Pseudonym)}), Keyboard: a.caseKeyboard(k, a.groupLang())})
			})
		}
	} else {
		if err := c.Tx.SetActiveCase(s.UserID, k.Code); err != nil {
			return err
		}
		a.sendHeader(c.Tx, c.Out, &k, s)
	}
	if len(pending) > 0 {
		if err := a.copyToDesk(c.Tx, c.Out, &k, pending, 0); err != nil {
			return err
		}
	}
	if err := c.Tx.PutCase(k); err != nil {
		return err
	}
	// A form the person opened while waiting ends: what they write now is for the consultant
	// (a form would take it as an answer, and the consultant would never see it).
	if err := c.Tx.DeleteConversation(k.Person); err != nil {
		return err
	}
	a.tellWithEnd(c.Tx, c.Out, k, a.loc.T(k.Lang, "consult_taken", map[string]any{"Name": esc(s.Pseudonym)}))
	return nil
}

// takeNextButton and takeNextCmd take the next case: urgent first, then the oldest.
func (a *App) takeNextButton(c *bot.Ctx) (bot.Next, error) { return a.takeNext(c) }
func (a *App) takeNextCmd(c *bot.Ctx) (bot.Next, error)    { return a.takeNext(c) }

func (a *App) takeNext(c *bot.Ctx) (bot.Next, error) {
	s, ok := a.staffMember(c.Tx, c.UserID)
	if !ok {
		return a.refuse(c)
	}
	q, err := queue(c.Tx)
	if err != nil {
		return bot.Stay(), err
	}
	q = slices.DeleteFunc(q, func(k store.Case) bool { return k.Person == s.UserID }) // not their own request
	if len(q) == 0 {
		a.say(c, a.t(c, "consult_queue_empty"))
		return bot.Stay(), nil
	}
	if !c.IsCallback() && a.holding(c.Tx, s.UserID) >= s.Capacity {
		c.Reply(a.t(c, "consult_full", map[string]any{"N": s.Capacity}), nil)
		return bot.Stay(), nil
	}
	return bot.Stay(), a.take(c, s, q[0])
}

// say answers a button press with a toast, or a command with a message.
func (a *App) say(c *bot.Ctx, text string) {
	if c.IsCallback() {
		c.Alert(text)
		return
	}
	c.Reply(text, nil)
}

// refuse answers someone who is not a consultant, without changing anything.
func (a *App) refuse(c *bot.Ctx) (bot.Next, error) {
	if c.IsCallback() {
		c.Alert(a.t(c, "consult_not_staff"))
		return bot.Stay(), nil
	}
	if c.IsPrivate() {
		return a.fallback(c)
	}
	c.Reply(a.t(c, "consult_not_staff"), nil)
	return bot.Stay(), nil
}

// heldCase finds the case a consultant's command is about: the topic it was sent in, the code
// given, or (private chat) the active case; it checks that the sender is staff and holds it.
func (a *App) heldCase(c *bot.Ctx, arg string) (store.Staff, store.Case, bool, error) {
	s, ok := a.staffMember(c.Tx, c.UserID)
	if !ok {
		_, err := a.refuse(c)
		return s, store.Case{}, false, err
	}
	code := store.NormalizeCode(arg)
	if given := strings.TrimSpace(arg); given != "" {
		// A code was typed: never fall back to the active case (a typo in "/block K3F8" must
		// not block someone else).
		if _, found, err := c.Tx.Case(code); err != nil || !found {
			if len([]rune(given)) > 12 {
				given = string([]rune(given)[:12]) + "…"
			}
			a.say(c, a.t(c, "qastaff_no_such_case", map[string]any{"Code": esc(given)}))
			return s, store.Case{}, false, err
		}
	}
	if code == "" && c.ChatID == a.consChat && c.Raw.ThreadID != 0 {
		k, found, err := c.Tx.CaseOfThread(c.Raw.ThreadID)
		if err != nil {
			return s, k, false, err
		}
		if found {
			code = k.Code
		}
	}
	if code == "" && c.IsPrivate() {
		var err error
		if code, err = c.Tx.ActiveCase(s.UserID); err != nil {
			return s, store.Case{}, false, err
		}
	}
	k, found, err := c.Tx.Case(code)
	if err != nil {
		return s, k, false, err
	}
	if !found || code == "" {
		if !c.IsCallback() && c.IsPrivate() && c.Command != "" && a.holding(c.Tx, s.UserID) > 0 {
			a.whichCase(c, s) // qastaff.go: the command's own example and the case buttons
			return s, k, false, nil
		}
		a.say(c, a.t(c, "consult_which_case"))
		return s, k, false, nil
	}
	switch k.State {
	case store.CaseClosed:
		a.say(c, a.t(c, "qastaff_case_closed", map[string]any{"Code": k.Code}))
		return s, k, false, nil
	case store.CaseQueued:
		a.say(c, a.t(c, "qastaff_case_waiting", map[string]any{"Code": k.Code}))
		return s, k, false, nil
	}
	if k.State != store.CaseTaken || k.Consultant != s.UserID {
		a.say(c, a.t(c, "consult_not_yours", map[string]any{"Code": k.Code, "Name": esc(a.casePseudonym(c.Tx, k.Consultant))}))
		return s, k, false, nil
	}
	return s, k, true, nil
}

// isCaseCode reports whether s names a stored case (a pseudonym or a note's first word can look
// like a code).
func (a *App) isCaseCode(tx *store.Tx, s string) bool {
	code := store.NormalizeCode(s)
	if code == "" {
		return false
	}
	_, found, err := tx.Case(code)
	return err == nil && found
}

// caseCmd: /case K3F9 makes a held case the active one (private workspace).
func (a *App) caseCmd(c *bot.Ctx) (bot.Next, error) {
	if strings.TrimSpace(c.Args) == "" {
		return a.casesCmd(c)
	}
	s, k, ok, err := a.heldCase(c, c.Args)
	if err != nil || !ok {
		return bot.Stay(), err
	}
	if err := c.Tx.SetActiveCase(s.UserID, k.Code); err != nil {
		return bot.Stay(), err
	}
	c.Reply(a.t(c, "consult_active", map[string]any{"Code": k.Code}), nil)
	return bot.Stay(), nil
}

// caseSwitch is the case-code button on a copy (cs:<code>).
func (a *App) caseSwitch(c *bot.Ctx) (bot.Next, error) {
	s, k, ok, err := a.heldCase(c, strings.TrimPrefix(c.Data, "cs:"))
	if err != nil || !ok {
		return bot.Stay(), err
	}
	c.Answer(a.t(c, "consult_active", map[string]any{"Code": k.Code}))
	return bot.Stay(), c.Tx.SetActiveCase(s.UserID, k.Code)
}

// casesCmd lists the sender's cases with buttons, and the queue.
func (a *App) casesCmd(c *bot.Ctx) (bot.Next, error) {
	s, ok := a.staffMember(c.Tx, c.UserID)
	if !ok {
		return a.refuse(c)
	}
	held, err := c.Tx.Cases(func(k *store.Case) bool { return k.State == store.CaseTaken && k.Consultant == s.UserID })
	if err != nil {
		return bot.Stay(), err
	}
	q, err := queue(c.Tx)
	if err != nil {
		return bot.Stay(), err
	}
	active, _ := c.Tx.ActiveCase(s.UserID)
	var b strings.Builder
	b.WriteString(a.t(c, "consult_cases_title", map[string]any{"N": len(held), "Cap": s.Capacity, "Queue": len(q)}))
	for _, k := range held {
		mark := ""
		if k.Code == active {
			mark = " ◀️"
		}
		b.WriteString(fmt.Sprintf("\n• <b>%s</b> · %s · %s%s", k.Code, a.t(c, "consult_topic_"+k.Topic), k.Lang, mark))
	}
	c.Reply(b.String(), a.casesKeyboard(c, s))
	return bot.Stay(), nil
}

func (a *App) casesKeyboard(c *bot.Ctx, s store.Staff) bot.Keyboard {
	held, _ := c.Tx.Cases(func(k *store.Case) bool { return k.State == store.CaseTaken && k.Consultant == s.UserID })
	var buttons []bot.Button
	for _, k := range held {
		buttons = append(buttons, bot.Btn("#"+k.Code, "cs:"+k.Code))
	}
	kb := bot.Grid(3, buttons...)
	return append(kb, bot.Row(bot.Btn(a.t(c, "consult_btn_next"), "cn")))
}

// --- release, transfer ---

// releaseCmd: /release [note] returns the held case to the queue; the note shows on the new card
// only (consultants see it; it is not stored).
func (a *App) releaseCmd(c *bot.Ctx) (bot.Next, error) {
	arg, note := "", strings.TrimSpace(c.Args)
	if first, rest, _ := strings.Cut(note, " "); a.isCaseCode(c.Tx, first) {
		arg, note = first, strings.TrimSpace(rest)
	}
	s, k, ok, err := a.heldCase(c, arg)
	if err != nil || !ok {
		return bot.Stay(), err
	}
	if err := count(c.Tx, c.Now, "cases_released"); err != nil {
		return bot.Stay(), err
	}
	if !a.forumMode(c.Tx) {
		a.clearCopies(c.Tx, c.Out, k, s.UserID) // the case leaves this consultant's phone
	}
	if cur, _ := c.Tx.ActiveCase(s.UserID); cur == k.Code {
		if err := c.Tx.SetActiveCase(s.UserID, ""); err != nil {
			return bot.Stay(), err
		}
	}
	k.State, k.Previous, k.Consultant, k.Offer, k.Cards = store.CaseQueued, s.UserID, 0, 0, nil
	if a.forumMode(c.Tx) && k.Thread > 0 && !k.ThreadLost {
		c.EditTopic(a.consChat, bot.Thread{ID: k.Thread}, a.topicName(k))
	}
	if err := a.announceExcept(c.Tx, c.Out, k, note, s.UserID); err != nil {
		return bot.Stay(), err
	}
	c.Reply(a.t(c, "consult_released", map[string]any{"Code": k.Code}), nil)
	a.tellWithEnd(c.Tx, c.Out, k, a.loc.T(k.Lang, "consult_released_person", map[string]any{"Pos": positionOf(c.Tx, k.Code)}))
	return bot.Stay(), nil
}

// transferCmd: /transfer <pseudonym> [code] offers the held case to a consultant on shift.
func (a *App) transferCmd(c *bot.Ctx) (bot.Next, error) {
	fields := strings.Fields(c.Args)
	arg, name := "", ""
	for _, f := range fields {
		if arg == "" && len(fields) > 1 && a.isCaseCode(c.Tx, f) {
			arg = f
			continue
		}
		name = strings.TrimPrefix(f, "@")
	}
	s, k, ok, err := a.heldCase(c, arg)
	if err != nil || !ok {
		return bot.Stay(), err
	}
	to, found, err := c.Tx.StaffByPseudonym(name)
	if err != nil {
		return bot.Stay(), err
	}
	target, ok := a.staffMember(c.Tx, to.UserID)
	switch {
	case name == "" || !found || !ok:
		c.Reply(a.t(c, "consult_transfer_who"), nil)
		return bot.Stay(), nil
	case target.UserID == s.UserID:
		c.Reply(a.t(c, "consult_transfer_self"), nil)
		return bot.Stay(), nil
	case !target.OnShift:
		c.Reply(a.t(c, "consult_transfer_off", map[string]any{"Name": esc(target.Pseudonym)}), nil)
		return bot.Stay(), nil
	}
	k.Offer = target.UserID
	if err := c.Tx.PutCase(k); err != nil {
		return bot.Stay(), err
	}
	lang := a.staffLang(c.Tx, target)
	c.Send(bot.Message{ChatID: target.UserID, Text: a.loc.T(lang, "consult_offer", map[string]any{"Code": k.Code, "Name": esc(s.Pseudonym)}) + "\n" + a.caseHeader(c.Tx, k, lang),
		Keyboard: bot.Keyboard{bot.Row(bot.Btn(a.loc.T(lang, "consult_btn_accept"), "cx:"+k.Code+":y"), bot.Btn(a.loc.T(lang, "consult_btn_decline"), "cx:"+k.Code+":n"))}})
	c.Reply(a.t(c, "consult_offered", map[string]any{"Code": k.Code, "Name": esc(target.Pseudonym)}), nil)
	return bot.Stay(), nil
}

// transferAnswer is the offered consultant's answer (cx:<code>:y|n).
func (a *App) transferAnswer(c *bot.Ctx) (bot.Next, error) {
	s, ok := a.staffMember(c.Tx, c.UserID)
	if !ok {
		return a.refuse(c)
	}
	parts := strings.Split(c.Data, ":")
	if len(parts) != 3 {
		return a.stale(c)
	}
	k, found, err := c.Tx.Case(parts[1])
	if err != nil {
		return bot.Stay(), err
	}
	if !found || k.State != store.CaseTaken || k.Offer != s.UserID {
		c.Alert(a.t(c, "consult_offer_gone"))
		c.EditKeyboard(c.ChatID, c.MessageID, nil)
		return bot.Stay(), nil
	}
	from := k.Consultant
	k.Offer = 0
	c.EditKeyboard(c.ChatID, c.MessageID, nil)
	if parts[2] != "y" {
		c.Answer("")
		if err := c.Tx.PutCase(k); err != nil {
			return bot.Stay(), err
		}
		if prev, ok := a.staffMember(c.Tx, from); ok {
			c.Send(bot.Message{ChatID: from, Text: a.loc.T(a.staffLang(c.Tx, prev), "consult_offer_declined", map[string]any{"Code": k.Code, "Name": esc(s.Pseudonym)})})
		}
		return bot.Stay(), nil
	}
	if a.holding(c.Tx, s.UserID) >= s.Capacity {
		c.Alert(a.t(c, "consult_full", map[string]any{"N": s.Capacity}))
		return bot.Stay(), c.Tx.PutCase(k)
	}
	c.Answer(a.t(c, "consult_took", map[string]any{"Code": k.Code}))
	if err := count(c.Tx, c.Now, "cases_transferred"); err != nil {
		return bot.Stay(), err
	}
	if !a.forumMode(c.Tx) {
		a.clearCopies(c.Tx, c.Out, k, from) // the case leaves the previous consultant's phone
	}
	k.Previous, k.Consultant = from, s.UserID
	if err := c.Tx.PutCase(k); err != nil {
		return bot.Stay(), err
	}
	if cur, _ := c.Tx.ActiveCase(from); cur == k.Code {
		if err := c.Tx.SetActiveCase(from, ""); err != nil {
			return bot.Stay(), err
		}
	}
	if prev, ok := a.staffMember(c.Tx, from); ok {
		c.Send(bot.Message{ChatID: from, Text: a.loc.T(a.staffLang(c.Tx, prev), "consult_transferred_away", map[string]any{"Code": k.Code, "Name": esc(s.Pseudonym)})})
	}
	if a.forumMode(c.Tx) {
		a.deskNotice(c.Tx, c.Out, k, "consult_transferred_topic", nil)
	} else {
		if err := c.Tx.SetActiveCase(s.UserID, k.Code); err != nil {
			return bot.Stay(), err
		}
		a.sendHeader(c.Tx, c.Out, &k, s)
		if err := c.Tx.PutCase(k); err != nil {
			return bot.Stay(), err
		}
	}
	c.Send(bot.Message{ChatID: k.Person, Text: a.loc.T(k.Lang, "consult_transferred", map[string]any{"Name": esc(s.Pseudonym)})})
	return bot.Stay(), nil
}

// --- closing ---

// closeCmd: /close asks the outcome.
func (a *App) closeCmd(c *bot.Ctx) (bot.Next, error) {
	_, k, ok, err := a.heldCase(c, c.Args)
	if err != nil || !ok {
		return bot.Stay(), err
	}
	c.Reply(a.t(c, "consult_outcome_ask", map[string]any{"Code": k.Code}), a.outcomeKeyboard(k, c.Lang))
	return bot.Stay(), nil
}

// closeButton is "Close" on the case header (cc:<code>).
func (a *App) closeButton(c *bot.Ctx) (bot.Next, error) {
	_, k, ok, err := a.heldCase(c, strings.TrimPrefix(c.Data, "cc:"))
	if err != nil || !ok {
		return bot.Stay(), err
	}
	c.Answer("")
	c.ShowAsNew()
	c.Reply(a.t(c, "consult_outcome_ask", map[string]any{"Code": k.Code}), a.outcomeKeyboard(k, c.Lang))
	return bot.Stay(), nil
}

func (a *App) outcomeKeyboard(k store.Case, lang string) bot.Keyboard {
	var buttons []bot.Button
	for _, o := range caseOutcomes {
		buttons = append(buttons, bot.Btn(a.loc.T(lang, "consult_outcome_"+o), "co:"+k.Code+":"+o))
	}
	return bot.Grid(2, buttons...)
}

// outcomeButton records the outcome (co:<code>:<outcome>) and closes the case; the holder — or,
// when the person ended the conversation, the consultant who held it — may set it once.
func (a *App) outcomeButton(c *bot.Ctx) (bot.Next, error) {
	s, ok := a.staffMember(c.Tx, c.UserID)
	if !ok {
		return a.refuse(c)
	}
	parts := strings.Split(c.Data, ":")
	if len(parts) != 3 || !slices.Contains(caseOutcomes, parts[2]) {
		return a.stale(c)
	}
	k, found, err := c.Tx.Case(parts[1])
	if err != nil {
		return bot.Stay(), err
	}
	ended := found && k.State == store.CaseClosed && k.Outcome == "ended"
	if !found || k.Consultant != s.UserID || (k.State != store.CaseTaken && !ended) {
		c.Alert(a.t(c, "consult_not_yours", map[string]any{"Code": parts[1], "Name": esc(a.casePseudonym(c.Tx, k.Consultant))}))
		return bot.Stay(), nil
	}
	c.Answer("")
	k.Outcome = parts[2]
	if err := count(c.Tx, c.Now, "cases_outcome_"+k.Outcome); err != nil {
		return bot.Stay(), err
	}
	if ended {
		c.Show(a.t(c, "consult_outcome_saved", map[string]any{"Code": k.Code}), nil)
		return bot.Stay(), c.Tx.PutCase(k)
	}
	if err := a.flushAlbum(c.Tx, c.Out, &k); err != nil {
		return bot.Stay(), err
	}
	k.State, k.Closed = store.CaseClosed, c.Now.Unix()
	if err := count(c.Tx, c.Now, "cases_closed"); err != nil {
		return bot.Stay(), err
	}
	if err := c.Tx.PutCase(k); err != nil {
		return bot.Stay(), err
	}
	a.updateCards(c.Tx, c.Out, k, "consult_card_closed", nil)
	c.Show(a.t(c, "consult_follow_ask", map[string]any{"Code": k.Code}), bot.Keyboard{bot.Row(
		bot.Btn(a.t(c, "consult_follow_3"), "cf:"+k.Code+":3"), bot.Btn(a.t(c, "consult_follow_7"), "cf:"+k.Code+":7"),
		bot.Btn(a.t(c, "consult_follow_0"), "cf:"+k.Code+":0"))})
	a.dropEndButton(c.Out, k)
	c.Send(bot.Message{ChatID: k.Person, Text: a.loc.T(k.Lang, "consult_closed_person")})
	a.askRating(c.Tx, c.Out, k)
	a.closeWorkspace(c.Tx, c.Out, k)
	return bot.Stay(), nil
}

// followDaysButton (cf:<code>:0|3|7) plans a follow-up; the person is asked whether they agree.
func (a *App) followDaysButton(c *bot.Ctx) (bot.Next, error) {
	s, ok := a.staffMember(c.Tx, c.UserID)
	if !ok {
		return a.refuse(c)
	}
	parts := strings.Split(c.Data, ":")
	days, err := strconv.Atoi(parts[len(parts)-1])
	if len(parts) != 3 || err != nil || (days != 0 && days != 3 && days != 7) {
		return a.stale(c)
	}
	k, found, err := c.Tx.Case(parts[1])
	if err != nil {
		return bot.Stay(), err
	}
	if !found || k.Consultant != s.UserID || k.State != store.CaseClosed || k.FollowUp != 0 || k.FollowAsked {
		c.Answer(a.t(c, "consult_case_over"))
		c.EditKeyboard(c.ChatID, c.MessageID, nil)
		return bot.Stay(), nil
	}
	c.Answer("")
	if days == 0 {
		c.Show(a.t(c, "consult_closed_done", map[string]any{"Code": k.Code}), nil)
		return bot.Stay(), nil
	}
	k.FollowUp = -c.Now.Add(time.Duration(days) * 24 * time.Hour).Unix()
	if err := c.Tx.PutCase(k); err != nil {
		return bot.Stay(), err
	}
	c.Show(a.t(c, "consult_follow_planned", map[string]any{"Code": k.Code, "Days": a.daysIn(c.Lang, days)}), nil)
	c.Send(bot.Message{ChatID: k.Person, Text: a.loc.T(k.Lang, "consult_follow_offer", map[string]any{"Days": a.daysIn(k.Lang, days)}),
		Keyboard: bot.Keyboard{bot.Row(bot.Btn(a.loc.T(k.Lang, "consult_yes"), "cfa:"+k.Code+":y"), bot.Btn(a.loc.T(k.Lang, "consult_no"), "cfa:"+k.Code+":n"))}})
	return bot.Stay(), nil
}

// closeWorkspace tidies the consultant's side of a closed case: the topic is renamed and
// closed; in a private chat the case's messages (copies and the consultant's own, within
// Telegram's 48-hour window) are deleted, since a consultant's phone can be seized too.
func (a *App) closeWorkspace(tx *store.Tx, out *bot.Out, k store.Case) {
	if a.forumMode(tx) {
		if k.Thread > 0 && !k.ThreadLost {
			th := bot.Thread{ID: k.Thread}
			out.EditTopic(a.consChat, th, a.topicName(k))
			out.CloseTopic(a.consChat, th)
		}
		return
	}
	if k.Consultant == 0 {
		return
	}
	if cur, _ := tx.ActiveCase(k.Consultant); cur == k.Code {
		_ = tx.SetActiveCase(k.Consultant, "")
	}
	a.clearCopies(tx, out, k, 0)
}

// clearCopies deletes the case's messages in consultants' private chats — in every one, or
// only in chat `only` (a consultant the case leaves: release, transfer, removal) — within
// Telegram's 48-hour window: a consultant's phone can be seized too.
func (a *App) clearCopies(tx *store.Tx, out *bot.Out, k store.Case, only int64) {
	pairs, err := tx.PairsOf(k.Code)
	if err != nil {
		return
	}
	byChat := map[int64][]int{}
	cutoff := out.Now().Add(-47 * time.Hour).Unix()
	for _, p := range pairs {
		if !p.ToPerson || p.SelfChat <= 0 || p.At < cutoff || only != 0 && p.SelfChat != only {
			continue // the person's side stays; only consultants' private chats are cleared
		}
		byChat[p.SelfChat] = append(byChat[p.SelfChat], p.SelfID)
	}
	// The case's header and private cards go too: they name its code, topic and place.
	for i, refs := range [][]string{headerRefs(k), cardRefs(k)} {
		for _, name := range refs {
			if r, found, err := tx.Ref(name); err == nil && found && r.ChatID > 0 && r.At >= cutoff && (only == 0 || r.ChatID == only) {
				byChat[r.ChatID] = append(byChat[r.ChatID], r.MessageID)
				if i == 1 {
					// A deleted card is not edited later: an edit of a deleted message in a
					// private chat is sent as a new one ("New request … Closed" out of nowhere).
					_ = tx.DeleteRef(name)
				}
			}
		}
	}
	for chat, ids := range byChat {
		slices.Sort(ids)
		for len(ids) > 0 {
			n := min(100, len(ids))
			j, _ := json.Marshal(ids[:n])
			out.Call(chat, "deleteMessages", map[string]string{"chat_id": strconv.FormatInt(chat, 10), "message_ids": string(j)})
			ids = ids[n:]
		}
	}
}

func headerRefs(k store.Case) []string {
	var out []string
	for _, chat := range k.Headers {
		out = append(out, store.HeaderRef(k.Code, chat))
	}
	return out
}

func cardRefs(k store.Case) []string {
	var out []string
	for _, chat := range k.Cards {
		if chat > 0 {
			out = append(out, store.CardRef(k.Code, chat))
		}
	}
	return out
}

// --- blocking ---

// blockCmd: /block blocks the held case's person for abuse.
func (a *App) blockCmd(c *bot.Ctx) (bot.Next, error) {
	_, k, ok, err := a.heldCase(c, c.Args)
	if err != nil || !ok {
		return bot.Stay(), err
	}
	return bot.Stay(), a.block(c, k)
}

// blockButton is "Block" on the case header (cb:<code>).
func (a *App) blockButton(c *bot.Ctx) (bot.Next, error) {
	_, k, ok, err := a.heldCase(c, strings.TrimPrefix(c.Data, "cb:"))
	if err != nil || !ok {
		return bot.Stay(), err
	}
	c.Answer("")
	c.ShowAsNew()
	return bot.Stay(), a.block(c, k)
}

// block closes the case as blocked: the person is told politely that the service is not
// available to them, and their later messages are dropped. Nothing about them is revealed.
func (a *App) block(c *bot.Ctx, k store.Case) error {
	k.State, k.Closed, k.Blocked, k.Outcome, k.Pending, k.Album = store.CaseClosed, c.Now.Unix(), true, "blocked", nil, nil
	if err := c.Tx.PutCase(k); err != nil {
		return err
	}
	if err := c.Tx.BlockPerson(k.Person, k.Code); err != nil {
		return err
	}
	if err := count(c.Tx, c.Now, "cases_blocked"); err != nil {
		return err
	}
	if err := a.audit(c, "case.block", "case "+k.Code); err != nil {
		return err
	}
	c.Reply(a.t(c, "consult_blocked", map[string]any{"Code": k.Code}), nil)
	a.dropEndButton(c.Out, k)
	c.Send(bot.Message{ChatID: k.Person, Text: a.loc.T(k.Lang, "consult_blocked_person")})
	a.closeWorkspace(c.Tx, c.Out, k)
	return nil
}

// unblockCmd: /unblock K3F9 (admins) lifts a block by case code.
func (a *App) unblockCmd(c *bot.Ctx) (bot.Next, error) {
	if !a.admins[c.UserID] && c.Role != bot.RoleAdmin {
		return a.refuse(c)
	}
	code := store.NormalizeCode(c.Args)
	k, found, err := c.Tx.Case(code)
	if err != nil {
		return bot.Stay(), err
	}
	if !found || !k.Blocked || c.Tx.PersonBlocked(k.Person) != code {
		c.Reply(a.t(c, "consult_unblock_none"), nil)
		return bot.Stay(), nil
	}
	if err := c.Tx.BlockPerson(k.Person, ""); err != nil {
		return bot.Stay(), err
	}
	c.Reply(a.t(c, "consult_unblocked", map[string]any{"Code": code}), nil)
	if err := a.audit(c, "case.unblock", "case "+code); err != nil {
		return bot.Stay(), err
	}
	return bot.Stay(), count(c.Tx, c.Now, "cases_unblocked")
}
