package bench

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
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

// idleCutoff ends a run when no answer came for this long: longer than the outbox's longest
// retry backoff (30 s), so a reply that is still being retried is not counted as lost.
const idleCutoff = 35 * time.Second

const loadToken = "424242424:LOAD-test-token-abcdefghijklmnopqrstuvw"

type loadResult struct {
	name        string
	updates     int
	answered    int
	elapsed     time.Duration
	p50, p99    time.Duration
	peakRSSKB   int64
	failedCalls int64
}

func (r loadResult) perSecond() float64 { return float64(r.answered) / r.elapsed.Seconds() }

// TestLoad runs the load test when PEERLINE_LOAD=1 (make bench). PEERLINE_LOAD_CHATS and
// PEERLINE_LOAD_PER_CHAT change its size.
func TestLoad(t *testing.T) {
	if os.Getenv("PEERLINE_LOAD") != "1" {
		t.Skip("set PEERLINE_LOAD=1 (make bench)")
	}
	chats := envInt("PEERLINE_LOAD_CHATS", 1000)
	perChat := envInt("PEERLINE_LOAD_PER_CHAT", 60)
	bin := buildPeerline(t)

	self, _ := os.Executable()
	echo := func(api string) *exec.Cmd {
		c := exec.Command(self, "-test.run=^TestEchoBotProcess$")
		c.Env = append(os.Environ(), "PEERLINE_ECHO_BOT=1", "PEERLINE_TOKEN="+loadToken, "PEERLINE_API_URL="+api)
		return c
	}
	peerline := func(api string) *exec.Cmd {
		c := exec.Command(bin, "run")
		c.Env = append(os.Environ(), "PEERLINE_TOKEN="+loadToken, "PEERLINE_API_URL="+api,
			"PEERLINE_DATA="+t.TempDir(), "PEERLINE_KEY="+strings.TrimSpace(store.EncodeKey(store.NewKey())),
			"PEERLINE_RATE_LIMITS=off", "PEERLINE_FLOOD=off", "PEERLINE_SENDERS=64", "PEERLINE_LOG=warn")
		if g := os.Getenv("PEERLINE_LOAD_GOGC"); g != "" {
			c.Env = append(c.Env, "GOGC="+g)
		}
		return c
	}

	var results []loadResult
	for _, failRate := range []float64{0, 0.10} {
		for _, run := range []struct {
			name string
			cmd  func(string) *exec.Cmd
		}{{"peerline (durable)", peerline}, {"tgbotapi echo (no store)", echo}} {
			name := run.name
			if failRate > 0 {
				name += fmt.Sprintf(", %d%% API failures", int(failRate*100))
			}
			r := runLoad(t, name, run.cmd, chats, perChat, failRate)
			results = append(results, r)
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "\nload: %d concurrent chats × %d updates each, closed loop (a chat sends its next update when answered)\n", chats, perChat)
	fmt.Fprintf(&b, "%-42s %10s %10s %9s %9s %9s %12s\n", "bot", "updates/s", "answered", "p50", "p99", "peak RSS", "lost (of sent)")
	for _, r := range results {
		lost := r.updates - r.answered
		fmt.Fprintf(&b, "%-42s %10.0f %10d %9s %9s %7.1fMB %5d (%.1f%%)\n", r.name, r.perSecond(), r.answered,
			r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond), float64(r.peakRSSKB)/1024, lost, 100*float64(lost)/float64(r.updates))
	}
	fmt.Fprintf(&b, "ratio peerline/echo (no failures): %.2f\n", results[0].perSecond()/results[1].perSecond())
	t.Log(b.String())
	fmt.Print(b.String())
}

// runLoad starts a fake API and the bot process, plays chats×perChat updates in a closed loop,
// and measures. A run stops when every update is answered, or when answers stop coming for idleCutoff
// (a bot that lost messages never answers them).
func runLoad(t *testing.T, name string, bot func(string) *exec.Cmd, chats, perChat int, failRate float64) loadResult {
	t.Helper()
	total := chats * perChat
	var (
		mu       sync.Mutex
		sentAt   = make(map[int64][]time.Time, chats) // per chat: send times of unanswered updates
		lat      = make([]time.Duration, 0, total)
		answered atomic.Int64
		failed   atomic.Int64
		lastAns  atomic.Int64
		sentN    atomic.Int64
		next     = make(chan int64, chats*2)
	)
	api := fakeapi.New(fakeapi.Options{Token: loadToken, Light: true, Seed: 7, OnCall: func(c fakeapi.Call) {
		if c.Method != "sendMessage" {
			return
		}
		if strings.HasPrefix(c.Params["reply_markup"], `{"keyboard"`) {
			return // the 🆘 reply keyboard a chat gets with its first reply, not an answer
		}
		if c.Status != 200 {
			failed.Add(1)
			return
		}
		now := time.Now()
		mu.Lock()
		q := sentAt[c.ChatID]
		if len(q) > 0 {
			lat = append(lat, now.Sub(q[0]))
			sentAt[c.ChatID] = q[1:]
		}
		mu.Unlock()
		answered.Add(1)
		lastAns.Store(now.UnixNano())
		next <- c.ChatID
	}})
	defer api.Close()
	if failRate > 0 {
		api.FailRate(failRate, fakeapi.Fault{Status: 500})
	}

	cmd := bot(api.URL())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the bot polls.
	if !api.WaitFor(20*time.Second, func() bool { return api.Counters().ByMethod["getMe"] > 0 }) {
		t.Fatalf("%s did not start:\n%s", name, stderr.String())
	}
	time.Sleep(300 * time.Millisecond) // its first long poll is open

	remaining := make(map[int64]int, chats)
	send := func(chat int64) {
		mu.Lock()
		sentAt[chat] = append(sentAt[chat], time.Now())
		mu.Unlock()
		sentN.Add(1)
		api.SendText(fakeapi.User{ID: chat, FirstName: "p", LanguageCode: "uk"}, "/help")
	}
	start := time.Now()
	lastAns.Store(start.UnixNano())
	for c := 0; c < chats; c++ {
		chat := int64(1_000_000 + c)
		remaining[chat] = perChat - 1
		send(chat)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case chat := <-next:
				if remaining[chat] > 0 {
					remaining[chat]--
					send(chat)
				}
			case <-done:
				return
			}
		}
	}()
	for int(answered.Load()) < total {
		if time.Since(time.Unix(0, lastAns.Load())) > idleCutoff {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	end := time.Unix(0, lastAns.Load())
	close(done)

	rss := peakRSS(cmd.Process.Pid)
	_ = cmd.Process.Signal(syscall.SIGTERM)
	waited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		<-waited
	}
	mu.Lock()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r := loadResult{name: name, updates: int(sentN.Load()), answered: int(answered.Load()), elapsed: end.Sub(start),
		peakRSSKB: rss, failedCalls: failed.Load()}
	if len(lat) > 0 {
		r.p50 = lat[len(lat)/2]
		r.p99 = lat[len(lat)*99/100]
	}
	mu.Unlock()
	if r.answered > r.updates {
		r.answered = r.updates // repeats after retries count once
	}
	return r
}

// peakRSS reads a process's peak resident set (VmHWM) in kilobytes. (Rusage's maxrss after an
// exec also counts the parent's memory at fork time, which would be the test's.)
func peakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

func buildPeerline(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "peerline")
	b, err := exec.Command("go", "build", "-o", out, "../cmd/peerline").CombinedOutput()
	if err != nil {
		t.Fatalf("build: %v\n%s", err, b)
	}
	return out
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
