package app

import (
	"context"
	"slices"
)

// VolunteerInput creates or edits a volunteer profile.
type VolunteerInput struct {
	Name            string   `json:"name" form:"name" validate:"required,max=50"`
	Mobile          string   `json:"mobile" form:"mobile" validate:"omitempty,mobile"`
	CommunityID     int64    `json:"community_id" form:"community_id" validate:"required"`
	GridID          *int64   `json:"grid_id" form:"grid_id"`
	OrganizationID  *int64   `json:"organization_id" form:"organization_id"`
	Lat             *float64 `json:"lat" form:"lat" validate:"omitempty,latitude"`
	Lng             *float64 `json:"lng" form:"lng" validate:"omitempty,longitude"`
	Availability    Week     `json:"availability" form:"-"`
	MaxHoursPerWeek int      `json:"max_hours_per_week" form:"max_hours_per_week" validate:"gte=0,lte=168"`
	Bio             string   `json:"bio" form:"bio" validate:"max=1000"`
	Active          *bool    `json:"active" form:"active"`
	Skills          []string `json:"skills" form:"skills" validate:"max=30"`
	// ForSelf creates the profile for the signed-in user (and makes them a volunteer).
	ForSelf bool `json:"for_self" form:"for_self"`
}

func (a *App) checkVolunteer(ctx context.Context, in VolunteerInput) (FieldErrors, Target, error) {
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if (in.Lat == nil) != (in.Lng == nil) {
		fe.Add("lng", "error.coordinate_pair")
	}
	if ok, err := a.skillsExist(ctx, in.Skills); err != nil {
		return nil, Target{}, err
	} else if !ok {
		fe.Add("skills", "error.unknown_ref")
	}
	t, err := a.places().resolve(ctx, fe, placeRefs{Community: optionalID(in.CommunityID), Grid: in.GridID, Organization: in.OrganizationID})
	if err != nil {
		return nil, Target{}, err
	}
	return fe, t, nil
}

func applyVolunteer(v *Volunteer, in VolunteerInput) {
	v.Name, v.Mobile, v.CommunityID, v.GridID, v.OrganizationID = in.Name, in.Mobile, in.CommunityID, in.GridID, in.OrganizationID
	v.Lat, v.Lng, v.Availability, v.MaxHoursPerWeek, v.Bio = in.Lat, in.Lng, in.Availability, in.MaxHoursPerWeek, in.Bio
	if in.Active != nil {
		v.Active = *in.Active
	}
	v.Skills = dedupe(in.Skills)
}

func volunteerTarget(v *Volunteer, t Target) Target {
	if v.GridID != nil {
		t.GridID = *v.GridID
	}
	if v.UserID != nil {
		t.OwnerID = *v.UserID
	}
	return t
}

// CreateVolunteer creates a volunteer profile: the signed-in user's own (ForSelf), or one that a
// grid or community worker keeps for a resident without an account.
func (a *App) CreateVolunteer(ctx context.Context, in VolunteerInput) (*Volunteer, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe, t, err := a.checkVolunteer(ctx, in)
	if err != nil {
		return nil, err
	}
	if in.ForSelf {
		existing, _, err := a.store.FindVolunteers(ctx, VolunteerFilter{UserID: ptr(p.User.ID), Page: Page{Page: 1, PerPage: 1}})
		if err != nil {
			return nil, err
		}
		if len(existing) > 0 {
			return nil, Errorf(ECONFLICT, "error.volunteer_exists")
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	act := ActVolunteerManage
	if in.ForSelf {
		act = ActVolunteerCreateSelf
	}
	if err := Authorize(p, act, t); err != nil {
		return nil, err
	}
	v := &Volunteer{Active: true}
	applyVolunteer(v, in)
	if in.ForSelf {
		v.UserID = ptr(p.User.ID)
	}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateVolunteer(ctx, v); err != nil {
			return err
		}
		if in.ForSelf && !slices.ContainsFunc(p.Memberships, func(m Membership) bool { return m.Role == RoleVolunteer }) {
			m := &Membership{UserID: p.User.ID, Role: RoleVolunteer, CommunityID: ptr(v.CommunityID), CreatedAt: a.Now()}
			if err := a.store.CreateMembership(ctx, m); err != nil {
				return err
			}
		}
		return a.audit(ctx, "volunteer.created", "volunteer", v.ID, v.CommunityID, nil)
	})
	return v, err
}

// UpdateVolunteer edits a volunteer profile (its owner, or workers of its community).
func (a *App) UpdateVolunteer(ctx context.Context, id int64, in VolunteerInput) (*Volunteer, error) {
	p := PrincipalFrom(ctx)
	var v *Volunteer
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if v, err = a.store.FindVolunteer(ctx, id); err != nil {
			return err
		}
		t, err := a.communityTarget(ctx, v.CommunityID)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActVolunteerManage, volunteerTarget(v, t)); err != nil {
			return err
		}
		fe, nt, err := a.checkVolunteer(ctx, in)
		if err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		nt.OwnerID = t.OwnerID
		if v.UserID != nil {
			nt.OwnerID = *v.UserID
		}
		if err := Authorize(p, ActVolunteerManage, nt); err != nil {
			return err
		}
		applyVolunteer(v, in)
		if err := a.store.UpdateVolunteer(ctx, v); err != nil {
			return err
		}
		return a.audit(ctx, "volunteer.updated", "volunteer", v.ID, v.CommunityID, nil)
	})
	return v, err
}

// VolunteerView is a volunteer profile as a principal may see it.
type VolunteerView struct {
	*Volunteer
	Private bool
	CanEdit bool
	// CanPoints: the holder or the community's workers may open the volunteer's points.
	CanPoints bool `json:"-"`
}

func (a *App) viewVolunteer(ctx context.Context, pl *places, v *Volunteer) (*VolunteerView, error) {
	t, err := pl.communityTarget(ctx, v.CommunityID)
	if err != nil {
		return nil, err
	}
	t = volunteerTarget(v, t)
	p := PrincipalFrom(ctx)
	out := &VolunteerView{Volunteer: v, Private: Can(p, ActVolunteerViewPrivate, t), CanEdit: Can(p, ActVolunteerManage, t),
		CanPoints: Can(p, ActPointsView, t)}
	if !out.Private {
		// The public profile: a masked name, skills and community; never the mobile number,
		// exact location or weekly timetable.
		c := *v
		c.Name, c.Mobile, c.Lat, c.Lng, c.Availability, c.UserID = MaskName(c.Name), "", nil, nil, Week{}, nil
		out.Volunteer = &c
	}
	return out, nil
}

// Volunteer returns one volunteer profile.
func (a *App) Volunteer(ctx context.Context, id int64) (*VolunteerView, error) {
	v, err := a.store.FindVolunteer(ctx, id)
	if err != nil {
		return nil, err
	}
	return a.viewVolunteer(ctx, a.places(), v)
}

// Volunteers lists volunteer profiles.
func (a *App) Volunteers(ctx context.Context, f VolunteerFilter) ([]*VolunteerView, int, error) {
	f.Page = f.Page.Normalize()
	vs, total, err := a.store.FindVolunteers(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	pl := a.places()
	cids := make([]int64, len(vs))
	for i, v := range vs {
		cids[i] = v.CommunityID
	}
	if err := pl.preloadCommunities(ctx, cids); err != nil {
		return nil, 0, err
	}
	out := make([]*VolunteerView, 0, len(vs))
	for _, v := range vs {
		vv, err := a.viewVolunteer(ctx, pl, v)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, vv)
	}
	return out, total, nil
}

// MyVolunteer returns the signed-in user's own volunteer profile, or ENOTFOUND.
func (a *App) MyVolunteer(ctx context.Context) (*Volunteer, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	vs, _, err := a.store.FindVolunteers(ctx, VolunteerFilter{UserID: ptr(p.User.ID), Page: Page{Page: 1, PerPage: 1}})
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, NotFound("volunteer")
	}
	return vs[0], nil
}

// DonorInput creates or edits a donor.
type DonorInput struct {
	Kind             string   `json:"kind" form:"kind" validate:"required,oneof=resident merchant unit foundation"`
	Name             string   `json:"name" form:"name" validate:"required,max=100"`
	OrganizationID   *int64   `json:"organization_id" form:"organization_id"`
	CommunityID      *int64   `json:"community_id" form:"community_id"`
	Mobile           string   `json:"mobile" form:"mobile" validate:"omitempty,mobile"`
	AnonymousDefault bool     `json:"anonymous_default" form:"anonymous_default"`
	Interests        []string `json:"interests" form:"interests" validate:"max=20"`
	ForSelf          bool     `json:"for_self" form:"for_self"`
}

func (a *App) checkDonor(ctx context.Context, in DonorInput) (FieldErrors, Target, error) {
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if ok, err := a.categoriesExist(ctx, in.Interests); err != nil {
		return nil, Target{}, err
	} else if !ok {
		fe.Add("interests", "error.unknown_ref")
	}
	t, err := a.places().resolve(ctx, fe, placeRefs{Community: in.CommunityID, Organization: in.OrganizationID, ActsForOrg: true})
	if err != nil {
		return nil, Target{}, err
	}
	if in.Kind != "" && in.Kind != "resident" && in.OrganizationID == nil {
		fe.Add("organization_id", "error.required")
	}
	return fe, t, nil
}

// CreateDonor registers a donor: the signed-in user themselves (ForSelf), or one entered by a
// community worker (for example a merchant who gave at an event).
func (a *App) CreateDonor(ctx context.Context, in DonorInput) (*Donor, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe, t, err := a.checkDonor(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	act := ActDonorManage
	if in.ForSelf {
		act = ActDonorCreateSelf
	}
	if err := Authorize(p, act, t); err != nil {
		return nil, err
	}
	d := &Donor{Kind: in.Kind, Name: in.Name, OrganizationID: in.OrganizationID, CommunityID: in.CommunityID,
		Mobile: in.Mobile, AnonymousDefault: in.AnonymousDefault, Interests: dedupe(in.Interests)}
	if in.ForSelf {
		d.UserID = ptr(p.User.ID)
	}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateDonor(ctx, d); err != nil {
			return err
		}
		if in.ForSelf && !p.HasRole(RoleDonor) {
			m := &Membership{UserID: p.User.ID, Role: RoleDonor, CommunityID: d.CommunityID, CreatedAt: a.Now()}
			if err := a.store.CreateMembership(ctx, m); err != nil {
				return err
			}
		}
		return a.audit(ctx, "donor.created", "donor", d.ID, deref(d.CommunityID), nil)
	})
	return d, err
}

func donorTarget(d *Donor, t Target) Target {
	if d.UserID != nil {
		t.OwnerID = *d.UserID
	}
	return t
}

func (pl *places) donorTarget(ctx context.Context, d *Donor) (Target, error) {
	t := Target{}
	if d.CommunityID != nil {
		var err error
		if t, err = pl.communityTarget(ctx, *d.CommunityID); err != nil {
			return t, err
		}
	}
	return donorTarget(d, t), nil
}

// UpdateDonor edits a donor (the donor themselves, or a community worker).
func (a *App) UpdateDonor(ctx context.Context, id int64, in DonorInput) (*Donor, error) {
	p := PrincipalFrom(ctx)
	var d *Donor
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if d, err = a.store.FindDonor(ctx, id); err != nil {
			return err
		}
		t, err := a.places().donorTarget(ctx, d)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActDonorManage, t); err != nil {
			return err
		}
		fe, _, err := a.checkDonor(ctx, in)
		if err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		d.Kind, d.Name, d.OrganizationID, d.CommunityID = in.Kind, in.Name, in.OrganizationID, in.CommunityID
		d.Mobile, d.AnonymousDefault, d.Interests = in.Mobile, in.AnonymousDefault, dedupe(in.Interests)
		if err := a.store.UpdateDonor(ctx, d); err != nil {
			return err
		}
		return a.audit(ctx, "donor.updated", "donor", d.ID, deref(d.CommunityID), nil)
	})
	return d, err
}

// DonorView is a donor as a principal may see it.
type DonorView struct {
	*Donor
	Private bool
	CanEdit bool
}

// AnonymousName is shown in place of a donor who asked not to be named.
const AnonymousName = "匿名"

func (a *App) viewDonor(ctx context.Context, pl *places, d *Donor) (*DonorView, error) {
	t, err := pl.donorTarget(ctx, d)
	if err != nil {
		return nil, err
	}
	p := PrincipalFrom(ctx)
	v := &DonorView{Donor: d, Private: Can(p, ActDonorViewPrivate, t), CanEdit: Can(p, ActDonorManage, t)}
	if !v.Private {
		c := *d
		c.Mobile, c.UserID = "", nil
		switch {
		case c.AnonymousDefault:
			c.Name = AnonymousName
		case c.Kind == "resident":
			c.Name = MaskName(c.Name)
		}
		v.Donor = &c
	}
	return v, nil
}

// Donor returns one donor.
func (a *App) Donor(ctx context.Context, id int64) (*DonorView, error) {
	d, err := a.store.FindDonor(ctx, id)
	if err != nil {
		return nil, err
	}
	return a.viewDonor(ctx, a.places(), d)
}

// Donors lists donors; residents are masked and anonymous donors unnamed for the public.
func (a *App) Donors(ctx context.Context, f DonorFilter) ([]*DonorView, int, error) {
	f.Page = f.Page.Normalize()
	ds, total, err := a.store.FindDonors(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	pl := a.places()
	var cids []int64
	for _, d := range ds {
		if d.CommunityID != nil {
			cids = append(cids, *d.CommunityID)
		}
	}
	if err := pl.preloadCommunities(ctx, cids); err != nil {
		return nil, 0, err
	}
	out := make([]*DonorView, 0, len(ds))
	for _, d := range ds {
		v, err := a.viewDonor(ctx, pl, d)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	return out, total, nil
}
