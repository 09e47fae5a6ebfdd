// Package bot is peerline's Telegram runtime: its own getUpdates loop, per-chat dispatch, one
// store transaction per update, the durable outbox and its sender, the router, middleware and
// conversations. It knows no flow: handlers register routes on a Router.
//
// The spine of an update: poll → dispatch to the chat's lane → handle inside one store
// transaction (state changes, outgoing calls into the outbox, and the "update done" mark commit
// together; concurrent chats share fsyncs through bbolt's Batch) → only then may getUpdates'
// offset move past it → the outbox sends under Telegram's limits and deletes what was sent.
package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ehra/peerline/store"
)

// ErrUnauthorized means Telegram refused the token.
var ErrUnauthorized = errors.New("Telegram refused the bot token (401 Unauthorized): check PEERLINE_TOKEN, or get a new token from @BotFather")

// Config configures the runtime.
type Config struct {
	Token  string
	APIURL string // Bot API base URL, e.g. https://api.telegram.org

	PollTimeout time.Duration // long-poll timeout; default 25 s
	PollLimit   int           // updates per getUpdates; default 100
	MaxInflight int           // received but unfinished updates before polling pauses; default 1000
	Workers     int           // handler pool; default 256
	Senders     int           // concurrent outbox calls; default DefaultSenders(Limits)
	Limits      Limits        // sending limits; default TelegramLimits()
	// MaxDrain is how far the outbox may fall behind: when its backlog would take longer than
	// this to send at the current rate, polling pauses until it has halved. Default 5 s.
	MaxDrain time.Duration
	// minBacklog is the backlog below which polling never pauses (tests lower it); default 64.
	minBacklog   int
	MaxAttempts  int           // handler attempts before an update is parked; default 3
	DrainTimeout time.Duration // how long shutdown lets the outbox send; default 4 s
	// Commands are registered with setMyCommands at start, per language code ("" = default).
	Commands map[string][]Command

	Log     *slog.Logger
	Metrics *Metrics
	// Now is the clock handlers see (tests move it); default time.Now.
	Now func() time.Time
	// OnStart runs once, after getMe, in a transaction; calls it enqueues are sent.
	OnStart func(tx *store.Tx, out *Out, self BotInfo) error
	// Flood limits updates per chat (default FloodLimit(); a zero rate turns it off with
	// NoFloodLimit).
	Flood        Rate
	NoFloodLimit bool
	// OnFlood runs, in a transaction, for the first update of a chat over the flood limit; it
	// should ask the person, calmly, to slow down. Further updates are dropped until the chat is
	// under the limit again.
	OnFlood func(c *Ctx)
	// OnParked runs, in the parking transaction, after an update failed MaxAttempts times; it
	// may enqueue an apology to the chat (c carries no store state from the failed attempts).
	OnParked func(c *Ctx)
}

// DefaultSenders is the number of concurrent outgoing calls for limits: under Telegram's limits
// (about 25 calls a second) 8 calls in flight keep up even with slow round trips; without them (a
// local Bot API server) the senders are the bottleneck, so 64.
func DefaultSenders(l Limits) int {
	if l.Off {
		return 64
	}
	return 8
}

// Command is a bot command shown in Telegram's menu.
type Command struct {
	Name        string
	Description string
}

// Bot is the runtime.
type Bot struct {
	cfg     Config
	db      *store.DB
	router  *Router
	log     *slog.Logger
	metrics *Metrics
	self    BotInfo

	pollAPI *apiClient
	sendAPI *apiClient
	outbox  *outbox
	disp    *dispatcher
	track   *tracker

	ready chan struct{}
	once  sync.Once
	flood *flood
}

// New returns a runtime; Run starts it.
func New(cfg Config, db *store.DB, r *Router) *Bot {
	if cfg.PollTimeout == 0 {
		cfg.PollTimeout = 25 * time.Second
	}
	if cfg.PollLimit == 0 {
		cfg.PollLimit = 100
	}
	if cfg.MaxInflight == 0 {
		cfg.MaxInflight = 1000
	}
	if cfg.Workers == 0 {
		cfg.Workers = 256
	}
	if cfg.Limits == (Limits{}) {
		cfg.Limits = TelegramLimits()
	}
	if cfg.Senders == 0 {
		cfg.Senders = DefaultSenders(cfg.Limits)
	}
	if cfg.MaxDrain == 0 {
		cfg.MaxDrain = 5 * time.Second
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = 3
	}
	if cfg.DrainTimeout == 0 {
		cfg.DrainTimeout = 4 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = &Metrics{}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	b := &Bot{cfg: cfg, db: db, router: r, log: cfg.Log, metrics: cfg.Metrics, ready: make(chan struct{})}
	if !cfg.NoFloodLimit {
		if cfg.Flood == (Rate{}) {
			cfg.Flood = FloodLimit()
		}
		b.flood = newFlood(cfg.Flood)
	}
	return b
}

// Self is the bot's own identity (known once Run has called getMe).
func (b *Bot) Self() BotInfo { return b.self }

// Ready is closed once the bot polls.
func (b *Bot) Ready() <-chan struct{} { return b.ready }

// Idle reports whether no update is in hand and nothing waits in the outbox.
func (b *Bot) Idle() bool {
	if b.track == nil || b.outbox == nil {
		return false
	}
	_, inflight, _ := b.track.watermark()
	return inflight == 0 && b.outbox.Len() == 0
}

// Metrics returns the runtime's counters.
func (b *Bot) Metrics() *Metrics { return b.metrics }

// Run runs the bot until ctx is cancelled, then shuts down in order: stop polling, finish the
// updates in hand, let the outbox send what it can within DrainTimeout. It returns
// ErrUnauthorized if Telegram refuses the token. The caller closes the store afterwards.
func (b *Bot) Run(ctx context.Context) error {
	pollCtx, stopPoll := context.WithCancel(context.Background())
	defer stopPoll()
	sendCtx, stopSend := context.WithCancel(context.Background())
	defer stopSend()

	b.pollAPI = newAPIClient(pollCtx, b.cfg.APIURL, b.cfg.Token, b.cfg.PollTimeout+15*time.Second, 2)
	b.sendAPI = newAPIClient(sendCtx, b.cfg.APIURL, b.cfg.Token, 20*time.Second, b.cfg.Senders+4)

	if err := b.hello(ctx); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return nil // stopped before Telegram was reached
	}

	b.outbox = newOutbox(b.db, b.sendAPI, b.cfg.Limits, b.cfg.Senders, b.log, b.metrics)
	b.outbox.onBlocked = markInactive
	b.outbox.now = b.cfg.Now
	b.outbox.maxDrain = b.cfg.MaxDrain
	if b.cfg.minBacklog > 0 {
		b.outbox.minBacklog = b.cfg.minBacklog
	}
	if err := b.outbox.load(); err != nil {
		return fmt.Errorf("load outbox: %w", err)
	}
	outboxDone := make(chan struct{})
	go func() { b.outbox.run(sendCtx); close(outboxDone) }()

	if b.cfg.OnStart != nil || len(b.cfg.Commands) > 0 {
		if err := b.Do(func(tx *store.Tx, out *Out) error {
			b.enqueueCommands(out)
			if b.cfg.OnStart != nil {
				return b.cfg.OnStart(tx, out, b.self)
			}
			return nil
		}); err != nil {
			b.log.Error("start-up jobs failed", "err", err)
		}
	}

	var offset int64
	_ = b.db.View(func(tx *store.Tx) error { offset = tx.Offset(); return nil })
	b.track = newTracker(offset)
	b.disp = newDispatcher(b.cfg.Workers, b.handleUpdate)

	b.once.Do(func() { close(b.ready) })
	pollErr := b.poll(ctx)

	// Shutdown: polling has stopped (or failed). Finish what is in hand.
	stopPoll()
	b.disp.close()
	handled := make(chan struct{})
	go func() { b.disp.wait(); close(handled) }()
	select {
	case <-handled:
	case <-time.After(b.cfg.DrainTimeout):
		b.log.Warn("shutdown: updates still in hand; they will be handled after the restart")
	}
	drainCtx, cancel := context.WithTimeout(context.Background(), b.cfg.DrainTimeout)
	if !b.outbox.Drain(drainCtx) {
		b.log.Info("shutdown: calls left in the outbox for the next start", "queued", b.outbox.Len())
	}
	cancel()
	stopSend()
	<-outboxDone
	<-handled
	return pollErr
}

// hello calls getMe until it succeeds, the token is refused, or ctx ends.
func (b *Bot) hello(ctx context.Context) error {
	backoff := time.Duration(0)
	for {
		res, err := b.sendAPI.call("getMe", nil)
		if err == nil {
			var me tgbotapi.User
			if err := json.Unmarshal(res, &me); err != nil {
				return fmt.Errorf("getMe: %w", err)
			}
			b.self = BotInfo{ID: me.ID, Username: me.UserName}
			b.log.Info("connected to the Bot API")
			return nil
		}
		switch decide(err) {
		case outcomeUnauthorized:
			return ErrUnauthorized
		case outcomeFinal, outcomeBlocked:
			return fmt.Errorf("getMe: %w", err)
		}
		backoff = nextBackoff(backoff)
		b.log.Warn("cannot reach the Bot API; retrying", "err", err.Error(), "in", backoff.Round(time.Millisecond))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
	}
}

func (b *Bot) enqueueCommands(out *Out) {
	for lang, cmds := range b.cfg.Commands {
		type cmd struct {
			Command     string `json:"command"`
			Description string `json:"description"`
		}
		list := make([]cmd, 0, len(cmds))
		for _, c := range cmds {
			list = append(list, cmd{c.Name, c.Description})
		}
		j, _ := json.Marshal(list)
		p := map[string]string{"commands": string(j)}
		if lang != "" {
			p["language_code"] = lang
		}
		out.Call(0, "setMyCommands", p)
	}
}

// poll is the getUpdates loop. It returns nil when ctx is cancelled and ErrUnauthorized on 401.
// A long poll in flight when ctx ends is abandoned by getUpdates and cut by Run, which cancels
// the poll client's context as soon as poll returns.
func (b *Bot) poll(ctx context.Context) error {
	var backoff time.Duration
	var confirmed int64
	conflictLogged := false
	saving := make(chan int64, 1)
	saverDone := make(chan struct{})
	go b.offsetSaver(saving, saverDone)
	defer func() { close(saving); <-saverDone }()

	news := 0 // new updates in the last answer
	for {
		if ctx.Err() != nil {
			return nil
		}
		if relief := b.outbox.pressured(); relief != nil {
			// The outbox is behind: leave the updates with Telegram (the offset stays where it
			// is) until it has caught up, then go on from there.
			select {
			case <-relief:
			case <-ctx.Done():
				return nil
			}
			continue
		}
		offset, inflight, changed := b.track.watermark()
		if inflight >= b.cfg.MaxInflight {
			select {
			case <-changed:
			case <-ctx.Done():
				return nil
			}
			continue
		}
		timeout := int(b.cfg.PollTimeout / time.Second)
		if inflight > 0 {
			// Updates are in hand. Telegram answers with the window of PollLimit updates that
			// starts at the oldest unfinished one, so asking again while most of that window is
			// still in hand brings little news: wait until at most half of it is, then ask
			// without waiting. (A stuck update holds the window for at most 250 ms a round.)
			// When the last answer brought little news, more is unlikely until the answers go
			// out: wait until everything in hand is done (and then long-poll), or for pollPause
			// (250 ms if the last answer brought nothing new).
			target, pause := b.cfg.PollLimit/2, 250*time.Millisecond
			if news < b.cfg.PollLimit/4 {
				target = 0
				if news > 0 {
					pause = pollPause
				}
			}
			deadline := time.After(pause)
		wait:
			for inflight > target {
				select {
				case <-changed:
				case <-deadline:
					break wait
				case <-ctx.Done():
					return nil
				}
				_, inflight, changed = b.track.watermark()
			}
			offset, inflight, _ = b.track.watermark()
			if inflight > 0 {
				timeout = 0
			}
		}
		updates, err := b.getUpdates(ctx, offset, timeout)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			b.metrics.PollErrors.Add(1)
			var ce *CallError
			errors.As(err, &ce)
			switch {
			case decide(err) == outcomeUnauthorized:
				b.log.Error(ErrUnauthorized.Error())
				return ErrUnauthorized
			case ce != nil && ce.Code == 409:
				backoff = nextBackoff(backoff)
				if !conflictLogged || backoff >= 30*time.Second*8/10 {
					b.log.Error("another process is polling with this token (409 Conflict); only one peerline may run per bot", "retry_in", backoff.Round(time.Millisecond))
					conflictLogged = true
				}
			default:
				backoff = nextBackoff(backoff)
				b.log.Warn("getUpdates failed", "err", err.Error(), "retry_in", backoff.Round(time.Millisecond))
			}
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(backoff):
			}
			continue
		}
		backoff, conflictLogged = 0, false
		if offset > confirmed {
			confirmed = offset
			select {
			case saving <- offset:
			default:
				// The saver is busy; replace the queued value with the newer one.
				select {
				case <-saving:
				default:
				}
				saving <- offset
			}
		}
		news = 0
		for i := range updates {
			u := &updates[i]
			if !b.track.add(int64(u.UpdateID)) {
				continue
			}
			news++
			b.metrics.UpdatesReceived.Add(1)
			b.disp.dispatch(u)
		}
	}
}

// pollPause is the shortest pause between getUpdates calls while updates are in hand and the
// last answer brought little news.
const pollPause = 20 * time.Millisecond

// getUpdates makes one getUpdates call that a cancelled ctx ends at once.
func (b *Bot) getUpdates(ctx context.Context, offset int64, timeout int) ([]tgbotapi.Update, error) {
	type result struct {
		raw json.RawMessage
		err error
	}
	ch := make(chan result, 1)
	go func() {
		raw, err := b.pollAPI.call("getUpdates", map[string]string{
			"offset":  strconv.FormatInt(offset, 10),
			"limit":   strconv.Itoa(b.cfg.PollLimit),
			"timeout": strconv.Itoa(timeout),
		})
		ch <- result{raw, err}
	}()
	var r result
	select {
	case r = <-ch:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if r.err != nil {
		return nil, r.err
	}
	var updates []tgbotapi.Update
	if err := json.Unmarshal(r.raw, &updates); err != nil {
		return nil, &CallError{Description: "undecodable updates", Transport: true}
	}
	return updates, nil
}

// offsetSaver persists the confirmed offset (and prunes done marks below it) off the poll path.
func (b *Bot) offsetSaver(in <-chan int64, done chan<- struct{}) {
	defer close(done)
	for off := range in {
		if err := b.db.Batch(func(tx *store.Tx) error { return tx.SetOffset(off) }); err != nil {
			b.log.Error("cannot save the update offset", "err", err)
		}
	}
}

// handleUpdate handles u inside one transaction, retrying a bounded number of times, then parks.
func (b *Bot) handleUpdate(u *tgbotapi.Update) {
	id := int64(u.UpdateID)
	defer b.track.finish(id)
	switch b.flood.verdict(chatLane(u), time.Now()) {
	case floodDrop:
		b.metrics.UpdatesDropped.Add(1)
		return
	case floodNotify:
		b.metrics.UpdatesDropped.Add(1)
		b.hook(u, b.cfg.OnFlood, "flood")
		return
	}
	var lastErr error
	for attempt := 1; attempt <= b.cfg.MaxAttempts; attempt++ {
		var calls []store.OutboxEntry
		var forgotten []int64
		skipped := false
		err := b.db.Batch(func(tx *store.Tx) error {
			calls, skipped, forgotten = calls[:0], false, nil
			if tx.UpdateDone(id) {
				skipped = true
				return nil
			}
			c, next, err := b.runHandler(tx, u)
			if err != nil {
				return err
			}
			if c.ChatID != 0 {
				if err := saveConversation(tx, c, next); err != nil {
					return err
				}
			}
			if c.Kind == KindCallback && !c.answered {
				c.answered = true
				c.answer(u.CallbackQuery.ID, "", false)
			}
			for _, call := range c.Calls() {
				e, err := tx.Enqueue(call)
				if err != nil {
					return err
				}
				calls = append(calls, e)
			}
			forgotten = c.forgotten
			return tx.MarkUpdateDone(id)
		})
		if err == nil {
			if skipped {
				b.metrics.UpdatesSkipped.Add(1)
			} else {
				b.metrics.UpdatesHandled.Add(1)
				for _, chat := range forgotten {
					b.outbox.dropChat(chat, firstID(calls))
				}
				b.outbox.add(calls)
			}
			return
		}
		lastErr = err
		b.metrics.UpdatesRetried.Add(1)
		time.Sleep(jitter(time.Duration(attempt) * 50 * time.Millisecond))
	}
	b.park(u, lastErr)
}

// runHandler loads the chat's conversation and runs the router, turning a panic into an error.
func (b *Bot) runHandler(tx *store.Tx, u *tgbotapi.Update) (c *Ctx, next Next, err error) {
	c = newCtx(context.Background(), u, b.self, b.cfg.Now())
	c.Tx = tx
	if c.ChatID != 0 {
		conv, err := tx.Conversation(c.ChatID)
		if err != nil {
			return c, next, err
		}
		c.Conv = State(conv.State)
		c.ConvData = conv.Data
	}
	if c.ConvData == nil {
		c.ConvData = map[string]string{}
	}
	c.startData = copyData(c.ConvData)
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v}
		}
	}()
	next, err = b.router.Handle(c)
	return c, next, err
}

func copyData(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func saveConversation(tx *store.Tx, c *Ctx, next Next) error {
	state := next.State(c.Conv)
	data := c.ConvData
	if next.Ends() {
		data = nil
	}
	if state == c.Conv && sameData(data, c.startData) {
		return nil
	}
	if state == "" && len(data) == 0 {
		return tx.DeleteConversation(c.ChatID)
	}
	return tx.SetConversation(c.ChatID, store.Conversation{State: string(state), Data: data, Updated: c.Now.Unix()})
}

func sameData(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

var stackArgs = regexp.MustCompile(`\(0x[0-9a-f, .]*\)|\+0x[0-9a-f]+| fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+`)

// park records a failing update (no content) so it no longer blocks its chat or the offset.
func (b *Bot) park(u *tgbotapi.Update, cause error) {
	id := int64(u.UpdateID)
	reason := "error"
	var pe *PanicError
	if errors.As(cause, &pe) {
		reason = "panic"
		if pe.Stack != nil {
			// Argument words in a stack trace can be ids; keep function names and lines only.
			b.log.Error("handler panicked; update parked", "stack", stackArgs.ReplaceAllString(string(pe.Stack), ""))
		}
	}
	b.log.Error("update parked after repeated failures", "class", reason, "attempts", b.cfg.MaxAttempts)
	var calls []store.OutboxEntry
	err := b.db.Batch(func(tx *store.Tx) error {
		calls = calls[:0]
		if tx.UpdateDone(id) {
			return nil
		}
		if err := tx.ParkUpdate(id, reason, b.cfg.Now()); err != nil {
			return err
		}
		if b.cfg.OnParked != nil {
			c := newCtx(context.Background(), u, b.self, b.cfg.Now())
			c.Tx = tx
			func() {
				defer func() { _ = recover() }()
				b.cfg.OnParked(c)
			}()
			if c.Kind == KindCallback && !c.answered {
				c.answer(u.CallbackQuery.ID, "", false)
			}
			for _, call := range c.Calls() {
				e, err := tx.Enqueue(call)
				if err != nil {
					return err
				}
				calls = append(calls, e)
			}
		}
		return nil
	})
	if err != nil {
		b.log.Error("cannot park an update; it will be retried after a restart", "err", err)
		return
	}
	b.metrics.UpdatesParked.Add(1)
	b.outbox.add(calls)
}

// hook runs fn (if any) for u in its own transaction, marking u done, and sends what it enqueued.
func (b *Bot) hook(u *tgbotapi.Update, fn func(*Ctx), name string) {
	id := int64(u.UpdateID)
	var calls []store.OutboxEntry
	err := b.db.Batch(func(tx *store.Tx) error {
		calls = calls[:0]
		if tx.UpdateDone(id) {
			return nil
		}
		c := newCtx(context.Background(), u, b.self, b.cfg.Now())
		c.Tx = tx
		if fn != nil {
			func() {
				defer func() { _ = recover() }()
				fn(c)
			}()
		}
		if c.Kind == KindCallback && !c.answered {
			c.answer(u.CallbackQuery.ID, "", false)
		}
		for _, call := range c.Calls() {
			e, err := tx.Enqueue(call)
			if err != nil {
				return err
			}
			calls = append(calls, e)
		}
		return tx.MarkUpdateDone(id)
	})
	if err != nil {
		b.log.Error("cannot record an update", "hook", name, "err", err)
		return
	}
	b.outbox.add(calls)
}

// Do runs fn in a transaction with an Out whose calls are sent after the commit: for scheduled
// jobs and anything else that acts outside an update.
func (b *Bot) Do(fn func(tx *store.Tx, out *Out) error) error {
	var calls []store.OutboxEntry
	err := b.db.Batch(func(tx *store.Tx) error {
		calls = calls[:0]
		out := NewOut(b.cfg.Now())
		if err := fn(tx, out); err != nil {
			return err
		}
		for _, call := range out.Calls() {
			e, err := tx.Enqueue(call)
			if err != nil {
				return err
			}
			calls = append(calls, e)
		}
		return nil
	})
	if err == nil && b.outbox != nil {
		b.outbox.add(calls)
	}
	return err
}

// markInactive records that a person blocked the bot (403).
func markInactive(tx *store.Tx, chatID int64) error {
	if chatID <= 0 {
		return nil
	}
	u, found, err := tx.User(chatID)
	if err != nil || !found {
		return err
	}
	u.Inactive = true
	return tx.PutUser(chatID, u)
}

// firstID is the lowest outbox id among calls (or the largest possible id if none).
func firstID(calls []store.OutboxEntry) uint64 {
	if len(calls) == 0 {
		return ^uint64(0)
	}
	return calls[0].ID
}
