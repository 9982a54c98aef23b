package app_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/store"
	"github.com/wushe/wushe/search"
	"github.com/wushe/wushe/search/embedded"
)

// flakyIndex wraps an engine and fails writes or searches on demand.
type flakyIndex struct {
	app.SearchIndex
	failWrites   atomic.Int32 // fail this many writes
	failSearches atomic.Bool
	writes       atomic.Int32
}

var errEngineDown = errors.New("engine down")

func (f *flakyIndex) Upsert(ctx context.Context, docs []search.Document) error {
	f.writes.Add(1)
	if f.failWrites.Load() > 0 {
		f.failWrites.Add(-1)
		return errEngineDown
	}
	return f.SearchIndex.Upsert(ctx, docs)
}

func (f *flakyIndex) Search(ctx context.Context, q search.Query) (*search.Result, error) {
	if f.failSearches.Load() {
		return nil, errEngineDown
	}
	return f.SearchIndex.Search(ctx, q)
}

func (f *flakyIndex) Health(ctx context.Context) error {
	if f.failSearches.Load() {
		return errEngineDown
	}
	return f.SearchIndex.Health(ctx)
}

// openEngine opens an embedded engine in a temporary directory.
func openEngine(t testing.TB) *embedded.Engine {
	t.Helper()
	e, err := embedded.Open(embedded.Config{Path: filepath.Join(t.TempDir(), "search.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if _, err := e.EnsureIndex(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e
}

type searchFixture struct {
	app   *app.App
	store *store.Store
	world *apptest.World
	clock *apptest.Clock
	index *flakyIndex
}

func newSearchFixture(t *testing.T) *searchFixture {
	t.Helper()
	clock := apptest.NewClock(time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC))
	s := apptest.OpenStore(t)
	w := apptest.NewWorld(t, s, apptest.Hasher())
	idx := &flakyIndex{SearchIndex: openEngine(t)}
	a := app.New(app.Deps{Store: s, Clock: clock, Hasher: apptest.Hasher(), Search: idx})
	return &searchFixture{app: a, store: s, world: w, clock: clock, index: idx}
}

func (f *searchFixture) sync(t *testing.T) int {
	t.Helper()
	n, err := f.app.SyncSearch(context.Background())
	if err != nil {
		t.Fatalf("SyncSearch: %v", err)
	}
	return n
}

func (f *searchFixture) find(t *testing.T, text string, typ search.Type) []int64 {
	t.Helper()
	res, err := f.index.Search(context.Background(), search.Query{Text: text, Filter: search.Eq(search.FieldType, string(typ)), PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, h := range res.Hits {
		ids = append(ids, h.Doc.ID)
	}
	return ids
}

func (f *searchFixture) outbox(t *testing.T) int {
	t.Helper()
	n, _, err := f.store.SearchOutboxStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *searchFixture) fileNeed(t *testing.T, title, desc, privacy string) *app.Need {
	t.Helper()
	n, err := f.app.CreateNeed(f.world.As(t, f.app, "resident"), app.NeedInput{GridID: f.world.A.Grids[0].ID, Category: "meal_delivery",
		Tier: "minor", Title: title, Description: desc, Address: "3号楼201", Privacy: privacy})
	if err != nil {
		t.Fatalf("CreateNeed: %v", err)
	}
	return n
}

// TestOutboxCommitsWithTheRecord: a rolled-back write leaves no outbox row, a committed one
// leaves exactly its own.
func TestOutboxCommitsWithTheRecord(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	ctx := context.Background()
	f.sync(t) // the world's own records
	before := f.outbox(t)
	boom := errors.New("boom")
	err := f.store.InTx(ctx, func(ctx context.Context) error {
		n := &app.Need{CommunityID: f.world.A.Community.ID, GridID: f.world.A.Grids[0].ID, FiledByID: f.world.Users["resident"].ID,
			Category: "meal_delivery", Tier: "minor", Title: "回滚的需求", Privacy: "private", Status: app.NeedOpen,
			EscalationLevel: app.LevelGrid, DueAt: f.clock.Now(), CreatedAt: f.clock.Now(), UpdatedAt: f.clock.Now()}
		if err := f.store.CreateNeed(ctx, n); err != nil {
			return err
		}
		if n, _, _ := f.store.SearchOutboxStats(ctx); n != before+1 {
			t.Errorf("inside the transaction the outbox has %d rows, want %d", n, before+1)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v", err)
	}
	if got := f.outbox(t); got != before {
		t.Errorf("after rollback the outbox has %d rows, want %d", got, before)
	}
	f.fileNeed(t, "独居老人午餐送餐", "", "private")
	if got := f.outbox(t); got != before+1 {
		t.Errorf("after commit the outbox has %d rows, want %d", got, before+1)
	}
	for _, write := range []func() error{
		func() error {
			o := &app.Organization{Name: "乐龄居家养老服务中心", Kind: "social_org", Categories: []string{"elderly_care"}}
			return f.store.CreateOrganization(ctx, o)
		},
		func() error {
			v := &app.Volunteer{Name: "王小明", Mobile: "19900001234", CommunityID: f.world.A.Community.ID, Active: true, Skills: []string{"delivery"}}
			return f.store.CreateVolunteer(ctx, v)
		},
		func() error {
			p := &app.Project{CommunityID: f.world.A.Community.ID, ProposerID: f.world.Users["resident"].ID, Title: "长者食堂", Description: "送餐",
				Category: "meal_delivery", Currency: "CNY", Status: app.ProjectDeliberating}
			return f.store.CreateProject(ctx, p)
		},
	} {
		n := f.outbox(t)
		if err := write(); err != nil {
			t.Fatal(err)
		}
		if got := f.outbox(t); got != n+1 {
			t.Errorf("a write left %d outbox rows, want %d", got, n+1)
		}
	}
}

// TestSyncIndexesUpdatesAndDeletes: the worker indexes a new need, follows an edit, keeps
// private details out, and removes the document when the record is gone.
func TestSyncIndexesUpdatesAndDeletes(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	ctx := context.Background()
	n := f.fileNeed(t, "独居老人午餐送餐", "老人住在3号楼,电话13812345678", "private")
	if got := f.sync(t); got == 0 {
		t.Fatal("SyncSearch applied nothing")
	}
	if f.outbox(t) != 0 {
		t.Errorf("outbox not empty after sync")
	}
	if ids := f.find(t, "独居老人", search.TypeNeed); len(ids) != 1 || ids[0] != n.ID {
		t.Fatalf("独居老人 found %v, want [%d]", ids, n.ID)
	}
	if ids := f.find(t, "13812345678", search.TypeNeed); len(ids) != 0 {
		t.Errorf("a private description is searchable: %v", ids)
	}
	if ids := f.find(t, "助餐", search.TypeNeed); len(ids) != 1 {
		t.Errorf("the category name 助餐 does not find the need: %v", ids)
	}
	title := "行动不便老人需要送餐上门"
	if _, err := f.app.UpdateNeed(f.world.As(t, f.app, "grid_worker"), n.ID, app.NeedUpdate{Title: &title}); err != nil {
		t.Fatal(err)
	}
	f.sync(t)
	if ids := f.find(t, "独居老人", search.TypeNeed); len(ids) != 0 {
		t.Errorf("the old title still matches: %v", ids)
	}
	if ids := f.find(t, "行动不便", search.TypeNeed); len(ids) != 1 {
		t.Errorf("the new title does not match: %v", ids)
	}
	// A deleted record loses its document.
	if err := f.store.DB(ctx).Delete(&app.Need{}, n.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := f.store.EnqueueSearch(ctx, search.Ref{Type: search.TypeNeed, ID: n.ID}); err != nil {
		t.Fatal(err)
	}
	f.sync(t)
	if ids := f.find(t, "行动不便", search.TypeNeed); len(ids) != 0 {
		t.Errorf("a deleted need is still found: %v", ids)
	}
}

// TestSyncRetriesWithBackoff: a failing engine leaves the row with its attempt counted and a
// later retry; once the engine is back the row is applied and removed.
func TestSyncRetriesWithBackoff(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	ctx := context.Background()
	f.sync(t)
	n := f.fileNeed(t, "楼道灯坏了", "", "private")
	f.index.failWrites.Store(1)
	if _, err := f.app.SyncSearch(ctx); !errors.Is(err, errEngineDown) {
		t.Fatalf("SyncSearch with the engine down = %v, want engine down", err)
	}
	var items []*app.SearchOutboxItem
	if err := f.store.DB(ctx).Order("id").Find(&items).Error; err != nil || len(items) != 1 {
		t.Fatalf("outbox after a failure: %v, %v", items, err)
	}
	it := items[0]
	if it.Attempts != 1 || !strings.Contains(it.LastError, "engine down") || it.DocID != n.ID || it.LockedUntil != nil {
		t.Errorf("failed row = %+v, want 1 attempt and the error", it)
	}
	if !it.NextAttemptAt.After(f.clock.Now()) {
		t.Errorf("next attempt %v is not after now %v", it.NextAttemptAt, f.clock.Now())
	}
	// Not due yet: nothing happens.
	writes := f.index.writes.Load()
	if got := f.sync(t); got != 0 || f.index.writes.Load() != writes {
		t.Errorf("a row was retried before its time (%d applied)", got)
	}
	f.clock.Advance(time.Minute)
	if got := f.sync(t); got != 1 {
		t.Errorf("retry applied %d rows, want 1", got)
	}
	if f.outbox(t) != 0 {
		t.Error("the retried row was not removed")
	}
	if ids := f.find(t, "楼道灯", search.TypeNeed); len(ids) != 1 {
		t.Errorf("the need is not indexed after the retry: %v", ids)
	}
}

// TestOutboxClaims: a claimed row is left to its worker until the lease ends.
func TestOutboxClaims(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	ctx := context.Background()
	f.sync(t)
	f.fileNeed(t, "楼道灯坏了", "", "private")
	now := f.clock.Now()
	first, err := f.store.ClaimSearchOutbox(ctx, now, now.Add(time.Minute), 10)
	if err != nil || len(first) != 1 || first[0].LockedUntil == nil {
		t.Fatalf("first claim = %+v, %v", first, err)
	}
	if again, err := f.store.ClaimSearchOutbox(ctx, now, now.Add(time.Minute), 10); err != nil || len(again) != 0 {
		t.Errorf("a leased row was claimed again: %+v, %v", again, err)
	}
	later := now.Add(2 * time.Minute)
	if after, err := f.store.ClaimSearchOutbox(ctx, later, later.Add(time.Minute), 10); err != nil || len(after) != 1 {
		t.Errorf("an expired lease was not claimable: %+v, %v", after, err)
	}
}

// TestDocumentsArePublic: drafts are not indexed, volunteers only by masked name and never by
// mobile number, and a reindex rebuilds the same documents.
func TestDocumentsArePublic(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	ctx := context.Background()
	v := &app.Volunteer{Name: "王小明", Mobile: "19900001234", CommunityID: f.world.A.Community.ID, GridID: &f.world.A.Grids[0].ID,
		Active: true, Skills: []string{"delivery"}, Bio: "退休教师,喜欢和老人聊天"}
	if err := f.store.CreateVolunteer(ctx, v); err != nil {
		t.Fatal(err)
	}
	p, err := f.app.CreateProject(f.world.As(t, f.app, "resident"), app.ProjectInput{CommunityID: f.world.A.Community.ID,
		Title: "银龄智能手机课堂", Description: "教老人用手机", Category: "elderly_care"})
	if err != nil {
		t.Fatal(err)
	}
	f.sync(t)
	if ids := f.find(t, "王小明", search.TypeVolunteer); len(ids) != 0 {
		t.Errorf("a volunteer's full name is searchable")
	}
	if ids := f.find(t, "19900001234", search.TypeVolunteer); len(ids) != 0 {
		t.Errorf("a volunteer's mobile number is searchable")
	}
	if ids := f.find(t, "送餐", search.TypeVolunteer); len(ids) != 1 || ids[0] != v.ID {
		t.Errorf("a volunteer is not found by skill: %v", ids)
	}
	if ids := f.find(t, "智能手机", search.TypeProject); len(ids) != 0 {
		t.Errorf("a draft project is searchable: %v", ids)
	}
	if _, err := f.app.SubmitProject(f.world.As(t, f.app, "resident"), p.ID); err != nil {
		t.Fatal(err)
	}
	f.sync(t)
	if ids := f.find(t, "智能手机", search.TypeProject); len(ids) != 1 {
		t.Errorf("a submitted project is not searchable: %v", ids)
	}
	// A reindex writes the same set, and removes a document with no record.
	if err := f.index.SearchIndex.Upsert(ctx, []search.Document{{Type: search.TypeNeed, ID: 999999, Title: "幽灵需求", CreatedAt: f.clock.Now()}}); err != nil {
		t.Fatal(err)
	}
	var last app.SearchProgress
	st, err := f.app.Reindex(ctx, app.ReindexOptions{Progress: func(p app.SearchProgress) { last = p }})
	if err != nil {
		t.Fatal(err)
	}
	if st.Removed != 1 || st.Documents == 0 || last.Done != last.Total {
		t.Errorf("reindex stats %+v, last progress %+v", st, last)
	}
	if ids := f.find(t, "幽灵需求", search.TypeNeed); len(ids) != 0 {
		t.Errorf("reindex kept a document without a record")
	}
	if ids := f.find(t, "智能手机", search.TypeProject); len(ids) != 1 {
		t.Errorf("reindex lost a project: %v", ids)
	}
	if f.outbox(t) != 0 {
		t.Error("a full reindex left outbox rows it made redundant")
	}
}

// TestSearchUseCase: highlights, facets, filters, near me and validation through the engine.
func TestSearchUseCase(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	n := f.fileNeed(t, "独居老人午餐送餐", "每天11点半送到家", "public")
	f.fileNeed(t, "楼道灯坏了", "", "private")
	f.sync(t)
	ctx := f.world.As(t, f.app, "resident")
	res, err := f.app.Search(ctx, app.SearchRequest{Text: "独居老人"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Fallback || res.Total != 1 || res.Hits[0].ID != n.ID || res.Hits[0].Path != "/needs/"+itoa(n.ID) {
		t.Fatalf("独居老人 = %+v", res)
	}
	if want := search.MarkStart + "独居老人" + search.MarkEnd + "午餐送餐"; res.Hits[0].Title != want {
		t.Errorf("highlighted title %q, want %q", res.Hits[0].Title, want)
	}
	if len(res.Facets[search.FieldType]) == 0 || len(res.Facets[search.FieldCategory]) == 0 {
		t.Errorf("facets missing: %v", res.Facets)
	}
	// Chinese typed without spaces that matches nothing as a phrase gets a split suggestion.
	res, err = f.app.Search(ctx, app.SearchRequest{Text: "老人送餐"})
	if err != nil || res.Total != 0 || res.Suggestion != "老人 送餐" || res.SuggestionTotal != 1 {
		t.Errorf("老人送餐 = total %d, suggestion %q (%d), %v", res.Total, res.Suggestion, res.SuggestionTotal, err)
	}
	// Type and status filters.
	res, err = f.app.Search(ctx, app.SearchRequest{Text: "送餐", Types: []search.Type{search.TypeOrganization}})
	if err != nil || res.Total != 0 {
		t.Errorf("送餐 among organizations = %+v, %v", res, err)
	}
	// Near me: the resident's community; every hit carries a distance.
	res, err = f.app.Search(ctx, app.SearchRequest{NearMe: true, Sort: app.SearchSortNearest, RadiusM: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if res.Origin == nil || res.Total == 0 {
		t.Fatalf("near me = %+v", res)
	}
	for _, h := range res.Hits {
		if h.DistanceM == nil || *h.DistanceM > 5000 {
			t.Errorf("hit %s-%d distance %v", h.Type, h.ID, h.DistanceM)
		}
	}
	// Anonymous users have no location; nearest needs a point.
	for name, req := range map[string]app.SearchRequest{
		"near":     {NearMe: true},
		"sort":     {Sort: app.SearchSortNearest},
		"per_page": {PerPage: 101},
		"type":     {Types: []search.Type{"tender_x"}},
		"q":        {Text: strings.Repeat("老", 201)},
	} {
		_, err := f.app.Search(context.Background(), req)
		var ae *app.Error
		if !errors.As(err, &ae) || ae.Code != app.EINVALID || ae.Fields[name].ID == "" {
			t.Errorf("%s: err = %v, want a field error on %s", name, err, name)
		}
	}
}

// TestSearchFallsBackToTheDatabase: with the engine failing, search answers from the database
// and says so, instead of failing; private text is not matched there either.
func TestSearchFallsBackToTheDatabase(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	n := f.fileNeed(t, "独居老人午餐送餐", "电话13812345678", "private")
	f.sync(t)
	f.index.failSearches.Store(true)
	res, err := f.app.Search(context.Background(), app.SearchRequest{Text: "独居老人"})
	if err != nil {
		t.Fatalf("search with the engine down = %v, want a fallback answer", err)
	}
	if !res.Fallback || res.Total != 1 || res.Hits[0].ID != n.ID {
		t.Fatalf("fallback = %+v", res)
	}
	if !strings.Contains(res.Hits[0].Title, search.MarkStart+"独居老人"+search.MarkEnd) {
		t.Errorf("fallback title not highlighted: %q", res.Hits[0].Title)
	}
	if fc := res.Facets[search.FieldType]; len(fc) != 1 || fc[0].Value != "need" || fc[0].Count != 1 {
		t.Errorf("fallback type facet = %v", fc)
	}
	res, err = f.app.Search(context.Background(), app.SearchRequest{Text: "13812345678"})
	if err != nil || res.Total != 0 {
		t.Errorf("fallback matched a private description: %+v, %v", res, err)
	}
	// Types are interleaved newest first, and pages run across them.
	p := &app.Project{CommunityID: f.world.A.Community.ID, ProposerID: f.world.Users["resident"].ID, Title: "独居老人送餐队",
		Description: "送餐", Category: "meal_delivery", Currency: "CNY", Status: app.ProjectDeliberating,
		CreatedAt: f.clock.Now().Add(time.Hour), UpdatedAt: f.clock.Now().Add(time.Hour)}
	if err := f.store.CreateProject(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	for page, want := range []search.Ref{{Type: search.TypeProject, ID: p.ID}, {Type: search.TypeNeed, ID: n.ID}} {
		res, err = f.app.Search(context.Background(), app.SearchRequest{Text: "独居老人", Page: page + 1, PerPage: 1})
		if err != nil || res.Total != 2 || len(res.Hits) != 1 || res.Hits[0].Type != want.Type || res.Hits[0].ID != want.ID {
			t.Errorf("fallback page %d = %+v, %v; want %v", page+1, res, err, want)
		}
	}
	// An app without an engine answers from the database too.
	bare := app.New(app.Deps{Store: f.store, Clock: f.clock, Hasher: apptest.Hasher()})
	res, err = bare.Search(context.Background(), app.SearchRequest{Text: "送餐", Types: []search.Type{search.TypeNeed}})
	if err != nil || !res.Fallback || res.Total != 1 {
		t.Errorf("no engine: %+v, %v", res, err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestGridMoveReindexesItsRecords: documents carry their grid's position, so moving a grid
// enqueues its records and the worker moves their documents.
func TestGridMoveReindexesItsRecords(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	ctx := context.Background()
	n := f.fileNeed(t, "楼道灯坏了", "", "private")
	f.sync(t)
	g := f.world.A.Grids[0]
	lat, lng := 31.2304, 121.4737 // far from the community's centre
	g.Lat, g.Lng = &lat, &lng
	if err := f.store.UpdateGrid(ctx, g); err != nil {
		t.Fatal(err)
	}
	if f.outbox(t) == 0 {
		t.Fatal("moving a grid enqueued nothing")
	}
	f.sync(t)
	res, err := f.index.Search(ctx, search.Query{Filter: search.And(search.Eq(search.FieldType, "need"), search.Near(lat, lng, 100))})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].Doc.ID != n.ID {
		t.Errorf("need near the grid's new position: %+v", res)
	}
}

// TestEveryTypeHasASource: each record type the search package knows is indexed, in its
// display order, and each source names its own type.
func TestEveryTypeHasASource(t *testing.T) {
	t.Parallel()
	if got := app.SearchTypes(); !slices.Equal(got, search.Types) {
		t.Errorf("indexed types %v, want %v", got, search.Types)
	}
	for _, typ := range search.Types {
		if s := app.SearchSourceFor(typ); s == nil || s.Type != typ || s.Load == nil || s.Count == nil || s.Path == "" {
			t.Errorf("source for %s: %+v", typ, s)
		}
	}
}

// TestSearchLabelsInTheResidentsWords: a volunteer is found under the Chinese and English
// names of their skill's category and by synonyms (居家养老 found none before); a need by
// traditional characters, pinyin and initials of its title; an organization's snippet holds
// no English category names.
func TestSearchLabelsInTheResidentsWords(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	ctx := context.Background()
	v := &app.Volunteer{Name: "李桂芳", Mobile: "19900005678", CommunityID: f.world.A.Community.ID, GridID: &f.world.A.Grids[0].ID,
		Active: true, Skills: []string{"home_visit"}, Bio: "周末有空"}
	if err := f.store.CreateVolunteer(ctx, v); err != nil {
		t.Fatal(err)
	}
	n := f.fileNeed(t, "西湖建筑工地夜间施工", "晚上十点以后还在施工", "public")
	o := &app.Organization{Name: "东湖长者服务社", Kind: "social_org", CommunityID: &f.world.A.Community.ID,
		Description: "为老人提供上门服务", Categories: []string{"elderly_care", "meal_delivery"}}
	if err := f.store.CreateOrganization(ctx, o); err != nil {
		t.Fatal(err)
	}
	f.sync(t)
	for _, c := range []struct {
		text string
		typ  search.Type
		id   int64
	}{
		{"居家养老", search.TypeVolunteer, v.ID},
		{"elderly care", search.TypeVolunteer, v.ID},
		{"入户探访", search.TypeVolunteer, v.ID},
		{"上门看望", search.TypeVolunteer, v.ID}, // a synonym of 入户探访
		{"建築", search.TypeNeed, n.ID},
		{"xihu jianzhu", search.TypeNeed, n.ID},
		{"xh jz", search.TypeNeed, n.ID},
		{"meals", search.TypeOrganization, o.ID}, // a secondary category's English name, in the tags
	} {
		if ids := f.find(t, c.text, c.typ); !slices.Contains(ids, c.id) {
			t.Errorf("%q finds %s %v, want %d among them", c.text, c.typ, ids, c.id)
		}
	}
	res, err := f.app.Search(ctx, app.SearchRequest{Text: "助餐", Types: []search.Type{search.TypeOrganization}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.ID == o.ID && strings.ContainsAny(strings.ToLower(h.Snippet), "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("snippet %q mixes languages", h.Snippet)
		}
	}
}

// TestReindexStopsAtAFailedWrite: reading the next batch overlaps writing the current one; a
// write that fails ends the reindex with that error (the reader stops instead of waiting
// forever), and the next reindex writes everything.
func TestReindexStopsAtAFailedWrite(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	f.fileNeed(t, "独居老人午餐送餐", "每天11点半送到家", "public")
	f.fileNeed(t, "楼道灯坏了", "", "public")
	ctx := context.Background()
	f.index.failWrites.Store(1)
	if _, err := f.app.Reindex(ctx, app.ReindexOptions{Reset: true}); !errors.Is(err, errEngineDown) {
		t.Fatalf("Reindex with a failing write = %v, want %v", err, errEngineDown)
	}
	if ids := f.find(t, "楼道灯", search.TypeNeed); len(ids) != 0 {
		t.Fatalf("the failed write was applied: %v", ids)
	}
	st, err := f.app.Reindex(ctx, app.ReindexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents == 0 || st.Records < st.Documents {
		t.Errorf("reindex stats %+v", st)
	}
	if ids := f.find(t, "楼道灯", search.TypeNeed); len(ids) != 1 {
		t.Errorf("after the second reindex 楼道灯 finds %v, want one need", ids)
	}
}
