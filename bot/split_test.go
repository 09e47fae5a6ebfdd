package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitHTML(t *testing.T) {
	t.Run("ShortTextIsOnePart", func(t *testing.T) {
		if got := SplitHTML("<b>hi</b>", MaxTextLen); len(got) != 1 || got[0] != "<b>hi</b>" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("TenThousandCharactersOnLines", func(t *testing.T) {
		var b strings.Builder
		for i := 0; b.Len() < 10000*2; i++ { // Cyrillic: two bytes a character
			b.WriteString("Рядок номер ")
			b.WriteString(strings.Repeat("ї", i%40))
			b.WriteString("\n")
		}
		text := b.String()
		parts := SplitHTML(text, MaxTextLen)
		if len(parts) < 3 {
			t.Fatalf("got %d parts, want at least 3", len(parts))
		}
		for i, p := range parts {
			if n := VisibleLen(p); n > MaxTextLen {
				t.Errorf("part %d: %d characters", i, n)
			}
			if !utf8.ValidString(p) {
				t.Errorf("part %d is not valid UTF-8", i)
			}
			if i < len(parts)-1 && !strings.HasSuffix(p, "\n") {
				t.Errorf("part %d does not end at a line break: …%q", i, p[len(p)-20:])
			}
		}
		if got := strings.Join(parts, ""); got != text {
			t.Errorf("parts do not add up to the text: %d vs %d bytes", len(got), len(text))
		}
	})
	t.Run("OneLongLineSplitsOnWords", func(t *testing.T) {
		text := strings.Repeat("слово ", 2000) // 12,000 characters, no line breaks
		parts := SplitHTML(text, MaxTextLen)
		for i, p := range parts {
			if VisibleLen(p) > MaxTextLen {
				t.Errorf("part %d too long", i)
			}
			if i < len(parts)-1 && !strings.HasSuffix(p, " ") {
				t.Errorf("part %d cut inside a word: …%q", i, p[len(p)-12:])
			}
		}
		if got := strings.Join(parts, ""); strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(text, " ", "") {
			t.Error("words lost or changed")
		}
	})
	t.Run("NoSpacesCutsOnCharacters", func(t *testing.T) {
		text := strings.Repeat("🆘", 3000) // 2 UTF-16 units each
		parts := SplitHTML(text, MaxTextLen)
		total := 0
		for _, p := range parts {
			if !utf8.ValidString(p) || VisibleLen(p) > MaxTextLen {
				t.Fatalf("bad part: valid=%v len=%d", utf8.ValidString(p), VisibleLen(p))
			}
			total += utf8.RuneCountInString(p)
		}
		if total != 3000 {
			t.Fatalf("got %d emoji, want 3000", total)
		}
	})
	t.Run("TagsClosedAndReopened", func(t *testing.T) {
		text := "<b>" + strings.Repeat("bold words ", 500) + "</b> &amp; after"
		parts := SplitHTML(text, 1000)
		for i, p := range parts {
			if strings.Count(p, "<b>") != strings.Count(p, "</b>") {
				t.Errorf("part %d has unbalanced <b>: %q…", i, p[:30])
			}
			if strings.Contains(p, "&am") && !strings.Contains(p, "&amp;") {
				t.Errorf("part %d cuts an entity", i)
			}
		}
	})
}

func TestSendSplitsAndKeepsKeyboardOnLastPart(t *testing.T) {
	o := NewOut(timeNow())
	o.Send(Message{ChatID: 5, Text: strings.Repeat("line\n", 2000), Keyboard: Keyboard{Row(Btn("x", "y"))}, Ref: "first"})
	calls := o.Calls()
	if len(calls) != 3 {
		t.Fatalf("got %d calls, want 3", len(calls))
	}
	for i, c := range calls {
		_, hasKB := c.Params["reply_markup"]
		if hasKB != (i == len(calls)-1) {
			t.Errorf("call %d: keyboard %v", i, hasKB)
		}
		if (c.Ref == "first") != (i == 0) {
			t.Errorf("call %d: ref %q", i, c.Ref)
		}
	}
}

func TestSendPhotoLongCaptionGoesToAFollowingMessage(t *testing.T) {
	o := NewOut(timeNow())
	caption := strings.Repeat("Підпис до фото. ", 120) // ~1,900 characters
	o.SendPhoto(Photo{ChatID: -100, File: "f", Caption: caption, Keyboard: Keyboard{Row(Btn("x", "y"))}})
	calls := o.Calls()
	if len(calls) != 2 || calls[0].Method != "sendPhoto" || calls[1].Method != "sendMessage" {
		t.Fatalf("calls: %+v", calls)
	}
	if n := VisibleLen(calls[0].Params["caption"]); n > MaxCaptionLen {
		t.Errorf("caption %d characters", n)
	}
	got := strings.ReplaceAll(calls[0].Params["caption"]+calls[1].Params["text"], " ", "")
	if got != strings.ReplaceAll(caption, " ", "") {
		t.Errorf("caption and follow-up do not add up to the caption")
	}
	if _, ok := calls[0].Params["reply_markup"]; ok {
		t.Error("keyboard on the photo; want it on the last message")
	}
	if !calls[0].Group {
		t.Error("negative chat id should count as a group")
	}
}

func TestGrid(t *testing.T) {
	b := []Button{Btn("1", "a"), Btn("2", "b"), Btn("3", "c"), Btn("4", "d"), Btn("5", "e")}
	kb := Grid(2, b...)
	if len(kb) != 3 || len(kb[0]) != 2 || len(kb[2]) != 1 || kb[2][0].Data != "e" {
		t.Fatalf("Grid(2, 5 buttons): %+v", kb)
	}
	if len(Grid(3)) != 0 {
		t.Fatal("Grid of nothing is not empty")
	}
}
