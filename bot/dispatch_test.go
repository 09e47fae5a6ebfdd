package bot

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestTrackerWatermark(t *testing.T) {
	tr := newTracker(100)
	if off, n, _ := tr.watermark(); off != 100 || n != 0 {
		t.Fatalf("empty: got %d %d", off, n)
	}
	for _, id := range []int64{100, 101, 102} {
		if !tr.add(id) {
			t.Fatalf("add %d refused", id)
		}
	}
	if tr.add(101) {
		t.Fatal("a duplicate was accepted")
	}
	tr.finish(101)
	if off, _, _ := tr.watermark(); off != 100 {
		t.Fatalf("after 101 done: got %d, want 100 (100 still in hand)", off)
	}
	tr.finish(100)
	if off, _, _ := tr.watermark(); off != 102 {
		t.Fatalf("after 100 done: got %d, want 102", off)
	}
	tr.finish(102)
	if off, n, _ := tr.watermark(); off != 103 || n != 0 {
		t.Fatalf("all done: got %d %d, want 103 0", off, n)
	}
	if tr.add(99) {
		t.Fatal("an update below the watermark was accepted")
	}
}

// TestDispatcherOrderPerChatParallelAcross checks that one chat's updates run one at a time in
// order while other chats run at the same time.
func TestDispatcherOrderPerChatParallelAcross(t *testing.T) {
	var mu sync.Mutex
	seen := map[int64][]int{}
	running := map[int64]int{}
	var maxParallel, cur atomic.Int64
	var wg sync.WaitGroup
	d := newDispatcher(16, func(u *tgbotapi.Update) {
		defer wg.Done()
		chat := u.Message.Chat.ID
		mu.Lock()
		running[chat]++
		if running[chat] > 1 {
			t.Errorf("chat %d: two updates at once", chat)
		}
		mu.Unlock()
		if n := cur.Add(1); n > maxParallel.Load() {
			maxParallel.Store(n)
		}
		time.Sleep(time.Millisecond)
		cur.Add(-1)
		mu.Lock()
		running[chat]--
		seen[chat] = append(seen[chat], u.UpdateID)
		mu.Unlock()
	})
	id := 0
	for i := 0; i < 20; i++ {
		for chat := int64(1); chat <= 8; chat++ {
			id++
			wg.Add(1)
			d.dispatch(&tgbotapi.Update{UpdateID: id, Message: &tgbotapi.Message{Chat: &tgbotapi.Chat{ID: chat}}})
		}
	}
	wg.Wait()
	d.close()
	d.wait()
	for chat, ids := range seen {
		for i := 1; i < len(ids); i++ {
			if ids[i] < ids[i-1] {
				t.Fatalf("chat %d out of order: %v", chat, ids)
			}
		}
		if len(ids) != 20 {
			t.Errorf("chat %d: %d updates, want 20", chat, len(ids))
		}
	}
	if maxParallel.Load() < 2 {
		t.Errorf("chats never ran in parallel (max %d)", maxParallel.Load())
	}
}
