package handlers

// The service directory from the bot: an admin sends a directory CSV as a document; it is
// checked exactly as `peerline directory import` checks it (every bad row named by its line,
// nothing imported when any row is bad), summarised, and applied on confirmation to the running
// bot (the directory is reloaded; no restart). `/directory export` sends the current CSV.
// Downloads and uploads happen outside the update's transaction, through the runtime (SetRuntime).
// Button data: dir:x (export), dir:ok, dir:no.

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/content"
	"github.com/ehra/peerline/store"
)

// stateDirImport: the admin was asked for the CSV file.
const stateDirImport bot.State = "adm_dir"

// maxCSV bounds the directory file an admin may send.
const maxCSV = 5 << 20

// Runtime is what the admin tools need from the running bot outside an update: downloading a
// file a person sent, uploading a document, and acting in a transaction. *bot.Bot is one.
type Runtime interface {
	Download(fileID string, max int64) ([]byte, error)
	SendFile(chatID int64, name string, data []byte, caption string) error
	Do(fn func(tx *store.Tx, out *bot.Out) error) error
}

// directoryState holds the running directory and the checked files waiting for confirmation.
type directoryState struct {
	rt      atomic.Pointer[Runtime]
	current atomic.Pointer[content.Content] // nil: the content loaded at start
	mu      sync.Mutex
	pending map[int64]pendingImport // by admin
	wg      sync.WaitGroup
}

type pendingImport struct {
	data []byte
	at   time.Time
}

// SetRuntime connects the admin tools to the running bot (after bot.New).
func (a *App) SetRuntime(rt Runtime) { a.dirs.rt.Store(&rt) }

func (a *App) runtime() Runtime {
	if p := a.dirs.rt.Load(); p != nil {
		return *p
	}
	return nil
}

// directory is the content whose service directory is current (reloaded after an import).
func (a *App) directory() *content.Content {
	if c := a.dirs.current.Load(); c != nil {
		return c
	}
	return a.content
}

// WaitBackground waits for downloads and uploads started by admin actions (tests, shutdown).
func (a *App) WaitBackground() { a.dirs.wg.Wait() }

func (a *App) directoryRoutes(r *bot.Router) {
	r.Command("directory", a.adminOnly(a.directoryCmd))
	r.Callback("dir:", a.adminOnly(a.directoryButton))
	r.State(stateDirImport, a.adminOnly(a.directoryFile))
	a.reprompts[stateDirImport] = a.adminOnly(a.directoryCmd)
}

// directoryCmd: "/directory export" sends the CSV; "/directory" asks for a file to import.
func (a *App) directoryCmd(c *bot.Ctx) (bot.Next, error) {
	if strings.TrimSpace(c.Args) == "export" {
		return a.directoryExport(c)
	}
	c.Show(a.t(c, "admin_dir_ask", map[string]any{"Header": esc(strings.Join(content.CSVHeader, ","))}), bot.Keyboard{
		bot.Row(bot.Btn(a.t(c, "admin_btn_dir_export"), "dir:x")), a.adminBack(c)})
	return bot.Goto(stateDirImport), nil
}

func (a *App) directoryButton(c *bot.Ctx) (bot.Next, error) {
	switch c.Data {
	case "dir:m":
		return a.directoryCmd(c)
	case "dir:x":
		return a.directoryExport(c)
	case "dir:ok":
		return a.directoryApply(c)
	case "dir:no":
		a.dirs.mu.Lock()
		delete(a.dirs.pending, c.UserID)
		a.dirs.mu.Unlock()
		c.Show(a.t(c, "admin_dir_cancelled"), bot.Keyboard{a.adminBack(c)})
		return bot.End(), nil
	}
	return a.stale(c)
}

// directoryExport sends the current directory as a CSV document, after the update commits.
func (a *App) directoryExport(c *bot.Ctx) (bot.Next, error) {
	rt := a.runtime()
	if rt == nil {
		c.Reply(a.t(c, "admin_dir_unavailable"), nil)
		return bot.Stay(), nil
	}
	var buf bytes.Buffer
	if err := a.directory().ExportDirectoryCSV(&buf); err != nil {
		return bot.Stay(), err
	}
	if err := a.audit(c, "directory.export", fmt.Sprintf("%d service(s)", strings.Count(buf.String(), "\n")-1)); err != nil {
		return bot.Stay(), err
	}
	c.Answer("")
	chat, lang, data := c.ChatID, c.Lang, buf.Bytes()
	name := "directory-" + c.Now.In(a.adm.tz).Format("2006-01-02") + ".csv"
	a.dirs.wg.Add(1)
	c.Tx.AfterCommit(func() {
		go func() {
			defer a.dirs.wg.Done()
			if err := rt.SendFile(chat, name, data, a.loc.T(lang, "admin_dir_export_caption")); err != nil {
				a.log.Warn("directory export not sent", "err", err)
				_ = rt.Do(func(tx *store.Tx, out *bot.Out) error {
					out.Send(bot.Message{ChatID: chat, Text: a.loc.T(lang, "admin_dir_export_failed")})
					return nil
				})
			}
		}()
	})
	return bot.End(), nil
}

// directoryFile takes the CSV document and checks it after the update commits.
func (a *App) directoryFile(c *bot.Ctx) (bot.Next, error) {
	m := c.Update.Message
	if m == nil || m.Document == nil {
		c.Reply(a.t(c, "admin_dir_send_file"), nil)
		return bot.Stay(), nil
	}
	rt := a.runtime()
	if rt == nil {
		c.Reply(a.t(c, "admin_dir_unavailable"), nil)
		return bot.End(), nil
	}
	if !strings.HasSuffix(strings.ToLower(m.Document.FileName), ".csv") || m.Document.FileSize > maxCSV {
		c.Reply(a.t(c, "admin_dir_not_csv"), nil)
		return bot.Stay(), nil
	}
	c.Reply(a.t(c, "admin_dir_checking"), nil)
	chat, user, lang, fileID := c.ChatID, c.UserID, c.Lang, m.Document.FileID
	a.dirs.wg.Add(1)
	c.Tx.AfterCommit(func() {
		go func() {
			defer a.dirs.wg.Done()
			a.checkDirectoryFile(rt, chat, user, lang, fileID)
		}()
	})
	return bot.End(), nil
}

// checkDirectoryFile downloads and checks the CSV, then shows the summary or the problems.
func (a *App) checkDirectoryFile(rt Runtime, chat, user int64, lang, fileID string) {
	reply := func(text string, kb bot.Keyboard) {
		if err := rt.Do(func(tx *store.Tx, out *bot.Out) error {
			out.Send(bot.Message{ChatID: chat, Text: text, Keyboard: kb})
			return nil
		}); err != nil {
			a.log.Error("directory import: cannot answer", "err", err)
		}
	}
	data, err := rt.Download(fileID, maxCSV)
	if err != nil {
		reply(a.loc.T(lang, "admin_dir_download_failed"), nil)
		return
	}
	cur := a.directory()
	services, err := cur.ParseDirectoryCSV(bytes.NewReader(data))
	if err != nil {
		msg := err.Error()
		if len(msg) > 3000 {
			msg = msg[:3000] + "…"
		}
		reply(a.loc.T(lang, "admin_dir_refused")+"\n\n<pre>"+esc(msg)+"</pre>", nil)
		return
	}
	byID := map[string]*content.Service{}
	for i := range cur.Directory.Services {
		byID[cur.Directory.Services[i].ID] = &cur.Directory.Services[i]
	}
	added, changed, same := 0, 0, 0
	for i := range services {
		old, ok := byID[services[i].ID]
		switch {
		case !ok:
			added++
		case reflect.DeepEqual(*old, services[i]):
			same++
		default:
			changed++
		}
	}
	a.dirs.mu.Lock()
	if a.dirs.pending == nil {
		a.dirs.pending = map[int64]pendingImport{}
	}
	a.dirs.pending[user] = pendingImport{data: data, at: time.Now()}
	a.dirs.mu.Unlock()
	reply(a.loc.T(lang, "admin_dir_summary", map[string]any{"Added": added, "Changed": changed, "Same": same,
		"Kept": len(cur.Directory.Services) - changed - same}),
		bot.Keyboard{bot.Row(bot.Btn(a.loc.T(lang, "admin_btn_dir_apply"), "dir:ok"), bot.Btn(a.loc.T(lang, "admin_btn_cancel_call"), "dir:no"))})
}

// directoryApply imports the checked file into the data folder and reloads the directory.
func (a *App) directoryApply(c *bot.Ctx) (bot.Next, error) {
	a.dirs.mu.Lock()
	p, ok := a.dirs.pending[c.UserID]
	delete(a.dirs.pending, c.UserID)
	a.dirs.mu.Unlock()
	if !ok || time.Since(p.at) > time.Hour || a.adm.contentDir == "" {
		c.Show(a.t(c, "admin_dir_expired"), bot.Keyboard{a.adminBack(c)})
		return bot.End(), nil
	}
	n, err := content.ImportDirectory(a.adm.contentDir, bytes.NewReader(p.data))
	if err != nil {
		msg := err.Error()
		if len(msg) > 3000 {
			msg = msg[:3000] + "…"
		}
		c.Show(a.t(c, "admin_dir_refused")+"\n\n<pre>"+esc(msg)+"</pre>", bot.Keyboard{a.adminBack(c)})
		return bot.End(), nil
	}
	fresh, err := content.Load(a.adm.contentDir)
	if err != nil {
		return bot.Stay(), fmt.Errorf("reload the directory after an import: %w", err)
	}
	if err := a.audit(c, "directory.import", fmt.Sprintf("%d service(s) imported", n)); err != nil {
		return bot.Stay(), err
	}
	c.Tx.AfterCommit(func() { a.dirs.current.Store(fresh) })
	c.Show(a.t(c, "admin_dir_applied", map[string]any{"N": n}), bot.Keyboard{a.adminBack(c)})
	return bot.End(), nil
}
