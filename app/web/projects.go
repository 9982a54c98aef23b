package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
)

type projectOut struct {
	*app.Project
	CanEdit   bool `json:"can_edit"`
	CanSubmit bool `json:"can_submit"`
	CanDecide bool `json:"can_decide"`
	// Photos are the proposal's images; CanAddPhoto says the viewer may add one.
	Photos      []photoOut `json:"photos"`
	CanAddPhoto bool       `json:"can_add_photo"`
	projectDeliberationOut
	*app.ProjectDeliveryView
}

func (s *Server) toProjectOut(v *app.ProjectView) projectOut {
	return projectOut{Project: v.Project, CanEdit: v.CanEdit, CanSubmit: v.CanSubmit, CanDecide: v.CanDecide,
		Photos: toPhotosOut(v.Photos), CanAddPhoto: v.CanAddPhoto, projectDeliberationOut: s.toDeliberationOut(v), ProjectDeliveryView: v.Delivery}
}

func projectFilter(c echo.Context) (app.ProjectFilter, error) {
	p := params{c: c}
	f := app.ProjectFilter{CommunityID: p.int64p("community_id"), Category: p.oneOfOrAny("category", 64), Q: p.str("q", 100), Page: p.page()}
	if st := p.oneOf("status", app.ProjectStatuses); st != nil {
		f.Statuses = []string{*st}
	}
	if mine := p.boolp("mine"); mine != nil && *mine {
		if pr := principal(c); pr.Authenticated() {
			f.ProposerID = &pr.User.ID
		} else {
			return f, app.Unauthorized()
		}
	}
	return f, p.err
}

// projectsPage lists micro-projects.
func (s *Server) projectsPage() echo.HandlerFunc {
	return servePage(s, listPage[app.ProjectFilter, *app.ProjectView]{page: "projects_list", title: "projects.title", section: "projects", rows: "Projects",
		read: projectFilter, run: s.app.Projects, names: true})
}

func (s *Server) projectPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.app.ProjectDetail(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := s.newView(c, d.Project.Title, "projects")
	v.Data = d
	return s.renderPage(c, http.StatusOK, "project_show", v)
}

type projectFormData struct {
	ID             int64
	Form           app.ProjectInput
	Budget         string
	CommunityNames map[int64]string
	// Orgs are the organization picker's choices.
	Orgs []app.ChoiceGroup
}

func (s *Server) projectForm(c echo.Context, status int, d *projectFormData, v *View) error {
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	d.CommunityNames = names
	if d.Orgs, err = s.orgChoices(c); err != nil {
		return err
	}
	v.Data = d
	return s.renderPage(c, status, "project_form", v)
}

func (s *Server) projectNewPage(c echo.Context) error {
	p := principal(c)
	if !p.Authenticated() {
		return app.Unauthorized()
	}
	in := app.ProjectInput{}
	for _, m := range p.Memberships {
		if m.CommunityID != nil {
			in.CommunityID = *m.CommunityID
			break
		}
	}
	return s.projectForm(c, http.StatusOK, &projectFormData{Form: in}, s.newView(c, s.i18n.T(lang(c), "projects.new"), "projects"))
}

// bindProjectForm reads the form; the budget is typed in yuan ("1,200.50") and stored in fen.
func bindProjectForm(c echo.Context, in *app.ProjectInput) error {
	photos, err := readPhotos(c) // first: it parses a multipart form, whose fields bindForm reads
	if err != nil {
		return err
	}
	err = bindForm(c, in)
	in.Photos = photos
	in.Currency = string(funds.CNY)
	m, perr := funds.ParseNonNegative(c.FormValue("budget"), funds.CNY)
	if c.FormValue("budget") == "" {
		m, perr = funds.Money{}, nil
	}
	if perr != nil {
		msg := "error.amount"
		if errors.Is(perr, funds.ErrTooManyDecimals) {
			msg = "error.amount_decimals"
		}
		fe := app.FieldErrors{"budget": app.Msg(msg)}
		var ae *app.Error
		if errors.As(err, &ae) {
			for f, m := range ae.Fields {
				fe[f] = m
			}
		}
		return fe.Err()
	}
	in.Budget = m.Amount
	return err
}

func (s *Server) projectCreate(c echo.Context) error {
	var in app.ProjectInput
	err := bindProjectForm(c, &in)
	var pr *app.Project
	if err == nil {
		pr, err = s.app.CreateProject(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "projects.new"), "projects"), func(st int, v *View) error {
			return s.projectForm(c, st, &projectFormData{Form: in, Budget: c.FormValue("budget")}, v)
		})
	}
	return s.done(c, "/projects/"+strconv.FormatInt(pr.ID, 10), "projects.saved_draft")
}

func (s *Server) projectEditPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	pr, err := s.app.Project(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if !pr.CanEdit {
		if !principal(c).Authenticated() {
			return app.Unauthorized()
		}
		return app.Forbidden()
	}
	in := app.ProjectInput{CommunityID: pr.CommunityID, GridID: pr.GridID, OrganizationID: pr.OrganizationID, Title: pr.Title,
		Description: pr.Description, Category: pr.Category, Budget: pr.Budget, Currency: pr.Currency, Beneficiaries: pr.Beneficiaries}
	d := &projectFormData{ID: id, Form: in, Budget: funds.Fen(pr.Budget).Decimal()}
	return s.projectForm(c, http.StatusOK, d, s.newView(c, pr.Title, "projects"))
}

func (s *Server) projectUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.ProjectInput
	err = bindProjectForm(c, &in)
	if err == nil {
		_, err = s.app.UpdateProject(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, in.Title, "projects"), func(st int, v *View) error {
			return s.projectForm(c, st, &projectFormData{ID: id, Form: in, Budget: c.FormValue("budget")}, v)
		})
	}
	return s.done(c, "/projects/"+strconv.FormatInt(id, 10), "flash.saved", "name", in.Title)
}

func (s *Server) projectSubmit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.app.SubmitProject(c.Request().Context(), id); err != nil {
		return err
	}
	return s.done(c, "/projects/"+strconv.FormatInt(id, 10), "projects.submitted")
}

func (s *Server) projectDecide(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var d app.ProjectDecision
	if err := bindForm(c, &d); err != nil {
		return s.after(c, "/projects/"+strconv.FormatInt(id, 10), err, "")
	}
	pr, err := s.app.DecideProject(c.Request().Context(), id, d)
	msg := "projects.rejected_done"
	if err == nil && pr.Status == app.ProjectApproved {
		msg = "projects.approved_done"
	}
	return s.after(c, "/projects/"+strconv.FormatInt(id, 10), err, msg)
}

func (s *Server) projectResponse(c echo.Context, status int, id int64) error {
	p, err := s.app.Project(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(status, s.toProjectOut(p))
}

func (s *Server) apiProject(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.projectResponse(c, http.StatusOK, id)
}

func (s *Server) apiProjectCreate(c echo.Context) error {
	var in app.ProjectInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	p, err := s.app.CreateProject(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return s.projectResponse(c, http.StatusCreated, p.ID)
}

func (s *Server) apiProjectUpdate(c echo.Context) error {
	return apiActShow(c, http.StatusOK, s.app.UpdateProject, s.projectResponse)
}

func (s *Server) apiProjectSubmit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.app.SubmitProject(c.Request().Context(), id); err != nil {
		return err
	}
	return s.projectResponse(c, http.StatusOK, id)
}

func (s *Server) apiProjectDecide(c echo.Context) error {
	return apiActShow(c, http.StatusOK, s.app.DecideProject, s.projectResponse)
}
