package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

// TestMigrationOrgMemberScope writes org_member memberships in the schema before 00009 (the
// shapes the old grant path could store) and checks what the migration makes of them, on
// the test dialect: a scope outside the organization's place is revoked with an audit
// event; a scope inside it becomes exactly the organization's place; duplicates go.
func TestMigrationOrgMemberScope(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := apptest.OpenUnmigrated(t)
	if err := s.MigrateTo(ctx, 8); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	street := func(name string) *app.Street {
		st := &app.Street{Name: name, District: "测试区", City: "测试市"}
		must(s.CreateStreet(ctx, st))
		return st
	}
	community := func(st *app.Street, name string) *app.Community {
		c := &app.Community{StreetID: st.ID, Name: name, Kind: app.KindUrban, SLAMajorHours: 24, SLAHardHours: 168}
		must(s.CreateCommunity(ctx, c))
		return c
	}
	s1, s2 := street("当湖街道"), street("钟埭街道")
	a, a2, b := community(s1, "东湖社区"), community(s1, "南湖社区"), community(s2, "西林寺社区")
	gridA := &app.Grid{CommunityID: a.ID, Name: "第1网格", Code: "G01", Level: "routine"}
	must(s.CreateGrid(ctx, gridA))
	gridB := &app.Grid{CommunityID: b.ID, Name: "第1网格", Code: "G01", Level: "routine"}
	must(s.CreateGrid(ctx, gridB))
	org := func(name string, st *app.Street, c *app.Community) *app.Organization {
		o := &app.Organization{Name: name, Kind: "social_org"}
		if st != nil {
			o.StreetID = &st.ID
		}
		if c != nil {
			o.CommunityID = &c.ID
		}
		must(s.CreateOrganization(ctx, o))
		return o
	}
	orgA := org("东湖社区志愿者协会", s1, a)     // in community A
	orgS1 := org("当湖街道社工站", s1, nil)    // street-level, no community
	orgNone := org("全市公益联合会", nil, nil) // no place at all
	n := 0
	user := func() int64 {
		n++
		email := fmt.Sprintf("m%d@test.wushe", n)
		u := &app.User{Email: &email, Name: "测试", PasswordHash: "x", Locale: "zh-CN", CreatedAt: time.Now(), UpdatedAt: time.Now()}
		must(s.CreateUser(ctx, u))
		return u.ID
	}
	type scope struct{ street, community, grid *int64 }
	member := func(uid int64, role app.Role, o *app.Organization, sc scope) int64 {
		m := &app.Membership{UserID: uid, Role: role, StreetID: sc.street, CommunityID: sc.community, GridID: sc.grid, CreatedAt: time.Now()}
		if o != nil {
			m.OrganizationID = &o.ID
		}
		must(s.CreateMembership(ctx, m))
		return m.ID
	}
	id := func(v int64) *int64 { return &v }
	cases := []struct {
		name string
		org  *app.Organization
		sc   scope
		// want: the scope after migrating, or nil when the membership must be revoked.
		want *scope
	}{
		{"another community's worker granted it (the defect)", orgA, scope{community: &b.ID}, nil},
		{"a grid of another community", orgA, scope{grid: &gridB.ID}, nil},
		{"another street", orgA, scope{street: &s2.ID}, nil},
		{"a neighbour community on the same street", orgA, scope{community: &a2.ID}, nil},
		{"its own community", orgA, scope{community: &a.ID}, &scope{community: &a.ID}},
		{"a grid of its community", orgA, scope{grid: &gridA.ID}, &scope{community: &a.ID}},
		{"its community's street", orgA, scope{street: &s1.ID}, &scope{community: &a.ID}},
		{"no scope", orgA, scope{}, &scope{community: &a.ID}},
		{"street org, community in the street", orgS1, scope{community: &a2.ID}, &scope{street: &s1.ID}},
		{"street org, community elsewhere", orgS1, scope{community: &b.ID}, nil},
		{"street org, its street", orgS1, scope{street: &s1.ID}, &scope{street: &s1.ID}},
		{"place-less org, no scope", orgNone, scope{}, &scope{}},
		{"place-less org, a community", orgNone, scope{community: &a.ID}, nil},
	}
	ids := make([]int64, len(cases))
	for i, c := range cases {
		ids[i] = member(user(), app.RoleOrgMember, c.org, c.sc)
	}
	// Two rows of one user for one organization become one after normalising.
	dupUser := user()
	dupKeep := member(dupUser, app.RoleOrgMember, orgA, scope{community: &a.ID})
	dupGone := member(dupUser, app.RoleOrgMember, orgA, scope{grid: &gridA.ID})
	// Other roles are not touched.
	resident := member(user(), app.RoleResident, nil, scope{community: &b.ID})

	must(s.Migrate(ctx, nil))

	for i, c := range cases {
		m, err := s.FindMembership(ctx, ids[i])
		if c.want == nil {
			if !app.IsCode(err, app.ENOTFOUND) {
				t.Errorf("%s: membership kept (%v), want revoked", c.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !same(m.StreetID, c.want.street) || !same(m.CommunityID, c.want.community) || m.GridID != nil {
			t.Errorf("%s: scope street %v community %v grid %v, want street %v community %v", c.name,
				str(m.StreetID), str(m.CommunityID), str(m.GridID), str(c.want.street), str(c.want.community))
		}
	}
	if _, err := s.FindMembership(ctx, dupKeep); err != nil {
		t.Errorf("first of duplicate rows: %v", err)
	}
	if _, err := s.FindMembership(ctx, dupGone); !app.IsCode(err, app.ENOTFOUND) {
		t.Errorf("second of duplicate rows kept: %v", err)
	}
	if m, err := s.FindMembership(ctx, resident); err != nil || !same(m.CommunityID, id(b.ID)) {
		t.Errorf("resident membership changed: %+v %v", m, err)
	}
	// Every revocation is audited, naming the membership.
	revoked := 0
	for _, c := range cases {
		if c.want == nil {
			revoked++
		}
	}
	typ := "user"
	events, _, err := s.FindAuditEvents(ctx, app.AuditFilter{SubjectType: &typ, Page: app.Page{Page: 1, PerPage: 100}})
	must(err)
	audited := 0
	for _, e := range events {
		if e.Action == "membership.revoked" && strings.Contains(e.Data, `"reason":"scope_outside_organization"`) {
			audited++
		}
	}
	if audited != revoked {
		t.Errorf("%d revocations audited, want %d", audited, revoked)
	}
}

func same(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func str(p *int64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}
