package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wushe/wushe/app"
)

// users of the world: their role and where it applies ("*" everywhere, "" nowhere).
var worldUsers = []struct{ name, role, place string }{
	{"anonymous", "", ""}, {"outsider", "", ""},
	{"resident", "resident", "A"}, {"volunteer", "volunteer", "A"}, {"donor", "donor", "A"}, {"org_member", "org_member", "A"},
	{"grid_worker", "grid_worker", "A"}, {"community_worker", "community_worker", "A"}, {"committee_member", "committee_member", "A"},
	{"civil_affairs_officer", "civil_affairs_officer", "A"}, {"admin", "admin", "*"},
	{"resident_b", "resident", "B"}, {"worker_b", "community_worker", "B"},
}

// authCase says who may use a route and how to build a request against a fresh target.
type authCase struct {
	// allow lists role names plus "anyone", "user" (any signed-in user) and "owner" (the
	// resident who owns the target).
	allow []string
	// anyPlace: the action is not about one place, so the role anywhere suffices.
	anyPlace bool
	// fresh: use a newly signed-in browser (for log-in and log-out).
	fresh bool
	build func(h *harness, s side) (path string, body any)
}

var (
	anyone    = []string{"anyone"}
	managers  = []string{"community_worker", "civil_affairs_officer", "admin"}
	frontDesk = []string{"grid_worker", "community_worker", "civil_affairs_officer", "admin"}
	deciders  = []string{"community_worker", "committee_member", "civil_affairs_officer", "admin"}
)

func plus(base []string, more ...string) []string { return append(slices.Clone(base), more...) }

func id(v int64) string { return strconv.FormatInt(v, 10) }

func fixed(path string) func(*harness, side) (string, any) {
	return func(*harness, side) (string, any) { return path, nil }
}

// authCaseSets are the per-feature tables of authorization cases; each feature's test file
// adds its own in an init function, so features do not share one long map.
var authCaseSets = []func() map[string]authCase{coreAuthCases}

// authCases covers every route the server registers; TestRouteRoleScope fails on a new route
// that is missing.
func authCases() map[string]authCase {
	out := map[string]authCase{}
	for _, set := range authCaseSets {
		for k, v := range set() {
			out[k] = v
		}
	}
	return out
}

// coreAuthCases covers the registry, needs, projects and accounts.
func coreAuthCases() map[string]authCase {
	needBody := func(h *harness, s side) any {
		return map[string]any{"grid_id": s.place.Grids[0].ID, "category": "meal_delivery", "tier": "minor", "title": "需要送餐"}
	}
	communityIn := func(s side) app.CommunityInput {
		c := s.place.Community
		return app.CommunityInput{StreetID: c.StreetID, Name: c.Name, Kind: c.Kind, Households: c.Households, Population: c.Population, SLAMajorHours: 24, SLAHardHours: 168}
	}
	orgIn := func(o *app.Organization) map[string]any {
		return map[string]any{"name": o.Name, "kind": o.Kind, "community_id": o.CommunityID, "categories": []string{"counseling"}}
	}
	return map[string]authCase{
		// --- public pages and documents
		"GET /":                    {allow: anyone, build: fixed("/")},
		"GET /healthz":             {allow: anyone, build: fixed("/healthz")},
		"GET /readyz":              {allow: anyone, build: fixed("/readyz")},
		"GET /metrics":             {allow: anyone, build: fixed("/metrics")},
		"GET /static*":             {allow: anyone, build: fixed("/static/wushe.css")},
		"GET /login":               {allow: anyone, build: fixed("/login")},
		"GET /register":            {allow: anyone, build: fixed("/register")},
		"GET /categories":          {allow: anyone, build: fixed("/categories")},
		"GET /streets":             {allow: anyone, build: fixed("/streets")},
		"GET /communities":         {allow: anyone, build: fixed("/communities")},
		"GET /communities/:id":     {allow: anyone, build: func(h *harness, s side) (string, any) { return "/communities/" + id(s.place.Community.ID), nil }},
		"GET /grids":               {allow: anyone, build: fixed("/grids")},
		"GET /grids/:id":           {allow: anyone, build: func(h *harness, s side) (string, any) { return "/grids/" + id(s.place.Grids[0].ID), nil }},
		"GET /needs":               {allow: anyone, build: fixed("/needs")},
		"GET /needs/:id":           {allow: anyone, build: func(h *harness, s side) (string, any) { return "/needs/" + id(h.need(s).ID), nil }},
		"GET /organizations":       {allow: anyone, build: fixed("/organizations")},
		"GET /organizations/:id":   {allow: anyone, build: func(h *harness, s side) (string, any) { return "/organizations/" + id(h.org(s).ID), nil }},
		"GET /social-workers":      {allow: anyone, build: fixed("/social-workers")},
		"GET /social-workers/:id":  {allow: anyone, build: func(h *harness, s side) (string, any) { return "/social-workers/" + id(h.socialWorker(s).ID), nil }},
		"GET /volunteers":          {allow: anyone, build: fixed("/volunteers")},
		"GET /volunteers/:id":      {allow: anyone, build: func(h *harness, s side) (string, any) { return "/volunteers/" + id(h.volunteer(s).ID), nil }},
		"GET /donors":              {allow: anyone, build: fixed("/donors")},
		"GET /donors/:id":          {allow: anyone, build: func(h *harness, s side) (string, any) { return "/donors/" + id(h.donor(s).ID), nil }},
		"GET /projects":            {allow: anyone, build: fixed("/projects")},
		"GET /projects/:id":        {allow: anyone, build: func(h *harness, s side) (string, any) { return "/projects/" + id(h.project(s, "deliberating").ID), nil }},
		"GET /api/v1/openapi.json": {allow: anyone, build: fixed("/api/v1/openapi.json")},
		"GET /api/v1/streets":      {allow: anyone, build: fixed("/api/v1/streets")},
		"GET /api/v1/streets/:id":  {allow: anyone, build: func(h *harness, s side) (string, any) { return "/api/v1/streets/" + id(s.place.Street.ID), nil }},
		"GET /api/v1/communities":  {allow: anyone, build: fixed("/api/v1/communities")},
		"GET /api/v1/communities/:id": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/api/v1/communities/" + id(s.place.Community.ID), nil
		}},
		"GET /api/v1/grids":             {allow: anyone, build: fixed("/api/v1/grids")},
		"GET /api/v1/grids/:id":         {allow: anyone, build: func(h *harness, s side) (string, any) { return "/api/v1/grids/" + id(s.place.Grids[0].ID), nil }},
		"GET /api/v1/categories":        {allow: anyone, build: fixed("/api/v1/categories")},
		"GET /api/v1/skills":            {allow: anyone, build: fixed("/api/v1/skills")},
		"GET /api/v1/needs":             {allow: anyone, build: fixed("/api/v1/needs")},
		"GET /api/v1/needs/:id":         {allow: anyone, build: func(h *harness, s side) (string, any) { return "/api/v1/needs/" + id(h.need(s).ID), nil }},
		"GET /api/v1/organizations":     {allow: anyone, build: fixed("/api/v1/organizations")},
		"GET /api/v1/organizations/:id": {allow: anyone, build: func(h *harness, s side) (string, any) { return "/api/v1/organizations/" + id(h.org(s).ID), nil }},
		"GET /api/v1/social-workers":    {allow: anyone, build: fixed("/api/v1/social-workers")},
		"GET /api/v1/social-workers/:id": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/api/v1/social-workers/" + id(h.socialWorker(s).ID), nil
		}},
		"GET /api/v1/volunteers":     {allow: anyone, build: fixed("/api/v1/volunteers")},
		"GET /api/v1/volunteers/:id": {allow: anyone, build: func(h *harness, s side) (string, any) { return "/api/v1/volunteers/" + id(h.volunteer(s).ID), nil }},
		"GET /api/v1/donors":         {allow: anyone, build: fixed("/api/v1/donors")},
		"GET /api/v1/donors/:id":     {allow: anyone, build: func(h *harness, s side) (string, any) { return "/api/v1/donors/" + id(h.donor(s).ID), nil }},
		"GET /api/v1/projects":       {allow: anyone, build: fixed("/api/v1/projects")},
		"GET /api/v1/projects/:id": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/api/v1/projects/" + id(h.project(s, "deliberating").ID), nil
		}},
		"POST /api/v1/auth/tokens": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/api/v1/auth/tokens", map[string]any{"email": "outsider@test.wushe", "password": h.world.Password}
		}},
		"POST /api/v1/users": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/api/v1/users", map[string]any{"name": "新居民", "email": fmt.Sprintf("r%d@test.wushe", next()), "password": "long enough", "community_id": s.place.Community.ID}
		}},
		"POST /login": {allow: anyone, fresh: true, build: func(h *harness, s side) (string, any) {
			return "/login", url.Values{"login": {"outsider@test.wushe"}, "password": {h.world.Password}}
		}},
		"POST /logout": {allow: anyone, fresh: true, build: func(h *harness, s side) (string, any) { return "/logout", url.Values{} }},
		"POST /register": {allow: anyone, fresh: true, build: func(h *harness, s side) (string, any) {
			return "/register", url.Values{"name": {"新居民"}, "email": {fmt.Sprintf("r%d@test.wushe", next())}, "password": {"long enough"}, "community_id": {id(s.place.Community.ID)}}
		}},

		// --- signed-in users
		"GET /me":                 {allow: []string{"user"}, build: fixed("/me")},
		"GET /api/v1/me":          {allow: []string{"user"}, build: fixed("/api/v1/me")},
		"GET /needs/new":          {allow: []string{"user"}, build: fixed("/needs/new")},
		"GET /organizations/new":  {allow: []string{"user"}, build: fixed("/organizations/new")},
		"GET /social-workers/new": {allow: []string{"user"}, build: fixed("/social-workers/new")},
		"GET /volunteers/new":     {allow: []string{"user"}, build: fixed("/volunteers/new")},
		"GET /donors/new":         {allow: []string{"user"}, build: fixed("/donors/new")},
		"GET /projects/new":       {allow: []string{"user"}, build: fixed("/projects/new")},
		"POST /api/v1/organizations": {allow: []string{"user"}, build: func(h *harness, s side) (string, any) {
			return "/api/v1/organizations", map[string]any{"name": fmt.Sprintf("新组织%d", next()), "kind": "social_org", "community_id": s.place.Community.ID}
		}},
		"POST /organizations": {allow: []string{"user"}, build: func(h *harness, s side) (string, any) {
			return "/organizations", url.Values{"name": {fmt.Sprintf("新组织%d", next())}, "kind": {"social_org"}, "community_id": {id(s.place.Community.ID)}}
		}},

		// --- administrators and street officers
		"GET /streets/new":      {allow: []string{"admin"}, build: fixed("/streets/new")},
		"GET /streets/:id/edit": {allow: []string{"admin"}, build: func(h *harness, s side) (string, any) { return "/streets/" + id(s.place.Street.ID) + "/edit", nil }},
		"POST /streets": {allow: []string{"admin"}, build: func(h *harness, s side) (string, any) {
			return "/streets", url.Values{"name": {fmt.Sprintf("新街道%d", next())}}
		}},
		"POST /streets/:id": {allow: []string{"admin"}, build: func(h *harness, s side) (string, any) {
			return "/streets/" + id(s.place.Street.ID), url.Values{"name": {s.place.Street.Name}, "district": {"测试区"}, "city": {"测试市"}}
		}},
		"POST /api/v1/streets": {allow: []string{"admin"}, build: func(h *harness, s side) (string, any) {
			return "/api/v1/streets", map[string]any{"name": fmt.Sprintf("新街道%d", next())}
		}},
		"PUT /api/v1/streets/:id": {allow: []string{"admin"}, build: func(h *harness, s side) (string, any) {
			return "/api/v1/streets/" + id(s.place.Street.ID), map[string]any{"name": s.place.Street.Name, "district": "测试区", "city": "测试市"}
		}},
		"GET /admin/users":      {allow: []string{"admin"}, build: fixed("/admin/users")},
		"GET /api/v1/users":     {allow: []string{"admin"}, build: fixed("/api/v1/users")},
		"GET /admin/users/:id":  {allow: []string{"owner", "admin"}, build: func(h *harness, s side) (string, any) { return "/admin/users/" + id(h.ownerID(s)), nil }},
		"GET /api/v1/users/:id": {allow: []string{"owner", "admin"}, build: func(h *harness, s side) (string, any) { return "/api/v1/users/" + id(h.ownerID(s)), nil }},
		"GET /communities/new":  {allow: []string{"civil_affairs_officer", "admin"}, anyPlace: true, build: fixed("/communities/new")},
		"POST /communities": {allow: []string{"civil_affairs_officer", "admin"}, build: func(h *harness, s side) (string, any) {
			return "/communities", url.Values{"street_id": {id(s.place.Street.ID)}, "name": {fmt.Sprintf("新社区%d", next())}, "kind": {"urban"}}
		}},
		"POST /api/v1/communities": {allow: []string{"civil_affairs_officer", "admin"}, build: func(h *harness, s side) (string, any) {
			return "/api/v1/communities", map[string]any{"street_id": s.place.Street.ID, "name": fmt.Sprintf("新社区%d", next()), "kind": "rural"}
		}},

		// --- community managers
		"GET /communities/:id/edit": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/communities/" + id(s.place.Community.ID) + "/edit", nil
		}},
		"POST /communities/:id": {allow: managers, build: func(h *harness, s side) (string, any) {
			in := communityIn(s)
			return "/communities/" + id(s.place.Community.ID), url.Values{"street_id": {id(in.StreetID)}, "name": {in.Name}, "kind": {in.Kind},
				"households": {id(int64(in.Households))}, "population": {id(int64(in.Population))}, "sla_major_hours": {"24"}, "sla_hard_hours": {"168"}}
		}},
		"PUT /api/v1/communities/:id": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/communities/" + id(s.place.Community.ID), communityIn(s)
		}},
		"GET /grids/new": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/grids/new?community_id=" + id(s.place.Community.ID), nil
		}},
		"GET /grids/:id/edit": {allow: managers, build: func(h *harness, s side) (string, any) { return "/grids/" + id(s.place.Grids[1].ID) + "/edit", nil }},
		"POST /grids": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/grids", url.Values{"community_id": {id(s.place.Community.ID)}, "name": {fmt.Sprintf("新网格%d", next())}, "level": {"routine"}}
		}},
		"POST /grids/:id": {allow: managers, build: func(h *harness, s side) (string, any) {
			g := s.place.Grids[1]
			return "/grids/" + id(g.ID), url.Values{"community_id": {id(g.CommunityID)}, "name": {g.Name}, "level": {"focus"}}
		}},
		"POST /api/v1/grids": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/grids", map[string]any{"community_id": s.place.Community.ID, "name": fmt.Sprintf("新网格%d", next()), "level": "routine"}
		}},
		"PUT /api/v1/grids/:id": {allow: managers, build: func(h *harness, s side) (string, any) {
			g := s.place.Grids[1]
			return "/api/v1/grids/" + id(g.ID), map[string]any{"community_id": g.CommunityID, "name": g.Name, "level": "prevention"}
		}},
		"GET /audit": {allow: deciders, build: func(h *harness, s side) (string, any) { return "/audit?community_id=" + id(s.place.Community.ID), nil }},
		"GET /api/v1/audit-events": {allow: deciders, build: func(h *harness, s side) (string, any) {
			return "/api/v1/audit-events?community_id=" + id(s.place.Community.ID), nil
		}},
		"GET /api/v1/memberships": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/memberships?community_id=" + id(s.place.Community.ID), nil
		}},
		"POST /memberships": {allow: managers, build: func(h *harness, s side) (string, any) {
			u, _ := h.member(s)
			return "/memberships", url.Values{"user_id": {id(u.ID)}, "role": {"grid_worker"}, "community_id": {id(s.place.Community.ID)}}
		}},
		"POST /api/v1/memberships": {allow: managers, build: func(h *harness, s side) (string, any) {
			u, _ := h.member(s)
			return "/api/v1/memberships", map[string]any{"user_id": u.ID, "role": "committee_member", "community_id": s.place.Community.ID}
		}},
		"POST /memberships/:id/delete": {allow: managers, build: func(h *harness, s side) (string, any) {
			_, m := h.member(s)
			return "/memberships/" + id(m.ID) + "/delete", url.Values{}
		}},
		"DELETE /api/v1/memberships/:id": {allow: managers, build: func(h *harness, s side) (string, any) {
			_, m := h.member(s)
			return "/api/v1/memberships/" + id(m.ID), nil
		}},

		// --- needs
		"POST /needs": {allow: plus(frontDesk, "resident"), build: func(h *harness, s side) (string, any) {
			return "/needs", url.Values{"grid_id": {id(s.place.Grids[0].ID)}, "category": {"meal_delivery"}, "tier": {"minor"}, "title": {"需要送餐"}}
		}},
		"POST /api/v1/needs":  {allow: plus(frontDesk, "resident"), build: func(h *harness, s side) (string, any) { return "/api/v1/needs", needBody(h, s) }},
		"GET /needs/:id/edit": {allow: plus(frontDesk, "owner"), build: func(h *harness, s side) (string, any) { return "/needs/" + id(h.need(s).ID) + "/edit", nil }},
		"POST /needs/:id": {allow: plus(frontDesk, "owner"), build: func(h *harness, s side) (string, any) {
			return "/needs/" + id(h.need(s).ID), url.Values{"category": {"elderly_care"}, "title": {"改过的标题"}, "privacy": {"private"}}
		}},
		"PATCH /api/v1/needs/:id": {allow: plus(frontDesk, "owner"), build: func(h *harness, s side) (string, any) {
			return "/api/v1/needs/" + id(h.need(s).ID), map[string]any{"title": "改过的标题"}
		}},
		"POST /needs/:id/transition": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/needs/" + id(h.need(s).ID) + "/transition", url.Values{"action": {"start"}}
		}},
		"POST /api/v1/needs/:id/transitions": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/api/v1/needs/" + id(h.need(s).ID) + "/transitions", map[string]any{"action": "resolve", "note": "已解决"}
		}},
		"POST /needs/:id/assign": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/needs/" + id(h.need(s).ID) + "/assign", url.Values{"assignee_id": {id(h.world.Users["volunteer"].ID)}}
		}},
		"POST /api/v1/needs/:id/assignee": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/api/v1/needs/" + id(h.need(s).ID) + "/assignee", map[string]any{"assignee_id": h.world.Users["volunteer"].ID}
		}},
		"GET /queue":        {allow: frontDesk, anyPlace: true, build: fixed("/queue")},
		"GET /api/v1/queue": {allow: frontDesk, anyPlace: true, build: fixed("/api/v1/queue")},

		// --- organizations and social workers
		"GET /organizations/:id/edit": {allow: plus(managers, "org_member"), build: func(h *harness, s side) (string, any) { return "/organizations/" + id(h.org(s).ID) + "/edit", nil }},
		"POST /organizations/:id": {allow: plus(managers, "org_member"), build: func(h *harness, s side) (string, any) {
			o := h.org(s)
			return "/organizations/" + id(o.ID), url.Values{"name": {o.Name}, "kind": {o.Kind}, "community_id": {id(*o.CommunityID)}, "categories": {"counseling"}}
		}},
		"PUT /api/v1/organizations/:id": {allow: plus(managers, "org_member"), build: func(h *harness, s side) (string, any) {
			o := h.org(s)
			return "/api/v1/organizations/" + id(o.ID), orgIn(o)
		}},
		"POST /organizations/:id/verify": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/organizations/" + id(h.org(s).ID) + "/verify", url.Values{"verified": {"false"}}
		}},
		"POST /api/v1/organizations/:id/verification": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/organizations/" + id(h.org(s).ID) + "/verification", map[string]any{"verified": false}
		}},
		"POST /social-workers": {allow: plus(managers, "org_member"), build: func(h *harness, s side) (string, any) {
			return "/social-workers", url.Values{"organization_id": {id(h.org(s).ID)}, "name": {"张社工"}, "certification_level": {"assistant"}}
		}},
		"POST /api/v1/social-workers": {allow: plus(managers, "org_member"), build: func(h *harness, s side) (string, any) {
			return "/api/v1/social-workers", map[string]any{"organization_id": h.org(s).ID, "name": "张社工", "certification_level": "assistant"}
		}},
		"GET /social-workers/:id/edit": {allow: plus(managers, "org_member"), build: func(h *harness, s side) (string, any) {
			return "/social-workers/" + id(h.socialWorker(s).ID) + "/edit", nil
		}},
		"POST /social-workers/:id": {allow: plus(managers, "org_member"), build: func(h *harness, s side) (string, any) {
			return "/social-workers/" + id(h.socialWorker(s).ID), url.Values{"organization_id": {id(h.org(s).ID)}, "name": {"李社工"}, "certification_level": {"assistant"}}
		}},
		"PUT /api/v1/social-workers/:id": {allow: plus(managers, "org_member"), build: func(h *harness, s side) (string, any) {
			return "/api/v1/social-workers/" + id(h.socialWorker(s).ID), map[string]any{"organization_id": h.org(s).ID, "name": "李社工", "certification_level": "assistant"}
		}},

		// --- volunteers and donors
		"POST /volunteers": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/volunteers", url.Values{"name": {"代建档志愿者"}, "community_id": {id(s.place.Community.ID)}, "grid_id": {id(s.place.Grids[0].ID)}, "skills": {"delivery"}, "for_self": {"false"}}
		}},
		"POST /api/v1/volunteers": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/api/v1/volunteers", map[string]any{"name": "代建档志愿者", "community_id": s.place.Community.ID, "grid_id": s.place.Grids[0].ID, "availability": []string{"sat 09-12"}}
		}},
		"GET /volunteers/:id/edit": {allow: plus(frontDesk, "owner"), build: func(h *harness, s side) (string, any) { return "/volunteers/" + id(h.volunteer(s).ID) + "/edit", nil }},
		"POST /volunteers/:id": {allow: plus(frontDesk, "owner"), build: func(h *harness, s side) (string, any) {
			return "/volunteers/" + id(h.volunteer(s).ID), url.Values{"name": {"王志愿"}, "community_id": {id(s.place.Community.ID)}, "grid_id": {id(s.place.Grids[0].ID)}, "active": {"true"}, "availability": {"sun 14-18"}}
		}},
		"PUT /api/v1/volunteers/:id": {allow: plus(frontDesk, "owner"), build: func(h *harness, s side) (string, any) {
			return "/api/v1/volunteers/" + id(h.volunteer(s).ID), map[string]any{"name": "王志愿", "community_id": s.place.Community.ID, "grid_id": s.place.Grids[0].ID}
		}},
		"POST /donors": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/donors", url.Values{"kind": {"resident"}, "name": {"热心居民"}, "community_id": {id(s.place.Community.ID)}, "for_self": {"false"}}
		}},
		"POST /api/v1/donors": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/donors", map[string]any{"kind": "resident", "name": "热心居民", "community_id": s.place.Community.ID}
		}},
		"GET /donors/:id/edit": {allow: plus(managers, "owner"), build: func(h *harness, s side) (string, any) { return "/donors/" + id(h.donor(s).ID) + "/edit", nil }},
		"POST /donors/:id": {allow: plus(managers, "owner"), build: func(h *harness, s side) (string, any) {
			return "/donors/" + id(h.donor(s).ID), url.Values{"kind": {"resident"}, "name": {"赵捐赠"}, "community_id": {id(s.place.Community.ID)}}
		}},
		"PUT /api/v1/donors/:id": {allow: plus(managers, "owner"), build: func(h *harness, s side) (string, any) {
			return "/api/v1/donors/" + id(h.donor(s).ID), map[string]any{"kind": "resident", "name": "赵捐赠", "community_id": s.place.Community.ID}
		}},

		// --- projects
		"POST /projects": {allow: plus(frontDesk, "resident"), build: func(h *harness, s side) (string, any) {
			return "/projects", url.Values{"community_id": {id(s.place.Community.ID)}, "grid_id": {id(s.place.Grids[0].ID)}, "title": {"楼道微更新"}, "description": {"清理楼道"}, "category": {"environment"}, "budget": {"1,200.50"}}
		}},
		"POST /api/v1/projects": {allow: plus(frontDesk, "resident"), build: func(h *harness, s side) (string, any) {
			return "/api/v1/projects", map[string]any{"community_id": s.place.Community.ID, "grid_id": s.place.Grids[0].ID, "title": "口袋花园", "description": "改造角落", "category": "environment", "budget": 600000}
		}},
		"GET /projects/:id/edit": {allow: plus(managers, "owner"), build: func(h *harness, s side) (string, any) {
			return "/projects/" + id(h.project(s, "draft").ID) + "/edit", nil
		}},
		"POST /projects/:id": {allow: plus(managers, "owner"), build: func(h *harness, s side) (string, any) {
			return "/projects/" + id(h.project(s, "draft").ID), url.Values{"community_id": {id(s.place.Community.ID)}, "title": {"改名"}, "description": {"说明"}, "category": {"environment"}, "budget": {"300"}}
		}},
		"PUT /api/v1/projects/:id": {allow: plus(managers, "owner"), build: func(h *harness, s side) (string, any) {
			return "/api/v1/projects/" + id(h.project(s, "draft").ID), map[string]any{"community_id": s.place.Community.ID, "title": "改名", "description": "说明", "category": "environment", "budget": 30000}
		}},
		"POST /projects/:id/submit": {allow: plus(managers, "owner"), build: func(h *harness, s side) (string, any) {
			return "/projects/" + id(h.project(s, "draft").ID) + "/submit", url.Values{}
		}},
		"POST /api/v1/projects/:id/submission": {allow: plus(managers, "owner"), build: func(h *harness, s side) (string, any) {
			return "/api/v1/projects/" + id(h.project(s, "draft").ID) + "/submission", nil
		}},
		"POST /projects/:id/decide": {allow: deciders, build: func(h *harness, s side) (string, any) {
			m, p := h.meeting(s)
			return "/projects/" + id(p.ID) + "/decide", url.Values{"approve": {"true"}, "meeting_id": {id(m.ID)}}
		}},
		"POST /api/v1/projects/:id/decision": {allow: deciders, build: func(h *harness, s side) (string, any) {
			return "/api/v1/projects/" + id(h.voting(s).ID) + "/decision", map[string]any{"note": "表决结束"}
		}},
	}
}

// expected decides from the table (independently of app's policy) whether a user may act.
func expected(c authCase, user, role, place string, s side) bool {
	for _, a := range c.allow {
		switch {
		case a == "anyone":
			return true
		case a == "user" && user != "anonymous":
			return true
		case a == "owner" && user == s.owner:
			return true
		case a == role && role != "" && (c.anyPlace || place == "*" || place == s.name):
			return true
		}
	}
	return false
}

// walkGroup is how many routes one subtest of TestRouteRoleScope walks over its own server
// and database: small enough that the subtests spread over the cores and that records the
// fixtures pile up stay few (list pages read them all), large enough that building a server
// and signing in 13 users stays a small part of each.
const walkGroup = 30

// TestRouteRoleScope walks every route × user (one per role and scope) × target place and
// checks that exactly the users the table allows get through. Each feature's routes run as
// parallel subtests ("core/1", "funds/2"…), each over its own server and database.
func TestRouteRoleScope(t *testing.T) {
	t.Parallel()
	cases := authCases()
	h := newHarness(t)
	registered := map[string]bool{}
	for _, r := range h.web.Routes() {
		registered[r] = true
		if _, ok := cases[r]; !ok {
			t.Errorf("route %s has no authorization case", r)
		}
	}
	// A route belongs to the last set naming it, as in authCases; sets of one name (one
	// feature's file) walk together.
	owner := map[string]string{}
	var names []string
	for _, set := range authCaseSets {
		name := setName(set)
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
		for r := range set() {
			owner[r] = name
		}
	}
	for _, name := range names {
		var routes []string
		for r, o := range owner {
			if registered[r] && o == name {
				routes = append(routes, r)
			}
		}
		slices.Sort(routes)
		for n := 1; len(routes) > 0; n++ {
			group := routes[:min(walkGroup, len(routes))]
			routes = routes[len(group):]
			t.Run(fmt.Sprintf("%s/%d", name, n), func(t *testing.T) {
				t.Parallel()
				walkRoutes(t, newHarness(t), group, cases)
			})
		}
	}
}

// setName names a set of cases by its function (coreAuthCases → "core"), or an unnamed one by
// its file (funds_authz_test.go → "funds").
func setName(set func() map[string]authCase) string {
	fn := runtime.FuncForPC(reflect.ValueOf(set).Pointer())
	name := fn.Name()[strings.LastIndex(fn.Name(), "/")+1:]
	if _, short, ok := strings.Cut(name, "."); ok && !strings.Contains(short, ".") {
		return strings.TrimSuffix(short, "AuthCases")
	}
	file, _ := fn.FileLine(fn.Entry())
	return strings.TrimSuffix(strings.TrimSuffix(filepath.Base(file), "_test.go"), "_authz")
}

// walkRoutes sends each route's request as every user against a target in each place.
// Requests that may change their target get a fresh one per user; reads share one target per
// place, since reading leaves it as it was.
func walkRoutes(t *testing.T, h *harness, routes []string, cases map[string]authCase) {
	browsers := map[string]*browser{}
	for _, u := range worldUsers {
		browsers[u.name] = h.browser(u.name)
	}
	for _, r := range routes {
		c := cases[r]
		method, _, _ := strings.Cut(r, " ")
		for _, s := range h.sides() {
			var path string
			var body any
			read := method == http.MethodGet && !c.fresh
			if read {
				path, body = c.build(h, s)
			}
			for _, u := range worldUsers {
				want := expected(c, u.name, u.role, u.place, s)
				if !read {
					path, body = c.build(h, s)
				}
				var status int
				var loc string
				if strings.HasPrefix(path, "/api/") {
					status, _ = h.api(method, path, u.name, body)
				} else {
					b := browsers[u.name]
					if c.fresh {
						b = h.browser(u.name)
					}
					if method == http.MethodGet {
						status, _, loc = b.get(path)
					} else {
						form, _ := body.(url.Values)
						status, _, loc = b.post(path, form)
					}
				}
				denied := status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusNotFound ||
					(status == http.StatusSeeOther && strings.HasPrefix(loc, "/login"))
				// 422: authorization passed and the (empty) input was refused, as a form
				// re-rendered with its errors is.
				allowed := !denied && (status < 400 || status == http.StatusUnprocessableEntity)
				switch {
				case want && !allowed:
					t.Errorf("%s as %s on %s (%s): %d %s, want allowed", r, u.name, s.name, path, status, loc)
				case !want && !denied:
					t.Errorf("%s as %s on %s (%s): %d %s, want refused", r, u.name, s.name, path, status, loc)
				}
			}
		}
	}
}
