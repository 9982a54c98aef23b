package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/wushe/wushe/app"
)

var taskSkills = joinList[string]{"task_skills", "task_id", "skill"}

// CreateTask inserts a task with its skills.
func (s *Store) CreateTask(ctx context.Context, t *app.Task) error {
	return s.withLists(ctx, "task", func(db *gorm.DB) error { return db.Create(t).Error }, func(db *gorm.DB) error {
		return taskSkills.replace(db, t.ID, t.Skills)
	})
}

// UpdateTask writes a task and its skills.
func (s *Store) UpdateTask(ctx context.Context, t *app.Task) error {
	return s.withLists(ctx, "task", func(db *gorm.DB) error { return updateAll(db, t, "task") }, func(db *gorm.DB) error {
		return taskSkills.replace(db, t.ID, t.Skills)
	})
}

func (s *Store) loadTaskLists(db *gorm.DB, ts []*app.Task) error {
	sk, err := taskSkills.load(db, ids(ts, func(t *app.Task) int64 { return t.ID }))
	if err != nil {
		return err
	}
	for _, t := range ts {
		t.Skills = orEmpty(sk[t.ID])
	}
	return nil
}

// FindTask loads a task by id.
func (s *Store) FindTask(ctx context.Context, id int64) (*app.Task, error) {
	var t app.Task
	if err := s.rdb(ctx).First(&t, id).Error; err != nil {
		return nil, translate(err, "task")
	}
	return &t, translate(s.loadTaskLists(s.rdb(ctx), []*app.Task{&t}), "task")
}

// FindTasks lists tasks, newest first.
func (s *Store) FindTasks(ctx context.Context, f app.TaskFilter) ([]*app.Task, int, error) {
	scope := func(db *gorm.DB) *gorm.DB {
		if f.CommunityID != nil {
			db = db.Where("community_id = ?", *f.CommunityID)
		}
		if f.NeedID != nil {
			db = db.Where("need_id = ?", *f.NeedID)
		}
		if f.ProjectID != nil {
			db = db.Where("project_id = ?", *f.ProjectID)
		}
		if len(f.Statuses) > 0 {
			db = db.Where("status IN ?", f.Statuses)
		}
		if len(f.IDs) > 0 {
			db = db.Where("id IN ?", f.IDs)
		}
		if f.Q != "" {
			db = db.Where(`LOWER(title) LIKE ? ESCAPE '\'`, like(f.Q))
		}
		return db
	}
	out, total, err := findPage[app.Task](ctx, s.rdb, scope, "created_at DESC, id DESC", f.Page, "task")
	if err != nil {
		return nil, 0, err
	}
	return out, total, translate(s.loadTaskLists(s.rdb(ctx), out), "task")
}

// CreateShifts inserts shifts in one statement.
func (s *Store) CreateShifts(ctx context.Context, ss []*app.Shift) error {
	if len(ss) == 0 {
		return nil
	}
	return translate(s.db(ctx).Create(ss).Error, "shift")
}

// FindShift loads a shift by id.
func (s *Store) FindShift(ctx context.Context, id int64) (*app.Shift, error) {
	var sh app.Shift
	if err := s.rdb(ctx).First(&sh, id).Error; err != nil {
		return nil, translate(err, "shift")
	}
	return &sh, nil
}

// FindShifts lists shifts by start time.
func (s *Store) FindShifts(ctx context.Context, f app.ShiftFilter) ([]*app.Shift, error) {
	db := s.rdb(ctx).Model(&app.Shift{})
	if len(f.TaskIDs) > 0 {
		db = db.Where("task_id IN ?", f.TaskIDs)
	}
	if len(f.IDs) > 0 {
		db = db.Where("id IN ?", f.IDs)
	}
	if f.CommunityID != nil || f.OpenTasks {
		sub := s.rdb(ctx).Model(&app.Task{}).Select("id")
		if f.CommunityID != nil {
			sub = sub.Where("community_id = ?", *f.CommunityID)
		}
		if f.OpenTasks {
			sub = sub.Where("status = ?", app.TaskOpen)
		}
		db = db.Where("task_id IN (?)", sub)
	}
	if f.From != nil {
		db = db.Where("starts_at >= ?", *f.From)
	}
	if f.To != nil {
		db = db.Where("starts_at < ?", *f.To)
	}
	out := []*app.Shift{}
	return out, translate(db.Order("starts_at, id").Find(&out).Error, "shift")
}

// SetShiftCapacity sets the capacity of the shifts with the given ids.
func (s *Store) SetShiftCapacity(ctx context.Context, ids []int64, capacity int) error {
	if len(ids) == 0 {
		return nil
	}
	return translate(s.db(ctx).Model(&app.Shift{}).Where("id IN ?", ids).Update("capacity", capacity).Error, "shift")
}

// CreateSignup inserts a sign-up.
func (s *Store) CreateSignup(ctx context.Context, su *app.Signup) error {
	return translate(s.db(ctx).Create(su).Error, "signup")
}

// UpdateSignup writes every field of a sign-up.
func (s *Store) UpdateSignup(ctx context.Context, su *app.Signup) error {
	return updateAll(s.db(ctx), su, "signup")
}

// FindSignup loads a sign-up by id.
func (s *Store) FindSignup(ctx context.Context, id int64) (*app.Signup, error) {
	var su app.Signup
	if err := s.rdb(ctx).First(&su, id).Error; err != nil {
		return nil, translate(err, "signup")
	}
	return &su, nil
}

// FindSignups lists sign-ups in creation order.
func (s *Store) FindSignups(ctx context.Context, f app.SignupFilter) ([]*app.Signup, error) {
	db := s.rdb(ctx).Model(&app.Signup{})
	if len(f.ShiftIDs) > 0 {
		db = db.Where("shift_id IN ?", f.ShiftIDs)
	}
	if f.TaskID != nil {
		db = db.Where("task_id = ?", *f.TaskID)
	}
	if f.VolunteerID != nil {
		db = db.Where("volunteer_id = ?", *f.VolunteerID)
	}
	if len(f.Statuses) > 0 {
		db = db.Where("status IN ?", f.Statuses)
	}
	out := []*app.Signup{}
	return out, translate(db.Order("id").Find(&out).Error, "signup")
}

// ActiveSignupCounts counts sign-ups holding a place per shift.
func (s *Store) ActiveSignupCounts(ctx context.Context, shiftIDs []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(shiftIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ShiftID int64
		N       int
	}
	err := s.rdb(ctx).Model(&app.Signup{}).Select("shift_id, COUNT(*) AS n").
		Where("shift_id IN ? AND status IN ?", shiftIDs, []string{app.SignupInvited, app.SignupSignedUp, app.SignupAttended}).
		Group("shift_id").Scan(&rows).Error
	for _, r := range rows {
		out[r.ShiftID] = r.N
	}
	return out, translate(err, "signup")
}

// ShowStats counts attended and no-show sign-ups per volunteer.
func (s *Store) ShowStats(ctx context.Context, volunteerIDs []int64) (map[int64]app.ShowStat, error) {
	out := map[int64]app.ShowStat{}
	var rows []struct {
		VolunteerID int64
		Status      string
		N           int
	}
	db := s.rdb(ctx).Model(&app.Signup{}).Select("volunteer_id, status, COUNT(*) AS n").
		Where("status IN ?", []string{app.SignupAttended, app.SignupNoShow})
	if volunteerIDs != nil {
		if len(volunteerIDs) == 0 {
			return out, nil
		}
		db = db.Where("volunteer_id IN ?", volunteerIDs)
	}
	if err := db.Group("volunteer_id, status").Scan(&rows).Error; err != nil {
		return nil, translate(err, "signup")
	}
	for _, r := range rows {
		st := out[r.VolunteerID]
		if r.Status == app.SignupAttended {
			st.Shows += r.N
		} else {
			st.NoShows += r.N
		}
		out[r.VolunteerID] = st
	}
	return out, nil
}

// VolunteerLoads sums the hours of shifts in [from, to) each volunteer is invited to or
// signed up for. Durations are computed in Go so both dialects agree.
func (s *Store) VolunteerLoads(ctx context.Context, from, to time.Time) (map[int64]float64, error) {
	var rows []struct {
		VolunteerID int64
		StartsAt    time.Time
		EndsAt      time.Time
	}
	err := s.rdb(ctx).Table("signups").Select("signups.volunteer_id, shifts.starts_at, shifts.ends_at").
		Joins("JOIN shifts ON shifts.id = signups.shift_id").
		Where("signups.status IN ? AND shifts.starts_at >= ? AND shifts.starts_at < ?", []string{app.SignupInvited, app.SignupSignedUp}, from, to).
		Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "signup")
	}
	out := map[int64]float64{}
	for _, r := range rows {
		out[r.VolunteerID] += r.EndsAt.Sub(r.StartsAt).Hours()
	}
	return out, nil
}

// OrganizationLoads counts approved projects per organization.
func (s *Store) OrganizationLoads(ctx context.Context) (map[int64]int, error) {
	var rows []struct {
		OrganizationID int64
		N              int
	}
	err := s.rdb(ctx).Model(&app.Project{}).Select("organization_id, COUNT(*) AS n").
		Where("organization_id IS NOT NULL AND status = ?", app.ProjectApproved).Group("organization_id").Scan(&rows).Error
	out := map[int64]int{}
	for _, r := range rows {
		out[r.OrganizationID] = r.N
	}
	return out, translate(err, "project")
}

// CreateHours inserts an hours entry.
func (s *Store) CreateHours(ctx context.Context, h *app.HoursEntry) error {
	return translate(s.db(ctx).Create(h).Error, "hours")
}

// UpdateHours writes every field of an hours entry.
func (s *Store) UpdateHours(ctx context.Context, h *app.HoursEntry) error {
	return updateAll(s.db(ctx), h, "hours")
}

// FindHours loads an hours entry by id.
func (s *Store) FindHours(ctx context.Context, id int64) (*app.HoursEntry, error) {
	var h app.HoursEntry
	if err := s.rdb(ctx).First(&h, id).Error; err != nil {
		return nil, translate(err, "hours")
	}
	return &h, nil
}

// FindHoursEntries lists hours entries by work date, newest first.
func (s *Store) FindHoursEntries(ctx context.Context, f app.HoursFilter) ([]*app.HoursEntry, error) {
	db := s.rdb(ctx).Model(&app.HoursEntry{})
	if f.VolunteerID != nil {
		db = db.Where("volunteer_id = ?", *f.VolunteerID)
	}
	if len(f.TaskIDs) > 0 {
		db = db.Where("task_id IN ?", f.TaskIDs)
	}
	if f.Status != nil {
		db = db.Where("status = ?", *f.Status)
	}
	out := []*app.HoursEntry{}
	return out, translate(db.Order("work_date DESC, id DESC").Find(&out).Error, "hours")
}

// CreateEvaluation inserts an evaluation; a second one by the same author is a conflict.
func (s *Store) CreateEvaluation(ctx context.Context, e *app.Evaluation) error {
	return translate(s.db(ctx).Create(e).Error, "evaluation")
}

// EvaluationStats summarises evaluations per subject.
func (s *Store) EvaluationStats(ctx context.Context, kind string, subjectIDs []int64) (map[int64]app.EvaluationStat, error) {
	out := map[int64]app.EvaluationStat{}
	var rows []struct {
		SubjectID int64
		N         int
		Total     int64
	}
	db := s.rdb(ctx).Model(&app.Evaluation{}).Select("subject_id, COUNT(*) AS n, SUM(stars) AS total").Where("subject_kind = ?", kind)
	if subjectIDs != nil {
		if len(subjectIDs) == 0 {
			return out, nil
		}
		db = db.Where("subject_id IN ?", subjectIDs)
	}
	if err := db.Group("subject_id").Scan(&rows).Error; err != nil {
		return nil, translate(err, "evaluation")
	}
	for _, r := range rows {
		out[r.SubjectID] = app.EvaluationStat{Count: r.N, Mean: float64(r.Total) / float64(r.N)}
	}
	return out, nil
}

// FindCommunityProfile loads a community's ranking profile override.
func (s *Store) FindCommunityProfile(ctx context.Context, communityID int64) (*app.CommunityProfile, error) {
	var p app.CommunityProfile
	if err := s.rdb(ctx).First(&p, "community_id = ?", communityID).Error; err != nil {
		return nil, translate(err, "profile")
	}
	return &p, nil
}

// SaveCommunityProfile inserts or replaces a community's ranking profile.
func (s *Store) SaveCommunityProfile(ctx context.Context, p *app.CommunityProfile) error {
	err := s.db(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "community_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"profile", "updated_by", "updated_at"}),
	}).Create(p).Error
	return translate(err, "profile")
}

// MatchVolunteers loads the active volunteers of a community with only what ranking needs
// (no bio or mobile), reading rows directly rather than through GORM's reflection: this is the
// hot path of every candidates page.
func (s *Store) MatchVolunteers(ctx context.Context, communityID int64) ([]*app.Volunteer, error) {
	rows, err := s.rdb(ctx).Raw(`SELECT id, user_id, name, community_id, grid_id, organization_id, lat, lng, availability, max_hours_per_week
		FROM volunteers WHERE community_id = ? AND active = ? ORDER BY id`, communityID, true).Rows()
	if err != nil {
		return nil, translate(err, "volunteer")
	}
	defer rows.Close()
	var out []*app.Volunteer
	byID := map[int64]*app.Volunteer{}
	for rows.Next() {
		v := &app.Volunteer{Active: true, Skills: []string{}}
		if err := rows.Scan(&v.ID, &v.UserID, &v.Name, &v.CommunityID, &v.GridID, &v.OrganizationID, &v.Lat, &v.Lng, &v.Availability, &v.MaxHoursPerWeek); err != nil {
			return nil, translate(err, "volunteer")
		}
		out = append(out, v)
		byID[v.ID] = v
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, "volunteer")
	}
	sk, err := s.rdb(ctx).Raw(`SELECT vs.volunteer_id, vs.skill FROM volunteer_skills vs JOIN volunteers v ON v.id = vs.volunteer_id
		WHERE v.community_id = ? AND v.active = ? ORDER BY vs.volunteer_id, vs.skill`, communityID, true).Rows()
	if err != nil {
		return nil, translate(err, "volunteer")
	}
	defer sk.Close()
	for sk.Next() {
		var id int64
		var skill string
		if err := sk.Scan(&id, &skill); err != nil {
			return nil, translate(err, "volunteer")
		}
		if v := byID[id]; v != nil {
			v.Skills = append(v.Skills, skill)
		}
	}
	return out, translate(sk.Err(), "volunteer")
}

// VolunteerNames returns the names of volunteers by id.
func (s *Store) VolunteerNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   int64
		Name string
	}
	err := s.rdb(ctx).Model(&app.Volunteer{}).Select("id, name").Where("id IN ?", ids).Scan(&rows).Error
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, translate(err, "volunteer")
}
