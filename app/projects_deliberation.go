package app

// Steps 1–2 of a micro-project: proposing on a resident's behalf, deliberation (supports,
// comments, revisions) and lapsing. Voting and deciding are in projects_vote.go, 议事会
// meetings in projects_meetings.go, the rules per community in projects_settings.go.

import (
	"context"
	"fmt"
	"time"
)

// ProjectDeliberation is the part of a project that steps 1–3 keep: who it was proposed for,
// the deliberation's deadline and supports, the vote's rules and tally, and the decision.
// Counters are written only by atomic increments (ProjectDeliberationStore), never by edits.
type ProjectDeliberation struct {
	// On-behalf proposing (assisted participation): the resident named and how they consented.
	OnBehalfName  string     `json:"-"`
	OnBehalfPhone string     `json:"-"`
	ConsentMethod string     `json:"consent_method"`
	ConsentAt     *time.Time `json:"-"`
	// DeliberationEndsAt and SupportThreshold are fixed when the project is submitted.
	DeliberationEndsAt *time.Time `json:"deliberation_ends_at"`
	SupportThreshold   int        `json:"support_threshold"`
	SupportsCount      int        `json:"supports_count"`
	// Revision counts the edits made after submission; each kept in project_revisions.
	Revision int `json:"revision"`
	// The vote's window and rules, fixed when it opens, and its running tally.
	VoteOpenedAt *time.Time `json:"-"`
	VoteEndsAt   *time.Time `json:"-"`
	VoteQuorum   int        `json:"-"`
	VoteMajority string     `json:"-"`
	VotesYes     int        `json:"-"`
	VotesNo      int        `json:"-"`
	VotesAbstain int        `json:"-"`
	// DecisionReason says what decided: vote_passed, quorum_not_met, majority_not_reached or
	// meeting_resolution (with DecisionMeetingID).
	DecisionReason    string `json:"decision_reason"`
	DecisionMeetingID *int64 `json:"decision_meeting_id"`
	// Who delivers an approved project and how it is funded; the later steps link the
	// organization's tasks, the tender and the campaign.
	Delivery    string     `json:"delivery"`
	Funding     string     `json:"funding"`
	FundingNote string     `json:"funding_note"`
	LapsedAt    *time.Time `json:"lapsed_at"`
}

// Decision reasons.
const (
	DecisionVotePassed      = "vote_passed"
	DecisionQuorumNotMet    = "quorum_not_met"
	DecisionMajorityNotMet  = "majority_not_reached"
	DecisionMeetingResolved = "meeting_resolution"
)

// ProjectSupport is one resident's support of a project under deliberation.
type ProjectSupport struct {
	ID        int64     `json:"id" gorm:"primaryKey"`
	ProjectID int64     `json:"project_id"`
	UserID    int64     `json:"user_id"`
	CreatedAt time.Time `json:"created_at"`
}

// ProjectComment is a comment on a project, or a reply to one (one level deep).
type ProjectComment struct {
	ID           int64      `json:"id" gorm:"primaryKey"`
	ProjectID    int64      `json:"project_id"`
	ParentID     *int64     `json:"parent_id"`
	AuthorID     int64      `json:"-"`
	Body         string     `json:"body"`
	HiddenAt     *time.Time `json:"hidden_at"`
	HiddenBy     *int64     `json:"-"`
	HiddenReason string     `json:"-"`
	CreatedAt    time.Time  `json:"created_at"`
}

// ProjectRevision is what a project said before an edit made after its submission.
type ProjectRevision struct {
	ID            int64     `json:"id" gorm:"primaryKey"`
	ProjectID     int64     `json:"project_id"`
	Revision      int       `json:"revision"`
	EditorID      int64     `json:"editor_id"`
	Title         string    `json:"title"`
	Description   string    `json:"description"`
	Category      string    `json:"category"`
	Budget        int64     `json:"budget"`
	Beneficiaries int       `json:"beneficiaries"`
	GridID        *int64    `json:"grid_id"`
	Note          string    `json:"note"`
	CreatedAt     time.Time `json:"created_at"`
}

// ProjectCommentInput is a new comment; ParentID answers a top-level comment.
type ProjectCommentInput struct {
	Body     string `json:"body" form:"body" validate:"required,max=2000"`
	ParentID *int64 `json:"parent_id" form:"parent_id"`
}

// CommentHiding hides a comment; the reason goes to the audit log.
type CommentHiding struct {
	Reason string `json:"reason" form:"reason" validate:"required,max=500"`
}

// ProjectCounter names a counter column of projects.
type ProjectCounter string

// Project counters, each kept by an atomic increment in the transaction that adds the row it counts.
const (
	CounterSupports ProjectCounter = "supports_count"
	CounterYes      ProjectCounter = "votes_yes"
	CounterNo       ProjectCounter = "votes_no"
	CounterAbstain  ProjectCounter = "votes_abstain"
)

// ProjectDeliberationStore persists supports, comments, revisions, votes, ballots, meetings
// and the per-community settings of steps 1–3.
type ProjectDeliberationStore interface {
	// FindProjectForUpdate loads a project and, on PostgreSQL, locks its row until the
	// transaction ends, so status moves and counters are decided on the current row.
	FindProjectForUpdate(ctx context.Context, id int64) (*Project, error)
	// IncrementProjectCounter adds one to a counter column of a project, atomically.
	IncrementProjectCounter(ctx context.Context, projectID int64, c ProjectCounter) error
	// FindProjectsToLapse lists up to limit deliberating projects whose deadline passed below
	// their threshold.
	FindProjectsToLapse(ctx context.Context, now time.Time, limit int) ([]*Project, error)

	FindProjectSettings(ctx context.Context, communityIDs []int64) ([]*ProjectSettings, error)
	SaveProjectSettings(ctx context.Context, s *ProjectSettings) error

	CreateProjectSupport(ctx context.Context, s *ProjectSupport) error
	HasProjectSupport(ctx context.Context, projectID, userID int64) (bool, error)
	// DeleteProjectSupport removes a user's support and reports whether there was one.
	DeleteProjectSupport(ctx context.Context, projectID, userID int64) (bool, error)
	// DecrementProjectCounter takes one from a counter column of a project, atomically,
	// never below zero.
	DecrementProjectCounter(ctx context.Context, projectID int64, c ProjectCounter) error

	CreateProjectComment(ctx context.Context, c *ProjectComment) error
	UpdateProjectComment(ctx context.Context, c *ProjectComment) error
	FindProjectComment(ctx context.Context, id int64) (*ProjectComment, error)
	FindProjectComments(ctx context.Context, projectID int64) ([]*ProjectComment, error)

	CreateProjectRevision(ctx context.Context, r *ProjectRevision) error
	FindProjectRevisions(ctx context.Context, projectID int64) ([]*ProjectRevision, error)

	CreateProjectVote(ctx context.Context, v *ProjectVote) error
	FindProjectVote(ctx context.Context, projectID, userID int64) (*ProjectVote, error)
	CreatePaperBallot(ctx context.Context, b *PaperBallot) error
	UpdatePaperBallot(ctx context.Context, b *PaperBallot) error
	FindPaperBallot(ctx context.Context, id int64) (*PaperBallot, error)
	FindPaperBallots(ctx context.Context, projectID int64, status string) ([]*PaperBallot, error)

	CreateMeeting(ctx context.Context, m *ProjectMeeting, projectIDs []int64) error
	UpdateMeeting(ctx context.Context, m *ProjectMeeting) error
	FindMeeting(ctx context.Context, id int64) (*ProjectMeeting, error)
	FindMeetings(ctx context.Context, f MeetingFilter) ([]*ProjectMeeting, int, error)
	FindMeetingProjectIDs(ctx context.Context, meetingID int64) ([]int64, error)
	FindProjectMeetings(ctx context.Context, projectID int64) ([]*ProjectMeeting, error)
	CreateMeetingAttendee(ctx context.Context, at *MeetingAttendee) error
	FindMeetingAttendees(ctx context.Context, meetingID int64) ([]*MeetingAttendee, error)
	// FindCommunityResidents lists users holding a resident membership in the community or
	// one of its grids, by name, for pickers.
	FindCommunityResidents(ctx context.Context, communityID int64, limit int) ([]*User, error)
}

// gridCommunities fills in the community of each grid-scoped membership.
func (a *App) gridCommunities(ctx context.Context, ms []Membership) error {
	var ids []int64
	for _, m := range ms {
		if m.GridID != nil {
			ids = append(ids, *m.GridID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	gs, _, err := a.store.FindGrids(ctx, GridFilter{IDs: ids})
	if err != nil {
		return fmt.Errorf("grids of memberships: %w", err)
	}
	byID := map[int64]int64{}
	for _, g := range gs {
		byID[g.ID] = g.CommunityID
	}
	for i := range ms {
		if ms[i].GridID != nil {
			if c, ok := byID[*ms[i].GridID]; ok {
				ms[i].GridCommunityID = &c
			}
		}
	}
	return nil
}

// checkOnBehalf applies the rule of needs to projects: a worker may propose for a resident
// only with the resident named and their consent recorded.
func (a *App) checkOnBehalf(fe FieldErrors, in ProjectInput) bool {
	onBehalf := in.OnBehalfName != "" || in.OnBehalfPhone != "" || in.ConsentMethod != ""
	if onBehalf && in.ConsentMethod == "" {
		fe.Add("consent_method", "error.consent_required")
	}
	if onBehalf && in.OnBehalfName == "" {
		fe.Add("on_behalf_name", "error.required")
	}
	return onBehalf
}

// applyOnBehalf records the resident a worker proposes for, after checking the worker may.
func (a *App) applyOnBehalf(p *Principal, t Target, pr *Project, in ProjectInput) error {
	if err := Authorize(p, ActProjectProposeOnBehalf, t); err != nil {
		return err
	}
	now := a.Now()
	pr.OnBehalfName, pr.OnBehalfPhone, pr.ConsentMethod, pr.ConsentAt = in.OnBehalfName, in.OnBehalfPhone, in.ConsentMethod, &now
	return nil
}

// startDeliberation opens a submitted project for supports and comments under its community's
// current rules, which stay fixed for this project.
func (a *App) startDeliberation(ctx context.Context, pr *Project, now time.Time) error {
	st, err := a.projectSettings(ctx, pr.CommunityID)
	if err != nil {
		return err
	}
	ends := now.Add(time.Duration(st.DeliberationDays) * 24 * time.Hour)
	pr.Status, pr.SubmittedAt, pr.UpdatedAt = ProjectDeliberating, &now, now
	pr.DeliberationEndsAt, pr.SupportThreshold = &ends, st.SupportThreshold
	return nil
}

// lapseDue reports whether a deliberating project's deadline passed below its threshold.
func lapseDue(pr *Project, now time.Time) bool {
	return pr.Status == ProjectDeliberating && pr.DeliberationEndsAt != nil && !now.Before(*pr.DeliberationEndsAt) &&
		pr.SupportsCount < pr.SupportThreshold
}

// deliberationOpen reports whether supports and revisions are still taken.
func deliberationOpen(pr *Project, now time.Time) bool {
	return pr.Status == ProjectDeliberating && (pr.DeliberationEndsAt == nil || now.Before(*pr.DeliberationEndsAt))
}

// recordRevision keeps what the project said before an edit after submission.
func (a *App) recordRevision(ctx context.Context, before Project, editor int64) error {
	r := &ProjectRevision{ProjectID: before.ID, Revision: before.Revision + 1, EditorID: editor, Title: before.Title,
		Description: before.Description, Category: before.Category, Budget: before.Budget, Beneficiaries: before.Beneficiaries,
		GridID: before.GridID, CreatedAt: a.Now()}
	if err := a.store.CreateProjectRevision(ctx, r); err != nil {
		return fmt.Errorf("project %d revision: %w", before.ID, err)
	}
	return nil
}

// projectForAction loads and locks a project in a transaction and builds its target. Drafts
// are not found by anyone but those who may edit them, so their existence does not leak.
func (a *App) projectForAction(ctx context.Context, id int64) (*Project, Target, error) {
	pr, err := a.store.FindProjectForUpdate(ctx, id)
	if err != nil {
		return nil, Target{}, err
	}
	t, err := a.communityTarget(ctx, pr.CommunityID)
	if err != nil {
		return nil, Target{}, err
	}
	t = projectTarget(pr, t)
	if pr.Status == ProjectDraft && !Can(PrincipalFrom(ctx), ActProjectEdit, t) {
		return nil, Target{}, NotFound("project")
	}
	return pr, t, nil
}

// SupportProject records the signed-in resident's support of a project under deliberation.
// Supports are one per resident; the proposer's own counts nothing (409).
func (a *App) SupportProject(ctx context.Context, id int64) (*Project, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	var pr *Project
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var t Target
		var err error
		if pr, t, err = a.projectForAction(ctx, id); err != nil {
			return err
		}
		if err := Authorize(p, ActProjectSupport, t); err != nil {
			return err
		}
		now := a.Now()
		switch {
		case pr.Status != ProjectDeliberating:
			return Errorf(ECONFLICT, "error.bad_transition", "from", pr.Status, "action", "support")
		case !deliberationOpen(pr, now):
			return Errorf(ECONFLICT, "error.deliberation_closed")
		case pr.ProposerID == p.User.ID:
			return Errorf(ECONFLICT, "error.own_project_support")
		}
		if err := a.store.CreateProjectSupport(ctx, &ProjectSupport{ProjectID: pr.ID, UserID: p.User.ID, CreatedAt: now}); err != nil {
			if IsCode(err, ECONFLICT) {
				return Errorf(ECONFLICT, "error.already_supported")
			}
			return err
		}
		if err := a.store.IncrementProjectCounter(ctx, pr.ID, CounterSupports); err != nil {
			return err
		}
		pr.SupportsCount++
		if err := a.audit(ctx, "project.supported", "project", pr.ID, pr.CommunityID, map[string]any{"supports_count": pr.SupportsCount}); err != nil {
			return err
		}
		if pr.SupportsCount == pr.SupportThreshold {
			return a.audit(ctx, "project.threshold_reached", "project", pr.ID, pr.CommunityID, map[string]any{"supports_count": pr.SupportsCount})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pr, nil
}

// CommentProject adds a comment, or a reply to a top-level comment, while the project is
// under deliberation or in a vote.
func (a *App) CommentProject(ctx context.Context, id int64, in ProjectCommentInput) (*ProjectComment, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var c *ProjectComment
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		pr, t, err := a.projectForAction(ctx, id)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActProjectComment, t); err != nil {
			return err
		}
		if pr.Status != ProjectDeliberating && pr.Status != ProjectVoting {
			return Errorf(ECONFLICT, "error.bad_transition", "from", pr.Status, "action", "comment")
		}
		if in.ParentID != nil {
			parent, err := a.store.FindProjectComment(ctx, *in.ParentID)
			switch {
			case IsCode(err, ENOTFOUND) || (err == nil && parent.ProjectID != pr.ID):
				return FieldErrors{"parent_id": Msg("error.unknown_ref")}.Err()
			case err != nil:
				return err
			case parent.ParentID != nil:
				return FieldErrors{"parent_id": Msg("error.reply_depth")}.Err()
			}
		}
		c = &ProjectComment{ProjectID: pr.ID, ParentID: in.ParentID, AuthorID: p.User.ID, Body: in.Body, CreatedAt: a.Now()}
		if err := a.store.CreateProjectComment(ctx, c); err != nil {
			return err
		}
		return a.audit(ctx, "project.commented", "project", pr.ID, pr.CommunityID, map[string]any{"comment_id": c.ID, "parent_id": c.ParentID})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// HideComment hides a comment from the public thread; the reason is kept in the audit log.
func (a *App) HideComment(ctx context.Context, commentID int64, in CommentHiding) (*ProjectComment, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var c *ProjectComment
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = a.store.FindProjectComment(ctx, commentID); err != nil {
			return err
		}
		pr, t, err := a.projectForAction(ctx, c.ProjectID)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActProjectModerate, t); err != nil {
			return err
		}
		if c.HiddenAt != nil {
			return Errorf(ECONFLICT, "error.already_hidden")
		}
		now := a.Now()
		c.HiddenAt, c.HiddenBy, c.HiddenReason = &now, &p.User.ID, in.Reason
		if err := a.store.UpdateProjectComment(ctx, c); err != nil {
			return err
		}
		return a.audit(ctx, "project.comment_hidden", "project", pr.ID, pr.CommunityID, map[string]any{"comment_id": c.ID, "reason": in.Reason})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// CommentView is a comment as the thread shows it: the author's name masked, a hidden
// comment's body blanked except for moderators.
type CommentView struct {
	*ProjectComment
	Author       string         `json:"author"`
	Hidden       bool           `json:"hidden"`
	HiddenReason string         `json:"hidden_reason,omitempty"`
	Replies      []*CommentView `json:"replies,omitempty"`
	CanReply     bool           `json:"-"`
	CanHide      bool           `json:"-"`
}

// ProjectComments returns a project's thread: top-level comments oldest first, each with its replies.
func (a *App) ProjectComments(ctx context.Context, id int64) ([]*CommentView, error) {
	pv, err := a.Project(ctx, id)
	if err != nil {
		return nil, err
	}
	t, err := a.communityTarget(ctx, pv.CommunityID)
	if err != nil {
		return nil, err
	}
	return a.commentThread(ctx, pv.Project, projectTarget(pv.Project, t))
}

func (a *App) commentThread(ctx context.Context, pr *Project, t Target) ([]*CommentView, error) {
	p := PrincipalFrom(ctx)
	cs, err := a.store.FindProjectComments(ctx, pr.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(cs))
	for _, c := range cs {
		ids = append(ids, c.AuthorID)
	}
	names, err := a.userNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	moderator := Can(p, ActProjectModerate, t)
	canReply := Can(p, ActProjectComment, t) && (pr.Status == ProjectDeliberating || pr.Status == ProjectVoting)
	out := []*CommentView{}
	top := map[int64]*CommentView{}
	for _, c := range cs {
		cc := *c
		v := &CommentView{ProjectComment: &cc, Author: MaskName(names[c.AuthorID]), Hidden: c.HiddenAt != nil, CanHide: moderator && c.HiddenAt == nil}
		if v.Hidden {
			if moderator {
				v.HiddenReason = c.HiddenReason
			} else {
				v.Body = ""
			}
		}
		if c.ParentID == nil {
			v.CanReply = canReply
			top[c.ID] = v
			out = append(out, v)
		} else if parent, ok := top[*c.ParentID]; ok {
			parent.Replies = append(parent.Replies, v)
		}
	}
	return out, nil
}

// userNames loads users' names in one query.
func (a *App) userNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	us, _, err := a.store.FindUsers(ctx, UserFilter{IDs: ids})
	if err != nil {
		return nil, fmt.Errorf("user names: %w", err)
	}
	for _, u := range us {
		out[u.ID] = u.Name
	}
	return out, nil
}

// ProjectRevisions lists the earlier versions of a project, newest first.
func (a *App) ProjectRevisions(ctx context.Context, id int64) ([]*ProjectRevision, error) {
	if _, err := a.Project(ctx, id); err != nil {
		return nil, err
	}
	return a.store.FindProjectRevisions(ctx, id)
}

// LapseProjects moves deliberating projects whose deadline passed below their support
// threshold to lapsed, each with an audit event, and returns how many it moved. serve runs it
// every minute; reads show such a project as lapsed before the sweep reaches it. Each project
// is rechecked under its row lock, so several processes may sweep at once.
func (a *App) LapseProjects(ctx context.Context) (int, error) {
	n := 0
	for {
		due, err := a.store.FindProjectsToLapse(ctx, a.Now(), 100)
		if err != nil {
			return n, fmt.Errorf("find projects to lapse: %w", err)
		}
		moved := 0
		for _, d := range due {
			err := a.store.InTx(ctx, func(ctx context.Context) error {
				pr, err := a.store.FindProjectForUpdate(ctx, d.ID)
				if err != nil {
					return err
				}
				now := a.Now()
				if !lapseDue(pr, now) {
					return nil
				}
				pr.Status, pr.LapsedAt, pr.UpdatedAt = ProjectLapsed, &now, now
				if err := a.store.UpdateProject(ctx, pr); err != nil {
					return err
				}
				moved++
				return a.audit(ctx, "project.lapsed", "project", pr.ID, pr.CommunityID, map[string]any{
					"supports_count": pr.SupportsCount, "support_threshold": pr.SupportThreshold})
			})
			if err != nil {
				return n, fmt.Errorf("lapse project %d: %w", d.ID, err)
			}
		}
		n += moved
		if len(due) < 100 || moved == 0 {
			return n, nil
		}
	}
}
