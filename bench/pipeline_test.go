package bench

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/content"
	"github.com/ehra/peerline/handlers"
	"github.com/ehra/peerline/locales"
	"github.com/ehra/peerline/store"
)

// BenchmarkPipeline measures the whole pipeline in one process — fake getUpdates → dispatch →
// handler in a durable (fsynced) transaction → outbox → fake sendMessage — with 1,000 chats.
// One op is one update answered.
func BenchmarkPipeline(b *testing.B) {
	var answered atomic.Int64
	api := fakeapi.New(fakeapi.Options{Token: loadToken, Light: true, OnCall: func(c fakeapi.Call) {
		if c.Method == "sendMessage" && c.Status == 200 {
			answered.Add(1)
		}
	}})
	defer api.Close()
	db, err := store.Open(filepath.Join(b.TempDir(), "p.db"), store.Options{Key: store.NewKey()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	app := handlers.New(handlers.Deps{Content: content.MustLoad(), Locales: locales.MustLoad()})
	limits := bot.TelegramLimits()
	limits.Off = true
	bt := bot.New(bot.Config{Token: loadToken, APIURL: api.URL(), Limits: limits, Senders: 64, PollTimeout: 5 * time.Second, NoFloodLimit: true}, db, app.Router())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = bt.Run(ctx); close(done) }()
	<-bt.Ready()

	const chats = 1000
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		api.SendText(fakeapi.User{ID: int64(1_000_000 + i%chats), FirstName: "p"}, "/help")
		// Keep at most ~2 updates per chat outstanding.
		for int64(i)-answered.Load() > 2*chats {
			time.Sleep(100 * time.Microsecond)
		}
	}
	for answered.Load() < int64(b.N) {
		time.Sleep(100 * time.Microsecond)
	}
	b.StopTimer()
	cancel()
	<-done
}
