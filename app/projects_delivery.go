package app

// Steps 4–6 of a micro-project (友邻六事法): do (办事), publish (晒事), evaluate (评事).
// An approved project moves to in_progress when the first campaign, task or tender is linked
// to it or its first update is posted; to completed with its completion report; to evaluated
// when the residents' rating window closes. docs/projects-delivery.md has the rules.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/wushe/wushe/funds"
)

// ProjectDeliveryStatuses lists the statuses of steps 4–6 in lifecycle order.
var ProjectDeliveryStatuses = []string{ProjectInProgress, ProjectCompleted, ProjectEvaluated}

// DefaultRatingWindow is how long residents may rate a completed project.
const DefaultRatingWindow = 30 * 24 * time.Hour

// deliverable reports whether work may be linked to or reported on a project in status s.
func deliverable(s string) bool { return s == ProjectApproved || s == ProjectInProgress }

// ProjectDelivery is a project's delivery record: progress, completion and the rating window.
type ProjectDelivery struct {
	ProjectID          int64      `json:"-" gorm:"primaryKey;autoIncrement:false"`
	PercentDone        int        `json:"percent_done"`
	StartedAt          *time.Time `json:"started_at"`
	CompletedAt        *time.Time `json:"completed_at"`
	CompletedBy        *int64     `json:"-"`
	CompletionReport   string     `json:"completion_report"`
	CompletionEvidence string     `json:"-"` // JSON list of links
	RatingEndsAt       *time.Time `json:"rating_ends_at"`
	EvaluatedAt        *time.Time `json:"evaluated_at"`
	UpdatedAt          time.Time  `json:"-"`
}

// TableName maps the record to its table.
func (ProjectDelivery) TableName() string { return "project_deliveries" }

// Evidence returns the completion evidence links.
func (d *ProjectDelivery) Evidence() []string { return jsonList(d.CompletionEvidence) }

// ProjectMilestone is one step of a project's delivery plan with its due date.
type ProjectMilestone struct {
	ID        int64      `json:"id" gorm:"primaryKey"`
	ProjectID int64      `json:"project_id"`
	Title     string     `json:"title"`
	DueOn     time.Time  `json:"due_on"`
	ReachedAt *time.Time `json:"reached_at"`
	CreatedBy int64      `json:"-"`
	CreatedAt time.Time  `json:"created_at"`
}

// Overdue reports whether the milestone is past its due date and not reached.
func (m *ProjectMilestone) Overdue(now time.Time) bool {
	return m.ReachedAt == nil && now.After(m.DueOn)
}

// Kinds of project updates.
const (
	UpdateProgress   = "update"
	UpdateCompletion = "completion"
)

// ProjectUpdate is a progress update (or the completion report) on a project's timeline.
type ProjectUpdate struct {
	ID          int64     `json:"id" gorm:"primaryKey"`
	ProjectID   int64     `json:"project_id"`
	AuthorID    int64     `json:"-"`
	Kind        string    `json:"kind"`
	Text        string    `json:"text"`
	PhotosJSON  string    `json:"-" gorm:"column:photos"`
	MilestoneID *int64    `json:"milestone_id"`
	PercentDone *int      `json:"percent_done"`
	CreatedAt   time.Time `json:"created_at"`
	Photos      []string  `json:"photos" gorm:"-"`
	// Author is the author's masked name, filled for pages and the API.
	Author string `json:"author" gorm:"-"`
}

// ProjectRating is one resident's rating of a completed project (评事), 1–5 per criterion.
type ProjectRating struct {
	ID          int64     `json:"id" gorm:"primaryKey"`
	ProjectID   int64     `json:"project_id"`
	CommunityID int64     `json:"community_id"`
	AuthorID    int64     `json:"-"`
	Outcome     int       `json:"outcome"`
	Timeliness  int       `json:"timeliness"`
	Value       int       `json:"value"`
	Comment     string    `json:"comment"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// RatingSums are the sums of a set of project ratings, as the store reads them.
type RatingSums struct {
	Count                      int
	Outcome, Timeliness, Value int64
}

// RatingSummary is the public summary of project ratings: means per criterion and overall,
// nil while nobody has rated.
type RatingSummary struct {
	Count      int      `json:"count"`
	Outcome    *float64 `json:"outcome"`
	Timeliness *float64 `json:"timeliness"`
	Value      *float64 `json:"value"`
	Overall    *float64 `json:"overall"`
}

func round2(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }

// Summary turns sums into means rounded to two decimals; overall is the mean of the three.
func (s RatingSums) Summary() RatingSummary {
	out := RatingSummary{Count: s.Count}
	if s.Count == 0 {
		return out
	}
	n := float64(s.Count)
	o, t, v := float64(s.Outcome)/n, float64(s.Timeliness)/n, float64(s.Value)/n
	all := (o + t + v) / 3
	out.Outcome, out.Timeliness, out.Value, out.Overall = ptr(round2(o)), ptr(round2(t)), ptr(round2(v)), ptr(round2(all))
	return out
}

// AccountabilityFigures is the accountability view of a project in fen (see funds.Accountability).
type AccountabilityFigures struct {
	Raised  map[string]int64 `json:"raised"`
	Matched int64            `json:"matched"`
	Spent   int64            `json:"spent"`
	Left    int64            `json:"left"`
}

// RaisedTotal is what donors of every source gave, net of refunds.
func (f AccountabilityFigures) RaisedTotal() int64 {
	var t int64
	for _, v := range f.Raised {
		t += v // each is bounded by the ledger's bounds; five of them fit an int64
	}
	return t
}

// ProjectLinks are the ids of the records that fund and deliver a project.
type ProjectLinks struct {
	CampaignIDs []int64
	TaskIDs     []int64
	TenderIDs   []int64
}

// ProjectDeliveryView is what every project's JSON and page carry about steps 4–6.
type ProjectDeliveryView struct {
	CampaignIDs    []int64               `json:"campaign_ids"`
	TaskIDs        []int64               `json:"task_ids"`
	TenderIDs      []int64               `json:"tender_ids"`
	Rating         RatingSummary         `json:"rating"`
	Accountability AccountabilityFigures `json:"accountability"`
	PercentDone    int                   `json:"percent_done"`
	StartedAt      *time.Time            `json:"started_at"`
	CompletedAt    *time.Time            `json:"completed_at"`
	RatingEndsAt   *time.Time            `json:"rating_ends_at"`
}

// ProjectDeliveryStore persists delivery records, milestones, updates and ratings, and reads
// the links and ledger entries the accountability view sums.
type ProjectDeliveryStore interface {
	// FindDeliveries loads the delivery records of the given projects (missing ones are absent).
	FindDeliveries(ctx context.Context, projectIDs []int64) (map[int64]*ProjectDelivery, error)
	// SaveDelivery inserts or replaces a project's delivery record.
	SaveDelivery(ctx context.Context, d *ProjectDelivery) error
	// SetProjectStatus moves a project from one of from to to; false when it was in none of them.
	SetProjectStatus(ctx context.Context, id int64, from []string, to string, at time.Time) (bool, error)
	// DueEvaluations lists completed projects whose rating window closed by now, oldest first.
	DueEvaluations(ctx context.Context, now time.Time, limit int) ([]int64, error)

	CreateMilestone(ctx context.Context, m *ProjectMilestone) error
	UpdateMilestone(ctx context.Context, m *ProjectMilestone) error
	FindMilestones(ctx context.Context, projectID int64) ([]*ProjectMilestone, error)

	CreateProjectUpdate(ctx context.Context, u *ProjectUpdate) error
	// FindProjectUpdates lists a project's updates, newest first.
	FindProjectUpdates(ctx context.Context, projectID int64) ([]*ProjectUpdate, error)

	// SaveProjectRating inserts the rating or replaces the author's earlier one; it reports
	// whether the rating is new.
	SaveProjectRating(ctx context.Context, r *ProjectRating) (bool, error)
	FindProjectRating(ctx context.Context, projectID, authorID int64) (*ProjectRating, error)
	// ProjectRatingSums sums ratings per project.
	ProjectRatingSums(ctx context.Context, projectIDs []int64) (map[int64]RatingSums, error)
	// CommunityRatingSums sums the ratings of a community's projects per project.
	CommunityRatingSums(ctx context.Context, communityID int64) (map[int64]RatingSums, error)
	// OrganizationProjectRatings summarises, per organization, the ratings of the projects it
	// delivered: each rating counts once with the mean of its three criteria.
	OrganizationProjectRatings(ctx context.Context, orgIDs []int64) (map[int64]EvaluationStat, error)

	// FindProjectLinks loads the campaigns, tasks and tenders of the given projects.
	FindProjectLinks(ctx context.Context, projectIDs []int64) (map[int64]*ProjectLinks, error)
	// CampaignEntries loads every ledger entry on the given campaigns' accounts with its
	// transaction's kind.
	CampaignEntries(ctx context.Context, campaignIDs []int64) ([]CampaignEntry, error)
	// FindPaidDisbursements lists the paid disbursements of the given campaigns, oldest first.
	FindPaidDisbursements(ctx context.Context, campaignIDs []int64) ([]*Disbursement, error)
	// FindEvidenceOf loads the evidence (without file contents) of the given disbursements.
	FindEvidenceOf(ctx context.Context, disbursementIDs []int64) (map[int64][]*DisbursementEvidence, error)

	// UserNames returns users' display names by id (for masked bylines).
	UserNames(ctx context.Context, ids []int64) (map[int64]string, error)

	CreateNeedRating(ctx context.Context, r *NeedRating) error
	FindNeedRatings(ctx context.Context, needID int64) ([]*NeedRating, error)
}

// CampaignEntry is a ledger entry with the kind of its transaction.
type CampaignEntry struct {
	LedgerEntry
	Kind string
}

func jsonList(s string) []string {
	var out []string
	if s != "" {
		_ = json.Unmarshal([]byte(s), &out) // written by this package only
	}
	if out == nil {
		out = []string{}
	}
	return out
}

func jsonOf(xs []string) string {
	if xs == nil {
		xs = []string{}
	}
	b, _ := json.Marshal(xs) // a string list always marshals
	return string(b)
}

// deliverTarget is the target of delivery actions: the project's place with its delivering
// organization, so members of that organization (and workers of the place) may report.
func deliverTarget(pr *Project, t Target) Target {
	t = projectTarget(pr, t)
	if pr.OrganizationID != nil {
		t.OrganizationID = *pr.OrganizationID
	}
	return t
}

// residentTarget is the project's community as a target for residents: a resident registered
// in one of the community's grids counts as a resident of the community (the grid comes from
// the grid record, never from the request).
func (a *App) residentTarget(ctx context.Context, p *Principal, communityID int64) (Target, error) {
	t, err := a.communityTarget(ctx, communityID)
	if err != nil || !p.Authenticated() {
		return t, err
	}
	for _, m := range p.Memberships {
		if m.Role != RoleResident || m.GridID == nil || m.CommunityID != nil {
			continue
		}
		g, err := a.store.FindGrid(ctx, *m.GridID)
		if IsCode(err, ENOTFOUND) {
			continue
		} else if err != nil {
			return t, fmt.Errorf("resident grid %d: %w", *m.GridID, err)
		}
		if g.CommunityID == communityID {
			t.GridID = g.ID
			return t, nil
		}
	}
	return t, nil
}

// delivery returns a project's delivery record, a fresh one when it has none yet.
func (a *App) delivery(ctx context.Context, projectID int64) (*ProjectDelivery, error) {
	ds, err := a.store.FindDeliveries(ctx, []int64{projectID})
	if err != nil {
		return nil, fmt.Errorf("project %d delivery: %w", projectID, err)
	}
	if d := ds[projectID]; d != nil {
		return d, nil
	}
	return &ProjectDelivery{ProjectID: projectID, CompletionEvidence: "[]"}, nil
}

// startProject moves an approved project to in_progress (the first link or update) and records
// the start; it runs inside the caller's transaction. A project already under way is left as is.
func (a *App) startProject(ctx context.Context, pr *Project, cause string) error {
	if pr.Status != ProjectApproved {
		return nil
	}
	now := a.Now()
	ok, err := a.store.SetProjectStatus(ctx, pr.ID, []string{ProjectApproved}, ProjectInProgress, now)
	if err != nil || !ok {
		return err
	}
	pr.Status, pr.UpdatedAt = ProjectInProgress, now
	d, err := a.delivery(ctx, pr.ID)
	if err != nil {
		return err
	}
	if d.StartedAt == nil {
		d.StartedAt = &now
	}
	d.UpdatedAt = now
	if err := a.store.SaveDelivery(ctx, d); err != nil {
		return err
	}
	return a.audit(ctx, "project.started", "project", pr.ID, pr.CommunityID, map[string]any{"cause": cause})
}

// linkProject checks that work of the given kind may be linked to the project of a record in
// communityID (same community, approved or in progress) and returns the project. It adds field
// errors to fe under field; the record's community comes from the record, never the body.
func (a *App) linkProject(ctx context.Context, fe FieldErrors, field string, projectID int64, communityIDs ...int64) (*Project, error) {
	pr, err := a.store.FindProject(ctx, projectID)
	if IsCode(err, ENOTFOUND) {
		fe.Add(field, "error.unknown_ref")
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("link project %d: %w", projectID, err)
	}
	if !deliverable(pr.Status) {
		fe.Add(field, "projects.error.not_deliverable")
		return nil, nil
	}
	if len(communityIDs) > 0 && !slices.Contains(communityIDs, pr.CommunityID) {
		fe.Add(field, "projects.error.other_community")
		return nil, nil
	}
	return pr, nil
}

// linked records a campaign, task or tender linked to a project and starts the project; it
// runs inside the caller's transaction.
func (a *App) linked(ctx context.Context, pr *Project, kind string, id int64) error {
	if err := a.audit(ctx, "project.linked", "project", pr.ID, pr.CommunityID, map[string]any{"kind": kind, "id": id}); err != nil {
		return err
	}
	return a.startProject(ctx, pr, kind)
}

// attachDelivery fills the delivery view of each project in one batch of queries (no query
// per project), settling first any completed project whose rating window has closed.
func (a *App) attachDelivery(ctx context.Context, views []*ProjectView) error {
	if len(views) == 0 {
		return nil
	}
	ids := make([]int64, len(views))
	for i, v := range views {
		ids[i] = v.ID
	}
	ds, err := a.store.FindDeliveries(ctx, ids)
	if err != nil {
		return fmt.Errorf("project deliveries: %w", err)
	}
	now := a.Now()
	for _, v := range views {
		if d := ds[v.ID]; d != nil && v.Status == ProjectCompleted && d.RatingEndsAt != nil && !now.Before(*d.RatingEndsAt) {
			if err := a.settleEvaluation(ctx, v.Project, d); err != nil {
				return err
			}
		}
	}
	links, err := a.store.FindProjectLinks(ctx, ids)
	if err != nil {
		return fmt.Errorf("project links: %w", err)
	}
	sums, err := a.store.ProjectRatingSums(ctx, ids)
	if err != nil {
		return fmt.Errorf("project ratings: %w", err)
	}
	money, err := a.projectsAccountability(ctx, links)
	if err != nil {
		return err
	}
	for _, v := range views {
		l := links[v.ID]
		if l == nil {
			l = &ProjectLinks{}
		}
		acc, ok := money[v.ID]
		if !ok {
			acc = AccountabilityFigures{Raised: map[string]int64{}}
			for _, k := range []funds.SourceKind{funds.SourceResident, funds.SourceMerchant, funds.SourceUnit, funds.SourceFoundation, funds.SourceSocialOrg} {
				acc.Raised[string(k)] = 0
			}
		}
		dv := &ProjectDeliveryView{CampaignIDs: nonNil(l.CampaignIDs), TaskIDs: nonNil(l.TaskIDs), TenderIDs: nonNil(l.TenderIDs),
			Rating: sums[v.ID].Summary(), Accountability: acc}
		if d := ds[v.ID]; d != nil {
			dv.PercentDone, dv.StartedAt, dv.CompletedAt, dv.RatingEndsAt = d.PercentDone, d.StartedAt, d.CompletedAt, d.RatingEndsAt
		}
		v.Delivery = dv
	}
	return nil
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// settleEvaluation closes the rating window of a completed project: the status becomes
// evaluated with a project.evaluated audit event, once (a conditional update), whoever reads
// or sweeps first.
func (a *App) settleEvaluation(ctx context.Context, pr *Project, d *ProjectDelivery) error {
	return a.store.InTx(ctx, func(ctx context.Context) error {
		now := a.Now()
		ok, err := a.store.SetProjectStatus(ctx, pr.ID, []string{ProjectCompleted}, ProjectEvaluated, now)
		if err != nil {
			return fmt.Errorf("evaluate project %d: %w", pr.ID, err)
		}
		pr.Status = ProjectEvaluated
		if !ok {
			return nil
		}
		d.EvaluatedAt, d.UpdatedAt = &now, now
		if err := a.store.SaveDelivery(ctx, d); err != nil {
			return err
		}
		sums, err := a.store.ProjectRatingSums(ctx, []int64{pr.ID})
		if err != nil {
			return err
		}
		s := sums[pr.ID].Summary()
		return a.audit(ctx, "project.evaluated", "project", pr.ID, pr.CommunityID, map[string]any{"count": s.Count, "overall": s.Overall})
	})
}

// EvaluateDueProjects closes the rating windows that have ended (the sweep `serve` runs and
// `wushe projects evaluate` offers); it returns how many projects became evaluated.
func (a *App) EvaluateDueProjects(ctx context.Context) (int, error) {
	n := 0
	for {
		ids, err := a.store.DueEvaluations(ctx, a.Now(), 100)
		if err != nil {
			return n, fmt.Errorf("due evaluations: %w", err)
		}
		if len(ids) == 0 {
			return n, nil
		}
		for _, id := range ids {
			pr, err := a.store.FindProject(ctx, id)
			if err != nil {
				return n, err
			}
			d, err := a.delivery(ctx, id)
			if err != nil {
				return n, err
			}
			if err := a.settleEvaluation(ctx, pr, d); err != nil {
				return n, err
			}
			n++
		}
	}
}
