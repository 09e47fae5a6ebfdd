package store

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Cases: a person's request to talk to a peer consultant, from the queue to its close and
// follow-up. A case holds its short random code, state, language, topic, coarse place, intake
// summary codes, times, the consultant holding it, the outcome, and the person's chat id — all
// sealed, keyed by a keyed hash of the code. Never the text or caption of anything relayed, and
// not the file ids of the person's media: routing uses message-id pairs (case_pairs).
//
// Buckets: cases (code → case), case_index (person / forum topic / consultant's active case →
// code), case_pairs ((chat, message) → the other side's (chat, message) and the code).

var (
	bucketCases     = []byte("cases")
	bucketCaseIndex = []byte("case_index")
	bucketCasePairs = []byte("case_pairs")
)

// Case states.
const (
	CaseQueued = "queued"
	CaseTaken  = "taken"
	CaseClosed = "closed"
)

// CodeAlphabet has no characters that read alike (0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B).
const CodeAlphabet = "ACDEFHJKMNPRTUVWXY3479"

// CodeLen is the length of a case code.
const CodeLen = 4

// Case is one request for a peer consultant.
type Case struct {
	Code    string   `json:"k"`
	State   string   `json:"s"`
	Lang    string   `json:"l,omitempty"`
	Topic   string   `json:"tp,omitempty"` // ost art tb hcv hum nps combo mem call gen
	Place   string   `json:"pl,omitempty"` // coarse: a region or country code
	Summary []string `json:"sm,omitempty"` // intake answer codes
	Urgent  bool     `json:"u,omitempty"`

	Created int64 `json:"c"`            // unix seconds
	Queued  int64 `json:"q,omitempty"`  // when it last entered the queue
	Taken   int64 `json:"tk,omitempty"` // when it was last taken
	Closed  int64 `json:"cl,omitempty"`

	Person     int64  `json:"p"`            // the person's private chat
	Consultant int64  `json:"co,omitempty"` // who holds it (user id = private chat)
	Previous   int64  `json:"pr,omitempty"` // who held it last (a reopened case goes back to them)
	Offer      int64  `json:"of,omitempty"` // a transfer offered to this consultant
	Thread     int    `json:"th,omitempty"` // the case's forum topic in the consultants' group
	ThreadLost bool   `json:"tl,omitempty"` // the topic was deleted; recreate it on the next message
	Pending    []int  `json:"pd,omitempty"` // the person's messages not yet relayed, in order
	Album      *Album `json:"al,omitempty"` // an album being collected
	// Cards are the chats a new-case card was sent to (refs "card:<code>:<chat>").
	Cards []int64 `json:"cd,omitempty"`
	// Headers are the consultants' private chats the case's header was sent to (refs
	// "hdr:<code>:<chat>"), deleted when the case closes.
	Headers []int64 `json:"hd,omitempty"`

	Unreachable bool `json:"ur,omitempty"` // Telegram refused a copy to the person
	// DeskLost: Telegram refused a copy of the person's message to the holder's chat with a 403
	// (they blocked the bot, or the bot was removed): the message waits in Pending and the case
	// goes back to the queue (the relay-albums job).
	DeskLost bool   `json:"dl,omitempty"`
	Blocked  bool   `json:"b,omitempty"` // blocked for abuse: the person's messages are dropped
	Outcome  string `json:"o,omitempty"`
	// FollowUp is when to ask how it went (unix seconds); negative while it waits for the
	// person's agreement; 0 if not.
	FollowUp    int64 `json:"fu,omitempty"`
	FollowAsked bool  `json:"fa,omitempty"`
	Reopened    int   `json:"ro,omitempty"`
	Alerts      int   `json:"a,omitempty"`  // escalations sent
	LastAlert   int64 `json:"la,omitempty"` // unix seconds
	Rated       bool  `json:"r,omitempty"`
	// CleanedUp: the copies in the consultant's private chat were deleted after the close.
	CleanedUp bool `json:"cu,omitempty"`
	// Location: a location the person sent waits for their confirmation (its message id).
	Location int `json:"lo,omitempty"`
}

// Album is a media group being collected before it is relayed with copyMessages.
type Album struct {
	Group string `json:"g"`
	From  int64  `json:"f"` // the chat the album came from
	IDs   []int  `json:"i"`
	Due   int64  `json:"d"` // unix milliseconds: relay it then
	// ReplyTo is the message the album answers (consultant side), for routing.
	Thread int `json:"t,omitempty"`
}

// Open reports whether the case is queued or taken.
func (c Case) Open() bool { return c.State == CaseQueued || c.State == CaseTaken }

// Waiting is how long a queued case has waited.
func (c Case) Waiting(now time.Time) time.Duration {
	if c.State != CaseQueued {
		return 0
	}
	return now.Sub(time.Unix(c.Queued, 0))
}

func (t *Tx) caseKey(code string) []byte { return t.keys.caseKey(code) }

func (t *Tx) idxKey(kind string, id int64) []byte { return t.keys.idxKey(kind, id) }

func (k *keyring) caseKey(code string) []byte { return k.hash("case", []byte(code)) }

func (k *keyring) idxKey(kind string, id int64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(id))
	return k.hash("case-"+kind, b[:])
}

func (k *keyring) pairKey(chatID int64, msgID int) []byte {
	var b [12]byte
	binary.BigEndian.PutUint64(b[:8], uint64(chatID))
	binary.BigEndian.PutUint32(b[8:], uint32(msgID))
	return k.hash("case-pair", b[:])
}

// indexEntry is a case_index value: what it indexes (for re-keying) and the code.
type indexEntry struct {
	Kind string `json:"k"`
	ID   int64  `json:"i"`
	Code string `json:"c"`
}

// NewCaseCode returns a random code no stored case uses. It is never derived from any id.
func (t *Tx) NewCaseCode() (string, error) {
	for range 64 {
		var b [CodeLen]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		code := make([]byte, CodeLen)
		for i, v := range b {
			code[i] = CodeAlphabet[int(v)%len(CodeAlphabet)]
		}
		if t.bucket(bucketCases).Get(t.caseKey(string(code))) == nil {
			return string(code), nil
		}
	}
	return "", errors.New("no free case code")
}

// NormalizeCode reads a code as a consultant may type it ("k3f9" → "K3F9"); "" if it cannot be one.
func NormalizeCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "#")))
	if len(s) != CodeLen {
		return ""
	}
	for _, r := range s {
		if !strings.ContainsRune(CodeAlphabet, r) {
			return ""
		}
	}
	return s
}

// Case returns the case with code.
func (t *Tx) Case(code string) (Case, bool, error) {
	var c Case
	if code == "" {
		return c, false, nil
	}
	found, err := t.getSealed(bucketCases, t.caseKey(code), &c)
	return c, found, err
}

// PutCase stores c and keeps the person's index: an open case is the person's current case.
func (t *Tx) PutCase(c Case) error {
	if err := t.putSealed(bucketCases, t.caseKey(c.Code), c); err != nil {
		return err
	}
	if c.Open() {
		return t.putIndex("person", c.Person, c.Code)
	}
	cur, _ := t.indexOf("person", c.Person)
	if cur == c.Code {
		return t.bucket(bucketCaseIndex).Delete(t.idxKey("person", c.Person))
	}
	return nil
}

// CaseOfPerson returns the person's open case.
func (t *Tx) CaseOfPerson(chatID int64) (Case, bool, error) {
	code, err := t.indexOf("person", chatID)
	if err != nil || code == "" {
		return Case{}, false, err
	}
	c, found, err := t.Case(code)
	if err != nil || !found || !c.Open() {
		return Case{}, false, err
	}
	return c, true, nil
}

// CaseOfThread returns the case whose forum topic is thread.
func (t *Tx) CaseOfThread(thread int) (Case, bool, error) {
	code, err := t.indexOf("topic", int64(thread))
	if err != nil || code == "" {
		return Case{}, false, err
	}
	c, found, err := t.Case(code)
	if err != nil || !found || c.Thread != thread {
		return Case{}, false, err
	}
	return c, true, nil
}

// ActiveCase is the case a consultant's non-reply messages go to (private workspace).
func (t *Tx) ActiveCase(consultant int64) (string, error) { return t.indexOf("active", consultant) }

// SetActiveCase sets it ("" clears it).
func (t *Tx) SetActiveCase(consultant int64, code string) error {
	if code == "" {
		return t.bucket(bucketCaseIndex).Delete(t.idxKey("active", consultant))
	}
	return t.putIndex("active", consultant, code)
}

func (t *Tx) putIndex(kind string, id int64, code string) error {
	return t.putSealed(bucketCaseIndex, t.idxKey(kind, id), indexEntry{Kind: kind, ID: id, Code: code})
}

func (t *Tx) indexOf(kind string, id int64) (string, error) {
	var e indexEntry
	_, err := t.getSealed(bucketCaseIndex, t.idxKey(kind, id), &e)
	return e.Code, err
}

// Cases returns the cases keep accepts (nil keeps all).
func (t *Tx) Cases(keep func(*Case) bool) ([]Case, error) {
	var out []Case
	err := t.bucket(bucketCases).ForEach(func(k, v []byte) error {
		var c Case
		if err := t.openInto(bucketCases, k, v, &c); err != nil {
			return err
		}
		if keep == nil || keep(&c) {
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// Pair links a message on one side of a case to its copy on the other.
type Pair struct {
	Code      string `json:"k"`
	ChatID    int64  `json:"c"` // the other side's chat
	MessageID int    `json:"m"`
	// ToPerson: the other side is the person's chat.
	ToPerson bool  `json:"p,omitempty"`
	At       int64 `json:"t,omitempty"`
	// Self is this side (kept for erasure).
	SelfChat int64 `json:"sc"`
	SelfID   int   `json:"si"`
}

func (t *Tx) pairKey(chatID int64, msgID int) []byte { return t.keys.pairKey(chatID, msgID) }

// PutPair records that message a is relayed as message b (both directions).
func (t *Tx) PutPair(code string, aChat int64, aID int, bChat int64, bID int, bIsPerson bool, at int64) error {
	if err := t.putSealed(bucketCasePairs, t.pairKey(aChat, aID), Pair{Code: code, ChatID: bChat, MessageID: bID, ToPerson: bIsPerson, At: at, SelfChat: aChat, SelfID: aID}); err != nil {
		return err
	}
	return t.putSealed(bucketCasePairs, t.pairKey(bChat, bID), Pair{Code: code, ChatID: aChat, MessageID: aID, ToPerson: !bIsPerson, At: at, SelfChat: bChat, SelfID: bID})
}

// PairOf returns the other side of message msgID in chatID.
func (t *Tx) PairOf(chatID int64, msgID int) (Pair, bool, error) {
	var p Pair
	found, err := t.getSealed(bucketCasePairs, t.pairKey(chatID, msgID), &p)
	return p, found, err
}

// PairsOf returns every pair record of a case (each direction once).
func (t *Tx) PairsOf(code string) ([]Pair, error) {
	var out []Pair
	err := t.bucket(bucketCasePairs).ForEach(func(k, v []byte) error {
		var p Pair
		if err := t.openInto(bucketCasePairs, k, v, &p); err != nil {
			return err
		}
		if p.Code == code {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// DeleteCase deletes a case with its indexes, message pairs and refs.
func (t *Tx) DeleteCase(code string) error {
	c, found, err := t.Case(code)
	if err != nil || !found {
		return err
	}
	idx := t.bucket(bucketCaseIndex)
	for kind, id := range map[string]int64{"person": c.Person, "topic": int64(c.Thread), "blocked": c.Person} {
		if cur, _ := t.indexOf(kind, id); cur == code {
			if err := idx.Delete(t.idxKey(kind, id)); err != nil {
				return err
			}
		}
	}
	if c.Consultant != 0 {
		if cur, _ := t.ActiveCase(c.Consultant); cur == code {
			if err := t.SetActiveCase(c.Consultant, ""); err != nil {
				return err
			}
		}
	}
	pairs, err := t.PairsOf(code)
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if err := t.bucket(bucketCasePairs).Delete(t.pairKey(p.SelfChat, p.SelfID)); err != nil {
			return err
		}
	}
	for _, chat := range c.Cards {
		if err := t.DeleteRef(CardRef(code, chat)); err != nil {
			return err
		}
	}
	for _, chat := range c.Headers {
		if err := t.DeleteRef(HeaderRef(code, chat)); err != nil {
			return err
		}
	}
	if err := t.DeleteRef(TopicRef(code)); err != nil {
		return err
	}
	if err := t.DeleteRef(EndRef(code)); err != nil {
		return err
	}
	return t.bucket(bucketCases).Delete(t.caseKey(code))
}

// eraseCasesOf deletes every case of the person (for ErasePerson).
func (t *Tx) eraseCasesOf(chatID int64) error {
	cs, err := t.Cases(func(c *Case) bool { return c.Person == chatID })
	if err != nil {
		return err
	}
	for _, c := range cs {
		if err := t.DeleteCase(c.Code); err != nil {
			return err
		}
	}
	return nil
}

// PurgeClosedCases deletes cases closed before the cutoff whose follow-up is not still due,
// and returns them (their forum topics are deleted next).
func (t *Tx) PurgeClosedCases(before time.Time) ([]Case, error) {
	cs, err := t.Cases(func(c *Case) bool {
		return c.State == CaseClosed && c.Closed < before.Unix() && (c.FollowUp <= 0 || c.FollowAsked)
	})
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if err := t.DeleteCase(c.Code); err != nil {
			return nil, err
		}
	}
	return cs, t.Incr("cases_purged", int64(len(cs)))
}

// Ref names owned by cases.

// TopicRef names the ref of a case's forum topic id.
func TopicRef(code string) string { return "topic:" + code }

// CardRef names the ref of a case's new-case card in a chat.
func CardRef(code string, chatID int64) string {
	return "card:" + code + ":" + strconv.FormatInt(chatID, 10)
}

// EndRef names the ref of the person's newest message carrying the case's "End the
// conversation" button.
func EndRef(code string) string { return "cend:" + code }

// HeaderRef names the ref of a case's header in a consultant's private chat.
func HeaderRef(code string, chatID int64) string {
	return "hdr:" + code + ":" + strconv.FormatInt(chatID, 10)
}

// PairRef names the ref of the copies of messages ids from chat `from` in case code; toPerson
// says which way they go. When the copies are sent, the pairs are recorded (the ref itself is not
// kept); when Telegram refuses them, the case learns why.
func PairRef(code string, toPerson bool, from int64, ids []int) string {
	dir := "c"
	if toPerson {
		dir = "p"
	}
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(id)
	}
	return "pair:" + code + ":" + dir + ":" + strconv.FormatInt(from, 10) + ":" + strings.Join(s, ",")
}

func parsePairRef(name string) (code string, toPerson bool, from int64, ids []int, index int, ok bool) {
	name, idx, hasIdx := strings.Cut(name, "#")
	parts := strings.Split(name, ":")
	if len(parts) != 5 || parts[0] != "pair" {
		return "", false, 0, nil, 0, false
	}
	code, toPerson = parts[1], parts[2] == "p"
	from, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil {
		return "", false, 0, nil, 0, false
	}
	for _, s := range strings.Split(parts[4], ",") {
		id, err := strconv.Atoi(s)
		if err != nil {
			return "", false, 0, nil, 0, false
		}
		ids = append(ids, id)
	}
	if hasIdx {
		if index, err = strconv.Atoi(idx); err != nil || index < 0 || index >= len(ids) {
			return "", false, 0, nil, 0, false
		}
	}
	return code, toPerson, from, ids, index, true
}

var refHooks = []refHook{
	{
		prefix: "pair:",
		set: func(t *Tx, name string, r MessageRef) (bool, error) {
			code, toPerson, from, ids, i, ok := parsePairRef(name)
			if !ok {
				return true, nil
			}
			if _, found, err := t.Case(code); err != nil || !found {
				return true, err // erased meanwhile: keep nothing
			}
			// One ref for an album (copyMessages): the first copy, then r.More in order.
			copies := append([]int{r.MessageID}, r.More...)
			for j := 0; i+j < len(ids) && j < len(copies); j++ {
				if copies[j] == 0 {
					continue
				}
				if err := t.PutPair(code, from, ids[i+j], r.ChatID, copies[j], toPerson, r.At); err != nil {
					return true, err
				}
			}
			return true, nil
		},
		fail: func(t *Tx, name, reason string) error {
			code, toPerson, _, ids, _, ok := parsePairRef(name)
			if !ok {
				return nil
			}
			c, found, err := t.Case(code)
			if err != nil || !found {
				return err
			}
			switch {
			case toPerson:
				c.Unreachable = true
				if err := t.Incr("cases_unreachable", 1); err != nil {
					return err
				}
			case reason == "thread" || reason == "unresolved":
				// The topic is gone: keep the messages for the recreated topic.
				c.ThreadLost = true
				c.Pending = append(c.Pending, ids...)
			case reason == "blocked" && c.State == CaseTaken:
				// The holder's chat refuses the bot: keep the messages for whoever continues.
				c.DeskLost = true
				for _, id := range ids {
					if !slices.Contains(c.Pending, id) {
						c.Pending = append(c.Pending, id)
					}
				}
				slices.Sort(c.Pending) // the person's message ids: their order
			default:
				return nil
			}
			return t.PutCase(c)
		},
	},
	{
		prefix: "topic:",
		set: func(t *Tx, name string, r MessageRef) (bool, error) {
			c, found, err := t.Case(strings.TrimPrefix(name, "topic:"))
			if err != nil || !found {
				return false, err
			}
			c.Thread, c.ThreadLost = r.MessageID, false
			if err := t.putIndex("topic", int64(r.MessageID), c.Code); err != nil {
				return false, err
			}
			return false, t.PutCase(c)
		},
		fail: func(t *Tx, name, reason string) error {
			c, found, err := t.Case(strings.TrimPrefix(name, "topic:"))
			if err != nil || !found {
				return err
			}
			c.ThreadLost = true
			return t.PutCase(c)
		},
	},
}

// SetForum records whether the consultants' chat is a forum (learned from its updates).
func (t *Tx) SetForum(chatID int64, on bool) error {
	if !on {
		return t.bucket(bucketCaseIndex).Delete(t.idxKey("forum", chatID))
	}
	return t.putIndex("forum", chatID, "yes")
}

// IsForum reports what SetForum recorded.
func (t *Tx) IsForum(chatID int64) bool {
	v, _ := t.indexOf("forum", chatID)
	return v == "yes"
}

// BlockPerson drops the person's later messages (blocked for abuse in case code); "" lifts it.
func (t *Tx) BlockPerson(chatID int64, code string) error {
	if code == "" {
		return t.bucket(bucketCaseIndex).Delete(t.idxKey("blocked", chatID))
	}
	return t.putIndex("blocked", chatID, code)
}

// PersonBlocked returns the code of the case the person was blocked in ("" if not blocked).
func (t *Tx) PersonBlocked(chatID int64) string {
	v, _ := t.indexOf("blocked", chatID)
	return v
}
