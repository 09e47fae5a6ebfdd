package fakeapi

import (
	"encoding/json"
	"slices"
	"strconv"
	"testing"
)

// TestRelayKinds: a user sends a video (with a captioned, bold entity), a video note, a document
// and a sticker; tgbotapi decodes each with its file id; copyMessage and copyMessages copy kind,
// file id, caption, entities and protect_content; a caption can be edited on a video but not on
// a sticker.
func TestRelayKinds(t *testing.T) {
	s, c := start(t, Options{})
	s.SendText(bob, "/start")
	forum := Chat{ID: -100900, Type: ChatSupergroup, Title: "F", Forum: true}
	bold := Entity{Type: "bold", Offset: 0, Length: 4}
	sent := []Message{
		s.SendMedia(alice, Chat{}, 0, KindVideo, "look here", bold),
		s.SendMedia(alice, Chat{}, 0, KindVideoNote, ""),
		s.SendMedia(alice, Chat{}, 0, KindDocument, "the paper"),
		s.SendMedia(alice, Chat{}, 0, KindSticker, ""),
		s.SendMedia(bob, forum, 0, KindVideo, "in a group"),
	}
	ups := updates(t, s, c, nil)[1:]
	if len(ups) != len(sent) {
		t.Fatalf("got %d updates, want %d", len(ups), len(sent))
	}
	type decoded struct{ kind, file, caption string }
	var got []decoded
	for _, u := range ups {
		m := u.Message
		d := decoded{caption: m.Caption}
		switch {
		case m.Video != nil:
			d.kind, d.file = KindVideo, m.Video.FileID
		case m.VideoNote != nil:
			d.kind, d.file = KindVideoNote, m.VideoNote.FileID
		case m.Document != nil:
			d.kind, d.file = KindDocument, m.Document.FileID
		case m.Sticker != nil:
			d.kind, d.file = KindSticker, m.Sticker.FileID
		}
		got = append(got, d)
	}
	for i, m := range sent {
		want := decoded{m.Kind(), m.FileID(), m.Text}
		if got[i] != want || want.file == "" {
			t.Errorf("update %d: got %+v, want %+v", i, got[i], want)
		}
	}
	if e := ups[0].Message.CaptionEntities; len(e) != 1 || e[0].Type != "bold" || e[0].Length != 4 {
		t.Errorf("video caption entities: got %+v, want bold 0..4", e)
	}

	for _, m := range sent[:4] {
		mustOK(t, s, c, "copyMessage", vals("chat_id", id(bob.ID), "from_chat_id", id(alice.ID), "message_id", strconv.Itoa(m.ID), "protect_content", "true"))
	}
	ids, _ := json.Marshal([]int{sent[0].ID, sent[1].ID})
	mustOK(t, s, c, "copyMessages", vals("chat_id", id(bob.ID), "from_chat_id", id(alice.ID), "message_ids", string(ids)))
	copies := s.Messages(bob.ID)[1:] // after bob's /start
	if len(copies) != 6 {
		t.Fatalf("bob has %d copies, want 6", len(copies))
	}
	for i, cp := range copies {
		src := sent[i%4] // four copies, then the first two again with copyMessages
		wantProtect := i < 4
		if cp.Kind() != src.Kind() || cp.FileID() != src.FileID() || cp.Text != src.Text || cp.ProtectContent != wantProtect || cp.CopiedFrom == nil || cp.CopiedFrom.MessageID != src.ID {
			t.Errorf("copy %d: got %s %q %q protect=%v, want %s %q %q protect=%v", i, cp.Kind(), cp.FileID(), cp.Text, cp.ProtectContent, src.Kind(), src.FileID(), src.Text, wantProtect)
		}
	}
	if got, want := s.Entities(bob.ID, copies[0].ID), []Entity{bold}; !slices.Equal(got, want) {
		t.Errorf("the video copy's caption entities: got %+v, want %+v", got, want)
	}
	mustOK(t, s, c, "editMessageCaption", vals("chat_id", id(bob.ID), "message_id", strconv.Itoa(copies[0].ID), "caption", "edited"))
	wantErr(t, s, c, "editMessageCaption", vals("chat_id", id(bob.ID), "message_id", strconv.Itoa(copies[3].ID), "caption", "x"), 400, errNoCaptionToEdit)
	wantErr(t, s, c, "editMessageText", vals("chat_id", id(bob.ID), "message_id", strconv.Itoa(copies[0].ID), "text", "x"), 400, errNoTextToEdit)
}
