package bench

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/content"
	"github.com/ehra/peerline/handlers"
	"github.com/ehra/peerline/locales"
	"github.com/ehra/peerline/store"
)

// TestRelayLoad measures the peer-consultant relay with 500 open cases (50 consultants holding
// 10 each, private workspace): the time from a person's message arriving at the fake Bot API to
// its copy arriving in the consultant's chat, through the whole pipeline (poll → handler in a
// durable transaction → outbox → copyMessage), with Telegram's limits off; and the process's
// peak RSS. Figures are printed, not asserted. Run with PEERLINE_LOAD=1 (make bench).
func TestRelayLoad(t *testing.T) {
	if os.Getenv("PEERLINE_LOAD") == "" {
		t.Skip("set PEERLINE_LOAD=1 (make bench)")
	}
	const cases, consultants, messages = 500, 50, 5000
	var mu sync.Mutex
	sentAt := map[string]time.Time{}
	var lat []time.Duration
	var copied atomic.Int64
	api := fakeapi.New(fakeapi.Options{Token: loadToken, Light: true, OnCall: func(c fakeapi.Call) {
		if c.Method != "copyMessage" || c.Status != 200 {
			return
		}
		key := c.Params["from_chat_id"] + ":" + c.Params["message_id"]
		mu.Lock()
		if t0, ok := sentAt[key]; ok {
			lat = append(lat, time.Since(t0))
			delete(sentAt, key)
		}
		mu.Unlock()
		copied.Add(1)
	}})
	defer api.Close()
	db, err := store.Open(filepath.Join(t.TempDir(), "p.db"), store.Options{Key: store.NewKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// Consultants and open cases, written as the flows would leave them.
	person := func(i int) fakeapi.User { return fakeapi.User{ID: int64(2_000_000 + i), FirstName: "p"} }
	consultant := func(i int) fakeapi.User { return fakeapi.User{ID: int64(3_000_000 + i), FirstName: "c"} }
	for i := range consultants {
		api.SendText(consultant(i), "hi") // the private chat exists
	}
	err = db.Update(func(tx *store.Tx) error {
		for i := range consultants {
			if err := tx.PutStaff(store.Staff{UserID: consultant(i).ID, Role: store.RoleConsultant, Pseudonym: "c" + strconv.Itoa(i),
				OnShift: true, Capacity: cases / consultants, Joined: time.Now()}); err != nil {
				return err
			}
		}
		for i := range cases {
			code, err := tx.NewCaseCode()
			if err != nil {
				return err
			}
			if err := tx.PutCase(store.Case{Code: code, State: store.CaseTaken, Lang: "uk", Topic: "gen", Created: time.Now().Unix(),
				Person: person(i).ID, Consultant: consultant(i % consultants).ID}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	app := handlers.New(handlers.Deps{Content: content.MustLoad(), Locales: locales.MustLoad()})
	limits := bot.TelegramLimits()
	limits.Off = true
	bt := bot.New(bot.Config{Token: loadToken, APIURL: api.URL(), Limits: limits, Senders: 64, PollTimeout: 5 * time.Second, NoFloodLimit: true}, db, app.Router())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = bt.Run(ctx); close(done) }()
	<-bt.Ready()
	// Let the consultants' "hi" be answered before measuring.
	api.WaitFor(30*time.Second, func() bool { return api.Pending() == 0 && bt.Idle() })
	base := copied.Load()

	start := time.Now()
	for i := range messages {
		u := person(i % cases)
		mu.Lock()
		m := api.SendText(u, "message "+strconv.Itoa(i))
		sentAt[strconv.FormatInt(u.ID, 10)+":"+strconv.Itoa(m.ID)] = time.Now()
		mu.Unlock()
		// At most two messages per case outstanding, as people type.
		for int64(i+1)-(copied.Load()-base) > 2*cases {
			time.Sleep(100 * time.Microsecond)
		}
	}
	if !api.WaitFor(2*time.Minute, func() bool { return copied.Load()-base >= messages }) {
		t.Fatalf("copies: %d of %d", copied.Load()-base, messages)
	}
	elapsed := time.Since(start)
	cancel()
	<-done

	mu.Lock()
	slices.Sort(lat)
	p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
	mu.Unlock()
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	t.Logf("relay with %d open cases: %d messages in %s (%.0f/s); person → copy p50 %s, p99 %s; peak RSS %.1f MB (bot, fake and load generator in one process)",
		cases, messages, elapsed.Round(time.Millisecond), float64(messages)/elapsed.Seconds(),
		p50.Round(100*time.Microsecond), p99.Round(100*time.Microsecond), float64(ru.Maxrss)/1024)
}
