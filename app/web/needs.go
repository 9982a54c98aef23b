package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// needOut is a need in the API, with whether it is overdue and what the caller may do next.
type needOut struct {
	*app.Need
	Overdue        bool     `json:"overdue"`
	PrivateVisible bool     `json:"private_visible"`
	Actions        []string `json:"actions"`
}

func toNeedOut(v *app.NeedView) needOut {
	acts := v.Can
	if acts == nil {
		acts = []string{}
	}
	return needOut{Need: v.Need, Overdue: v.Overdue, PrivateVisible: v.Private, Actions: acts}
}

func needFilter(c echo.Context) (app.NeedFilter, error) {
	p := params{c: c}
	f := app.NeedFilter{
		CommunityID:     p.int64p("community_id"),
		GridID:          p.int64p("grid_id"),
		Category:        p.oneOfOrAny("category", 64),
		Tier:            p.oneOf("tier", app.NeedTiers),
		EscalationLevel: p.oneOf("escalation_level", []string{app.LevelGrid, app.LevelCommunity, app.LevelStreet}),
		Q:               p.str("q", 100),
		Page:            p.page(),
	}
	if st := p.oneOf("status", append([]string{"active"}, app.NeedStatuses...)); st != nil {
		if *st == "active" {
			f.Statuses = []string{app.NeedOpen, app.NeedInProgress}
		} else {
			f.Statuses = []string{*st}
		}
	}
	return f, p.err
}

// oneOfOrAny reads a free-form code of bounded length (categories are validated by the domain).
func (p *params) oneOfOrAny(name string, maxLen int) *string {
	v := p.str(name, maxLen)
	if v == "" {
		return nil
	}
	return &v
}

// needsPage lists needs, unresolved ones unless a status is asked for, overdue first.
func (s *Server) needsPage() echo.HandlerFunc {
	return servePage(s, listPage[app.NeedFilter, *app.NeedView]{page: "needs_list", title: "needs.title", section: "needs", rows: "Needs",
		read: func(c echo.Context) (app.NeedFilter, error) {
			f, err := needFilter(c)
			if c.QueryParam("status") == "" {
				f.Statuses = []string{app.NeedOpen, app.NeedInProgress}
			}
			return f, err
		},
		run: s.app.Needs, names: true})
}

// queuePage lists the needs the worker answers for, overdue first.
func (s *Server) queuePage() echo.HandlerFunc {
	return servePage(s, listPage[app.NeedFilter, *app.NeedView]{page: "queue", title: "queue.title", section: "queue", rows: "Needs",
		read: needFilter, run: s.app.NeedQueue, names: true})
}

type needFormData struct {
	ID          int64
	Form        app.NeedInput
	WindowStart string
	WindowEnd   string
	Grids       []gridChoice
	OnBehalf    bool
	CanTier     bool
}

// gridChoice is a grid labelled with its community, for the grid select.
type gridChoice struct {
	ID    int64
	Label string
}

// gridChoices lists the grids the user may file in: the principal's community (or all for
// workers with wider scopes).
func (s *Server) gridChoices(c echo.Context) ([]gridChoice, error) {
	ctx := c.Request().Context()
	p := principal(c)
	cms, err := s.allCommunities(c)
	if err != nil {
		return nil, err
	}
	var out []gridChoice
	for page := 1; ; page++ {
		gs, total, err := s.app.Grids(ctx, app.GridFilter{Page: app.Page{Page: page, PerPage: app.MaxPerPage}})
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			cm, ok := cms[g.CommunityID]
			if !ok {
				continue
			}
			t := app.Target{StreetID: cm.StreetID, CommunityID: cm.ID, GridID: g.ID}
			if app.Can(p, app.ActNeedCreate, t) {
				out = append(out, gridChoice{ID: g.ID, Label: cm.Name + " · " + g.Name})
			}
		}
		if page*app.MaxPerPage >= total {
			return out, nil
		}
	}
}

func (s *Server) renderNeedForm(c echo.Context, status int, d *needFormData, v *View) error {
	grids, err := s.gridChoices(c)
	if err != nil {
		return err
	}
	d.Grids = grids
	if d.ID == 0 && d.Form.GridID == 0 {
		d.Form.GridID = preselectGrid(principal(c), grids)
	}
	d.OnBehalf = app.Can(principal(c), app.ActNeedQueue, app.Target{})
	v.Data = d
	return s.renderPage(c, status, "need_form", v)
}

// preselectGrid is the grid a new need most likely belongs to, so a resident's first submit
// does not fail on an empty grid: the one grid the user lives in (a resident membership), or
// the only grid they may choose. It is 0 when the choice is not obvious.
func preselectGrid(p *app.Principal, grids []gridChoice) int64 {
	allowed := map[int64]bool{}
	for _, g := range grids {
		allowed[g.ID] = true
	}
	var home []int64
	for _, m := range p.Memberships {
		if m.Role == app.RoleResident && m.GridID != nil && allowed[*m.GridID] && !slices.Contains(home, *m.GridID) {
			home = append(home, *m.GridID)
		}
	}
	switch {
	case len(home) == 1:
		return home[0]
	case len(home) == 0 && len(grids) == 1:
		return grids[0].ID
	}
	return 0
}

func (s *Server) needNewPage(c echo.Context) error {
	if !principal(c).Authenticated() {
		return app.Unauthorized()
	}
	in := app.NeedInput{Tier: app.TierMinor, Privacy: "private"}
	p := params{c: c}
	if g := p.int64p("grid_id"); g != nil {
		in.GridID = *g
	}
	return s.renderNeedForm(c, http.StatusOK, &needFormData{Form: in}, s.newView(c, s.i18n.T(lang(c), "needs.new"), "needs"))
}

func (s *Server) localInput(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(s.app.Location()).Format("2006-01-02T15:04")
}

func (s *Server) needCreate(c echo.Context) error {
	var in app.NeedInput
	err := bindForm(c, &in)
	fe := app.FieldErrors{}
	in.WindowStart, in.WindowEnd = s.formTime(c, "window_start", fe), s.formTime(c, "window_end", fe)
	if err == nil {
		err = fe.Err()
	}
	var n *app.Need
	if err == nil {
		n, err = s.app.CreateNeed(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "needs.new"), "needs"), func(st int, v *View) error {
			d := &needFormData{Form: in, WindowStart: c.FormValue("window_start"), WindowEnd: c.FormValue("window_end")}
			return s.renderNeedForm(c, st, d, v)
		})
	}
	return s.done(c, "/needs/"+strconv.FormatInt(n.ID, 10), "needs.filed", "due", s.formatTime(n.DueAt))
}

func (s *Server) needPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.app.NeedDetail(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := s.newView(c, d.Need.Title, "needs")
	v.Data = d
	return s.renderPage(c, http.StatusOK, "need_show", v)
}

func (s *Server) needEditPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	n, err := s.app.Need(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if !slices.Contains(n.Can, "edit") {
		if !principal(c).Authenticated() {
			return app.Unauthorized()
		}
		return app.Forbidden()
	}
	in := app.NeedInput{GridID: n.GridID, CommunityID: n.CommunityID, Category: n.Category, Tier: n.Tier, Title: n.Title,
		Description: n.Description, Address: n.Address, Privacy: n.Privacy, Sensitive: n.Sensitive}
	d := &needFormData{ID: id, Form: in, WindowStart: s.localInput(n.WindowStart), WindowEnd: s.localInput(n.WindowEnd),
		CanTier: slices.Contains(n.Can, "assign")}
	return s.renderNeedForm(c, http.StatusOK, d, s.newView(c, n.Title, "needs"))
}

func (s *Server) needUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.NeedInput
	err = bindForm(c, &in)
	fe := app.FieldErrors{}
	ws, we := s.formTime(c, "window_start", fe), s.formTime(c, "window_end", fe)
	if err == nil {
		err = fe.Err()
	}
	if err == nil {
		up := app.NeedUpdate{Category: &in.Category, Title: &in.Title, Description: &in.Description, Address: &in.Address,
			Privacy: &in.Privacy, Sensitive: &in.Sensitive, WindowStart: ws, WindowEnd: we}
		if in.Tier != "" {
			up.Tier = &in.Tier
		}
		_, err = s.app.UpdateNeed(c.Request().Context(), id, up)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, in.Title, "needs"), func(st int, v *View) error {
			d := &needFormData{ID: id, Form: in, WindowStart: c.FormValue("window_start"), WindowEnd: c.FormValue("window_end"), CanTier: true}
			return s.renderNeedForm(c, st, d, v)
		})
	}
	return s.done(c, "/needs/"+strconv.FormatInt(id, 10), "flash.saved", "name", in.Title)
}

func (s *Server) needTransition(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	tr := app.NeedTransition(c.FormValue("action"))
	if _, err := s.app.TransitionNeed(c.Request().Context(), id, tr, c.FormValue("note")); err != nil {
		if app.IsCode(err, app.EINVALID) || app.IsCode(err, app.ECONFLICT) {
			return s.backWith(c, "/needs/"+strconv.FormatInt(id, 10), s.describe(err, lang(c), http.StatusConflict).Message)
		}
		return err
	}
	return s.done(c, "/needs/"+strconv.FormatInt(id, 10), "needs.moved", "action", s.i18n.T(lang(c), "transition."+string(tr)))
}

func (s *Server) needAssign(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	uid, perr := strconv.ParseInt(c.FormValue("assignee_id"), 10, 64)
	if perr != nil {
		return s.backWith(c, "/needs/"+strconv.FormatInt(id, 10), s.i18n.T(lang(c), "error.unknown_ref"))
	}
	if _, err := s.app.AssignNeed(c.Request().Context(), id, uid); err != nil {
		if app.IsCode(err, app.EINVALID) || app.IsCode(err, app.ECONFLICT) {
			return s.backWith(c, "/needs/"+strconv.FormatInt(id, 10), s.describe(err, lang(c), http.StatusConflict).Message)
		}
		return err
	}
	return s.done(c, "/needs/"+strconv.FormatInt(id, 10), "needs.assigned")
}

func (s *Server) apiNeed(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	n, err := s.app.Need(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toNeedOut(n))
}

func (s *Server) apiNeedCreate(c echo.Context) error {
	var in app.NeedInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	n, err := s.app.CreateNeed(c.Request().Context(), in)
	if err != nil {
		return err
	}
	v, err := s.app.Need(c.Request().Context(), n.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toNeedOut(v))
}

func (s *Server) apiNeedUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.NeedUpdate
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	v, err := s.app.UpdateNeed(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toNeedOut(v))
}

type transitionIn struct {
	Action string `json:"action"`
	Note   string `json:"note,omitempty"`
}

func (s *Server) apiNeedTransition(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in transitionIn
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	v, err := s.app.TransitionNeed(c.Request().Context(), id, app.NeedTransition(in.Action), in.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toNeedOut(v))
}

type assignIn struct {
	AssigneeID int64 `json:"assignee_id"`
}

func (s *Server) apiNeedAssign(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in assignIn
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	v, err := s.app.AssignNeed(c.Request().Context(), id, in.AssigneeID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toNeedOut(v))
}
