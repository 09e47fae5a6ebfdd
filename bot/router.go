package bot

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"strings"
	"time"
)

// HandlerFunc handles one update and returns what happens to the conversation.
type HandlerFunc func(c *Ctx) (Next, error)

// Middleware wraps a handler, as in net/http.
type Middleware func(next HandlerFunc) HandlerFunc

type callbackRoute struct {
	prefix string
	h      HandlerFunc
	states map[State]bool // nil: valid in any state
}

// Router picks the handler for an update: commands first (they work from any state), then
// button presses by callback-data prefix, then exact texts (such as the always-visible overdose
// button's label in any language), then plain messages by conversation state, then a fallback.
type Router struct {
	mw        []Middleware
	commands  map[string]HandlerFunc
	callbacks []callbackRoute
	texts     map[string]string // exact text → route name
	textH     map[string]HandlerFunc
	states    map[State]HandlerFunc
	fallback  HandlerFunc
	stale     HandlerFunc
	other     HandlerFunc
}

// NewRouter returns an empty router.
func NewRouter() *Router {
	return &Router{
		commands: map[string]HandlerFunc{},
		texts:    map[string]string{},
		textH:    map[string]HandlerFunc{},
		states:   map[State]HandlerFunc{},
	}
}

// Use adds middleware; the first added is the outermost.
func (r *Router) Use(mw ...Middleware) { r.mw = append(r.mw, mw...) }

// Command routes /name (also /name@bot in groups) from any state.
func (r *Router) Command(name string, h HandlerFunc) { r.commands[strings.ToLower(name)] = h }

// Callback routes button presses whose data starts with prefix. If states are given, a press in
// any other state is stale and goes to the stale handler.
func (r *Router) Callback(prefix string, h HandlerFunc, states ...State) {
	cr := callbackRoute{prefix: prefix, h: h}
	if len(states) > 0 {
		cr.states = map[State]bool{}
		for _, s := range states {
			cr.states[s] = true
		}
	}
	r.callbacks = append(r.callbacks, cr)
	// Longest prefix first, so "m:back" wins over "m:".
	sort.SliceStable(r.callbacks, func(i, j int) bool { return len(r.callbacks[i].prefix) > len(r.callbacks[j].prefix) })
}

// Text routes a message whose whole text is exactly text, from any state.
func (r *Router) Text(name, text string, h HandlerFunc) {
	r.texts[text] = name
	r.textH[text] = h
}

// State routes plain messages (and media) received in conversation state s.
func (r *Router) State(s State, h HandlerFunc) { r.states[s] = h }

// Fallback handles messages nothing else matched.
func (r *Router) Fallback(h HandlerFunc) { r.fallback = h }

// Stale handles button presses that match no route or are not valid in the current state.
func (r *Router) Stale(h HandlerFunc) { r.stale = h }

// Other handles updates that are neither messages nor button presses (channel posts, the bot
// being added to a chat).
func (r *Router) Other(h HandlerFunc) { r.other = h }

// route resolves the handler and its name for c.
func (r *Router) route(c *Ctx) (string, HandlerFunc) {
	switch c.Kind {
	case KindMessage:
		if c.Command != "" {
			if h, ok := r.commands[c.Command]; ok {
				return "cmd:" + c.Command, h
			}
			return "cmd:unknown", r.fallback
		}
		if name, ok := r.texts[strings.TrimSpace(c.Text)]; ok {
			return "text:" + name, r.textH[strings.TrimSpace(c.Text)]
		}
		if h, ok := r.states[c.Conv]; ok {
			return "state:" + string(c.Conv), h
		}
		return "fallback", r.fallback
	case KindCallback:
		if c.messageGone() {
			return "cb:gone", r.stale
		}
		for _, cr := range r.callbacks {
			if strings.HasPrefix(c.Data, cr.prefix) {
				if cr.states != nil && !cr.states[c.Conv] {
					return "cb:stale", r.stale
				}
				return "cb:" + strings.TrimSuffix(cr.prefix, ":"), cr.h
			}
		}
		return "cb:unknown", r.stale
	default:
		return "other", r.other
	}
}

// Handle routes c and runs the handler inside the middleware chain.
func (r *Router) Handle(c *Ctx) (Next, error) {
	name, h := r.route(c)
	c.Route = name
	if h == nil {
		h = func(*Ctx) (Next, error) { return Stay(), nil }
	}
	for i := len(r.mw) - 1; i >= 0; i-- {
		h = r.mw[i](h)
	}
	return h(c)
}

// PanicError is a handler panic turned into an error.
type PanicError struct {
	Value any
	Stack []byte
}

func (p *PanicError) Error() string { return fmt.Sprintf("handler panic: %v", p.Value) }

// Recover turns a handler panic into an error, so the update is retried and then parked instead
// of crashing the process.
func Recover() Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(c *Ctx) (n Next, err error) {
			defer func() {
				if v := recover(); v != nil {
					err = &PanicError{Value: v, Stack: debug.Stack()}
				}
			}()
			return next(c)
		}
	}
}

// Logging logs each handled update at debug level and failures at warn level: the route, the
// role, the language and the time taken. Never text, never ids.
func Logging(log *slog.Logger) Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(c *Ctx) (Next, error) {
			start := time.Now()
			n, err := next(c)
			if err != nil {
				class := "error"
				if _, ok := err.(*PanicError); ok {
					class = "panic"
				}
				log.Warn("handler failed", "route", c.Route, "class", class, "role", c.Role.String())
				return n, err
			}
			log.Debug("handled", "route", c.Route, "role", c.Role.String(), "lang", c.Lang, "took", time.Since(start))
			return n, nil
		}
	}
}
