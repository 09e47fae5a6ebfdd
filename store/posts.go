package store

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Posts: channel posts drafted and scheduled by admins. A post is a set of language versions
// (text with its entities, media file ids; posts are public content), link buttons with labels
// per language, options, and a schedule (now, once at a time, or a cron expression with an
// optional end). Sealed, because a post records which admin scheduled it (to tell them about
// problems). Keyed by sequence number.
//
// Post runs: one record per run of a version in a channel, keyed (post, run time, channel), so
// nothing is posted twice. A run is claimed in the same transaction that enqueues its call; the
// call's ref (see refs.go) says whether it was sent, failed, or its outcome is unknown.

var (
	bucketPosts    = []byte("posts")
	bucketPostRuns = []byte("post_runs")
)

// Post states.
const (
	PostDraft     = "draft"
	PostScheduled = "scheduled"
	PostPaused    = "paused"
	PostDone      = "done"
	PostCancelled = "cancelled"
)

// Post is a channel post with its versions and schedule.
type Post struct {
	ID       uint64                 `json:"id"`
	By       int64                  `json:"by,omitempty"` // the admin who scheduled it (0 after they erased their data)
	ByLang   string                 `json:"bl,omitempty"`
	State    string                 `json:"st"`
	Versions map[string]PostVersion `json:"v,omitempty"`
	Buttons  []PostButton           `json:"b,omitempty"`
	// Missing is what a channel gets when its language's version is missing: "skip" (the
	// default), "hold" (nothing is posted until every version exists), or a language whose
	// version is sent instead.
	Missing   string `json:"miss,omitempty"`
	Pin       bool   `json:"pin,omitempty"`
	UnpinPrev bool   `json:"unpin,omitempty"`
	Silent    bool   `json:"silent,omitempty"`
	NoPreview bool   `json:"nopv,omitempty"`
	Protect   bool   `json:"prot,omitempty"`
	// Schedule: Kind is "now", "once" (At) or "cron" (Cron, optional Until and Count).
	Kind  string `json:"k,omitempty"`
	At    int64  `json:"at,omitempty"`
	Cron  string `json:"cron,omitempty"`
	Until int64  `json:"until,omitempty"`
	Count int    `json:"count,omitempty"`
	// Next is the next run not yet handled (unix seconds); Runs counts the runs handled.
	Next int64 `json:"next,omitempty"`
	Runs int   `json:"runs,omitempty"`
	// Checked is the run time the last pre-flight check was made for (0: not yet).
	Checked int64 `json:"chk,omitempty"`
	// Campaign is the campaign day the post was made from, if any.
	Campaign string `json:"camp,omitempty"`
	Created  int64  `json:"c"`
	Updated  int64  `json:"u,omitempty"`
}

// PostVersion is one language's version of a post.
type PostVersion struct {
	Kind     string          `json:"k"` // text, photo, video, document, album
	Text     string          `json:"t,omitempty"`
	Entities json.RawMessage `json:"e,omitempty"`
	Files    []PostFile      `json:"f,omitempty"`
	// Group is the album's media_group_id while the album is arriving.
	Group string `json:"g,omitempty"`
}

// PostFile is a media file of a version.
type PostFile struct {
	Kind string `json:"k"` // photo, video, document
	ID   string `json:"id"`
}

// PostButton is an inline link button with a label per language.
type PostButton struct {
	Labels map[string]string `json:"l"`
	URL    string            `json:"url"`
}

// PutPost stores p, giving it an ID if it has none.
func (t *Tx) PutPost(p Post) (Post, error) {
	b := t.bucket(bucketPosts)
	if p.ID == 0 {
		id, err := b.NextSequence()
		if err != nil {
			return p, err
		}
		p.ID = id
	}
	return p, t.putSealed(bucketPosts, u64key(p.ID), p)
}

// Post returns post id.
func (t *Tx) Post(id uint64) (Post, bool, error) {
	var p Post
	found, err := t.getSealed(bucketPosts, u64key(id), &p)
	return p, found, err
}

// Posts returns every post in one of states (all posts if none), oldest first.
func (t *Tx) Posts(states ...string) ([]Post, error) {
	var out []Post
	err := t.bucket(bucketPosts).ForEach(func(k, v []byte) error {
		var p Post
		if err := t.openInto(bucketPosts, k, v, &p); err != nil {
			return err
		}
		if len(states) == 0 {
			out = append(out, p)
			return nil
		}
		for _, s := range states {
			if p.State == s {
				out = append(out, p)
				break
			}
		}
		return nil
	})
	return out, err
}

// DeletePost removes a post (a draft that was cancelled) and its runs.
func (t *Tx) DeletePost(id uint64) error {
	if err := t.bucket(bucketPosts).Delete(u64key(id)); err != nil {
		return err
	}
	runs, err := t.PostRuns(id)
	if err != nil {
		return err
	}
	for _, r := range runs {
		if err := t.bucket(bucketPostRuns).Delete(runKey(r.Post, r.Run, r.Chat)); err != nil {
			return err
		}
	}
	return nil
}

// Run states (what the scan decided; whether a claimed run was sent is in its ref).
const (
	RunClaimed = "claimed" // enqueued; see the ref
	RunMissed  = "missed"  // the bot was down past the grace window
	RunHeld    = "held"    // a version was missing and the post is held
)

// PostRun is one run of one version in one channel.
type PostRun struct {
	Post  uint64 `json:"p"`
	Run   int64  `json:"r"` // the scheduled run time, unix seconds
	Chat  string `json:"c"` // chat_id of the channel
	Lang  string `json:"l"` // the version sent
	State string `json:"s"`
	Ref   string `json:"ref,omitempty"`
	At    int64  `json:"at"` // when the run was claimed or marked
	// Settled is set once the scan has seen the run's outcome (counted it, pinned it, or
	// reported a failure to the admins).
	Settled bool `json:"set,omitempty"`
	// Tries counts the sends (a retry after a failure adds one; the ref changes with it).
	Tries int `json:"n,omitempty"`
	// Pinned is set once the sent message was pinned.
	Pinned bool `json:"pin,omitempty"`
	// Deleted is set once the published message was deleted.
	Deleted bool `json:"del,omitempty"`
}

func runKey(post uint64, run int64, chat string) []byte {
	k := make([]byte, 0, 16+len(chat))
	k = append(k, u64key(post)...)
	k = append(k, u64key(uint64(run))...)
	return append(k, chat...)
}

// PostRun returns the run of post at run in chat.
func (t *Tx) PostRun(post uint64, run int64, chat string) (PostRun, bool, error) {
	var r PostRun
	v := t.bucket(bucketPostRuns).Get(runKey(post, run, chat))
	if v == nil {
		return r, false, nil
	}
	return r, true, json.Unmarshal(v, &r)
}

// ClaimPostRun records r unless a run with the same key exists; claimed is false then.
func (t *Tx) ClaimPostRun(r PostRun) (claimed bool, err error) {
	k := runKey(r.Post, r.Run, r.Chat)
	b := t.bucket(bucketPostRuns)
	if b.Get(k) != nil {
		return false, nil
	}
	v, err := json.Marshal(r)
	if err != nil {
		return false, err
	}
	return true, b.Put(k, v)
}

// PutPostRun overwrites a run record (pinned, deleted, a retry).
func (t *Tx) PutPostRun(r PostRun) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return t.bucket(bucketPostRuns).Put(runKey(r.Post, r.Run, r.Chat), v)
}

// PostRuns returns post's runs, oldest first.
func (t *Tx) PostRuns(post uint64) ([]PostRun, error) {
	var out []PostRun
	prefix := u64key(post)
	c := t.bucket(bucketPostRuns).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var r PostRun
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, fmt.Errorf("post run: %w", err)
		}
		out = append(out, r)
	}
	return out, nil
}

// forgetPostAuthor removes an admin who erased their data from the posts they scheduled.
func (t *Tx) forgetPostAuthor(userID int64) error {
	posts, err := t.Posts()
	if err != nil {
		return err
	}
	for _, p := range posts {
		if p.By == userID {
			p.By = 0
			if _, err := t.PutPost(p); err != nil {
				return err
			}
		}
	}
	return nil
}
