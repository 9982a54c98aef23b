package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

var cst = time.FixedZone("CST", 8*3600)

func TestDueAt(t *testing.T) {
	t.Parallel()
	hours := func(h int) *int { return &h }
	filed := time.Date(2026, 11, 24, 9, 30, 0, 0, cst)
	late := time.Date(2026, 11, 24, 23, 10, 0, 0, cst)
	def := &app.Community{SLAMajorHours: 24, SLAHardHours: 168}
	custom := &app.Community{SLAMinorHours: hours(4), SLAMajorHours: 12, SLAHardHours: 72}
	tests := []struct {
		name  string
		tier  string
		c     *app.Community
		filed time.Time
		want  time.Time
	}{
		{"minor is due by the end of the local day", app.TierMinor, def, filed, time.Date(2026, 11, 24, 23, 59, 59, 0, cst)},
		{"minor filed late the same evening", app.TierMinor, def, late, time.Date(2026, 11, 24, 23, 59, 59, 0, cst)},
		{"minor with community hours", app.TierMinor, custom, filed, filed.Add(4 * time.Hour)},
		{"major within a day", app.TierMajor, def, filed, filed.Add(24 * time.Hour)},
		{"major with community hours", app.TierMajor, custom, filed, filed.Add(12 * time.Hour)},
		{"hard within a week", app.TierHard, def, filed, filed.Add(7 * 24 * time.Hour)},
		{"hard with community hours", app.TierHard, custom, filed, filed.Add(72 * time.Hour)},
		{"missing settings fall back to defaults", app.TierMajor, &app.Community{}, filed, filed.Add(24 * time.Hour)},
	}
	for _, tt := range tests {
		got := app.DueAt(tt.tier, tt.c, tt.filed.UTC(), cst)
		if !got.Equal(tt.want) {
			t.Errorf("%s: DueAt = %v, want %v", tt.name, got.In(cst), tt.want)
		}
		if got.Location() != time.UTC {
			t.Errorf("%s: DueAt returned %v, want UTC", tt.name, got.Location())
		}
	}
}

func newNeedWorld(t *testing.T, start time.Time) (*app.App, *apptest.World, *apptest.Clock) {
	t.Helper()
	clock := apptest.NewClock(start)
	a, s := apptest.NewApp(t, clock)
	return a, apptest.NewWorld(t, s, apptest.Hasher()), clock
}

func TestCreateNeedValidation(t *testing.T) {
	t.Parallel()
	a, w, _ := newNeedWorld(t, time.Date(2026, 11, 24, 9, 0, 0, 0, cst))
	ctx := w.As(t, a, "resident")
	ga := w.A.Grids[0].ID
	start := time.Date(2026, 11, 25, 10, 0, 0, 0, cst)
	valid := app.NeedInput{GridID: ga, Category: "meal_delivery", Tier: "minor", Title: "独居老人午餐送餐"}
	tests := []struct {
		name   string
		edit   func(*app.NeedInput)
		fields []string
	}{
		{"missing everything", func(in *app.NeedInput) { *in = app.NeedInput{} }, []string{"grid_id", "category", "tier", "title"}},
		{"unknown tier", func(in *app.NeedInput) { in.Tier = "urgent" }, []string{"tier"}},
		{"unknown category", func(in *app.NeedInput) { in.Category = "space_travel" }, []string{"category"}},
		{"unknown grid", func(in *app.NeedInput) { in.GridID = 999999 }, []string{"grid_id"}},
		{"grid of another community", func(in *app.NeedInput) { in.CommunityID = w.B.Community.ID }, []string{"community_id"}},
		{"title too long", func(in *app.NeedInput) { in.Title = string(make([]rune, 101)) }, []string{"title"}},
		{"window ends before it starts", func(in *app.NeedInput) {
			end := start.Add(-time.Hour)
			in.WindowStart, in.WindowEnd = &start, &end
		}, []string{"window_end"}},
		{"on behalf without consent", func(in *app.NeedInput) { in.OnBehalfName = "王大爷" }, []string{"consent_method"}},
		{"bad phone", func(in *app.NeedInput) {
			in.OnBehalfName, in.OnBehalfPhone, in.ConsentMethod = "王大爷", "12345", "verbal"
		}, []string{"on_behalf_phone"}},
		{"bad privacy", func(in *app.NeedInput) { in.Privacy = "secret" }, []string{"privacy"}},
	}
	for _, tt := range tests {
		in := valid
		tt.edit(&in)
		_, err := a.CreateNeed(ctx, in)
		var e *app.Error
		if !asError(err, &e) || e.Code != app.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", tt.name, err)
			continue
		}
		for _, f := range tt.fields {
			if _, ok := e.Fields[f]; !ok {
				t.Errorf("%s: no error for field %q in %v", tt.name, f, e.Fields)
			}
		}
	}
	// Nothing was written by the rejected requests.
	ns, total, err := a.Needs(ctx, app.NeedFilter{})
	if err != nil || total != 0 || len(ns) != 0 {
		t.Fatalf("after rejected requests: %d needs, %v", total, err)
	}
	n, err := a.CreateNeed(ctx, valid)
	if err != nil {
		t.Fatalf("valid need: %v", err)
	}
	if n.Status != app.NeedOpen || n.EscalationLevel != app.LevelGrid || n.Privacy != "private" || n.CommunityID != w.A.Community.ID {
		t.Errorf("created need = %+v", n)
	}
	if n.RequesterID == nil || *n.RequesterID != w.Users["resident"].ID {
		t.Errorf("requester = %v, want the resident", n.RequesterID)
	}
}

func TestCreateNeedScopes(t *testing.T) {
	t.Parallel()
	a, w, _ := newNeedWorld(t, time.Date(2026, 11, 24, 9, 0, 0, 0, cst))
	inA := app.NeedInput{GridID: w.A.Grids[0].ID, Category: "elderly_care", Tier: "major", Title: "楼道灯坏了"}
	tests := []struct {
		user string
		in   app.NeedInput
		code app.Code // "" means allowed
	}{
		{"resident", inA, ""},
		{"resident_b", inA, app.EFORBIDDEN},
		{"outsider", inA, app.EFORBIDDEN},
		{"worker_b", inA, app.EFORBIDDEN},
		{"grid_worker", inA, ""},
		{"community_worker", inA, ""},
		{"admin", inA, ""},
		{"volunteer", inA, app.EFORBIDDEN},
	}
	for _, tt := range tests {
		_, err := a.CreateNeed(w.As(t, a, tt.user), tt.in)
		if got := codeOf(err); got != tt.code {
			t.Errorf("%s files a need in A: %v, want %q", tt.user, err, tt.code)
		}
	}
	if _, err := a.CreateNeed(context.Background(), inA); codeOf(err) != app.EUNAUTHORIZED {
		t.Errorf("anonymous: %v, want unauthorized", err)
	}
	// On-behalf filing is for grid and community workers, with consent.
	behalf := inA
	behalf.OnBehalfName, behalf.OnBehalfPhone, behalf.ConsentMethod = "王秀英", "13812341234", "verbal"
	if _, err := a.CreateNeed(w.As(t, a, "resident"), behalf); codeOf(err) != app.EFORBIDDEN {
		t.Errorf("resident on behalf: %v, want forbidden", err)
	}
	n, err := a.CreateNeed(w.As(t, a, "grid_worker"), behalf)
	if err != nil {
		t.Fatalf("grid worker on behalf: %v", err)
	}
	if n.RequesterID != nil || n.ConsentAt == nil || n.FiledByID != w.Users["grid_worker"].ID {
		t.Errorf("on-behalf need = %+v", n)
	}
	// The public sees a masked name and number; the grid worker sees them whole.
	pub, err := a.Need(context.Background(), n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if pub.Private || pub.OnBehalfName != "王**" || pub.OnBehalfPhone != "138****1234" {
		t.Errorf("public view = %+v", pub.Need)
	}
	gw, _ := a.Need(w.As(t, a, "grid_worker"), n.ID)
	if !gw.Private || gw.OnBehalfPhone != "13812341234" {
		t.Errorf("grid worker view = %+v", gw.Need)
	}
}

func TestNeedPrivacy(t *testing.T) {
	t.Parallel()
	a, w, _ := newNeedWorld(t, time.Date(2026, 11, 24, 9, 0, 0, 0, cst))
	// family, not counseling: counselling is a sensitive category, which others may not open at
	// all (TestSensitiveNeeds); this test is about what a viewable need hides.
	n, err := a.CreateNeed(w.As(t, a, "resident"), app.NeedInput{GridID: w.A.Grids[0].ID, Category: "family", Tier: "hard",
		Title: "想找人聊聊", Description: "最近心情低落,家里有矛盾", Address: "3栋2单元502", Privacy: "private"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		user    string
		private bool
	}{
		{"resident", true}, {"grid_worker", true}, {"community_worker", true}, {"admin", true},
		{"resident_b", false}, {"volunteer", false}, {"worker_b", false}, {"outsider", false},
	} {
		v, err := a.Need(w.As(t, a, tt.user), n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Private != tt.private {
			t.Errorf("%s sees private = %v, want %v", tt.user, v.Private, tt.private)
		}
		if !tt.private && (v.Description != "" || v.Address != "" || v.RequesterID != nil) {
			t.Errorf("%s sees private details: %+v", tt.user, v.Need)
		}
		if tt.private && v.Description == "" {
			t.Errorf("%s misses the description", tt.user)
		}
	}
}

func TestNeedLifecycle(t *testing.T) {
	t.Parallel()
	a, w, _ := newNeedWorld(t, time.Date(2026, 11, 24, 9, 0, 0, 0, cst))
	res := w.As(t, a, "resident")
	gw := w.As(t, a, "grid_worker")
	n, err := a.CreateNeed(res, app.NeedInput{GridID: w.A.Grids[0].ID, Category: "property", Tier: "minor", Title: "水管漏水"})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		ctx    context.Context
		tr     app.NeedTransition
		code   app.Code
		status string
	}{
		{res, app.NeedStart, app.EFORBIDDEN, app.NeedOpen}, // residents do not work their own needs
		{w.As(t, a, "worker_b"), app.NeedStart, app.EFORBIDDEN, app.NeedOpen},
		{gw, app.NeedClose, app.ECONFLICT, app.NeedOpen}, // not resolved yet
		{gw, app.NeedStart, "", app.NeedInProgress},
		{gw, app.NeedStart, app.ECONFLICT, app.NeedInProgress},
		{gw, app.NeedResolve, "", app.NeedResolved},
		{res, app.NeedReopen, "", app.NeedInProgress}, // the resident disputes
		{gw, app.NeedResolve, "", app.NeedResolved},
		{res, app.NeedClose, "", app.NeedClosed},
		{res, app.NeedWithdraw, app.ECONFLICT, app.NeedClosed},
	}
	for i, st := range steps {
		v, err := a.TransitionNeed(st.ctx, n.ID, st.tr, "已处理")
		if got := codeOf(err); got != st.code {
			t.Fatalf("step %d %s: %v, want %q", i, st.tr, err, st.code)
		}
		cur, _ := a.Need(gw, n.ID)
		if cur.Status != st.status {
			t.Fatalf("step %d %s: status %s, want %s", i, st.tr, cur.Status, st.status)
		}
		if err == nil && v.Status != st.status {
			t.Fatalf("step %d: returned status %s", i, v.Status)
		}
	}
	cur, _ := a.Need(gw, n.ID)
	if cur.AssigneeID == nil || *cur.AssigneeID != w.Users["grid_worker"].ID {
		t.Errorf("starting a need assigns the worker; assignee = %v", cur.AssigneeID)
	}
	evs, total, err := a.AuditEvents(w.As(t, a, "community_worker"), app.AuditFilter{CommunityID: &w.A.Community.ID})
	if err != nil {
		t.Fatal(err)
	}
	// created + start + resolve + reopen + resolve + close
	if total != 6 {
		var acts []string
		for _, e := range evs {
			acts = append(acts, e.Action)
		}
		t.Errorf("audit events = %d %v, want 6", total, acts)
	}
}

func TestEscalation(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, cst)
	a, w, clock := newNeedWorld(t, start)
	res := w.As(t, a, "resident")
	minor, err := a.CreateNeed(res, app.NeedInput{GridID: w.A.Grids[0].ID, Category: "environment", Tier: "minor", Title: "楼下垃圾没清运"})
	if err != nil {
		t.Fatal(err)
	}
	hard, err := a.CreateNeed(res, app.NeedInput{GridID: w.A.Grids[0].ID, Category: "mediation", Tier: "hard", Title: "邻里噪音纠纷"})
	if err != nil {
		t.Fatal(err)
	}
	queue := func(user string) map[int64]bool {
		vs, _, err := a.NeedQueue(w.As(t, a, user), app.NeedFilter{})
		if err != nil {
			t.Fatalf("%s queue: %v", user, err)
		}
		out := map[int64]bool{}
		for _, v := range vs {
			out[v.ID] = true
		}
		return out
	}
	if q := queue("grid_worker"); !q[minor.ID] || !q[hard.ID] {
		t.Fatalf("new needs land in the grid worker's queue: %v", q)
	}
	if q := queue("community_worker"); len(q) != 0 {
		t.Fatalf("community queue before escalation: %v", q)
	}
	if _, _, err := a.NeedQueue(res, app.NeedFilter{}); codeOf(err) != app.EFORBIDDEN {
		t.Errorf("a resident has no queue: %v", err)
	}

	// Still before midnight: nothing is overdue.
	clock.Set(time.Date(2026, 11, 24, 23, 0, 0, 0, cst))
	if n, err := a.EscalateOverdue(context.Background()); err != nil || n != 0 {
		t.Fatalf("escalate before due = %d, %v", n, err)
	}
	// The next morning the minor need is overdue: it goes to the community.
	clock.Set(time.Date(2026, 11, 25, 8, 0, 0, 0, cst))
	if n, err := a.EscalateOverdue(context.Background()); err != nil || n != 1 {
		t.Fatalf("escalate next morning = %d, %v; want 1", n, err)
	}
	// Running again at once changes nothing: each need escalates once per level.
	if n, err := a.EscalateOverdue(context.Background()); err != nil || n != 0 {
		t.Fatalf("second run = %d, %v; want 0", n, err)
	}
	v, _ := a.Need(w.As(t, a, "grid_worker"), minor.ID)
	if v.EscalationLevel != app.LevelCommunity || v.EscalatedAt == nil || !v.Overdue {
		t.Errorf("after escalation: level %s", v.EscalationLevel)
	}
	if q := queue("community_worker"); !q[minor.ID] || q[hard.ID] {
		t.Errorf("community queue after escalation = %v", q)
	}
	if q := queue("worker_b"); len(q) != 0 {
		t.Errorf("another community's worker sees %v", q)
	}
	// A day later it is still open: the street takes it.
	clock.Advance(25 * time.Hour)
	if n, err := a.EscalateOverdue(context.Background()); err != nil || n != 1 {
		t.Fatalf("escalate to street = %d, %v", n, err)
	}
	if q := queue("civil_affairs_officer"); !q[minor.ID] {
		t.Errorf("street queue = %v", q)
	}
	// The street is the top: a need there stays put however late it is. The hard need,
	// overdue after its week, goes to the community; a week later to the street.
	clock.Advance(30 * 24 * time.Hour)
	if n, err := a.EscalateOverdue(context.Background()); err != nil || n != 1 {
		t.Fatalf("escalate after a month = %d, %v", n, err)
	}
	clock.Advance(8 * 24 * time.Hour)
	if n, err := a.EscalateOverdue(context.Background()); err != nil || n != 1 {
		t.Fatalf("hard need to the street = %d, %v", n, err)
	}
	v, _ = a.Need(w.As(t, a, "admin"), minor.ID)
	if v.EscalationLevel != app.LevelStreet || !v.Overdue {
		t.Errorf("minor need at the top: level %s overdue %v", v.EscalationLevel, v.Overdue)
	}
	evs, _, _ := a.AuditEvents(w.As(t, a, "admin"), app.AuditFilter{SubjectType: ptr("need"), SubjectID: &minor.ID})
	escalations := 0
	for _, e := range evs {
		if e.Action == "need.escalated" {
			escalations++
		}
	}
	if escalations != 2 {
		t.Errorf("minor need has %d escalation events, want 2", escalations)
	}
	// Lists put overdue needs first.
	if _, err := a.CreateNeed(res, app.NeedInput{GridID: w.A.Grids[0].ID, Category: "environment", Tier: "major", Title: "新的需求"}); err != nil {
		t.Fatal(err)
	}
	vs, _, _ := a.Needs(context.Background(), app.NeedFilter{})
	// Both old needs are overdue (escalation does not move the promise), the new one is not.
	if len(vs) != 3 || !vs[0].Overdue || !vs[1].Overdue || vs[2].Overdue || vs[0].ID != minor.ID {
		t.Errorf("overdue first: got ids %d, %d, %d", vs[0].ID, vs[1].ID, vs[2].ID)
	}
}

func ptr[T any](v T) *T { return &v }

func asError(err error, target **app.Error) bool {
	e, ok := err.(*app.Error)
	if ok {
		*target = e
	}
	return ok
}

func codeOf(err error) app.Code {
	if err == nil {
		return ""
	}
	return app.ErrorCode(err)
}
