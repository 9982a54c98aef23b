package web_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

// side is one of the world's two places, with the resident who owns records made there.
type side struct {
	name  string // "A" or "B"
	place apptest.Place
	owner string // the world user who owns the side's records
}

func (h *harness) sides() []side {
	return []side{{"A", h.world.A, "resident"}, {"B", h.world.B, "resident_b"}}
}

var serial atomic.Int64

func next() int64 { return serial.Add(1) }

func (h *harness) must(err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) ownerID(s side) int64 { return h.world.Users[s.owner].ID }

// need writes an open need in the side's first grid, filed by its resident.
func (h *harness) need(s side) *app.Need {
	now := h.clock.Now()
	uid := h.ownerID(s)
	n := &app.Need{CommunityID: s.place.Community.ID, GridID: s.place.Grids[0].ID, RequesterID: &uid, FiledByID: uid,
		Category: "elderly_care", Tier: "major", Title: fmt.Sprintf("测试需求 %d", next()), Description: "详情", Privacy: "private",
		Status: app.NeedOpen, EscalationLevel: app.LevelGrid, DueAt: now.Add(24 * time.Hour), CreatedAt: now, UpdatedAt: now}
	n.EscalateAt = &n.DueAt
	h.must(h.store.CreateNeed(context.Background(), n))
	return n
}

// project writes a project of the side's resident in the given status.
func (h *harness) project(s side, status string) *app.Project {
	p := &app.Project{CommunityID: s.place.Community.ID, ProposerID: h.ownerID(s), Title: fmt.Sprintf("测试项目 %d", next()),
		Description: "说明", Category: "environment", Budget: 100000, Currency: "CNY", Status: status}
	h.must(h.store.CreateProject(context.Background(), p))
	return p
}

// org is the side's organization: in A the one the world's org_member belongs to, in B one
// made once for the test. Other tests' organizations never stand in for it.
func (h *harness) org(s side) *app.Organization {
	ctx := context.Background()
	if o, ok := h.orgs[s.name]; ok {
		return o
	}
	var o *app.Organization
	if s.name == "A" {
		q := "东湖社区志愿者协会"
		os, _, err := h.store.FindOrganizations(ctx, app.OrganizationFilter{Q: q, Page: app.Page{Page: 1, PerPage: 1}})
		h.must(err)
		o = os[0]
	} else {
		cid := s.place.Community.ID
		o = &app.Organization{Name: "西林寺社区社工站", Kind: "social_org", CommunityID: &cid, StreetID: &s.place.Street.ID, Categories: []string{"counseling"}}
		h.must(h.store.CreateOrganization(ctx, o))
	}
	h.orgs[s.name] = o
	return o
}

func (h *harness) socialWorker(s side) *app.SocialWorker {
	oid := h.org(s).ID
	w := &app.SocialWorker{OrganizationID: &oid, Name: "李社工", CertificationLevel: "assistant", Categories: []string{}}
	h.must(h.store.CreateSocialWorker(context.Background(), w))
	return w
}

// volunteer writes a volunteer profile owned by the side's resident.
func (h *harness) volunteer(s side) *app.Volunteer {
	uid := h.ownerID(s)
	gid := s.place.Grids[0].ID
	v := &app.Volunteer{UserID: nil, Name: "王志愿", CommunityID: s.place.Community.ID, GridID: &gid, MaxHoursPerWeek: 4, Active: true, Skills: []string{"delivery"}}
	// Only one profile may belong to a user, so fresh ones are owned through the donor-like
	// user id only for the first; later ones belong to nobody and are worker-kept.
	vs, _, err := h.store.FindVolunteers(context.Background(), app.VolunteerFilter{UserID: &uid, Page: app.Page{Page: 1, PerPage: 1}})
	h.must(err)
	if len(vs) > 0 {
		return vs[0]
	}
	v.UserID = &uid
	h.must(h.store.CreateVolunteer(context.Background(), v))
	return v
}

func (h *harness) donor(s side) *app.Donor {
	uid := h.ownerID(s)
	cid := s.place.Community.ID
	d := &app.Donor{UserID: &uid, Kind: "resident", Name: "赵捐赠", CommunityID: &cid, Interests: []string{"elderly_care"}}
	h.must(h.store.CreateDonor(context.Background(), d))
	return d
}

// member writes a fresh user with a resident membership in the side's community.
func (h *harness) member(s side) (*app.User, *app.Membership) {
	email := fmt.Sprintf("m%d@test.wushe", next())
	u := &app.User{Email: &email, Name: "新成员", PasswordHash: "x", Locale: "zh-CN"}
	h.must(h.store.CreateUser(context.Background(), u))
	cid := s.place.Community.ID
	m := &app.Membership{UserID: u.ID, Role: app.RoleResident, CommunityID: &cid}
	h.must(h.store.CreateMembership(context.Background(), m))
	return u, m
}
