//go:build e2e

package sandbox

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestE2E_TextFirstPersonAndTypedCountry: a person whose first message is text gets the 🆘
// keyboard and a language screen with its own 🆘 button; then, in the treatment intake, types
// the country ("в Польше") instead of pressing it and lands on Poland's cities and the short
// result. Screenshots (laptop and phone) go to $E2E_SHOTS like the other browser test's.
func TestE2E_TextFirstPersonAndTypedCountry(t *testing.T) {
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
	defer func() { srv.Close(); sb.Close() }()

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
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", browser, err)
	}
	ctx, cancel = context.WithTimeout(ctx, 120*time.Second)
	defer cancel()

	shot := func(name string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tgt *chromedp.Target) (chromedp.Void, error) {
			buf, err := chromedp.FullScreenshot(100)(ctx, tgt)
			if err != nil {
				return chromedp.Void{}, err
			}
			return chromedp.Void{}, os.WriteFile(filepath.Join(shots, name+".png"), buf, 0o644)
		}
	}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	button := func(data string) chromedp.CSS { return css(`button[data-callback="` + data + `"]`) }
	person := css(`[data-chat-id="1002"]`) // Dmitry, Russian
	say := func(text string) []chromedp.Action[chromedp.Void] {
		return []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(css(`#composer-input`), text),
			chromedp.Click(css(`#composer-send`)),
		}
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(srv.URL),
		chromedp.WaitVisible(person),
		chromedp.Click(person),
		chromedp.WaitVisible(css(`#composer-input`)),
	}
	steps = append(steps, say("привет, мне нужна помощь")...)
	steps = append(steps,
		// the first reply: the 🆘 keyboard under the input, the language screen with its 🆘
		chromedp.WaitVisible(css(`.reply-kb button`)),
		chromedp.WaitVisible(button("lang:ru")),
		chromedp.WaitVisible(button("od:opioid:n")),
		shot("07-text-first-person"),
		chromedp.EmulateViewport(390, 844), chromedp.Sleep(700*time.Millisecond),
		shot("08-text-first-person-phone"),
		chromedp.EmulateViewport(1280, 800), chromedp.Sleep(300*time.Millisecond),
		chromedp.Click(button("lang:ru")),
		chromedp.WaitVisible(button("onb:ok")),
		chromedp.Click(button("onb:ok")),
		chromedp.WaitVisible(button("tr:start")),
		chromedp.Click(button("tr:start")),
		chromedp.WaitVisible(button("tr:topic:ost")),
		chromedp.Click(button("tr:topic:ost")),
		chromedp.WaitVisible(button("tr:sit:keep")),
		chromedp.Click(button("tr:sit:keep")),
		chromedp.WaitVisible(button("tr:where:abroad")),
		chromedp.Click(button("tr:where:abroad")),
		chromedp.WaitVisible(button("tr:cty:PL")),
	)
	steps = append(steps, say("в Польше")...)
	steps = append(steps,
		chromedp.WaitVisible(button("tr:city:warsaw")), // typed, and Poland's cities follow
		shot("09-typed-country"),
		chromedp.Click(button("tr:city:warsaw")),
		chromedp.WaitVisible(button("tr:from:kharkiv")),
		chromedp.Click(button("tr:from:kharkiv")),
		chromedp.WaitVisible(button("tr:med:methadone")),
		chromedp.Click(button("tr:med:methadone")),
		chromedp.WaitVisible(button("tr:doc:done")),
		chromedp.Click(button("tr:doc:done")),
		chromedp.WaitVisible(button("tr:res:svc")),
		shot("10-typed-country-result"),
		chromedp.EmulateViewport(390, 844), chromedp.Sleep(700*time.Millisecond),
		shot("11-typed-country-result-phone"),
	)
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
	t.Logf("screenshots in %s", shots)
}
