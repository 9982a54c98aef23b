package web

// Routes of administration: accounts, memberships and the audit trail, pages and JSON API
// with its OpenAPI entries.

import (
	"net/http"

	"github.com/wushe/wushe/app"
)

func (s *Server) adminRoutes() {
	s.usePages("users_list", "user_show", "audit_list")
	e := s.e
	e.GET("/admin/users", s.usersPage())
	e.GET("/admin/users/:id", s.userPage)
	e.POST("/memberships", s.membershipCreate)
	e.POST("/memberships/:id/delete", s.membershipDelete)
	e.GET("/audit", s.auditPage())

	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/users", Op: "listUsers", Tag: "admin", Auth: true,
		Summary: "List accounts (administrators)", Query: []queryParam{{Name: "q", Type: "string"}, {Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer"}},
		Resp: list[userOut]{}, H: apiList(userFilter, s.app.Users, toUserOut)})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/users/:id", Op: "getUser", Tag: "admin", Auth: true,
		Summary: "Get an account (yourself, or any for administrators)", Resp: userOut{}, H: s.apiUser})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/memberships", Op: "listMemberships", Tag: "admin", Auth: true,
		Summary: "List memberships in a community, or of a user",
		Query:   []queryParam{{Name: "community_id", Type: "integer"}, {Name: "user_id", Type: "integer"}, {Name: "role", Type: "string"}, {Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer"}},
		Resp:    list[*app.Membership]{}, H: apiList(membershipFilter, s.app.Memberships, asIs[*app.Membership])})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/memberships", Op: "grantMembership", Tag: "admin", Auth: true,
		Summary: "Grant a role in a scope (within what the caller may grant)", Body: app.MembershipInput{}, Resp: app.Membership{},
		Status: http.StatusCreated, H: s.apiMembershipCreate})
	s.api(apiRoute{Method: http.MethodDelete, Path: "/api/v1/memberships/:id", Op: "revokeMembership", Tag: "admin", Auth: true,
		Summary: "Revoke a membership", Status: http.StatusNoContent, H: s.apiMembershipDelete})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/audit-events", Op: "listAuditEvents", Tag: "admin", Auth: true,
		Summary: "The audit trail of a community or record",
		Query: []queryParam{{Name: "community_id", Type: "integer"}, {Name: "subject_type", Type: "string"}, {Name: "subject_id", Type: "integer"},
			{Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer"}},
		Resp: list[*app.AuditEvent]{}, H: apiList(auditFilter, s.app.AuditEvents, asIs[*app.AuditEvent])})
}
