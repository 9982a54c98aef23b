package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
	"github.com/wushe/wushe/search"
)

// FindDeliveries loads the delivery records of the given projects.
func (s *Store) FindDeliveries(ctx context.Context, projectIDs []int64) (map[int64]*app.ProjectDelivery, error) {
	out := map[int64]*app.ProjectDelivery{}
	if len(projectIDs) == 0 {
		return out, nil
	}
	var rows []*app.ProjectDelivery
	if err := s.rdb(ctx).Where("project_id IN ?", projectIDs).Find(&rows).Error; err != nil {
		return nil, translate(err, "project delivery")
	}
	for _, r := range rows {
		out[r.ProjectID] = r
	}
	return out, nil
}

// SaveDelivery inserts or replaces a project's delivery record.
func (s *Store) SaveDelivery(ctx context.Context, d *app.ProjectDelivery) error {
	err := s.db(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "project_id"}}, UpdateAll: true}).Create(d).Error
	return translate(err, "project delivery")
}

// SetProjectStatus moves a project from one of from to to with one conditional update, so two
// processes never both make the same move; the search index learns of the change.
func (s *Store) SetProjectStatus(ctx context.Context, id int64, from []string, to string, at time.Time) (bool, error) {
	var n int64
	err := s.withSearch(ctx, search.TypeProject, func(ctx context.Context) error {
		res := s.db(ctx).Model(&app.Project{}).Where("id = ? AND status IN ?", id, from).
			Updates(map[string]any{"status": to, "updated_at": at})
		n = res.RowsAffected
		return translate(res.Error, "project")
	}, func() int64 { return id })
	return n == 1, err
}

// DueEvaluations lists completed projects whose rating window closed by now.
func (s *Store) DueEvaluations(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := s.rdb(ctx).Table("project_deliveries d").Joins("JOIN projects p ON p.id = d.project_id").
		Where("p.status = ? AND d.evaluated_at IS NULL AND d.rating_ends_at <= ?", app.ProjectCompleted, now).
		Order("d.rating_ends_at, d.project_id").Limit(limit).Pluck("d.project_id", &ids).Error
	return ids, translate(err, "project delivery")
}

// CreateMilestone inserts a milestone.
func (s *Store) CreateMilestone(ctx context.Context, m *app.ProjectMilestone) error {
	return translate(s.db(ctx).Create(m).Error, "milestone")
}

// UpdateMilestone writes every field of a milestone.
func (s *Store) UpdateMilestone(ctx context.Context, m *app.ProjectMilestone) error {
	return updateAll(s.db(ctx), m, "milestone")
}

// FindMilestones lists a project's milestones by due date.
func (s *Store) FindMilestones(ctx context.Context, projectID int64) ([]*app.ProjectMilestone, error) {
	out := []*app.ProjectMilestone{}
	err := s.rdb(ctx).Where("project_id = ?", projectID).Order("due_on, id").Find(&out).Error
	return out, translate(err, "milestone")
}

// CreateProjectUpdate inserts an update.
func (s *Store) CreateProjectUpdate(ctx context.Context, u *app.ProjectUpdate) error {
	return translate(s.db(ctx).Create(u).Error, "project update")
}

// FindProjectUpdates lists a project's updates, newest first.
func (s *Store) FindProjectUpdates(ctx context.Context, projectID int64) ([]*app.ProjectUpdate, error) {
	out := []*app.ProjectUpdate{}
	err := s.rdb(ctx).Where("project_id = ?", projectID).Order("id DESC").Find(&out).Error
	return out, translate(err, "project update")
}

// SaveProjectRating inserts a rating, or replaces the author's earlier rating of the project
// (keeping its id and creation time). It reports whether the rating is new.
func (s *Store) SaveProjectRating(ctx context.Context, r *app.ProjectRating) (bool, error) {
	created := false
	err := s.InTx(ctx, func(ctx context.Context) error {
		var old app.ProjectRating
		err := s.db(ctx).Where("project_id = ? AND author_id = ?", r.ProjectID, r.AuthorID).First(&old).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			created = true
			return translate(s.db(ctx).Create(r).Error, "project rating")
		case err != nil:
			return translate(err, "project rating")
		}
		r.ID, r.CreatedAt = old.ID, old.CreatedAt
		return translate(s.db(ctx).Model(&app.ProjectRating{}).Where("id = ?", old.ID).Updates(map[string]any{
			"outcome": r.Outcome, "timeliness": r.Timeliness, "value": r.Value, "comment": r.Comment, "updated_at": r.UpdatedAt,
		}).Error, "project rating")
	})
	return created, err
}

// FindProjectRating loads one author's rating of a project.
func (s *Store) FindProjectRating(ctx context.Context, projectID, authorID int64) (*app.ProjectRating, error) {
	var r app.ProjectRating
	if err := s.rdb(ctx).Where("project_id = ? AND author_id = ?", projectID, authorID).First(&r).Error; err != nil {
		return nil, translate(err, "project rating")
	}
	return &r, nil
}

type ratingSumRow struct {
	ProjectID                   int64
	N                           int
	Outcome, Timeliness, Amount int64
}

func (s *Store) ratingSums(db *gorm.DB) (map[int64]app.RatingSums, error) {
	var rows []ratingSumRow
	err := db.Model(&app.ProjectRating{}).
		Select("project_id, COUNT(*) AS n, SUM(outcome) AS outcome, SUM(timeliness) AS timeliness, SUM(value) AS amount").
		Group("project_id").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "project rating")
	}
	out := make(map[int64]app.RatingSums, len(rows))
	for _, r := range rows {
		out[r.ProjectID] = app.RatingSums{Count: r.N, Outcome: r.Outcome, Timeliness: r.Timeliness, Value: r.Amount}
	}
	return out, nil
}

// ProjectRatingSums sums ratings per project.
func (s *Store) ProjectRatingSums(ctx context.Context, projectIDs []int64) (map[int64]app.RatingSums, error) {
	if len(projectIDs) == 0 {
		return map[int64]app.RatingSums{}, nil
	}
	return s.ratingSums(s.rdb(ctx).Where("project_id IN ?", projectIDs))
}

// CommunityRatingSums sums the ratings of a community's projects per project.
func (s *Store) CommunityRatingSums(ctx context.Context, communityID int64) (map[int64]app.RatingSums, error) {
	return s.ratingSums(s.rdb(ctx).Where("community_id = ?", communityID))
}

// OrganizationProjectRatings summarises per organization the ratings of the projects it
// delivered, each rating counted once with the mean of its three criteria.
func (s *Store) OrganizationProjectRatings(ctx context.Context, orgIDs []int64) (map[int64]app.EvaluationStat, error) {
	out := map[int64]app.EvaluationStat{}
	var rows []struct {
		OrganizationID int64
		N              int
		Total          int64
	}
	db := s.rdb(ctx).Table("project_ratings r").Joins("JOIN projects p ON p.id = r.project_id").
		Select("p.organization_id AS organization_id, COUNT(*) AS n, SUM(r.outcome + r.timeliness + r.value) AS total").
		Where("p.organization_id IS NOT NULL")
	if orgIDs != nil {
		if len(orgIDs) == 0 {
			return out, nil
		}
		db = db.Where("p.organization_id IN ?", orgIDs)
	}
	if err := db.Group("p.organization_id").Scan(&rows).Error; err != nil {
		return nil, translate(err, "project rating")
	}
	for _, r := range rows {
		out[r.OrganizationID] = app.EvaluationStat{Count: r.N, Mean: float64(r.Total) / float64(3*r.N)}
	}
	return out, nil
}

// FindProjectLinks loads the campaigns, tasks and tenders of the given projects, in one query.
func (s *Store) FindProjectLinks(ctx context.Context, projectIDs []int64) (map[int64]*app.ProjectLinks, error) {
	out := map[int64]*app.ProjectLinks{}
	if len(projectIDs) == 0 {
		return out, nil
	}
	get := func(id int64) *app.ProjectLinks {
		if out[id] == nil {
			out[id] = &app.ProjectLinks{}
		}
		return out[id]
	}
	// One round trip for the three tables: every project list and page asks.
	var rows []struct {
		Kind          string
		ID, ProjectID int64
	}
	err := s.rdb(ctx).Raw(`SELECT 'campaign' AS kind, id, project_id FROM campaigns WHERE project_id IN ?
		UNION ALL SELECT 'task', id, project_id FROM tasks WHERE project_id IN ?
		UNION ALL SELECT 'tender', id, project_id FROM tenders WHERE project_id IN ?
		ORDER BY kind, id`, projectIDs, projectIDs, projectIDs).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "project link")
	}
	for _, r := range rows {
		l := get(r.ProjectID)
		switch r.Kind {
		case "campaign":
			l.CampaignIDs = append(l.CampaignIDs, r.ID)
		case "task":
			l.TaskIDs = append(l.TaskIDs, r.ID)
		case "tender":
			l.TenderIDs = append(l.TenderIDs, r.ID)
		}
	}
	return out, nil
}

// CampaignEntries loads every ledger entry on the given campaigns' accounts with its
// transaction's kind, in posting order.
func (s *Store) CampaignEntries(ctx context.Context, campaignIDs []int64) ([]app.CampaignEntry, error) {
	out := []app.CampaignEntry{}
	if len(campaignIDs) == 0 {
		return out, nil
	}
	err := s.rdb(ctx).Table("ledger_entries e").Joins("JOIN ledger_transactions t ON t.id = e.transaction_id").
		Select("e.*, t.kind AS kind").Where("e.campaign_id IN ?", campaignIDs).Order("e.id").Scan(&out).Error
	return out, translate(err, "ledger entry")
}

// FindPaidDisbursements lists the paid disbursements of the given campaigns, oldest first.
func (s *Store) FindPaidDisbursements(ctx context.Context, campaignIDs []int64) ([]*app.Disbursement, error) {
	out := []*app.Disbursement{}
	if len(campaignIDs) == 0 {
		return out, nil
	}
	err := s.rdb(ctx).Where("campaign_id IN ? AND status = ?", campaignIDs, string(funds.DisbursementStatusPaid)).Order("paid_at, id").Find(&out).Error
	return out, translate(err, "disbursement")
}

// FindEvidenceOf loads the evidence (without file contents) of the given disbursements.
func (s *Store) FindEvidenceOf(ctx context.Context, disbursementIDs []int64) (map[int64][]*app.DisbursementEvidence, error) {
	out := map[int64][]*app.DisbursementEvidence{}
	if len(disbursementIDs) == 0 {
		return out, nil
	}
	var rows []*app.DisbursementEvidence
	if err := s.rdb(ctx).Omit("data").Where("disbursement_id IN ?", disbursementIDs).Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err, "evidence")
	}
	for _, r := range rows {
		out[r.DisbursementID] = append(out[r.DisbursementID], r)
	}
	return out, nil
}

// UserNames returns users' display names by id.
func (s *Store) UserNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   int64
		Name string
	}
	if err := s.rdb(ctx).Model(&app.User{}).Select("id, name").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, translate(err, "user")
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// CreateNeedRating inserts a need rating; a second rating of the same resolution is a conflict.
func (s *Store) CreateNeedRating(ctx context.Context, r *app.NeedRating) error {
	return translate(s.db(ctx).Create(r).Error, "need rating")
}

// FindNeedRatings lists a need's ratings, newest first.
func (s *Store) FindNeedRatings(ctx context.Context, needID int64) ([]*app.NeedRating, error) {
	out := []*app.NeedRating{}
	err := s.rdb(ctx).Where("need_id = ?", needID).Order("id DESC").Find(&out).Error
	return out, translate(err, "need rating")
}
