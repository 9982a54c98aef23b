// Package meili is the Meilisearch search engine (server 1.21, meilisearch-go v0.36). It
// implements search.Index and passes the contract suite in search/searchtest.
package meili

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/wushe/wushe/search"
	"github.com/wushe/wushe/search/textfold"
)

// SettingsVersion is part of the index name. Bump it whenever indexSettings (or the document
// shape) changes: EnsureIndex then creates a fresh index under the new name and reports it
// fresh, so the application reindexes into it while the old one stays untouched.
const SettingsVersion = 2

// Config configures the Meilisearch engine.
type Config struct {
	URL string // e.g. http://127.0.0.1:7700
	Key string // an API key allowed to manage the index (the master key in tests)
	// IndexPrefix names the index: <prefix>_v<SettingsVersion>. Default "wushe_docs". Tests use
	// a distinct prefix each so they can run in parallel on one server.
	IndexPrefix string
	// MaxTotalHits caps the exact totals and the reachable hits (Meilisearch's
	// pagination.maxTotalHits, default 1000 there). Default 1,000,000: above the corpus size.
	MaxTotalHits int64
	// MaxValuesPerFacet caps the values returned per facet. Default 1000.
	MaxValuesPerFacet int64
	// Timeout bounds every HTTP request, so a slow or down server fails fast and callers fall
	// back to the database. Default 3s; a reindex over a slow link may want more, as each
	// Upsert request carries BatchSize documents.
	Timeout time.Duration
	// BatchSize is the number of documents sent per request by Upsert. Default 5000.
	BatchSize int
	// PollInterval is how often Flush polls a task. Default 10ms.
	PollInterval time.Duration
}

// Engine is the Meilisearch search.Index.
type Engine struct {
	cfg    Config
	client meilisearch.ServiceManager
	index  meilisearch.IndexManager
	uid    string

	mu      sync.Mutex
	pending []int64 // task uids enqueued since the last Flush
}

var _ search.Index = (*Engine)(nil)

// New returns an engine for the server at cfg.URL. It does not contact the server, so the
// application starts while Meilisearch is down; call EnsureIndex before use.
func New(cfg Config) (*Engine, error) {
	if cfg.URL == "" {
		return nil, errors.New("meilisearch engine: URL is required")
	}
	if cfg.IndexPrefix == "" {
		cfg.IndexPrefix = "wushe_docs"
	}
	if cfg.MaxTotalHits <= 0 {
		cfg.MaxTotalHits = 1_000_000
	}
	if cfg.MaxValuesPerFacet <= 0 {
		cfg.MaxValuesPerFacet = 1000
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 3 * time.Second
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 5000
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = 10 * time.Millisecond
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DialContext = (&net.Dialer{Timeout: min(cfg.Timeout, time.Second), KeepAlive: 30 * time.Second}).DialContext
	transport.MaxIdleConnsPerHost = 16
	// Without this Go asks for gzip, Meilisearch streams the compressed body in pieces, and
	// Nagle's algorithm on the server waiting for the client's delayed ACK added 40 ms to every
	// search that had hits (measured: 44 ms → 1 ms at 100,000 documents).
	transport.DisableCompression = true
	client := meilisearch.New(cfg.URL,
		meilisearch.WithAPIKey(cfg.Key),
		meilisearch.WithCustomClient(&http.Client{Transport: transport, Timeout: cfg.Timeout}),
		// The SDK retries 502/503/504 with backoff; we would rather fail fast and let the
		// caller fall back to the database.
		meilisearch.DisableRetries(),
	)
	uid := fmt.Sprintf("%s_v%d", cfg.IndexPrefix, SettingsVersion)
	return &Engine{cfg: cfg, client: client, index: client.Index(uid), uid: uid}, nil
}

// IndexUID is the versioned index name.
func (e *Engine) IndexUID() string { return e.uid }

// attributes every search may retrieve, filter on or sort on. _geo is Meilisearch's location.
var (
	// Weight order: the text as written, then how its Chinese sounds (pinyin.go).
	// title_s and body_s: the text folded to simplified (textfold.Fold), present only when it
	// differs, so 建筑 finds a record written 建築 (charabia's own conversion misses some).
	searchable     = []string{"title", "tags", "body", "title_s", "body_s", "py", "ini"}
	textAttributes = []string{"title", "tags", "body", "title_s", "body_s"}
	// Pinyin words differ by one letter for unrelated characters (jianzhu, jianzhi): no typos.
	noTypos = []string{"py", "ini"}
	// What a search reads back: the document without the pinyin attributes.
	retrieve = []string{"key", "type", "id", "title", "body", "tags", search.FieldCommunity, search.FieldGrid,
		search.FieldCategory, search.FieldStatus, search.FieldKind, search.FieldCreatedAt, search.FieldEndsAt,
		search.FieldAmount, "_geo"}
	filterable = []string{search.FieldType, search.FieldID, search.FieldCommunity, search.FieldGrid,
		search.FieldCategory, search.FieldStatus, search.FieldKind, search.FieldTags,
		search.FieldCreatedAt, search.FieldEndsAt, search.FieldAmount, "_geo"}
	sortable = []string{search.FieldType, search.FieldID, search.FieldCreatedAt, search.FieldEndsAt,
		search.FieldAmount, "_geo"}
	// sort first: an explicit sort is strict, relevance only breaks its ties. Without a sort in
	// the query the rule does nothing and the usual relevance rules apply.
	// created_at:desc last: equal matches go newest first, as in the embedded engine.
	rankingRules = []string{"sort", "words", "typo", "proximity", "attribute", "exactness", "created_at:desc"}
)

func (e *Engine) settings() *meilisearch.Settings {
	return &meilisearch.Settings{
		RankingRules:         rankingRules,
		SearchableAttributes: searchable,
		FilterableAttributes: filterable,
		SortableAttributes:   sortable,
		// Chinese text is segmented by jieba (charabia) when the language is known to be
		// Chinese; short texts are otherwise easily mis-detected as Japanese.
		LocalizedAttributes: []*meilisearch.LocalizedAttributes{
			{Locales: []string{"cmn"}, AttributePatterns: textAttributes},
		},
		// Everyday words for the same thing (textfold/synonyms.txt), applied to queries.
		Synonyms: textfold.SynonymMap(),
		// Meilisearch's own word sizes must be restated: the SDK would send zeros, which allow
		// two typos in any word (人 then matched every document).
		TypoTolerance: &meilisearch.TypoTolerance{Enabled: true, DisableOnAttributes: noTypos,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9}},
		Pagination: &meilisearch.Pagination{MaxTotalHits: e.cfg.MaxTotalHits},
		Faceting: &meilisearch.Faceting{
			MaxValuesPerFacet: e.cfg.MaxValuesPerFacet,
			// Keep the most frequent values when a facet has more than the cap.
			SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": meilisearch.SortFacetTypeCount},
		},
	}
}

// EnsureIndex creates the versioned index if needed and applies the settings when they differ
// from the server's, waiting for both tasks.
func (e *Engine) EnsureIndex(ctx context.Context) (fresh bool, err error) {
	if _, err := e.index.FetchInfoWithContext(ctx); err != nil {
		if apiCode(err) != "index_not_found" {
			return false, fmt.Errorf("meilisearch ensure index %s: %w", e.uid, err)
		}
		info, err := e.client.CreateIndexWithContext(ctx, &meilisearch.IndexConfig{Uid: e.uid, PrimaryKey: "key"})
		if err != nil {
			return false, fmt.Errorf("meilisearch create index %s: %w", e.uid, err)
		}
		switch err := e.wait(ctx, info.TaskUID); {
		case err == nil:
			fresh = true
		case strings.Contains(err.Error(), "index_already_exists"):
			// Another process created it between our check and our create.
		default:
			return false, fmt.Errorf("meilisearch create index %s: %w", e.uid, err)
		}
	}
	want := e.settings()
	have, err := e.index.GetSettingsWithContext(ctx)
	if err != nil {
		return false, fmt.Errorf("meilisearch get settings of %s: %w", e.uid, err)
	}
	if sameSettings(have, want) {
		return fresh, nil
	}
	info, err := e.index.UpdateSettingsWithContext(ctx, want)
	if err != nil {
		return false, fmt.Errorf("meilisearch update settings of %s: %w", e.uid, err)
	}
	if err := e.wait(ctx, info.TaskUID); err != nil {
		return false, fmt.Errorf("meilisearch update settings of %s: %w", e.uid, err)
	}
	return fresh, nil
}

// sameSettings compares what we set; Meilisearch may list attribute sets in another order.
func sameSettings(have, want *meilisearch.Settings) bool {
	sameSet := func(a, b []string) bool {
		a, b = slices.Clone(a), slices.Clone(b)
		slices.Sort(a)
		slices.Sort(b)
		return slices.Equal(a, b)
	}
	if !slices.Equal(have.RankingRules, want.RankingRules) ||
		!slices.Equal(have.SearchableAttributes, want.SearchableAttributes) ||
		!sameSet(have.FilterableAttributes, want.FilterableAttributes) ||
		!sameSet(have.SortableAttributes, want.SortableAttributes) ||
		have.Pagination == nil || have.Pagination.MaxTotalHits != want.Pagination.MaxTotalHits ||
		have.Faceting == nil || have.Faceting.MaxValuesPerFacet != want.Faceting.MaxValuesPerFacet ||
		have.Faceting.SortFacetValuesBy["*"] != want.Faceting.SortFacetValuesBy["*"] ||
		len(have.LocalizedAttributes) != len(want.LocalizedAttributes) ||
		!sameSynonyms(have.Synonyms, want.Synonyms) ||
		have.TypoTolerance == nil || !sameSet(have.TypoTolerance.DisableOnAttributes, want.TypoTolerance.DisableOnAttributes) ||
		have.TypoTolerance.MinWordSizeForTypos != want.TypoTolerance.MinWordSizeForTypos {
		return false
	}
	for i, la := range want.LocalizedAttributes {
		h := have.LocalizedAttributes[i]
		if h == nil || !slices.Equal(h.Locales, la.Locales) || !slices.Equal(h.AttributePatterns, la.AttributePatterns) {
			return false
		}
	}
	return true
}

// sameSynonyms compares synonym maps, each list as a set.
func sameSynonyms(have, want map[string][]string) bool {
	if len(have) != len(want) {
		return false
	}
	for k, w := range want {
		h, ok := have[k]
		if !ok || len(h) != len(w) {
			return false
		}
		for _, x := range w {
			if !slices.Contains(h, x) {
				return false
			}
		}
	}
	return true
}

// apiCode returns Meilisearch's error code ("index_not_found"…) from an SDK error.
func apiCode(err error) string {
	var me *meilisearch.Error
	if errors.As(err, &me) {
		return me.MeilisearchApiError.Code
	}
	return ""
}

// wait waits for one task and turns a failed or canceled task into an error: the SDK returns
// those with a nil error.
func (e *Engine) wait(ctx context.Context, uid int64) error {
	task, err := e.client.WaitForTaskWithContext(ctx, uid, e.cfg.PollInterval)
	if err != nil {
		return fmt.Errorf("wait for task %d: %w", uid, err)
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return fmt.Errorf("task %d (%s) %s: %s: %s", uid, task.Type, task.Status, task.Error.Code, task.Error.Message)
	}
	return nil
}

func (e *Engine) enqueued(uids ...int64) {
	e.mu.Lock()
	e.pending = append(e.pending, uids...)
	e.mu.Unlock()
}

// doc is a Document as stored in Meilisearch. Absent values are omitted, which is what
// filters, facets and sorts treat as absent.
type doc struct {
	Key         string   `json:"key"`
	Type        string   `json:"type"`
	ID          int64    `json:"id"`
	Title       string   `json:"title"`
	Body        string   `json:"body"`
	Tags        []string `json:"tags,omitempty"`
	CommunityID int64    `json:"community_id,omitempty"`
	GridID      int64    `json:"grid_id,omitempty"`
	Category    string   `json:"category,omitempty"`
	Status      string   `json:"status,omitempty"`
	Kind        string   `json:"kind,omitempty"`
	CreatedAt   int64    `json:"created_at"`
	EndsAt      *int64   `json:"ends_at,omitempty"`
	Amount      int64    `json:"amount"`
	Geo         *geo     `json:"_geo,omitempty"`
	TitleS      string   `json:"title_s,omitempty"` // folded to simplified, when that changes it
	BodyS       string   `json:"body_s,omitempty"`
	Py          []string `json:"py,omitempty"`  // how the Chinese text sounds: pinyin words
	Ini         []string `json:"ini,omitempty"` // and initials (pinyin.go)
}

type geo struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

func toDoc(d search.Document) doc {
	out := doc{
		Key: d.Ref().Key(), Type: string(d.Type), ID: d.ID, Title: d.Title, Body: d.Body,
		CommunityID: d.CommunityID, GridID: d.GridID, Category: d.Category, Status: d.Status,
		Kind: d.Kind, CreatedAt: d.CreatedAt.UnixMilli(), Amount: d.Amount,
	}
	seen := map[string]bool{}
	for _, t := range d.Tags {
		if t != "" && !seen[t] {
			seen[t] = true
			out.Tags = append(out.Tags, t)
		}
	}
	if !d.EndsAt.IsZero() {
		ms := d.EndsAt.UnixMilli()
		out.EndsAt = &ms
	}
	if d.Location != nil {
		out.Geo = &geo{Lat: d.Location.Lat, Lng: d.Location.Lng}
	}
	out.Py, out.Ini = pinyinFields(append([]string{d.Title, d.Body}, out.Tags...)...)
	if f := textfold.FoldString(d.Title); f != strings.ToLower(d.Title) {
		out.TitleS = f
	}
	if f := textfold.FoldString(d.Body); f != strings.ToLower(d.Body) {
		out.BodyS = f
	}
	return out
}

func (d doc) document() search.Document {
	out := search.Document{
		Type: search.Type(d.Type), ID: d.ID, Title: d.Title, Body: d.Body, Tags: d.Tags,
		CommunityID: d.CommunityID, GridID: d.GridID, Category: d.Category, Status: d.Status,
		Kind: d.Kind, CreatedAt: time.UnixMilli(d.CreatedAt).UTC(), Amount: d.Amount,
	}
	if d.EndsAt != nil {
		out.EndsAt = time.UnixMilli(*d.EndsAt).UTC()
	}
	if d.Geo != nil {
		out.Location = &search.GeoPoint{Lat: d.Geo.Lat, Lng: d.Geo.Lng}
	}
	return out
}

// Upsert enqueues the documents in batches of cfg.BatchSize; Flush waits for them.
// Meilisearch's add-documents replaces whole documents with the same key.
func (e *Engine) Upsert(ctx context.Context, docs []search.Document) error {
	out := make([]doc, len(docs))
	for i, d := range docs {
		if err := d.Validate(fmt.Sprintf("documents[%d]", i)); err != nil {
			return err
		}
		out[i] = toDoc(d)
	}
	pk := "key"
	for chunk := range slices.Chunk(out, e.cfg.BatchSize) {
		info, err := e.index.AddDocumentsWithContext(ctx, chunk, &meilisearch.DocumentOptions{PrimaryKey: &pk})
		if err != nil {
			return fmt.Errorf("meilisearch upsert %d documents into %s: %w", len(chunk), e.uid, err)
		}
		e.enqueued(info.TaskUID)
	}
	return nil
}

// Delete enqueues the deletion of the documents.
func (e *Engine) Delete(ctx context.Context, refs []search.Ref) error {
	if len(refs) == 0 {
		return nil
	}
	keys := make([]string, len(refs))
	for i, r := range refs {
		keys[i] = r.Key()
	}
	info, err := e.index.DeleteDocumentsWithContext(ctx, keys, nil)
	if err != nil {
		return fmt.Errorf("meilisearch delete %d documents from %s: %w", len(refs), e.uid, err)
	}
	e.enqueued(info.TaskUID)
	return nil
}

// Reset enqueues the deletion of every document; the settings stay.
func (e *Engine) Reset(ctx context.Context) error {
	info, err := e.index.DeleteAllDocumentsWithContext(ctx, nil)
	if err != nil {
		return fmt.Errorf("meilisearch reset %s: %w", e.uid, err)
	}
	e.enqueued(info.TaskUID)
	return nil
}

// Flush waits for every task enqueued so far and checks that each succeeded. Tasks it could
// not wait for (the context ended) stay pending for the next Flush.
func (e *Engine) Flush(ctx context.Context) error {
	e.mu.Lock()
	pending := e.pending
	e.pending = nil
	e.mu.Unlock()
	var errs []error
	for i, uid := range pending {
		if err := e.wait(ctx, uid); err != nil {
			if ctx.Err() != nil {
				e.enqueued(pending[i:]...)
				errs = append(errs, err)
				break
			}
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("meilisearch flush %s: %w", e.uid, err)
	}
	return nil
}

// Health checks that the server answers and reports itself available.
func (e *Engine) Health(ctx context.Context) error {
	h, err := e.client.HealthWithContext(ctx)
	if err != nil {
		return fmt.Errorf("meilisearch health: %w", err)
	}
	if h.Status != "available" {
		return fmt.Errorf("meilisearch health: status %q", h.Status)
	}
	return nil
}

// Close releases idle connections; the server is not ours to stop.
func (e *Engine) Close() error {
	e.client.Close()
	return nil
}

// Search translates the query into one Meilisearch search request.
func (e *Engine) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	q, err := q.Normalize()
	if err != nil {
		return nil, err
	}
	filter, err := filterString(q.Filter)
	if err != nil {
		return nil, err
	}
	size := int64(q.PageSize)
	req := &meilisearch.SearchRequest{
		// page + hitsPerPage selects exhaustive pagination: totalHits is exact (up to
		// maxTotalHits) instead of estimatedTotalHits.
		Page:        int64(q.Page),
		HitsPerPage: &size,
		// "all" makes every term required, as the contract says; the default "last" drops
		// terms from the end until something matches, inflating Chinese hit counts.
		MatchingStrategy:     meilisearch.All,
		ShowRankingScore:     q.Text != "",
		Facets:               q.Facets,
		Locales:              []string{"cmn"},
		AttributesToRetrieve: retrieve,
	}
	if filter != "" {
		req.Filter = filter
	}
	const ties = ",id:asc,type:asc"
	switch s := q.Sort; {
	case s.Near != nil:
		req.Sort = []string{fmt.Sprintf("_geoPoint(%s, %s):asc", num(s.Near.Lat), num(s.Near.Lng)), "id:asc", "type:asc"}
	case s.Field != "":
		dir := "asc"
		if s.Desc {
			dir = "desc"
		}
		req.Sort = strings.Split(s.Field+":"+dir+ties, ",")
	case q.Text == "":
		// Browsing without text: newest first, the same as the embedded engine.
		req.Sort = strings.Split("created_at:desc"+ties, ",")
	}
	if h := q.Highlight; h != nil {
		req.AttributesToHighlight = []string{"title", "body"}
		req.AttributesToCrop = []string{"body"}
		// cropLength counts words; a jieba word is about two Chinese characters.
		req.CropLength = int64(max(h.SnippetRunes/2, 5))
		req.CropMarker = "…"
		req.HighlightPreTag = h.PreTag
		req.HighlightPostTag = h.PostTag
	}
	resp, err := e.index.SearchWithContext(ctx, queryText(q.Text), req)
	if err != nil {
		if apiCode(err) == "invalid_search_filter" {
			return nil, &search.ValidationError{Param: "filter", Reason: err.Error()}
		}
		return nil, fmt.Errorf("meilisearch search %s for %q: %w", e.uid, q.Text, err)
	}
	res := &search.Result{Total: int(resp.TotalHits), Page: q.Page, PageSize: q.PageSize, Hits: make([]search.Hit, 0, len(resp.Hits))}
	center, hasCenter := q.DistanceFrom()
	for _, raw := range resp.Hits {
		h, err := decodeHit(raw, q, center, hasCenter)
		if err != nil {
			return nil, fmt.Errorf("meilisearch search %s: %w", e.uid, err)
		}
		res.Hits = append(res.Hits, h)
	}
	if len(q.Facets) > 0 {
		res.Facets, err = facets(resp.FacetDistribution, q.Facets)
		if err != nil {
			return nil, fmt.Errorf("meilisearch search %s: %w", e.uid, err)
		}
	}
	return res, nil
}

func decodeHit(raw meilisearch.Hit, q search.Query, center search.GeoPoint, hasCenter bool) (search.Hit, error) {
	var d doc
	if err := raw.DecodeInto(&d); err != nil {
		return search.Hit{}, fmt.Errorf("decode hit: %w", err)
	}
	h := search.Hit{Doc: d.document()}
	if s, ok := raw["_rankingScore"]; ok {
		if err := json.Unmarshal(s, &h.Score); err != nil {
			return h, fmt.Errorf("decode %s score: %w", d.Key, err)
		}
	}
	if g, ok := raw["_geoDistance"]; ok && q.Sort.Near != nil {
		// Meilisearch's own distance (haversine, radius 6,371,000 m, whole metres): within
		// search.GeoTolerance of search.Distance.
		var m float64
		if err := json.Unmarshal(g, &m); err != nil {
			return h, fmt.Errorf("decode %s distance: %w", d.Key, err)
		}
		h.DistanceM = &m
	} else if hasCenter && h.Doc.Location != nil {
		// A radius filter without a distance sort returns no _geoDistance.
		m := search.Distance(center, *h.Doc.Location)
		h.DistanceM = &m
	}
	if q.Highlight != nil {
		var f struct {
			Title string `json:"title"`
			Body  string `json:"body"`
		}
		if raw, ok := raw["_formatted"]; ok {
			if err := json.Unmarshal(raw, &f); err != nil {
				return h, fmt.Errorf("decode %s highlight: %w", d.Key, err)
			}
		}
		h.Title, h.Snippet = localHighlight(f.Title, f.Body, d, q.Text, q.Highlight.SnippetRunes, q.Highlight.PreTag, q.Highlight.PostTag)
	}
	return h, nil
}

func facets(raw json.RawMessage, names []string) (map[string][]search.FacetCount, error) {
	var dist map[string]map[string]int
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &dist); err != nil {
			return nil, fmt.Errorf("decode facets: %w", err)
		}
	}
	out := make(map[string][]search.FacetCount, len(names))
	for _, name := range names {
		fc := []search.FacetCount{}
		for v, n := range dist[name] {
			if n > 0 {
				fc = append(fc, search.FacetCount{Value: v, Count: n})
			}
		}
		search.SortFacets(fc)
		out[name] = fc
	}
	return out, nil
}

// DeleteIndex deletes the index and waits for it: for tests, and for dropping an old
// version's index after a reindex into the new one.
func (e *Engine) DeleteIndex(ctx context.Context) error {
	info, err := e.client.DeleteIndexWithContext(ctx, e.uid)
	if err != nil {
		return fmt.Errorf("meilisearch delete index %s: %w", e.uid, err)
	}
	if err := e.wait(ctx, info.TaskUID); err != nil {
		return fmt.Errorf("meilisearch delete index %s: %w", e.uid, err)
	}
	return nil
}
