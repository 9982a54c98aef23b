package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// userFilter reads the accounts list's query: a name, email or mobile fragment and the page.
func userFilter(c echo.Context) (app.UserFilter, error) {
	p := params{c: c}
	f := app.UserFilter{Q: p.str("q", 100), Page: p.page()}
	return f, p.err
}

// usersPage lists accounts (administrators).
func (s *Server) usersPage() echo.HandlerFunc {
	return servePage(s, listPage[app.UserFilter, *app.User]{page: "users_list", title: "users.title", rows: "Users", read: userFilter, run: s.app.Users,
		more: func(_ echo.Context, f app.UserFilter, data map[string]any) error { data["Q"] = f.Q; return nil }})
}

func (s *Server) userPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := s.app.User(ctx, id)
	if err != nil {
		return err
	}
	ms, _, err := s.app.Memberships(ctx, app.MembershipFilter{UserID: &id, Page: app.Page{Page: 1, PerPage: app.MaxPerPage}})
	if err != nil {
		return err
	}
	places, err := s.placeNames(c, ms)
	if err != nil {
		return err
	}
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	streets, err := s.app.Streets(ctx)
	if err != nil {
		return err
	}
	roles := make([]string, len(app.Roles))
	for i, r := range app.Roles {
		roles[i] = string(r)
	}
	grids, err := s.app.GridChoiceGroups(ctx, nil)
	if err != nil {
		return err
	}
	orgs, err := s.orgChoices(c)
	if err != nil {
		return err
	}
	v := s.newView(c, u.Name, "")
	v.Data = map[string]any{"U": u, "Memberships": ms, "Places": places, "CommunityNames": names, "Streets": streets, "Roles": roles, "Grids": grids, "Orgs": orgs}
	return s.renderPage(c, http.StatusOK, "user_show", v)
}

func (s *Server) membershipCreate(c echo.Context) error {
	var in app.MembershipInput
	err := bindForm(c, &in)
	if err == nil {
		_, err = s.app.GrantMembership(c.Request().Context(), in)
	}
	back := "/admin/users/" + strconv.FormatInt(in.UserID, 10)
	if err != nil {
		if app.IsCode(err, app.EINVALID) || app.IsCode(err, app.ECONFLICT) {
			b := s.describe(err, lang(c), http.StatusUnprocessableEntity)
			msg := b.Message
			for _, m := range b.Fields {
				msg += " " + m
			}
			return s.backWith(c, back, msg)
		}
		return err
	}
	return s.done(c, back, "memberships.granted")
}

func (s *Server) membershipDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	user, err := s.app.UserOfMembership(ctx, id)
	if err != nil {
		return err
	}
	if err := s.app.RevokeMembership(ctx, id); err != nil {
		return err
	}
	return s.done(c, "/admin/users/"+strconv.FormatInt(user, 10), "memberships.revoked")
}

func auditFilter(c echo.Context) (app.AuditFilter, error) {
	p := params{c: c}
	f := app.AuditFilter{CommunityID: p.int64p("community_id"), SubjectID: p.int64p("subject_id"), Page: p.page()}
	if st := p.str("subject_type", 40); st != "" {
		f.SubjectType = &st
	}
	return f, p.err
}

// auditPage lists the audit trail of a community or record.
func (s *Server) auditPage() echo.HandlerFunc {
	return servePage(s, listPage[app.AuditFilter, *app.AuditEvent]{page: "audit_list", title: "audit.title", rows: "Events",
		read: auditFilter, run: s.app.AuditEvents})
}

func (s *Server) apiUser(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u, err := s.app.User(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUserOut(u))
}

// membershipFilter reads the memberships list's query: a community, a user, a role, the page.
func membershipFilter(c echo.Context) (app.MembershipFilter, error) {
	p := params{c: c}
	f := app.MembershipFilter{CommunityID: p.int64p("community_id"), UserID: p.int64p("user_id"), Page: p.page()}
	roles := make([]string, len(app.Roles))
	for i, r := range app.Roles {
		roles[i] = string(r)
	}
	if r := p.oneOf("role", roles); r != nil {
		role := app.Role(*r)
		f.Role = &role
	}
	return f, p.err
}

func (s *Server) apiMembershipCreate(c echo.Context) error {
	return apiNew(c, http.StatusCreated, s.app.GrantMembership)
}

func (s *Server) apiMembershipDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.app.RevokeMembership(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
