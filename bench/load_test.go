package bench

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
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

// telegramRate is what Telegram lets a bot send: about 25 messages a second (the outbox's
// default global limit).
const telegramRate = 25

type loadResult struct {
	name        string
	updates     int
	answered    int
	replies     [2]int // replies to a chat's first update, and to each later one
	elapsed     time.Duration
	p50, p99    time.Duration
	longest     time.Duration
	peakRSSKB   int64
	cpu         time.Duration // the bot's CPU time (user + system) during the load
	polls       int64         // getUpdates calls during the load
	dbBytes     int64
	metrics     string // the bot's /metrics lines of interest, if scraped
	failedCalls int64
}

func (r loadResult) perSecond() float64 { return float64(r.answered) / r.elapsed.Seconds() }

func (r loadResult) cpuPerUpdate() time.Duration {
	if r.answered == 0 {
		return 0
	}
	return r.cpu / time.Duration(r.answered)
}

// TestLoad runs the load test when PEERLINE_LOAD=1 (make bench). PEERLINE_LOAD_CHATS and
// PEERLINE_LOAD_PER_CHAT change the closed-loop runs' size, PEERLINE_OVERLOAD_SECONDS the
// overload's length (0 skips it).
func TestLoad(t *testing.T) {
	if os.Getenv("PEERLINE_LOAD") != "1" {
		t.Skip("set PEERLINE_LOAD=1 (make bench)")
	}
	chats := envInt("PEERLINE_LOAD_CHATS", 1000)
	perChat := envInt("PEERLINE_LOAD_PER_CHAT", 30)
	overload := 20
	if v, err := strconv.Atoi(os.Getenv("PEERLINE_OVERLOAD_SECONDS")); err == nil && v >= 0 {
		overload = v
	}
	bin := buildPeerline(t)

	self, _ := os.Executable()
	echo := func(api string) *exec.Cmd {
		c := exec.Command(self, "-test.run=^TestEchoBotProcess$")
		c.Env = append(os.Environ(), "PEERLINE_ECHO_BOT=1", "PEERLINE_TOKEN="+loadToken, "PEERLINE_API_URL="+api)
		return c
	}
	// The documented settings for a local Bot API server: limits off (senders default to 64).
	peerline := func(api string) *exec.Cmd {
		return peerlineCmd(t, bin, api, "PEERLINE_RATE_LIMITS=off", "PEERLINE_FLOOD=off")
	}

	var results []loadResult
	runs := []struct {
		name     string
		cmd      func(string) *exec.Cmd
		text     string
		failRate float64
	}{
		{"peerline, /help", peerline, "/help", 0},
		{"peerline, plain text", peerline, "hello there", 0},
		{"tgbotapi echo (no store), /help", echo, "/help", 0},
		{"peerline, /help, 10% API failures", peerline, "/help", 0.10},
		{"tgbotapi echo, /help, 10% API failures", echo, "/help", 0.10},
	}
	if os.Getenv("PEERLINE_LOAD_CLOSED") == "0" {
		runs = nil // the overload run only
	}
	for _, run := range runs {
		results = append(results, runLoad(t, run.name, run.cmd, loadOptions{chats: chats, perChat: perChat, text: run.text, failRate: run.failRate}))
	}

	var b strings.Builder
	fmt.Fprintf(&b, "\nload: %d concurrent chats × %d updates each, closed loop (a chat sends its next update when all replies to the last one arrived)\n", chats, perChat)
	fmt.Fprintf(&b, "%-40s %9s %8s %7s %9s %9s %9s %11s %9s %12s\n", "bot", "updates/s", "answered", "replies", "p50", "p99", "peak RSS", "CPU/update", "polls/upd", "lost (of sent)")
	for _, r := range results {
		lost := r.updates - r.answered
		fmt.Fprintf(&b, "%-40s %9.0f %8d %7s %9s %9s %7.1fMB %11s %9.2f %5d (%.1f%%)\n", r.name, r.perSecond(), r.answered,
			fmt.Sprintf("%d/%d", r.replies[0], r.replies[1]), r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond),
			float64(r.peakRSSKB)/1024, r.cpuPerUpdate().Round(time.Microsecond), float64(r.polls)/float64(max(r.answered, 1)),
			lost, 100*float64(lost)/float64(max(r.updates, 1)))
	}
	if len(results) > 0 {
		fmt.Fprintf(&b, "(replies: to a chat's first update / to each later one; an update counts as answered when all its replies arrived)\n")
		fmt.Fprintf(&b, "ratio peerline/echo on /help (no failures): %.2f\n", results[0].perSecond()/results[2].perSecond())
	}

	if overload > 0 {
		r := runOverload(t, bin, chats, time.Duration(overload)*time.Second)
		b.WriteString(r)
	}
	t.Log(b.String())
	fmt.Print(b.String())
}

func peerlineCmd(t *testing.T, bin, api string, env ...string) *exec.Cmd {
	c := exec.Command(bin, "run")
	c.Env = append(os.Environ(), "PEERLINE_TOKEN="+loadToken, "PEERLINE_API_URL="+api,
		"PEERLINE_DATA="+t.TempDir(), "PEERLINE_KEY="+strings.TrimSpace(store.EncodeKey(store.NewKey())), "PEERLINE_LOG=warn")
	c.Env = append(c.Env, env...)
	if g := os.Getenv("PEERLINE_LOAD_GOGC"); g != "" {
		c.Env = append(c.Env, "GOGC="+g)
	}
	return c
}

type loadOptions struct {
	chats, perChat int
	text           string
	failRate       float64
	limits         bool // the fake enforces Telegram's limits
	// rate > 0 makes the run open-loop: updates at this rate for duration, chats in turn.
	rate     float64
	duration time.Duration
	// metricsURL, if set, is scraped before the bot stops.
	metricsURL string
}

// answers follows every chat's updates and the replies to them: an update is answered when all
// its replies (as many as the calibration saw) have arrived.
type answers struct {
	mu       sync.Mutex
	replies  [2]int
	pending  map[int64][]pend
	seen     map[int64]bool // chats that sent their first update
	lat      []time.Duration
	answered atomic.Int64
	lastAns  atomic.Int64
	onDone   func(chat int64)
}

type pend struct {
	sent time.Time
	need int
}

func (a *answers) sent(chat int64, at time.Time) {
	a.mu.Lock()
	need := a.replies[1]
	if !a.seen[chat] {
		a.seen[chat] = true
		need = a.replies[0]
	}
	a.pending[chat] = append(a.pending[chat], pend{sent: at, need: need})
	a.mu.Unlock()
}

func (a *answers) reply(chat int64, at time.Time) {
	a.mu.Lock()
	q := a.pending[chat]
	if len(q) == 0 {
		a.mu.Unlock()
		return // a repeat after a retry
	}
	q[0].need--
	done := q[0].need <= 0
	if done {
		a.lat = append(a.lat, at.Sub(q[0].sent))
		a.pending[chat] = q[1:]
	}
	a.mu.Unlock()
	if done {
		a.answered.Add(1)
		a.lastAns.Store(at.UnixNano())
		if a.onDone != nil {
			a.onDone(chat)
		}
	}
}

// isReply: the calls that put something in front of the person.
func isReply(method string) bool {
	return strings.HasPrefix(method, "send") && method != "sendChatAction" || strings.HasPrefix(method, "edit") || method == "copyMessage"
}

// runLoad starts a fake API and the bot process, calibrates how many replies an update gets,
// plays the updates, and measures. A run stops when every update is answered, or when answers
// stop coming for idleCutoff (a bot that lost messages never answers them).
func runLoad(t *testing.T, name string, bot func(string) *exec.Cmd, o loadOptions) loadResult {
	t.Helper()
	var (
		perChat  sync.Map // chat → *atomic.Int64: replies received (calibration)
		failed   atomic.Int64
		tracking atomic.Bool
		polls    atomic.Int64
	)
	a := &answers{pending: map[int64][]pend{}, seen: map[int64]bool{}}
	api := fakeapi.New(fakeapi.Options{Token: loadToken, Light: true, Seed: 7, Limits: o.limits, OnCall: func(c fakeapi.Call) {
		if c.Method == "getUpdates" {
			if tracking.Load() {
				polls.Add(1)
			}
			return
		}
		if !isReply(c.Method) || c.ChatID == 0 {
			return
		}
		if c.Status != 200 {
			failed.Add(1)
			return
		}
		if tracking.Load() {
			a.reply(c.ChatID, time.Now())
			return
		}
		n, _ := perChat.LoadOrStore(c.ChatID, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
	}})
	defer api.Close()

	cmd := bot(api.URL())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if !api.WaitFor(20*time.Second, func() bool { return api.Counters().ByMethod["getMe"] > 0 }) {
		t.Fatalf("%s did not start:\n%s", name, stderr.String())
	}
	time.Sleep(300 * time.Millisecond) // its first long poll is open

	// Calibration: one chat's first and second update, each answered when replies stop for 1 s.
	const calChat = 999_000_001
	count := func() int64 {
		if n, ok := perChat.Load(int64(calChat)); ok {
			return n.(*atomic.Int64).Load()
		}
		return 0
	}
	for i := range a.replies {
		before := count()
		api.SendText(fakeapi.User{ID: calChat, FirstName: "p", LanguageCode: "uk"}, o.text)
		last, stable := count(), time.Now()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if n := count(); n != last {
				last, stable = n, time.Now()
			} else if n > before && time.Since(stable) > time.Second {
				break
			}
		}
		a.replies[i] = int(last - before)
	}
	if a.replies[0] == 0 || a.replies[1] == 0 {
		t.Fatalf("%s: calibration saw %v replies\n%s", name, a.replies, stderr.String())
	}
	if o.failRate > 0 {
		api.FailRate(o.failRate, fakeapi.Fault{Status: 500})
	}

	user := func(chat int64) fakeapi.User { return fakeapi.User{ID: chat, FirstName: "p", LanguageCode: "uk"} }
	var sentN atomic.Int64
	send := func(chat int64) {
		a.sent(chat, time.Now())
		sentN.Add(1)
		api.SendText(user(chat), o.text)
	}
	cpu0 := cpuTime(cmd.Process.Pid)
	tracking.Store(true)
	start := time.Now()
	a.lastAns.Store(start.UnixNano())
	done := make(chan struct{})
	flooding := make(chan struct{})
	if o.rate > 0 {
		// Open loop: updates at o.rate for o.duration, whatever the bot does.
		go func() {
			defer close(flooding)
			begin := time.Now()
			ticker := time.NewTicker(10 * time.Millisecond)
			defer ticker.Stop()
			for i := 0; time.Since(begin) < o.duration; {
				select {
				case <-ticker.C:
				case <-done:
					return
				}
				// As many as the rate asks for by now, so a late tick does not lower it.
				for due := int(o.rate * time.Since(begin).Seconds()); i < due; i++ {
					send(int64(1_000_000 + i%o.chats))
				}
			}
		}()
	} else {
		close(flooding)
		next := make(chan int64, o.chats*2)
		a.onDone = func(chat int64) { next <- chat }
		remaining := make(map[int64]int, o.chats)
		for c := 0; c < o.chats; c++ {
			chat := int64(1_000_000 + c)
			remaining[chat] = o.perChat - 1
			send(chat)
		}
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
	}
	total := func() int64 {
		if o.rate > 0 {
			return sentN.Load()
		}
		return int64(o.chats * o.perChat)
	}
wait:
	for {
		select {
		case <-flooding:
			if a.answered.Load() >= total() {
				break wait
			}
		default:
		}
		if time.Since(time.Unix(0, a.lastAns.Load())) > idleCutoff {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	end := time.Unix(0, a.lastAns.Load())
	close(done)
	tracking.Store(false)

	r := loadResult{name: name, updates: int(sentN.Load()), answered: int(a.answered.Load()), elapsed: end.Sub(start),
		peakRSSKB: peakRSS(cmd.Process.Pid), cpu: cpuTime(cmd.Process.Pid) - cpu0, polls: polls.Load(),
		failedCalls: failed.Load(), replies: a.replies}
	if o.metricsURL != "" {
		r.metrics = scrape(o.metricsURL, "peerline_outbox_queued_peak", "peerline_backpressure_episodes_total", "peerline_outbox_drain_seconds")
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	waited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		<-waited
	}
	for _, e := range cmd.Env {
		if dir, ok := strings.CutPrefix(e, "PEERLINE_DATA="); ok {
			if st, err := os.Stat(filepath.Join(dir, "peerline.db")); err == nil {
				r.dbBytes = st.Size()
			}
		}
	}
	a.mu.Lock()
	sort.Slice(a.lat, func(i, j int) bool { return a.lat[i] < a.lat[j] })
	if n := len(a.lat); n > 0 {
		r.p50, r.p99, r.longest = a.lat[n/2], a.lat[n*99/100], a.lat[n-1]
	}
	a.mu.Unlock()
	return r
}

// runOverload sends plain text at ten times what Telegram lets the bot send, with the limits on
// in the bot and the fake, for d, then lets the bot drain, and reports what it cost.
func runOverload(t *testing.T, bin string, chats int, d time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := func(api string) *exec.Cmd { return peerlineCmd(t, bin, api, "PEERLINE_HTTP="+addr) }
	const replies = 2 // plain text: a short answer and the menu (the run prints what it saw)
	rate := float64(10*telegramRate) / replies
	r := runLoad(t, "overload", cmd, loadOptions{chats: chats, text: "hello there", limits: true, rate: rate, duration: d,
		metricsURL: "http://" + addr + "/metrics"})
	var b strings.Builder
	fmt.Fprintf(&b, "\noverload: plain text at %.0f updates/s (%d× the %d messages/s Telegram allows, %d/%d replies per update) for %s, limits on, then the drain\n",
		rate, 10, telegramRate, r.replies[0], r.replies[1], d)
	fmt.Fprintf(&b, "  updates sent %d, answered %d (%s), everything answered after %s\n", r.updates, r.answered,
		map[bool]string{true: "all", false: "NOT ALL"}[r.answered == r.updates], r.elapsed.Round(time.Second))
	fmt.Fprintf(&b, "  peak RSS %.1f MB, database %.1f MB, CPU %s per update\n", float64(r.peakRSSKB)/1024, float64(r.dbBytes)/(1<<20), r.cpuPerUpdate().Round(time.Microsecond))
	fmt.Fprintf(&b, "  wait from update to its last reply: p50 %s, p99 %s, longest %s\n", r.p50.Round(time.Millisecond), r.p99.Round(time.Millisecond), r.longest.Round(time.Millisecond))
	fmt.Fprintf(&b, "  calls refused by the fake (429 and others): %d\n", r.failedCalls)
	if r.metrics != "" {
		fmt.Fprintf(&b, "  %s\n", r.metrics)
	}
	return b.String()
}

// scrape fetches a Prometheus text page and returns the named metrics as "name value" pairs.
func scrape(url string, names ...string) string {
	res, err := http.Get(url)
	if err != nil {
		return "metrics: " + err.Error()
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var out []string
	for _, line := range strings.Split(string(body), "\n") {
		for _, n := range names {
			if rest, ok := strings.CutPrefix(line, n+" "); ok {
				out = append(out, strings.TrimPrefix(n, "peerline_")+"="+rest)
			}
		}
	}
	return strings.Join(out, " ")
}

// cpuTime is a process's user + system CPU time so far, from /proc (clock ticks of 10 ms).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+2:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	// After the command: state is field 3, utime field 14, stime field 15 (1-based, man 5 proc).
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
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
