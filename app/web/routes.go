package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wushe/wushe/templates"
)

// apiRoute is one JSON API operation with what the OpenAPI document says about it.
type apiRoute struct {
	Method, Path string
	Op, Summary  string
	Tag          string
	// Auth: the operation needs a bearer token (it may still be refused by scope).
	Auth   bool
	Query  []queryParam
	Body   any // a value of the request body type, or nil
	Resp   any // a value of the response type, or nil for no body
	Status int // the success status
	H      echo.HandlerFunc
}

// queryParam documents a query parameter.
type queryParam struct {
	Name, Type, Desc string
	Enum             []string
}

func (s *Server) api(r apiRoute) {
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	s.apiRoutes = append(s.apiRoutes, r)
	s.e.Add(r.Method, r.Path, r.H)
}

// pageNames lists every page template; New fails if one is missing.
func (s *Server) pageNames() []string {
	return []string{
		"error", "home", "login", "register", "me",
		"streets_list", "street_form",
		"communities_list", "community_show", "community_form",
		"grids_list", "grid_show", "grid_form",
		"needs_list", "need_show", "need_form", "queue",
		"organizations_list", "organization_show", "organization_form",
		"social_workers_list", "social_worker_show", "social_worker_form",
		"volunteers_list", "volunteer_show", "volunteer_form",
		"donors_list", "donor_show", "donor_form",
		"projects_list", "project_show", "project_form",
		"categories_list", "users_list", "user_show", "audit_list",
	}
}

func (s *Server) routes() {
	e := s.e
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})))
	e.StaticFS("/static", templates.Static())

	s.authRoutes()
	s.registryRoutes()
	s.needRoutes()
	s.partyRoutes()
	s.volunteerRoutes()
	s.projectRoutes()
	s.adminRoutes()
	e.GET("/api/v1/openapi.json", s.openAPI)
}
