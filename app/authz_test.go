package app_test

import (
	"testing"

	"github.com/wushe/wushe/app"
)

func TestAuthorizeScopes(t *testing.T) {
	t.Parallel()
	id := func(v int64) *int64 { return &v }
	member := func(role app.Role, m app.Membership) *app.Principal {
		m.Role = role
		return &app.Principal{User: &app.User{ID: 7}, Memberships: []app.Membership{m}}
	}
	gridA := app.Target{StreetID: 1, CommunityID: 10, GridID: 100}
	gridB := app.Target{StreetID: 1, CommunityID: 11, GridID: 110}
	otherStreet := app.Target{StreetID: 2, CommunityID: 20, GridID: 200}
	tests := []struct {
		name string
		p    *app.Principal
		act  app.Action
		t    app.Target
		want app.Code
	}{
		{"anyone reads", nil, app.ActPublicRead, gridA, ""},
		{"anonymous cannot file", nil, app.ActNeedCreate, gridA, app.EUNAUTHORIZED},
		{"resident files in own community", member(app.RoleResident, app.Membership{CommunityID: id(10)}), app.ActNeedCreate, gridA, ""},
		{"resident cannot file elsewhere", member(app.RoleResident, app.Membership{CommunityID: id(10)}), app.ActNeedCreate, gridB, app.EFORBIDDEN},
		{"grid worker manages own grid", member(app.RoleGridWorker, app.Membership{GridID: id(100)}), app.ActNeedManage, gridA, ""},
		{"grid worker not a neighbour grid", member(app.RoleGridWorker, app.Membership{GridID: id(100)}), app.ActNeedManage, app.Target{StreetID: 1, CommunityID: 10, GridID: 101}, app.EFORBIDDEN},
		{"community worker covers its grids", member(app.RoleCommunityWorker, app.Membership{CommunityID: id(10)}), app.ActNeedManage, gridA, ""},
		{"community worker not another community", member(app.RoleCommunityWorker, app.Membership{CommunityID: id(10)}), app.ActNeedManage, gridB, app.EFORBIDDEN},
		{"street officer covers its communities", member(app.RoleCivilAffairs, app.Membership{StreetID: id(1)}), app.ActNeedManage, gridB, ""},
		{"street officer not another street", member(app.RoleCivilAffairs, app.Membership{StreetID: id(1)}), app.ActNeedManage, otherStreet, app.EFORBIDDEN},
		{"admin everywhere", member(app.RoleAdmin, app.Membership{}), app.ActNeedManage, otherStreet, ""},
		{"owner views own need", &app.Principal{User: &app.User{ID: 7}}, app.ActNeedViewPrivate, app.Target{CommunityID: 10, OwnerID: 7}, ""},
		{"assignee works the need", &app.Principal{User: &app.User{ID: 7}}, app.ActNeedWork, app.Target{CommunityID: 10, AssigneeID: 7}, ""},
		{"assignee cannot reassign", &app.Principal{User: &app.User{ID: 7}}, app.ActNeedManage, app.Target{CommunityID: 10, AssigneeID: 7}, app.EFORBIDDEN},
		{"org member edits own org", member(app.RoleOrgMember, app.Membership{OrganizationID: id(5), CommunityID: id(10)}), app.ActOrgUpdate, app.Target{CommunityID: 10, OrganizationID: 5}, ""},
		{"org member not another org in the same community", member(app.RoleOrgMember, app.Membership{OrganizationID: id(5), CommunityID: id(10)}), app.ActOrgUpdate, app.Target{CommunityID: 10, OrganizationID: 6}, app.EFORBIDDEN},
		{"committee decides projects", member(app.RoleCommittee, app.Membership{CommunityID: id(10)}), app.ActProjectDecide, gridA, ""},
		{"committee cannot verify orgs", member(app.RoleCommittee, app.Membership{CommunityID: id(10)}), app.ActOrgVerify, gridA, app.EFORBIDDEN},
		{"queue needs a front-desk role somewhere", member(app.RoleGridWorker, app.Membership{GridID: id(100)}), app.ActNeedQueue, app.Target{}, ""},
		{"residents have no queue", member(app.RoleResident, app.Membership{CommunityID: id(10)}), app.ActNeedQueue, app.Target{}, app.EFORBIDDEN},
		{"disabled users can do nothing", &app.Principal{User: &app.User{ID: 7, Disabled: true}, Memberships: []app.Membership{{Role: app.RoleAdmin}}}, app.ActNeedManage, gridA, app.EFORBIDDEN},
		{"unknown actions fail closed", member(app.RoleAdmin, app.Membership{}), app.Action("nuke.everything"), gridA, app.EFORBIDDEN},
	}
	for _, tt := range tests {
		err := app.Authorize(tt.p, tt.act, tt.t)
		if got := codeOf(err); got != tt.want {
			t.Errorf("%s: Authorize = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestAuthorizeGrant(t *testing.T) {
	t.Parallel()
	id := func(v int64) *int64 { return &v }
	cw := &app.Principal{User: &app.User{ID: 1}, Memberships: []app.Membership{{Role: app.RoleCommunityWorker, CommunityID: id(10)}}}
	a := app.Target{StreetID: 1, CommunityID: 10}
	b := app.Target{StreetID: 1, CommunityID: 11}
	tests := []struct {
		role app.Role
		t    app.Target
		ok   bool
	}{
		{app.RoleGridWorker, a, true},
		{app.RoleCommittee, a, true},
		{app.RoleGridWorker, b, false},
		{app.RoleCommunityWorker, a, false}, // peers are appointed from above
		{app.RoleAdmin, a, false},
	}
	for _, tt := range tests {
		if got := app.AuthorizeGrant(cw, tt.role, tt.t) == nil; got != tt.ok {
			t.Errorf("community worker grants %s at %+v: %v, want %v", tt.role, tt.t, got, tt.ok)
		}
	}
}

func TestMasking(t *testing.T) {
	t.Parallel()
	tests := []struct {
		f        func(string) string
		in, want string
	}{
		{app.MaskMobile, "13812341234", "138****1234"},
		{app.MaskMobile, "", ""},
		{app.MaskMobile, "110", "***"},
		{app.MaskName, "张三", "张*"},
		{app.MaskName, "欧阳娜娜", "欧***"},
		{app.MaskName, "王", "*"},
		{app.MaskName, "Alice", "A****"},
		{app.MaskEmail, "li.lei@example.com", "l*****@example.com"},
		{app.MaskID, "330482199001011234", "3304**********1234"},
	}
	for _, tt := range tests {
		if got := tt.f(tt.in); got != tt.want {
			t.Errorf("mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWeek(t *testing.T) {
	t.Parallel()
	w, err := app.ParseWeek([]string{"mon 09-12", "sun 22-24", "Tue:14-15"})
	if err != nil {
		t.Fatal(err)
	}
	if w.Hours() != 6 || !w.Has(0, 9) || w.Has(0, 12) || !w.Has(6, 23) || !w.Has(1, 14) {
		t.Errorf("parsed week wrong: %v", w.Ranges())
	}
	got := w.Ranges()
	want := []string{"mon 09-12", "tue 14-15", "sun 22-24"}
	if len(got) != len(want) {
		t.Fatalf("ranges = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ranges = %v, want %v", got, want)
		}
	}
	v, _ := w.Value()
	var back app.Week
	if err := back.Scan(v); err != nil || back != w {
		t.Errorf("round trip through the database form: %v, %v", back.Ranges(), err)
	}
	for _, bad := range []string{"mon", "xyz 09-10", "mon 10-09", "mon 09-25", "mon a-b"} {
		if _, err := app.ParseWeek([]string{bad}); err == nil {
			t.Errorf("ParseWeek(%q) accepted", bad)
		}
	}
	o, _ := app.ParseWeek([]string{"mon 11-14"})
	if n := w.Overlap(o); n != 1 {
		t.Errorf("overlap = %d, want 1", n)
	}
}
