package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// safeNext keeps post-login redirects on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" {
		return "/"
	}
	return next
}

type loginForm struct {
	Login string
	Next  string
}

func (s *Server) loginPage(c echo.Context) error {
	v := s.newView(c, s.i18n.T(lang(c), "login.title"), "")
	v.Data = loginForm{Next: safeNext(c.QueryParam("next"))}
	return s.renderPage(c, http.StatusOK, "login", v)
}

// loginAllowed applies the login rate limit per client address and per account, counted in
// the database so every process behind the load balancer shares it.
func (s *Server) loginAllowed(c echo.Context, login string) error {
	ok, err := s.app.AllowAttempt(c.Request().Context(), s.cfg.LoginPerMinute, "ip:"+c.RealIP(), "login:"+app.NormalizeLogin(login))
	if err != nil {
		return err
	}
	if !ok {
		return app.Errorf(app.ERATELIMITED, "error.rate_limited")
	}
	return nil
}

func (s *Server) login(c echo.Context) error {
	login, password := strings.TrimSpace(c.FormValue("login")), c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	v := s.newView(c, s.i18n.T(lang(c), "login.title"), "")
	v.Data = loginForm{Login: login, Next: next}
	if err := s.loginAllowed(c, login); err != nil {
		if !app.IsCode(err, app.ERATELIMITED) {
			return err
		}
		v.Errors["login"] = s.i18n.T(v.Lang, "error.rate_limited")
		c.Response().Header().Set("Retry-After", "60")
		return s.renderPage(c, http.StatusTooManyRequests, "login", v)
	}
	u, err := s.app.Authenticate(c.Request().Context(), login, password)
	if app.IsCode(err, app.EUNAUTHORIZED) {
		v.Errors["login"] = s.i18n.T(v.Lang, "error.bad_login")
		return s.renderPage(c, http.StatusUnauthorized, "login", v)
	} else if err != nil {
		return err
	}
	ctx := c.Request().Context()
	// A new session token on login prevents session fixation.
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, "user_id", u.ID)
	s.sessions.Put(ctx, sessionStamp, passwordStamp(u))
	s.sessions.Put(ctx, "flash", s.i18n.T(v.Lang, "login.welcome", "name", u.Name))
	return c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) logout(c echo.Context) error {
	ctx := c.Request().Context()
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

type registerPageData struct {
	Form        app.RegisterInput
	Communities []*app.Community
	// GridGroups are every community's grids, shown from the start (grouped by community,
	// so the choice needs no script): choosing a grid also says which community.
	GridGroups []gridGroup
}

// gridGroup is one community's grids in the registration form's grid select.
type gridGroup struct {
	Community string
	Grids     []*app.Grid
}

func (s *Server) registerData(c echo.Context, in app.RegisterInput) (*registerPageData, error) {
	ctx := c.Request().Context()
	cs, _, err := s.app.Communities(ctx, app.CommunityFilter{Page: app.Page{Page: 1, PerPage: app.MaxPerPage}})
	if err != nil {
		return nil, err
	}
	d := &registerPageData{Form: in, Communities: cs}
	byCommunity := map[int64][]*app.Grid{}
	for page := 1; ; page++ {
		gs, total, err := s.app.Grids(ctx, app.GridFilter{Page: app.Page{Page: page, PerPage: app.MaxPerPage}})
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			byCommunity[g.CommunityID] = append(byCommunity[g.CommunityID], g)
		}
		if page*app.MaxPerPage >= total {
			break
		}
	}
	for _, cm := range cs {
		if gs := byCommunity[cm.ID]; len(gs) > 0 {
			d.GridGroups = append(d.GridGroups, gridGroup{Community: cm.Name, Grids: gs})
		}
	}
	return d, nil
}

func (s *Server) registerPage(c echo.Context) error {
	in := app.RegisterInput{}
	p := params{c: c}
	if id := p.int64p("community_id"); id != nil {
		in.CommunityID = *id
	}
	d, err := s.registerData(c, in)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "register.title"), "")
	v.Data = d
	return s.renderPage(c, http.StatusOK, "register", v)
}

func (s *Server) register(c echo.Context) error {
	var in app.RegisterInput
	ferr := bindForm(c, &in)
	in.Locale = lang(c)
	v := s.newView(c, s.i18n.T(lang(c), "register.title"), "")
	var u *app.User
	err := ferr
	if err == nil {
		u, err = s.app.Register(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, v, func(st int, v *View) error {
			in.Password = ""
			d, err := s.registerData(c, in)
			if err != nil {
				return err
			}
			v.Data = d
			return s.renderPage(c, st, "register", v)
		})
	}
	ctx := c.Request().Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, "user_id", u.ID)
	s.sessions.Put(ctx, sessionStamp, passwordStamp(u))
	s.sessions.Put(ctx, "flash", s.i18n.T(v.Lang, "register.done", "name", u.Name))
	return c.Redirect(http.StatusSeeOther, "/me")
}

type meData struct {
	Memberships []*app.Membership
	Needs       []*app.NeedView
	Projects    []*app.ProjectView
	Volunteer   *app.Volunteer
	Places      map[int64]string
}

func (s *Server) mePage(c echo.Context) error {
	p := principal(c)
	if !p.Authenticated() {
		return app.Unauthorized()
	}
	ctx := c.Request().Context()
	uid := p.User.ID
	needs, _, err := s.app.Needs(ctx, app.NeedFilter{RequesterID: &uid, Page: app.Page{Page: 1, PerPage: 50}})
	if err != nil {
		return err
	}
	projects, _, err := s.app.Projects(ctx, app.ProjectFilter{ProposerID: &uid, Page: app.Page{Page: 1, PerPage: 50}})
	if err != nil {
		return err
	}
	d := &meData{Needs: needs, Projects: projects}
	for i := range p.Memberships {
		d.Memberships = append(d.Memberships, &p.Memberships[i])
	}
	if vol, err := s.app.MyVolunteer(ctx); err == nil {
		d.Volunteer = vol
	} else if !app.IsCode(err, app.ENOTFOUND) {
		return err
	}
	d.Places, err = s.placeNames(c, d.Memberships)
	if err != nil {
		return err
	}
	v := s.newView(c, p.User.Name, "")
	v.Data = d
	return s.renderPage(c, http.StatusOK, "me", v)
}

// placeNames names the scope of each membership ("东湖社区", "第3网格", "当湖街道").
func (s *Server) placeNames(c echo.Context, ms []*app.Membership) (map[int64]string, error) {
	ctx := c.Request().Context()
	out := map[int64]string{}
	for _, m := range ms {
		switch {
		case m.GridID != nil:
			g, err := s.app.Grid(ctx, *m.GridID)
			if err != nil {
				return nil, err
			}
			cm, err := s.app.Community(ctx, g.CommunityID)
			if err != nil {
				return nil, err
			}
			out[m.ID] = cm.Name + " · " + g.Name
		case m.CommunityID != nil:
			cm, err := s.app.Community(ctx, *m.CommunityID)
			if err != nil {
				return nil, err
			}
			out[m.ID] = cm.Name
		case m.StreetID != nil:
			st, err := s.app.Street(ctx, *m.StreetID)
			if err != nil {
				return nil, err
			}
			out[m.ID] = st.Name
		default:
			out[m.ID] = s.i18n.T(lang(c), "scope.global")
		}
	}
	return out, nil
}

type tokenRequest struct {
	Email    string `json:"email"`
	Mobile   string `json:"mobile,omitempty"`
	Password string `json:"password"`
	Name     string `json:"name,omitempty"`
}

type tokenResponse struct {
	Token     string `json:"token"`
	ExpiresAt string `json:"expires_at"`
}

func (s *Server) apiCreateToken(c echo.Context) error {
	var in tokenRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	login := in.Email
	if login == "" {
		login = in.Mobile
	}
	fe := app.FieldErrors{}
	if login == "" {
		fe.Add("email", "error.required")
	}
	if in.Password == "" {
		fe.Add("password", "error.required")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if err := s.loginAllowed(c, login); err != nil {
		return err
	}
	token, t, err := s.app.CreateAPIToken(c.Request().Context(), login, in.Password, in.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, tokenResponse{Token: token, ExpiresAt: t.ExpiresAt.Format("2006-01-02T15:04:05Z07:00")})
}

// userOut is a user as the API shows it to themselves or to administrators.
type userOut struct {
	ID     int64   `json:"id"`
	Name   string  `json:"name"`
	Email  *string `json:"email"`
	Mobile *string `json:"mobile"`
	Locale string  `json:"locale"`
}

func toUserOut(u *app.User) userOut {
	return userOut{ID: u.ID, Name: u.Name, Email: u.Email, Mobile: u.Mobile, Locale: u.Locale}
}

type meOut struct {
	User        userOut          `json:"user"`
	Memberships []app.Membership `json:"memberships"`
}

func (s *Server) apiRegister(c echo.Context) error {
	var in app.RegisterInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	u, err := s.app.Register(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toUserOut(u))
}

func (s *Server) apiMe(c echo.Context) error {
	p := principal(c)
	if !p.Authenticated() {
		return app.Unauthorized()
	}
	ms := p.Memberships
	if ms == nil {
		ms = []app.Membership{}
	}
	return c.JSON(http.StatusOK, meOut{User: toUserOut(p.User), Memberships: ms})
}
