package web

// Routes of the needs feature: needs, the workers' queue, pages and JSON API with its OpenAPI entries.

import (
	"net/http"

	"github.com/wushe/wushe/app"
)

func (s *Server) needRoutes() {
	s.usePages("needs_list", "need_show", "need_form", "queue")
	e := s.e
	e.GET("/needs", s.needsPage())
	e.GET("/needs/new", s.needNewPage)
	e.POST("/needs", s.needCreate)
	e.GET("/needs/:id", s.needPage)
	e.GET("/needs/:id/edit", s.needEditPage)
	e.POST("/needs/:id", s.needUpdate)
	e.POST("/needs/:id/transition", s.needTransition)
	e.POST("/needs/:id/assign", s.needAssign)
	e.GET("/queue", s.queuePage())

	q := []queryParam{
		{Name: "community_id", Type: "integer"}, {Name: "grid_id", Type: "integer"},
		{Name: "category", Type: "string"}, {Name: "tier", Type: "string", Enum: app.NeedTiers},
		{Name: "status", Type: "string", Enum: app.NeedStatuses},
		{Name: "escalation_level", Type: "string", Enum: []string{app.LevelGrid, app.LevelCommunity, app.LevelStreet}},
		{Name: "q", Type: "string", Desc: "title contains"},
		{Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer", Desc: "1–100"},
	}
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/needs", Op: "listNeeds", Tag: "needs",
		Summary: "List needs, overdue first; private details only for those allowed to see them",
		Query:   q, Resp: list[needOut]{}, H: apiList(needFilter, s.app.Needs, toNeedOut)})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/needs", Op: "createNeed", Tag: "needs", Auth: true,
		Summary: "File a need in a grid (residents; grid workers on a resident's behalf with consent)",
		Body:    app.NeedInput{}, Resp: needOut{}, Status: http.StatusCreated, H: s.apiNeedCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/needs/:id", Op: "getNeed", Tag: "needs",
		Summary: "Get a need", Resp: needOut{}, H: s.apiNeed})
	s.api(apiRoute{Method: http.MethodPatch, Path: "/api/v1/needs/:id", Op: "updateNeed", Tag: "needs", Auth: true,
		Summary: "Edit a need (its resident while open; workers may re-triage the tier)",
		Body:    app.NeedUpdate{}, Resp: needOut{}, H: s.apiNeedUpdate})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/needs/:id/transitions", Op: "transitionNeed", Tag: "needs", Auth: true,
		Summary: "Move a need: start, resolve, close, reopen or withdraw",
		Body:    transitionIn{}, Resp: needOut{}, H: s.apiNeedTransition})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/needs/:id/assignee", Op: "assignNeed", Tag: "needs", Auth: true,
		Summary: "Assign a need to a user", Body: assignIn{}, Resp: needOut{}, H: s.apiNeedAssign})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/queue", Op: "needQueue", Tag: "needs", Auth: true,
		Summary: "The needs the caller answers for (grid, escalated community or street), overdue first",
		Query:   q, Resp: list[needOut]{}, H: apiList(needFilter, s.app.NeedQueue, toNeedOut)})
}
