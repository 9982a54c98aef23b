package demo

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/wushe/wushe/app"
)

// A city-sized data set (issue 16, docs/scale.md): the demo's communities, organizations,
// donors and projects written one by one through the store, as the demo writes them, and the
// bulk of a city — residents, volunteers and a year of needs — written in batches, many rows
// a statement. Everything is drawn from a seeded random source, so one clock gives one city.

// Scale is how big a generated city is.
type Scale struct {
	Name        string
	Communities int // of the four kinds, in turn
	Grids       int // spread over the communities
	Residents   int // users with a resident membership in a grid
	Volunteers  int
	Orgs        int // organizations, merchants included
	Needs       int // over the past year
}

// Scales are the sizes `wushe demo --scale` knows: a town for tests, and a city with Aksu's
// seed figures (147 communities, 1,535 grids, about 850,000 residents).
var Scales = map[string]Scale{
	"town": {Name: "town", Communities: 4, Grids: 12, Residents: 2000, Volunteers: 300, Orgs: 24, Needs: 1200},
	"city": {Name: "city", Communities: 147, Grids: 1535, Residents: 850000, Volunteers: 60000, Orgs: 1500, Needs: 300000},
}

// CityStore is what the city generator writes through: the application's store and its bulk
// inserts (app/store/bulk.go).
type CityStore interface {
	app.Store
	CreateUsersBulk(ctx context.Context, us []*app.User) error
	CreateMembershipsBulk(ctx context.Context, ms []*app.Membership) error
	CreateVolunteersBulk(ctx context.Context, vs []*app.Volunteer) error
	CreateNeedsBulk(ctx context.Context, ns []*app.Need) error
	AppendAuditBulk(ctx context.Context, es []*app.AuditEvent) error
	cityShiftStore // tasks, shifts and sign-ups (city_shifts.go)
}

// cityBatch is how many rows one bulk transaction writes.
const cityBatch = 5000

// LoadCity writes a city of the given scale into an empty database: the demo data set's first
// community (its sign-ins, tasks, hours, campaigns, gifts and disbursements) and then the
// city's communities, with their grids, staff, organizations, donors and projects, and its
// residents, volunteers and needs in bulk. Progress lines go to progress. Search documents
// are not queued: run `wushe reindex` afterwards.
func LoadCity(ctx context.Context, st CityStore, hasher app.PasswordHasher, now time.Time, password string, sc Scale, progress io.Writer) (Summary, error) {
	var sum Summary
	hash, err := hasher.Hash(password)
	if err != nil {
		return sum, err
	}
	l := &loader{st: st, r: rand.New(rand.NewPCG(2026, 16)), now: now.UTC(), hash: hash, sum: &sum,
		loc: time.FixedZone("CST", 8*3600), streets: map[string]*app.Street{}, users: map[string]*app.User{}}
	say := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format+"\n", args...)
		}
	}
	places := make([]*place, 0, sc.Communities)
	// The first community is the demo's 东湖社区, so its sign-ins, tasks and funds exist.
	first := specs[0]
	first.grids = citySpec(l.r, sc, 0).grids
	first.volunteers = max(1, sc.Volunteers/sc.Communities)
	first.needs = max(12, sc.Needs/sc.Communities)
	err = st.InTx(ctx, func(ctx context.Context) error {
		p, err := l.community(ctx, first)
		if err != nil {
			return err
		}
		places = append(places, p)
		if err := l.accounts(ctx, p); err != nil {
			return err
		}
		for _, step := range []func(context.Context, *place) error{l.organizations, l.socialWorkers, l.volunteers, l.donors, l.needs, l.projects, l.tasks, l.funds} {
			if err := step(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return sum, fmt.Errorf("city: first community: %w", err)
	}
	say("city: 东湖社区 with the demo's sign-ins, tasks and funds")
	for i := 1; i < sc.Communities; i++ {
		sp := citySpec(l.r, sc, i)
		err := st.InTx(ctx, func(ctx context.Context) error {
			p, err := l.community(ctx, sp)
			if err != nil {
				return err
			}
			places = append(places, p)
			for _, step := range []func(context.Context, *place) error{l.organizations, l.socialWorkers, l.donors, l.projects} {
				if err := step(ctx, p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return sum, fmt.Errorf("city: community %d: %w", i, err)
		}
		if i%20 == 0 {
			say("city: %d of %d communities", i+1, sc.Communities)
		}
	}
	var grids []*app.Grid
	gridPlace := map[int64]*place{}
	for _, p := range places {
		for _, g := range p.grids {
			grids = append(grids, g)
			gridPlace[g.ID] = p
		}
	}
	if err := l.residents(ctx, st, sc.Residents, grids, say); err != nil {
		return sum, err
	}
	if err := l.cityVolunteers(ctx, st, sc.Volunteers-sum.Volunteers, grids, gridPlace, say); err != nil {
		return sum, err
	}
	if err := l.cityShifts(ctx, st, places, say); err != nil {
		return sum, err
	}
	if err := l.cityNeeds(ctx, st, sc.Needs-sum.Needs, grids, gridPlace, say); err != nil {
		return sum, err
	}
	if err := l.cityYear(ctx, st, places, say); err != nil { // city_funds.go
		return sum, err
	}
	return sum, nil
}

var cityStreets = []string{"新华街道", "英巴扎街道", "栏杆街道", "南城街道", "东城街道", "西城街道", "北城街道", "红桥街道",
	"多浪街道", "迎宾街道", "天山街道", "团结街道", "五团街道", "依干其乡", "拜什吐格曼乡", "托普鲁克乡", "喀拉塔勒镇", "阿依库勒镇", "实验林场"}

// citySpec draws community i of the city: kinds in turn, grids spread evenly, organizations
// and projects in proportion.
func citySpec(r *rand.Rand, sc Scale, i int) communitySpec {
	kind := app.CommunityKinds[i%len(app.CommunityKinds)]
	grids := sc.Grids / sc.Communities
	if i < sc.Grids%sc.Communities {
		grids++
	}
	grids = max(grids, 1)
	orgs := max(sc.Orgs/sc.Communities, 2)
	households := grids * (180 + r.IntN(140))
	suffix := map[string]string{app.KindUrban: "社区", app.KindRural: "村", app.KindMerged: "社区", app.KindUrbanVillage: "社区"}[kind]
	base := specs[i%len(specs)]
	return communitySpec{street: cityStreets[i%len(cityStreets)], name: fmt.Sprintf("%s%d%s", cityNames[i%len(cityNames)], i, suffix), kind: kind,
		households: households, population: households * 5 / 2, grids: grids,
		lat: 41.17 + float64(r.IntN(2000)-1000)/20000, lng: 80.26 + float64(r.IntN(2000)-1000)/20000,
		orgs: orgs * 2 / 3, shops: orgs - orgs*2/3, projects: 3, workers: 2, description: base.description}
}

var cityNames = []string{"幸福", "团结", "友谊", "和平", "光明", "胜利", "建设", "文化", "红旗", "振兴", "丝路", "多浪", "南湖", "北苑", "天山", "金桥"}

// residents writes n resident accounts in bulk, each with a resident membership in a grid.
func (l *loader) residents(ctx context.Context, st CityStore, n int, grids []*app.Grid, say func(string, ...any)) error {
	for done := 0; done < n; {
		k := min(cityBatch, n-done)
		us := make([]*app.User, k)
		for i := range us {
			m := fmt.Sprintf("13%09d", done+i)
			us[i] = &app.User{Mobile: &m, Name: personName(l.r), PasswordHash: l.hash, Locale: "zh-CN", CreatedAt: l.now, UpdatedAt: l.now}
		}
		err := st.InTx(ctx, func(ctx context.Context) error {
			if err := st.CreateUsersBulk(ctx, us); err != nil {
				return err
			}
			ms := make([]*app.Membership, k)
			for i, u := range us {
				g := grids[(done+i)%len(grids)]
				ms[i] = &app.Membership{UserID: u.ID, Role: app.RoleResident, GridID: &g.ID, CreatedAt: l.now}
			}
			return st.CreateMembershipsBulk(ctx, ms)
		})
		if err != nil {
			return fmt.Errorf("city residents: %w", err)
		}
		done += k
		l.sum.Users += k
		if done%100000 < cityBatch || done == n {
			say("city: %d of %d residents", done, n)
		}
	}
	return nil
}

// cityVolunteers writes n volunteers in bulk, spread over the grids.
func (l *loader) cityVolunteers(ctx context.Context, st CityStore, n int, grids []*app.Grid, gridPlace map[int64]*place, say func(string, ...any)) error {
	for done := 0; done < n; {
		k := min(cityBatch, n-done)
		vs := make([]*app.Volunteer, k)
		for i := range vs {
			g := grids[l.r.IntN(len(grids))]
			c := gridPlace[g.ID].community
			lat, lng := l.jitter(*g.Lat, *g.Lng, 250)
			skills := make([]string, 0, 3)
			for range 1 + l.r.IntN(3) {
				s := commonSkills[min(l.r.IntN(len(commonSkills)), l.r.IntN(len(commonSkills)))]
				if !slices.Contains(skills, s) {
					skills = append(skills, s)
				}
			}
			vs[i] = &app.Volunteer{Name: personName(l.r), Mobile: mobile(l.r), CommunityID: c.ID, GridID: &g.ID, Lat: lat, Lng: lng,
				Availability: l.week(), MaxHoursPerWeek: 2 + l.r.IntN(9), Active: l.r.IntN(20) > 0, Skills: skills,
				Bio: "热心社区事务的" + c.Name + "居民。", CreatedAt: l.now, UpdatedAt: l.now}
		}
		if err := st.CreateVolunteersBulk(ctx, vs); err != nil {
			return fmt.Errorf("city volunteers: %w", err)
		}
		done += k
		l.sum.Volunteers += k
	}
	say("city: %d volunteers", l.sum.Volunteers)
	return nil
}

// cityNeeds writes n needs filed over the past year, each with its "need.created" audit
// event: older ones mostly closed, recent ones still open and escalating as they would.
func (l *loader) cityNeeds(ctx context.Context, st CityStore, n int, grids []*app.Grid, gridPlace map[int64]*place, say func(string, ...any)) error {
	for done := 0; done < n; {
		k := min(cityBatch, n-done)
		ns := make([]*app.Need, k)
		for i := range ns {
			t := needTemplates[l.r.IntN(len(needTemplates))]
			g := grids[l.r.IntN(len(grids))]
			p := gridPlace[g.ID]
			c := p.community
			worker := *g.WorkerID
			age := time.Duration(l.r.IntN(365*24*60)) * time.Minute
			created := l.now.Add(-age)
			building := fmt.Sprint(1 + l.r.IntN(40))
			detail := t.detail
			if strings.Contains(detail, "%s") {
				detail = fmt.Sprintf(detail, building)
			}
			nd := &app.Need{CommunityID: c.ID, GridID: g.ID, FiledByID: worker, Category: t.category, Tier: t.tier,
				Title: t.title, Description: detail, Address: building + "号楼", Privacy: app.NeedPrivate, Status: app.NeedOpen,
				EscalationLevel: app.LevelGrid, DueAt: app.DueAt(t.tier, c, created, l.loc), CreatedAt: created, UpdatedAt: created,
				OnBehalfName: personName(l.r), OnBehalfPhone: mobile(l.r), ConsentMethod: "verbal", ConsentAt: &created}
			if l.r.IntN(3) == 0 {
				nd.Privacy = app.NeedPublic
			}
			switch x := l.r.IntN(100); {
			case age > 72*time.Hour && x < 90:
				res := created.Add(time.Duration(1+l.r.IntN(20)) * time.Hour)
				nd.Status, nd.AssigneeID, nd.ResolvedAt, nd.ClosedAt, nd.Resolution = app.NeedClosed, &worker, &res, &res, "已联系志愿者上门处理,居民表示满意。"
			case age > 24*time.Hour && x < 97:
				res := created.Add(time.Duration(1+l.r.IntN(20)) * time.Hour)
				nd.Status, nd.AssigneeID, nd.ResolvedAt, nd.Resolution = app.NeedResolved, &worker, &res, "已处理,等待居民确认。"
			case x < 99:
				nd.Status, nd.AssigneeID = app.NeedInProgress, &worker
			}
			if nd.Status == app.NeedOpen || nd.Status == app.NeedInProgress {
				nd.EscalateAt = &nd.DueAt
			}
			ns[i] = nd
		}
		err := st.InTx(ctx, func(ctx context.Context) error {
			if err := st.CreateNeedsBulk(ctx, ns); err != nil {
				return err
			}
			es := make([]*app.AuditEvent, k)
			for i, nd := range ns {
				es[i] = &app.AuditEvent{OccurredAt: nd.CreatedAt, ActorID: &nd.FiledByID, Action: "need.created", SubjectType: "need",
					SubjectID: nd.ID, CommunityID: &nd.CommunityID, Data: "{}"}
			}
			return st.AppendAuditBulk(ctx, es)
		})
		if err != nil {
			return fmt.Errorf("city needs: %w", err)
		}
		done += k
		l.sum.Needs += k
		if done%50000 < cityBatch || done == n {
			say("city: %d of %d needs", done, n)
		}
	}
	return nil
}
