package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// availabilityBlocks are the time blocks the volunteer form offers per day.
var availabilityBlocks = []string{"06-09", "09-12", "12-14", "14-18", "18-21"}

type weekCell struct {
	Value   string
	Checked bool
}

type weekRow struct {
	Day   string
	Cells []weekCell
}

func weekGrid(w app.Week) []weekRow {
	rows := make([]weekRow, 7)
	for d, day := range app.DayCodes {
		rows[d].Day = day
		for _, b := range availabilityBlocks {
			val := day + " " + b
			one, _ := app.ParseWeek([]string{val})
			rows[d].Cells = append(rows[d].Cells, weekCell{Value: val, Checked: one.Overlap(w) == one.Hours()})
		}
	}
	return rows
}

type volunteerOut struct {
	*app.Volunteer
	PrivateVisible bool `json:"private_visible"`
	CanEdit        bool `json:"can_edit"`
}

func toVolunteerOut(v *app.VolunteerView) volunteerOut {
	return volunteerOut{Volunteer: v.Volunteer, PrivateVisible: v.Private, CanEdit: v.CanEdit}
}

func volunteerFilter(c echo.Context) (app.VolunteerFilter, error) {
	p := params{c: c}
	f := app.VolunteerFilter{CommunityID: p.int64p("community_id"), GridID: p.int64p("grid_id"), Skill: p.oneOfOrAny("skill", 64),
		Active: p.boolp("active"), Q: p.str("q", 50), Page: p.page()}
	return f, p.err
}

// volunteersPage lists volunteers' public profiles.
func (s *Server) volunteersPage() echo.HandlerFunc {
	return servePage(s, listPage[app.VolunteerFilter, *app.VolunteerView]{page: "volunteers_list", title: "volunteers.title", section: "volunteers",
		rows: "Volunteers", read: volunteerFilter, run: s.app.Volunteers, names: true})
}

func (s *Server) volunteerPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	vol, err := s.app.Volunteer(c.Request().Context(), id)
	if err != nil {
		return err
	}
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	v := s.newView(c, vol.Name, "volunteers")
	v.Data = map[string]any{"Vol": vol, "CommunityNames": names, "Week": weekGrid(vol.Availability)}
	return s.renderPage(c, http.StatusOK, "volunteer_show", v)
}

func (s *Server) volunteerForm(c echo.Context, status int, id int64, in app.VolunteerInput, v *View) error {
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	grids, err := s.app.GridChoiceGroups(c.Request().Context(), nil)
	if err != nil {
		return err
	}
	v.Data = map[string]any{"ID": id, "Form": in, "CommunityNames": names, "Grids": grids, "Week": weekGrid(in.Availability),
		"Worker": app.Can(principal(c), app.ActNeedQueue, app.Target{})}
	return s.renderPage(c, status, "volunteer_form", v)
}

func (s *Server) volunteerNewPage(c echo.Context) error {
	p := principal(c)
	if !p.Authenticated() {
		return app.Unauthorized()
	}
	in := app.VolunteerInput{MaxHoursPerWeek: 4, ForSelf: true, Name: p.User.Name}
	for _, m := range p.Memberships {
		if m.CommunityID != nil {
			in.CommunityID = *m.CommunityID
			break
		}
	}
	return s.volunteerForm(c, http.StatusOK, 0, in, s.newView(c, s.i18n.T(lang(c), "volunteers.new"), "volunteers"))
}

// bindVolunteerForm reads the form, including the availability checkboxes.
func bindVolunteerForm(c echo.Context, in *app.VolunteerInput) error {
	err := bindForm(c, in)
	w, werr := app.ParseWeek(c.Request().PostForm["availability"])
	if werr != nil && err == nil {
		return app.FieldErrors{"availability": app.Msg("error.invalid_value")}.Err()
	}
	in.Availability = w
	return err
}

func (s *Server) volunteerCreate(c echo.Context) error {
	var in app.VolunteerInput
	err := bindVolunteerForm(c, &in)
	var vol *app.Volunteer
	if err == nil {
		vol, err = s.app.CreateVolunteer(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "volunteers.new"), "volunteers"), func(st int, v *View) error {
			return s.volunteerForm(c, st, 0, in, v)
		})
	}
	return s.done(c, "/volunteers/"+strconv.FormatInt(vol.ID, 10), "flash.saved", "name", vol.Name)
}

func (s *Server) volunteerEditPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	vol, err := s.app.Volunteer(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if !vol.CanEdit {
		if !principal(c).Authenticated() {
			return app.Unauthorized()
		}
		return app.Forbidden()
	}
	active := vol.Active
	in := app.VolunteerInput{Name: vol.Name, Mobile: vol.Mobile, CommunityID: vol.CommunityID, GridID: vol.GridID,
		OrganizationID: vol.OrganizationID, Lat: vol.Lat, Lng: vol.Lng, Availability: vol.Availability,
		MaxHoursPerWeek: vol.MaxHoursPerWeek, Bio: vol.Bio, Active: &active, Skills: vol.Skills}
	return s.volunteerForm(c, http.StatusOK, id, in, s.newView(c, vol.Name, "volunteers"))
}

func (s *Server) volunteerUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.VolunteerInput
	err = bindVolunteerForm(c, &in)
	if in.Active == nil {
		f := false // an unticked checkbox sends nothing
		in.Active = &f
	}
	if err == nil {
		_, err = s.app.UpdateVolunteer(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, in.Name, "volunteers"), func(st int, v *View) error {
			return s.volunteerForm(c, st, id, in, v)
		})
	}
	return s.done(c, "/volunteers/"+strconv.FormatInt(id, 10), "flash.saved", "name", in.Name)
}

func (s *Server) volunteerResponse(c echo.Context, status int, id int64) error {
	v, err := s.app.Volunteer(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(status, toVolunteerOut(v))
}

func (s *Server) apiVolunteer(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.volunteerResponse(c, http.StatusOK, id)
}

func (s *Server) apiVolunteerCreate(c echo.Context) error {
	var in app.VolunteerInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	v, err := s.app.CreateVolunteer(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return s.volunteerResponse(c, http.StatusCreated, v.ID)
}

func (s *Server) apiVolunteerUpdate(c echo.Context) error {
	return apiActShow(c, http.StatusOK, s.app.UpdateVolunteer, s.volunteerResponse)
}

type donorOut struct {
	*app.Donor
	PrivateVisible bool `json:"private_visible"`
	CanEdit        bool `json:"can_edit"`
}

func toDonorOut(d *app.DonorView) donorOut {
	return donorOut{Donor: d.Donor, PrivateVisible: d.Private, CanEdit: d.CanEdit}
}

func donorFilter(c echo.Context) (app.DonorFilter, error) {
	p := params{c: c}
	f := app.DonorFilter{Kind: p.oneOf("kind", app.DonorKinds), CommunityID: p.int64p("community_id"),
		Interest: p.oneOfOrAny("interest", 64), Q: p.str("q", 50), Page: p.page()}
	return f, p.err
}

// donorsPage lists donors.
func (s *Server) donorsPage() echo.HandlerFunc {
	return servePage(s, listPage[app.DonorFilter, *app.DonorView]{page: "donors_list", title: "donors.title", section: "donors",
		rows: "Donors", read: donorFilter, run: s.app.Donors, names: true})
}

func (s *Server) donorPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.app.Donor(c.Request().Context(), id)
	if err != nil {
		return err
	}
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	v := s.newView(c, d.Name, "donors")
	v.Data = map[string]any{"Donor": d, "CommunityNames": names}
	return s.renderPage(c, http.StatusOK, "donor_show", v)
}

func (s *Server) donorForm(c echo.Context, status int, id int64, in app.DonorInput, v *View) error {
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	orgs, err := s.orgChoices(c)
	if err != nil {
		return err
	}
	v.Data = map[string]any{"ID": id, "Form": in, "CommunityNames": names, "Orgs": orgs}
	return s.renderPage(c, status, "donor_form", v)
}

func (s *Server) donorNewPage(c echo.Context) error {
	p := principal(c)
	if !p.Authenticated() {
		return app.Unauthorized()
	}
	in := app.DonorInput{Kind: "resident", ForSelf: true, Name: p.User.Name}
	for _, m := range p.Memberships {
		if m.CommunityID != nil {
			in.CommunityID = m.CommunityID
			break
		}
	}
	return s.donorForm(c, http.StatusOK, 0, in, s.newView(c, s.i18n.T(lang(c), "donors.new"), "donors"))
}

func (s *Server) donorCreate(c echo.Context) error {
	var in app.DonorInput
	err := bindForm(c, &in)
	var d *app.Donor
	if err == nil {
		d, err = s.app.CreateDonor(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "donors.new"), "donors"), func(st int, v *View) error {
			return s.donorForm(c, st, 0, in, v)
		})
	}
	return s.done(c, "/donors/"+strconv.FormatInt(d.ID, 10), "flash.saved", "name", d.Name)
}

func (s *Server) donorEditPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.app.Donor(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if !d.CanEdit {
		if !principal(c).Authenticated() {
			return app.Unauthorized()
		}
		return app.Forbidden()
	}
	in := app.DonorInput{Kind: d.Kind, Name: d.Name, OrganizationID: d.OrganizationID, CommunityID: d.CommunityID,
		Mobile: d.Mobile, AnonymousDefault: d.AnonymousDefault, Interests: d.Interests}
	return s.donorForm(c, http.StatusOK, id, in, s.newView(c, d.Name, "donors"))
}

func (s *Server) donorUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.DonorInput
	err = bindForm(c, &in)
	if err == nil {
		_, err = s.app.UpdateDonor(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, in.Name, "donors"), func(st int, v *View) error {
			return s.donorForm(c, st, id, in, v)
		})
	}
	return s.done(c, "/donors/"+strconv.FormatInt(id, 10), "flash.saved", "name", in.Name)
}

func (s *Server) donorResponse(c echo.Context, status int, id int64) error {
	d, err := s.app.Donor(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(status, toDonorOut(d))
}

func (s *Server) apiDonor(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.donorResponse(c, http.StatusOK, id)
}

func (s *Server) apiDonorCreate(c echo.Context) error {
	var in app.DonorInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	d, err := s.app.CreateDonor(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return s.donorResponse(c, http.StatusCreated, d.ID)
}

func (s *Server) apiDonorUpdate(c echo.Context) error {
	return apiActShow(c, http.StatusOK, s.app.UpdateDonor, s.donorResponse)
}
