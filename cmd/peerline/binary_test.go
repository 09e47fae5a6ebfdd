package main

import (
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/store"
)

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func baseEnv(api, data string) []string {
	return []string{"PEERLINE_TOKEN=" + crashToken, "PEERLINE_API_URL=" + api, "PEERLINE_DATA=" + data, "PEERLINE_LOG=debug"}
}

func TestBinary_SecondProcessRefusedBackupHealthMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	bin := buildBinary(t)
	api := fakeapi.New(fakeapi.Options{Token: crashToken})
	defer api.Close()
	data := t.TempDir()
	addr := freePort(t)
	logs := &lockedBuffer{}
	p := startProc(t, bin, append(baseEnv(api.URL(), data), "PEERLINE_HTTP="+addr), logs)
	defer func() { _ = p.cmd.Process.Kill(); <-p.done }()
	if !api.WaitFor(10*time.Second, func() bool { return len(api.CallsTo("setMyCommands")) >= 4 }) {
		t.Fatalf("bot did not start:\n%s", logs.String())
	}
	if _, err := os.Stat(filepath.Join(data, "peerline.key")); err != nil {
		t.Fatalf("no key generated on first run: %v", err)
	}
	if !strings.Contains(logs.String(), "generated a new data key") {
		t.Error("no warning about the generated key")
	}

	t.Run("SecondProcessFailsClearly", func(t *testing.T) {
		start := time.Now()
		second := exec.Command(bin, "run")
		second.Env = append(os.Environ(), baseEnv(api.URL(), data)...)
		out, err := second.CombinedOutput()
		if err == nil {
			t.Fatal("a second process ran on the same data")
		}
		if d := time.Since(start); d > 6*time.Second {
			t.Errorf("took %s to fail", d)
		}
		if !strings.Contains(string(out), "in use by another process") {
			t.Errorf("unclear message: %s", out)
		}
	})

	t.Run("HotBackup", func(t *testing.T) {
		api.SendText(fakeapi.User{ID: 42, FirstName: "x", LanguageCode: "en"}, "/start")
		api.WaitFor(5*time.Second, func() bool { return len(api.BotMessages(42)) > 0 })
		dst := filepath.Join(t.TempDir(), "copy.db")
		cmd := exec.Command(bin, "backup", dst)
		cmd.Env = append(os.Environ(), baseEnv(api.URL(), data)...)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "written by the running bot") {
			t.Fatalf("backup: %v\n%s", err, out)
		}
		key, _, err := store.LoadOrCreateKey(filepath.Join(data, "peerline.key"), false)
		if err != nil {
			t.Fatal(err)
		}
		db, err := store.Open(dst, store.Options{Key: key, ReadOnly: true})
		if err != nil {
			t.Fatalf("backup does not open: %v", err)
		}
		defer db.Close()
		_ = db.View(func(tx *store.Tx) error {
			if c, _ := tx.Conversation(42); c.State == "" {
				t.Error("the backup lacks the conversation started before it")
			}
			return nil
		})
	})

	t.Run("HealthAndMetrics", func(t *testing.T) {
		res, err := http.Get("http://" + addr + "/healthz")
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("healthz: %v %v", res, err)
		}
		res, err = http.Get("http://" + addr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, want := range []string{"peerline_updates_handled_total", "peerline_outbox_sent_total", "peerline_outbox_latency_seconds_bucket",
			"peerline_outbox_queued ", "peerline_outbox_drain_seconds ", "peerline_backpressure ", "peerline_backpressure_episodes_total "} {
			if !strings.Contains(string(body), want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})

	start := time.Now()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop within 10 s of SIGTERM")
	}
	t.Logf("stopped %s after SIGTERM", time.Since(start).Round(time.Millisecond))
	if _, err := os.Stat(filepath.Join(data, "peerline.sock")); err == nil {
		t.Error("control socket left behind")
	}
	if strings.Contains(logs.String(), "CRASH-test-token") {
		t.Error("token in the output")
	}
}

// TestBinary_TokenInNoOutput runs the binary with a known token against an unreachable API and
// against a failing one, and finds the token in none of its output.
func TestBinary_TokenInNoOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	bin := buildBinary(t)
	run := func(env []string, d time.Duration) string {
		logs := &lockedBuffer{}
		p := startProc(t, bin, env, logs)
		time.Sleep(d)
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
			t.Error("did not stop within 10 s")
		}
		return logs.String()
	}
	unreachable := run(baseEnv("http://127.0.0.1:1", t.TempDir()), 2*time.Second)

	api := fakeapi.New(fakeapi.Options{Token: crashToken})
	defer api.Close()
	api.FailNext("getMe", 2, fakeapi.Fault{Drop: true})
	api.FailNext("getUpdates", 3, fakeapi.Fault{Status: 502, HTMLBody: true})
	api.FailNext("setMyCommands", 5, fakeapi.Fault{Status: 500})
	failing := run(baseEnv(api.URL(), t.TempDir()), 4*time.Second)

	for name, out := range map[string]string{"unreachable": unreachable, "failing": failing} {
		if !strings.Contains(out, "cannot reach the Bot API") {
			t.Errorf("%s: expected a failure line, got:\n%s", name, out)
		}
		for _, s := range []string{crashToken, "CRASH-test-token-abcdefghijklmnopqrstuv"} {
			if strings.Contains(out, s) {
				t.Errorf("%s: the token is in the output:\n%s", name, out)
			}
		}
	}
	if !strings.Contains(failing, "getUpdates failed") {
		t.Errorf("failing: no getUpdates failure logged:\n%s", failing)
	}
}
