package bench

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// loadRun is a row of TestLoad's run table.
type loadRun struct {
	name     string
	cmd      func(string) *exec.Cmd
	text     string
	failRate float64
}

// peerBots are the echo bots on other Go Telegram libraries that TestLoad measures beside
// peerline (each its own module in shared/peers, never imported into the project).
var peerBots = []struct{ dir, name string }{
	{"telego-echo", "telego echo (fasthttp, no store), /help"},
	{"gotelegram-echo", "go-telegram/bot echo (no store), /help"},
}

// peersDir is where the peers' modules are: PEERLINE_PEERS, else ../shared/peers beside the
// repository (where CI puts shared/).
func peersDir() string {
	if d := os.Getenv("PEERLINE_PEERS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "peers")
}

// withPeers inserts the peer echo bots after the tgbotapi echo row of runs: each is built from
// its folder into a temporary directory and run under the same fake and load (/help). A peer
// whose folder is missing, or that does not build, is left out with a printed note. Peers the
// PEERLINE_LOAD_RUNS filter leaves out are not built.
func withPeers(t *testing.T, runs []loadRun) []loadRun {
	t.Helper()
	if os.Getenv("PEERLINE_LOAD_CLOSED") == "0" {
		return runs
	}
	filter := os.Getenv("PEERLINE_LOAD_RUNS")
	var peers []loadRun
	for _, p := range peerBots {
		if filter != "" && !strings.Contains(p.name, filter) {
			continue
		}
		dir := filepath.Join(peersDir(), p.dir)
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
			fmt.Printf("peers: %s not found (set PEERLINE_PEERS to the peers' folder): %s skipped\n", dir, p.name)
			continue
		}
		bin, err := buildPeer(dir, t.TempDir())
		if err != nil {
			fmt.Printf("peers: %s did not build, skipped: %v\n", p.dir, err)
			continue
		}
		peers = append(peers, loadRun{name: p.name, cmd: peerCmd(bin), text: "/help"})
	}
	at := len(runs)
	for i, r := range runs {
		if strings.HasPrefix(r.name, "tgbotapi echo") {
			at = i + 1
			break
		}
	}
	return append(append(append([]loadRun{}, runs[:at]...), peers...), runs[at:]...)
}

// buildPeer builds the module in dir (its own go.mod; the Go module proxy fetches its
// dependencies) into outDir.
func buildPeer(dir, outDir string) (string, error) {
	bin := filepath.Join(outDir, filepath.Base(dir))
	c := exec.Command("go", "build", "-o", bin, ".")
	c.Dir = dir
	c.Env = append(os.Environ(), "GOWORK=off") // its own module, not part of a workspace
	if b, err := c.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%v\n%s", err, b)
	}
	return bin, nil
}

// peerCmd runs a peer against the fake at api with the load token (telego checks a token's
// shape: digits, a colon and a 35-character secret, which loadToken has). It starts as this
// test binary (TestPeerProcess), which calls getMe, the fake's sign that a bot is up (telego
// starts polling without it), and then becomes the peer: same process, so CPU and peak RSS
// are the peer's.
func peerCmd(bin string) func(string) *exec.Cmd {
	self, _ := os.Executable()
	return func(api string) *exec.Cmd {
		c := exec.Command(self, "-test.run=^TestPeerProcess$")
		c.Env = append(os.Environ(), "PEERLINE_PEER_BIN="+bin, "BOT_API_URL="+api, "BOT_TOKEN="+loadToken)
		if g := os.Getenv("PEERLINE_LOAD_GOGC"); g != "" {
			c.Env = append(c.Env, "GOGC="+g)
		}
		return c
	}
}

// TestPeerProcess is the launcher peerCmd starts: getMe, then exec the peer in its place.
func TestPeerProcess(t *testing.T) {
	bin := os.Getenv("PEERLINE_PEER_BIN")
	if bin == "" {
		t.Skip("started by TestLoad")
	}
	res, err := http.Post(os.Getenv("BOT_API_URL")+"/bot"+os.Getenv("BOT_TOKEN")+"/getMe", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	env := slices.DeleteFunc(os.Environ(), func(e string) bool { return strings.HasPrefix(e, "PEERLINE_PEER_BIN=") })
	t.Fatal(syscall.Exec(bin, []string{bin}, env)) // returns only when the exec failed
}
