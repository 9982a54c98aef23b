package web_test

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/wushe/wushe/app"
)

func init() { authCaseSets = append(authCaseSets, projectDeliberationAuthCases) }

// deliberating writes a project of a fresh resident of the side (so the side's own resident
// may support it) under deliberation for another week, with supports of threshold.
func (h *harness) deliberating(s side, supports, threshold int) *app.Project {
	u, _ := h.member(s)
	now := h.clock.Now()
	ends := now.Add(7 * 24 * time.Hour)
	p := &app.Project{CommunityID: s.place.Community.ID, ProposerID: u.ID, Title: fmt.Sprintf("议事项目 %d", next()), Description: "说明",
		Category: "environment", Budget: 100000, Currency: "CNY", Status: app.ProjectDeliberating, SubmittedAt: &now}
	p.DeliberationEndsAt, p.SupportThreshold, p.SupportsCount = &ends, threshold, supports
	h.must(h.store.CreateProject(context.Background(), p))
	return p
}

// voting writes a project of a fresh resident in a vote open for another three days.
func (h *harness) voting(s side) *app.Project {
	p := h.deliberating(s, 10, 10)
	now := h.clock.Now()
	ends := now.Add(3 * 24 * time.Hour)
	p.Status, p.VoteOpenedAt, p.VoteEndsAt, p.VoteQuorum, p.VoteMajority = app.ProjectVoting, &now, &ends, 1, app.MajoritySimple
	h.must(h.store.UpdateProject(context.Background(), p))
	return p
}

// comment writes a top-level comment of the side's resident on a deliberating project.
func (h *harness) comment(s side) *app.ProjectComment {
	p := h.deliberating(s, 0, 10)
	c := &app.ProjectComment{ProjectID: p.ID, AuthorID: h.ownerID(s), Body: "同意", CreatedAt: h.clock.Now()}
	h.must(h.store.CreateProjectComment(context.Background(), c))
	return c
}

// ballot writes a pending paper ballot for the side's resident, entered by a fresh user, so
// every worker of the side may confirm it.
func (h *harness) ballot(s side) *app.PaperBallot {
	p := h.voting(s)
	u, _ := h.member(s)
	b := &app.PaperBallot{ProjectID: p.ID, VoterID: h.ownerID(s), Choice: app.VoteYes, Status: app.BallotPending, EnteredBy: u.ID, CreatedAt: h.clock.Now()}
	h.must(h.store.CreatePaperBallot(context.Background(), b))
	return b
}

// meeting writes a meeting held an hour ago with a deliberating project on its agenda.
func (h *harness) meeting(s side) (*app.ProjectMeeting, *app.Project) {
	p := h.deliberating(s, 0, 10)
	now := h.clock.Now()
	m := &app.ProjectMeeting{CommunityID: s.place.Community.ID, Title: "居民议事会", StartsAt: now.Add(-time.Hour), Place: "会议室",
		CreatedBy: h.world.Users["community_worker"].ID, CreatedAt: now, UpdatedAt: now}
	h.must(h.store.CreateMeeting(context.Background(), m, []int64{p.ID}))
	return m, p
}

// projectDeliberationAuthCases covers steps 1–3: residents of the community (grid-scoped or
// not) support and vote; residents, committee members and workers comment; workers moderate
// and handle paper ballots; deciders open votes and run meetings; managers set the rules.
func projectDeliberationAuthCases() map[string]authCase {
	residents := []string{"resident"}
	talkers := plus(frontDesk, "resident", "committee_member")
	settings := func(h *harness, s side) (string, any) {
		return "/communities/" + id(s.place.Community.ID) + "/project-settings", nil
	}
	return map[string]authCase{
		"GET /api/v1/projects/:id/comments": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/api/v1/projects/" + id(h.comment(s).ProjectID) + "/comments", nil
		}},
		"GET /api/v1/projects/:id/revisions": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/api/v1/projects/" + id(h.deliberating(s, 0, 10).ID) + "/revisions", nil
		}},
		"GET /api/v1/communities/:id/project-settings": {allow: anyone, build: func(h *harness, s side) (string, any) {
			return "/api/v1/communities/" + id(s.place.Community.ID) + "/project-settings", nil
		}},
		"GET /meetings":        {allow: anyone, build: fixed("/meetings")},
		"GET /api/v1/meetings": {allow: anyone, build: fixed("/api/v1/meetings")},
		"GET /meetings/:id":    {allow: anyone, build: func(h *harness, s side) (string, any) { m, _ := h.meeting(s); return "/meetings/" + id(m.ID), nil }},
		"GET /api/v1/meetings/:id": {allow: anyone, build: func(h *harness, s side) (string, any) {
			m, _ := h.meeting(s)
			return "/api/v1/meetings/" + id(m.ID), nil
		}},

		"POST /projects/:id/support": {allow: residents, build: func(h *harness, s side) (string, any) {
			return "/projects/" + id(h.deliberating(s, 0, 10).ID) + "/support", url.Values{}
		}},
		"POST /api/v1/projects/:id/supports": {allow: residents, build: func(h *harness, s side) (string, any) {
			return "/api/v1/projects/" + id(h.deliberating(s, 0, 10).ID) + "/supports", nil
		}},
		"POST /projects/:id/vote": {allow: residents, build: func(h *harness, s side) (string, any) {
			return "/projects/" + id(h.voting(s).ID) + "/vote", url.Values{"choice": {"yes"}}
		}},
		"POST /api/v1/projects/:id/votes": {allow: residents, build: func(h *harness, s side) (string, any) {
			return "/api/v1/projects/" + id(h.voting(s).ID) + "/votes", map[string]any{"choice": "abstain"}
		}},
		"POST /projects/:id/comments": {allow: talkers, build: func(h *harness, s side) (string, any) {
			return "/projects/" + id(h.deliberating(s, 0, 10).ID) + "/comments", url.Values{"body": {"赞成"}}
		}},
		"POST /api/v1/projects/:id/comments": {allow: talkers, build: func(h *harness, s side) (string, any) {
			c := h.comment(s)
			return "/api/v1/projects/" + id(c.ProjectID) + "/comments", map[string]any{"body": "回复", "parent_id": c.ID}
		}},
		"POST /project-comments/:id/hide": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/project-comments/" + id(h.comment(s).ID) + "/hide", url.Values{"reason": {"广告"}}
		}},
		"POST /api/v1/project-comments/:id/hiding": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/api/v1/project-comments/" + id(h.comment(s).ID) + "/hiding", map[string]any{"reason": "人身攻击"}
		}},
		"POST /projects/:id/vote-opening": {allow: deciders, build: func(h *harness, s side) (string, any) {
			return "/projects/" + id(h.deliberating(s, 3, 3).ID) + "/vote-opening", url.Values{}
		}},
		"POST /api/v1/projects/:id/vote-opening": {allow: deciders, build: func(h *harness, s side) (string, any) {
			return "/api/v1/projects/" + id(h.deliberating(s, 3, 3).ID) + "/vote-opening", map[string]any{"days": 5}
		}},
		"GET /api/v1/projects/:id/paper-ballots": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/api/v1/projects/" + id(h.ballot(s).ProjectID) + "/paper-ballots", nil
		}},
		"POST /projects/:id/paper-ballots": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/projects/" + id(h.voting(s).ID) + "/paper-ballots", url.Values{"voter_id": {id(h.ownerID(s))}, "choice": {"no"}}
		}},
		"POST /api/v1/projects/:id/paper-ballots": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/api/v1/projects/" + id(h.voting(s).ID) + "/paper-ballots", map[string]any{"voter_id": h.ownerID(s), "choice": "yes"}
		}},
		"POST /paper-ballots/:id/confirm": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/paper-ballots/" + id(h.ballot(s).ID) + "/confirm", url.Values{"confirm": {"true"}}
		}},
		"POST /api/v1/paper-ballots/:id/confirmation": {allow: frontDesk, build: func(h *harness, s side) (string, any) {
			return "/api/v1/paper-ballots/" + id(h.ballot(s).ID) + "/confirmation", map[string]any{"confirm": true}
		}},
		"GET /communities/:id/project-settings": {allow: managers, build: settings},
		"POST /communities/:id/project-settings": {allow: managers, build: func(h *harness, s side) (string, any) {
			p, _ := settings(h, s)
			return p, url.Values{"deliberation_days": {"10"}, "support_threshold": {"5"}, "quorum": {"8"}, "majority": {"simple"}, "vote_days": {"5"}}
		}},
		"PUT /api/v1/communities/:id/project-settings": {allow: managers, build: func(h *harness, s side) (string, any) {
			return "/api/v1/communities/" + id(s.place.Community.ID) + "/project-settings",
				map[string]any{"deliberation_days": 10, "support_threshold": 5, "quorum": 8, "majority": "two_thirds", "vote_days": 5}
		}},
		"GET /meetings/new": {allow: deciders, build: func(h *harness, s side) (string, any) {
			return "/meetings/new?community_id=" + id(s.place.Community.ID), nil
		}},
		"POST /meetings": {allow: deciders, build: func(h *harness, s side) (string, any) {
			return "/meetings", url.Values{"community_id": {id(s.place.Community.ID)}, "title": {"议事会"}, "starts_at": {"2026-12-01T19:00"},
				"place": {"会议室"}, "project_ids": {id(h.deliberating(s, 0, 10).ID)}}
		}},
		"POST /api/v1/meetings": {allow: deciders, build: func(h *harness, s side) (string, any) {
			return "/api/v1/meetings", map[string]any{"community_id": s.place.Community.ID, "title": "议事会", "starts_at": "2026-12-01T19:00:00+08:00",
				"place": "会议室", "project_ids": []int64{h.deliberating(s, 0, 10).ID}}
		}},
		"POST /meetings/:id/attendance": {allow: deciders, build: func(h *harness, s side) (string, any) {
			m, _ := h.meeting(s)
			return "/meetings/" + id(m.ID) + "/attendance", url.Values{"user_id": {id(h.ownerID(s))}, "represented": {"true"}}
		}},
		"POST /api/v1/meetings/:id/attendees": {allow: deciders, build: func(h *harness, s side) (string, any) {
			m, _ := h.meeting(s)
			return "/api/v1/meetings/" + id(m.ID) + "/attendees", map[string]any{"user_id": h.ownerID(s)}
		}},
		"POST /meetings/:id/minutes": {allow: deciders, build: func(h *harness, s side) (string, any) {
			m, _ := h.meeting(s)
			return "/meetings/" + id(m.ID) + "/minutes", url.Values{"minutes": {"会议同意"}}
		}},
		"PUT /api/v1/meetings/:id/minutes": {allow: deciders, build: func(h *harness, s side) (string, any) {
			m, _ := h.meeting(s)
			return "/api/v1/meetings/" + id(m.ID) + "/minutes", map[string]any{"minutes": "会议同意"}
		}},
	}
}
