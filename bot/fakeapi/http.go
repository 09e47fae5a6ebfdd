package fakeapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// method is one Bot API method the fake implements.
type method struct {
	name string
	send bool // counted by the flood limits and subject to FailRate
	fn   func(*Server, *request) reply
	idx  int // index into the per-method counters
}

// methodTable lists the implemented methods. Its order gives the counter
// indexes.
var methodTable = [...]method{
	{name: "getMe", fn: (*Server).getMe},
	{name: "getUpdates", fn: (*Server).getUpdates},
	{name: "sendMessage", send: true, fn: (*Server).sendMessage},
	{name: "editMessageText", send: true, fn: (*Server).editMessageText},
	{name: "editMessageReplyMarkup", send: true, fn: (*Server).editMessageReplyMarkup},
	{name: "editMessageCaption", send: true, fn: (*Server).editMessageCaption},
	{name: "deleteMessage", send: true, fn: (*Server).deleteMessage},
	{name: "deleteMessages", send: true, fn: (*Server).deleteMessages},
	{name: "answerCallbackQuery", fn: (*Server).answerCallbackQuery},
	{name: "copyMessage", send: true, fn: (*Server).copyMessage},
	{name: "sendPhoto", send: true, fn: (*Server).sendPhoto},
	{name: "sendDocument", send: true, fn: (*Server).sendDocument},
	{name: "setMyCommands", fn: (*Server).setMyCommands},
	{name: "getMyCommands", fn: (*Server).getMyCommands},
	{name: "deleteMyCommands", fn: (*Server).deleteMyCommands},
	{name: "leaveChat", fn: (*Server).leaveChat},
	{name: "getChat", fn: (*Server).getChat},
	{name: "deleteWebhook", fn: (*Server).deleteWebhook},
	{name: "setWebhook", fn: (*Server).setWebhook},
	{name: "getWebhookInfo", fn: (*Server).getWebhookInfo},
	{name: "sendChatAction", fn: (*Server).sendChatAction},
	// admin.go
	{name: "sendVideo", send: true, fn: (*Server).sendVideo},
	{name: "sendMediaGroup", send: true, fn: (*Server).sendMediaGroup},
	{name: "pinChatMessage", send: true, fn: (*Server).pinChatMessage},
	{name: "unpinChatMessage", send: true, fn: (*Server).unpinChatMessage},
	{name: "getChatMember", fn: (*Server).getChatMember},
	{name: "getFile", fn: (*Server).getFile},
}

// numMethods is the number of implemented methods.
const numMethods = len(methodTable)

// methodByName maps exact and lower-case names (Telegram's method names are
// case-insensitive) to the table.
var methodByName map[string]*method

func init() {
	methodByName = make(map[string]*method, 2*numMethods)
	for i := range methodTable {
		m := &methodTable[i]
		m.idx = i
		methodByName[m.name] = m
		methodByName[strings.ToLower(m.name)] = m
	}
}

// lookupMethod finds a method by name, nil if unknown.
func lookupMethod(name string) *method {
	if m := methodByName[name]; m != nil {
		return m
	}
	return methodByName[strings.ToLower(name)]
}

// request is one API call being served.
type request struct {
	hr      *http.Request
	m       *method
	params  map[string]string
	uploads map[string]string // multipart file field → file name
	at      time.Time
}

func (q *request) get(key string) string { return q.params[key] }

func (q *request) has(key string) bool {
	_, ok := q.params[key]
	return ok
}

// bool reads a boolean parameter the way the Bot API does.
func (q *request) bool(key string) bool {
	switch strings.ToLower(q.params[key]) {
	case "true", "1":
		return true
	}
	return false
}

// int reads an integer parameter; ok is false when absent or malformed.
func (q *request) int(key string) (int64, bool) {
	v, ok := q.params[key]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return n, err == nil
}

// reply is the answer to a call: a result (status 200) or an error.
type reply struct {
	status     int // 0 means 200
	result     []byte
	desc       string
	retryAfter int
	limited    bool // a 429 caused by Options.Limits
}

var (
	rawTrue  = []byte("true")
	rawEmpty = []byte("[]")
)

func okRaw(b []byte) reply { return reply{result: b} }

// okJSON marshals v as the result.
func okJSON(v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		return reply{status: http.StatusInternalServerError, desc: "Internal Server Error: " + err.Error()}
	}
	return reply{result: b}
}

func badRequest(desc string) reply { return reply{status: http.StatusBadRequest, desc: desc} }

func forbidden(desc string) reply { return reply{status: http.StatusForbidden, desc: desc} }

var (
	ctJSON = []string{"application/json"}
	ctHTML = []string{"text/html"}
)

// bufPool recycles request and response buffers.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxBody bounds request bodies (Telegram accepts uploads up to 50 MB).
const maxBody = 64 << 20

// ServeHTTP serves one Bot API call: /bot<token>/<method>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/file/") {
		s.serveFile(w, r) // admin.go
		return
	}
	q := &request{hr: r, at: s.now()}
	token, name, ok := splitPath(r.URL.Path)
	switch {
	case !ok:
		s.finish(w, q, name, reply{status: http.StatusNotFound, desc: "Not Found"})
		return
	case s.opt.Token != "" && token != s.opt.Token:
		s.finish(w, q, name, reply{status: http.StatusUnauthorized, desc: "Unauthorized"})
		return
	}
	q.m = lookupMethod(name)
	if q.m == nil {
		s.finish(w, q, name, reply{status: http.StatusNotFound, desc: "Not Found: method not found"})
		return
	}
	name = q.m.name
	var err error
	if q.params, q.uploads, err = readParams(r); err != nil {
		s.finish(w, q, name, badRequest("Bad Request: "+err.Error()))
		return
	}

	if s.faultsArmed.Load() {
		s.mu.Lock()
		f, hit := s.faults.take(name, q.m.send)
		s.faultsArmed.Store(s.faults.pending > 0 || s.faults.rate > 0)
		s.mu.Unlock()
		if hit {
			s.faulted.Add(1)
			if f.Delay > 0 && !s.sleep(r, f.Delay, f.failing()) && f.failing() {
				// The client went away: nobody to answer.
				s.finish(w, q, name, reply{status: -1})
				return
			}
			switch {
			case f.Drop:
				s.finish(w, q, name, reply{status: -1})
				return
			case f.failing():
				rp := f.reply()
				if f.HTMLBody {
					rp.result = htmlPage(rp.status)
					rp.status = -rp.status // marks an HTML answer
				}
				s.finish(w, q, name, rp)
				return
			}
		}
	}
	s.finish(w, q, name, q.m.fn(s, q))
}

// sleep waits d, ending early when the server closes or, if abortable, when
// the client goes away. It reports whether the client is still there.
func (s *Server) sleep(r *http.Request, d time.Duration, abortable bool) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	done := r.Context().Done()
	if !abortable {
		done = nil
	}
	select {
	case <-t.C:
	case <-s.closing:
	case <-done:
		return false
	}
	return true
}

// splitPath splits /bot<token>/<method>.
func splitPath(p string) (token, method string, ok bool) {
	rest, found := strings.CutPrefix(p, "/bot")
	if !found {
		return "", "", false
	}
	token, method, found = strings.Cut(rest, "/")
	if !found || token == "" {
		return "", "", false
	}
	return token, method, true
}

// finish writes the answer, counts and records the call, and wakes WaitFor.
// rp.status -1 means "drop the connection", a negative status an HTML page.
func (s *Server) finish(w http.ResponseWriter, q *request, name string, rp reply) {
	status := rp.status
	if status == 0 {
		status = http.StatusOK
	}
	abort := false
	switch {
	case status == -1:
		status, abort = 0, true
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				abort = false
			}
		}
	case status < 0:
		status = -status
		w.Header()["Content-Type"] = ctHTML
		w.WriteHeader(status)
		w.Write(rp.result)
		rp.result = nil
	default:
		buf := bufPool.Get().(*bytes.Buffer)
		buf.Reset()
		if status == http.StatusOK {
			buf.WriteString(`{"ok":true,"result":`)
			buf.Write(rp.result)
			buf.WriteByte('}')
		} else {
			rp.result = nil
			buf.WriteString(`{"ok":false,"error_code":`)
			buf.WriteString(strconv.Itoa(status))
			buf.WriteString(`,"description":`)
			writeJSONString(buf, rp.desc)
			if rp.retryAfter > 0 {
				buf.WriteString(`,"parameters":{"retry_after":`)
				buf.WriteString(strconv.Itoa(rp.retryAfter))
				buf.WriteByte('}')
			}
			buf.WriteByte('}')
		}
		w.Header()["Content-Type"] = ctJSON
		w.WriteHeader(status)
		w.Write(buf.Bytes())
		if buf.Cap() <= 64<<10 {
			bufPool.Put(buf)
		}
	}

	s.total.Add(1)
	if status < len(s.byStatus) {
		s.byStatus[status].Add(1)
	}
	if rp.limited {
		s.limited.Add(1)
	}
	if q.m != nil {
		s.byMethod[q.m.idx].Add(1)
	} else {
		s.lmu.Lock()
		s.unknownN[name]++
		s.lmu.Unlock()
	}
	if !s.opt.Light || s.opt.OnCall != nil {
		c := Call{Method: name, Params: q.params, Status: status, At: q.at, Result: rp.result}
		if v := q.params["chat_id"]; v != "" {
			c.ChatID, _ = strconv.ParseInt(v, 10, 64)
		}
		if !s.opt.Light {
			s.lmu.Lock()
			s.calls = append(s.calls, c)
			s.lmu.Unlock()
		}
		if s.opt.OnCall != nil {
			s.opt.OnCall(c)
		}
	}
	s.poke()
	if abort {
		// The connection could not be hijacked (HTTP/2, a wrapping
		// ResponseWriter): make net/http drop it without an answer.
		panic(http.ErrAbortHandler)
	}
}

// readParams collects the call's parameters from the query string and the
// body (form-encoded, JSON or multipart).
func readParams(r *http.Request) (params, uploads map[string]string, err error) {
	params = make(map[string]string, 8)
	if r.URL.RawQuery != "" {
		if err := parseForm(params, r.URL.RawQuery); err != nil {
			return nil, nil, err
		}
	}
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return params, nil, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return nil, nil, errors.New("can't parse multipart request")
		}
		defer r.MultipartForm.RemoveAll()
		for k, vs := range r.MultipartForm.Value {
			if len(vs) > 0 {
				params[k] = vs[0]
			}
		}
		for k, fs := range r.MultipartForm.File {
			if len(fs) == 0 {
				continue
			}
			if uploads == nil {
				uploads = make(map[string]string)
			}
			uploads[k] = fs[0].Filename
			if _, ok := params[k]; !ok {
				params[k] = fs[0].Filename
			}
		}
		return params, uploads, nil
	}

	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	_, err = buf.ReadFrom(io.LimitReader(r.Body, maxBody))
	body := buf.String()
	if buf.Cap() <= 64<<10 {
		bufPool.Put(buf)
	}
	if err != nil {
		return nil, nil, errors.New("can't read request body")
	}
	if ct == "application/json" {
		if strings.TrimSpace(body) == "" {
			return params, nil, nil
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(body), &obj); err != nil {
			return nil, nil, errors.New("can't parse JSON object")
		}
		for k, raw := range obj {
			switch {
			case len(raw) == 0 || string(raw) == "null":
			case raw[0] == '"':
				var v string
				if err := json.Unmarshal(raw, &v); err != nil {
					return nil, nil, errors.New("can't parse JSON object")
				}
				params[k] = v
			default:
				params[k] = string(raw)
			}
		}
		return params, nil, nil
	}
	return params, nil, parseForm(params, body)
}

// parseForm adds the pairs of a URL-encoded form to dst; the first value of
// a repeated key wins, as with url.Values.Get.
func parseForm(dst map[string]string, form string) error {
	for form != "" {
		var pair string
		pair, form, _ = strings.Cut(form, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(k)
		if err != nil {
			return errors.New("can't parse request parameters")
		}
		if v, err = url.QueryUnescape(v); err != nil {
			return errors.New("can't parse request parameters")
		}
		if _, dup := dst[k]; !dup {
			dst[k] = v
		}
	}
	return nil
}

// writeJSONString writes s as a JSON string literal.
func writeJSONString(buf *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			buf.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				buf.WriteByte('\\')
				buf.WriteByte(c)
			case '\n':
				buf.WriteString(`\n`)
			case '\r':
				buf.WriteString(`\r`)
			case '\t':
				buf.WriteString(`\t`)
			default:
				buf.WriteString(`\u00`)
				buf.WriteByte(hex[c>>4])
				buf.WriteByte(hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf.WriteString(s[start:i])
			buf.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		i += size
	}
	buf.WriteString(s[start:])
	buf.WriteByte('"')
}

// htmlPage is a proxy-style error page for Fault.HTMLBody.
func htmlPage(status int) []byte {
	t := strconv.Itoa(status) + " " + http.StatusText(status)
	return []byte("<html>\r\n<head><title>" + t + "</title></head>\r\n<body>\r\n<center><h1>" + t +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
}
