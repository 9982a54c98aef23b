package web

import (
	"context"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/search"
)

// searchMetrics exports the outbox backlog and the engine's health, read at each scrape.
func (s *Server) searchMetrics() {
	status := func() app.SearchStatus {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		st, err := s.app.SearchHealth(ctx)
		if err != nil {
			s.log.Warn("search status", "err", err)
		}
		return st
	}
	s.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "wushe_search_outbox_rows",
			Help: "Changes waiting to be applied to the search index."}, func() float64 { return float64(status().Backlog) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "wushe_search_engine_up",
			Help: "1 when the search engine answers, 0 when searches fall back to the database."}, func() float64 {
			if status().Healthy {
				return 1
			}
			return 0
		}),
	)
}

// searchRequest reads the query parameters; malformed ones are a 400 naming the parameter.
func searchRequest(c echo.Context) (app.SearchRequest, error) {
	p := params{c: c}
	req := app.SearchRequest{Text: p.str("q", search.MaxTextRunes), Category: p.str("category", 64), Status: p.str("status", 32)}
	if v := p.int64p("community"); v != nil {
		req.CommunityID = *v
	}
	for _, raw := range c.QueryParams()["type"] {
		for _, name := range strings.Split(raw, ",") {
			if name = strings.TrimSpace(name); name == "" {
				continue
			}
			t := search.Type(name)
			if app.SearchSourceFor(t) == nil {
				p.fail("type", "error.one_of", "values", joinSearchTypes())
				break
			}
			req.Types = append(req.Types, t)
		}
	}
	switch near := strings.TrimSpace(c.QueryParam("near")); near {
	case "":
	case "me":
		req.NearMe = true
	default:
		lat, lng, ok := strings.Cut(near, ",")
		la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
		ln, err2 := strconv.ParseFloat(strings.TrimSpace(lng), 64)
		pt := search.GeoPoint{Lat: la, Lng: ln}
		if !ok || err1 != nil || err2 != nil || !pt.Valid() || math.IsInf(la, 0) || math.IsInf(ln, 0) {
			p.fail("near", "error.coordinate")
		} else {
			req.Near = &pt
		}
	}
	if v := strings.TrimSpace(c.QueryParam("radius_m")); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(r) || r < 1 || r > app.MaxSearchRadiusM {
			p.fail("radius_m", "error.between", "min", 1, "max", app.MaxSearchRadiusM)
		} else {
			req.RadiusM = r
		}
	}
	if v := p.oneOf("sort", app.SearchSorts); v != nil {
		req.Sort = *v
	}
	pg := p.page()
	if pg.Page > search.MaxPage {
		p.fail("page", "error.between", "min", 1, "max", search.MaxPage)
	}
	req.Page, req.PerPage = pg.Page, pg.PerPage
	return req, p.err
}

// searchHitOut is one hit in the API. Title and snippet are plain text; the *_html variants
// are escaped HTML with <mark> around the matches.
type searchHitOut struct {
	Type        string    `json:"type"`
	ID          int64     `json:"id"`
	Title       string    `json:"title"`
	Snippet     string    `json:"snippet"`
	TitleHTML   string    `json:"title_html"`
	SnippetHTML string    `json:"snippet_html"`
	Score       float64   `json:"score"`
	DistanceM   *float64  `json:"distance_m"`
	URL         string    `json:"url"`
	CommunityID int64     `json:"community_id,omitempty"`
	Category    string    `json:"category,omitempty"`
	Status      string    `json:"status,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

type facetOut struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

type searchOut struct {
	Hits    []searchHitOut        `json:"hits"`
	Total   int                   `json:"total"`
	Page    int                   `json:"page"`
	PerPage int                   `json:"per_page"`
	Sort    string                `json:"sort"`
	Facets  map[string][]facetOut `json:"facets"`
	// Fallback: the search engine was unavailable and the database answered (substring
	// matching, newest first, type facet only, no distance filter).
	Fallback bool   `json:"fallback"`
	Notice   string `json:"notice,omitempty"`
	// Suggestion: when nothing matched, a query that finds something (老人送餐 → 老人 送餐).
	Suggestion string `json:"suggestion,omitempty"`
}

var unmark = strings.NewReplacer(search.MarkStart, "", search.MarkEnd, "")

func (s *Server) apiSearch(c echo.Context) error {
	req, err := searchRequest(c)
	if err != nil {
		return err
	}
	res, err := s.app.Search(c.Request().Context(), req)
	if err != nil {
		return err
	}
	out := searchOut{Hits: make([]searchHitOut, 0, len(res.Hits)), Total: res.Total, Page: res.Page, PerPage: res.PerPage,
		Sort: res.Sort, Facets: map[string][]facetOut{}, Fallback: res.Fallback, Suggestion: res.Suggestion}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, searchHitOut{Type: string(h.Type), ID: h.ID, Title: unmark.Replace(h.Title), Snippet: unmark.Replace(h.Snippet),
			TitleHTML: search.HighlightHTML(h.Title), SnippetHTML: search.HighlightHTML(h.Snippet), Score: h.Score,
			DistanceM: roundMetres(h.DistanceM), URL: h.Path, CommunityID: h.CommunityID, Category: h.Category, Status: h.Status, CreatedAt: h.CreatedAt})
	}
	for _, name := range app.SearchFacets {
		fc := []facetOut{}
		for _, f := range res.Facets[name] {
			fc = append(fc, facetOut{Value: f.Value, Count: f.Count})
		}
		out.Facets[name] = fc
	}
	if res.Fallback {
		out.Notice = s.i18n.T(lang(c), "search.fallback_notice")
	}
	return c.JSON(http.StatusOK, out)
}

func roundMetres(d *float64) *float64 {
	if d == nil {
		return nil
	}
	r := math.Round(*d)
	return &r
}

// searchHitView is a hit as the results page shows it.
type searchHitView struct {
	app.SearchHit
	TitleHTML, SnippetHTML template.HTML
}

// facetLink is one value of a facet: its label, count, and the URL that toggles it.
type facetLink struct {
	Label    string
	Count    int
	URL      string
	Selected bool
}

type facetGroup struct {
	Name  string
	Title string
	Links []facetLink
}

func (s *Server) searchPage(c echo.Context) error {
	ctx := c.Request().Context()
	v := s.newView(c, s.i18n.T(lang(c), "search.title"), "search")
	v.SearchQuery = strings.TrimSpace(c.QueryParam("q"))
	origin, err := s.app.SearchOrigin(ctx)
	if err != nil {
		return err
	}
	data := map[string]any{"CanNearMe": origin != nil, "Types": app.SearchTypes(), "Sorts": app.SearchSorts}
	v.Data = data
	req, err := searchRequest(c)
	if err != nil {
		return err
	}
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	data["CommunityNames"] = names
	// The facets are labelled here, before rendering, with the category names.
	if v.tax, err = s.loadTaxonomy(ctx); err != nil {
		return err
	}
	if req.Sort == app.SearchSortNearest && req.Near == nil && origin != nil {
		req.NearMe = true // the page offers "nearest" as nearest to me
	}
	res, err := s.app.Search(ctx, req)
	if err != nil {
		return err
	}
	hits := make([]searchHitView, len(res.Hits))
	for i, h := range res.Hits {
		// Escape everything, then turn the private-use marks into <mark>: safe by construction.
		hits[i] = searchHitView{SearchHit: h, TitleHTML: template.HTML(search.HighlightHTML(h.Title)), //nolint:gosec // escaped by HighlightHTML
			SnippetHTML: template.HTML(search.HighlightHTML(h.Snippet))} //nolint:gosec // escaped by HighlightHTML
	}
	data["Hits"] = hits
	data["Result"] = res
	data["Facets"] = s.searchFacets(c, v, res, names)
	v.Pager = newPager(c, app.Page{Page: res.Page, PerPage: res.PerPage}, min(res.Total, search.MaxPage*res.PerPage))
	return s.renderPage(c, http.StatusOK, "search", v)
}

// searchFacets labels the facet values and builds links that add (or remove) each filter.
func (s *Server) searchFacets(c echo.Context, v *View, res *app.SearchResults, names map[int64]string) []facetGroup {
	params := map[string]string{search.FieldType: "type", search.FieldCommunity: "community", search.FieldCategory: "category", search.FieldStatus: "status"}
	var out []facetGroup
	for _, field := range app.SearchFacets {
		param := params[field]
		g := facetGroup{Name: param, Title: v.T(searchKey("facet", param))}
		current := c.QueryParam(param)
		for _, f := range res.Facets[field] {
			label := f.Value
			switch field {
			case search.FieldType:
				label = v.T(searchKey("type", f.Value))
			case search.FieldCommunity:
				if n, ok := names[atoi64(f.Value)]; ok {
					label = n
				}
			case search.FieldCategory:
				label = v.Category(f.Value)
			case search.FieldStatus:
				label = v.SearchStatus(search.Type(c.QueryParam("type")), f.Value)
			}
			u := *c.Request().URL
			q := u.Query()
			selected := current == f.Value
			if selected {
				q.Del(param)
			} else {
				q.Set(param, f.Value)
			}
			q.Del("page")
			q.Del("lang")
			u.RawQuery = q.Encode()
			g.Links = append(g.Links, facetLink{Label: label, Count: f.Count, URL: u.RequestURI(), Selected: selected})
		}
		if len(g.Links) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// statusWords names the messages the record pages use for each type's statuses, so the
// results page says 待受理 where the needs list does (one source for both).
var statusWords = map[search.Type]string{
	search.TypeNeed:         "status",
	search.TypeProject:      "project_status",
	search.TypeTender:       "tender_status",
	search.TypeCampaign:     "funds.status",
	search.TypeOrganization: "organization",
	search.TypeVolunteer:    "volunteer",
}

// SearchStatus labels a record's status in the words of its own pages. Without a type (the
// status facet over every type) the needs' words come first, then the other types'.
// search.status.* holds only the words no record page has (a volunteer who is serving).
func (v *View) SearchStatus(typ search.Type, status string) string {
	groups := []string{statusWords[typ]}
	if typ == "" {
		for _, t := range search.Types {
			groups = append(groups, statusWords[t])
		}
	}
	for _, g := range groups {
		if id := g + "." + status; g != "" && v.msgs.Has(v.Lang, id) {
			return v.T(id)
		}
	}
	if id := searchKey("status", status); v.msgs.Has(v.Lang, id) {
		return v.T(id)
	}
	return status
}

// searchKey is the message id of a search label, e.g. search.type.need.
func searchKey(group, value string) string { return "search." + group + "." + value }

// SearchDistance formats a distance for the results page: 850 m, 2.4 km.
func (v *View) SearchDistance(d *float64) string {
	if d == nil {
		return ""
	}
	if *d < 1000 {
		return v.T("search.distance_m", "n", int(math.Round(*d)))
	}
	return v.T("search.distance_km", "n", strconv.FormatFloat(*d/1000, 'f', 1, 64))
}

// SearchURL is the current search with one parameter changed (empty removes it).
func (v *View) SearchURL(name, value string) string {
	u := *v.url
	q := u.Query()
	if value == "" {
		q.Del(name)
	} else {
		q.Set(name, value)
	}
	q.Del("page")
	q.Del("lang")
	u.RawQuery = q.Encode()
	return u.RequestURI()
}
