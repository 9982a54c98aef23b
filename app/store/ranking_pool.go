package store

import (
	"context"
	"time"

	"github.com/wushe/wushe/app"
)

// Lean reads for ranking (app/ranking_pool.go): only the columns the ranker scores, and only
// the candidates that can reach a ranked list, so ranking one need reads a community's worth
// of rows instead of the whole city's (docs/perf/city-rank.md).

// MatchOrganizations loads the organizations registered for a category (every organization
// when category is empty) with their categories and service areas, by id.
func (s *Store) MatchOrganizations(ctx context.Context, category string) ([]*app.Organization, error) {
	db := s.rdb(ctx)
	// where filters a table on its organization column: every row, or those of organizations
	// registered for the category.
	where := func(col string) (string, []any) {
		if category == "" {
			return "", nil
		}
		return " WHERE " + col + " IN (SELECT organization_id FROM organization_categories WHERE category = ?)", []any{category}
	}
	w, args := where("id")
	rows, err := db.Raw(`SELECT id, name, community_id, lat, lng, verified FROM organizations`+w+` ORDER BY id`, args...).Rows()
	if err != nil {
		return nil, translate(err, "organization")
	}
	defer rows.Close()
	out := []*app.Organization{}
	byID := map[int64]*app.Organization{}
	for rows.Next() {
		o := &app.Organization{Categories: []string{}, AreaCommunityIDs: []int64{}}
		if err := rows.Scan(&o.ID, &o.Name, &o.CommunityID, &o.Lat, &o.Lng, &o.Verified); err != nil {
			return nil, translate(err, "organization")
		}
		out = append(out, o)
		byID[o.ID] = o
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, "organization")
	}
	var cats []struct {
		OrganizationID int64
		Category       string
	}
	w, args = where("organization_id")
	if err := db.Raw(`SELECT organization_id, category FROM organization_categories`+w+` ORDER BY organization_id, category`,
		args...).Scan(&cats).Error; err != nil {
		return nil, translate(err, "organization")
	}
	for _, c := range cats {
		if o := byID[c.OrganizationID]; o != nil {
			o.Categories = append(o.Categories, c.Category)
		}
	}
	var areas []struct {
		OrganizationID int64
		CommunityID    int64
	}
	if err := db.Raw(`SELECT organization_id, community_id FROM organization_areas`+w+` ORDER BY organization_id, community_id`,
		args...).Scan(&areas).Error; err != nil {
		return nil, translate(err, "organization")
	}
	for _, a := range areas {
		if o := byID[a.OrganizationID]; o != nil {
			o.AreaCommunityIDs = append(o.AreaCommunityIDs, a.CommunityID)
		}
	}
	return out, nil
}

// MatchDonors loads, with their interests, the donors of a community or interested in a
// category, and the first `others` donors by id of all the rest.
func (s *Store) MatchDonors(ctx context.Context, communityID int64, category string, others int) ([]*app.Donor, error) {
	db := s.rdb(ctx)
	const cols = `SELECT id, name, kind, community_id, anonymous_default FROM donors`
	const mine = `(community_id = ? OR id IN (SELECT donor_id FROM donor_interests WHERE category = ?))`
	rows, err := db.Raw(`SELECT * FROM (`+cols+` WHERE `+mine+`) a UNION ALL SELECT * FROM (`+cols+
		` WHERE (community_id IS NULL OR community_id <> ?) AND id NOT IN (SELECT donor_id FROM donor_interests WHERE category = ?) ORDER BY id LIMIT ?) b`,
		communityID, category, communityID, category, others).Rows()
	if err != nil {
		return nil, translate(err, "donor")
	}
	defer rows.Close()
	out := []*app.Donor{}
	byID := map[int64]*app.Donor{}
	var ids []int64
	for rows.Next() {
		d := &app.Donor{Interests: []string{}}
		if err := rows.Scan(&d.ID, &d.Name, &d.Kind, &d.CommunityID, &d.AnonymousDefault); err != nil {
			return nil, translate(err, "donor")
		}
		out = append(out, d)
		byID[d.ID] = d
		ids = append(ids, d.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, "donor")
	}
	in, err := donorInterests.load(db, ids)
	if err != nil {
		return nil, translate(err, "donor")
	}
	for id, cs := range in {
		if d := byID[id]; d != nil {
			d.Interests = cs
		}
	}
	return out, nil
}

// CandidateCounts counts every organization and donor: what a ranking reports it considered.
func (s *Store) CandidateCounts(ctx context.Context) (organizations, donors int, err error) {
	var r struct{ O, D int }
	err = s.rdb(ctx).Raw(`SELECT (SELECT COUNT(*) FROM organizations) AS o, (SELECT COUNT(*) FROM donors) AS d`).Scan(&r).Error
	return r.O, r.D, translate(err, "organization")
}

// VolunteerHolds lists the shifts starting in [from, to) that the community's active
// volunteers are invited to or signed up for, wherever the shift is.
func (s *Store) VolunteerHolds(ctx context.Context, communityID int64, from, to time.Time) ([]app.VolunteerHold, error) {
	out := []app.VolunteerHold{}
	err := s.rdb(ctx).Raw(`SELECT su.volunteer_id, sh.id AS shift_id, sh.starts_at, sh.ends_at FROM signups su
		JOIN volunteers v ON v.id = su.volunteer_id JOIN shifts sh ON sh.id = su.shift_id
		WHERE v.community_id = ? AND v.active = ? AND su.status IN ? AND sh.starts_at >= ? AND sh.starts_at < ?
		ORDER BY su.volunteer_id, sh.starts_at, sh.id`,
		communityID, true, []string{app.SignupInvited, app.SignupSignedUp}, from, to).Scan(&out).Error
	return out, translate(err, "signup")
}
