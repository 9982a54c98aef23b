package app

import (
	"context"
	"fmt"
	"strings"
)

// OrganizationInput registers or edits an organization.
type OrganizationInput struct {
	Name               string   `json:"name" form:"name" validate:"required,max=100"`
	Kind               string   `json:"kind" form:"kind" validate:"required,oneof=social_org merchant unit foundation"`
	RegistrationNumber string   `json:"registration_number" form:"registration_number" validate:"max=30"`
	StreetID           *int64   `json:"street_id" form:"street_id"`
	CommunityID        *int64   `json:"community_id" form:"community_id"`
	Address            string   `json:"address" form:"address" validate:"max=200"`
	Lat                *float64 `json:"lat" form:"lat" validate:"omitempty,latitude"`
	Lng                *float64 `json:"lng" form:"lng" validate:"omitempty,longitude"`
	ContactName        string   `json:"contact_name" form:"contact_name" validate:"max=50"`
	ContactPhone       string   `json:"contact_phone" form:"contact_phone" validate:"omitempty,mobile"`
	Description        string   `json:"description" form:"description" validate:"max=4000"`
	Categories         []string `json:"categories" form:"categories" validate:"max=20"`
	AreaCommunityIDs   []int64  `json:"area_community_ids" form:"area_community_ids" validate:"max=200"`
}

// orgTarget is an organization's authorization target: its home community and itself.
func (pl *places) orgTarget(ctx context.Context, o *Organization) (Target, error) {
	t := Target{OrganizationID: o.ID}
	if o.CommunityID != nil {
		ct, err := pl.communityTarget(ctx, *o.CommunityID)
		if err != nil {
			return t, err
		}
		t.StreetID, t.CommunityID = ct.StreetID, ct.CommunityID
	} else if o.StreetID != nil {
		t.StreetID = *o.StreetID
	}
	if o.CreatedBy != nil {
		t.OwnerID = *o.CreatedBy
	}
	return t, nil
}

func (a *App) checkOrganization(ctx context.Context, in *OrganizationInput) (FieldErrors, error) {
	fe := FieldErrors{}
	in.RegistrationNumber = strings.ToUpper(strings.TrimSpace(in.RegistrationNumber))
	a.validate.Into(fe, in)
	if (in.Lat == nil) != (in.Lng == nil) {
		fe.Add("lng", "error.coordinate_pair")
	}
	if in.RegistrationNumber != "" && !validCreditCode(in.RegistrationNumber) {
		fe.Add("registration_number", "error.credit_code")
	}
	if ok, err := a.categoriesExist(ctx, in.Categories); err != nil {
		return nil, err
	} else if !ok {
		fe.Add("categories", "error.unknown_ref")
	}
	if in.CommunityID != nil {
		t, err := a.places().resolve(ctx, fe, placeRefs{Community: in.CommunityID})
		if err != nil {
			return nil, err
		}
		if t.CommunityID != 0 { // an organization in a community is in its street
			in.StreetID = ptr(t.StreetID)
		}
	} else if in.StreetID != nil {
		if _, err := a.store.FindStreet(ctx, *in.StreetID); IsCode(err, ENOTFOUND) {
			fe.Add("street_id", "error.unknown_ref")
		} else if err != nil {
			return nil, err
		}
	}
	for _, id := range in.AreaCommunityIDs {
		if _, err := a.store.FindCommunity(ctx, id); IsCode(err, ENOTFOUND) {
			fe.Add("area_community_ids", "error.unknown_ref")
			break
		} else if err != nil {
			return nil, err
		}
	}
	return fe, nil
}

// validCreditCode checks an 18-character unified social credit code (统一社会信用代码),
// including its check character, so typing mistakes are caught at entry.
func validCreditCode(s string) bool {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	weights := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(alphabet, s[i])
		if v < 0 {
			return false
		}
		sum += v * weights[i]
	}
	check := (31 - sum%31) % 31
	return s[17] == alphabet[check]
}

// CreditCodeCheck returns the check character for the first 17 characters of a unified
// social credit code; demo data uses it to make valid codes.
func CreditCodeCheck(first17 string) byte {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	weights := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i := 0; i < 17 && i < len(first17); i++ {
		sum += strings.IndexByte(alphabet, first17[i]) * weights[i]
	}
	return alphabet[(31-sum%31)%31]
}

func applyOrganization(o *Organization, in OrganizationInput) {
	o.Name, o.Kind, o.RegistrationNumber = in.Name, in.Kind, in.RegistrationNumber
	o.StreetID, o.CommunityID, o.Address, o.Lat, o.Lng = in.StreetID, in.CommunityID, in.Address, in.Lat, in.Lng
	o.ContactName, o.ContactPhone, o.Description = in.ContactName, in.ContactPhone, in.Description
	o.Categories, o.AreaCommunityIDs = dedupe(in.Categories), dedupe(in.AreaCommunityIDs)
}

func dedupe[T comparable](xs []T) []T {
	seen := make(map[T]bool, len(xs))
	out := make([]T, 0, len(xs))
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// CreateOrganization registers an organization, unverified. The registering user becomes its
// member so they can keep it up to date.
func (a *App) CreateOrganization(ctx context.Context, in OrganizationInput) (*Organization, error) {
	p := PrincipalFrom(ctx)
	if err := Authorize(p, ActOrgCreate, Target{}); err != nil {
		return nil, err
	}
	fe, err := a.checkOrganization(ctx, &in)
	if err != nil {
		return nil, err
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	o := &Organization{CreatedBy: ptr(p.User.ID)}
	applyOrganization(o, in)
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateOrganization(ctx, o); err != nil {
			return err
		}
		street, community := orgMembershipPlace(o)
		m := &Membership{UserID: p.User.ID, Role: RoleOrgMember, OrganizationID: ptr(o.ID), StreetID: street, CommunityID: community, CreatedAt: a.Now()}
		if err := a.store.CreateMembership(ctx, m); err != nil {
			return fmt.Errorf("make registrant a member: %w", err)
		}
		return a.audit(ctx, "organization.created", "organization", o.ID, deref(o.CommunityID), nil)
	})
	return o, err
}

// UpdateOrganization edits an organization. Editing identity fields of a verified organization
// clears its verification so a worker checks it again.
func (a *App) UpdateOrganization(ctx context.Context, id int64, in OrganizationInput) (*Organization, error) {
	p := PrincipalFrom(ctx)
	var o *Organization
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if o, err = a.store.FindOrganization(ctx, id); err != nil {
			return err
		}
		t, err := a.places().orgTarget(ctx, o)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActOrgUpdate, t); err != nil {
			return err
		}
		fe, err := a.checkOrganization(ctx, &in)
		if err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		identityChanged := o.Name != in.Name || o.Kind != in.Kind || o.RegistrationNumber != in.RegistrationNumber
		applyOrganization(o, in)
		if identityChanged && o.Verified && !Can(p, ActOrgVerify, t) {
			o.Verified, o.VerifiedAt, o.VerifiedBy = false, nil, nil
		}
		nt, err := a.places().orgTarget(ctx, o)
		if err != nil {
			return err
		}
		if nt.StreetID != t.StreetID || nt.CommunityID != t.CommunityID {
			// Moving an organization needs rights at the destination too, and its members'
			// scope moves with it: a member's scope is always the organization's place.
			if err := Authorize(p, ActOrgUpdate, nt); err != nil {
				return err
			}
			street, community := orgMembershipPlace(o)
			if err := a.store.MoveOrgMemberships(ctx, o.ID, street, community); err != nil {
				return fmt.Errorf("move members of organization %d: %w", o.ID, err)
			}
		}
		if err := a.store.UpdateOrganization(ctx, o); err != nil {
			return err
		}
		return a.audit(ctx, "organization.updated", "organization", o.ID, deref(o.CommunityID), map[string]any{"identity_changed": identityChanged})
	})
	return o, err
}

// VerifyOrganization marks an organization as checked by a community worker or officer.
func (a *App) VerifyOrganization(ctx context.Context, id int64, verified bool) (*Organization, error) {
	p := PrincipalFrom(ctx)
	var o *Organization
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if o, err = a.store.FindOrganization(ctx, id); err != nil {
			return err
		}
		t, err := a.places().orgTarget(ctx, o)
		if err != nil {
			return err
		}
		t.OrganizationID = 0 // members may not verify their own organization
		if err := Authorize(p, ActOrgVerify, t); err != nil {
			return err
		}
		if verified && o.RegistrationNumber == "" {
			return FieldErrors{"registration_number": Msg("error.required_to_verify")}.Err()
		}
		now := a.Now()
		o.Verified = verified
		if verified {
			o.VerifiedAt, o.VerifiedBy = &now, ptr(p.User.ID)
		} else {
			o.VerifiedAt, o.VerifiedBy = nil, nil
		}
		if err := a.store.UpdateOrganization(ctx, o); err != nil {
			return err
		}
		return a.audit(ctx, "organization.verified", "organization", o.ID, deref(o.CommunityID), map[string]any{"verified": verified})
	})
	return o, err
}

// OrganizationView is an organization as a principal may see it.
type OrganizationView struct {
	*Organization
	CanEdit   bool
	CanVerify bool
}

// Organization returns one organization; the contact phone is masked for the public.
func (a *App) Organization(ctx context.Context, id int64) (*OrganizationView, error) {
	o, err := a.store.FindOrganization(ctx, id)
	if err != nil {
		return nil, err
	}
	return a.viewOrganization(ctx, a.places(), o)
}

func (a *App) viewOrganization(ctx context.Context, pl *places, o *Organization) (*OrganizationView, error) {
	p := PrincipalFrom(ctx)
	t, err := pl.orgTarget(ctx, o)
	if err != nil {
		return nil, err
	}
	v := &OrganizationView{Organization: o, CanEdit: Can(p, ActOrgUpdate, t)}
	vt := t
	vt.OrganizationID = 0
	v.CanVerify = Can(p, ActOrgVerify, vt)
	if !v.CanEdit {
		c := *o
		c.ContactPhone = MaskMobile(c.ContactPhone)
		c.ContactName = MaskName(c.ContactName)
		v.Organization = &c
	}
	return v, nil
}

// Organizations lists organizations with public fields masked.
func (a *App) Organizations(ctx context.Context, f OrganizationFilter) ([]*OrganizationView, int, error) {
	f.Page = f.Page.Normalize()
	os, total, err := a.store.FindOrganizations(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	pl := a.places()
	var cids []int64
	for _, o := range os {
		pl.orgs[o.ID] = o
		if o.CommunityID != nil {
			cids = append(cids, *o.CommunityID)
		}
	}
	if err := pl.preloadCommunities(ctx, cids); err != nil {
		return nil, 0, err
	}
	out := make([]*OrganizationView, 0, len(os))
	for _, o := range os {
		v, err := a.viewOrganization(ctx, pl, o)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	return out, total, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// SocialWorkerInput adds or edits a social worker.
type SocialWorkerInput struct {
	OrganizationID     *int64   `json:"organization_id" form:"organization_id"`
	Name               string   `json:"name" form:"name" validate:"required,max=50"`
	CertificationLevel string   `json:"certification_level" form:"certification_level" validate:"required,oneof=assistant social_worker senior supervisor"`
	CertificateNumber  string   `json:"certificate_number" form:"certificate_number" validate:"max=40"`
	SupervisorID       *int64   `json:"supervisor_id" form:"supervisor_id"`
	CommunityID        *int64   `json:"community_id" form:"community_id"`
	Mobile             string   `json:"mobile" form:"mobile" validate:"omitempty,mobile"`
	YearsExperience    int      `json:"years_experience" form:"years_experience" validate:"gte=0,lte=60"`
	Categories         []string `json:"categories" form:"categories" validate:"max=20"`
}

func (pl *places) socialWorkerTarget(ctx context.Context, w *SocialWorker) (Target, error) {
	t := Target{}
	if w.OrganizationID != nil {
		o, err := pl.org(ctx, *w.OrganizationID)
		if err != nil {
			return t, err
		}
		if t, err = pl.orgTarget(ctx, o); err != nil {
			return t, err
		}
		t.OwnerID = 0
	}
	if w.CommunityID != nil {
		ct, err := pl.communityTarget(ctx, *w.CommunityID)
		if err != nil {
			return t, err
		}
		if t.CommunityID == 0 {
			t.StreetID, t.CommunityID = ct.StreetID, ct.CommunityID
		}
	}
	if w.UserID != nil {
		t.OwnerID = *w.UserID
	}
	return t, nil
}

func (a *App) checkSocialWorker(ctx context.Context, in SocialWorkerInput, selfID int64) (FieldErrors, error) {
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if in.CertificationLevel != "assistant" && in.CertificationLevel != "" && strings.TrimSpace(in.CertificateNumber) == "" {
		fe.Add("certificate_number", "error.required")
	}
	if ok, err := a.categoriesExist(ctx, in.Categories); err != nil {
		return nil, err
	} else if !ok {
		fe.Add("categories", "error.unknown_ref")
	}
	// The target is built from the stored record (socialWorkerTarget) once it exists.
	if _, err := a.places().resolve(ctx, fe, placeRefs{Community: in.CommunityID, Organization: in.OrganizationID}); err != nil {
		return nil, err
	}
	if in.SupervisorID != nil {
		s, err := a.store.FindSocialWorker(ctx, *in.SupervisorID)
		switch {
		case IsCode(err, ENOTFOUND) || (err == nil && s.ID == selfID):
			fe.Add("supervisor_id", "error.unknown_ref")
		case err != nil:
			return nil, err
		case s.CertificationLevel != "senior" && s.CertificationLevel != "supervisor":
			fe.Add("supervisor_id", "error.supervisor_level")
		}
	}
	if in.OrganizationID == nil && in.CommunityID == nil {
		fe.Add("organization_id", "error.org_or_community")
	}
	return fe, nil
}

func applySocialWorker(w *SocialWorker, in SocialWorkerInput) {
	w.OrganizationID, w.Name, w.CertificationLevel, w.CertificateNumber = in.OrganizationID, in.Name, in.CertificationLevel, strings.TrimSpace(in.CertificateNumber)
	w.SupervisorID, w.CommunityID, w.Mobile, w.YearsExperience = in.SupervisorID, in.CommunityID, in.Mobile, in.YearsExperience
	w.Categories = dedupe(in.Categories)
}

// CreateSocialWorker adds a social worker to an organization or community.
func (a *App) CreateSocialWorker(ctx context.Context, in SocialWorkerInput) (*SocialWorker, error) {
	fe, err := a.checkSocialWorker(ctx, in, 0)
	if err != nil {
		return nil, err
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	w := &SocialWorker{}
	applySocialWorker(w, in)
	t, err := a.places().socialWorkerTarget(ctx, w)
	if err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActSocialWorkerManage, t); err != nil {
		return nil, err
	}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateSocialWorker(ctx, w); err != nil {
			return err
		}
		return a.audit(ctx, "social_worker.created", "social_worker", w.ID, t.CommunityID, nil)
	})
	return w, err
}

// UpdateSocialWorker edits a social worker; moving them needs rights at both places.
func (a *App) UpdateSocialWorker(ctx context.Context, id int64, in SocialWorkerInput) (*SocialWorker, error) {
	p := PrincipalFrom(ctx)
	var w *SocialWorker
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if w, err = a.store.FindSocialWorker(ctx, id); err != nil {
			return err
		}
		t, err := a.places().socialWorkerTarget(ctx, w)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActSocialWorkerManage, t); err != nil {
			return err
		}
		fe, err := a.checkSocialWorker(ctx, in, id)
		if err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		applySocialWorker(w, in)
		if t2, err := a.places().socialWorkerTarget(ctx, w); err != nil {
			return err
		} else if err := Authorize(p, ActSocialWorkerManage, t2); err != nil {
			return err
		}
		if err := a.store.UpdateSocialWorker(ctx, w); err != nil {
			return err
		}
		return a.audit(ctx, "social_worker.updated", "social_worker", w.ID, t.CommunityID, nil)
	})
	return w, err
}

// SocialWorkerView is a social worker as a principal may see them.
type SocialWorkerView struct {
	*SocialWorker
	CanEdit bool
}

func (a *App) viewSocialWorker(ctx context.Context, pl *places, w *SocialWorker) (*SocialWorkerView, error) {
	t, err := pl.socialWorkerTarget(ctx, w)
	if err != nil {
		return nil, err
	}
	v := &SocialWorkerView{SocialWorker: w, CanEdit: Can(PrincipalFrom(ctx), ActSocialWorkerManage, t)}
	if !v.CanEdit {
		c := *w
		c.Name, c.Mobile, c.CertificateNumber, c.UserID = MaskName(c.Name), MaskMobile(c.Mobile), MaskID(c.CertificateNumber), nil
		v.SocialWorker = &c
	}
	return v, nil
}

// SocialWorker returns one social worker, masked for the public.
func (a *App) SocialWorker(ctx context.Context, id int64) (*SocialWorkerView, error) {
	w, err := a.store.FindSocialWorker(ctx, id)
	if err != nil {
		return nil, err
	}
	return a.viewSocialWorker(ctx, a.places(), w)
}

// SocialWorkers lists social workers, masked for the public.
func (a *App) SocialWorkers(ctx context.Context, f SocialWorkerFilter) ([]*SocialWorkerView, int, error) {
	f.Page = f.Page.Normalize()
	ws, total, err := a.store.FindSocialWorkers(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	pl := a.places()
	var oids, cids []int64
	for _, w := range ws {
		if w.OrganizationID != nil {
			oids = append(oids, *w.OrganizationID)
		}
		if w.CommunityID != nil {
			cids = append(cids, *w.CommunityID)
		}
	}
	if err := pl.preloadOrgs(ctx, oids); err != nil {
		return nil, 0, err
	}
	if err := pl.preloadCommunities(ctx, cids); err != nil {
		return nil, 0, err
	}
	out := make([]*SocialWorkerView, 0, len(ws))
	for _, w := range ws {
		v, err := a.viewSocialWorker(ctx, pl, w)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	return out, total, nil
}
