package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// apiClient calls the Bot API through tgbotapi with an HTTP client that keeps the token out of
// every error: tgbotapi puts the token in the request URL, and net/http quotes that URL in its
// errors, so any error that crosses this boundary is rewritten.
type apiClient struct {
	api   *tgbotapi.BotAPI
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
	api := &tgbotapi.BotAPI{Token: token, Client: hc, Buffer: 100}
	api.SetAPIEndpoint(strings.TrimRight(baseURL, "/") + "/bot%s/%s")
	return &apiClient{api: api, token: token}
}

// call makes one Bot API call and returns its result. Errors are *CallError.
func (c *apiClient) call(method string, params map[string]string) (json.RawMessage, error) {
	resp, err := c.api.MakeRequest(method, tgbotapi.Params(params))
	if err != nil {
		ce := classify(err, c.token)
		if p, ok := sendInstead(method, params, ce); ok {
			return c.call("sendMessage", p)
		}
		return nil, ce
	}
	return resp.Result, nil
}

// tokenSafeClient is the tgbotapi.HTTPClient: it binds requests to a context and rewrites errors
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
