package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/ehra/peerline/bot/fakeapi"
	"github.com/ehra/peerline/locales"
)

// Handler is the page and its API.
func (s *Sandbox) Handler() http.Handler {
	mux := http.NewServeMux()
	web, _ := fs.Sub(webFS, "web")
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		b, _ := fs.ReadFile(web, "index.html")
		_, _ = w.Write(b)
	})
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(web)))
	mux.HandleFunc("GET /api/state", s.apiState)
	mux.HandleFunc("POST /api/people", s.apiNewPerson)
	mux.HandleFunc("POST /api/chats/{id}/lang", s.apiLang)
	mux.HandleFunc("GET /api/chats/{id}/messages", s.apiMessages)
	mux.HandleFunc("POST /api/chats/{id}/send", s.apiSend)
	mux.HandleFunc("POST /api/chats/{id}/press", s.apiPress)
	mux.HandleFunc("POST /api/chats/{id}/upload", s.apiUpload)
	mux.HandleFunc("POST /api/restart", func(w http.ResponseWriter, r *http.Request) { s.respond(w, s.Restart()) })
	mux.HandleFunc("POST /api/reset", func(w http.ResponseWriter, r *http.Request) { s.respond(w, s.Reset()) })
	mux.HandleFunc("GET /api/events", s.apiEvents)
	return securityHeaders(mux)
}

// securityHeaders keeps the page to itself: no framing, no outside scripts.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

func (s *Sandbox) respond(w http.ResponseWriter, err error) {
	if err != nil {
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (s *Sandbox) apiState(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	chats := append([]Chat(nil), s.chats...)
	running, restarts := s.running, s.restarts
	s.mu.Unlock()
	sortChats(chats)
	writeJSON(w, http.StatusOK, map[string]any{
		"bot":       map[string]any{"running": running, "username": botUsername, "restarts": restarts, "version": s.opt.Version},
		"chats":     chats,
		"languages": locales.Langs,
	})
}

func (s *Sandbox) apiNewPerson(w http.ResponseWriter, r *http.Request) {
	var in struct{ Name, Lang string }
	if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&in); err != nil {
		fail(w, http.StatusBadRequest, "expected {\"name\": ..., \"lang\": ...}")
		return
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len([]rune(in.Name)) > 40 {
		fail(w, http.StatusBadRequest, "a name of 1 to 40 characters")
		return
	}
	if !locales.Supported(in.Lang) {
		in.Lang = locales.Default
	}
	s.mu.Lock()
	c := Chat{ID: s.nextID, Kind: "person", Title: in.Name, Lang: in.Lang, As: s.nextID}
	s.nextID++
	s.chats = append(s.chats, c)
	s.api.RegisterChat(fakeapi.Chat{ID: c.ID, Type: fakeapi.ChatPrivate, Title: c.Title})
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, c)
}

// chatFromPath reads {id}; it answers 404 itself when there is no such chat.
func (s *Sandbox) chatFromPath(w http.ResponseWriter, r *http.Request) (Chat, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		fail(w, http.StatusBadRequest, "chat id is a number")
		return Chat{}, false
	}
	c, ok := s.chat(id)
	if !ok {
		fail(w, http.StatusNotFound, "no such chat")
		return Chat{}, false
	}
	return c, true
}

func (s *Sandbox) apiLang(w http.ResponseWriter, r *http.Request) {
	c, ok := s.chatFromPath(w, r)
	if !ok {
		return
	}
	var in struct{ Lang string }
	if err := json.NewDecoder(io.LimitReader(r.Body, 1024)).Decode(&in); err != nil || !locales.Supported(in.Lang) || c.As == 0 || c.Kind == "group" {
		fail(w, http.StatusBadRequest, "expected {\"lang\": \"uk\"|\"ru\"|\"en\"} for a person's chat")
		return
	}
	s.mu.Lock()
	for i := range s.chats {
		if s.chats[i].ID == c.ID {
			s.chats[i].Lang = in.Lang
			c = s.chats[i]
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, c)
}

func (s *Sandbox) apiMessages(w http.ResponseWriter, r *http.Request) {
	c, ok := s.chatFromPath(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	api := s.api
	s.mu.Unlock()
	var out []apiMessage
	var kb *apiReplyKeyboard
	for _, m := range api.Messages(c.ID) {
		if m.FromBot && (m.ReplyKeyboard != nil || m.RemoveKeyboard) {
			kb = replyKeyboardOf(m)
		}
		if !m.Deleted {
			out = append(out, s.render(m))
		}
	}
	if out == nil {
		out = []apiMessage{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": out, "reply_keyboard": kb})
}

func (s *Sandbox) apiSend(w http.ResponseWriter, r *http.Request) {
	c, ok := s.chatFromPath(w, r)
	if !ok {
		return
	}
	var in struct{ Text string }
	if err := json.NewDecoder(io.LimitReader(r.Body, 16<<10)).Decode(&in); err != nil || strings.TrimSpace(in.Text) == "" {
		fail(w, http.StatusBadRequest, "expected {\"text\": \"...\"}")
		return
	}
	if c.As == 0 {
		fail(w, http.StatusBadRequest, "channels are read-only")
		return
	}
	in.Text = deepLinkStart(in.Text)
	s.mu.Lock()
	api := s.api
	s.mu.Unlock()
	if c.Kind == "group" {
		api.SendTextIn(fakeapi.Chat{ID: c.ID, Type: fakeapi.ChatSupergroup, Title: c.Title}, s.user(c), in.Text)
	} else {
		api.SendText(s.user(c), in.Text)
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (s *Sandbox) apiPress(w http.ResponseWriter, r *http.Request) {
	c, ok := s.chatFromPath(w, r)
	if !ok {
		return
	}
	var in struct {
		MessageID int    `json:"message_id"`
		Data      string `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&in); err != nil || in.Data == "" || in.MessageID <= 0 || c.As == 0 {
		fail(w, http.StatusBadRequest, "expected {\"message_id\": 12, \"data\": \"...\"}")
		return
	}
	s.mu.Lock()
	api := s.api
	s.mu.Unlock()
	api.Press(s.user(c), c.ID, in.MessageID, in.Data)
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (s *Sandbox) apiUpload(w http.ResponseWriter, r *http.Request) {
	c, ok := s.chatFromPath(w, r)
	if !ok {
		return
	}
	if c.Kind == "group" || c.Kind == "channel" {
		fail(w, http.StatusBadRequest, "uploads work in private chats")
		return
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		fail(w, http.StatusBadRequest, "expected a multipart form with a file (at most 8 MB)")
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		fail(w, http.StatusBadRequest, "no file")
		return
	}
	data, err := io.ReadAll(io.LimitReader(f, 8<<20))
	f.Close()
	if err != nil {
		fail(w, http.StatusBadRequest, "cannot read the file")
		return
	}
	caption := r.FormValue("caption")
	s.mu.Lock()
	api := s.api
	s.mu.Unlock()
	if strings.HasPrefix(hdr.Header.Get("Content-Type"), "image/") {
		api.SendPhoto(s.user(c), caption)
	} else {
		api.SendFile(s.user(c), hdr.Filename, caption, data) // the bot can download it (directory CSV)
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// apiEvents streams events (server-sent events) until the page goes away.
func (s *Sandbox) apiEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		fail(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	ch, cancel := s.hub.subscribe()
	defer cancel()
	fmt.Fprint(w, ": connected\n\n")
	flusher.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case e, open := <-ch:
			if !open {
				return
			}
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.Type, e.Data)
			flusher.Flush()
		}
	}
}

var startParam = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// deepLinkStart turns a pasted link to this bot with a start parameter
// (https://t.me/<bot>?start=join_...) into "/start join_...", which is what Telegram sends when
// someone opens such a link: how a consultant opens an invitation in the sandbox. Any other text
// is returned as it is.
func deepLinkStart(text string) string {
	t := strings.TrimSpace(text)
	if !strings.Contains(t, "://") {
		t = "https://" + t
	}
	u, err := url.Parse(t)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host != "t.me" || !strings.EqualFold(strings.Trim(u.Path, "/"), botUsername) {
		return text
	}
	param := u.Query().Get("start")
	if !startParam.MatchString(param) {
		return text
	}
	return "/start " + param
}
