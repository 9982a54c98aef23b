package web

// Routes of volunteers and donors, pages and JSON API with its OpenAPI entries.

import (
	"net/http"

	"github.com/wushe/wushe/app"
)

func (s *Server) volunteerRoutes() {
	s.usePages("volunteers_list", "volunteer_show", "volunteer_form", "donors_list", "donor_show", "donor_form")
	e := s.e
	e.GET("/volunteers", s.volunteersPage())
	e.GET("/volunteers/new", s.volunteerNewPage)
	e.POST("/volunteers", s.volunteerCreate)
	e.GET("/volunteers/:id", s.volunteerPage)
	e.GET("/volunteers/:id/edit", s.volunteerEditPage)
	e.POST("/volunteers/:id", s.volunteerUpdate)
	e.GET("/donors", s.donorsPage())
	e.GET("/donors/new", s.donorNewPage)
	e.POST("/donors", s.donorCreate)
	e.GET("/donors/:id", s.donorPage)
	e.GET("/donors/:id/edit", s.donorEditPage)
	e.POST("/donors/:id", s.donorUpdate)

	pageQ := []queryParam{{Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer", Desc: "1–100"}}
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/volunteers", Op: "listVolunteers", Tag: "parties",
		Summary: "List volunteers (public profile: masked name, skills, community)",
		Query: append([]queryParam{{Name: "community_id", Type: "integer"}, {Name: "grid_id", Type: "integer"},
			{Name: "skill", Type: "string"}, {Name: "active", Type: "boolean"}, {Name: "q", Type: "string"}}, pageQ...),
		Resp: list[volunteerOut]{}, H: apiList(volunteerFilter, s.app.Volunteers, toVolunteerOut)})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/volunteers", Op: "createVolunteer", Tag: "parties", Auth: true,
		Summary: "Create a volunteer profile (for_self: your own; workers: for a resident without an account)",
		Body:    app.VolunteerInput{}, Resp: volunteerOut{}, Status: http.StatusCreated, H: s.apiVolunteerCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/volunteers/:id", Op: "getVolunteer", Tag: "parties",
		Summary: "Get a volunteer", Resp: volunteerOut{}, H: s.apiVolunteer})
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/volunteers/:id", Op: "updateVolunteer", Tag: "parties", Auth: true,
		Summary: "Update a volunteer profile", Body: app.VolunteerInput{}, Resp: volunteerOut{}, H: s.apiVolunteerUpdate})

	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/donors", Op: "listDonors", Tag: "parties",
		Summary: "List donors (residents masked, anonymous donors unnamed)",
		Query: append([]queryParam{{Name: "kind", Type: "string", Enum: app.DonorKinds}, {Name: "community_id", Type: "integer"},
			{Name: "interest", Type: "string"}, {Name: "q", Type: "string"}}, pageQ...),
		Resp: list[donorOut]{}, H: apiList(donorFilter, s.app.Donors, toDonorOut)})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/donors", Op: "createDonor", Tag: "parties", Auth: true,
		Summary: "Register a donor", Body: app.DonorInput{}, Resp: donorOut{}, Status: http.StatusCreated, H: s.apiDonorCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/donors/:id", Op: "getDonor", Tag: "parties",
		Summary: "Get a donor", Resp: donorOut{}, H: s.apiDonor})
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/donors/:id", Op: "updateDonor", Tag: "parties", Auth: true,
		Summary: "Update a donor", Body: app.DonorInput{}, Resp: donorOut{}, H: s.apiDonorUpdate})
}
