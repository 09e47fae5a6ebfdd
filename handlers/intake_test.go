package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ehra/peerline/content"
	"github.com/ehra/peerline/handlers/handlerstest"
	"github.com/ehra/peerline/store"
)

// TestDisplacedOSTJourney: "I am on methadone, I had to leave Kharkiv, I am now in Poland — how
// do I keep getting my dose?", in each language.
func TestDisplacedOSTJourney(t *testing.T) {
	for i, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(5000+i), lang)
			onboard(p, lang)
			p.Press("tr:start")
			p.Press("tr:topic:ost")
			p.Press("tr:sit:keep")
			p.Press("tr:where:abroad")
			p.Press("tr:cty:PL")
			p.Press("tr:city:warsaw")
			p.Press("tr:from:kharkiv") // the site they left: its records are needed
			p.Press("tr:med:methadone")
			p.Press("tr:doc:id")
			marked := false
			for _, b := range p.Buttons() {
				marked = marked || b.Text == "✅ "+h.T(lang, "tr_doc_id")
			}
			if !marked {
				t.Fatalf("the ID toggle is not marked: %+v", p.Buttons())
			}
			n := len(p.Messages())
			p.Press("tr:doc:done")
			// The result is one short message (the question, edited), with expandable parts.
			if got := len(p.Messages()); got != n {
				t.Errorf("the result added %d messages, want 0 (one message, edited)", got-n)
			}
			short := p.Last()
			if lines := strings.Count(short.Text, "\n") + 1; lines > 12 {
				t.Errorf("the short answer has %d lines: %q", lines, short.Text)
			}
			if !strings.Contains(short.Text, stripTags(h.T(lang, "ux_res_now"))) {
				t.Errorf("the short answer has no «what to do now»: %q", short.Text)
			}
			k := content.Case{Flow: "treatment", Topic: "ost", Situation: "keep", Country: "PL", City: "warsaw"}
			steps := h.Content.StepsFor(k)
			if len(steps) < 2 {
				t.Fatalf("content: %d steps for the journey", len(steps))
			}
			result := short.Text + "\n"
			for i := range steps {
				p.Press(fmt.Sprintf("tr:res:steps:%d", i))
				result += p.Last().Text + "\n"
			}
			p.Press("tr:res:now")
			p.Press("tr:res:svc")
			result += p.Last().Text + "\n"
			p.Press("tr:res:now")
			p.Press("tr:res:bring")
			result += p.Last().Text + "\n"
			p.Press("tr:res:now")
			if p.Last().ID != short.ID || p.Last().Text != short.Text {
				t.Error("«back» does not return to the short answer in the same message")
			}
			if got := len(p.Messages()); got != n {
				t.Errorf("exploring the result added %d messages, want 0", got-n)
			}
			kharkiv, _ := h.Content.Region("kharkiv")
			if !strings.Contains(result, kharkiv.Name.In(lang)) {
				t.Error("the result does not mention the site the person left")
			}
			for _, s := range steps {
				if !strings.Contains(result, stripTags(s.Title.In(lang))) {
					t.Errorf("result lacks the steps %q", s.ID)
				}
			}
			var polish *content.Service
			for _, s := range h.Content.Match(k) {
				if s.Country == "PL" {
					polish = s
				}
			}
			if polish == nil {
				t.Fatal("content: no Polish service for OST")
			}
			if !strings.Contains(result, stripTags(polish.Name.In(lang))) {
				t.Errorf("result lacks the Polish service %s", polish.ID)
			}
			if polish.Dated && polish.Verified.IsZero() {
				// Nobody re-checked it: "information as of 2022, not re-checked".
				want := h.T(lang, "content_info_from", map[string]any{"When": h.T(lang, "content_year", map[string]any{"Year": polish.InfoDate.Year()})})
				if !strings.Contains(result, stripTags(want)) {
					t.Errorf("a dated service is shown without %q", want)
				}
			}
			if !strings.Contains(result, h.T(lang, "tr_med_methadone")) {
				t.Error("summary lacks the medicine")
			}
			for _, s := range h.Content.Steps {
				if s.Where == "ukraine" && strings.Contains(result, stripTags(s.Title.In(lang))) {
					t.Errorf("result shows Ukraine-only steps %q", s.ID)
				}
			}
			// The answers stay with the result (for its buttons and the consultant handoff).
			_ = h.DB.View(func(tx *store.Tx) error {
				if c, _ := tx.Conversation(p.Chat()); c.State != "tr_result" || c.Data["topic"] != "ost" || c.Data["city"] != "warsaw" {
					t.Errorf("at the result: state %q, data %v", c.State, c.Data)
				}
				return nil
			})
			if p.HasButton("consult") {
				t.Error("a consultant button appears before the handoff exists")
			}
		})
	}
}

func TestHumanitarianInARegionWithoutLocalEntriesFallsBackToNational(t *testing.T) {
	for i, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			k := content.Case{Flow: "humanitarian", Topic: "medicine", Country: "UA", Region: "kharkiv"}
			var national []*content.Service
			for _, s := range h.Content.Match(k) {
				if s.Region != "" {
					t.Fatalf("content changed: %s is local to %s", s.ID, s.Region)
				}
				if s.Country == "UA" {
					national = append(national, s)
				}
			}
			if len(national) == 0 {
				t.Fatal("content: no national service for medicine in Ukraine")
			}
			p := h.Person(int64(5100+i), lang)
			onboard(p, lang)
			p.Press("hu:start")
			p.Press("hu:need:medicine")
			p.Press("hu:where:ua")
			p.Press("hu:reg:kharkiv")
			p.Press("hu:urg:yes")
			result := p.Last().Text
			p.Press("hu:res:svc")
			result += p.Last().Text
			for _, s := range national {
				if !strings.Contains(result, stripTags(s.Name.In(lang))) {
					t.Errorf("result lacks the national service %s", s.ID)
				}
			}
			if !strings.Contains(result, stripTags(h.T(lang, "ux_urgent_note"))[:30]) || !strings.Contains(result, "103") {
				t.Error("an urgent request does not get the emergency note")
			}
		})
	}
}

func TestIntakeBackCancelSkipAndTypedPlaces(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	p := h.Person(5200, "uk")
	onboard(p, "uk")
	p.Press("tr:start")
	p.Press("tr:topic:art")
	p.Send("просто текст") // a button was expected
	if !p.Sees(h.T("uk", "form_use_buttons")) || !p.HasButton("tr:sit:keep") {
		t.Fatal("free text at a button step did not re-prompt")
	}
	p.Press("tr:skip") // situation skipped
	p.Press("tr:where:abroad")
	p.Send("Португалія") // a country typed, not picked
	if !strings.Contains(p.Last().HTML, h.T("uk", "in_q_city")) {
		t.Fatalf("after a typed country: %q", p.Last().Text)
	}
	p.Press("tr:back")
	if !strings.Contains(p.Last().HTML, h.T("uk", "in_q_country")) {
		t.Fatalf("back from the city: %q", p.Last().Text)
	}
	p.Press("tr:cty:DE")
	p.Send("Лейпциг") // a city typed
	if !p.HasButton("tr:doc:done") {
		t.Fatalf("after a typed city: %q", p.Last().Text)
	}
	p.Send("/overdose") // works mid-flow (with the numbers of the country told: Germany), and the flow goes on
	if !strings.Contains(p.Last().Text, "116117") {
		t.Fatal("/overdose mid-flow")
	}
	p.Press("tr:doc:medical")
	p.Press("tr:cancel")
	_ = h.DB.View(func(tx *store.Tx) error {
		if c, _ := tx.Conversation(p.Chat()); c.State != "" || len(c.Data) != 0 {
			t.Errorf("cancel kept the intake: %+v", c)
		}
		return nil
	})
	// Skipping everything still ends with something useful.
	p.Press("menu")
	p.Press("hu:start")
	p.Press("hu:need:food")
	p.Press("hu:skip")
	p.Press("hu:skip")
	if got := p.Last().Text; !strings.Contains(got, h.T("uk", "in_place_unknown")) {
		t.Fatalf("skipped intake result: %q", got)
	}
}

func TestTreatmentDeepLinks(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	p := h.Person(5300, "en")
	onboard(p, "en")
	p.Send("/start ost")
	if !p.HasButton("tr:sit:keep") || !strings.Contains(p.Last().Text, h.T("en", "tr_topic_ost")) {
		t.Fatalf("/start ost: %q", p.Last().Text)
	}
	p.Send("/start humanitarian")
	if !p.HasButton("hu:need:housing") {
		t.Fatalf("/start humanitarian: %q", p.Last().Text)
	}
}
