package main

import (
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/store"
)

// TestCrash_RelayKillNine: people talk to consultants through the built binary while it is
// killed with SIGKILL and restarted; afterwards every message has reached its consultant, in
// order, and a message is repeated only when its copy was in flight at a kill (Telegram has no
// idempotency key): at most once per kill in a chat.
func TestCrash_RelayKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds and runs the binary")
	}
	bin := buildBinary(t)
	api := fakeapi.New(fakeapi.Options{Token: crashToken})
	defer api.Close()
	data := t.TempDir()
	key := store.NewKey()
	const people, consultants, perPerson, kills = 40, 8, 30, 4
	person := func(i int) fakeapi.User {
		return fakeapi.User{ID: int64(6_000_001 + i), FirstName: "x", LanguageCode: "uk"}
	}
	consultant := func(i int) int64 { return int64(7_000_001 + i) }

	// Open cases, held by consultants, as the flows leave them after "Take".
	db, err := store.Open(filepath.Join(data, "peerline.db"), store.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *store.Tx) error {
		for i := range consultants {
			if err := tx.PutStaff(store.Staff{UserID: consultant(i), Role: store.RoleConsultant, Pseudonym: "c" + strconv.Itoa(i),
				OnShift: true, Capacity: people, Joined: time.Now()}); err != nil {
				return err
			}
		}
		for i := range people {
			code, err := tx.NewCaseCode()
			if err != nil {
				return err
			}
			if err := tx.PutCase(store.Case{Code: code, State: store.CaseTaken, Lang: "uk", Topic: "gen", Created: time.Now().Unix(),
				Person: person(i).ID, Consultant: consultant(i % consultants)}); err != nil {
				return err
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	for i := range consultants {
		api.RegisterChat(fakeapi.Chat{ID: consultant(i), Type: fakeapi.ChatPrivate})
	}

	env := []string{
		"PEERLINE_TOKEN=" + crashToken, "PEERLINE_API_URL=" + api.URL(), "PEERLINE_DATA=" + data,
		"PEERLINE_KEY=" + strings.TrimSpace(store.EncodeKey(key)), "PEERLINE_RATE_LIMITS=off",
		"PEERLINE_FLOOD=off", "PEERLINE_LOG=info", "PEERLINE_SENDERS=8",
	}
	logs := &lockedBuffer{}
	loadDone := make(chan struct{})
	go func() {
		defer close(loadDone)
		for n := range perPerson {
			for i := range people {
				api.SendText(person(i), "p"+strconv.Itoa(i)+"m"+strconv.Itoa(n))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	rng := rand.New(rand.NewPCG(3, 4))
	p := startProc(t, bin, env, logs)
	for k := range kills {
		deadline := time.Now().Add(30 * time.Second)
		for strings.Count(logs.String(), "connected to the Bot API") < k+1 {
			if time.Now().After(deadline) {
				t.Fatalf("run %d did not connect\n%s", k+1, tail(logs.String()))
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(80+rng.IntN(170)) * time.Millisecond)
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
		p = startProc(t, bin, env, logs)
	}
	<-loadDone

	// Per person: the copies in their consultant's chat, in order of first arrival.
	copies := func(i int) []string {
		var out []string
		prefix := "p" + strconv.Itoa(i) + "m"
		for _, m := range api.BotMessages(consultant(i % consultants)) {
			if strings.HasPrefix(m.Text, prefix) {
				out = append(out, m.Text)
			}
		}
		return out
	}
	complete := func() bool {
		for i := range people {
			seen := map[string]bool{}
			for _, c := range copies(i) {
				seen[c] = true
			}
			if len(seen) < perPerson {
				return false
			}
		}
		return true
	}
	if !api.WaitFor(90*time.Second, func() bool { return api.Pending() == 0 && complete() }) {
		t.Fatalf("not every message reached its consultant\n%s", tail(logs.String()))
	}
	time.Sleep(300 * time.Millisecond)
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done

	dups := 0
	for i := range people {
		var order []string
		seen := map[string]bool{}
		for _, c := range copies(i) {
			if seen[c] {
				dups++
				continue
			}
			seen[c] = true
			order = append(order, c)
		}
		for n, c := range order {
			if want := "p" + strconv.Itoa(i) + "m" + strconv.Itoa(n); c != want {
				t.Errorf("person %d: message %d arrived as %q, want %q (order lost)", i, n, c, want)
				break
			}
		}
		if d := len(copies(i)) - len(order); d > kills {
			t.Errorf("person %d: %d repeated copies, more than one per kill", i, d)
		}
	}
	t.Logf("relay crash test: %d people × %d messages, %d SIGKILLs: all delivered in order, %d repeated copies (calls in flight at a kill)",
		people, perPerson, kills, dups)
	if out := logs.String(); strings.Contains(out, strconv.Itoa(6_000_001)) {
		t.Error("a chat id appears in the bot's output")
	}
}
