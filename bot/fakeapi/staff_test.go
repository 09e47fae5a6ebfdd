package fakeapi

import "testing"

func TestChatScopedCommands(t *testing.T) {
	s, c := start(t, Options{})
	mustOK(t, s, c, "setMyCommands", vals("commands", `[{"command":"start","description":"Start"}]`))
	if _, ok := s.ChatCommands(42); ok {
		t.Fatal("a chat menu before any was set")
	}
	mustOK(t, s, c, "setMyCommands", vals("commands", `[{"command":"on","description":"Shift"}]`, "scope", `{"type":"chat","chat_id":42}`))
	got, ok := s.ChatCommands(42)
	if !ok || len(got) != 1 || got[0] != (Command{"on", "Shift"}) {
		t.Errorf("ChatCommands(42) = %v %v, want [on Shift]", got, ok)
	}
	if _, ok := s.ChatCommands(43); ok {
		t.Error("another chat got the menu")
	}
	if got := string(mustOK(t, s, c, "getMyCommands", vals("scope", `{"type":"chat","chat_id":42}`))); got != `[{"command":"on","description":"Shift"}]` {
		t.Errorf("getMyCommands(chat 42) = %s", got)
	}
	mustOK(t, s, c, "deleteMyCommands", vals("scope", `{"type":"chat","chat_id":42}`))
	if _, ok := s.ChatCommands(42); ok {
		t.Error("the chat menu survived deleteMyCommands")
	}
	if got := string(mustOK(t, s, c, "getMyCommands", nil)); got != `[{"command":"start","description":"Start"}]` {
		t.Errorf("default menu changed: %s", got)
	}
}
