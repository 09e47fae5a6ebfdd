package store

import (
	"encoding/json"
	"time"
)

// Jobs: when each scheduled job last ran (the slot it ran for) and how many slots it missed.
// Keyed by job name; no personal data.

// JobState is a scheduled job's record.
type JobState struct {
	Last   int64 `json:"last"`   // unix seconds of the last slot handled (run or skipped)
	Missed int   `json:"missed"` // slots missed because the bot was down longer than the grace
}

// Job returns the record of job name (zero if it never ran).
func (t *Tx) Job(name string) (JobState, error) {
	var s JobState
	v := t.bucket(bucketJobs).Get([]byte(name))
	if v == nil {
		return s, nil
	}
	return s, json.Unmarshal(v, &s)
}

// SetJob stores the record of job name.
func (t *Tx) SetJob(name string, s JobState) error {
	v, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return t.bucket(bucketJobs).Put([]byte(name), v)
}

// LastRun is a convenience: the job's last slot as a time (zero if never).
func (s JobState) LastRun() time.Time {
	if s.Last == 0 {
		return time.Time{}
	}
	return time.Unix(s.Last, 0)
}
