package apptest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/store"
)

// Place is one community with its street and two grids.
type Place struct {
	Street    *app.Street
	Community *app.Community
	Grids     []*app.Grid
}

// Target is the place chain of the community's first grid.
func (p Place) Target() app.Target {
	return app.Target{StreetID: p.Street.ID, CommunityID: p.Community.ID, GridID: p.Grids[0].ID}
}

// World is a small, fixed registry for tests: two streets each with one community ("A" is
// 东湖社区, "B" is 西林寺社区), and one user per role scoped to A, plus a few in B.
type World struct {
	A, B Place
	// Users maps a role to the user holding it in place A (admin is global). "outsider" is
	// a signed-in user with no membership; "resident_b" and "worker_b" belong to B.
	Users    map[string]*app.User
	Password string
}

// Principal returns a loaded principal for the named user.
func (w *World) Principal(t testing.TB, a *app.App, name string) *app.Principal {
	t.Helper()
	u, ok := w.Users[name]
	if !ok {
		t.Fatalf("world has no user %q", name)
	}
	p, err := a.Principal(context.Background(), u.ID)
	if err != nil {
		t.Fatalf("load principal %s: %v", name, err)
	}
	return p
}

// As returns a context acting as the named user.
func (w *World) As(t testing.TB, a *app.App, name string) context.Context {
	return app.WithPrincipal(context.Background(), w.Principal(t, a, name))
}

// NewWorld writes the test world straight into the store (no authorization involved).
func NewWorld(t testing.TB, s *store.Store, hasher app.PasswordHasher) *World {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("build world: %v", err)
		}
	}
	w := &World{Users: map[string]*app.User{}, Password: "correct horse 电池"}
	hash, err := hasher.Hash(w.Password)
	must(err)
	place := func(street, community, kind string) Place {
		st := &app.Street{Name: street, District: "测试区", City: "测试市"}
		must(s.CreateStreet(ctx, st))
		lat, lng := 30.70, 121.01
		c := &app.Community{StreetID: st.ID, Name: community, Kind: kind, Households: 600, Population: 1500,
			Lat: &lat, Lng: &lng, SLAMajorHours: 24, SLAHardHours: 168}
		must(s.CreateCommunity(ctx, c))
		p := Place{Street: st, Community: c}
		for i := 1; i <= 2; i++ {
			g := &app.Grid{CommunityID: c.ID, Name: fmt.Sprintf("第%d网格", i), Code: fmt.Sprintf("G%02d", i), Level: "routine", Households: 250}
			must(s.CreateGrid(ctx, g))
			p.Grids = append(p.Grids, g)
		}
		return p
	}
	w.A = place("当湖街道", "东湖社区", app.KindUrban)
	w.B = place("钟埭街道", "西林寺社区", app.KindMerged)
	user := func(name string, role app.Role, m app.Membership) {
		email := name + "@test.wushe"
		now := time.Now().UTC()
		u := &app.User{Email: &email, Name: "测试" + name, PasswordHash: hash, Locale: "zh-CN", CreatedAt: now, UpdatedAt: now}
		must(s.CreateUser(ctx, u))
		w.Users[name] = u
		if role != "" {
			m.UserID, m.Role = u.ID, role
			must(s.CreateMembership(ctx, &m))
		}
	}
	ca, cb := w.A.Community.ID, w.B.Community.ID
	ga := w.A.Grids[0].ID
	sa := w.A.Street.ID
	user("resident", app.RoleResident, app.Membership{CommunityID: &ca})
	user("volunteer", app.RoleVolunteer, app.Membership{CommunityID: &ca})
	user("donor", app.RoleDonor, app.Membership{CommunityID: &ca})
	user("grid_worker", app.RoleGridWorker, app.Membership{GridID: &ga})
	user("community_worker", app.RoleCommunityWorker, app.Membership{CommunityID: &ca})
	user("committee_member", app.RoleCommittee, app.Membership{CommunityID: &ca})
	user("civil_affairs_officer", app.RoleCivilAffairs, app.Membership{StreetID: &sa})
	user("admin", app.RoleAdmin, app.Membership{})
	user("outsider", "", app.Membership{})
	user("resident_b", app.RoleResident, app.Membership{CommunityID: &cb})
	user("worker_b", app.RoleCommunityWorker, app.Membership{CommunityID: &cb})
	// The grid worker is the grid's worker of record, as the registry would show.
	w.A.Grids[0].WorkerID = &w.Users["grid_worker"].ID
	must(s.UpdateGrid(ctx, w.A.Grids[0]))
	// An organization in A with a member, for org-scoped rules.
	o := &app.Organization{Name: "东湖社区志愿者协会", Kind: "social_org", CommunityID: &ca, StreetID: &sa,
		RegistrationNumber: "", Categories: []string{"elderly_care"}}
	must(s.CreateOrganization(ctx, o))
	oid := o.ID
	user("org_member", app.RoleOrgMember, app.Membership{OrganizationID: &oid, CommunityID: &ca})
	return w
}
