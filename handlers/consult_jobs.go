package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/store"
)

// consultJobs are the consultant flows' scheduled jobs. Their state is the cases in the store;
// every one is safe to run twice.
func (a *App) consultJobs(b *bot.Bot, db *store.DB) []bot.Job {
	return []bot.Job{
		{
			// Albums are collected for about a second, then relayed together (copyMessages).
			Name: "relay-albums", Spec: "@every 1s", Grace: time.Hour,
			Run: func(ctx context.Context, now time.Time) error { return a.flushDueAlbums(b, db, now) },
		},
		{
			// Waiting cases: live waiting time on the cards, and an alert again after
			// PEERLINE_ESCALATE, and again later.
			Name: "case-escalation", Spec: "@every 1m", Grace: time.Hour,
			Run: func(ctx context.Context, now time.Time) error { return a.escalate(b, now) },
		},
		{
			// Follow-ups the person agreed to: "did it work out?"
			Name: "case-followups", Spec: "@every 10m", Grace: 7 * 24 * time.Hour,
			Run: func(ctx context.Context, now time.Time) error { return a.followUps(b, now) },
		},
		{
			// Closed cases go after the retention, and their forum topics with them.
			Name: "case-retention", Spec: "30 3 * * *", Grace: 24 * time.Hour,
			Run: func(ctx context.Context, now time.Time) error { return a.purgeCases(b, now) },
		},
	}
}

// flushDueAlbums relays the albums whose collection time is over (and recreates lost topics).
func (a *App) flushDueAlbums(b *bot.Bot, db *store.DB, now time.Time) error {
	due := func(k *store.Case) bool {
		return k.Album != nil && k.Album.Due <= now.UnixMilli() ||
			k.State == store.CaseTaken && k.ThreadLost && len(k.Pending) > 0 ||
			k.State == store.CaseTaken && k.DeskLost
	}
	// Most seconds nothing is due: look first, so an idle run writes (and fsyncs) nothing.
	var n int
	if err := db.View(func(tx *store.Tx) error {
		cs, err := tx.Cases(due)
		n = len(cs)
		return err
	}); err != nil || n == 0 {
		return err
	}
	return b.Do(func(tx *store.Tx, out *bot.Out) error {
		due, err := tx.Cases(due)
		if err != nil {
			return err
		}
		for _, k := range due {
			if k.DeskLost {
				if err := a.deskLost(tx, out, k, now); err != nil {
					return err
				}
				continue
			}
			if err := a.flushAlbum(tx, out, &k); err != nil {
				return err
			}
			if k.State == store.CaseTaken && k.ThreadLost && len(k.Pending) > 0 {
				// Someone deleted the case's topic: recreate it and relay what did not arrive.
				if err := a.copyToDesk(tx, out, &k, nil, 0); err != nil {
					return err
				}
			}
			if err := tx.PutCase(k); err != nil {
				return err
			}
		}
		return nil
	})
}

// escalate refreshes the waiting time on cards and alerts again about cases waiting too long;
// consultants who came on shift since get the card too (private workspace).
func (a *App) escalate(b *bot.Bot, now time.Time) error {
	return b.Do(func(tx *store.Tx, out *bot.Out) error {
		out.Background()
		q, err := queue(tx)
		if err != nil {
			return err
		}
		shift := a.onShift(tx)
		refreshed := 0
		var late []store.Case // alerting again this run, urgent first, then the oldest
		for _, k := range q {
			changed := false
			if a.consChat == 0 {
				for _, s := range shift {
					if !containsID(k.Cards, s.UserID) {
						a.sendCard(tx, out, &k, s.UserID, "")
						changed = true
					}
				}
			}
			waited := k.Waiting(now)
			// The waiting time on the cards, every 5 minutes, for a few cards a run: a group
			// takes 20 messages a minute.
			mins := int(waited.Minutes())
			refresh := mins > 0 && mins%5 == 0 && refreshed < 10
			for _, chat := range k.Cards {
				if !refresh {
					break
				}
				ref, found, err := tx.Ref(store.CardRef(k.Code, chat))
				if err != nil || !found {
					continue
				}
				lang := a.groupLang()
				if s, ok := a.staffMember(tx, chat); ok && chat > 0 {
					lang = a.staffLang(tx, s)
				}
				out.Edit(chat, ref.MessageID, a.cardText(tx, k, lang, now), a.cardKeyboard(lang, k.Code))
			}
			if refresh {
				refreshed++
			}
			if waited >= time.Duration(k.Alerts+1)*a.cons.escalate {
				k.Alerts++
				k.LastAlert = now.Unix()
				changed = true
				if err := count(tx, now, "cases_escalated"); err != nil {
					return err
				}
				late = append(late, k)
			}
			if changed {
				if err := tx.PutCase(k); err != nil {
					return err
				}
			}
		}
		a.alert(tx, out, late, now)
		return nil
	})
}

// alert tells the group (or each consultant on shift) about cases waiting too long: one
// message a run, however many there are — a group takes 20 messages a minute.
func (a *App) alert(tx *store.Tx, out *bot.Out, late []store.Case, now time.Time) {
	if len(late) == 0 {
		return
	}
	text := func(lang string) (string, bot.Keyboard) {
		if len(late) == 1 {
			k := late[0]
			return a.loc.T(lang, "consult_alert_waiting", map[string]any{"Code": k.Code, "Min": int(k.Waiting(now).Minutes())}), a.cardKeyboard(lang, k.Code)
		}
		var b strings.Builder
		b.WriteString(a.loc.T(lang, "consult_alert_many", map[string]any{"N": len(late)}))
		for i, k := range late {
			if i == 10 {
				b.WriteString("\n…")
				break
			}
			mark := ""
			if k.Urgent {
				mark = " 🆘"
			}
			fmt.Fprintf(&b, "\n• <b>%s</b>%s — %s", k.Code, mark, a.loc.T(lang, "consult_card_waiting", map[string]any{"Min": int(k.Waiting(now).Minutes())}))
		}
		return b.String(), bot.Keyboard{bot.Row(bot.Btn(a.loc.T(lang, "consult_btn_next"), "cn"))}
	}
	if a.consChat != 0 {
		t, kb := text(a.groupLang())
		out.Send(bot.Message{ChatID: a.consChat, Text: t, Keyboard: kb})
		return
	}
	for _, s := range a.onShift(tx) {
		t, kb := text(a.staffLang(tx, s))
		out.Send(bot.Message{ChatID: s.UserID, Text: t, Keyboard: kb})
	}
}

// followUps asks the people who agreed how it went.
func (a *App) followUps(b *bot.Bot, now time.Time) error {
	return b.Do(func(tx *store.Tx, out *bot.Out) error {
		out.Background()
		due, err := tx.Cases(func(k *store.Case) bool {
			return k.State == store.CaseClosed && k.FollowUp > 0 && k.FollowUp <= now.Unix() && !k.FollowAsked
		})
		if err != nil {
			return err
		}
		for _, k := range due {
			k.FollowAsked = true
			if err := tx.PutCase(k); err != nil {
				return err
			}
			l := k.Lang
			out.Send(bot.Message{ChatID: k.Person, Text: a.loc.T(l, "consult_fu_question", map[string]any{"Topic": a.loc.T(l, "consult_topic_"+k.Topic)}),
				Keyboard: bot.Keyboard{
					bot.Row(bot.Btn(a.loc.T(l, "consult_fu_yes"), "fu:"+k.Code+":y"), bot.Btn(a.loc.T(l, "consult_fu_no"), "fu:"+k.Code+":n")),
					bot.Row(bot.Btn(a.loc.T(l, "consult_fu_help"), "fu:"+k.Code+":h")),
				}})
			if err := count(tx, now, "cases_followup_asked"); err != nil {
				return err
			}
		}
		return nil
	})
}

// purgeCases deletes closed cases older than the retention and their forum topics.
func (a *App) purgeCases(b *bot.Bot, now time.Time) error {
	return b.Do(func(tx *store.Tx, out *bot.Out) error {
		out.Background()
		gone, err := tx.PurgeClosedCases(now.Add(-a.retention.Cases))
		if err != nil {
			return err
		}
		for _, k := range gone {
			if a.consChat != 0 && k.Thread > 0 {
				out.DeleteTopic(a.consChat, bot.Thread{ID: k.Thread})
			}
		}
		return nil
	})
}

// deskLost hands a case back to the queue when its holder's private chat refuses the bot (a 403:
// they blocked it): what the person wrote waits for whoever takes the case, the person is told,
// and the consultant goes off shift (cards could not reach them either). In the forum a 403
// means the bot left the group: the messages stay pending and the log says why.
func (a *App) deskLost(tx *store.Tx, out *bot.Out, k store.Case, now time.Time) error {
	k.DeskLost = false
	if a.forumMode(tx) || k.State != store.CaseTaken {
		return tx.PutCase(k)
	}
	prev := k.Consultant
	if s, found, err := tx.Staff(prev); err != nil {
		return err
	} else if found && s.OnShift {
		s.OnShift = false
		if err := tx.PutStaff(s); err != nil {
			return err
		}
	}
	if cur, _ := tx.ActiveCase(prev); cur == k.Code {
		if err := tx.SetActiveCase(prev, ""); err != nil {
			return err
		}
	}
	k.State, k.Previous, k.Consultant, k.Offer, k.Cards = store.CaseQueued, prev, 0, 0, nil
	if err := a.flushAlbum(tx, out, &k); err != nil { // the person's album joins the pending ones
		return err
	}
	if err := count(tx, now, "cases_handed_back"); err != nil {
		return err
	}
	if err := a.announce(tx, out, k, ""); err != nil { // stores k
		return err
	}
	out.Send(bot.Message{ChatID: k.Person, Text: a.loc.T(k.Lang, "consult_released_person", map[string]any{"Pos": positionOf(tx, k.Code)}),
		Keyboard: bot.Keyboard{bot.Row(bot.Btn(a.loc.T(k.Lang, "consult_btn_end"), "ce:"+k.Code))}})
	return nil
}
