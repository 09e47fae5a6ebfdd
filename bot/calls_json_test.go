package bot

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestKeyboardJSON_SameAsReflection: the hand-written reply_markup encodings decode to what
// encoding/json would have produced.
func TestKeyboardJSON_SameAsReflection(t *testing.T) {
	type button struct {
		Text         string `json:"text"`
		CallbackData string `json:"callback_data,omitempty"`
		URL          string `json:"url,omitempty"`
	}
	type inline struct {
		InlineKeyboard [][]button `json:"inline_keyboard"`
	}
	awkward := "«Так» \"quoted\" back\\slash\nline \u2029 \x02 \xff 😀 <b>&"
	for _, kb := range []Keyboard{
		{},
		{Row(Btn("Overdose", "od"), Btn(awkward, "ask:msg:12"))},
		{Row(Button{Text: "site", URL: "https://example.org/?a=1&b=\"2\""}), Row(Btn("x", "y"))},
	} {
		var want inline
		for _, r := range kb {
			row := []button{}
			for _, b := range r {
				row = append(row, button{b.Text, b.Data, b.URL})
			}
			want.InlineKeyboard = append(want.InlineKeyboard, row)
		}
		wantJSON, _ := json.Marshal(want)
		var g, w inline
		if err := json.Unmarshal([]byte(kb.json()), &g); err != nil {
			t.Fatalf("%s: %v", kb.json(), err)
		}
		_ = json.Unmarshal(wantJSON, &w)
		if w.InlineKeyboard == nil {
			w.InlineKeyboard = [][]button{}
		}
		if g.InlineKeyboard == nil {
			g.InlineKeyboard = [][]button{}
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("inline keyboard:\ngot  %s\nwant %s", kb.json(), wantJSON)
		}
	}

	type reply struct {
		Keyboard [][]struct {
			Text string `json:"text"`
		} `json:"keyboard"`
		Persistent bool `json:"is_persistent"`
		Resize     bool `json:"resize_keyboard"`
		Remove     bool `json:"remove_keyboard"`
	}
	for _, rk := range []ReplyKeyboard{
		{Rows: [][]string{{"🆘 Передозування", awkward}, {"Меню"}}, Persistent: true},
		{Rows: [][]string{{"a"}}},
		{Remove: true},
	} {
		var g reply
		if err := json.Unmarshal([]byte(rk.json()), &g); err != nil {
			t.Fatalf("%s: %v", rk.json(), err)
		}
		if rk.Remove {
			if !g.Remove {
				t.Errorf("remove keyboard: got %s", rk.json())
			}
			continue
		}
		var texts [][]string
		for _, row := range g.Keyboard {
			var r []string
			for _, b := range row {
				r = append(r, b.Text)
			}
			texts = append(texts, r)
		}
		want := [][]string{}
		for _, row := range rk.Rows {
			var r []string
			for _, t := range row {
				b, _ := json.Marshal(t)
				var s string
				_ = json.Unmarshal(b, &s) // invalid UTF-8 → U+FFFD, as encoding/json does
				r = append(r, s)
			}
			want = append(want, r)
		}
		if !reflect.DeepEqual(texts, want) || g.Persistent != rk.Persistent || !g.Resize {
			t.Errorf("reply keyboard: got %s", rk.json())
		}
	}
}
