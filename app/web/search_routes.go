package web

// Routes of search: the results page and the JSON API with its OpenAPI entry.

import (
	"net/http"
	"strings"

	"github.com/wushe/wushe/app"
)

func (s *Server) searchRoutes() {
	s.searchMetrics()
	s.usePages("search")
	s.e.GET("/search", s.searchPage)
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/search", Op: "search", Tag: "search",
		Summary: "Full-text search over public needs, projects, organizations and volunteers (Chinese as typed: 养老, 独居老人, 建築, xihu, xh jz, 长者); answers from the database with fallback=true when the engine is down",
		Query: []queryParam{
			{Name: "q", Type: "string", Desc: "text, at most 200 characters; words separated by spaces are AND-ed; simplified or traditional characters, full pinyin with or without tones (xihu, xī hú), initials (xh) and everyday synonyms (老人 / 长者 / elderly) all match"},
			{Name: "type", Type: "string", Desc: "record types, comma-separated: " + joinSearchTypes()},
			{Name: "community", Type: "integer", Desc: "community id"},
			{Name: "category", Type: "string", Desc: "category code"},
			{Name: "status", Type: "string", Desc: "the record's status (open, approved, verified, active…)"},
			{Name: "near", Type: "string", Desc: "LAT,LNG in WGS84 degrees, or \"me\" for the signed-in user's grid"},
			{Name: "radius_m", Type: "number", Desc: "with near: only records within this many metres (1–50000)"},
			{Name: "sort", Type: "string", Enum: app.SearchSorts},
			{Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer", Desc: "1–100"}},
		Resp: searchOut{}, H: s.apiSearch})
}

func joinSearchTypes() string {
	var out []string
	for _, t := range app.SearchTypes() {
		out = append(out, string(t))
	}
	return strings.Join(out, ", ")
}
