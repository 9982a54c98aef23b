package web

// Routes of micro-projects, pages and JSON API with its OpenAPI entries.

import (
	"net/http"

	"github.com/wushe/wushe/app"
)

func (s *Server) projectRoutes() {
	s.usePages("projects_list", "project_show", "project_form")
	e := s.e
	e.GET("/projects", s.projectsPage())
	e.GET("/projects/new", s.projectNewPage)
	e.POST("/projects", s.projectCreate)
	e.GET("/projects/:id", s.projectPage)
	e.GET("/projects/:id/edit", s.projectEditPage)
	e.POST("/projects/:id", s.projectUpdate)
	e.POST("/projects/:id/submit", s.projectSubmit)
	e.POST("/projects/:id/decide", s.projectDecide)

	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/projects", Op: "listProjects", Tag: "projects",
		Summary: "List micro-projects (drafts only to their proposer with mine=true)",
		Query: []queryParam{{Name: "community_id", Type: "integer"}, {Name: "category", Type: "string"},
			{Name: "status", Type: "string", Enum: app.ProjectStatuses}, {Name: "mine", Type: "boolean"}, {Name: "q", Type: "string"},
			{Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer", Desc: "1–100"}},
		Resp: list[projectOut]{}, H: apiList(projectFilter, s.app.Projects, s.toProjectOut)})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/projects", Op: "createProject", Tag: "projects", Auth: true,
		Summary: "Propose a micro-project (saved as a draft); budget in fen", Body: app.ProjectInput{}, Resp: projectOut{},
		Status: http.StatusCreated, H: s.apiProjectCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/projects/:id", Op: "getProject", Tag: "projects",
		Summary: "Get a project", Resp: projectOut{}, H: s.apiProject})
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/projects/:id", Op: "updateProject", Tag: "projects", Auth: true,
		Summary: "Edit a draft", Body: app.ProjectInput{}, Resp: projectOut{}, H: s.apiProjectUpdate})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/projects/:id/submission", Op: "submitProject", Tag: "projects", Auth: true,
		Summary: "Submit a draft for deliberation", Resp: projectOut{}, H: s.apiProjectSubmit})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/projects/:id/decision", Op: "decideProject", Tag: "projects", Auth: true,
		Summary: "Decide a project: close its vote (quorum and majority decide; decision_reason quorum_not_met, majority_not_reached or vote_passed) or, on a project not in a vote, record a meeting resolution {approve, note, meeting_id}; approving may set delivery and funding", Body: app.ProjectDecision{},
		Resp: projectOut{}, H: s.apiProjectDecide})
}
