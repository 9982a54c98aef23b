package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wushe/wushe/search"
)

// Search orders.
const (
	SearchSortRelevance = "relevance"
	SearchSortNewest    = "newest"
	SearchSortNearest   = "nearest"
)

// SearchSorts lists the orders a search may ask for.
var SearchSorts = []string{SearchSortRelevance, SearchSortNewest, SearchSortNearest}

// SearchFacets are the fields every search counts values of.
var SearchFacets = []string{search.FieldType, search.FieldCommunity, search.FieldCategory, search.FieldStatus}

// Search limits.
const (
	// MaxSearchRadiusM bounds a distance filter: 50 km covers a city.
	MaxSearchRadiusM = 50_000
	// defaultSearchTimeout bounds one engine search; past it the database answers.
	defaultSearchTimeout = 2 * time.Second
	// searchPause is how long searches skip an engine that just failed.
	searchPause = 10 * time.Second
)

// SearchRequest is one search by a resident, worker or API client.
type SearchRequest struct {
	Text        string
	Types       []search.Type // empty: every indexed type
	CommunityID int64
	Category    string
	Status      string
	Near        *search.GeoPoint // the point distances are measured from
	NearMe      bool             // measure from the signed-in user's grid (or community)
	RadiusM     float64          // with a point: only records within this distance; 0: any distance
	Sort        string           // relevance (default), newest, nearest
	Page        int
	PerPage     int
}

// SearchResults is one page of a search.
type SearchResults struct {
	Hits    []SearchHit
	Total   int
	Facets  map[string][]search.FacetCount
	Page    int
	PerPage int
	Sort    string
	// Origin is the point distances are measured from, if any.
	Origin *search.GeoPoint
	// Fallback reports that the engine was unavailable and the database answered: plain
	// substring matching on titles and descriptions, newest first, only the type facet, no
	// distance filter. Pages show a notice.
	Fallback bool
	// Suggestion is a query that finds something when this one found nothing: Chinese typed
	// without spaces (老人送餐), split into words (老人 送餐), with SuggestionTotal hits.
	Suggestion      string
	SuggestionTotal int
}

// SearchHit is one result. Title and Snippet carry search.MarkStart/MarkEnd around matches
// and are not HTML-escaped: render them with search.HighlightHTML.
type SearchHit struct {
	Type        search.Type
	ID          int64
	Path        string // the record's page, e.g. /needs/42
	Title       string
	Snippet     string
	Score       float64
	DistanceM   *float64
	CommunityID int64
	GridID      int64
	Category    string
	Status      string
	Kind        string
	CreatedAt   time.Time
}

func (a *App) validateSearch(req *SearchRequest) error {
	fe := FieldErrors{}
	req.Text = strings.TrimSpace(req.Text)
	if n := utf8.RuneCountInString(req.Text); n > search.MaxTextRunes {
		fe.Add("q", "error.too_long", "max", search.MaxTextRunes)
	}
	indexed := SearchTypes()
	for _, t := range req.Types {
		if !slices.Contains(indexed, t) {
			fe.Add("type", "error.one_of", "values", joinTypes(indexed))
		}
	}
	if req.Sort == "" {
		req.Sort = SearchSortRelevance
	}
	if !slices.Contains(SearchSorts, req.Sort) {
		fe.Add("sort", "error.one_of", "values", strings.Join(SearchSorts, ", "))
	}
	if req.Near != nil && !req.Near.Valid() {
		fe.Add("near", "error.coordinate")
	}
	if req.RadiusM < 0 || req.RadiusM > MaxSearchRadiusM {
		fe.Add("radius_m", "error.between", "min", 0, "max", MaxSearchRadiusM)
	}
	if req.Page == 0 {
		req.Page = 1
	}
	if req.Page < 1 || req.Page > search.MaxPage {
		fe.Add("page", "error.between", "min", 1, "max", search.MaxPage)
	}
	if req.PerPage == 0 {
		req.PerPage = search.DefaultPageSize
	}
	if req.PerPage < 1 || req.PerPage > search.MaxPageSize {
		fe.Add("per_page", "error.between", "min", 1, "max", search.MaxPageSize)
	}
	return fe.Err()
}

func joinTypes(ts []search.Type) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// SearchOrigin is where "near me" measures from for the signed-in user: the grid they belong
// to (a grid membership, else their volunteer profile's grid), else their community. Nil when
// anonymous or nothing is known.
func (a *App) SearchOrigin(ctx context.Context) (*search.GeoPoint, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, nil
	}
	var gridIDs, communityIDs []int64
	for _, m := range p.Memberships {
		if m.GridID != nil {
			gridIDs = append(gridIDs, *m.GridID)
		}
		if m.CommunityID != nil {
			communityIDs = append(communityIDs, *m.CommunityID)
		}
	}
	uid := p.User.ID
	vs, _, err := a.store.FindVolunteers(ctx, VolunteerFilter{UserID: &uid, Page: Page{Page: 1, PerPage: 1}})
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.GridID != nil {
			gridIDs = append(gridIDs, *v.GridID)
		}
		communityIDs = append(communityIDs, v.CommunityID)
	}
	sc := a.newSearchContext()
	if err := sc.Preload(ctx, gridIDs, communityIDs); err != nil {
		return nil, err
	}
	for _, id := range gridIDs {
		if g := sc.grids[id]; g != nil {
			if pt := point(g.Lat, g.Lng); pt != nil {
				return pt, nil
			}
		}
	}
	for _, id := range append(communityIDs, gridCommunities(sc, gridIDs)...) {
		if pt := sc.CommunityPoint(id); pt != nil {
			return pt, nil
		}
	}
	return nil, nil
}

func gridCommunities(sc *SearchContext, gridIDs []int64) []int64 {
	var out []int64
	for _, id := range gridIDs {
		if g := sc.grids[id]; g != nil {
			out = append(out, g.CommunityID)
		}
	}
	return out
}

// Search finds public records. Anyone may search: only public summaries are indexed. When the
// engine is down or slow the database answers (Fallback), never an error.
func (a *App) Search(ctx context.Context, req SearchRequest) (*SearchResults, error) {
	if err := Authorize(PrincipalFrom(ctx), ActPublicRead, Target{}); err != nil {
		return nil, err
	}
	if err := a.validateSearch(&req); err != nil {
		return nil, err
	}
	origin := req.Near
	if origin == nil && req.NearMe {
		var err error
		if origin, err = a.SearchOrigin(ctx); err != nil {
			return nil, err
		}
		if origin == nil {
			return nil, (FieldErrors{"near": Msg("search.no_location")}).Err()
		}
	}
	if origin == nil && (req.Sort == SearchSortNearest || req.RadiusM > 0) {
		field := "sort"
		if req.RadiusM > 0 {
			field = "radius_m"
		}
		return nil, (FieldErrors{field: Msg("search.needs_point")}).Err()
	}
	if a.search != nil && time.Since(time.Unix(0, a.searchDown.Load())) > searchPause {
		res, err := a.searchEngine(ctx, req, origin)
		if err == nil {
			a.suggest(ctx, req, origin, res)
			return res, nil
		}
		var ve *search.ValidationError
		if errors.As(err, &ve) {
			return nil, (FieldErrors{ve.Param: Msg("search.bad_param", "detail", ve.Reason)}).Err()
		}
		a.searchDown.Store(time.Now().UnixNano())
		a.log.Warn("search engine failed; answering from the database", "err", err)
	}
	return a.searchDatabase(ctx, req, origin)
}

func (a *App) searchEngine(ctx context.Context, req SearchRequest, origin *search.GeoPoint) (*SearchResults, error) {
	var fs []search.Filter
	if len(req.Types) > 0 {
		vs := make([]any, len(req.Types))
		for i, t := range req.Types {
			vs[i] = string(t)
		}
		fs = append(fs, search.In(search.FieldType, vs...))
	}
	if req.CommunityID != 0 {
		fs = append(fs, search.Eq(search.FieldCommunity, req.CommunityID))
	}
	if req.Category != "" {
		// Organizations and volunteers serve several categories: the rest are in their tags.
		fs = append(fs, search.Or(search.Eq(search.FieldCategory, req.Category), search.Eq(search.FieldTags, req.Category)))
	}
	if req.Status != "" {
		fs = append(fs, search.Eq(search.FieldStatus, req.Status))
	}
	if origin != nil && req.RadiusM > 0 {
		fs = append(fs, search.Near(origin.Lat, origin.Lng, req.RadiusM))
	}
	q := search.Query{Text: req.Text, Filter: search.And(fs...), Facets: SearchFacets, Page: req.Page, PageSize: req.PerPage,
		Highlight: &search.Highlight{}}
	if len(fs) == 0 {
		q.Filter = search.All()
	}
	switch req.Sort {
	case SearchSortNewest:
		q.Sort = search.Desc(search.FieldCreatedAt)
	case SearchSortNearest:
		q.Sort = search.ByDistance(origin.Lat, origin.Lng)
	}
	ctx, cancel := context.WithTimeout(ctx, a.searchTimeout)
	defer cancel()
	res, err := a.search.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &SearchResults{Total: res.Total, Facets: res.Facets, Page: req.Page, PerPage: req.PerPage, Sort: req.Sort, Origin: origin,
		Hits: make([]SearchHit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		hit := hitOf(h.Doc, origin)
		hit.Title, hit.Snippet, hit.Score = h.Title, h.Snippet, h.Score
		if h.DistanceM != nil {
			hit.DistanceM = h.DistanceM
		}
		if hit.Title == "" {
			hit.Title = h.Doc.Title
		}
		out.Hits = append(out.Hits, hit)
	}
	return out, nil
}

// suggest offers a split query when a long Chinese query typed without spaces found nothing:
// the embedded engine takes 老人送餐 as one phrase, and residents often mean 老人 送餐.
func (a *App) suggest(ctx context.Context, req SearchRequest, origin *search.GeoPoint, res *SearchResults) {
	if res.Total > 0 {
		return
	}
	alt := splitHan(req.Text)
	if alt == "" {
		return
	}
	req.Text, req.Page, req.PerPage = alt, 1, 1
	if r, err := a.searchEngine(ctx, req, origin); err == nil && r.Total > 0 {
		res.Suggestion, res.SuggestionTotal = alt, r.Total
	}
}

// splitHan splits a run of 4–12 Chinese characters into words of two (the last of three when
// the count is odd): 独居老人送餐 → 独居 老人 送餐. Anything else gives "".
func splitHan(text string) string {
	r := []rune(text)
	if len(r) < 4 || len(r) > 12 {
		return ""
	}
	for _, c := range r {
		if !unicode.Is(unicode.Han, c) {
			return ""
		}
	}
	var words []string
	for i := 0; i < len(r); i += 2 {
		if len(r)-i == 3 {
			words = append(words, string(r[i:]))
			break
		}
		words = append(words, string(r[i:i+2]))
	}
	return strings.Join(words, " ")
}

func hitOf(d search.Document, origin *search.GeoPoint) SearchHit {
	h := SearchHit{Type: d.Type, ID: d.ID, CommunityID: d.CommunityID, GridID: d.GridID, Category: d.Category,
		Status: d.Status, Kind: d.Kind, CreatedAt: d.CreatedAt, Title: d.Title}
	if src := SearchSourceFor(d.Type); src != nil {
		h.Path = src.Path + strconv.FormatInt(d.ID, 10)
	}
	if origin != nil && d.Location != nil {
		m := search.Distance(*origin, *d.Location)
		h.DistanceM = &m
	}
	return h
}

// searchTerms splits a query like the engines do: at spaces and punctuation.
func searchTerms(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
}

// searchDatabase answers from the database: records of every requested type whose public
// title or description contains every term, newest first.
func (a *App) searchDatabase(ctx context.Context, req SearchRequest, origin *search.GeoPoint) (*SearchResults, error) {
	types := req.Types
	if len(types) == 0 {
		types = SearchTypes()
	}
	terms := searchTerms(req.Text)
	out := &SearchResults{Page: req.Page, PerPage: req.PerPage, Sort: req.Sort, Origin: origin, Fallback: true,
		Facets: map[string][]search.FacetCount{}, Hits: []SearchHit{}}
	refs, counts, err := a.store.SearchFallback(ctx, SearchFallbackQuery{Types: types, Terms: terms, CommunityID: req.CommunityID,
		Category: req.Category, Status: req.Status, Offset: (req.Page - 1) * req.PerPage, Limit: req.PerPage})
	if err != nil {
		return nil, err
	}
	typeFacet := []search.FacetCount{}
	for _, t := range types {
		if n := counts[t]; n > 0 {
			out.Total += n
			typeFacet = append(typeFacet, search.FacetCount{Value: string(t), Count: n})
		}
	}
	search.SortFacets(typeFacet)
	out.Facets[search.FieldType] = typeFacet
	ids := map[search.Type][]int64{}
	for _, r := range refs {
		ids[r.Type] = append(ids[r.Type], r.ID)
	}
	docs := map[search.Ref]search.Document{}
	for t, list := range ids {
		b, err := SearchSourceFor(t).Load(ctx, a, list, 0, 0)
		if err != nil {
			return nil, err
		}
		for _, d := range b.Docs {
			docs[d.Ref()] = d
		}
	}
	for _, r := range refs {
		d, ok := docs[r]
		if !ok {
			continue
		}
		h := hitOf(d, origin)
		h.Title = markTerms(d.Title, terms)
		h.Snippet = markTerms(cropAround(d.Body, terms, search.DefaultSnippetRunes), terms)
		out.Hits = append(out.Hits, h)
	}
	return out, nil
}

// markTerms wraps every occurrence of a term (case-insensitively) in the highlight marks.
func markTerms(text string, terms []string) string {
	if len(terms) == 0 || text == "" {
		return text
	}
	r := []rune(text)
	lower := []rune(strings.ToLower(text))
	if len(lower) != len(r) {
		lower = r
	}
	marked := make([]bool, len(r))
	for _, t := range terms {
		tr := []rune(t)
		for i := 0; i+len(tr) <= len(lower); i++ {
			if slices.Equal(lower[i:i+len(tr)], tr) {
				for j := i; j < i+len(tr); j++ {
					marked[j] = true
				}
			}
		}
	}
	var b strings.Builder
	for i, c := range r {
		if marked[i] && (i == 0 || !marked[i-1]) {
			b.WriteString(search.MarkStart)
		}
		b.WriteRune(c)
		if marked[i] && (i == len(r)-1 || !marked[i+1]) {
			b.WriteString(search.MarkEnd)
		}
	}
	return b.String()
}

// cropAround cuts text to about n characters around the first match.
func cropAround(text string, terms []string, n int) string {
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	at := 0
	lower := strings.ToLower(text)
	for _, t := range terms {
		if i := strings.Index(lower, t); i >= 0 {
			at = utf8.RuneCountInString(lower[:i])
			break
		}
	}
	start := max(0, min(at-n/4, len(r)-n))
	end := min(len(r), start+n)
	s := string(r[start:end])
	if start > 0 {
		s = "…" + s
	}
	if end < len(r) {
		s += "…"
	}
	return s
}
