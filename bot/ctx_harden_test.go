package bot

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/ehra/peerline/bot/fakeapi"
)

// TestEditOfADeletedScreenIsSentAsNew: an edit of a screen whose message was deleted in the
// meantime becomes a new message with the same text and keyboard in a private chat, and stays
// refused in a group; an edit of a message that exists still edits it in place.
func TestEditOfADeletedScreenIsSentAsNew(t *testing.T) {
	api := fakeapi.New(fakeapi.Options{Token: testToken})
	defer api.Close()
	client := newAPIClient(context.Background(), api.URL(), testToken, 5*time.Second, 1)
	person := fakeapi.User{ID: 951, FirstName: "p"}
	api.SendText(person, "/start")
	group := fakeapi.Chat{ID: -100951, Type: "supergroup", Title: "g"}
	api.AddBotToChat(group, fakeapi.User{ID: 5, FirstName: "a"})

	send := func(chat int64) int {
		t.Helper()
		res, err := client.call("sendMessage", map[string]string{"chat_id": strconv.FormatInt(chat, 10), "text": "old screen"})
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			MessageID int `json:"message_id"`
		}
		_ = json.Unmarshal(res, &m)
		return m.MessageID
	}
	edit := func(chat int64, id int) (int, error) {
		res, err := client.call("editMessageText", map[string]string{
			"chat_id": strconv.FormatInt(chat, 10), "message_id": strconv.Itoa(id), "text": "new screen",
			"reply_markup": `{"inline_keyboard":[[{"text":"Menu","callback_data":"menu"}]]}`,
		})
		var m struct {
			MessageID int `json:"message_id"`
		}
		_ = json.Unmarshal(res, &m)
		return m.MessageID, err
	}
	remove := func(chat int64, id int) {
		t.Helper()
		if _, err := client.call("deleteMessage", map[string]string{"chat_id": strconv.FormatInt(chat, 10), "message_id": strconv.Itoa(id)}); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("PrivateChatGone", func(t *testing.T) {
		id := send(person.ID)
		remove(person.ID, id)
		got, err := edit(person.ID, id)
		if err != nil {
			t.Fatalf("got %v, want the screen sent as a new message", err)
		}
		last, _ := api.LastBotMessage(person.ID)
		if got == id || last.ID != got || last.Text != "new screen" || last.Deleted || len(last.Keyboard) != 1 {
			t.Errorf("got message %d, last in the chat %+v; want a new visible \"new screen\" with its keyboard", got, last)
		}
	})
	t.Run("PrivateChatStillThere", func(t *testing.T) {
		id := send(person.ID)
		before := len(api.BotMessages(person.ID))
		if got, err := edit(person.ID, id); err != nil || got != id {
			t.Fatalf("got %d %v, want message %d edited", got, err, id)
		}
		if after := len(api.BotMessages(person.ID)); after != before {
			t.Errorf("messages: got %d, want %d (an edit, not a new message)", after, before)
		}
	})
	t.Run("GroupGone", func(t *testing.T) {
		id := send(group.ID)
		remove(group.ID, id)
		before := len(api.BotMessages(group.ID))
		if _, err := edit(group.ID, id); decide(err) != outcomeFinal {
			t.Errorf("got %v, want the edit refused for good", err)
		}
		if after := len(api.BotMessages(group.ID)); after != before {
			t.Errorf("messages in the group: got %d, want %d", after, before)
		}
	})
}
