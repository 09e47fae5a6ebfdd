package bot

import (
	"sync"
	"testing"
	"time"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/store"
)

// TestRaw_TopicAndAlbumIDsSurviveDecoding: tgbotapi v5.5.1 drops message_thread_id; the runtime
// decodes it from the raw update (with is_topic_message and the chat's is_forum), and the
// media_group_id of an album reaches the handler too. The topic itself is created through the
// outbox, and a message enqueued with it lands in it (its id is resolved when sent).
func TestRaw_TopicAndAlbumIDsSurviveDecoding(t *testing.T) {
	type seen struct {
		raw   Raw
		group string
	}
	var mu sync.Mutex
	var got []seen
	forum := fakeapi.Chat{ID: -100777, Type: fakeapi.ChatSupergroup, Title: "f", Forum: true}
	r := NewRouter()
	r.Command("mk", func(c *Ctx) (Next, error) {
		c.CreateTopic(forum.ID, "K3F9 · ost · uk", TopicYellow, "topic:test")
		c.InThread(Thread{Ref: "topic:test"}, func() { c.Send(Message{ChatID: forum.ID, Text: "card"}) })
		return Stay(), nil
	})
	r.Fallback(func(c *Ctx) (Next, error) {
		mu.Lock()
		got = append(got, seen{c.Raw, c.Update.Message.MediaGroupID})
		mu.Unlock()
		return Stay(), nil
	})
	rg := startRig(t, r, rigOptions{})
	rg.api.SendTextIn(forum, user(5), "/mk")
	rg.settle(5 * time.Second)
	topics := rg.api.Topics(forum.ID)
	if len(topics) != 1 {
		t.Fatalf("topics: got %d, want 1", len(topics))
	}
	thread := topics[0].ID
	var inTopic int
	for _, m := range rg.api.BotMessages(forum.ID) {
		if m.Text == "card" && m.ThreadID == thread {
			inTopic++
		}
	}
	if inTopic != 1 {
		t.Errorf("the message enqueued with the topic: got %d in topic %d, want 1", inTopic, thread)
	}
	rg.api.SendTextInTopic(forum, thread, user(5), "in the topic")
	album := rg.api.SendAlbum(user(6), 2, "")
	rg.settle(5 * time.Second)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("handled %d messages, want 3", len(got))
	}
	if want := (Raw{ThreadID: thread, TopicMessage: true, Forum: true}); got[0].raw != want {
		t.Errorf("topic message: got %+v, want %+v", got[0].raw, want)
	}
	for i := 1; i < 3; i++ {
		if got[i].group == "" || got[i].group != album[0].MediaGroup {
			t.Errorf("album message %d: media group %q, want %q", i, got[i].group, album[0].MediaGroup)
		}
	}
}

// TestOutbox_RelayRecordsCopiesReactsAndReportsRefusal: an album copied with copyMessages
// records its copies' ids under the ref and, once delivered, sets the reaction on the sender's message; a
// copy Telegram refuses sends the Undelivered notice instead.
func TestOutbox_RelayRecordsCopiesReactsAndReportsRefusal(t *testing.T) {
	r := NewRouter()
	var ids []int
	var mu sync.Mutex
	r.Fallback(func(c *Ctx) (Next, error) {
		mu.Lock()
		ids = append(ids, c.MessageID)
		n := len(ids)
		batch := append([]int(nil), ids...)
		mu.Unlock()
		switch {
		case n == 2:
			c.Relay(Relay{To: 20, From: 10, IDs: batch, Protect: true, Ref: "album",
				Delivered: &MessageRef{ChatID: 10, MessageID: batch[1]}, DeliveredEmoji: "👌"})
		case n == 3:
			c.Relay(Relay{To: 20, From: 10, IDs: []int{9999}, Ref: "lost",
				Undelivered: &Message{ChatID: 10, Text: "not delivered"}})
		}
		return Stay(), nil
	})
	rg := startRig(t, r, rigOptions{})
	rg.api.SendText(user(20), "hello") // makes chat 20 known
	rg.settle(5 * time.Second)
	mu.Lock()
	ids = nil
	mu.Unlock()
	rg.api.SendAlbum(user(10), 2, "")
	rg.settle(5 * time.Second)
	copies := rg.api.BotMessages(20)
	if len(copies) != 2 || !copies[0].ProtectContent || copies[0].MediaGroup == "" {
		t.Fatalf("copies: %+v, want 2 protected, as an album", copies)
	}
	_ = rg.db.View(func(tx *store.Tx) error {
		ref, found, _ := tx.Ref("album")
		if !found || ref.MessageID != copies[0].ID || len(ref.More) != 1 || ref.More[0] != copies[1].ID {
			t.Errorf("ref album: %+v, want messages %d and %d", ref, copies[0].ID, copies[1].ID)
		}
		return nil
	})
	msgs := rg.api.Messages(10)
	if got := msgs[len(msgs)-1].Reaction; got != "👌" {
		t.Errorf("reaction on the sender's message: got %q, want 👌", got)
	}
	rg.api.SendText(user(10), "third")
	rg.settle(5 * time.Second)
	if m, _ := rg.api.LastBotMessage(10); m.Text != "not delivered" {
		t.Errorf("after a refused copy: got %q, want the notice", m.Text)
	}
}
