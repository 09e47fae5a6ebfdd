package handlers_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/content"
	"github.com/ehra/peerline/handlers/handlerstest"
	"github.com/ehra/peerline/store"
)

var langs = []string{"uk", "ru", "en"}

func TestNPSBrowse(t *testing.T) {
	for i, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(2000+i), lang)
			onboard(p, lang)
			p.Press("nps")
			if !strings.Contains(p.Last().HTML, h.Content.NPS.Intro.Text.In(lang)[:20]) {
				t.Fatalf("NPS intro: %q", p.Last().Text)
			}
			s := h.Content.NPS.Substances[0]
			p.Press("nps:" + s.ID)
			if !strings.Contains(p.Last().Text, stripTags(s.Name.In(lang))) {
				t.Fatalf("substance page: %q", p.Last().Text)
			}
			for part, field := range map[string]content.Text{"r": s.Risks, "s": s.Safer, "h": s.Help} {
				p.Press("nps:" + s.ID + ":" + part)
				first := strings.SplitN(stripTags(field.In(lang)), "\n", 2)[0]
				if !strings.Contains(p.Last().Text, first) {
					t.Errorf("part %s: %q lacks %q", part, p.Last().Text, first)
				}
				if strings.Contains(p.Last().Text, s.Sources[0]) {
					t.Errorf("part %s prints its sources inline; they belong behind the Sources button", part)
				}
				p.Press("src:n:" + s.ID)
				if !strings.Contains(p.Last().Text, s.Sources[0]) {
					t.Errorf("part %s: the Sources button does not list %q", part, s.Sources[0])
				}
				p.Press("nps:" + s.ID) // back
			}
			p.Press("od:" + s.FirstAid)
			card, _ := h.Content.Card(s.FirstAid)
			if !strings.Contains(p.Last().Text, stripTags(card.Title.In(lang))) {
				t.Error("the page's first-aid link does not open the card")
			}
		})
	}
}

// pairWith finds two checker items whose answer has the level.
func pairWith(c *content.Content, level string) (string, string) {
	items := c.ComboItems()
	for i, a := range items {
		for _, b := range items[i+1:] {
			if c.Combo(a.ID, b.ID).Level == level {
				return a.ID, b.ID
			}
		}
	}
	return "", ""
}

func TestComboChecker(t *testing.T) {
	for i, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			h := handlerstest.Start(t, handlerstest.Options{})
			p := h.Person(int64(2100+i), lang)
			onboard(p, lang)
			a, b := pairWith(h.Content, content.LevelDangerous)
			if a == "" {
				t.Fatal("no dangerous pair in the content")
			}
			p.Press("cmb")
			p.Press("cmb:" + b)
			p.Press("cmb:" + b + ":" + a) // order reversed on purpose
			got := p.Last().Text
			ans := h.Content.Combo(a, b)
			if !strings.Contains(got, stripTags(h.T(lang, "level_dangerous"))) || !strings.Contains(got, stripTags(ans.Why.In(lang))) {
				t.Fatalf("dangerous pair answer: %q", got)
			}
			p.Press("src:c:" + b + ":" + a)
			if !strings.Contains(p.Last().Text, ans.Sources[0]) {
				t.Error("the answer's Sources button does not list its source")
			}
			p.Press("cmb:" + b + ":" + a) // back
			x, y := pairWith(h.Content, content.LevelNoData)
			if x == "" {
				t.Skip("every pair has data")
			}
			p.Press("cmb")
			p.Press("cmb:" + x)
			p.Press("cmb:" + x + ":" + y)
			got = p.Last().Text
			if !strings.Contains(got, stripTags(h.T(lang, "level_nodata"))) || !strings.Contains(got, stripTags(h.T(lang, "combo_nodata"))) {
				t.Fatalf("no-data answer: %q", got)
			}
			// A "no data" answer names no sources: the ones searched do not cover the pair.
			if p.HasButton("src:c:"+x+":"+y) || strings.Contains(got, h.T(lang, "content_btn_sources")) {
				t.Error("a no-data answer offers sources")
			}
			if p.HasButton("ask:combo") {
				t.Error("a no-data answer offers a consultant while the handoff is off")
			}
			for _, src := range h.Content.Combos.NoDataSources {
				if strings.Contains(got, src) {
					t.Errorf("a no-data answer shows %q", src)
				}
			}
		})
	}
}

const secretariat = -1001234567890

func startWithSecretariat(t *testing.T) *handlerstest.Harness {
	h := handlerstest.Start(t, handlerstest.Options{ConsultantsChat: secretariat})
	h.API.RegisterChat(fakeapi.Chat{ID: secretariat, Type: "supergroup", Title: "consultants"})
	return h
}

func TestMembershipApplication(t *testing.T) {
	for i, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			h := startWithSecretariat(t)
			id := int64(778899000 + i)
			p := h.Person(id, lang)
			onboard(p, lang)
			p.Press("mem")
			p.Press("mem:who")
			if !strings.Contains(p.Last().Text, stripTags(h.Content.Member.Membership.Criteria.In(lang))[:30]) {
				t.Fatalf("criteria: %q", p.Last().Text)
			}
			p.Press("ma:start")
			p.Send("I'd rather type") // a button was expected
			if p.Last().HTML != h.T(lang, "mem_q_type") && !strings.Contains(p.Last().HTML, h.T(lang, "mem_q_type")) {
				t.Fatalf("free text at a button step: %q", p.Last().Text)
			}
			p.Press("ma:type:person")
			p.Press("ma:country:UA")
			p.Send("Олена <script>")
			p.Send("not an address")
			if !p.Sees(stripTags(h.T(lang, "mem_bad_email"))) {
				t.Fatal("an invalid e-mail was not refused")
			}
			p.Send("olena@example.org")
			p.Press("ma:langs:both")
			p.Send("short")
			if !p.Sees(stripTags(h.T(lang, "mem_bad_motivation"))) {
				t.Fatal("a too short motivation was not refused")
			}
			p.Send("I run a peer group in Odesa and want to join the network.")
			p.Press("ma:back") // back to the motivation, then forward again
			if !strings.Contains(p.Last().HTML, h.T(lang, "mem_q_motivation")) {
				t.Fatalf("back from the agreement: %q", p.Last().Text)
			}
			p.Send("I run a peer group in Odesa and want to join the network.")
			p.Press("ma:agree")
			if !strings.Contains(p.Last().Text, "olena@example.org") || !strings.Contains(p.Last().HTML, "Олена &lt;script&gt;") {
				t.Fatalf("summary: %q", p.Last().HTML)
			}
			p.Press("ma:send")
			msgs := h.API.BotMessages(secretariat)
			if len(msgs) != 1 {
				t.Fatalf("secretariat got %d messages, want 1", len(msgs))
			}
			got := msgs[0]
			for _, want := range []string{"olena@example.org", "Олена <script>", "Odesa", "Ukraine"} {
				if !strings.Contains(got.Text, want) {
					t.Errorf("delivered application lacks %q: %q", want, got.Text)
				}
			}
			if strings.Contains(got.Text, strconv.FormatInt(id, 10)) || strings.Contains(got.Text, p.U.FirstName) {
				t.Error("the delivered application carries the Telegram id or name")
			}
			if !got.ProtectContent {
				t.Error("the delivered application is not protected")
			}
			ref := strings.Fields(got.Text[strings.Index(got.Text, "M-"):])[0]
			if !strings.Contains(p.Last().Text, ref) {
				t.Errorf("the applicant did not get the reference %s: %q", ref, p.Last().Text)
			}
			_ = h.DB.View(func(tx *store.Tx) error {
				if c, _ := tx.Conversation(p.Chat()); len(c.Data) != 0 || c.State != "" {
					t.Errorf("answers kept after sending: %+v", c)
				}
				if tx.Counter("membership_applications") != 1 {
					t.Error("not counted")
				}
				return nil
			})
		})
	}
}

func TestMembershipCancelHalfway(t *testing.T) {
	h := startWithSecretariat(t)
	p := h.Person(3001, "uk")
	onboard(p, "uk")
	p.Press("mem")
	p.Press("ma:start")
	p.Press("ma:type:org")
	p.Press("ma:country:PL")
	p.Send("Our NGO")
	typeMsg := p.Last().ID
	p.Press("ma:cancel")
	if p.Last().HTML != h.T("uk", "form_cancelled") {
		t.Fatalf("cancel: %q", p.Last().Text)
	}
	_ = h.DB.View(func(tx *store.Tx) error {
		if c, _ := tx.Conversation(p.Chat()); c.State != "" || len(c.Data) != 0 {
			t.Errorf("cancelled form kept: %+v", c)
		}
		return nil
	})
	p.PressOn(typeMsg, "ma:langs:en") // a button from the cancelled form
	if got := h.API.CallsTo("answerCallbackQuery"); got[len(got)-1].Params["text"] != h.T("uk", "stale_button") {
		t.Error("a button of the cancelled form was not answered as stale")
	}
	if n := len(h.API.BotMessages(secretariat)); n != 0 {
		t.Errorf("secretariat got %d messages from a cancelled form", n)
	}
	// /cancel works too.
	p.Press("mem")
	p.Press("ma:start")
	p.Send("/cancel")
	_ = h.DB.View(func(tx *store.Tx) error {
		if c, _ := tx.Conversation(p.Chat()); c.State != "" {
			t.Errorf("/cancel left the form open: %+v", c)
		}
		return nil
	})
}

func TestCallsOpenThenClosed(t *testing.T) {
	for i, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			call, ok := content.MustLoad().Call("EHRA-01-03")
			if !ok {
				t.Fatal("EHRA-01-03 is not shipped")
			}
			h := handlerstest.Start(t, handlerstest.Options{Start: call.Deadline.Add(-72 * time.Hour)})
			p := h.Person(int64(3100+i), lang)
			onboard(p, lang)
			p.Press("calls")
			if !p.HasButton("call:EHRA-01-03") {
				t.Fatalf("before the deadline the call is not in the open list: %q", p.Last().Text)
			}
			p.Press("call:EHRA-01-03")
			page := p.Last().Text
			for _, want := range []string{"EHRA-01-03", call.Email, "80%", "20%", "EET", call.Subject} {
				if !strings.Contains(page, want) {
					t.Errorf("call page lacks %q", want)
				}
			}
			h.Clock.Set(call.Deadline.Add(time.Second))
			p.Press("menu")
			p.Press("calls")
			if p.HasButton("call:EHRA-01-03") {
				t.Fatal("after the deadline the call is still in the open list")
			}
			p.Press("calls:closed")
			if !p.HasButton("call:EHRA-01-03") {
				t.Fatal("after the deadline the call is not under closed")
			}
		})
	}
}

func TestSectionDeepLinks(t *testing.T) {
	h := startWithSecretariat(t) // the membership form is offered only when it can be delivered
	p := h.Person(3200, "en")
	onboard(p, "en")
	for link, button := range map[string]string{"nps": "nps:" + h.Content.NPS.Substances[0].ID, "combo": "cmb:" + h.Content.ComboItems()[0].ID, "membership": "ma:start", "calls": "calls:closed", "about": "about:partners"} {
		p.Send("/start " + link)
		if !p.HasButton(button) {
			t.Errorf("/start %s: no %s button on %q", link, button, p.Last().Text)
		}
	}
	// A new person goes through onboarding first, then lands in the section.
	q := h.Person(3201, "ru")
	q.Send("/start membership")
	q.Press("lang:ru")
	q.Press("onb:ok")
	if !q.HasButton("ma:start") {
		t.Fatalf("new person's deep link: %q", q.Last().Text)
	}
}
