package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

func (s *Server) streetsPage(c echo.Context) error {
	ss, err := s.app.Streets(c.Request().Context())
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "streets.title"), "communities")
	v.Data = map[string]any{"Streets": ss, "CanManage": app.Can(principal(c), app.ActStreetManage, app.Target{})}
	return s.renderPage(c, http.StatusOK, "streets_list", v)
}

func (s *Server) streetForm(c echo.Context, status int, id int64, in app.StreetInput, v *View) error {
	v.Data = map[string]any{"ID": id, "Form": in}
	return s.renderPage(c, status, "street_form", v)
}

func (s *Server) streetNewPage(c echo.Context) error {
	if err := app.Authorize(principal(c), app.ActStreetManage, app.Target{}); err != nil {
		return err
	}
	return s.streetForm(c, http.StatusOK, 0, app.StreetInput{}, s.newView(c, s.i18n.T(lang(c), "streets.new"), "communities"))
}

func (s *Server) streetCreate(c echo.Context) error {
	var in app.StreetInput
	err := bindForm(c, &in)
	var st *app.Street
	if err == nil {
		st, err = s.app.CreateStreet(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "streets.new"), "communities"), func(st int, v *View) error {
			return s.streetForm(c, st, 0, in, v)
		})
	}
	return s.done(c, "/streets", "flash.saved", "name", st.Name)
}

func (s *Server) streetEditPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := app.Authorize(principal(c), app.ActStreetManage, app.Target{StreetID: id}); err != nil {
		return err
	}
	st, err := s.app.Street(c.Request().Context(), id)
	if err != nil {
		return err
	}
	in := app.StreetInput{Name: st.Name, District: st.District, City: st.City}
	return s.streetForm(c, http.StatusOK, id, in, s.newView(c, st.Name, "communities"))
}

func (s *Server) streetUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.StreetInput
	err = bindForm(c, &in)
	var st *app.Street
	if err == nil {
		st, err = s.app.UpdateStreet(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, in.Name, "communities"), func(st int, v *View) error {
			return s.streetForm(c, st, id, in, v)
		})
	}
	return s.done(c, "/streets", "flash.saved", "name", st.Name)
}

func (s *Server) apiStreet(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.Street)
}

func (s *Server) apiStreetCreate(c echo.Context) error {
	return apiNew(c, http.StatusCreated, s.app.CreateStreet)
}

func (s *Server) apiStreetUpdate(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.UpdateStreet)
}

func communityFilter(c echo.Context) (app.CommunityFilter, error) {
	p := params{c: c}
	f := app.CommunityFilter{StreetID: p.int64p("street_id"), Kind: p.oneOf("kind", app.CommunityKinds), Q: p.str("q", 50), Page: p.page()}
	return f, p.err
}

// communitiesPage lists communities, with their streets and, for those who may, the way to add one.
func (s *Server) communitiesPage() echo.HandlerFunc {
	return servePage(s, listPage[app.CommunityFilter, *app.Community]{page: "communities_list", title: "communities.title", section: "communities",
		rows: "Communities", read: communityFilter, run: s.app.Communities,
		more: func(c echo.Context, _ app.CommunityFilter, data map[string]any) error {
			ctx := c.Request().Context()
			streets, err := s.app.Streets(ctx)
			if err != nil {
				return err
			}
			names := map[int64]string{}
			for _, st := range streets {
				names[st.ID] = st.Name
			}
			data["Streets"], data["StreetNames"] = streets, names
			data["CanCreate"], err = s.app.CanCreateCommunities(ctx)
			return err
		}})
}

type communityPageData struct {
	Community     *app.Community
	Street        *app.Street
	Grids         []*app.Grid
	Needs         []*app.NeedView
	NeedsTotal    int
	Organizations []*app.OrganizationView
	OrgsTotal     int
	Projects      []*app.ProjectView
	Volunteers    int
	SocialWorkers int
	Donors        int
	CanEdit       bool
	CanFile       bool
	CanImport     bool
}

// communityPage is a community's home: its open needs (overdue first) and its parties.
func (s *Server) communityPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cm, err := s.app.Community(ctx, id)
	if err != nil {
		return err
	}
	d := &communityPageData{Community: cm}
	if d.Street, err = s.app.Street(ctx, cm.StreetID); err != nil {
		return err
	}
	if d.Grids, _, err = s.app.Grids(ctx, app.GridFilter{CommunityID: &id, Page: app.Page{Page: 1, PerPage: app.MaxPerPage}}); err != nil {
		return err
	}
	open := []string{app.NeedOpen, app.NeedInProgress}
	if d.Needs, d.NeedsTotal, err = s.app.Needs(ctx, app.NeedFilter{CommunityID: &id, Statuses: open, Page: app.Page{Page: 1, PerPage: 10, Exact: true}}); err != nil {
		return err
	}
	if d.Organizations, d.OrgsTotal, err = s.app.Organizations(ctx, app.OrganizationFilter{CommunityID: &id, Page: app.Page{Page: 1, PerPage: 10, Exact: true}}); err != nil {
		return err
	}
	if d.Projects, _, err = s.app.Projects(ctx, app.ProjectFilter{CommunityID: &id, Page: app.Page{Page: 1, PerPage: 5}}); err != nil {
		return err
	}
	one := app.Page{Page: 1, PerPage: 1}
	if _, d.Volunteers, err = s.app.Volunteers(ctx, app.VolunteerFilter{CommunityID: &id, Page: one}); err != nil {
		return err
	}
	if _, d.SocialWorkers, err = s.app.SocialWorkers(ctx, app.SocialWorkerFilter{CommunityID: &id, Page: one}); err != nil {
		return err
	}
	if _, d.Donors, err = s.app.Donors(ctx, app.DonorFilter{CommunityID: &id, Page: one}); err != nil {
		return err
	}
	t := app.Target{StreetID: cm.StreetID, CommunityID: cm.ID}
	d.CanEdit = app.Can(principal(c), app.ActCommunityUpdate, t)
	d.CanFile = principal(c).Authenticated()
	d.CanImport = app.Can(principal(c), app.ActImportManage, t)
	v := s.newView(c, cm.Name, "communities")
	v.Data = d
	return s.renderPage(c, http.StatusOK, "community_show", v)
}

func (s *Server) communityForm(c echo.Context, status int, id int64, in app.CommunityInput, v *View) error {
	streets, err := s.app.Streets(c.Request().Context())
	if err != nil {
		return err
	}
	v.Data = map[string]any{"ID": id, "Form": in, "Streets": streets}
	return s.renderPage(c, status, "community_form", v)
}

func (s *Server) communityNewPage(c echo.Context) error {
	p := principal(c)
	if !p.Authenticated() {
		return app.Unauthorized()
	}
	if ok, err := s.app.CanCreateCommunities(c.Request().Context()); err != nil {
		return err
	} else if !ok {
		return app.Forbidden()
	}
	return s.communityForm(c, http.StatusOK, 0, app.CommunityInput{SLAMajorHours: 24, SLAHardHours: 168},
		s.newView(c, s.i18n.T(lang(c), "communities.new"), "communities"))
}

func communityInputOf(cm *app.Community) app.CommunityInput {
	return app.CommunityInput{StreetID: cm.StreetID, Name: cm.Name, Kind: cm.Kind, Households: cm.Households,
		Population: cm.Population, Lat: cm.Lat, Lng: cm.Lng, Address: cm.Address, Description: cm.Description,
		SLAMinorHours: cm.SLAMinorHours, SLAMajorHours: cm.SLAMajorHours, SLAHardHours: cm.SLAHardHours}
}

func (s *Server) communityCreate(c echo.Context) error {
	var in app.CommunityInput
	err := bindForm(c, &in)
	var cm *app.Community
	if err == nil {
		cm, err = s.app.CreateCommunity(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "communities.new"), "communities"), func(st int, v *View) error {
			return s.communityForm(c, st, 0, in, v)
		})
	}
	return s.done(c, "/communities/"+strconv.FormatInt(cm.ID, 10), "flash.saved", "name", cm.Name)
}

func (s *Server) communityEditPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	cm, err := s.app.Community(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if err := app.Authorize(principal(c), app.ActCommunityUpdate, app.Target{StreetID: cm.StreetID, CommunityID: cm.ID}); err != nil {
		return err
	}
	return s.communityForm(c, http.StatusOK, id, communityInputOf(cm), s.newView(c, cm.Name, "communities"))
}

func (s *Server) communityUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.CommunityInput
	err = bindForm(c, &in)
	var cm *app.Community
	if err == nil {
		cm, err = s.app.UpdateCommunity(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, in.Name, "communities"), func(st int, v *View) error {
			return s.communityForm(c, st, id, in, v)
		})
	}
	return s.done(c, "/communities/"+strconv.FormatInt(cm.ID, 10), "flash.saved", "name", cm.Name)
}

func (s *Server) apiCommunity(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.Community)
}

func (s *Server) apiCommunityCreate(c echo.Context) error {
	return apiNew(c, http.StatusCreated, s.app.CreateCommunity)
}

func (s *Server) apiCommunityUpdate(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.UpdateCommunity)
}

func gridFilter(c echo.Context) (app.GridFilter, error) {
	p := params{c: c}
	f := app.GridFilter{CommunityID: p.int64p("community_id"), Level: p.oneOf("level", app.GridLevels), Page: p.page()}
	return f, p.err
}

// gridsPage lists grids.
func (s *Server) gridsPage() echo.HandlerFunc {
	return servePage(s, listPage[app.GridFilter, *app.Grid]{page: "grids_list", title: "grids.title", section: "communities",
		rows: "Grids", read: gridFilter, run: s.app.Grids, names: true})
}

// allCommunities loads every community once, keyed by id, for names and grid selects.
func (s *Server) allCommunities(c echo.Context) (map[int64]*app.Community, error) {
	out := map[int64]*app.Community{}
	for page := 1; ; page++ {
		cs, total, err := s.app.Communities(c.Request().Context(), app.CommunityFilter{Page: app.Page{Page: page, PerPage: app.MaxPerPage}})
		if err != nil {
			return nil, err
		}
		for _, cm := range cs {
			out[cm.ID] = cm
		}
		if page*app.MaxPerPage >= total {
			return out, nil
		}
	}
}

// communityNames maps every community id to its name, for list pages and selects.
func (s *Server) communityNames(c echo.Context) (map[int64]string, error) {
	cs, err := s.allCommunities(c)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(cs))
	for id, cm := range cs {
		out[id] = cm.Name
	}
	return out, nil
}

func (s *Server) gridPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.app.GridDetail(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := s.newView(c, d.Community.Name+" · "+d.Grid.Name, "communities")
	v.Data = d
	return s.renderPage(c, http.StatusOK, "grid_show", v)
}

func (s *Server) gridForm(c echo.Context, status int, id int64, in app.GridInput, v *View) error {
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	var only *int64
	if in.CommunityID != 0 {
		only = &in.CommunityID
	}
	workers, err := s.app.GridWorkerChoices(c.Request().Context(), only)
	if err != nil {
		return err
	}
	v.Data = map[string]any{"ID": id, "Form": in, "CommunityNames": names, "Workers": workers}
	return s.renderPage(c, status, "grid_form", v)
}

func (s *Server) gridNewPage(c echo.Context) error {
	p := principal(c)
	if !p.Authenticated() {
		return app.Unauthorized()
	}
	in := app.GridInput{Level: "routine"}
	pr := params{c: c}
	if id := pr.int64p("community_id"); id != nil {
		in.CommunityID = *id
		cm, err := s.app.Community(c.Request().Context(), *id)
		if err != nil {
			return err
		}
		if err := app.Authorize(p, app.ActGridManage, app.Target{StreetID: cm.StreetID, CommunityID: cm.ID}); err != nil {
			return err
		}
	}
	return s.gridForm(c, http.StatusOK, 0, in, s.newView(c, s.i18n.T(lang(c), "grids.new"), "communities"))
}

func (s *Server) gridCreate(c echo.Context) error {
	var in app.GridInput
	err := bindForm(c, &in)
	var g *app.Grid
	if err == nil {
		g, err = s.app.CreateGrid(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "grids.new"), "communities"), func(st int, v *View) error {
			return s.gridForm(c, st, 0, in, v)
		})
	}
	return s.done(c, "/grids/"+strconv.FormatInt(g.ID, 10), "flash.saved", "name", g.Name)
}

func (s *Server) gridEditPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	g, err := s.app.Grid(ctx, id)
	if err != nil {
		return err
	}
	cm, err := s.app.Community(ctx, g.CommunityID)
	if err != nil {
		return err
	}
	if err := app.Authorize(principal(c), app.ActGridManage, app.Target{StreetID: cm.StreetID, CommunityID: cm.ID, GridID: g.ID}); err != nil {
		return err
	}
	in := app.GridInput{CommunityID: g.CommunityID, Name: g.Name, Code: g.Code, Level: g.Level, Households: g.Households, WorkerID: g.WorkerID, Lat: g.Lat, Lng: g.Lng}
	return s.gridForm(c, http.StatusOK, id, in, s.newView(c, g.Name, "communities"))
}

func (s *Server) gridUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.GridInput
	err = bindForm(c, &in)
	var g *app.Grid
	if err == nil {
		g, err = s.app.UpdateGrid(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, in.Name, "communities"), func(st int, v *View) error {
			return s.gridForm(c, st, id, in, v)
		})
	}
	return s.done(c, "/grids/"+strconv.FormatInt(g.ID, 10), "flash.saved", "name", g.Name)
}

func (s *Server) apiGrid(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.Grid)
}

func (s *Server) apiGridCreate(c echo.Context) error {
	return apiNew(c, http.StatusCreated, s.app.CreateGrid)
}

func (s *Server) apiGridUpdate(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.UpdateGrid)
}

func (s *Server) categoriesPage(c echo.Context) error {
	ctx := c.Request().Context()
	cs, err := s.app.Categories(ctx)
	if err != nil {
		return err
	}
	ss, err := s.app.Skills(ctx)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "categories.title"), "")
	v.Data = map[string]any{"Categories": cs, "Skills": ss}
	return s.renderPage(c, http.StatusOK, "categories_list", v)
}
