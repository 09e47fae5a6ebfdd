package store

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestOutboxEntry_MarshalJSONReadsBack: the hand-written encoding decodes to the same entry as
// the reflection-based one would, for awkward texts too.
func TestOutboxEntry_MarshalJSONReadsBack(t *testing.T) {
	type reflected OutboxEntry // the same fields without the MarshalJSON method
	for _, e := range []OutboxEntry{
		{Method: "getMe"},
		{ChatID: -1001234, Group: true, Method: "sendMessage", Params: map[string]string{"chat_id": "-1001234", "text": "<b>Привіт</b> \"quoted\" back\\slash\nnew\tline \u2028 \x01 😀"},
			Urgent: true, Background: true, Ref: "case:7", Created: 1700000000123, Trail: 3600},
		{ChatID: 42, Method: "sendMessage", Params: map[string]string{"text": "bad utf-8: \xff\xfe end", "reply_markup": `{"inline_keyboard":[[{"text":"a","callback_data":"b"}]]}`}},
		{ChatID: 5, Method: "deleteMessage", Params: map[string]string{}},
	} {
		got, err := e.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(reflected(e))
		if err != nil {
			t.Fatal(err)
		}
		var g, w OutboxEntry
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("%s: %v", got, err)
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("read back:\ngot  %+v\nwant %+v\n(encoded %s)", g, w, got)
		}
	}
}
