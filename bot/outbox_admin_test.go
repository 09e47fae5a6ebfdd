package bot

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ehra/peerline/store"
)

// TestOutbox_ChannelPostsStayUnder20AMinute: a wave of posts to one channel is paced so that no
// 60-second window holds more than 20 of them, while a private chat's call enqueued after the
// wave goes at once.
func TestOutbox_ChannelPostsStayUnder20AMinute(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	o := newOutbox(nil, nil, TelegramLimits(), 8, slog.New(slog.DiscardHandler), &Metrics{})
	o.clock = func() time.Time { return now }
	o.global = newBucket(o.limits.Global, now)
	var wave []store.OutboxEntry
	for i := 0; i < 60; i++ {
		wave = append(wave, store.OutboxEntry{ID: uint64(i + 1), ChatID: -100500, Group: true, Method: "sendMessage", Background: true})
	}
	o.add(wave)
	o.add([]store.OutboxEntry{{ID: 1000, ChatID: 42, Method: "sendMessage"}})
	var sent []time.Time
	personAt := time.Time{}
	for step := 0; step < 4*60*10; step++ { // four minutes in 100 ms steps
		for {
			o.mu.Lock()
			it, ch, _, ok := o.take(now)
			o.mu.Unlock()
			if !ok {
				break
			}
			if it.id == 1000 {
				personAt = now
			} else {
				sent = append(sent, now)
			}
			o.finish(it, store.OutboxEntry{}, ch, nil, false)
		}
		now = now.Add(100 * time.Millisecond)
	}
	if personAt.IsZero() || personAt.Sub(sent[0]) > time.Second {
		t.Errorf("the person's call went at %v, the wave began at %v", personAt, sent[0])
	}
	for i := range sent {
		j := i
		for j < len(sent) && sent[j].Sub(sent[i]) < time.Minute {
			j++
		}
		if j-i > 20 {
			t.Fatalf("%d posts within a minute from %v", j-i, sent[i])
		}
	}
	if len(sent) < 50 {
		t.Errorf("only %d of 60 posts sent in four minutes", len(sent))
	}
}

// TestCallError_NotSentOnlyWhenNoConnection: a refused connection is "not sent" (a post may be
// tried again); a connection dropped after the request is not (the post may exist).
func TestCallError_NotSentOnlyWhenNoConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	dropping := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		conn.Close()
	}))
	defer dropping.Close()
	tests := []struct {
		name, url   string
		wantNotSent bool
	}{
		{"refused", closed, true},
		{"dropped", dropping.URL, false},
	}
	for _, tt := range tests {
		c := newAPIClient(context.Background(), tt.url, "1:x", 2*time.Second, 1)
		_, err := c.call("sendMessage", map[string]string{"chat_id": "-1", "text": "x"})
		var ce *CallError
		if !errors.As(err, &ce) || !ce.Transport || ce.NotSent != tt.wantNotSent {
			t.Errorf("%s: %+v, want a transport error with NotSent %v", tt.name, ce, tt.wantNotSent)
		}
	}
}
