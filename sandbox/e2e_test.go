//go:build e2e

package sandbox

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ehra/peerline/store"
)

// TestE2E_BrowserToOverdoseCard opens the sandbox page in headless Chromium, starts a
// conversation as a person, presses through onboarding to the overdose card, and saves a
// screenshot of each step (laptop and phone sizes) into $E2E_SHOTS (default ./.e2e at the
// repository root). Run with `make e2e`.
func TestE2E_BrowserToOverdoseCard(t *testing.T) {
	e := startE2E(t, 90*time.Second)
	ctx, srv, sb, shots, shot := e.ctx, e.srv, e.sb, e.shots, e.shot
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	person := css(`[data-chat-id="1001"]`)
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL),
		chromedp.WaitVisible(person),
		shot("01-page"),
		chromedp.Click(person),
		chromedp.WaitVisible(css(`#composer-input`)),
		chromedp.SendKeys(css(`#composer-input`), "/start"),
		chromedp.Click(css(`#composer-send`)),
		chromedp.WaitVisible(css(`button[data-callback="lang:uk"]`)),
		shot("02-language"),
		chromedp.Click(css(`button[data-callback="lang:uk"]`)),
		chromedp.WaitVisible(css(`button[data-callback="onb:ok"]`)),
		shot("03-privacy"),
		chromedp.Click(css(`button[data-callback="onb:ok"]`)),
		chromedp.WaitVisible(css(`.reply-kb button`)),
		chromedp.WaitVisible(css(`button[data-callback="od:opioid"]`)),
		shot("04-menu"),
		chromedp.Click(css(`.reply-kb button`)), // 🆘 Overdose — what to do
		chromedp.WaitVisible(css(`button[data-callback="odn"]`)),
		shot("05-overdose-card"),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	cardText, err := chromedp.Run(ctx, chromedp.Text(css(`[data-message-id]:last-of-type`)))
	if err != nil {
		t.Fatalf("read the card: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Sleep(700*time.Millisecond), shot("06-phone")); err != nil {
		t.Fatalf("phone size: %v", err)
	}
	if !strings.Contains(cardText, "103") {
		t.Errorf("the overdose card does not show Ukraine's ambulance number: %q", cardText)
	}
	// The consultant's side: the person asks for a peer consultant; the consultant (registered
	// here as the staff flows would) takes the case in the consultants' group, answers in the
	// case's topic, and closes it.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatalf("laptop size: %v", err)
	}
	sb.mu.Lock()
	err = sb.db.Update(func(tx *store.Tx) error {
		return tx.PutStaff(store.Staff{UserID: consultantID, Role: store.RoleConsultant, Pseudonym: "Iryna", Langs: []string{"uk"}, OnShift: true, Joined: time.Now()})
	})
	sb.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	group := css(`[data-chat-id="` + strconv.FormatInt(groupID, 10) + `"]`)
	err = chromedp.Do(ctx,
		chromedp.Click(css(`button[data-callback="ask:gen"]`)),
		chromedp.WaitVisible(css(`button[data-callback^="ce:"]`)),
		shot("07-queued"),
		chromedp.Click(group),
		chromedp.WaitVisible(css(`button[data-callback^="ct:"]`)),
		shot("08-card"),
		chromedp.Click(css(`button[data-callback^="ct:"]`)),
		chromedp.WaitVisible(css(`.msg-topic`)),
		chromedp.Click(css(`.msg-topic`)),
		chromedp.WaitVisible(css(`button[data-callback^="cc:"]`)),
		chromedp.SendKeys(css(`#composer-input`), "Вітаю, я Ірина. Чим допомогти?"),
		chromedp.Click(css(`#composer-send`)),
		chromedp.WaitVisible(css(`.msg-reaction`)), // 👌: the answer reached the person
		shot("09-topic"),
		chromedp.Click(css(`button[data-callback^="cc:"]`)),
		chromedp.WaitVisible(css(`button[data-callback$=":info"]`)),
		chromedp.Click(css(`button[data-callback$=":info"]`)),
		chromedp.WaitVisible(css(`button[data-callback$=":0"]`)),
		shot("10-closed"),
		chromedp.Click(person),
		chromedp.WaitVisible(css(`button[data-callback^="cr:"]`)),
		shot("11-person-after"),
	)
	if err != nil {
		t.Fatalf("consultant's side: %v", err)
	}
	personText, err := chromedp.Run(ctx, chromedp.Text(css(`#messages`)))
	if err != nil {
		t.Fatalf("read the person's chat: %v", err)
	}
	if !strings.Contains(personText, "Чим допомогти?") {
		t.Errorf("the consultant's answer did not reach the person: %q", personText)
	}
	t.Logf("screenshots in %s", shots)
}

// e2e is a running sandbox served over HTTP with a headless Chromium attached to it.
type e2e struct {
	ctx   context.Context // the browser, with the test's timeout
	sb    *Sandbox
	srv   *httptest.Server
	shots string // where screenshots go ($E2E_SHOTS, default ./.e2e at the repository root)
}

// startE2E starts a sandbox with its own data, serves its page and starts Chromium (Debian's
// chromium, or $CHROMIUM); everything stops when the test ends.
func startE2E(t *testing.T, timeout time.Duration) *e2e {
	t.Helper()
	browser := os.Getenv("CHROMIUM")
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if browser != "" {
			break
		}
		if _, err := os.Stat(p); err == nil {
			browser = p
		}
	}
	if browser == "" {
		if p, err := exec.LookPath("chromium"); err == nil {
			browser = p
		}
	}
	if browser == "" {
		t.Fatal("no Chromium found: install Debian's chromium package (.ci/run does) or set CHROMIUM")
	}
	shots := os.Getenv("E2E_SHOTS")
	if shots == "" {
		shots = filepath.Join("..", ".e2e")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	sb, err := New(Options{Data: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() { srv.Close(); sb.Close() })

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(actx)
	// The first call starts the browser and must not carry a timeout; the steps get one.
	if err := chromedp.Do(ctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("start Chromium (%s): %v", browser, err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancel(); cancelBrowser(); cancelAlloc() })
	return &e2e{ctx: ctx, sb: sb, srv: srv, shots: shots}
}

// shot saves a full-page screenshot as <name>.png in the screenshot folder.
func (e *e2e) shot(name string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tgt *chromedp.Target) (chromedp.Void, error) {
		buf, err := chromedp.FullScreenshot(100)(ctx, tgt)
		if err != nil {
			return chromedp.Void{}, err
		}
		return chromedp.Void{}, os.WriteFile(filepath.Join(e.shots, name+".png"), buf, 0o644)
	}
}
