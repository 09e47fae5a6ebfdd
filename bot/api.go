package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// apiClient calls the Bot API with an HTTP client that keeps the token out of every error: the
// token is in the request URL, and net/http quotes that URL in its errors, so any error that
// crosses this boundary is rewritten. (It speaks the Bot API's form-encoded POST itself rather
// than through tgbotapi's MakeRequest: this is the hot path of every call, and building the
// form in one buffer and decoding the answer once saves a dozen allocations a call.)
type apiClient struct {
	hc    *tokenSafeClient
	base  string // baseURL + "/bot<token>/"
	token string
}

// newAPIClient returns a client for baseURL (e.g. https://api.telegram.org) whose requests are
// bound to ctx (cancelling it aborts calls in flight) and time out after timeout.
func newAPIClient(ctx context.Context, baseURL, token string, timeout time.Duration, maxConns int) *apiClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = maxConns
	tr.MaxIdleConns = maxConns
	hc := &tokenSafeClient{
		http:  &http.Client{Timeout: timeout, Transport: tr},
		token: token,
		ctx:   ctx,
	}
	return &apiClient{hc: hc, base: strings.TrimRight(baseURL, "/") + "/bot" + token + "/", token: token}
}

// apiResponse is the Bot API's answer envelope.
type apiResponse struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// call makes one Bot API call and returns its result. Errors are *CallError.
func (c *apiClient) call(method string, params map[string]string) (json.RawMessage, error) {
	res, err := c.do(method, params)
	if err != nil {
		if p, ok := sendInstead(method, params, err); ok {
			return c.call("sendMessage", p)
		}
		return nil, err
	}
	return res, nil
}

// do makes one HTTP request for a Bot API call. Errors are *CallError.
func (c *apiClient) do(method string, params map[string]string) (json.RawMessage, error) {
	n := 0
	for k, v := range params {
		n += len(k) + len(v) + 2
	}
	form := make([]byte, 0, n+n/4)
	for k, v := range params {
		if len(form) > 0 {
			form = append(form, '&')
		}
		form = appendFormEscaped(form, k)
		form = append(form, '=')
		form = appendFormEscaped(form, v)
	}
	req, err := http.NewRequest(http.MethodPost, c.base+method, bytes.NewReader(form))
	if err != nil {
		return nil, &CallError{Description: Redact(err.Error(), c.token), Transport: true}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.send(req)
}

// upload makes a Bot API call with one file (multipart/form-data): a document an admin asked
// for, say. Errors are *CallError.
func (c *apiClient) upload(method string, params map[string]string, field, name string, data []byte) (json.RawMessage, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range params {
		if err := w.WriteField(k, v); err != nil {
			return nil, &CallError{Description: err.Error()}
		}
	}
	fw, err := w.CreateFormFile(field, name)
	if err == nil {
		_, err = fw.Write(data)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return nil, &CallError{Description: err.Error()}
	}
	req, err := http.NewRequest(http.MethodPost, c.base+method, &body)
	if err != nil {
		return nil, &CallError{Description: Redact(err.Error(), c.token), Transport: true}
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.send(req)
}

// send sends a built request and decodes the Bot API's answer. Errors are *CallError.
func (c *apiClient) send(req *http.Request) (json.RawMessage, error) {
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, classify(err, c.token)
	}
	defer resp.Body.Close()
	buf := bufPool.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			buf.Reset()
			bufPool.Put(buf)
		}
	}()
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return nil, &CallError{Description: "answer cut short: " + Redact(err.Error(), c.token), Transport: true}
	}
	var r apiResponse
	if err := json.Unmarshal(buf.Bytes(), &r); err != nil {
		// A proxy's HTML error page, a cut body.
		return nil, &CallError{Description: "undecodable answer: " + Redact(err.Error(), c.token), Transport: true}
	}
	if !r.OK {
		ce := &CallError{Code: r.ErrorCode, Description: Redact(r.Description, c.token)}
		if r.Parameters != nil {
			ce.RetryAfter = time.Duration(r.Parameters.RetryAfter) * time.Second
		}
		return nil, ce
	}
	return r.Result, nil
}

// appendFormEscaped appends s escaped for an application/x-www-form-urlencoded body, as
// url.QueryEscape does.
func appendFormEscaped(buf []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			buf = append(buf, c)
		case c == ' ':
			buf = append(buf, '+')
		default:
			buf = append(buf, '%', hex[c>>4], hex[c&15])
		}
	}
	return buf
}

// tokenSafeClient is the HTTP client: it binds requests to a context and rewrites errors
// so that the token never appears in them.
type tokenSafeClient struct {
	http  *http.Client
	token string
	ctx   context.Context
}

func (t *tokenSafeClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := t.http.Do(req.WithContext(t.ctx))
	if err != nil {
		return nil, newTransportError(err, t.token)
	}
	return resp, nil
}

// transportError is a network-level failure with the token removed from its text. It does not
// wrap the original error (whose text holds the URL with the token); it keeps what callers need.
type transportError struct {
	msg      string
	canceled bool
	timeout  bool
}

func newTransportError(err error, token string) *transportError {
	te := &transportError{msg: Redact(err.Error(), token)}
	te.canceled = errors.Is(err, context.Canceled)
	var ne interface{ Timeout() bool }
	te.timeout = errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
	return te
}

func (e *transportError) Error() string { return e.msg }

func (e *transportError) Unwrap() error {
	if e.canceled {
		return context.Canceled
	}
	return nil
}

// Redact replaces every occurrence of token in s.
func Redact(s, token string) string {
	if token == "" {
		return s
	}
	s = strings.ReplaceAll(s, token, "<token>")
	// The bot id part alone ("123456:") is not secret, but the secret half is.
	if i := strings.IndexByte(token, ':'); i > 0 && i+1 < len(token) {
		s = strings.ReplaceAll(s, token[i+1:], "<token>")
	}
	return s
}

// CallError is a failed Bot API call, classified.
type CallError struct {
	Code        int           // Bot API error_code (0 for transport or decoding failures)
	Description string        // Bot API description, or the redacted transport error
	RetryAfter  time.Duration // from 429 answers
	Transport   bool          // the call may not have reached Telegram, or its answer was lost
	Canceled    bool          // the runtime is shutting down
}

func (e *CallError) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("telegram %d: %s", e.Code, e.Description)
	}
	return "telegram unreachable: " + e.Description
}

func (e *CallError) Unwrap() error {
	if e.Canceled {
		return context.Canceled
	}
	return nil
}

func classify(err error, token string) *CallError {
	var te *transportError
	if errors.As(err, &te) {
		return &CallError{Description: te.msg, Transport: true, Canceled: te.canceled}
	}
	var ae *tgbotapi.Error
	if errors.As(err, &ae) {
		return &CallError{Code: ae.Code, Description: Redact(ae.Message, token), RetryAfter: time.Duration(ae.RetryAfter) * time.Second}
	}
	// Anything else is an answer we could not decode (a proxy's HTML error page, a cut body).
	return &CallError{Description: "undecodable answer: " + Redact(err.Error(), token), Transport: true}
}

// outcome is what the runtime does about a call's result.
type outcome int

const (
	outcomeDone         outcome = iota // succeeded, or failed in a way that counts as done
	outcomeRetry                       // try again after a backoff
	outcomeRetryAfter                  // 429: try again after RetryAfter
	outcomeBlocked                     // 403: the person blocked the bot or the chat is gone
	outcomeFinal                       // will never succeed; drop it
	outcomeUnauthorized                // 401: the token is wrong
)

func decide(err error) outcome {
	if err == nil {
		return outcomeDone
	}
	var ce *CallError
	if !errors.As(err, &ce) {
		return outcomeRetry
	}
	switch {
	case ce.Transport:
		return outcomeRetry
	case ce.Code == http.StatusTooManyRequests:
		return outcomeRetryAfter
	case ce.Code == http.StatusUnauthorized:
		return outcomeUnauthorized
	case ce.Code == http.StatusForbidden:
		return outcomeBlocked
	case ce.Code >= 500:
		return outcomeRetry
	case ce.Code == http.StatusBadRequest && strings.Contains(ce.Description, "message is not modified"):
		return outcomeDone
	case ce.Code == http.StatusConflict:
		return outcomeRetry
	default:
		return outcomeFinal
	}
}

// LibraryLogger adapts a slog.Logger to tgbotapi's logger with every line redacted. Install it
// once per process with tgbotapi.SetLogger(bot.LibraryLogger(log, token)).
func LibraryLogger(log *slog.Logger, token string) tgbotapi.BotLogger {
	return libLogger{log: log, token: token}
}

type libLogger struct {
	log   *slog.Logger
	token string
}

func (l libLogger) Println(v ...interface{}) {
	l.log.Warn("telegram library", "msg", Redact(strings.TrimSpace(fmt.Sprintln(v...)), l.token))
}

func (l libLogger) Printf(format string, v ...interface{}) {
	l.log.Warn("telegram library", "msg", Redact(strings.TrimSpace(fmt.Sprintf(format, v...)), l.token))
}
