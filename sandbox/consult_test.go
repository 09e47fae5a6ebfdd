package sandbox

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ehra/peerline/store"
)

// TestSandboxPracticeCase: a trainer runs a practice case end to end in the sandbox — a person
// asks for a consultant, the card appears in the consultants' group (a forum), the consultant
// takes it, the case gets its own topic, both sides write, and the consultant closes it.
func TestSandboxPracticeCase(t *testing.T) {
	c := startSandbox(t)
	c.sb.mu.Lock()
	err := c.sb.db.Update(func(tx *store.Tx) error {
		return tx.PutStaff(store.Staff{UserID: consultantID, Role: store.RoleConsultant, Pseudonym: "Iryna", Langs: []string{"uk"}, OnShift: true, Joined: time.Now()})
	})
	c.sb.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	person, group := "1003", strconv.FormatInt(groupID, 10)
	c.do("POST", "/api/chats/"+person+"/send", map[string]string{"text": "/start"}, nil)
	tl := c.waitFor(person, func(tl timeline) bool { m, _ := lastBot(tl); return hasButton(m, "lang:en") })
	m, _ := lastBot(tl)
	c.do("POST", "/api/chats/"+person+"/press", map[string]any{"message_id": m.ID, "data": "lang:en"}, nil)
	tl = c.waitFor(person, func(tl timeline) bool { m, _ := lastBot(tl); return hasButton(m, "onb:ok") })
	m, _ = lastBot(tl)
	c.do("POST", "/api/chats/"+person+"/press", map[string]any{"message_id": m.ID, "data": "onb:ok"}, nil)
	tl = c.waitFor(person, func(tl timeline) bool { m, _ := lastBot(tl); return hasButton(m, "ask:gen") })
	m, _ = lastBot(tl)
	c.do("POST", "/api/chats/"+person+"/press", map[string]any{"message_id": m.ID, "data": "ask:gen"}, nil)

	var card apiMessage
	c.waitFor(group, func(tl timeline) bool {
		for _, m := range tl.Messages {
			for _, row := range m.Keyboard {
				for _, b := range row {
					if strings.HasPrefix(b.Data, "ct:") {
						card = m
						return true
					}
				}
			}
		}
		return false
	})
	c.do("POST", "/api/chats/"+group+"/press", map[string]any{"message_id": card.ID, "data": card.Keyboard[0][0].Data}, nil)
	var topics struct {
		Topics []struct {
			ID     int    `json:"id"`
			Name   string `json:"name"`
			Closed bool   `json:"closed"`
		} `json:"topics"`
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(topics.Topics) == 0 && time.Now().Before(deadline) {
		c.do("GET", "/api/chats/"+group+"/topics", nil, &topics)
		time.Sleep(20 * time.Millisecond)
	}
	if len(topics.Topics) != 1 {
		t.Fatalf("topics: %+v", topics.Topics)
	}
	thread := topics.Topics[0].ID
	c.do("POST", "/api/chats/"+group+"/send", map[string]any{"text": "Hello, I am Iryna. How can I help?", "thread": thread}, nil)
	c.waitFor(person, func(tl timeline) bool { m, _ := lastBot(tl); return strings.Contains(m.HTML, "How can I help?") })
	c.do("POST", "/api/chats/"+person+"/send", map[string]string{"text": "I need methadone in Warsaw"}, nil)
	c.waitFor(group, func(tl timeline) bool {
		for _, m := range tl.Messages {
			if m.Thread == thread && m.FromBot && strings.Contains(m.HTML, "methadone in Warsaw") {
				return true
			}
		}
		return false
	})
	c.do("POST", "/api/chats/"+group+"/send", map[string]any{"text": "/close", "thread": thread}, nil)
	tl = c.waitFor(group, func(tl timeline) bool {
		m, _ := lastBot(tl)
		return m.Thread == thread && len(m.Keyboard) > 0 && strings.HasPrefix(m.Keyboard[0][0].Data, "co:")
	})
	m, _ = lastBot(tl)
	c.do("POST", "/api/chats/"+group+"/press", map[string]any{"message_id": m.ID, "data": m.Keyboard[0][0].Data}, nil)
	deadline = time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c.do("GET", "/api/chats/"+group+"/topics", nil, &topics)
		if len(topics.Topics) == 1 && topics.Topics[0].Closed {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the case's topic was not closed: %+v", topics.Topics)
}
