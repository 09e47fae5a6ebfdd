package handlers_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/handlers/handlerstest"
)

// TestRelay_Kinds: in both workspaces, a video (captioned, with a bold entity), a video note, a
// document and a sticker are relayed both ways as copies of the same kind and file id: the
// person's to the consultant with protect_content, the consultant's to the person with the 👌
// delivery reaction. Caption edits are relayed as editMessageCaption of the copy, both ways, a
// removed caption included; in the private workspace the copy keeps its case tag. Nothing
// identifies the person.
func TestRelay_Kinds(t *testing.T) {
	bold := fakeapi.Entity{Type: "bold", Offset: 0, Length: 4}
	kinds := []struct {
		kind, caption string
		ents          []fakeapi.Entity
	}{
		{fakeapi.KindVideo, "look at this", []fakeapi.Entity{bold}},
		{fakeapi.KindVideoNote, "", nil},
		{fakeapi.KindDocument, "my results", nil},
		{fakeapi.KindSticker, "", nil},
	}
	for _, ws := range []struct {
		name  string
		group fakeapi.Chat
	}{{"forum", forum}, {"private", fakeapi.Chat{}}} {
		t.Run(ws.name, func(t *testing.T) {
			d := newDesk(t, ws.group, handlerstest.Options{})
			h := d.h
			p := d.person(9700, "uk")
			p.Press("ask:gen")
			k := d.caseOf(p)
			deskChat, deskAs := d.olena.U.ID, fakeapi.Chat{}
			if ws.group.Forum {
				d.pressIn(d.olena.U, forum.ID, "ct:"+k.Code)
				deskChat, deskAs = forum.ID, forum
			} else {
				d.olena.Press("ct:" + k.Code)
			}
			k = d.loadCase(k.Code)
			// lastCopy is the newest message in the consultant's side of the case.
			lastCopy := func() fakeapi.Message {
				m, _ := h.API.LastBotMessage(deskChat)
				return m
			}
			var toDesk, toPerson = map[string]fakeapi.Message{}, map[string]fakeapi.Message{}
			var fromPerson, fromDesk = map[string]fakeapi.Message{}, map[string]fakeapi.Message{}
			for _, kc := range kinds {
				// The person's message → the consultant.
				sent := h.API.SendMedia(p.U, fakeapi.Chat{}, 0, kc.kind, kc.caption, kc.ents...)
				h.Settle()
				got := lastCopy()
				if got.Kind() != kc.kind || got.FileID() != sent.FileID() || got.Text != kc.caption ||
					got.CopiedFrom == nil || got.CopiedFrom.MessageID != sent.ID || got.ThreadID != k.Thread {
					t.Errorf("%s to the consultant: got %s %q %q from %+v in topic %d, want %s %q %q from %d in topic %d",
						kc.kind, got.Kind(), got.FileID(), got.Text, got.CopiedFrom, got.ThreadID, kc.kind, sent.FileID(), kc.caption, sent.ID, k.Thread)
				}
				if !got.ProtectContent {
					t.Errorf("%s to the consultant: the copy is not protected", kc.kind)
				}
				if e := h.API.Entities(deskChat, got.ID); !slices.Equal(e, kc.ents) {
					t.Errorf("%s to the consultant: caption entities %+v, want %+v", kc.kind, e, kc.ents)
				}
				fromPerson[kc.kind], toDesk[kc.kind] = sent, got

				// The consultant's message → the person.
				answer := h.API.SendMedia(d.olena.U, deskAs, k.Thread, kc.kind, kc.caption, kc.ents...)
				h.Settle()
				got = p.Last()
				if got.Kind() != kc.kind || got.FileID() != answer.FileID() || got.Text != kc.caption || got.CopiedFrom == nil || got.CopiedFrom.MessageID != answer.ID {
					t.Errorf("%s to the person: got %s %q %q from %+v, want %s %q %q from %d",
						kc.kind, got.Kind(), got.FileID(), got.Text, got.CopiedFrom, kc.kind, answer.FileID(), kc.caption, answer.ID)
				}
				if e := h.API.Entities(p.Chat(), got.ID); !slices.Equal(e, kc.ents) {
					t.Errorf("%s to the person: caption entities %+v, want %+v", kc.kind, e, kc.ents)
				}
				if r := reactionOn(h, deskChat, answer.ID); r != "👌" {
					t.Errorf("%s: delivery reaction on the consultant's message: got %q, want 👌", kc.kind, r)
				}
				fromDesk[kc.kind], toPerson[kc.kind] = answer, got
			}

			// Caption edits, both ways, as editMessageCaption of the copy; then removed.
			tag := func(m fakeapi.Message) bool {
				return len(m.Keyboard) > 0 && m.Keyboard[0][0].Data == "cs:"+k.Code
			}
			for _, kind := range []string{fakeapi.KindVideo, fakeapi.KindDocument} {
				for _, caption := range []string{"edited caption", ""} {
					calls := len(h.API.CallsTo("editMessageCaption"))
					h.API.EditCaption(p.U, p.Chat(), fromPerson[kind].ID, caption)
					h.API.EditCaption(d.olena.U, deskChat, fromDesk[kind].ID, caption+" (desk)")
					h.Settle()
					edits := h.API.CallsTo("editMessageCaption")[calls:]
					var targets []string
					for _, e := range edits {
						targets = append(targets, e.Params["chat_id"]+"/"+e.Params["message_id"])
					}
					want := []string{
						strconv.FormatInt(deskChat, 10) + "/" + strconv.Itoa(toDesk[kind].ID),
						strconv.FormatInt(p.Chat(), 10) + "/" + strconv.Itoa(toPerson[kind].ID),
					}
					slices.Sort(targets) // the two chats' calls may go out in either order
					slices.Sort(want)
					if !slices.Equal(targets, want) {
						t.Errorf("%s caption edit %q: editMessageCaption of %v, want %v", kind, caption, targets, want)
					}
					if got := messageIn(h, deskChat, toDesk[kind].ID); got.Text != caption {
						t.Errorf("%s: the consultant's copy shows caption %q, want %q", kind, got.Text, caption)
					} else if ws.group.ID == 0 && !tag(got) {
						t.Errorf("%s: the copy in the consultant's chat lost its case tag after an edit: %+v", kind, got.Keyboard)
					}
					if got := messageIn(h, p.Chat(), toPerson[kind].ID); got.Text != caption+" (desk)" {
						t.Errorf("%s: the person's copy shows caption %q, want %q", kind, got.Text, caption+" (desk)")
					}
				}
			}
			// A text edit keeps the tag too.
			text := h.API.SendText(p.U, "a question")
			h.Settle()
			textCopy := lastCopy()
			h.API.EditText(p.U, p.Chat(), text.ID, "a question (edited)")
			h.Settle()
			if got := messageIn(h, deskChat, textCopy.ID); got.Text != "a question (edited)" {
				t.Errorf("text edit: the copy shows %q", got.Text)
			} else if ws.group.ID == 0 && !tag(got) {
				t.Errorf("the text copy in the consultant's chat lost its case tag after an edit: %+v", got.Keyboard)
			}
			if ws.group.ID == 0 {
				for kind, m := range toDesk {
					if !tag(messageIn(h, deskChat, m.ID)) {
						t.Errorf("%s copy in the consultant's chat has no case tag", kind)
					}
				}
			}
			d.checkNothingIdentifies(p, deskChat, d.taras.U.ID)
		})
	}
}

// messageIn is message id in chat as the fake has it now.
func messageIn(h *handlerstest.Harness, chat int64, id int) fakeapi.Message {
	for _, m := range h.API.Messages(chat) {
		if m.ID == id {
			return m
		}
	}
	return fakeapi.Message{}
}

// TestRelay_LocationOutsideCase: a location or a contact sent outside a case, in each language,
// is never offered to a consultant ("Shall I pass it on?" would send where or who the person is
// with one press): the person is told what it reveals and that it stays in this chat, with the
// plain "talk to a consultant" button when the handoff is on; nothing opens a case and nothing
// is copied.
func TestRelay_LocationOutsideCase(t *testing.T) {
	for _, handoff := range []bool{true, false} {
		for i, lang := range []string{"uk", "ru", "en"} {
			for _, kind := range []string{"location", "contact"} {
				t.Run(fmt.Sprintf("handoff=%v/%s/%s", handoff, lang, kind), func(t *testing.T) {
					h := handlerstest.Start(t, handlerstest.Options{Handoff: handoff})
					p := h.Person(int64(9800+i), lang)
					p.Send("/start")
					p.Press("lang:" + lang)
					p.Press("onb:ok")
					want := h.T(lang, "relay_location_kept")
					if kind == "contact" {
						h.API.SendContact(p.U, "+380501234567")
						want = h.T(lang, "relay_contact_kept")
					} else {
						h.API.SendLocation(p.U, 50.45, 30.52)
					}
					h.Settle()
					got := p.Last()
					if !strings.Contains(got.Text, want) {
						t.Errorf("answer: got %q, want it to say %q", got.Text, want)
					}
					if hint := h.T(lang, "relay_share_handoff"); strings.Contains(got.Text, hint) != handoff {
						t.Errorf("answer %q: the handoff hint shown=%v, want %v", got.Text, !handoff, handoff)
					}
					for _, b := range p.Buttons() {
						if strings.HasPrefix(b.Data, "ask:msg:") {
							t.Errorf("the %s is offered to a consultant: button %q", kind, b.Data)
						}
					}
					if got, want := p.HasButton("ask:gen"), handoff; got != want {
						t.Errorf("'talk to a consultant' button: got %v, want %v", got, want)
					}
					if n := len(h.API.CallsTo("copyMessage")); n != 0 {
						t.Errorf("copies made: %d", n)
					}
				})
			}
		}
	}
}
