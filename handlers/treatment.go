package handlers

import (
	"strings"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/content"
)

// Treatment: OST, ART (HIV), TB, hepatitis C or "not sure / testing" → the situation (keep it
// going / want to start / had to stop) → where (Ukraine → region; abroad → country → city) → for
// OST the medicine → the documents the person has → practical steps and matching services.
// Every question but the first can be skipped ("not sure" is the first one's skip).

const (
	trTopic     bot.State = "tr_topic"
	trSituation bot.State = "tr_situation"
	trMedicine  bot.State = "tr_medicine"
	trDocs      bot.State = "tr_docs"
	trFrom      bot.State = "tr_from" // where the person got OST or ART before (their records are there)
)

// documents a person may have, in the order shown.
var documents = []string{"id", "medical", "registration"}

func newTreatmentIntake() *intake {
	in := &intake{flow: "treatment", prefix: "tr"}
	in.steps = []bot.State{trTopic, trSituation, in.state(whereStep), in.state(regionStep), in.state(countryStep), in.state(cityStep), trFrom, trMedicine, trDocs, in.state(resultStep)}
	afterFrom := func(c *bot.Ctx) bot.State {
		if c.ConvData["topic"] == "ost" {
			return trMedicine
		}
		return trDocs
	}
	afterPlace := func(c *bot.Ctx) bot.State {
		// Someone who was on OST or ART and moved needs their old site's records: ask where it was.
		d := c.ConvData
		if (d["topic"] == "ost" || d["topic"] == "art") && (d["situation"] == "keep" || d["situation"] == "stopped") {
			return trFrom
		}
		return afterFrom(c)
	}
	in.next = func(c *bot.Ctx, s bot.State) bot.State {
		switch s {
		case trTopic:
			return trSituation
		case trSituation:
			return in.state(whereStep)
		case in.state(whereStep), in.state(regionStep), in.state(countryStep), in.state(cityStep):
			return afterPlace(c)
		case trFrom:
			return afterFrom(c)
		case trMedicine:
			return trDocs
		}
		return ""
	}
	in.ask = func(a *App, c *bot.Ctx, s bot.State) bool {
		nav := a.intakeNav(in, c, s != trTopic)
		switch s {
		case trTopic:
			a.showStep(c, a.t(c, "tr_q_topic"), bot.Keyboard{
				bot.Row(bot.Btn(a.t(c, "tr_topic_ost"), "tr:topic:ost"), bot.Btn(a.t(c, "tr_topic_art"), "tr:topic:art")),
				bot.Row(bot.Btn(a.t(c, "tr_topic_tb"), "tr:topic:tb"), bot.Btn(a.t(c, "tr_topic_hcv"), "tr:topic:hcv")),
				bot.Row(bot.Btn(a.t(c, "tr_topic_testing"), "tr:topic:testing")),
				nav,
			})
		case trSituation:
			a.showStep(c, a.t(c, "tr_q_situation", map[string]any{"Topic": a.t(c, "tr_topic_"+c.ConvData["topic"])}), bot.Keyboard{
				bot.Row(bot.Btn(a.t(c, "tr_sit_keep"), "tr:sit:keep")),
				bot.Row(bot.Btn(a.t(c, "tr_sit_start"), "tr:sit:start")),
				bot.Row(bot.Btn(a.t(c, "tr_sit_stopped"), "tr:sit:stopped")),
				nav,
			})
		case trFrom:
			var buttons []bot.Button
			for _, r := range a.content.Places.Regions {
				buttons = append(buttons, bot.Btn(r.Name.In(c.Lang), "tr:from:"+r.Code))
			}
			kb := bot.Keyboard{bot.Row(bot.Btn(a.t(c, "ux_from_here"), "tr:skip"))}
			kb = append(kb, bot.Grid(2, buttons...)...)
			a.showStep(c, a.t(c, "ux_q_from", map[string]any{"Topic": a.t(c, "tr_topic_"+c.ConvData["topic"])}), append(kb, nav))
		case trMedicine:
			a.showStep(c, a.t(c, "tr_q_medicine"), bot.Keyboard{
				bot.Row(bot.Btn(a.t(c, "tr_med_methadone"), "tr:med:methadone"), bot.Btn(a.t(c, "tr_med_buprenorphine"), "tr:med:buprenorphine")),
				bot.Row(bot.Btn(a.t(c, "tr_med_unsure"), "tr:med:unsure")),
				nav,
			})
		case trDocs:
			have := c.ConvData["docs"]
			kb := bot.Keyboard{}
			for _, d := range documents {
				if d == "registration" && (c.ConvData["country"] == "UA" || c.ConvData["country"] == "") {
					continue
				}
				mark := "◻️ "
				if strings.Contains(","+have+",", ","+d+",") {
					mark = "✅ "
				}
				kb = append(kb, bot.Row(bot.Btn(mark+a.t(c, "tr_doc_"+d), "tr:doc:"+d)))
			}
			kb = append(kb, bot.Row(bot.Btn(a.t(c, "tr_docs_done"), "tr:doc:done")), nav)
			a.showStep(c, a.t(c, "tr_q_docs"), kb)
		default:
			return false
		}
		return true
	}
	in.answer = func(a *App, c *bot.Ctx, s bot.State, cmd, value string) (bot.State, bool) {
		switch {
		case cmd == "topic" && s == trTopic && containsStr(content.Treatments, value):
			c.ConvData["topic"] = value
			return trSituation, true
		case cmd == "sit" && s == trSituation && containsStr(content.Situations, value):
			c.ConvData["situation"] = value
			return in.state(whereStep), true
		case cmd == "from" && s == trFrom:
			if _, ok := a.content.Region(value); ok {
				c.ConvData["from"] = value
				return afterFrom(c), true
			}
		case cmd == "med" && s == trMedicine && (value == "methadone" || value == "buprenorphine" || value == "unsure"):
			c.ConvData["medicine"] = value
			return trDocs, true
		case cmd == "doc" && s == trDocs && value == "done":
			return "", true
		case cmd == "doc" && s == trDocs && containsStr(documents, value):
			c.ConvData["docs"] = toggle(c.ConvData["docs"], value)
			return trDocs, true
		}
		return "", false
	}
	in.summary = func(a *App, c *bot.Ctx) string {
		d := c.ConvData
		var b strings.Builder
		b.WriteString("<b>" + a.t(c, "in_summary_title") + "</b>\n")
		b.WriteString("• " + a.t(c, "tr_topic_"+orDefault(d["topic"], "testing")) + "\n")
		if d["situation"] != "" {
			b.WriteString("• " + a.t(c, "tr_sit_"+d["situation"]) + "\n")
		}
		b.WriteString("• 📍 " + a.placeName(c) + "\n")
		if r, ok := a.content.Region(d["from"]); ok {
			b.WriteString("• " + a.t(c, "ux_res_from", map[string]any{"Region": r.Name.In(c.Lang)}) + "\n")
		}
		if d["medicine"] != "" {
			b.WriteString("• " + a.t(c, "tr_med_"+d["medicine"]) + "\n")
		}
		b.WriteString(a.docsChecklist(c, "• "))
		return b.String()
	}
	return in
}

// docsChecklist lists the documents the person has (✅) and lacks (◻️), each line led by bullet,
// and the hint to get a medical extract when an OST or ART patient has none.
func (a *App) docsChecklist(c *bot.Ctx, bullet string) string {
	d := c.ConvData
	var b strings.Builder
	var have, missing []string
	for _, doc := range documents {
		if doc == "registration" && (d["country"] == "UA" || d["country"] == "") {
			continue
		}
		if strings.Contains(","+d["docs"]+",", ","+doc+",") {
			have = append(have, a.t(c, "tr_doc_"+doc))
		} else {
			missing = append(missing, a.t(c, "tr_doc_"+doc))
		}
	}
	if len(have) > 0 {
		b.WriteString(bullet + "✅ " + strings.Join(have, "; ") + "\n")
	}
	if len(missing) > 0 {
		b.WriteString(bullet + "◻️ " + strings.Join(missing, "; ") + "\n")
	}
	if !strings.Contains(d["docs"], "medical") && (d["topic"] == "ost" || d["topic"] == "art") {
		b.WriteString("\n" + a.t(c, "tr_hint_no_medical"))
	}
	return b.String()
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// treatment starts the treatment intake; /start ost (art, tb, hcv) starts it with the topic given.
func (a *App) treatment(c *bot.Ctx) (bot.Next, error) {
	if !c.IsPrivate() {
		return bot.Stay(), nil
	}
	c.ConvData = map[string]string{}
	return a.goTo(a.treat, c, trTopic)
}

// treatmentFor returns a section that starts the intake with the topic chosen.
func (a *App) treatmentFor(topic string) bot.HandlerFunc {
	return func(c *bot.Ctx) (bot.Next, error) {
		if !c.IsPrivate() {
			return bot.Stay(), nil
		}
		c.ConvData = map[string]string{"topic": topic, "path": string(trTopic)}
		return a.goTo(a.treat, c, trSituation)
	}
}

func toggle(list, v string) string {
	var out []string
	found := false
	for _, x := range strings.Split(list, ",") {
		if x == "" {
			continue
		}
		if x == v {
			found = true
			continue
		}
		out = append(out, x)
	}
	if !found {
		out = append(out, v)
	}
	return strings.Join(out, ",")
}

func containsStr(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
