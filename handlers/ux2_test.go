package handlers_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/ehra/peerline/content"
	"github.com/ehra/peerline/handlers/handlerstest"
)

// TestCard_NumbersBeforeTheSteps: on every first-aid card the emergency numbers come before the
// first step ("call an ambulance"), so a person on a phone sees the number without scrolling; the
// 112 line is there too, in each language.
func TestCard_NumbersBeforeTheSteps(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	for i, lang := range uxLangs {
		p := h.Person(int64(7100+i), lang)
		onboard(p, lang)
		for _, id := range []string{"opioid", "stimulant", "spice"} {
			p.Press("od:" + id)
			text := p.Last().Text
			card, _ := h.Content.Card(id)
			// The first words of the body (the signs, or the "call if" line).
			body := card.Body.In(lang)
			first := strings.SplitN(strings.NewReplacer("<b>", "", "</b>", "").Replace(body), " ", 3)
			head := first[0] + " " + first[1]
			num, step := strings.Index(text, "📞"), strings.Index(text, head)
			if num < 0 || step < 0 || num > step {
				t.Errorf("%s (%s): numbers at %d, body %q at %d; want the numbers first", id, lang, num, head, step)
			}
			if !strings.Contains(text, "112") {
				t.Errorf("%s (%s): no 112", id, lang)
			}
		}
	}
}

// TestHandoff_ButtonOnlyWhereItWorks: the places the content review found promising a consultant
// (a treatment result, a humanitarian result, the suicide-support screen, the combination
// checker's "no data" answer)
// show the "Talk to a peer consultant" button when the handoff is on, and neither the button nor
// a promise when it is off, in each language.
func TestHandoff_ButtonOnlyWhereItWorks(t *testing.T) {
	urgent := map[string]string{"uk": "хочу вкоротити собі віку", "ru": "хочу умереть", "en": "I want to kill myself"}
	var noData []string // a pair the checker has no data on
	cc := content.MustLoad()
	items := cc.ComboItems()
	for i := 0; i < len(items) && noData == nil; i++ {
		for j := i + 1; j < len(items); j++ {
			if cc.Combo(items[i].ID, items[j].ID).Level == content.LevelNoData {
				noData = []string{items[i].ID, items[j].ID}
				break
			}
		}
	}
	if noData == nil {
		t.Fatal("no pair without data")
	}
	for _, on := range []bool{false, true} {
		h := handlerstest.Start(t, handlerstest.Options{Handoff: on})
		for i, lang := range uxLangs {
			p := h.Person(int64(7200+10*i), lang)
			onboard(p, lang)
			check := func(where, data string) {
				t.Helper()
				if got := p.HasButton(data); got != on {
					t.Errorf("handoff %v, %s (%s): button %s shown %v, want %v", on, where, lang, data, got, on)
				}
				if !on && ux2Promise.MatchString(p.Last().Text) {
					t.Errorf("handoff off, %s (%s): promises a consultant: %q", where, lang, p.Last().Text)
				}
			}
			resultOf(t, p, "tr:where:abroad", "tr:cty:PL", "tr:city:warsaw")
			p.Press("tr:res:now")
			check("OST result", "ask:ost")
			p.Send("/humanitarian")
			p.Press("hu:need:food")
			p.Press("hu:where:ua")
			p.Press("hu:reg:lviv")
			p.Press("hu:urg:no")
			check("humanitarian result", "ask:hum")
			p.Send(urgent[lang])
			check("suicide-support screen", "ask:gen")
			// 7333 is a Ukrainian short number: the screen says it does not work from abroad.
			if !strings.Contains(p.Last().Text, "SIM") {
				t.Errorf("suicide-support screen (%s): 7333 without the foreign-SIM caveat: %q", lang, p.Last().Text)
			}
			p.Send("/combo")
			p.Press("cmb:" + noData[0])
			p.Press("cmb:" + noData[0] + ":" + noData[1])
			check("combination answer with no data", "ask:combo")
		}
	}
}

// ux2Promise matches a mention of a peer consultant a person could reach through the bot.
var ux2Promise = regexp.MustCompile(`(?i)консультант\pL* у цьому боті|консультант\pL* в этом боте|consultant in this bot|рівн\pL* консультант|равн\pL* консультант|консультант\pL*-рівн|консультант\pL*-равн|peer consultant|пір-консультант`)

// TestCard_CountryFromTheIntakeInProgress: a person who has told an intake where they are (and
// has not saved it as a setting) gets that country's numbers first on the overdose card while the
// intake is open; after it is cancelled the card is back to Ukraine's. Nothing is stored.
func TestCard_CountryFromTheIntakeInProgress(t *testing.T) {
	h := handlerstest.Start(t, handlerstest.Options{})
	for i, lang := range uxLangs {
		p := h.Person(int64(7300+i), lang)
		onboard(p, lang)
		p.Send("/treatment")
		p.Press("tr:topic:ost")
		p.Press("tr:sit:keep")
		p.Press("tr:where:abroad")
		p.Press("tr:cty:PL")
		p.Send("/overdose")
		pl, _ := h.Content.Country("PL")
		card := p.Last().Text
		if !strings.Contains(card, pl.Name.In(lang)) || !strings.Contains(card, "999") || strings.Contains(card, "103") {
			t.Errorf("%s: card during an intake in Poland: want Poland's numbers and not Ukraine's, got %q", lang, numbersOf(card))
		}
		p.Send("/humanitarian")
		p.Press("hu:need:food")
		p.Press("hu:where:abroad")
		p.Send("Atlantis") // a country the bot does not know: 112 only, not Ukraine's numbers
		p.Send("/overdose")
		if card := p.Last().Text; strings.Contains(card, "103") || !strings.Contains(card, "112") {
			t.Errorf("%s: card during an intake in an unknown country: want 112 only, got %q", lang, numbersOf(card))
		}
		p.Send("/cancel")
		p.Send("/overdose")
		if card := p.Last().Text; !strings.Contains(card, "103") {
			t.Errorf("%s: card after the intake was cancelled: want Ukraine's numbers, got %q", lang, numbersOf(card))
		}
	}
}

// numbersOf is the card's title and numbers lines (its first paragraph).
func numbersOf(card string) string { return strings.SplitN(card, "\n\n", 2)[0] }
