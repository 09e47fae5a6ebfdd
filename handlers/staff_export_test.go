package handlers

import (
	"testing"

	"github.com/ehra/peerline/bot"
	"github.com/ehra/peerline/store"
)

// SetStaffHooks replaces the staff hooks the cases flows will set, for tests.
func (a *App) SetStaffHooks(openCases func(tx *store.Tx, userID int64) int, removed func(s store.Staff)) {
	a.openCasesOf = openCases
	a.onConsultantRemoved = func(_ *bot.Ctx, s store.Staff) error { removed(s); return nil }
}

func TestValidPseudonym(t *testing.T) {
	for _, tc := range []struct{ in, name, problem string }{
		{"Sova", "Sova", ""},
		{"  Сова   Нічна ", "Сова Нічна", ""},
		{"Lis_7", "Lis_7", ""},
		{"O'Neil-2", "O'Neil-2", ""},
		{"Ж", "Ж", "staff_name_short"},
		{"@sova", "@sova", "staff_name_at"},
		{"sova@mail", "sova@mail", "staff_name_at"},
		{"t.me/sova", "t.me/sova", "staff_name_link"},
		{"https://x.org", "https://x.org", "staff_name_link"},
		{"www.sova", "www.sova", "staff_name_link"},
		{"sova.com", "sova.com", "staff_name_link"},
		{"a/b", "a/b", "staff_name_link"},
		{"abcdefghijklmnopqrstuvwxy", "abcdefghijklmnopqrstuvwxy", "staff_name_long"},
		{"<b>x</b>", "<b>x</b>", "staff_name_link"},
		{"<i>x", "<i>x", "staff_name_chars"},
		{"12345", "12345", "staff_name_chars"},
		{"Sova 🦉", "Sova 🦉", "staff_name_chars"},
	} {
		name, problem := validPseudonym(tc.in)
		if name != tc.name || problem != tc.problem {
			t.Errorf("validPseudonym(%q) = %q, %q; want %q, %q", tc.in, name, problem, tc.name, tc.problem)
		}
	}
}

func TestAdminRemovable(t *testing.T) {
	invited := func(id int64, removed bool) store.Staff {
		return store.Staff{UserID: id, Role: store.RoleAdmin, Pseudonym: "x", Removed: removed}
	}
	for _, tc := range []struct {
		name   string
		config []int64
		all    []store.Staff
		target store.Staff
		want   string
	}{
		{"invited, with a config admin", []int64{1}, []store.Staff{invited(2, false)}, invited(2, false), ""},
		{"config admin", []int64{1}, []store.Staff{invited(2, false)}, store.Staff{UserID: 1, Role: store.RoleAdmin}, "staff_admin_config_refused"},
		{"config admin with a pseudonym record", []int64{1}, []store.Staff{invited(1, false), invited(2, false)}, invited(1, false), "staff_admin_config_refused"},
		{"last admin (no config)", nil, []store.Staff{invited(2, false), invited(3, true)}, invited(2, false), "staff_admin_last_refused"},
		{"two invited, no config", nil, []store.Staff{invited(2, false), invited(3, false)}, invited(2, false), ""},
		{"consultants do not count", nil, []store.Staff{invited(2, false), {UserID: 4, Role: store.RoleConsultant}}, invited(2, false), "staff_admin_last_refused"},
	} {
		a := &App{admins: map[int64]bool{}}
		for _, id := range tc.config {
			a.admins[id] = true
		}
		if got := a.adminRemovable(tc.target, tc.all); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
