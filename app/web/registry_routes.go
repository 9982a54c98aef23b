package web

// Routes of the registry: streets, communities, grids, categories and skills, pages and JSON
// API with its OpenAPI entries.

import (
	"net/http"

	"github.com/wushe/wushe/app"
)

func (s *Server) registryRoutes() {
	s.usePages("streets_list", "street_form", "communities_list", "community_show", "community_form",
		"grids_list", "grid_show", "grid_form", "categories_list")
	e := s.e
	e.GET("/streets", s.streetsPage)
	e.GET("/streets/new", s.streetNewPage)
	e.POST("/streets", s.streetCreate)
	e.GET("/streets/:id/edit", s.streetEditPage)
	e.POST("/streets/:id", s.streetUpdate)
	e.GET("/communities", s.communitiesPage())
	e.GET("/communities/new", s.communityNewPage)
	e.POST("/communities", s.communityCreate)
	e.GET("/communities/:id", s.communityPage)
	e.GET("/communities/:id/edit", s.communityEditPage)
	e.POST("/communities/:id", s.communityUpdate)
	e.GET("/grids", s.gridsPage())
	e.GET("/grids/new", s.gridNewPage)
	e.POST("/grids", s.gridCreate)
	e.GET("/grids/:id", s.gridPage)
	e.GET("/grids/:id/edit", s.gridEditPage)
	e.POST("/grids/:id", s.gridUpdate)
	e.GET("/categories", s.categoriesPage)

	pageQ := []queryParam{{Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer", Desc: "1–100"}}
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/streets", Op: "listStreets", Tag: "registry", Summary: "List streets (街道)",
		Resp: list[*app.Street]{}, H: apiAll(s.app.Streets)})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/streets", Op: "createStreet", Tag: "registry", Auth: true, Summary: "Create a street (administrators)",
		Body: app.StreetInput{}, Resp: app.Street{}, Status: http.StatusCreated, H: s.apiStreetCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/streets/:id", Op: "getStreet", Tag: "registry", Summary: "Get a street",
		Resp: app.Street{}, H: s.apiStreet})
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/streets/:id", Op: "updateStreet", Tag: "registry", Auth: true, Summary: "Update a street (administrators)",
		Body: app.StreetInput{}, Resp: app.Street{}, H: s.apiStreetUpdate})

	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/communities", Op: "listCommunities", Tag: "registry", Summary: "List communities",
		Query: append([]queryParam{{Name: "street_id", Type: "integer"}, {Name: "kind", Type: "string", Enum: app.CommunityKinds}, {Name: "q", Type: "string", Desc: "name contains"}}, pageQ...),
		Resp:  list[*app.Community]{}, H: apiList(communityFilter, s.app.Communities, asIs[*app.Community])})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/communities", Op: "createCommunity", Tag: "registry", Auth: true,
		Summary: "Create a community (civil-affairs officers of its street, administrators)",
		Body:    app.CommunityInput{}, Resp: app.Community{}, Status: http.StatusCreated, H: s.apiCommunityCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/communities/:id", Op: "getCommunity", Tag: "registry", Summary: "Get a community",
		Resp: app.Community{}, H: s.apiCommunity})
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/communities/:id", Op: "updateCommunity", Tag: "registry", Auth: true,
		Summary: "Update a community and its response promises (community workers)",
		Body:    app.CommunityInput{}, Resp: app.Community{}, H: s.apiCommunityUpdate})

	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/grids", Op: "listGrids", Tag: "registry", Summary: "List grids",
		Query: append([]queryParam{{Name: "community_id", Type: "integer"}, {Name: "level", Type: "string", Enum: app.GridLevels}}, pageQ...),
		Resp:  list[*app.Grid]{}, H: apiList(gridFilter, s.app.Grids, asIs[*app.Grid])})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/grids", Op: "createGrid", Tag: "registry", Auth: true, Summary: "Create a grid (community workers)",
		Body: app.GridInput{}, Resp: app.Grid{}, Status: http.StatusCreated, H: s.apiGridCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/grids/:id", Op: "getGrid", Tag: "registry", Summary: "Get a grid",
		Resp: app.Grid{}, H: s.apiGrid})
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/grids/:id", Op: "updateGrid", Tag: "registry", Auth: true, Summary: "Update a grid (community workers)",
		Body: app.GridInput{}, Resp: app.Grid{}, H: s.apiGridUpdate})

	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/categories", Op: "listCategories", Tag: "registry",
		Summary: "List service categories with stable codes and names in Chinese and English",
		Resp:    list[*app.Category]{}, H: apiAll(s.app.Categories)})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/skills", Op: "listSkills", Tag: "registry",
		Summary: "List volunteer skills", Resp: list[*app.Skill]{}, H: apiAll(s.app.Skills)})
}
