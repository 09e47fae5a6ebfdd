package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestStaff_PutGetListByPseudonym(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "p.db"), NewKey())
	defer db.Close()
	t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	err := db.Update(func(tx *Tx) error {
		if err := tx.PutStaff(Staff{UserID: 7, Role: RoleConsultant, Pseudonym: "Sova", Langs: []string{"uk", "ru"}, Joined: t0.Add(time.Hour)}); err != nil {
			return err
		}
		return tx.PutStaff(Staff{UserID: 9, Role: RoleAdmin, Pseudonym: "Lis", Joined: t0, Capacity: 5})
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *Tx) error {
		s, found, err := tx.Staff(7)
		if err != nil || !found {
			t.Fatalf("Staff(7): %v %v", found, err)
		}
		if s.Pseudonym != "Sova" || s.Capacity != DefaultCapacity || len(s.Langs) != 2 || s.Role != RoleConsultant {
			t.Errorf("Staff(7) = %+v", s)
		}
		if _, found, _ := tx.Staff(8); found {
			t.Error("Staff(8) found, want none")
		}
		all, err := tx.ListStaff()
		if err != nil || len(all) != 2 || all[0].UserID != 9 || all[1].UserID != 7 {
			t.Errorf("ListStaff = %+v, %v; want 9 then 7 (by join time)", all, err)
		}
		for _, q := range []struct {
			name string
			want int64
		}{{"sova", 7}, {"  SOVA ", 7}, {"Lis", 9}, {"Sov", 0}} {
			got, found, err := tx.StaffByPseudonym(q.name)
			if err != nil || found != (q.want != 0) || got.UserID != q.want {
				t.Errorf("StaffByPseudonym(%q) = %d %v %v, want %d", q.name, got.UserID, found, err, q.want)
			}
		}
		return nil
	})
	_ = db.Update(func(tx *Tx) error {
		if err := tx.ErasePerson(7); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := tx.Staff(7); found {
			t.Error("staff record survived ErasePerson")
		}
		return nil
	})
}

func TestInvites(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "p.db"), NewKey())
	defer db.Close()
	now := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	var code string
	_ = db.Update(func(tx *Tx) error {
		var err error
		code, err = tx.CreateInvite(RoleConsultant, 1, now)
		if err != nil {
			t.Fatal(err)
		}
		return nil
	})
	if len(code) != 16 {
		t.Fatalf("code %q: want 16 characters (80 bits)", code)
	}
	if other := NewInviteCode(); other == code {
		t.Fatal("two codes alike")
	}
	steps := []struct {
		name string
		do   func(tx *Tx) error
		want error
	}{
		{"unknown code", func(tx *Tx) error { _, err := tx.ClaimInvite("aaaaaaaaaaaaaaaa", 2, now); return err }, ErrInviteUnknown},
		{"claim", func(tx *Tx) error { _, err := tx.ClaimInvite(code, 2, now.Add(time.Hour)); return err }, nil},
		{"claim again by the same person, upper case", func(tx *Tx) error {
			inv, err := tx.ClaimInvite(" "+string(upper(code)), 2, now.Add(2*time.Hour))
			if err == nil && (inv.Role != RoleConsultant || inv.By != 1) {
				t.Errorf("invite = %+v", inv)
			}
			return err
		}, nil},
		{"another person", func(tx *Tx) error { _, err := tx.ClaimInvite(code, 3, now.Add(time.Hour)); return err }, ErrInviteUsed},
		{"use after expiry", func(tx *Tx) error { _, err := tx.UseInvite(code, 2, now.Add(InviteTTL)); return err }, ErrInviteExpired},
		{"use", func(tx *Tx) error { _, err := tx.UseInvite(code, 2, now.Add(47*time.Hour)); return err }, nil},
		{"reuse by the same person", func(tx *Tx) error { _, err := tx.ClaimInvite(code, 2, now.Add(47*time.Hour)); return err }, ErrInviteUsed},
	}
	for _, s := range steps {
		err := db.Update(func(tx *Tx) error { return s.do(tx) })
		if !errors.Is(err, s.want) || (s.want == nil && err != nil) {
			t.Errorf("%s: got %v, want %v", s.name, err, s.want)
		}
	}
	_ = db.Update(func(tx *Tx) error {
		if n, err := tx.PurgeInvites(now.Add(InviteTTL - time.Second)); n != 0 || err != nil {
			t.Errorf("purge before expiry: %d %v", n, err)
		}
		if n, err := tx.PurgeInvites(now.Add(InviteTTL)); n != 1 || err != nil {
			t.Errorf("purge at expiry: %d %v, want 1", n, err)
		}
		return nil
	})
}

func upper(s string) []byte {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return b
}

func TestStaffRef(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "p.db"), NewKey())
	defer db.Close()
	_ = db.Update(func(tx *Tx) error {
		for _, id := range []int64{101, 202, 303} {
			if err := tx.PutStaff(Staff{UserID: id, Role: RoleConsultant}); err != nil {
				t.Fatal(err)
			}
		}
		for _, id := range []int64{101, 202, 303} {
			ref := tx.StaffRef(id)
			if len(ref) != 13 {
				t.Errorf("ref %q: want 13 characters", ref)
			}
			s, found, err := tx.StaffByRef(ref)
			if err != nil || !found || s.UserID != id {
				t.Errorf("StaffByRef(StaffRef(%d)) = %d %v %v", id, s.UserID, found, err)
			}
		}
		for _, bad := range []string{"", "zzzz", tx.StaffRef(404), "!!!!!!!!!!!!!"} {
			if _, found, err := tx.StaffByRef(bad); found || err != nil {
				t.Errorf("StaffByRef(%q) = %v %v, want not found", bad, found, err)
			}
		}
		return nil
	})
}

func TestPurgeInactiveUsers_KeepsActiveStaff(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "p.db"), NewKey())
	defer db.Close()
	_ = db.Update(func(tx *Tx) error {
		for _, id := range []int64{1, 2, 3} {
			if err := tx.PutUser(id, User{Lang: "uk", Seen: 1}); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.PutStaff(Staff{UserID: 2, Role: RoleConsultant, Pseudonym: "A"}); err != nil {
			t.Fatal(err)
		}
		if err := tx.PutStaff(Staff{UserID: 3, Role: RoleConsultant, Pseudonym: "B", Removed: true}); err != nil {
			t.Fatal(err)
		}
		n, err := tx.PurgeInactiveUsers(time.Unix(100*86400, 0))
		if err != nil || n != 2 {
			t.Errorf("purged %d %v, want 2 (the person and the removed consultant)", n, err)
		}
		if _, found, _ := tx.User(2); !found {
			t.Error("active consultant purged")
		}
		if _, found, _ := tx.Staff(3); found {
			t.Error("removed consultant's record survived the purge")
		}
		return nil
	})
}

func TestRotateKey_StaffKeptInvitesDropped(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "p.db"), filepath.Join(dir, "p.db.new")
	oldKey, newKey := NewKey(), NewKey()
	db := mustOpen(t, src, oldKey)
	_ = db.Update(func(tx *Tx) error {
		if err := tx.PutStaff(Staff{UserID: 77, Role: RoleAdmin, Pseudonym: "Lis"}); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.CreateInvite(RoleConsultant, 77, time.Now()); err != nil {
			t.Fatal(err)
		}
		return nil
	})
	db.Close()
	dropped, err := RotateKey(src, dst, oldKey, newKey)
	if err != nil || dropped != 1 {
		t.Fatalf("rotate: %d dropped, %v; want the one invitation", dropped, err)
	}
	nd := mustOpen(t, dst, newKey)
	defer nd.Close()
	_ = nd.View(func(tx *Tx) error {
		if s, found, err := tx.Staff(77); err != nil || !found || s.Pseudonym != "Lis" {
			t.Errorf("staff after rotation: %+v %v %v", s, found, err)
		}
		if s, found, _ := tx.StaffByPseudonym("lis"); !found || s.UserID != 77 {
			t.Errorf("by pseudonym after rotation: %+v %v", s, found)
		}
		return nil
	})
}
