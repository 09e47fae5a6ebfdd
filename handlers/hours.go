package handlers

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Hours are the peer consultants' service hours (PEERLINE_HOURS) in the configured time zone,
// such as "mon-fri 09:00-21:00; sat 10:00-16:00". The zero value is always open.
//
// Grammar: clauses separated by ";". A clause is days, then one or more time ranges separated by
// "," or spaces. Days are "daily" or a comma-separated list of days and day ranges (mon, tue,
// wed, thu, fri, sat, sun; "fri-mon" wraps). A range is HH:MM-HH:MM; "24:00" ends at midnight;
// a range that ends before it starts runs past midnight into the next day. "always" (or an
// empty value) means always open.
type Hours struct {
	spec string
	loc  *time.Location
	days [7][]span // by time.Weekday
}

// span is a range of minutes since midnight, from inclusive, to exclusive (to ≤ 1440).
type span struct{ from, to int }

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseHours reads a PEERLINE_HOURS value in loc (nil: UTC).
func ParseHours(spec string, loc *time.Location) (Hours, error) {
	if loc == nil {
		loc = time.UTC
	}
	s := strings.ToLower(strings.TrimSpace(spec))
	if s == "" || s == "always" {
		return Hours{}, nil
	}
	h := Hours{spec: strings.TrimSpace(spec), loc: loc}
	for _, clause := range strings.Split(s, ";") {
		clause = strings.TrimSpace(clause)
		if clause == "" {
			continue
		}
		daysPart, rest, ok := strings.Cut(clause, " ")
		if !ok || strings.TrimSpace(rest) == "" {
			return Hours{}, fmt.Errorf("%q: expected days then times, e.g. \"mon-fri 09:00-21:00\"", clause)
		}
		days, err := parseDays(daysPart)
		if err != nil {
			return Hours{}, err
		}
		ranges := strings.FieldsFunc(rest, func(r rune) bool { return r == ',' || r == ' ' })
		for _, r := range ranges {
			sp, err := parseRange(r)
			if err != nil {
				return Hours{}, err
			}
			for _, d := range days {
				if sp.to > sp.from {
					h.days[d] = append(h.days[d], sp)
					continue
				}
				// Past midnight: the evening of d and the early hours of the next day.
				h.days[d] = append(h.days[d], span{sp.from, 24 * 60})
				if sp.to > 0 {
					next := (d + 1) % 7
					h.days[next] = append(h.days[next], span{0, sp.to})
				}
			}
		}
	}
	open := false
	for _, d := range h.days {
		open = open || len(d) > 0
	}
	if !open {
		return Hours{}, fmt.Errorf("%q: no opening hours given (use \"always\" for always open)", spec)
	}
	return h, nil
}

func parseDays(s string) ([]time.Weekday, error) {
	if s == "daily" {
		return []time.Weekday{0, 1, 2, 3, 4, 5, 6}, nil
	}
	var out []time.Weekday
	for _, part := range strings.Split(s, ",") {
		from, to, isRange := strings.Cut(part, "-")
		a, ok := dayNames[from]
		if !ok {
			return nil, fmt.Errorf("%q is not a day (mon, tue, wed, thu, fri, sat, sun, or daily)", from)
		}
		if !isRange {
			out = append(out, a)
			continue
		}
		b, ok := dayNames[to]
		if !ok {
			return nil, fmt.Errorf("%q is not a day (mon, tue, wed, thu, fri, sat, sun, or daily)", to)
		}
		for d := a; ; d = (d + 1) % 7 {
			out = append(out, d)
			if d == b {
				break
			}
		}
	}
	return out, nil
}

func parseRange(s string) (span, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return span{}, fmt.Errorf("%q is not a time range HH:MM-HH:MM", s)
	}
	a, errA := parseClock(from)
	b, errB := parseClock(to)
	if errA != nil || errB != nil || a == 24*60 {
		return span{}, fmt.Errorf("%q is not a time range HH:MM-HH:MM", s)
	}
	if a == b {
		return span{}, fmt.Errorf("%q is an empty time range", s)
	}
	return span{a, b}, nil
}

// parseClock reads HH:MM (00:00 to 24:00) as minutes since midnight.
func parseClock(s string) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(mm) != 2 || len(hh) < 1 || len(hh) > 2 {
		return 0, fmt.Errorf("bad time")
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("bad time")
	}
	return h*60 + m, nil
}

// Always reports whether the service is always open.
func (h Hours) Always() bool { return h.loc == nil }

// String is the hours as configured ("always" when always open).
func (h Hours) String() string {
	if h.Always() {
		return "always"
	}
	return h.spec
}

// Zone is the time zone the hours are in ("" when always open).
func (h Hours) Zone() string {
	if h.Always() {
		return ""
	}
	return h.loc.String()
}

// Open reports whether the service is open at t.
func (h Hours) Open(t time.Time) bool {
	if h.Always() {
		return true
	}
	lt := t.In(h.loc)
	m := lt.Hour()*60 + lt.Minute()
	for _, sp := range h.days[lt.Weekday()] {
		if m >= sp.from && m < sp.to {
			return true
		}
	}
	return false
}

// NextOpen returns t if the service is open at t, else the next moment it opens.
func (h Hours) NextOpen(t time.Time) time.Time {
	if h.Open(t) {
		return t
	}
	lt := t.In(h.loc)
	y, mo, d := lt.Date()
	for i := 0; i <= 7; i++ {
		day := time.Date(y, mo, d+i, 0, 0, 0, 0, h.loc)
		best := time.Time{}
		for _, sp := range h.days[day.Weekday()] {
			start := time.Date(day.Year(), day.Month(), day.Day(), sp.from/60, sp.from%60, 0, 0, h.loc)
			if start.After(t) && (best.IsZero() || start.Before(best)) {
				best = start
			}
		}
		if !best.IsZero() {
			return best
		}
	}
	return t // unreachable: ParseHours refuses hours that never open
}
