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
	s.apiAuth[r.Method+" "+r.Path] = r.Auth
	s.e.Add(r.Method, r.Path, r.H)
}

// usePages declares page templates a group of routes renders; a missing one fails New.
func (s *Server) usePages(names ...string) { s.pages = append(s.pages, names...) }

func (s *Server) routes() {
	e := s.e
	s.usePages("error", "home")
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})))
	e.StaticFS("/static", templates.Static())

	s.authRoutes()
	s.importRoutes()
	s.exportRoutes()
	s.registryRoutes()
	s.needRoutes()
	s.partyRoutes()
	s.volunteerRoutes()
	s.projectRoutes()
	s.projectDeliberationRoutes()
	s.projectPhotoRoutes()
	s.attachmentRoutes()
	s.projectDeliveryRoutes()
	s.tenderRoutes()
	s.taskRoutes()
	s.fundRoutes()
	s.pledgeRoutes()
	s.adminRoutes()
	s.searchRoutes()
	s.notifyRoutes()
	s.workbenchRoutes()
	s.dashboardRoutes()
	e.GET("/api/v1/openapi.json", s.openAPI)
}
