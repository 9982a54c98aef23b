package store

import (
	"context"

	"github.com/wushe/wushe/app"
)

// CreateImportJob stores a previewed import.
func (s *Store) CreateImportJob(ctx context.Context, j *app.ImportJob) error {
	return translate(s.db(ctx).Create(j).Error, "import")
}

// UpdateImportJob writes a job's status and counts.
func (s *Store) UpdateImportJob(ctx context.Context, j *app.ImportJob) error {
	return updateAll(s.db(ctx), j, "import")
}

// FindImportJob loads a job.
func (s *Store) FindImportJob(ctx context.Context, id int64) (*app.ImportJob, error) {
	var j app.ImportJob
	if err := s.rdb(ctx).First(&j, id).Error; err != nil {
		return nil, translate(err, "import")
	}
	return &j, nil
}

// LockImportJob loads a job and locks its row, so two commits of one job run one after the other.
func (s *Store) LockImportJob(ctx context.Context, id int64) (*app.ImportJob, error) {
	var j app.ImportJob
	if err := s.forUpdate(s.db(ctx)).First(&j, id).Error; err != nil {
		return nil, translate(err, "import")
	}
	return &j, nil
}

// VolunteerMobiles maps the community's volunteers' mobile numbers to ids (the lowest id
// when two share a number).
func (s *Store) VolunteerMobiles(ctx context.Context, communityID int64) (map[string]int64, error) {
	var rows []struct {
		Mobile string
		ID     int64
	}
	err := s.db(ctx).Model(&app.Volunteer{}).Select("mobile, MIN(id) AS id").
		Where("community_id = ? AND mobile <> ''", communityID).Group("mobile").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "volunteer")
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Mobile] = r.ID
	}
	return out, nil
}

// OrganizationCodes maps the given registration numbers to existing organizations.
func (s *Store) OrganizationCodes(ctx context.Context, codes []string) (map[string]int64, error) {
	out := map[string]int64{}
	for len(codes) > 0 {
		n := min(len(codes), 1000)
		var rows []struct {
			RegistrationNumber string
			ID                 int64
		}
		if err := s.db(ctx).Model(&app.Organization{}).Select("registration_number, id").
			Where("registration_number IN ?", codes[:n]).Scan(&rows).Error; err != nil {
			return nil, translate(err, "organization")
		}
		for _, r := range rows {
			out[r.RegistrationNumber] = r.ID
		}
		codes = codes[n:]
	}
	return out, nil
}

// TasklessHours lists the hours entries of the volunteers that belong to no task (imported
// or historic hours).
func (s *Store) TasklessHours(ctx context.Context, volunteerIDs []int64) ([]*app.HoursEntry, error) {
	out := []*app.HoursEntry{}
	for len(volunteerIDs) > 0 {
		n := min(len(volunteerIDs), 1000)
		var rows []*app.HoursEntry
		if err := s.db(ctx).Where("volunteer_id IN ? AND task_id IS NULL", volunteerIDs[:n]).Find(&rows).Error; err != nil {
			return nil, translate(err, "hours")
		}
		out = append(out, rows...)
		volunteerIDs = volunteerIDs[n:]
	}
	return out, nil
}
