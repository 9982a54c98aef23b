package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

type orgOut struct {
	*app.Organization
	CanEdit   bool `json:"can_edit"`
	CanVerify bool `json:"can_verify"`
	// Record (single organization only): tender awards won and resident evaluations.
	Record *app.OrganizationRecord `json:"record,omitempty"`
}

func toOrgOut(v *app.OrganizationView) orgOut {
	return orgOut{Organization: v.Organization, CanEdit: v.CanEdit, CanVerify: v.CanVerify}
}

func orgFilter(c echo.Context) (app.OrganizationFilter, error) {
	p := params{c: c}
	f := app.OrganizationFilter{Kind: p.oneOf("kind", app.OrganizationKinds), Verified: p.boolp("verified"),
		Category: p.oneOfOrAny("category", 64), CommunityID: p.int64p("community_id"), StreetID: p.int64p("street_id"),
		Q: p.str("q", 100), Page: p.page()}
	return f, p.err
}

// organizationsPage lists organizations.
func (s *Server) organizationsPage() echo.HandlerFunc {
	return servePage(s, listPage[app.OrganizationFilter, *app.OrganizationView]{page: "organizations_list", title: "organizations.title",
		section: "organizations", rows: "Organizations", read: orgFilter, run: s.app.Organizations, names: true})
}

func (s *Server) organizationPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	o, err := s.app.Organization(ctx, id)
	if err != nil {
		return err
	}
	workers, _, err := s.app.SocialWorkers(ctx, app.SocialWorkerFilter{OrganizationID: &id, Page: app.Page{Page: 1, PerPage: 50}})
	if err != nil {
		return err
	}
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	record, err := s.app.OrganizationRecord(ctx, id)
	if err != nil {
		return err
	}
	v := s.newView(c, o.Name, "organizations")
	v.Data = map[string]any{"Org": o, "Workers": workers, "CommunityNames": names, "Record": record}
	return s.renderPage(c, http.StatusOK, "organization_show", v)
}

func (s *Server) organizationForm(c echo.Context, status int, id int64, in app.OrganizationInput, v *View) error {
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	v.Data = map[string]any{"ID": id, "Form": in, "CommunityNames": names}
	return s.renderPage(c, status, "organization_form", v)
}

func (s *Server) organizationNewPage(c echo.Context) error {
	if err := app.Authorize(principal(c), app.ActOrgCreate, app.Target{}); err != nil {
		return err
	}
	return s.organizationForm(c, http.StatusOK, 0, app.OrganizationInput{Kind: "social_org"}, s.newView(c, s.i18n.T(lang(c), "organizations.new"), "organizations"))
}

func (s *Server) organizationCreate(c echo.Context) error {
	var in app.OrganizationInput
	err := bindForm(c, &in)
	var o *app.Organization
	if err == nil {
		o, err = s.app.CreateOrganization(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "organizations.new"), "organizations"), func(st int, v *View) error {
			return s.organizationForm(c, st, 0, in, v)
		})
	}
	return s.done(c, "/organizations/"+strconv.FormatInt(o.ID, 10), "flash.saved", "name", o.Name)
}

func orgInputOf(o *app.Organization) app.OrganizationInput {
	return app.OrganizationInput{Name: o.Name, Kind: o.Kind, RegistrationNumber: o.RegistrationNumber, StreetID: o.StreetID,
		CommunityID: o.CommunityID, Address: o.Address, Lat: o.Lat, Lng: o.Lng, ContactName: o.ContactName,
		ContactPhone: o.ContactPhone, Description: o.Description, Categories: o.Categories, AreaCommunityIDs: o.AreaCommunityIDs}
}

func (s *Server) organizationEditPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	o, err := s.app.Organization(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if !o.CanEdit {
		if !principal(c).Authenticated() {
			return app.Unauthorized()
		}
		return app.Forbidden()
	}
	return s.organizationForm(c, http.StatusOK, id, orgInputOf(o.Organization), s.newView(c, o.Name, "organizations"))
}

func (s *Server) organizationUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.OrganizationInput
	err = bindForm(c, &in)
	var o *app.Organization
	if err == nil {
		o, err = s.app.UpdateOrganization(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, in.Name, "organizations"), func(st int, v *View) error {
			return s.organizationForm(c, st, id, in, v)
		})
	}
	return s.done(c, "/organizations/"+strconv.FormatInt(o.ID, 10), "flash.saved", "name", o.Name)
}

func (s *Server) organizationVerify(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	verified := c.FormValue("verified") == "true"
	_, err = s.app.VerifyOrganization(c.Request().Context(), id, verified)
	if app.IsCode(err, app.EINVALID) {
		return s.backWith(c, "/organizations/"+strconv.FormatInt(id, 10), s.describe(err, lang(c), http.StatusUnprocessableEntity).Fields["registration_number"])
	} else if err != nil {
		return err
	}
	msg := "organizations.unverified"
	if verified {
		msg = "organizations.verified_done"
	}
	return s.done(c, "/organizations/"+strconv.FormatInt(id, 10), msg)
}

func (s *Server) apiOrganization(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	o, err := s.app.Organization(c.Request().Context(), id)
	if err != nil {
		return err
	}
	out := toOrgOut(o)
	if out.Record, err = s.app.OrganizationRecord(c.Request().Context(), id); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) orgResponse(c echo.Context, status int, id int64) error {
	o, err := s.app.Organization(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(status, toOrgOut(o))
}

func (s *Server) apiOrganizationCreate(c echo.Context) error {
	var in app.OrganizationInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	o, err := s.app.CreateOrganization(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return s.orgResponse(c, http.StatusCreated, o.ID)
}

func (s *Server) apiOrganizationUpdate(c echo.Context) error {
	return apiActShow(c, http.StatusOK, s.app.UpdateOrganization, s.orgResponse)
}

type verifyIn struct {
	Verified bool `json:"verified"`
}

func (s *Server) apiOrganizationVerify(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in verifyIn
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if _, err := s.app.VerifyOrganization(c.Request().Context(), id, in.Verified); err != nil {
		return err
	}
	return s.orgResponse(c, http.StatusOK, id)
}

type socialWorkerOut struct {
	*app.SocialWorker
	CanEdit bool `json:"can_edit"`
}

func toSocialWorkerOut(w *app.SocialWorkerView) socialWorkerOut {
	return socialWorkerOut{SocialWorker: w.SocialWorker, CanEdit: w.CanEdit}
}

func socialWorkerFilter(c echo.Context) (app.SocialWorkerFilter, error) {
	p := params{c: c}
	f := app.SocialWorkerFilter{OrganizationID: p.int64p("organization_id"), CommunityID: p.int64p("community_id"),
		CertificationLevel: p.oneOf("certification_level", app.CertificationLevels), Q: p.str("q", 50), Page: p.page()}
	return f, p.err
}

// socialWorkersPage lists social workers.
func (s *Server) socialWorkersPage() echo.HandlerFunc {
	return servePage(s, listPage[app.SocialWorkerFilter, *app.SocialWorkerView]{page: "social_workers_list", title: "social_workers.title",
		section: "social-workers", rows: "Workers", read: socialWorkerFilter, run: s.app.SocialWorkers, names: true})
}

func (s *Server) socialWorkerPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	w, err := s.app.SocialWorker(ctx, id)
	if err != nil {
		return err
	}
	var org *app.OrganizationView
	if w.OrganizationID != nil {
		if org, err = s.app.Organization(ctx, *w.OrganizationID); err != nil {
			return err
		}
	}
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	v := s.newView(c, w.Name, "social-workers")
	v.Data = map[string]any{"Worker": w, "Org": org, "CommunityNames": names}
	return s.renderPage(c, http.StatusOK, "social_worker_show", v)
}

func (s *Server) socialWorkerForm(c echo.Context, status int, id int64, in app.SocialWorkerInput, v *View) error {
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	orgs, err := s.orgChoices(c)
	if err != nil {
		return err
	}
	supervisors, err := s.app.SupervisorChoices(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v.Data = map[string]any{"ID": id, "Form": in, "CommunityNames": names, "Orgs": orgs, "Supervisors": supervisors}
	return s.renderPage(c, status, "social_worker_form", v)
}

func (s *Server) socialWorkerNewPage(c echo.Context) error {
	if !principal(c).Authenticated() {
		return app.Unauthorized()
	}
	in := app.SocialWorkerInput{CertificationLevel: "social_worker"}
	p := params{c: c}
	in.OrganizationID = p.int64p("organization_id")
	return s.socialWorkerForm(c, http.StatusOK, 0, in, s.newView(c, s.i18n.T(lang(c), "social_workers.new"), "social-workers"))
}

func (s *Server) socialWorkerCreate(c echo.Context) error {
	var in app.SocialWorkerInput
	err := bindForm(c, &in)
	var w *app.SocialWorker
	if err == nil {
		w, err = s.app.CreateSocialWorker(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "social_workers.new"), "social-workers"), func(st int, v *View) error {
			return s.socialWorkerForm(c, st, 0, in, v)
		})
	}
	return s.done(c, "/social-workers/"+strconv.FormatInt(w.ID, 10), "flash.saved", "name", w.Name)
}

func (s *Server) socialWorkerEditPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	w, err := s.app.SocialWorker(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if !w.CanEdit {
		if !principal(c).Authenticated() {
			return app.Unauthorized()
		}
		return app.Forbidden()
	}
	in := app.SocialWorkerInput{OrganizationID: w.OrganizationID, Name: w.Name, CertificationLevel: w.CertificationLevel,
		CertificateNumber: w.CertificateNumber, SupervisorID: w.SupervisorID, CommunityID: w.CommunityID, Mobile: w.Mobile,
		YearsExperience: w.YearsExperience, Categories: w.Categories}
	return s.socialWorkerForm(c, http.StatusOK, id, in, s.newView(c, w.Name, "social-workers"))
}

func (s *Server) socialWorkerUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.SocialWorkerInput
	err = bindForm(c, &in)
	if err == nil {
		_, err = s.app.UpdateSocialWorker(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, in.Name, "social-workers"), func(st int, v *View) error {
			return s.socialWorkerForm(c, st, id, in, v)
		})
	}
	return s.done(c, "/social-workers/"+strconv.FormatInt(id, 10), "flash.saved", "name", in.Name)
}

func (s *Server) socialWorkerResponse(c echo.Context, status int, id int64) error {
	w, err := s.app.SocialWorker(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(status, toSocialWorkerOut(w))
}

func (s *Server) apiSocialWorker(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.socialWorkerResponse(c, http.StatusOK, id)
}

func (s *Server) apiSocialWorkerCreate(c echo.Context) error {
	var in app.SocialWorkerInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	w, err := s.app.CreateSocialWorker(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return s.socialWorkerResponse(c, http.StatusCreated, w.ID)
}

func (s *Server) apiSocialWorkerUpdate(c echo.Context) error {
	return apiActShow(c, http.StatusOK, s.app.UpdateSocialWorker, s.socialWorkerResponse)
}
