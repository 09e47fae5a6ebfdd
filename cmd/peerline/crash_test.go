package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/store"
)

const crashToken = "555000111:CRASH-test-token-abcdefghijklmnopqrstuv"

// buildBinary builds cmd/peerline once per test binary.
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "peerline-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "peerline")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// proc is one run of the built binary.
type proc struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	done   chan struct{}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func startProc(t *testing.T, bin string, env []string, logs *lockedBuffer) *proc {
	t.Helper()
	cmd := exec.Command(bin, "run")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = logs
	cmd.Stdout = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, stderr: logs, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	return p
}

// TestCrash_KillNineUnderLoad runs the built binary under a stream of updates from many chats,
// kills it with SIGKILL at random moments, restarts it, and checks that every update got its
// answer, that no update's effect was applied twice, and how many sends were repeated.
func TestCrash_KillNineUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds and runs the binary")
	}
	bin := buildBinary(t)
	api := fakeapi.New(fakeapi.Options{Token: crashToken})
	defer api.Close()
	data := t.TempDir()
	key := store.NewKey()
	env := []string{
		"PEERLINE_TOKEN=" + crashToken,
		"PEERLINE_API_URL=" + api.URL(),
		"PEERLINE_DATA=" + data,
		"PEERLINE_KEY=" + strings.TrimSpace(store.EncodeKey(key)),
		"PEERLINE_RATE_LIMITS=off",
		"PEERLINE_FLOOD=off", // each chat sends 40 updates a second here
		"PEERLINE_LOG=info",
		"PEERLINE_SENDERS=8", // the bound on repeated sends below
	}
	logs := &lockedBuffer{}

	const chats, perChat, kills = 100, 40, 6
	var sent atomic.Int64
	stopLoad := make(chan struct{})
	loadDone := make(chan struct{})
	go func() { // the people: each chat asks for the overdose card perChat times
		defer close(loadDone)
		for i := 0; i < perChat; i++ {
			for c := 0; c < chats; c++ {
				api.SendText(fakeapi.User{ID: int64(5_000_001 + c), FirstName: "x", LanguageCode: "uk"}, "/overdose")
				sent.Add(1)
			}
			select {
			case <-stopLoad:
				return
			case <-time.After(25 * time.Millisecond):
			}
		}
	}()

	// Each run is killed a random while after it has connected. (Killing at a random moment
	// after the start instead made "runs connected" fail on a loaded machine: a run killed
	// before getMe had answered never logged it.)
	connected := func(runs int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for strings.Count(logs.String(), "connected to the Bot API") < runs {
			if time.Now().After(deadline) {
				t.Fatalf("run %d did not connect within 30 s\n%s", runs, tail(logs.String()))
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	p := startProc(t, bin, env, logs)
	for k := 0; k < kills; k++ {
		connected(k + 1)
		time.Sleep(time.Duration(80+rng.IntN(170)) * time.Millisecond)
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
		time.Sleep(time.Duration(rng.IntN(100)) * time.Millisecond)
		p = startProc(t, bin, env, logs)
	}
	<-loadDone
	close(stopLoad)
	total := int(sent.Load())

	// Let the last run finish the work.
	answered := func() int {
		n := 0
		for c := 0; c < chats; c++ {
			n += len(api.BotMessages(int64(5_000_001 + c)))
		}
		return n
	}
	if !api.WaitFor(60*time.Second, func() bool { return api.Pending() == 0 && answered() >= total }) {
		t.Fatalf("not all answered: %d of %d, %d updates pending\n%s", answered(), total, api.Pending(), tail(logs.String()))
	}
	time.Sleep(500 * time.Millisecond) // anything still in flight
	start := time.Now()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatal("SIGTERM: the bot did not stop within 10 s")
	}
	stopTook := time.Since(start)

	// Per chat: every request answered; repeats at most one per kill.
	dups, worst := 0, 0
	for c := 0; c < chats; c++ {
		n := len(api.BotMessages(int64(5_000_001 + c)))
		if n < perChat {
			t.Errorf("chat %d: %d answers for %d requests", c, n, perChat)
		}
		d := n - perChat
		dups += d
		worst = max(worst, d)
		if d > kills {
			t.Errorf("chat %d: %d repeated sends, more than one per kill (%d kills)", c, d, kills)
		}
	}
	// Applied exactly once: the aggregate counter equals the number of updates.
	db, err := store.Open(filepath.Join(data, "peerline.db"), store.Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	var applied int64
	_ = db.View(func(tx *store.Tx) error { applied = tx.Counter("firstaid_shown_opioid"); return nil })
	db.Close()
	if applied != int64(total) {
		t.Errorf("effects applied %d times for %d updates", applied, total)
	}
	const senders = 8
	if dups > kills*senders {
		t.Errorf("%d repeated sends after %d kills: more than the %d calls that can be in flight per kill", dups, kills, senders)
	}
	t.Logf("crash test: %d updates from %d chats, %d SIGKILLs: applied %d (exactly once), answered all; repeated sends %d in total (%.1f per kill, at most %d in one chat); SIGTERM stop took %s",
		total, chats, kills, applied, dups, float64(dups)/kills, worst, stopTook.Round(time.Millisecond))

	out := logs.String()
	if runs := strings.Count(out, "connected to the Bot API"); runs != kills+1 {
		t.Errorf("%d runs connected, want %d", runs, kills+1)
	}
	if strings.Contains(out, crashToken) || strings.Contains(out, "CRASH-test-token") {
		t.Error("the token appears in the bot's output")
	}
	for c := 0; c < chats; c++ {
		if strings.Contains(out, strconv.Itoa(5_000_001+c)) {
			t.Fatalf("a chat id appears in the bot's output")
		}
	}
}

func tail(s string) string {
	if len(s) > 3000 {
		return s[len(s)-3000:]
	}
	return s
}
