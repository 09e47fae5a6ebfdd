package content

import (
	"testing"
	"time"
)

func TestInterpretersCall(t *testing.T) {
	c := MustLoad()
	call, ok := c.Call("EHRA-01-03")
	if !ok {
		t.Fatal("call EHRA-01-03 missing")
	}
	if len(call.Criteria) == 0 {
		t.Fatal("EHRA-01-03: no criteria")
	}
	total := 0
	for _, cr := range call.Criteria {
		total += cr.Weight
	}
	if total != 100 {
		t.Errorf("EHRA-01-03: criteria weights add up to %d, want 100", total)
	}
	if call.Zone != "EET" {
		t.Errorf("EHRA-01-03: zone %q, want EET", call.Zone)
	}

	// 24:00 EET on 31 January 2022 is 22:00 UTC.
	if want := time.Date(2022, 1, 31, 22, 0, 0, 0, time.UTC); !call.Deadline.Equal(want) {
		t.Errorf("EHRA-01-03: deadline %v, want %v", call.Deadline, want)
	}
	for _, tc := range []struct {
		now  time.Time
		open bool
	}{
		{time.Date(2022, 1, 31, 21, 0, 0, 0, time.UTC), true},
		{time.Date(2022, 1, 31, 21, 59, 59, 0, time.UTC), true},
		{time.Date(2022, 1, 31, 22, 0, 1, 0, time.UTC), false},
		{time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), false},
	} {
		if got := call.Open(tc.now); got != tc.open {
			t.Errorf("Open(%v) = %v, want %v", tc.now, got, tc.open)
		}
		open, closed := c.CallsAt(tc.now)
		inOpen, inClosed := hasCall(open, call), hasCall(closed, call)
		if inOpen != tc.open || inClosed == tc.open {
			t.Errorf("CallsAt(%v): in open %v, in closed %v; want open=%v", tc.now, inOpen, inClosed, tc.open)
		}
		if len(open)+len(closed) != len(c.Calls) {
			t.Errorf("CallsAt(%v): %d open + %d closed, want %d calls", tc.now, len(open), len(closed), len(c.Calls))
		}
	}
}

func hasCall(calls []*Call, x *Call) bool {
	for _, c := range calls {
		if c == x {
			return true
		}
	}
	return false
}

func TestRegionCountries(t *testing.T) {
	c := MustLoad()
	if len(c.Member.Countries) == 0 {
		t.Fatal("no region countries")
	}
	if got := c.Member.Countries[0].Code; got != "UA" {
		t.Errorf("first region country: got %s, want UA", got)
	}
	seen := map[string]bool{}
	for _, x := range c.Member.Countries {
		if seen[x.Code] {
			t.Errorf("region country %s appears twice", x.Code)
		}
		seen[x.Code] = true
		if !codeRE.MatchString(x.Code) {
			t.Errorf("region country %q: not a two-letter ISO code", x.Code)
		}
		if got, ok := c.RegionCountry(x.Code); !ok || got.Code != x.Code {
			t.Errorf("RegionCountry(%s) not found", x.Code)
		}
	}
	// Alphabetical by English name after Ukraine.
	for i := 2; i < len(c.Member.Countries); i++ {
		a, b := c.Member.Countries[i-1].Name.EN, c.Member.Countries[i].Name.EN
		if a > b {
			t.Errorf("region countries out of order: %s before %s", a, b)
		}
	}
}
