package web

// Routes of organizations and social workers, pages and JSON API with its OpenAPI entries.

import (
	"net/http"

	"github.com/wushe/wushe/app"
)

func (s *Server) partyRoutes() {
	s.usePages("organizations_list", "organization_show", "organization_form",
		"social_workers_list", "social_worker_show", "social_worker_form")
	e := s.e
	e.GET("/organizations", s.organizationsPage())
	e.GET("/organizations/new", s.organizationNewPage)
	e.POST("/organizations", s.organizationCreate)
	e.GET("/organizations/:id", s.organizationPage)
	e.GET("/organizations/:id/edit", s.organizationEditPage)
	e.POST("/organizations/:id", s.organizationUpdate)
	e.POST("/organizations/:id/verify", s.organizationVerify)
	e.GET("/social-workers", s.socialWorkersPage())
	e.GET("/social-workers/new", s.socialWorkerNewPage)
	e.POST("/social-workers", s.socialWorkerCreate)
	e.GET("/social-workers/:id", s.socialWorkerPage)
	e.GET("/social-workers/:id/edit", s.socialWorkerEditPage)
	e.POST("/social-workers/:id", s.socialWorkerUpdate)

	pageQ := []queryParam{{Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer", Desc: "1–100"}}
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/organizations", Op: "listOrganizations", Tag: "parties",
		Summary: "List organizations (social organizations, merchants, units, foundations)",
		Query: append([]queryParam{{Name: "kind", Type: "string", Enum: app.OrganizationKinds}, {Name: "verified", Type: "boolean"},
			{Name: "category", Type: "string"}, {Name: "community_id", Type: "integer", Desc: "home community or service area"},
			{Name: "street_id", Type: "integer"}, {Name: "q", Type: "string"}}, pageQ...),
		Resp: list[orgOut]{}, H: apiList(orgFilter, s.app.Organizations, toOrgOut)})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/organizations", Op: "createOrganization", Tag: "parties", Auth: true,
		Summary: "Register an organization (unverified; the registrant becomes its member)",
		Body:    app.OrganizationInput{}, Resp: orgOut{}, Status: http.StatusCreated, H: s.apiOrganizationCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/organizations/:id", Op: "getOrganization", Tag: "parties",
		Summary: "Get an organization", Resp: orgOut{}, H: s.apiOrganization})
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/organizations/:id", Op: "updateOrganization", Tag: "parties", Auth: true,
		Summary: "Update an organization (its members, community workers)", Body: app.OrganizationInput{}, Resp: orgOut{}, H: s.apiOrganizationUpdate})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/organizations/:id/verification", Op: "verifyOrganization", Tag: "parties", Auth: true,
		Summary: "Verify or unverify an organization (community workers, civil-affairs officers)",
		Body:    verifyIn{}, Resp: orgOut{}, H: s.apiOrganizationVerify})

	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/social-workers", Op: "listSocialWorkers", Tag: "parties",
		Summary: "List social workers (names masked for the public)",
		Query: append([]queryParam{{Name: "organization_id", Type: "integer"}, {Name: "community_id", Type: "integer"},
			{Name: "certification_level", Type: "string", Enum: app.CertificationLevels}, {Name: "q", Type: "string"}}, pageQ...),
		Resp: list[socialWorkerOut]{}, H: apiList(socialWorkerFilter, s.app.SocialWorkers, toSocialWorkerOut)})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/social-workers", Op: "createSocialWorker", Tag: "parties", Auth: true,
		Summary: "Add a social worker to an organization or community", Body: app.SocialWorkerInput{}, Resp: socialWorkerOut{},
		Status: http.StatusCreated, H: s.apiSocialWorkerCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/social-workers/:id", Op: "getSocialWorker", Tag: "parties",
		Summary: "Get a social worker", Resp: socialWorkerOut{}, H: s.apiSocialWorker})
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/social-workers/:id", Op: "updateSocialWorker", Tag: "parties", Auth: true,
		Summary: "Update a social worker", Body: app.SocialWorkerInput{}, Resp: socialWorkerOut{}, H: s.apiSocialWorkerUpdate})
}
