package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/search"
)

// joinList describes a join table holding a list of codes or ids for a parent record.
type joinList[V any] struct {
	table, parentCol, valueCol string
}

// replace swaps the parent's rows for vals (delete then insert, inside the caller's transaction).
func (j joinList[V]) replace(db *gorm.DB, parentID int64, vals []V) error {
	if err := db.Table(j.table).Where(j.parentCol+" = ?", parentID).Delete(nil).Error; err != nil {
		return err
	}
	if len(vals) == 0 {
		return nil
	}
	rows := make([]map[string]any, len(vals))
	for i, v := range vals {
		rows[i] = map[string]any{j.parentCol: parentID, j.valueCol: v}
	}
	return db.Table(j.table).Create(rows).Error
}

// load reads the lists of many parents in one query.
func (j joinList[V]) load(db *gorm.DB, parentIDs []int64) (map[int64][]V, error) {
	out := make(map[int64][]V, len(parentIDs))
	if len(parentIDs) == 0 {
		return out, nil
	}
	type row struct {
		P int64
		V V
	}
	var rows []row
	err := db.Table(j.table).Select(j.parentCol+" AS p, "+j.valueCol+" AS v").
		Where(j.parentCol+" IN ?", parentIDs).Order(j.parentCol + ", " + j.valueCol).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.P] = append(out[r.P], r.V)
	}
	return out, nil
}

var (
	orgCategories    = joinList[string]{"organization_categories", "organization_id", "category"}
	orgAreas         = joinList[int64]{"organization_areas", "organization_id", "community_id"}
	socialWorkerCats = joinList[string]{"social_worker_categories", "social_worker_id", "category"}
	volunteerSkills  = joinList[string]{"volunteer_skills", "volunteer_id", "skill"}
	donorInterests   = joinList[string]{"donor_interests", "donor_id", "category"}
)

// withLists saves a record and its join lists in one transaction.
func (s *Store) withLists(ctx context.Context, kind string, save func(db *gorm.DB) error, lists func(db *gorm.DB) error) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		db := s.db(ctx)
		if err := save(db); err != nil {
			return translate(err, kind)
		}
		return translate(lists(db), kind)
	})
}

func ids[T any](xs []*T, id func(*T) int64) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

// CreateOrganization inserts an organization with its categories and service area.
func (s *Store) CreateOrganization(ctx context.Context, o *app.Organization) error {
	return s.withLists(ctx, "organization", func(db *gorm.DB) error { return db.Create(o).Error }, func(db *gorm.DB) error {
		if err := orgCategories.replace(db, o.ID, o.Categories); err != nil {
			return err
		}
		if err := orgAreas.replace(db, o.ID, o.AreaCommunityIDs); err != nil {
			return err
		}
		return enqueueSearch(db, search.Ref{Type: search.TypeOrganization, ID: o.ID})
	})
}

// UpdateOrganization writes an organization and its lists.
func (s *Store) UpdateOrganization(ctx context.Context, o *app.Organization) error {
	return s.withLists(ctx, "organization", func(db *gorm.DB) error { return updateAll(db, o, "organization") }, func(db *gorm.DB) error {
		if err := orgCategories.replace(db, o.ID, o.Categories); err != nil {
			return err
		}
		if err := orgAreas.replace(db, o.ID, o.AreaCommunityIDs); err != nil {
			return err
		}
		return enqueueSearch(db, search.Ref{Type: search.TypeOrganization, ID: o.ID})
	})
}

func (s *Store) loadOrgLists(db *gorm.DB, os []*app.Organization) error {
	pids := ids(os, func(o *app.Organization) int64 { return o.ID })
	cats, err := orgCategories.load(db, pids)
	if err != nil {
		return err
	}
	areas, err := orgAreas.load(db, pids)
	if err != nil {
		return err
	}
	for _, o := range os {
		o.Categories, o.AreaCommunityIDs = orEmpty(cats[o.ID]), orEmpty(areas[o.ID])
	}
	return nil
}

func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// FindOrganization loads an organization with its lists.
func (s *Store) FindOrganization(ctx context.Context, id int64) (*app.Organization, error) {
	var o app.Organization
	db := s.rdb(ctx)
	if err := db.First(&o, id).Error; err != nil {
		return nil, translate(err, "organization")
	}
	if err := s.loadOrgLists(s.rdb(ctx), []*app.Organization{&o}); err != nil {
		return nil, translate(err, "organization")
	}
	return &o, nil
}

// FindOrganizations lists organizations, verified first, then by name.
func (s *Store) FindOrganizations(ctx context.Context, f app.OrganizationFilter) ([]*app.Organization, int, error) {
	scope := func(db *gorm.DB) *gorm.DB {
		if f.Kind != nil {
			db = db.Where("kind = ?", *f.Kind)
		}
		if f.Verified != nil {
			db = db.Where("verified = ?", *f.Verified)
		}
		if f.Category != nil {
			db = db.Where("id IN (SELECT organization_id FROM organization_categories WHERE category = ?)", *f.Category)
		}
		if f.CommunityID != nil {
			db = db.Where("(community_id = ? OR id IN (SELECT organization_id FROM organization_areas WHERE community_id = ?))", *f.CommunityID, *f.CommunityID)
		}
		if f.StreetID != nil {
			db = db.Where("street_id = ?", *f.StreetID)
		}
		if f.Q != "" {
			db = db.Where(`LOWER(name) LIKE ? ESCAPE '\'`, like(f.Q))
		}
		if f.IDs != nil {
			db = db.Where("id IN ?", f.IDs)
		}
		return db
	}
	out, total, err := findPage[app.Organization](ctx, s.rdb, scope, "verified DESC, name, id", f.Page, "organization")
	if err != nil {
		return nil, 0, err
	}
	return out, total, translate(s.loadOrgLists(s.rdb(ctx), out), "organization")
}

// CreateSocialWorker inserts a social worker with their categories.
func (s *Store) CreateSocialWorker(ctx context.Context, w *app.SocialWorker) error {
	return s.withLists(ctx, "social_worker", func(db *gorm.DB) error { return db.Create(w).Error }, func(db *gorm.DB) error {
		return socialWorkerCats.replace(db, w.ID, w.Categories)
	})
}

// UpdateSocialWorker writes a social worker and their categories.
func (s *Store) UpdateSocialWorker(ctx context.Context, w *app.SocialWorker) error {
	return s.withLists(ctx, "social_worker", func(db *gorm.DB) error { return updateAll(db, w, "social_worker") }, func(db *gorm.DB) error {
		return socialWorkerCats.replace(db, w.ID, w.Categories)
	})
}

func (s *Store) loadSocialWorkerLists(db *gorm.DB, ws []*app.SocialWorker) error {
	cats, err := socialWorkerCats.load(db, ids(ws, func(w *app.SocialWorker) int64 { return w.ID }))
	if err != nil {
		return err
	}
	for _, w := range ws {
		w.Categories = orEmpty(cats[w.ID])
	}
	return nil
}

// FindSocialWorker loads a social worker by id.
func (s *Store) FindSocialWorker(ctx context.Context, id int64) (*app.SocialWorker, error) {
	var w app.SocialWorker
	if err := s.rdb(ctx).First(&w, id).Error; err != nil {
		return nil, translate(err, "social_worker")
	}
	return &w, translate(s.loadSocialWorkerLists(s.rdb(ctx), []*app.SocialWorker{&w}), "social_worker")
}

// FindSocialWorkers lists social workers, most senior first.
func (s *Store) FindSocialWorkers(ctx context.Context, f app.SocialWorkerFilter) ([]*app.SocialWorker, int, error) {
	scope := func(db *gorm.DB) *gorm.DB {
		if f.OrganizationID != nil {
			db = db.Where("organization_id = ?", *f.OrganizationID)
		}
		if f.CommunityID != nil {
			db = db.Where("community_id = ?", *f.CommunityID)
		}
		if f.CertificationLevel != nil {
			db = db.Where("certification_level = ?", *f.CertificationLevel)
		}
		if f.Q != "" {
			db = db.Where(`LOWER(name) LIKE ? ESCAPE '\'`, like(f.Q))
		}
		return db
	}
	order := "CASE certification_level WHEN 'supervisor' THEN 0 WHEN 'senior' THEN 1 WHEN 'social_worker' THEN 2 ELSE 3 END, name, id"
	out, total, err := findPage[app.SocialWorker](ctx, s.rdb, scope, order, f.Page, "social_worker")
	if err != nil {
		return nil, 0, err
	}
	return out, total, translate(s.loadSocialWorkerLists(s.rdb(ctx), out), "social_worker")
}

// CreateVolunteer inserts a volunteer with their skills.
func (s *Store) CreateVolunteer(ctx context.Context, v *app.Volunteer) error {
	return s.withLists(ctx, "volunteer", func(db *gorm.DB) error { return db.Create(v).Error }, func(db *gorm.DB) error {
		if err := volunteerSkills.replace(db, v.ID, v.Skills); err != nil {
			return err
		}
		return enqueueSearch(db, search.Ref{Type: search.TypeVolunteer, ID: v.ID})
	})
}

// UpdateVolunteer writes a volunteer and their skills.
func (s *Store) UpdateVolunteer(ctx context.Context, v *app.Volunteer) error {
	return s.withLists(ctx, "volunteer", func(db *gorm.DB) error { return updateAll(db, v, "volunteer") }, func(db *gorm.DB) error {
		if err := volunteerSkills.replace(db, v.ID, v.Skills); err != nil {
			return err
		}
		return enqueueSearch(db, search.Ref{Type: search.TypeVolunteer, ID: v.ID})
	})
}

func (s *Store) loadVolunteerLists(db *gorm.DB, vs []*app.Volunteer) error {
	sk, err := volunteerSkills.load(db, ids(vs, func(v *app.Volunteer) int64 { return v.ID }))
	if err != nil {
		return err
	}
	for _, v := range vs {
		v.Skills = orEmpty(sk[v.ID])
	}
	return nil
}

// FindVolunteer loads a volunteer by id.
func (s *Store) FindVolunteer(ctx context.Context, id int64) (*app.Volunteer, error) {
	var v app.Volunteer
	if err := s.rdb(ctx).First(&v, id).Error; err != nil {
		return nil, translate(err, "volunteer")
	}
	return &v, translate(s.loadVolunteerLists(s.rdb(ctx), []*app.Volunteer{&v}), "volunteer")
}

// FindVolunteers lists volunteers by name.
func (s *Store) FindVolunteers(ctx context.Context, f app.VolunteerFilter) ([]*app.Volunteer, int, error) {
	scope := func(db *gorm.DB) *gorm.DB {
		if f.CommunityID != nil {
			db = db.Where("community_id = ?", *f.CommunityID)
		}
		if f.GridID != nil {
			db = db.Where("grid_id = ?", *f.GridID)
		}
		if f.Skill != nil {
			db = db.Where("id IN (SELECT volunteer_id FROM volunteer_skills WHERE skill = ?)", *f.Skill)
		}
		if f.UserID != nil {
			db = db.Where("user_id = ?", *f.UserID)
		}
		if f.Active != nil {
			db = db.Where("active = ?", *f.Active)
		}
		if f.Q != "" {
			db = db.Where(`LOWER(name) LIKE ? ESCAPE '\'`, like(f.Q))
		}
		return db
	}
	out, total, err := findPage[app.Volunteer](ctx, s.rdb, scope, "id", f.Page, "volunteer")
	if err != nil {
		return nil, 0, err
	}
	return out, total, translate(s.loadVolunteerLists(s.rdb(ctx), out), "volunteer")
}

// CreateDonor inserts a donor with their interests.
func (s *Store) CreateDonor(ctx context.Context, d *app.Donor) error {
	return s.withLists(ctx, "donor", func(db *gorm.DB) error { return db.Create(d).Error }, func(db *gorm.DB) error {
		return donorInterests.replace(db, d.ID, d.Interests)
	})
}

// UpdateDonor writes a donor and their interests.
func (s *Store) UpdateDonor(ctx context.Context, d *app.Donor) error {
	return s.withLists(ctx, "donor", func(db *gorm.DB) error { return updateAll(db, d, "donor") }, func(db *gorm.DB) error {
		return donorInterests.replace(db, d.ID, d.Interests)
	})
}

func (s *Store) loadDonorLists(db *gorm.DB, ds []*app.Donor) error {
	in, err := donorInterests.load(db, ids(ds, func(d *app.Donor) int64 { return d.ID }))
	if err != nil {
		return err
	}
	for _, d := range ds {
		d.Interests = orEmpty(in[d.ID])
	}
	return nil
}

// FindDonor loads a donor by id.
func (s *Store) FindDonor(ctx context.Context, id int64) (*app.Donor, error) {
	var d app.Donor
	if err := s.rdb(ctx).First(&d, id).Error; err != nil {
		return nil, translate(err, "donor")
	}
	return &d, translate(s.loadDonorLists(s.rdb(ctx), []*app.Donor{&d}), "donor")
}

// donorListOrder is the donors list's order. Migration 00023's donors_list_order_idx is built
// on the same text, which is what lets both databases read a page from it instead of sorting
// every donor of a city: keep the two identical.
const donorListOrder = "CASE kind WHEN 'foundation' THEN 0 WHEN 'unit' THEN 1 WHEN 'merchant' THEN 2 ELSE 3 END, name, id"

// FindDonors lists donors: foundations, units and merchants first, then residents.
func (s *Store) FindDonors(ctx context.Context, f app.DonorFilter) ([]*app.Donor, int, error) {
	scope := func(db *gorm.DB) *gorm.DB {
		if f.Kind != nil {
			db = db.Where("kind = ?", *f.Kind)
		}
		if f.CommunityID != nil {
			db = db.Where("community_id = ?", *f.CommunityID)
		}
		if f.Interest != nil {
			db = db.Where("id IN (SELECT donor_id FROM donor_interests WHERE category = ?)", *f.Interest)
		}
		if f.UserID != nil {
			db = db.Where("user_id = ?", *f.UserID)
		}
		if f.Q != "" {
			db = db.Where(`LOWER(name) LIKE ? ESCAPE '\'`, like(f.Q))
		}
		return db
	}
	out, total, err := findPage[app.Donor](ctx, s.rdb, scope, donorListOrder, f.Page, "donor")
	if err != nil {
		return nil, 0, err
	}
	return out, total, translate(s.loadDonorLists(s.rdb(ctx), out), "donor")
}
