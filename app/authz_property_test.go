package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/demo"
)

// placeFree lists the actions that are not about one place (anyone, any signed-in user, or a
// role anywhere decides them). Every other action must never succeed outside the places a
// principal's memberships cover. A new action lands here only by a deliberate edit.
var placeFree = []app.Action{app.ActPublicRead, app.ActOrgCreate, app.ActVolunteerCreateSelf,
	app.ActDonorCreateSelf, app.ActContributionGive, app.ActNeedQueue,
	// a pledge is a gift promised: anyone signed in gives to any open campaign (issue 12)
	app.ActPledgeCreate,
	// one's own inbox is nobody's place; the city roll-up keeps only the caller's communities
	app.ActNotificationsOwn, app.ActDashboardCity,
	// one's own data (see, download, erase) is always the caller's, whatever the record
	app.ActDataRights}

// place is where a record lives: a community (with its street) or only a street.
type place struct{ street, community int64 }

// record is a stored record with its own place, read from its fields (not from a resolver).
type record struct {
	name  string
	rec   any
	place place
}

// TestNoCrossCommunityAuthorization is a property test over the demo data set (four
// communities on two streets): random principals, whose memberships are granted through
// GrantMembership (scope fields in the input chosen at random, including ones naming
// another community), × every action × a target derived by the use cases' resolvers from
// every kind of stored record. Whenever Authorize allows a non-admin principal, the record
// must lie in a place one of its memberships covers, where an organization member's place
// is the organization's own (its record, not the grant's input).
func TestNoCrossCommunityAuthorization(t *testing.T) {
	t.Parallel()
	seed := uint64(20261124)
	if v := os.Getenv("WUSHE_AUTHZ_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("WUSHE_AUTHZ_SEED: %v", err)
		}
		seed = n
	}
	t.Logf("seed %d (set WUSHE_AUTHZ_SEED to replay another)", seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	ctx := context.Background()
	now := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	s := apptest.OpenStore(t)
	if _, err := demo.Load(ctx, s, apptest.Hasher(), now, "demo password"); err != nil {
		t.Fatalf("load demo: %v", err)
	}
	a := app.New(app.Deps{Store: s, Clock: apptest.NewClock(now), Hasher: apptest.Hasher()})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	page := func(n int) app.Page { return app.Page{Page: n, PerPage: app.MaxPerPage} }

	// The registry: streets of communities, communities of grids.
	communities, _, err := s.FindCommunities(ctx, app.CommunityFilter{Page: page(1)})
	must(err)
	streetOf := map[int64]int64{}
	for _, c := range communities {
		streetOf[c.ID] = c.StreetID
	}
	if len(communities) < 2 {
		t.Fatalf("demo has %d communities", len(communities))
	}
	var grids []*app.Grid
	for n := 1; ; n++ {
		gs, _, err := s.FindGrids(ctx, app.GridFilter{Page: page(n)})
		must(err)
		grids = append(grids, gs...)
		if len(gs) < app.MaxPerPage {
			break
		}
	}
	gridCommunity := map[int64]int64{}
	for _, g := range grids {
		gridCommunity[g.ID] = g.CommunityID
	}
	at := func(community int64) place { return place{streetOf[community], community} }

	// An administrator who grants, and who adds to a second community the kinds of record
	// the demo keeps in one (a fund with a pool and a campaign, a task, a community tender).
	newUser := func(name string) *app.User {
		email := fmt.Sprintf("%s-%d@prop.wushe", name, rng.Uint32())
		u := &app.User{Email: &email, Name: name, PasswordHash: "x", Locale: "zh-CN", CreatedAt: now, UpdatedAt: now}
		must(s.CreateUser(ctx, u))
		return u
	}
	admin := newUser("admin")
	must(s.CreateMembership(ctx, &app.Membership{UserID: admin.ID, Role: app.RoleAdmin, CreatedAt: now}))
	adminP, err := a.Principal(ctx, admin.ID)
	must(err)
	asAdmin := app.WithPrincipal(ctx, adminP)
	other := communities[len(communities)-1]
	fund, err := a.CreateFund(asAdmin, app.FundInput{CommunityID: other.ID, Name: "第二社区基金"})
	must(err)
	pool, err := a.CreatePool(asAdmin, fund.ID, app.PoolInput{Name: "配捐池", Source: "government", Rule: &app.RuleInput{Ratio: "1:1"}})
	must(err)
	project := &app.Project{CommunityID: other.ID, ProposerID: admin.ID, Title: "第二社区微项目", Description: "说明",
		Category: "environment", Budget: 100000, Currency: "CNY", Status: app.ProjectApproved}
	must(s.CreateProject(ctx, project))
	_, err = a.CreateCampaign(asAdmin, app.CampaignInput{FundID: fund.ID, ProjectID: project.ID, PoolID: &pool.ID, Goal: 100000,
		Deadline: now.Add(10 * 24 * time.Hour), Mode: "keep_what_you_raise"})
	must(err)
	must(s.CreateTask(ctx, &app.Task{CommunityID: other.ID, Title: "第二社区任务", Category: "environment", Headcount: 2,
		CoordinatorID: admin.ID, Status: app.TaskOpen, CreatedBy: admin.ID, CreatedAt: now, UpdatedAt: now}))
	start := now.Add(30 * 24 * time.Hour)
	_, err = a.CreateTender(asAdmin, app.TenderInput{CommunityID: &other.ID, Title: "第二社区服务项目", Description: "说明",
		Category: "elderly_care", BudgetCeiling: 1000000, PeriodStart: start, PeriodEnd: start.AddDate(1, 0, 0),
		BidDeadline: now.Add(10 * 24 * time.Hour), MaxAwards: 1,
		Criteria: []app.CriterionInput{{Name: "服务方案", Weight: 100}}})
	must(err)

	// Every kind of record, each with the place its own fields give.
	var recs []record
	add := func(name string, rec any, p place) { recs = append(recs, record{name, rec, p}) }
	for _, c := range communities {
		add("community", c, at(c.ID))
	}
	for _, g := range grids {
		add("grid", g, at(g.CommunityID))
	}
	orgs, _, err := s.FindOrganizations(ctx, app.OrganizationFilter{Page: page(1)})
	must(err)
	orgPlace := map[int64]place{}
	for _, o := range orgs {
		switch {
		case o.CommunityID != nil:
			orgPlace[o.ID] = at(*o.CommunityID)
		case o.StreetID != nil:
			orgPlace[o.ID] = place{street: *o.StreetID}
		}
		if p, ok := orgPlace[o.ID]; ok {
			add("organization", o, p)
		}
	}
	sws, _, err := s.FindSocialWorkers(ctx, app.SocialWorkerFilter{Page: page(1)})
	must(err)
	for _, w := range sws {
		switch {
		case w.OrganizationID != nil:
			if p, ok := orgPlace[*w.OrganizationID]; ok && p.community != 0 {
				add("social worker", w, p)
			}
		case w.CommunityID != nil:
			add("social worker", w, at(*w.CommunityID))
		}
	}
	for _, c := range communities {
		cid := c.ID
		needs, _, err := s.FindNeeds(ctx, app.NeedFilter{CommunityID: &cid, Page: app.Page{Page: 1, PerPage: 20}})
		must(err)
		for _, n := range needs {
			add("need", n, at(n.CommunityID))
		}
		projects, _, err := s.FindProjects(ctx, app.ProjectFilter{CommunityID: &cid, Page: app.Page{Page: 1, PerPage: 20}})
		must(err)
		for _, p := range projects {
			add("project", p, at(p.CommunityID))
		}
		vols, _, err := s.FindVolunteers(ctx, app.VolunteerFilter{CommunityID: &cid, Page: app.Page{Page: 1, PerPage: 20}})
		must(err)
		for _, v := range vols {
			add("volunteer", v, at(v.CommunityID))
		}
		donors, _, err := s.FindDonors(ctx, app.DonorFilter{CommunityID: &cid, Page: app.Page{Page: 1, PerPage: 20}})
		must(err)
		for _, d := range donors {
			add("donor", d, at(*d.CommunityID))
		}
		tasks, _, err := s.FindTasks(ctx, app.TaskFilter{CommunityID: &cid, Page: app.Page{Page: 1, PerPage: 20}})
		must(err)
		for _, tk := range tasks {
			add("task", tk, at(tk.CommunityID))
		}
	}
	tenders, _, err := s.FindTenders(ctx, app.TenderFilter{AllDrafts: true, Page: page(1)})
	must(err)
	for _, td := range tenders {
		if td.CommunityID != nil {
			add("tender", td, at(*td.CommunityID))
		} else {
			add("tender", td, place{street: td.StreetID})
		}
	}
	funds, err := s.FindFunds(ctx, nil)
	must(err)
	for _, f := range funds {
		add("fund", f, at(f.CommunityID))
		pools, err := s.FindPools(ctx, f.ID)
		must(err)
		for _, pl := range pools {
			add("pool", pl, at(f.CommunityID))
		}
		fid := f.ID
		camps, _, err := s.FindCampaigns(ctx, app.CampaignFilter{FundID: &fid, Page: page(1)})
		must(err)
		for _, c := range camps {
			add("campaign", c, at(f.CommunityID))
		}
		ds, err := s.FindDisbursements(ctx, f.ID, nil)
		must(err)
		for _, d := range ds {
			add("disbursement", d, at(f.CommunityID))
		}
		// A request to pay each organization from this fund, as RequestDisbursement decides
		// it: the fund's place with the payee named. Payees of other communities included.
		for _, o := range orgs {
			add("disbursement request", &app.Disbursement{FundID: f.ID, PayeeOrganizationID: o.ID}, at(f.CommunityID))
		}
	}
	kinds := map[string]map[place]bool{}
	for _, r := range recs {
		if kinds[r.name] == nil {
			kinds[r.name] = map[place]bool{}
		}
		kinds[r.name][r.place] = true
	}
	for _, k := range []string{"community", "grid", "organization", "social worker", "need", "project", "volunteer",
		"donor", "task", "tender", "fund", "pool", "campaign", "disbursement request"} {
		if len(kinds[k]) < 2 {
			t.Errorf("demo records of kind %s cover %d places; the property needs two", k, len(kinds[k]))
		}
	}
	targets := make([]app.Target, len(recs))
	for i, r := range recs {
		targets[i], err = a.TargetForTest(ctx, r.rec)
		if err != nil {
			t.Fatalf("target of %s: %v", r.name, err)
		}
	}

	roles := slices.DeleteFunc(slices.Clone(app.Roles), func(r app.Role) bool { return r == app.RoleAdmin })
	pick := func(n int) int { return rng.IntN(n) }
	var actions []app.Action
	for _, act := range app.Actions() {
		if !slices.Contains(placeFree, act) {
			actions = append(actions, act)
		}
	}

	const principals = 40
	allowed, refusedElsewhere := 0, 0
	for i := range principals {
		u := newUser(fmt.Sprintf("p%d", i))
		reach := map[string]bool{}
		for range 1 + pick(3) {
			role := roles[pick(len(roles))]
			in := app.MembershipInput{UserID: u.ID, Role: role}
			if role == app.RoleOrgMember {
				o := orgs[pick(len(orgs))]
				in.OrganizationID = &o.ID
				if pick(2) == 0 { // a scope in the input, often another community's
					c := communities[pick(len(communities))]
					in.CommunityID = &c.ID
				}
				m, err := a.GrantMembership(asAdmin, in)
				mismatch := in.CommunityID != nil && (o.CommunityID == nil || *in.CommunityID != *o.CommunityID)
				switch {
				case mismatch && !app.IsCode(err, app.EINVALID):
					t.Fatalf("grant org_member of org %d with community %d (org in %v): %v, want a field error", o.ID, *in.CommunityID, o.CommunityID, err)
				case mismatch:
					in.CommunityID = nil
					m, err = a.GrantMembership(asAdmin, in)
				}
				if app.IsCode(err, app.ECONFLICT) {
					continue
				}
				must(err)
				if !sameID(m.CommunityID, o.CommunityID) || m.GridID != nil ||
					(o.CommunityID == nil && !sameID(m.StreetID, o.StreetID)) {
					t.Fatalf("org_member of org %d stored with street %v community %v grid %v; the organization is in street %v community %v",
						o.ID, m.StreetID, m.CommunityID, m.GridID, o.StreetID, o.CommunityID)
				}
				if p, ok := orgPlace[o.ID]; ok {
					if p.community != 0 {
						reach["c:"+strconv.FormatInt(p.community, 10)] = true
					} else {
						reach["s:"+strconv.FormatInt(p.street, 10)] = true
					}
				}
				continue
			}
			switch pick(3) {
			case 0:
				c := communities[pick(len(communities))]
				in.CommunityID = &c.ID
				reach["c:"+strconv.FormatInt(c.ID, 10)] = true
			case 1:
				g := grids[pick(len(grids))]
				in.GridID = &g.ID
				reach["c:"+strconv.FormatInt(g.CommunityID, 10)] = true // over-approximates a grid's reach
			case 2:
				c := communities[pick(len(communities))]
				in.StreetID = &c.StreetID
				reach["s:"+strconv.FormatInt(c.StreetID, 10)] = true
			}
			if _, err := a.GrantMembership(asAdmin, in); err != nil && !app.IsCode(err, app.ECONFLICT) {
				t.Fatalf("grant %s: %v", role, err)
			}
		}
		p, err := a.Principal(ctx, u.ID)
		must(err)
		inReach := func(pl place) bool {
			return (pl.community != 0 && reach["c:"+strconv.FormatInt(pl.community, 10)]) || reach["s:"+strconv.FormatInt(pl.street, 10)]
		}
		for _, act := range actions {
			for j, r := range recs {
				if app.Authorize(p, act, targets[j]) != nil {
					if !inReach(r.place) {
						refusedElsewhere++
					}
					continue
				}
				allowed++
				if !inReach(r.place) {
					t.Errorf("principal %d with %s may %s on a %s in street %d community %d, outside its places %v",
						i, describe(p.Memberships), act, r.name, r.place.street, r.place.community, keys(reach))
				}
			}
		}
	}
	t.Logf("%d principals × %d actions × %d records: %d allowed, %d refused outside their places", principals, len(actions), len(recs), allowed, refusedElsewhere)
	if allowed == 0 || refusedElsewhere == 0 {
		t.Errorf("the property was not exercised: %d allowed, %d refused", allowed, refusedElsewhere)
	}
}

func sameID(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func describe(ms []app.Membership) string {
	out := ""
	for _, m := range ms {
		out += fmt.Sprintf("[%s street %s community %s grid %s org %s]", m.Role, idOf(m.StreetID), idOf(m.CommunityID), idOf(m.GridID), idOf(m.OrganizationID))
	}
	return out
}

func idOf(p *int64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatInt(*p, 10)
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
