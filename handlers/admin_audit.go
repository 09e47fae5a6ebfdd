package handlers

import (
	"fmt"
	"strings"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/store"
)

// audit appends an entry to the audit log in the update's transaction: who acted (a pseudonym
// such as "admin 3fa9c1", never the Telegram id), an action code ("post.publish",
// "directory.import", ...) and a short detail written by the flow. Never put conversation text,
// names or ids of people in action or detail. Every admin and consultant management action calls
// it.
func (a *App) audit(c *bot.Ctx, action, detail string) error {
	actor := c.Tx.ActorLabel(c.Role.String(), c.UserID)
	if p := a.pseudonymOf(c.Tx, c.UserID); p != "" {
		actor += " «" + p + "»"
	}
	_, err := c.Tx.AppendAudit(store.AuditEntry{
		At: c.Now.Unix(), Actor: actor, Action: action, Detail: detail,
	})
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// auditShown is how many entries /audit shows.
const auditShown = 15

// auditCmd shows the newest entries and whether the chain is intact.
func (a *App) auditCmd(c *bot.Ctx) (bot.Next, error) {
	check, err := c.Tx.VerifyAudit()
	if err != nil {
		return bot.Stay(), err
	}
	latest, err := c.Tx.AuditLatest(auditShown)
	if err != nil {
		return bot.Stay(), err
	}
	var b strings.Builder
	b.WriteString(a.t(c, "admin_audit_title"))
	b.WriteString("\n")
	if check.Intact {
		b.WriteString(a.t(c, "admin_audit_intact", map[string]any{"N": check.Entries}))
	} else {
		b.WriteString(a.t(c, "admin_audit_broken", map[string]any{"Seq": check.BrokenAt, "Reason": a.t(c, "admin_audit_reason_"+check.Reason)}))
	}
	b.WriteString("\n")
	if len(latest) == 0 {
		b.WriteString("\n" + a.t(c, "admin_audit_empty"))
	}
	for _, e := range latest {
		fmt.Fprintf(&b, "\n<code>#%d</code> %s · %s · <b>%s</b>", e.Seq, esc(a.fmtTime(c, e.Time())), esc(e.Actor), esc(e.Action))
		if e.Detail != "" {
			b.WriteString(" — " + esc(e.Detail))
		}
	}
	c.Show(b.String(), bot.Keyboard{a.adminBack(c)})
	return bot.Stay(), nil
}
