package app

import (
	"context"
	"fmt"
	"slices"
)

// StreetInput creates or updates a street.
type StreetInput struct {
	Name     string `json:"name" form:"name" validate:"required,max=50"`
	District string `json:"district" form:"district" validate:"max=50"`
	City     string `json:"city" form:"city" validate:"max=50"`
}

// CommunityInput creates or updates a community.
type CommunityInput struct {
	StreetID      int64    `json:"street_id" form:"street_id" validate:"required"`
	Name          string   `json:"name" form:"name" validate:"required,max=50"`
	Kind          string   `json:"kind" form:"kind" validate:"required,oneof=urban rural merged urban_village"`
	Households    int      `json:"households" form:"households" validate:"gte=0,lte=1000000"`
	Population    int      `json:"population" form:"population" validate:"gte=0,lte=10000000"`
	Lat           *float64 `json:"lat" form:"lat" validate:"omitempty,latitude"`
	Lng           *float64 `json:"lng" form:"lng" validate:"omitempty,longitude"`
	Address       string   `json:"address" form:"address" validate:"max=200"`
	Description   string   `json:"description" form:"description" validate:"max=2000"`
	SLAMinorHours *int     `json:"sla_minor_hours" form:"sla_minor_hours" validate:"omitempty,gte=1,lte=720"`
	SLAMajorHours int      `json:"sla_major_hours" form:"sla_major_hours" validate:"omitempty,gte=1,lte=720"`
	SLAHardHours  int      `json:"sla_hard_hours" form:"sla_hard_hours" validate:"omitempty,gte=1,lte=2160"`
}

// GridInput creates or updates a grid.
type GridInput struct {
	CommunityID int64    `json:"community_id" form:"community_id" validate:"required"`
	Name        string   `json:"name" form:"name" validate:"required,max=50"`
	Code        string   `json:"code" form:"code" validate:"max=30"`
	Level       string   `json:"level" form:"level" validate:"required,oneof=routine prevention focus remediation"`
	Households  int      `json:"households" form:"households" validate:"gte=0,lte=100000"`
	WorkerID    *int64   `json:"worker_id" form:"worker_id"`
	Lat         *float64 `json:"lat" form:"lat" validate:"omitempty,latitude"`
	Lng         *float64 `json:"lng" form:"lng" validate:"omitempty,longitude"`
}

// Streets lists all streets.
func (a *App) Streets(ctx context.Context) ([]*Street, error) { return a.store.ListStreets(ctx) }

// Street returns one street.
func (a *App) Street(ctx context.Context, id int64) (*Street, error) {
	return a.store.FindStreet(ctx, id)
}

// CreateStreet adds a street (administrators only).
func (a *App) CreateStreet(ctx context.Context, in StreetInput) (*Street, error) {
	if err := Authorize(PrincipalFrom(ctx), ActStreetManage, Target{}); err != nil {
		return nil, err
	}
	if err := a.validate.Struct(in); err != nil {
		return nil, err
	}
	s := &Street{Name: in.Name, District: in.District, City: in.City}
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateStreet(ctx, s); err != nil {
			return err
		}
		return a.audit(ctx, "street.created", "street", s.ID, 0, nil)
	})
	return s, err
}

// UpdateStreet changes a street (administrators only).
func (a *App) UpdateStreet(ctx context.Context, id int64, in StreetInput) (*Street, error) {
	if err := Authorize(PrincipalFrom(ctx), ActStreetManage, Target{StreetID: id}); err != nil {
		return nil, err
	}
	if err := a.validate.Struct(in); err != nil {
		return nil, err
	}
	var s *Street
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if s, err = a.store.FindStreet(ctx, id); err != nil {
			return err
		}
		s.Name, s.District, s.City = in.Name, in.District, in.City
		if err := a.store.UpdateStreet(ctx, s); err != nil {
			return err
		}
		return a.audit(ctx, "street.updated", "street", s.ID, 0, nil)
	})
	return s, err
}

// Community returns one community.
func (a *App) Community(ctx context.Context, id int64) (*Community, error) {
	return a.store.FindCommunity(ctx, id)
}

// Communities lists communities.
func (a *App) Communities(ctx context.Context, f CommunityFilter) ([]*Community, int, error) {
	f.Page = f.Page.Normalize()
	return a.store.FindCommunities(ctx, f)
}

func (a *App) checkCommunity(ctx context.Context, in CommunityInput) (FieldErrors, error) {
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if (in.Lat == nil) != (in.Lng == nil) {
		fe.Add("lng", "error.coordinate_pair")
	}
	if in.StreetID != 0 {
		if _, err := a.store.FindStreet(ctx, in.StreetID); IsCode(err, ENOTFOUND) {
			fe.Add("street_id", "error.unknown_ref")
		} else if err != nil {
			return nil, err
		}
	}
	return fe, nil
}

func applyCommunity(c *Community, in CommunityInput) {
	c.StreetID, c.Name, c.Kind = in.StreetID, in.Name, in.Kind
	c.Households, c.Population = in.Households, in.Population
	c.Lat, c.Lng, c.Address, c.Description = in.Lat, in.Lng, in.Address, in.Description
	c.SLAMinorHours = in.SLAMinorHours
	c.SLAMajorHours = in.SLAMajorHours
	if c.SLAMajorHours == 0 {
		c.SLAMajorHours = 24
	}
	c.SLAHardHours = in.SLAHardHours
	if c.SLAHardHours == 0 {
		c.SLAHardHours = 168
	}
}

// CreateCommunity adds a community to a street.
func (a *App) CreateCommunity(ctx context.Context, in CommunityInput) (*Community, error) {
	if err := Authorize(PrincipalFrom(ctx), ActCommunityCreate, Target{StreetID: in.StreetID}); err != nil {
		return nil, err
	}
	fe, err := a.checkCommunity(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	c := &Community{}
	applyCommunity(c, in)
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateCommunity(ctx, c); err != nil {
			return err
		}
		return a.audit(ctx, "community.created", "community", c.ID, c.ID, nil)
	})
	return c, err
}

// UpdateCommunity changes a community, including its response-promise settings.
func (a *App) UpdateCommunity(ctx context.Context, id int64, in CommunityInput) (*Community, error) {
	t, err := a.communityTarget(ctx, id)
	if err != nil {
		return nil, err
	}
	p := PrincipalFrom(ctx)
	if err := Authorize(p, ActCommunityUpdate, t); err != nil {
		return nil, err
	}
	fe, err := a.checkCommunity(ctx, in)
	if err != nil {
		return nil, err
	}
	// Moving a community to another street needs rights over the destination too.
	if in.StreetID != t.StreetID && !Can(p, ActCommunityCreate, Target{StreetID: in.StreetID}) {
		fe.Add("street_id", "error.forbidden_ref")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var c *Community
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if c, err = a.store.FindCommunity(ctx, id); err != nil {
			return err
		}
		applyCommunity(c, in)
		if err := a.store.UpdateCommunity(ctx, c); err != nil {
			return err
		}
		return a.audit(ctx, "community.updated", "community", c.ID, c.ID, nil)
	})
	return c, err
}

// Grid returns one grid.
func (a *App) Grid(ctx context.Context, id int64) (*Grid, error) { return a.store.FindGrid(ctx, id) }

// Grids lists grids.
func (a *App) Grids(ctx context.Context, f GridFilter) ([]*Grid, int, error) {
	f.Page = f.Page.Normalize()
	return a.store.FindGrids(ctx, f)
}

func (a *App) checkGrid(ctx context.Context, in GridInput) (FieldErrors, error) {
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if (in.Lat == nil) != (in.Lng == nil) {
		fe.Add("lng", "error.coordinate_pair")
	}
	if in.WorkerID != nil {
		if _, err := a.store.FindUser(ctx, *in.WorkerID); IsCode(err, ENOTFOUND) {
			fe.Add("worker_id", "error.unknown_ref")
		} else if err != nil {
			return nil, err
		}
	}
	return fe, nil
}

// checkGridWorker refuses a grid worker who is not one of the community's workers (the
// picker's list, GridWorkerChoices), on worker_id; the grid's current worker may stay.
func (a *App) checkGridWorker(ctx context.Context, fe FieldErrors, communityID int64, worker, current *int64) error {
	if _, bad := fe["worker_id"]; bad || worker == nil || communityID == 0 || sameID(worker, current) {
		return nil
	}
	ok, err := a.isGridWorkerChoice(ctx, communityID, *worker)
	if err != nil {
		return err
	}
	if !ok {
		fe.Add("worker_id", "grid.error.worker_not_staff")
	}
	return nil
}

// CreateGrid adds a grid to a community.
func (a *App) CreateGrid(ctx context.Context, in GridInput) (*Grid, error) {
	fe, err := a.checkGrid(ctx, in)
	if err != nil {
		return nil, err
	}
	t, err := a.places().resolve(ctx, fe, placeRefs{Community: optionalID(in.CommunityID)})
	if err != nil {
		return nil, err
	}
	if err := a.checkGridWorker(ctx, fe, in.CommunityID, in.WorkerID, nil); err != nil {
		return nil, err
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActGridManage, t); err != nil {
		return nil, err
	}
	g := &Grid{CommunityID: in.CommunityID, Name: in.Name, Code: in.Code, Level: in.Level,
		Households: in.Households, WorkerID: in.WorkerID, Lat: in.Lat, Lng: in.Lng}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateGrid(ctx, g); err != nil {
			return err
		}
		if err := a.ensureGridWorker(ctx, g); err != nil {
			return err
		}
		return a.audit(ctx, "grid.created", "grid", g.ID, g.CommunityID, nil)
	})
	return g, err
}

// UpdateGrid changes a grid; it cannot move to another community.
func (a *App) UpdateGrid(ctx context.Context, id int64, in GridInput) (*Grid, error) {
	t, g, _, err := a.gridTarget(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActGridManage, t); err != nil {
		return nil, err
	}
	fe, err := a.checkGrid(ctx, in)
	if err != nil {
		return nil, err
	}
	if in.CommunityID != g.CommunityID {
		fe.Add("community_id", "error.immutable")
	}
	if err := a.checkGridWorker(ctx, fe, g.CommunityID, in.WorkerID, g.WorkerID); err != nil {
		return nil, err
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	g.Name, g.Code, g.Level, g.Households, g.WorkerID, g.Lat, g.Lng = in.Name, in.Code, in.Level, in.Households, in.WorkerID, in.Lat, in.Lng
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.UpdateGrid(ctx, g); err != nil {
			return err
		}
		if err := a.ensureGridWorker(ctx, g); err != nil {
			return err
		}
		return a.audit(ctx, "grid.updated", "grid", g.ID, g.CommunityID, nil)
	})
	return g, err
}

// ensureGridWorker gives the grid's worker the grid_worker role for that grid, so the queue
// and the permissions follow the assignment.
func (a *App) ensureGridWorker(ctx context.Context, g *Grid) error {
	if g.WorkerID == nil {
		return nil
	}
	ms, err := a.store.UserMemberships(ctx, *g.WorkerID)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(ms, func(m Membership) bool {
		return m.Role == RoleGridWorker && m.GridID != nil && *m.GridID == g.ID
	}) {
		return nil
	}
	p := PrincipalFrom(ctx)
	m := &Membership{UserID: *g.WorkerID, Role: RoleGridWorker, GridID: ptr(g.ID), CreatedAt: a.Now()}
	if p.Authenticated() {
		m.GrantedBy = ptr(p.User.ID)
	}
	if err := a.store.CreateMembership(ctx, m); err != nil {
		return fmt.Errorf("grant grid worker: %w", err)
	}
	return nil
}

// Categories lists the service categories.
func (a *App) Categories(ctx context.Context) ([]*Category, error) {
	return a.store.ListCategories(ctx)
}

// Skills lists the volunteer skills.
func (a *App) Skills(ctx context.Context) ([]*Skill, error) { return a.store.ListSkills(ctx) }

func (a *App) categoryExists(ctx context.Context, code string) (bool, error) {
	cs, err := a.store.ListCategories(ctx)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(cs, func(c *Category) bool { return c.Code == code }), nil
}

func (a *App) skillsExist(ctx context.Context, codes []string) (bool, error) {
	ss, err := a.store.ListSkills(ctx)
	if err != nil {
		return false, err
	}
	for _, code := range codes {
		if !slices.ContainsFunc(ss, func(s *Skill) bool { return s.Code == code }) {
			return false, nil
		}
	}
	return true, nil
}

func (a *App) categoriesExist(ctx context.Context, codes []string) (bool, error) {
	cs, err := a.store.ListCategories(ctx)
	if err != nil {
		return false, err
	}
	for _, code := range codes {
		if !slices.ContainsFunc(cs, func(c *Category) bool { return c.Code == code }) {
			return false, nil
		}
	}
	return true, nil
}
