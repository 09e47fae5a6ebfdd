package fakeapi

import (
	"encoding/json"
	"strconv"
)

// Command is a bot command as the fake holds it.
type Command struct {
	Command     string
	Description string
}

// ChatCommands returns the command menu set for one chat (setMyCommands with scope
// {"type":"chat","chat_id":chatID} and no language code), and whether one is set: what a staff
// member's private chat shows instead of the default menu.
func (s *Server) ChatCommands(chatID int64) ([]Command, bool) {
	s.mu.Lock()
	b, ok := s.commands["chat/"+strconv.FormatInt(chatID, 10)+"/0|"]
	s.mu.Unlock()
	if !ok {
		return nil, false
	}
	var list []wBotCommand
	_ = json.Unmarshal(b, &list)
	out := make([]Command, len(list))
	for i, c := range list {
		out[i] = Command(c)
	}
	return out, true
}
