package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/wushe/wushe/app"
)

// projectCounters are the counter columns of projects; only IncrementProjectCounter and
// DecrementProjectCounter write them.
var projectCounters = []string{string(app.CounterSupports), string(app.CounterYes), string(app.CounterNo), string(app.CounterAbstain)}

// FindProjectForUpdate loads a project, locking its row on PostgreSQL until the transaction ends.
func (s *Store) FindProjectForUpdate(ctx context.Context, id int64) (*app.Project, error) {
	var p app.Project
	if err := s.forUpdate(s.db(ctx)).First(&p, id).Error; err != nil {
		return nil, translate(err, "project")
	}
	return &p, nil
}

// IncrementProjectCounter adds one to a counter column in a single UPDATE, so concurrent
// supports and votes never lose a count.
func (s *Store) IncrementProjectCounter(ctx context.Context, projectID int64, c app.ProjectCounter) error {
	col := string(c)
	valid := false
	for _, k := range projectCounters {
		valid = valid || k == col
	}
	if !valid {
		return fmt.Errorf("increment project %d: unknown counter %q", projectID, col)
	}
	res := s.db(ctx).Model(&app.Project{}).Where("id = ?", projectID).UpdateColumn(col, gorm.Expr(col+" + 1"))
	if res.Error != nil {
		return translate(res.Error, "project")
	}
	if res.RowsAffected == 0 {
		return app.NotFound("project")
	}
	return nil
}

// FindProjectsToLapse lists deliberating projects past their deadline below their threshold.
func (s *Store) FindProjectsToLapse(ctx context.Context, now time.Time, limit int) ([]*app.Project, error) {
	out := []*app.Project{}
	err := s.rdb(ctx).Where("status = ? AND deliberation_ends_at <= ? AND supports_count < support_threshold", app.ProjectDeliberating, now.UTC()).
		Order("deliberation_ends_at, id").Limit(limit).Find(&out).Error
	return out, translate(err, "project")
}

// FindProjectSettings loads the stored settings of the given communities.
func (s *Store) FindProjectSettings(ctx context.Context, communityIDs []int64) ([]*app.ProjectSettings, error) {
	out := []*app.ProjectSettings{}
	err := s.rdb(ctx).Where("community_id IN ?", communityIDs).Find(&out).Error
	return out, translate(err, "project_settings")
}

// SaveProjectSettings inserts or replaces a community's settings.
func (s *Store) SaveProjectSettings(ctx context.Context, st *app.ProjectSettings) error {
	err := s.db(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "community_id"}}, UpdateAll: true}).Create(st).Error
	return translate(err, "project_settings")
}

// CreateProjectSupport inserts a support; a second one of the same user is ECONFLICT.
func (s *Store) CreateProjectSupport(ctx context.Context, sp *app.ProjectSupport) error {
	return translate(s.db(ctx).Create(sp).Error, "project_support")
}

// HasProjectSupport reports whether a user supports a project.
func (s *Store) HasProjectSupport(ctx context.Context, projectID, userID int64) (bool, error) {
	var n int64
	err := s.rdb(ctx).Model(&app.ProjectSupport{}).Where("project_id = ? AND user_id = ?", projectID, userID).Limit(1).Count(&n).Error
	return n > 0, translate(err, "project_support")
}

// DeleteProjectSupport removes a user's support of a project and reports whether there was one.
func (s *Store) DeleteProjectSupport(ctx context.Context, projectID, userID int64) (bool, error) {
	res := s.db(ctx).Where("project_id = ? AND user_id = ?", projectID, userID).Delete(&app.ProjectSupport{})
	return res.RowsAffected > 0, translate(res.Error, "project_support")
}

// DecrementProjectCounter takes one from a counter column of a project, never below zero.
func (s *Store) DecrementProjectCounter(ctx context.Context, projectID int64, c app.ProjectCounter) error {
	col := string(c)
	if !slices.Contains(projectCounters, col) {
		return fmt.Errorf("decrement project %d: unknown counter %q", projectID, col)
	}
	res := s.db(ctx).Model(&app.Project{}).Where("id = ? AND "+col+" > 0", projectID).UpdateColumn(col, gorm.Expr(col+" - 1"))
	if res.Error != nil {
		return translate(res.Error, "project")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("decrement project %d %s: no such project or already zero", projectID, col)
	}
	return nil
}

// CreateProjectComment inserts a comment.
func (s *Store) CreateProjectComment(ctx context.Context, c *app.ProjectComment) error {
	return translate(s.db(ctx).Create(c).Error, "project_comment")
}

// UpdateProjectComment writes a comment (hiding it).
func (s *Store) UpdateProjectComment(ctx context.Context, c *app.ProjectComment) error {
	return updateAll(s.db(ctx), c, "project_comment")
}

// FindProjectComment loads a comment.
func (s *Store) FindProjectComment(ctx context.Context, id int64) (*app.ProjectComment, error) {
	var c app.ProjectComment
	if err := s.rdb(ctx).First(&c, id).Error; err != nil {
		return nil, translate(err, "project_comment")
	}
	return &c, nil
}

// FindProjectComments lists a project's comments, oldest first.
func (s *Store) FindProjectComments(ctx context.Context, projectID int64) ([]*app.ProjectComment, error) {
	out := []*app.ProjectComment{}
	err := s.rdb(ctx).Where("project_id = ?", projectID).Order("id").Find(&out).Error
	return out, translate(err, "project_comment")
}

// CreateProjectRevision inserts a revision.
func (s *Store) CreateProjectRevision(ctx context.Context, r *app.ProjectRevision) error {
	return translate(s.db(ctx).Create(r).Error, "project_revision")
}

// FindProjectRevisions lists a project's revisions, newest first.
func (s *Store) FindProjectRevisions(ctx context.Context, projectID int64) ([]*app.ProjectRevision, error) {
	out := []*app.ProjectRevision{}
	err := s.rdb(ctx).Where("project_id = ?", projectID).Order("revision DESC").Find(&out).Error
	return out, translate(err, "project_revision")
}

// CreateProjectVote inserts a vote; a second one of the same user is ECONFLICT.
func (s *Store) CreateProjectVote(ctx context.Context, v *app.ProjectVote) error {
	return translate(s.db(ctx).Create(v).Error, "project_vote")
}

// FindProjectVote loads a user's vote on a project (ENOTFOUND if none).
func (s *Store) FindProjectVote(ctx context.Context, projectID, userID int64) (*app.ProjectVote, error) {
	var v app.ProjectVote
	if err := s.rdb(ctx).Where("project_id = ? AND user_id = ?", projectID, userID).Take(&v).Error; err != nil {
		return nil, translate(err, "project_vote")
	}
	return &v, nil
}

// CreatePaperBallot inserts a paper ballot; a second pending one for the voter is ECONFLICT.
func (s *Store) CreatePaperBallot(ctx context.Context, b *app.PaperBallot) error {
	return translate(s.db(ctx).Create(b).Error, "paper_ballot")
}

// UpdatePaperBallot writes a paper ballot.
func (s *Store) UpdatePaperBallot(ctx context.Context, b *app.PaperBallot) error {
	return updateAll(s.db(ctx), b, "paper_ballot")
}

// FindPaperBallot loads a paper ballot.
func (s *Store) FindPaperBallot(ctx context.Context, id int64) (*app.PaperBallot, error) {
	var b app.PaperBallot
	if err := s.rdb(ctx).First(&b, id).Error; err != nil {
		return nil, translate(err, "paper_ballot")
	}
	return &b, nil
}

// FindPaperBallots lists a project's paper ballots in a status ("" for all), oldest first.
func (s *Store) FindPaperBallots(ctx context.Context, projectID int64, status string) ([]*app.PaperBallot, error) {
	out := []*app.PaperBallot{}
	db := s.rdb(ctx).Where("project_id = ?", projectID)
	if status != "" {
		db = db.Where("status = ?", status)
	}
	return out, translate(db.Order("id").Find(&out).Error, "paper_ballot")
}

// CreateMeeting inserts a meeting and its agenda.
func (s *Store) CreateMeeting(ctx context.Context, m *app.ProjectMeeting, projectIDs []int64) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.db(ctx).Create(m).Error; err != nil {
			return translate(err, "meeting")
		}
		for i, pid := range projectIDs {
			if err := s.db(ctx).Exec("INSERT INTO project_meeting_items (meeting_id, project_id, position) VALUES (?, ?, ?)", m.ID, pid, i).Error; err != nil {
				return translate(err, "meeting")
			}
		}
		return nil
	})
}

// UpdateMeeting writes a meeting.
func (s *Store) UpdateMeeting(ctx context.Context, m *app.ProjectMeeting) error {
	return updateAll(s.db(ctx), m, "meeting")
}

// FindMeeting loads a meeting.
func (s *Store) FindMeeting(ctx context.Context, id int64) (*app.ProjectMeeting, error) {
	var m app.ProjectMeeting
	if err := s.rdb(ctx).First(&m, id).Error; err != nil {
		return nil, translate(err, "meeting")
	}
	return &m, nil
}

// FindMeetings lists meetings, latest first.
func (s *Store) FindMeetings(ctx context.Context, f app.MeetingFilter) ([]*app.ProjectMeeting, int, error) {
	scope := func(db *gorm.DB) *gorm.DB {
		if f.CommunityID != nil {
			db = db.Where("community_id = ?", *f.CommunityID)
		}
		return db
	}
	return findPage[app.ProjectMeeting](ctx, s.rdb, scope, "starts_at DESC, id DESC", f.Page, "meeting")
}

// FindMeetingProjectIDs lists the projects on a meeting's agenda, in order.
func (s *Store) FindMeetingProjectIDs(ctx context.Context, meetingID int64) ([]int64, error) {
	var ids []int64
	err := s.rdb(ctx).Table("project_meeting_items").Where("meeting_id = ?", meetingID).Order("position").Pluck("project_id", &ids).Error
	return ids, translate(err, "meeting")
}

// FindProjectMeetings lists the meetings that have a project on their agenda, latest first.
func (s *Store) FindProjectMeetings(ctx context.Context, projectID int64) ([]*app.ProjectMeeting, error) {
	out := []*app.ProjectMeeting{}
	err := s.rdb(ctx).Where("id IN (SELECT meeting_id FROM project_meeting_items WHERE project_id = ?)", projectID).
		Order("starts_at DESC, id DESC").Find(&out).Error
	return out, translate(err, "meeting")
}

// CreateMeetingAttendee inserts an attendee; the same resident twice is ECONFLICT.
func (s *Store) CreateMeetingAttendee(ctx context.Context, at *app.MeetingAttendee) error {
	return translate(s.db(ctx).Create(at).Error, "meeting_attendee")
}

// FindMeetingAttendees lists a meeting's attendees in the order recorded.
func (s *Store) FindMeetingAttendees(ctx context.Context, meetingID int64) ([]*app.MeetingAttendee, error) {
	out := []*app.MeetingAttendee{}
	err := s.rdb(ctx).Where("meeting_id = ?", meetingID).Order("id").Find(&out).Error
	return out, translate(err, "meeting_attendee")
}

// FindCommunityResidents lists users with a resident membership in the community or one of
// its grids, by name.
func (s *Store) FindCommunityResidents(ctx context.Context, communityID int64, limit int) ([]*app.User, error) {
	out := []*app.User{}
	err := s.rdb(ctx).Where(`id IN (SELECT m.user_id FROM memberships m LEFT JOIN grids g ON g.id = m.grid_id
		WHERE m.role = ? AND (m.community_id = ? OR g.community_id = ?))`, app.RoleResident, communityID, communityID).
		Order("name, id").Limit(limit).Find(&out).Error
	return out, translate(err, "user")
}
