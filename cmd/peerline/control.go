package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ehra/peerline/store"
)

// The control socket lets maintenance commands reach a running bot: bbolt holds the database
// file locked, so `peerline backup` asks the running process to write the copy. The socket lives
// in the data folder with mode 0600: only the account that runs the bot can use it.

func (m *Main) controlPath() string { return filepath.Join(m.Config.Data, "peerline.sock") }

func (m *Main) serveControl() (stop func(), err error) {
	path := m.controlPath()
	_ = os.Remove(path) // a socket left by a killed process; the database lock proves we are alone
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			m.serveControlConn(conn)
		}
	}()
	return func() { ln.Close(); <-done; _ = os.Remove(path) }, nil
}

func (m *Main) serveControlConn(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Minute))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return
	}
	cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
	switch cmd {
	case "backup":
		n, err := m.db.BackupFile(arg)
		if err != nil {
			fmt.Fprintf(conn, "error %s\n", err)
			return
		}
		m.log.Info("backup written", "bytes", n)
		fmt.Fprintf(conn, "ok %d\n", n)
	case "compact":
		before, after, err := m.db.Compact()
		if err != nil {
			fmt.Fprintf(conn, "error %s\n", err)
			return
		}
		m.log.Info("database compacted", "before", before, "after", after)
		fmt.Fprintf(conn, "ok %d %d\n", before, after)
	default:
		fmt.Fprintf(conn, "error unknown command\n")
	}
}

// control sends one command to the running bot and returns its answer.
func (m *Main) control(cmd string) (string, error) {
	conn, err := net.DialTimeout("unix", m.controlPath(), 2*time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Minute))
	if _, err := fmt.Fprintln(conn, cmd); err != nil {
		return "", err
	}
	answer, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return "", err
	}
	answer = strings.TrimSpace(answer)
	if rest, ok := strings.CutPrefix(answer, "error "); ok {
		return "", errors.New(rest)
	}
	return strings.TrimPrefix(answer, "ok "), nil
}

// backup writes a consistent copy of the database to FILE: directly when the bot is stopped,
// through the running bot otherwise.
func (m *Main) backup(args []string) error {
	rest, err := m.ParseFlags("backup", args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return &ConfigError{Env: "FILE", Flag: "", Msg: "usage: peerline backup [flags] FILE"}
	}
	dst, err := filepath.Abs(rest[0])
	if err != nil {
		return err
	}
	dbPath := filepath.Join(m.Config.Data, "peerline.db")
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("no database at %s (set PEERLINE_DATA)", dbPath)
	}
	// A running bot holds the lock: ask it.
	if n, err := m.control("backup " + dst); err == nil {
		fmt.Fprintf(m.Stdout, "backup written by the running bot: %s (%s bytes)\n", dst, n)
		return nil
	}
	key, err := m.loadKey(dbPath)
	if err != nil {
		return err
	}
	db, err := store.Open(dbPath, store.Options{Key: key, ReadOnly: true, LockTimeout: 2 * time.Second})
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.BackupFile(dst)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "backup written: %s (%d bytes)\n", dst, n)
	return nil
}

// compact rewrites the database so that deleted records are gone from the file: through the
// running bot, or directly when it is stopped.
func (m *Main) compact(args []string) error {
	if _, err := m.ParseFlags("compact", args); err != nil {
		return err
	}
	dbPath := filepath.Join(m.Config.Data, "peerline.db")
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("no database at %s (set PEERLINE_DATA)", dbPath)
	}
	if answer, err := m.control("compact"); err == nil {
		fmt.Fprintf(m.Stdout, "compacted by the running bot (bytes before and after: %s)\n", answer)
		return nil
	}
	if err := m.openStore(); err != nil {
		return err
	}
	defer m.Close()
	before, after, err := m.db.Compact()
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "compacted: %d → %d bytes\n", before, after)
	return nil
}

// rotateKey re-encrypts the database under a new key. The bot must be stopped. It writes the
// new database and key next to the old ones, then swaps them: the database first, then the key;
// if it is interrupted between the two, the next start finishes the swap (see loadKey).
func (m *Main) rotateKey(args []string) error {
	if _, err := m.ParseFlags("rotate-key", args); err != nil {
		return err
	}
	c := m.Config
	if c.Key != "" {
		return &ConfigError{Env: "PEERLINE_KEY", Flag: "key", Msg: "rotate-key works with a key file (PEERLINE_KEY_FILE); with PEERLINE_KEY, set a new key by hand"}
	}
	dbPath := filepath.Join(c.Data, "peerline.db")
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("no database at %s (set PEERLINE_DATA)", dbPath)
	}
	oldKey, _, err := store.LoadOrCreateKey(c.KeyFile, false)
	if err != nil {
		return err
	}
	// Take the lock for the whole rotation: a running bot makes this fail clearly.
	lock, err := store.Open(dbPath, store.Options{Key: oldKey, LockTimeout: 2 * time.Second})
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			return fmt.Errorf("the bot is running: stop it before rotating the key (%w)", err)
		}
		return err
	}
	lock.Close()
	newKey := store.NewKey()
	newKeyPath := c.KeyFile + ".new"
	if err := os.WriteFile(newKeyPath, []byte(store.EncodeKey(newKey)), 0o600); err != nil {
		return err
	}
	tmp := dbPath + ".rotating"
	dropped, err := store.RotateKey(dbPath, tmp, oldKey, newKey)
	if err != nil {
		os.Remove(newKeyPath)
		return fmt.Errorf("rotate: %w (nothing changed)", err)
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return err
	}
	if err := os.Rename(newKeyPath, c.KeyFile); err != nil {
		return fmt.Errorf("the database uses the new key in %s, but it could not replace %s: %w", newKeyPath, c.KeyFile, err)
	}
	fmt.Fprintf(m.Stdout, "data key rotated; the new key is in %s (%d records dropped: pending staff invitations, which admins must send again, and any unreadable ones). Update any copy of the key you keep elsewhere.\n", c.KeyFile, dropped)
	return nil
}
