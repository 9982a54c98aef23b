package web_test

import (
	"context"
	"maps"
	"net/url"
	"time"

	"github.com/wushe/wushe/app"
)

func init() { authCaseSets = append(authCaseSets, deliveryAuthCases) }

// deliveryProject writes a project of the side's resident in its first grid, delivered by the
// side's organization, in a status of steps 4–6. A completed project's rating window is open.
func (h *harness) deliveryProject(s side, status string) *app.Project {
	ctx := context.Background()
	p := h.project(s, status)
	oid, gid := h.org(s).ID, s.place.Grids[0].ID
	p.OrganizationID, p.GridID = &oid, &gid
	h.must(h.store.UpdateProject(ctx, p))
	now := h.clock.Now()
	d := &app.ProjectDelivery{ProjectID: p.ID, StartedAt: &now, CompletionEvidence: "[]", UpdatedAt: now}
	if status == app.ProjectCompleted || status == app.ProjectEvaluated {
		ends := now.Add(app.DefaultRatingWindow)
		d.PercentDone, d.CompletedAt, d.RatingEndsAt, d.CompletionReport = 100, &now, &ends, "已完工"
		if status == app.ProjectEvaluated {
			past := now.Add(-time.Hour)
			d.RatingEndsAt, d.EvaluatedAt = &past, &past
		}
	}
	h.must(h.store.SaveDelivery(ctx, d))
	return p
}

// resolvedNeed writes a need of the side's resident that a worker resolved.
func (h *harness) resolvedNeed(s side) *app.Need {
	n := h.need(s)
	now := h.clock.Now()
	n.Status, n.ResolvedAt, n.Resolution = app.NeedResolved, &now, "已上门处理"
	h.must(h.store.UpdateNeed(context.Background(), n))
	return n
}

// deliveryAuthCases covers the routes of steps 4–6: members of the delivering organization
// and front-desk workers of the project's place report; residents of the community rate;
// only the requester rates a need; the accountability view and roll-up are public.
func deliveryAuthCases() map[string]authCase {
	deliverers := plus(frontDesk, "org_member")
	residents := []string{"resident"}
	pj := func(status, suffix string, body any) func(*harness, side) (string, any) {
		return func(h *harness, s side) (string, any) {
			b := body
			if f, ok := body.(url.Values); ok {
				b = maps.Clone(f) // post adds the browser's CSRF token to the form
			}
			return "/projects/" + id(h.deliveryProject(s, status).ID) + suffix, b
		}
	}
	api := func(status, suffix string, body any) func(*harness, side) (string, any) {
		return func(h *harness, s side) (string, any) {
			return "/api/v1/projects/" + id(h.deliveryProject(s, status).ID) + suffix, body
		}
	}
	return map[string]authCase{
		"GET /projects/:id/accountability":        {allow: anyone, build: pj(app.ProjectInProgress, "/accountability", nil)},
		"GET /api/v1/projects/:id/accountability": {allow: anyone, build: api(app.ProjectCompleted, "/accountability", nil)},
		"GET /api/v1/projects/:id/updates":        {allow: anyone, build: api(app.ProjectInProgress, "/updates", nil)},
		"GET /api/v1/projects/:id/milestones":     {allow: anyone, build: api(app.ProjectInProgress, "/milestones", nil)},
		"GET /communities/:id/project-ratings": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/communities/" + id(s.place.Community.ID) + "/project-ratings", nil
		}},
		"GET /api/v1/communities/:id/project-ratings": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/api/v1/communities/" + id(s.place.Community.ID) + "/project-ratings", nil
		}},

		"POST /projects/:id/milestones":        {allow: deliverers, build: pj(app.ProjectApproved, "/milestones", url.Values{"title": {"采购器材"}, "due_on": {"2026-12-20"}})},
		"POST /api/v1/projects/:id/milestones": {allow: deliverers, build: api(app.ProjectInProgress, "/milestones", map[string]any{"title": "采购器材", "due_on": "2026-12-20"})},
		"POST /projects/:id/updates":           {allow: deliverers, build: pj(app.ProjectApproved, "/updates", url.Values{"text": {"已进场施工"}, "percent_done": {"30"}})},
		"POST /api/v1/projects/:id/updates":    {allow: deliverers, build: api(app.ProjectInProgress, "/updates", map[string]any{"text": "已进场施工", "percent_done": 30})},
		"POST /projects/:id/complete":          {allow: deliverers, build: pj(app.ProjectInProgress, "/complete", url.Values{"report": {"已完工验收"}})},
		"POST /api/v1/projects/:id/completion": {allow: deliverers, build: api(app.ProjectInProgress, "/completion", map[string]any{"report": "已完工验收", "evidence": []string{"https://example.org/a.jpg"}})},

		"POST /projects/:id/ratings":        {allow: residents, build: pj(app.ProjectCompleted, "/ratings", url.Values{"outcome": {"5"}, "timeliness": {"4"}, "value": {"4"}})},
		"POST /api/v1/projects/:id/ratings": {allow: residents, build: api(app.ProjectCompleted, "/ratings", map[string]any{"outcome": 5, "timeliness": 4, "value": 4, "comment": "好"})},

		"POST /needs/:id/rating": {allow: []string{"owner"}, build: func(h *harness, s side) (string, any) {
			return "/needs/" + id(h.resolvedNeed(s).ID) + "/rating", url.Values{"stars": {"5"}}
		}},
		"POST /api/v1/needs/:id/rating": {allow: []string{"owner"}, build: func(h *harness, s side) (string, any) {
			return "/api/v1/needs/" + id(h.resolvedNeed(s).ID) + "/rating", map[string]any{"stars": 4, "comment": "及时"}
		}},
	}
}
