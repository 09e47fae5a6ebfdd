package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/ehra/peerline/sandbox"
)

// runSandbox runs the real bot against the in-process fake Bot API and serves the page where one
// person plays every side. It needs no token and reaches nothing outside the machine.
func (m *Main) runSandbox(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("peerline sandbox", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	addr := fs.String("addr", "", "address of the page [PEERLINE_SANDBOX_ADDR] (default 127.0.0.1:8080)")
	data := fs.String("data", "", "the sandbox's own data folder [PEERLINE_SANDBOX_DATA] (default ./sandbox-data)")
	logLevel := fs.String("log", "", "log level [PEERLINE_LOG] (default warn)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pick := func(flagV, env, def string) string {
		if flagV != "" {
			return flagV
		}
		if v := m.Getenv(env); v != "" {
			return v
		}
		return def
	}
	a := pick(*addr, "PEERLINE_SANDBOX_ADDR", "127.0.0.1:8080")
	d := pick(*data, "PEERLINE_SANDBOX_DATA", "./sandbox-data")
	if host, _, err := net.SplitHostPort(a); err != nil {
		return &ConfigError{Env: "PEERLINE_SANDBOX_ADDR", Flag: "addr", Msg: fmt.Sprintf("%q is not host:port (expected e.g. 127.0.0.1:8080)", a)}
	} else if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(m.Stderr, "peerline sandbox: warning: %s is not a loopback address; anyone who can reach it can use the sandbox\n", a)
	}
	level := slog.LevelWarn
	_ = level.UnmarshalText([]byte(strings.ToUpper(pick(*logLevel, "PEERLINE_LOG", "warn"))))
	log := slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: level}))

	sb, err := sandbox.New(sandbox.Options{Addr: a, Data: d, Log: log, Version: version})
	if err != nil {
		return err
	}
	if err := sb.Start(); err != nil {
		return err
	}
	defer sb.Close()
	return sb.Serve(ctx, func(listening string) {
		fmt.Fprintf(m.Stdout, `peerline sandbox — the real bot against a local fake of Telegram; nothing reaches Telegram.
  Open http://%s in your browser.
  Its data is in %s (the Reset button on the page clears it).
  To connect a real bot instead: get a token from @BotFather (/newbot), then run
    PEERLINE_TOKEN=123456:ABC... make run
  Stop with Ctrl+C.
`, listening, d)
		if f, ok := m.Stdout.(*os.File); ok {
			_ = f.Sync()
		}
	})
}
