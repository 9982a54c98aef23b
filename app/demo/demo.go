// Package demo loads a deterministic, realistic data set drawn from the source documents:
// one community of each kind in 平湖市 (东湖社区, 野马村, 西林寺社区, 钟埭社区) with their
// grids, workers, organizations, social workers, volunteers, donors, needs and projects.
package demo

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/wushe/wushe/app"
)

// Summary counts what Load wrote.
type Summary struct {
	Streets, Communities, Grids, Users, Organizations, SocialWorkers, Volunteers, Donors, Needs, Projects int
}

func (s Summary) String() string {
	return fmt.Sprintf("%d streets, %d communities, %d grids, %d users, %d organizations, %d social workers, %d volunteers, %d donors, %d needs, %d projects",
		s.Streets, s.Communities, s.Grids, s.Users, s.Organizations, s.SocialWorkers, s.Volunteers, s.Donors, s.Needs, s.Projects)
}

// Account is a demo sign-in; all share the demo password.
type Account struct{ Email, Role, Note string }

// Accounts are the demo sign-ins of the registry and needs data set.
var Accounts = []Account{
	{"resident@wushe.local", "resident", "东湖社区第1网格居民"},
	{"grid@wushe.local", "grid_worker", "东湖社区第1网格网格员"},
	{"worker@wushe.local", "community_worker", "东湖社区工作者"},
	{"committee@wushe.local", "committee_member", "东湖社区居委会委员"},
	{"officer@wushe.local", "civil_affairs_officer", "当湖街道民政干部"},
	{"org@wushe.local", "org_member", "东湖社区志愿者协会成员"},
	{"volunteer@wushe.local", "volunteer", "东湖社区志愿者"},
}

type communitySpec struct {
	street, name, kind       string
	households, population   int
	grids                    int
	lat, lng                 float64
	volunteers, orgs, shops  int
	needs, projects, workers int
	description              string
}

var specs = []communitySpec{
	{"当湖街道", "东湖社区", app.KindUrban, 6766, 13111, 14, 30.6985, 121.0212, 2213, 18, 16, 180, 24, 24,
		"城市社区:居住人口集中,辖区商户和驻区单位多,社会公益慈善资源丰富。"},
	{"曹桥街道", "野马村", app.KindRural, 514, 1753, 7, 30.6480, 120.9705, 300, 4, 3, 50, 10, 4,
		"农村社区:7个村民小组共12个自然村,熟人社会,居民动员能力强。"},
	{"钟埭街道", "西林寺社区", app.KindMerged, 2357, 10318, 26, 30.7412, 121.0553, 650, 9, 12, 120, 16, 14,
		"融合型大社区:22个住宅小区、26个网格、84个微网格,新老居民杂居,社会组织活跃。"},
	{"钟埭街道", "钟埭社区", app.KindUrbanVillage, 1820, 5260, 10, 30.7288, 121.0731, 500, 5, 6, 80, 10, 8,
		"城中村与拆迁安置社区:外来人口多,志愿者队伍是长板。"},
}

// Load writes the demo data set through the store in one transaction. The random source is
// seeded, so the same clock gives the same data. Password is the demo accounts' password.
func Load(ctx context.Context, st app.Store, hasher app.PasswordHasher, now time.Time, password string) (Summary, error) {
	var sum Summary
	hash, err := hasher.Hash(password)
	if err != nil {
		return sum, err
	}
	l := &loader{st: st, r: rand.New(rand.NewPCG(2026, 11)), now: now.UTC(), hash: hash, sum: &sum,
		loc: time.FixedZone("CST", 8*3600)}
	err = st.InTx(ctx, func(ctx context.Context) error { return l.load(ctx) })
	return sum, err
}

type loader struct {
	st app.Store
	// categories maps category codes to Chinese names, read once.
	categories map[string]string
	r          *rand.Rand
	now        time.Time
	hash       string
	sum        *Summary
	loc        *time.Location

	streets map[string]*app.Street
	users   map[string]*app.User
	serial  int
}

type place struct {
	spec      communitySpec
	community *app.Community
	grids     []*app.Grid
	orgs      []*app.Organization
	workers   []int64 // grid worker user ids, by grid index
}

func (l *loader) load(ctx context.Context) error {
	l.streets = map[string]*app.Street{}
	l.users = map[string]*app.User{}
	var places []*place
	for _, sp := range specs {
		p, err := l.community(ctx, sp)
		if err != nil {
			return err
		}
		places = append(places, p)
	}
	if err := l.accounts(ctx, places[0]); err != nil {
		return err
	}
	for _, p := range places {
		steps := []func(context.Context, *place) error{l.organizations, l.socialWorkers, l.volunteers, l.donors, l.needs, l.projects}
		for _, step := range steps {
			if err := step(ctx, p); err != nil {
				return err
			}
		}
	}
	if err := l.tenders(ctx, places); err != nil {
		return err
	}
	if err := l.tasks(ctx, places[0]); err != nil { // tasks, shifts, hours and evaluations (app/demo/tasks.go)
		return err
	}
	if err := l.deliberation(ctx, places[0]); err != nil { // projects under deliberation and in a vote (app/demo/projects_deliberation.go)
		return err
	}
	if err := l.funds(ctx, places[0]); err != nil {
		return err
	}
	return l.delivery(ctx, places[0]) // steps 4–6 of two projects (app/demo/projects_delivery.go)
}

func (l *loader) jitter(lat, lng, metres float64) (*float64, *float64) {
	dlat := (l.r.Float64()*2 - 1) * metres / 111000
	dlng := (l.r.Float64()*2 - 1) * metres / (111000 * math.Cos(lat*math.Pi/180))
	a, b := math.Round((lat+dlat)*1e6)/1e6, math.Round((lng+dlng)*1e6)/1e6
	return &a, &b
}

func (l *loader) user(ctx context.Context, email, name string) (*app.User, error) {
	u := &app.User{Email: &email, Name: name, PasswordHash: l.hash, Locale: "zh-CN", CreatedAt: l.now, UpdatedAt: l.now}
	if err := l.st.CreateUser(ctx, u); err != nil {
		return nil, fmt.Errorf("demo user %s: %w", email, err)
	}
	l.sum.Users++
	l.users[email] = u
	return u, nil
}

func (l *loader) grant(ctx context.Context, m app.Membership) error {
	m.CreatedAt = l.now
	return l.st.CreateMembership(ctx, &m)
}

func (l *loader) community(ctx context.Context, sp communitySpec) (*place, error) {
	s, ok := l.streets[sp.street]
	if !ok {
		s = &app.Street{Name: sp.street, District: "平湖市", City: "嘉兴市"}
		if err := l.st.CreateStreet(ctx, s); err != nil {
			return nil, err
		}
		l.streets[sp.street] = s
		l.sum.Streets++
	}
	lat, lng := sp.lat, sp.lng
	c := &app.Community{StreetID: s.ID, Name: sp.name, Kind: sp.kind, Households: sp.households, Population: sp.population,
		Lat: &lat, Lng: &lng, Address: "浙江省平湖市" + sp.street + sp.name, Description: sp.description,
		SLAMajorHours: 24, SLAHardHours: 168, CreatedAt: l.now, UpdatedAt: l.now}
	if err := l.st.CreateCommunity(ctx, c); err != nil {
		return nil, err
	}
	l.sum.Communities++
	p := &place{spec: sp, community: c}
	levels := app.GridLevels
	for i := 1; i <= sp.grids; i++ {
		name := fmt.Sprintf("第%d网格", i)
		if sp.kind == app.KindRural {
			name = fmt.Sprintf("第%d村民小组", i)
		}
		glat, glng := l.jitter(lat, lng, 600)
		level := levels[0]
		if x := l.r.IntN(10); x >= 6 {
			level = levels[1+min(x-6, 2)]
		}
		l.serial++
		w, err := l.user(ctx, fmt.Sprintf("gw%03d@wushe.local", l.serial), personName(l.r))
		if err != nil {
			return nil, err
		}
		g := &app.Grid{CommunityID: c.ID, Name: name, Code: fmt.Sprintf("G%02d", i), Level: level,
			Households: sp.households / sp.grids, WorkerID: &w.ID, Lat: glat, Lng: glng, CreatedAt: l.now, UpdatedAt: l.now}
		if err := l.st.CreateGrid(ctx, g); err != nil {
			return nil, err
		}
		if err := l.grant(ctx, app.Membership{UserID: w.ID, Role: app.RoleGridWorker, GridID: &g.ID}); err != nil {
			return nil, err
		}
		p.grids = append(p.grids, g)
		p.workers = append(p.workers, w.ID)
		l.sum.Grids++
	}
	// Every community has a worker and a committee member of record.
	for _, role := range []app.Role{app.RoleCommunityWorker, app.RoleCommittee} {
		l.serial++
		u, err := l.user(ctx, fmt.Sprintf("staff%03d@wushe.local", l.serial), personName(l.r))
		if err != nil {
			return nil, err
		}
		if err := l.grant(ctx, app.Membership{UserID: u.ID, Role: role, CommunityID: &c.ID}); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// accounts creates the named demo sign-ins in 东湖社区.
func (l *loader) accounts(ctx context.Context, p *place) error {
	c, g := p.community, p.grids[0]
	for _, a := range Accounts {
		u, err := l.user(ctx, a.Email, a.Note)
		if err != nil {
			return err
		}
		m := app.Membership{UserID: u.ID, Role: app.Role(a.Role)}
		switch a.Role {
		case "resident":
			m.GridID = &g.ID
		case "grid_worker":
			m.GridID = &g.ID
		case "civil_affairs_officer":
			m.StreetID = &c.StreetID
		case "org_member":
			continue // granted when the organization exists
		default:
			m.CommunityID = &c.ID
		}
		if err := l.grant(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

var orgCategories = map[string][]string{
	"志愿者": {"elderly_care", "meal_delivery", "community_building"}, "养老": {"elderly_care", "meal_delivery"},
	"助残": {"disability_support"}, "心理": {"counseling", "family"}, "调解": {"mediation"}, "儿童": {"child_care", "education"},
	"环保": {"environment"}, "文体": {"culture_sports"}, "巡逻": {"safety"}, "家政": {"elderly_care", "employment"},
	"法律": {"legal_aid"}, "新居民": {"community_building", "employment"}, "乡贤": {"mediation", "community_building"},
	"青少年": {"youth", "education"}, "社会工作": {"counseling", "hardship_relief", "elderly_care"}, "孵化": {"org_incubation"},
	"义诊": {"health"}, "妈妈": {"child_care", "family"},
}

func categoriesFor(name string) []string {
	// Keys in sorted order: a name can hold two of them (志愿者 and 养老), and map order
	// would make the demo differ from run to run.
	for _, k := range slices.Sorted(maps.Keys(orgCategories)) {
		if strings.Contains(name, k) {
			return orgCategories[k]
		}
	}
	return []string{"community_building"}
}

// categoryNames turns category codes into their Chinese names, as a description reads.
func (l *loader) categoryNames(ctx context.Context, codes []string) []string {
	if l.categories == nil {
		l.categories = map[string]string{}
		cs, err := l.st.ListCategories(ctx)
		if err == nil {
			for _, c := range cs {
				l.categories[c.Code] = c.NameZh
			}
		}
	}
	out := make([]string, len(codes))
	for i, code := range codes {
		out[i] = cmp.Or(l.categories[code], code)
	}
	return out
}

// creditCode builds a valid-looking unified social credit code (check character included).
func (l *loader) creditCode(prefix string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	b := []byte(prefix + "330482")
	for len(b) < 17 {
		b = append(b, alphabet[l.r.IntN(len(alphabet))])
	}
	return string(b) + string(app.CreditCodeCheck(string(b)))
}

func (l *loader) organizations(ctx context.Context, p *place) error {
	c := p.community
	prefix := map[string]string{app.KindUrban: "", app.KindRural: "野马", app.KindMerged: "西林", app.KindUrbanVillage: "钟埭"}[c.Kind]
	for i := 0; i < p.spec.orgs; i++ {
		name := orgNames[i%len(orgNames)]
		if prefix != "" && i > 0 {
			name = prefix + name
		} else if prefix != "" {
			name = c.Name + "志愿服务队"
		}
		lat, lng := l.jitter(*c.Lat, *c.Lng, 800)
		verified := l.r.IntN(10) < 8
		o := &app.Organization{Name: name, Kind: "social_org", StreetID: &c.StreetID, CommunityID: &c.ID,
			Address: c.Name + "邻里中心", Lat: lat, Lng: lng, ContactName: personName(l.r), ContactPhone: mobile(l.r),
			Description: name + "扎根" + c.Name + ",提供" + strings.Join(l.categoryNames(ctx, categoriesFor(name)), "、") + "等服务。",
			Verified:    verified, Categories: categoriesFor(name), AreaCommunityIDs: []int64{c.ID}, CreatedAt: l.now, UpdatedAt: l.now}
		if verified {
			o.RegistrationNumber = l.creditCode("52")
			o.VerifiedAt = &l.now
		}
		if err := l.st.CreateOrganization(ctx, o); err != nil {
			return fmt.Errorf("demo organization %s: %w", name, err)
		}
		p.orgs = append(p.orgs, o)
		l.sum.Organizations++
		if i == 0 && c.Kind == app.KindUrban {
			u := l.users["org@wushe.local"]
			if err := l.grant(ctx, app.Membership{UserID: u.ID, Role: app.RoleOrgMember, OrganizationID: &o.ID, CommunityID: &c.ID}); err != nil {
				return err
			}
		}
	}
	for i := 0; i < p.spec.shops; i++ {
		name := merchantNames[(i+len(c.Name))%len(merchantNames)]
		if i >= len(merchantNames) {
			name = fmt.Sprintf("%s(%d号店)", name, i)
		}
		name = strings.TrimSuffix(c.Name, "社区") + name
		lat, lng := l.jitter(*c.Lat, *c.Lng, 700)
		o := &app.Organization{Name: name, Kind: "merchant", StreetID: &c.StreetID, CommunityID: &c.ID,
			Address: c.Name + "沿街商铺", Lat: lat, Lng: lng, ContactName: personName(l.r), ContactPhone: mobile(l.r),
			Description: "爱心商户,支持社区爱心超市和微项目众筹。", Verified: true, RegistrationNumber: l.creditCode("92"),
			VerifiedAt: &l.now, Categories: []string{"hardship_relief"}, AreaCommunityIDs: []int64{c.ID}, CreatedAt: l.now, UpdatedAt: l.now}
		if err := l.st.CreateOrganization(ctx, o); err != nil {
			return fmt.Errorf("demo merchant %s: %w", name, err)
		}
		p.orgs = append(p.orgs, o)
		l.sum.Organizations++
	}
	return nil
}

func (l *loader) socialWorkers(ctx context.Context, p *place) error {
	var social []*app.Organization
	for _, o := range p.orgs {
		if o.Kind == "social_org" {
			social = append(social, o)
		}
	}
	levels := []string{"assistant", "social_worker", "social_worker", "senior", "supervisor"}
	var supervisor *int64
	for i := 0; i < p.spec.workers; i++ {
		o := social[i%len(social)]
		level := levels[l.r.IntN(len(levels))]
		if i == 0 {
			level = "supervisor"
		}
		w := &app.SocialWorker{OrganizationID: &o.ID, Name: personName(l.r), CertificationLevel: level,
			CommunityID: &p.community.ID, Mobile: mobile(l.r), YearsExperience: 1 + l.r.IntN(15),
			Categories: o.Categories, CreatedAt: l.now, UpdatedAt: l.now}
		if level != "assistant" {
			w.CertificateNumber = fmt.Sprintf("ZJ%04d%06d", 2015+l.r.IntN(10), l.r.IntN(1000000))
		}
		if supervisor != nil {
			w.SupervisorID = supervisor
		}
		if err := l.st.CreateSocialWorker(ctx, w); err != nil {
			return err
		}
		if i == 0 {
			supervisor = &w.ID
		}
		l.sum.SocialWorkers++
	}
	return nil
}

// skillsByKind weights the skills volunteers of each community kind tend to have.
var commonSkills = []string{"home_visit", "companionship", "delivery", "cooking", "cleaning", "waste_sorting", "patrol",
	"smartphone_teaching", "tutoring", "childminding", "event_planning", "photography", "performance", "haircut",
	"health_checks", "nursing", "first_aid", "mediation", "legal_advice", "counselling", "sign_language", "mobility_assist",
	"driving", "dialect", "home_repair", "gardening", "sports_coaching", "job_coaching", "bookkeeping", "fire_safety"}

func (l *loader) week() app.Week {
	var w app.Week
	blocks := [][2]int{{6, 9}, {9, 12}, {12, 14}, {14, 18}, {18, 21}}
	for d := 0; d < 7; d++ {
		for _, b := range blocks {
			weekend := d >= 5
			p := 0.18
			if weekend {
				p = 0.35
			}
			if l.r.Float64() < p {
				for h := b[0]; h < b[1]; h++ {
					w.Set(d, h)
				}
			}
		}
	}
	if w.IsZero() {
		for h := 9; h < 12; h++ {
			w.Set(5, h)
		}
	}
	return w
}

func (l *loader) volunteers(ctx context.Context, p *place) error {
	c := p.community
	for i := 0; i < p.spec.volunteers; i++ {
		g := p.grids[l.r.IntN(len(p.grids))]
		lat, lng := l.jitter(*g.Lat, *g.Lng, 250)
		n := 1 + l.r.IntN(3)
		skills := make([]string, 0, n)
		for len(skills) < n {
			s := commonSkills[min(l.r.IntN(len(commonSkills)), l.r.IntN(len(commonSkills)))] // favour the common ones
			if !slices.Contains(skills, s) {
				skills = append(skills, s)
			}
		}
		v := &app.Volunteer{Name: personName(l.r), Mobile: mobile(l.r), CommunityID: c.ID, GridID: &g.ID, Lat: lat, Lng: lng,
			Availability: l.week(), MaxHoursPerWeek: 2 + l.r.IntN(9), Active: l.r.IntN(20) > 0, Skills: skills,
			Bio: "热心社区事务的" + c.Name + "居民。", CreatedAt: l.now, UpdatedAt: l.now}
		if i == 0 && c.Kind == app.KindUrban {
			u := l.users["volunteer@wushe.local"]
			v.UserID, v.Name, v.Active = &u.ID, u.Name, true
			v.Skills = []string{"delivery", "home_visit", "smartphone_teaching"}
		}
		if err := l.st.CreateVolunteer(ctx, v); err != nil {
			return fmt.Errorf("demo volunteer: %w", err)
		}
		l.sum.Volunteers++
	}
	return nil
}

func (l *loader) donors(ctx context.Context, p *place) error {
	c := p.community
	cats := []string{"elderly_care", "meal_delivery", "child_care", "environment", "culture_sports", "hardship_relief", "education", "health"}
	n := 20 + p.spec.households/100
	for i := 0; i < n; i++ {
		d := &app.Donor{Kind: "resident", Name: personName(l.r), CommunityID: &c.ID, Mobile: mobile(l.r),
			AnonymousDefault: l.r.IntN(5) == 0, Interests: []string{cats[l.r.IntN(len(cats))]}, CreatedAt: l.now, UpdatedAt: l.now}
		if err := l.st.CreateDonor(ctx, d); err != nil {
			return err
		}
		l.sum.Donors++
	}
	for _, o := range p.orgs {
		if o.Kind != "merchant" {
			continue
		}
		d := &app.Donor{Kind: "merchant", Name: o.Name, OrganizationID: &o.ID, CommunityID: &c.ID,
			Interests: []string{"hardship_relief", cats[l.r.IntN(len(cats))]}, CreatedAt: l.now, UpdatedAt: l.now}
		if d.Interests[0] == d.Interests[1] {
			d.Interests = d.Interests[:1]
		}
		if err := l.st.CreateDonor(ctx, d); err != nil {
			return err
		}
		l.sum.Donors++
	}
	return nil
}

func (l *loader) needs(ctx context.Context, p *place) error {
	c := p.community
	resident := l.users["resident@wushe.local"]
	for i := 0; i < p.spec.needs; i++ {
		t := needTemplates[l.r.IntN(len(needTemplates))]
		gi := l.r.IntN(len(p.grids))
		g := p.grids[gi]
		building := fmt.Sprint(1 + l.r.IntN(40))
		detail := t.detail
		if strings.Contains(detail, "%s") {
			detail = fmt.Sprintf(detail, building)
		}
		age := time.Duration(l.r.IntN(30*24)) * time.Hour
		if i < 12 {
			age = time.Duration(l.r.IntN(20)) * time.Hour // some fresh ones
		}
		created := l.now.Add(-age)
		n := &app.Need{CommunityID: c.ID, GridID: g.ID, FiledByID: p.workers[gi], Category: t.category, Tier: t.tier,
			Title: t.title, Description: detail, Address: building + "号楼", Privacy: "private", Status: app.NeedOpen,
			EscalationLevel: app.LevelGrid, DueAt: app.DueAt(t.tier, c, created, l.loc), CreatedAt: created, UpdatedAt: created}
		n.EscalateAt = &n.DueAt
		if l.r.IntN(3) == 0 {
			n.Privacy = "public"
		}
		if i == 0 && c.Kind == app.KindUrban {
			n.RequesterID, n.FiledByID, n.GridID = &resident.ID, resident.ID, p.grids[0].ID
		} else {
			n.OnBehalfName, n.OnBehalfPhone, n.ConsentMethod, n.ConsentAt = personName(l.r), mobile(l.r), "verbal", &created
		}
		// Older needs are mostly dealt with; recent ones are still open.
		switch x := l.r.IntN(10); {
		case age > 72*time.Hour && x < 6:
			n.Status, n.AssigneeID = app.NeedClosed, &p.workers[gi]
			res := created.Add(time.Duration(1+l.r.IntN(20)) * time.Hour)
			n.ResolvedAt, n.ClosedAt, n.Resolution = &res, &res, "已联系志愿者上门处理,居民表示满意。"
		case age > 24*time.Hour && x < 8:
			n.Status, n.AssigneeID = app.NeedResolved, &p.workers[gi]
			res := created.Add(time.Duration(1+l.r.IntN(20)) * time.Hour)
			n.ResolvedAt, n.Resolution = &res, "已处理,等待居民确认。"
		case x < 9:
			n.Status, n.AssigneeID = app.NeedInProgress, &p.workers[gi]
		}
		n.UpdatedAt = created
		if err := l.st.CreateNeed(ctx, n); err != nil {
			return fmt.Errorf("demo need: %w", err)
		}
		if n.RequesterID != nil { // the resident's own need shows the photo they took (issue 12)
			if err := l.needPhoto(ctx, n, resident.ID); err != nil {
				return fmt.Errorf("demo need photo: %w", err)
			}
		}
		if err := l.st.AppendAudit(ctx, &app.AuditEvent{OccurredAt: created, ActorID: &n.FiledByID, Action: "need.created",
			SubjectType: "need", SubjectID: n.ID, CommunityID: &c.ID, Data: "{}"}); err != nil {
			return err
		}
		l.sum.Needs++
	}
	return nil
}

func (l *loader) projects(ctx context.Context, p *place) error {
	c := p.community
	statuses := []string{app.ProjectApproved, app.ProjectApproved, app.ProjectLapsed, app.ProjectLapsed, app.ProjectDraft, app.ProjectRejected}
	resident := l.users["resident@wushe.local"]
	for i := 0; i < p.spec.projects; i++ {
		t := projectTemplates[(i+len(c.Name))%len(projectTemplates)]
		created := l.now.Add(-time.Duration(24+l.r.IntN(60*24)) * time.Hour)
		proposer := p.workers[l.r.IntN(len(p.workers))]
		if i == 0 && c.Kind == app.KindUrban {
			proposer = resident.ID
		}
		pr := &app.Project{CommunityID: c.ID, ProposerID: proposer, Title: t.title, Description: t.description, Category: t.category,
			Budget: t.budgetYuan * 100, Currency: "CNY", Beneficiaries: t.beneficiaries, Status: statuses[l.r.IntN(len(statuses))],
			CreatedAt: created, UpdatedAt: created}
		if i < len(p.orgs) && p.orgs[i].Kind == "social_org" && p.orgs[i].Verified {
			pr.OrganizationID = &p.orgs[i].ID
		}
		if pr.Status != app.ProjectDraft {
			sub := created.Add(48 * time.Hour)
			ends := sub.Add(14 * 24 * time.Hour)
			pr.SubmittedAt, pr.DeliberationEndsAt, pr.SupportThreshold = &sub, &ends, 10
			pr.SupportsCount = 10 + l.r.IntN(20)
			if pr.Status == app.ProjectLapsed {
				pr.SupportsCount, pr.LapsedAt = l.r.IntN(10), &ends
			}
		}
		if pr.Status == app.ProjectApproved || pr.Status == app.ProjectRejected {
			dec := created.Add(7 * 24 * time.Hour)
			pr.DecidedAt, pr.DecidedBy = &dec, &p.workers[0]
			pr.DecisionNote, pr.DecisionReason = "经居民议事会讨论同意立项。", app.DecisionMeetingResolved
			if pr.Status == app.ProjectRejected {
				pr.DecisionNote = "与年度政府购买服务项目重复,建议并入现有项目。"
			}
		}
		if err := l.st.CreateProject(ctx, pr); err != nil {
			return err
		}
		l.sum.Projects++
	}
	return nil
}

// SignIns lists every demo sign-in of every data set, for the start-up banner and
// ResetPasswords.
func SignIns() []Account {
	out := slices.Clone(Accounts)
	out = append(out, TenderAccounts...)
	for i := 1; i <= demoBidders; i++ {
		out = append(out, Account{fmt.Sprintf("bidder%d@wushe.local", i), "org_member", "投标社会组织项目负责人"})
	}
	return out
}

// ResetPasswords sets the demo accounts' password (each start of a demo may choose a new one).
func ResetPasswords(ctx context.Context, st app.Store, hasher app.PasswordHasher, password string) error {
	hash, err := hasher.Hash(password)
	if err != nil {
		return err
	}
	for _, a := range SignIns() {
		u, err := st.FindUserByLogin(ctx, a.Email)
		if app.IsCode(err, app.ENOTFOUND) {
			continue
		} else if err != nil {
			return err
		}
		u.PasswordHash = hash
		if err := st.UpdateUser(ctx, u); err != nil {
			return err
		}
	}
	return nil
}
