package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// rated gives a volunteer n evaluations of the given stars from fresh residents.
func (h *harness) rated(v *app.Volunteer, n, stars int) {
	for i := 0; i < n; i++ {
		u, _ := h.member(side{place: h.world.A})
		e := &app.Evaluation{SubjectKind: "volunteer", SubjectID: v.ID, CommunityID: v.CommunityID, AuthorID: u.ID, Stars: stars, CreatedAt: h.clock.Now()}
		h.must(h.store.CreateEvaluation(context.Background(), e))
	}
}

func TestCandidatesPageExplainsEachRanking(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.sides()[0]
	n := h.need(a)
	n.Category = "meal_delivery"
	h.must(h.store.UpdateNeed(context.Background(), n))
	// Living in a grid whose centre is 0.8 km north of the community centre (ranking places a
	// volunteer at their grid's centre, never their home), holding 2 of the 2 meal skills,
	// rated 4.7 by 32 people.
	lat, lng := 30.70+800.0/111195, 121.01
	g := a.place.Grids[1]
	g.Lat, g.Lng = &lat, &lng
	h.must(h.store.UpdateGrid(context.Background(), g))
	home := 30.70 + 1500.0/111195 // the exact home, 1.5 km north, must not be used
	v := &app.Volunteer{Name: "陈送餐", CommunityID: a.place.Community.ID, GridID: &g.ID, Lat: &home, Lng: &lng, MaxHoursPerWeek: 4, Active: true, Skills: []string{"cooking", "delivery"}}
	h.must(h.store.CreateVolunteer(context.Background(), v))
	h.rated(v, 24, 5)
	h.rated(v, 8, 4)        // (24×5 + 8×4)/32 = 4.75
	owned := h.volunteer(a) // the resident's own profile, with an account
	// The community worker may see every volunteer of the community by name (a grid worker
	// sees other grids' volunteers masked).
	b := h.browser("community_worker")
	status, body, _ := b.get(fmt.Sprintf("/needs/%d/candidates", n.ID))
	if status != http.StatusOK {
		t.Fatalf("candidates page = %d", status)
	}
	for _, want := range []string{"陈送餐", "距离 0.8 公里", "技能匹配 2/2", "满意度 4.8 (32 条评价)", "同社区", "东湖社区志愿者协会"} {
		if !strings.Contains(body, want) {
			t.Errorf("candidates page lacks %q", want)
		}
	}
	// A volunteer with an account can be made responsible for the need from the list.
	if !strings.Contains(body, fmt.Sprintf(`name="assignee_id" value="%d"`, h.ownerID(a))) {
		t.Errorf("no assign button for volunteer %d who has an account", owned.ID)
	}
	b.lang = "en"
	_, body, _ = b.get(fmt.Sprintf("/needs/%d/candidates", n.ID))
	if !strings.Contains(body, "0.8 km away") || !strings.Contains(body, "rated 4.8 (32 reviews)") {
		t.Errorf("English candidates page lacks the explanation")
	}
	// The API gives the same ranking with each feature's value and contribution.
	status, out := h.api(http.MethodGet, fmt.Sprintf("/api/v1/needs/%d/candidates?kind=volunteer", n.ID), "community_worker", nil)
	if status != http.StatusOK {
		t.Fatalf("API candidates = %d %v", status, out)
	}
	vols, _ := out["volunteers"].([]any)
	if len(vols) == 0 || len(out["organizations"].([]any)) != 0 {
		t.Fatalf("kind=volunteer answered %v", out)
	}
	first := vols[0].(map[string]any)
	if first["name"] != "陈送餐" {
		t.Errorf("first candidate %v", first["name"])
	}
	feats := first["explanation"].(map[string]any)["features"].([]any)
	seen := map[string]bool{}
	for _, f := range feats {
		m := f.(map[string]any)
		seen[m["feature"].(string)] = true
		if _, ok := m["contribution"]; !ok {
			t.Errorf("feature %v lacks its contribution", m["feature"])
		}
	}
	for _, f := range []string{"fit", "distance", "reputation", "reliability", "locality"} {
		if !seen[f] {
			t.Errorf("explanation lacks %s: %v", f, feats)
		}
	}
	if status, _ := h.api(http.MethodGet, fmt.Sprintf("/api/v1/needs/%d/candidates?kind=robot", n.ID), "grid_worker", nil); status != http.StatusBadRequest {
		t.Errorf("unknown kind = %d, want 400", status)
	}
}

func TestTaskPagesAndShiftFormErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.sides()[0]
	b := h.browser("grid_worker")
	status, _, loc := b.post("/tasks", url.Values{"community_id": {id(a.place.Community.ID)}, "grid_id": {id(a.place.Grids[0].ID)}, "category": {"meal_delivery"}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("task without a title = %d %s", status, loc)
	}
	status, _, loc = b.post("/tasks", url.Values{"community_id": {id(a.place.Community.ID)}, "grid_id": {id(a.place.Grids[0].ID)}, "title": {"助餐送餐"},
		"category": {"meal_delivery"}, "skills": {"delivery"}, "headcount": {"2"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/tasks/") {
		t.Fatalf("create task = %d %s", status, loc)
	}
	// A shift ending before it starts is refused with the form kept.
	status, body, _ := b.post(loc+"/shifts", url.Values{"mode": {"weekly"}, "weekdays": {"1", "2"}, "start_time": {"12:00"}, "end_time": {"11:00"}, "from_date": {"2026-11-30"}, "weeks": {"2"}, "capacity": {"2"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-end_time"`) || !strings.Contains(body, `value="1" checked`) {
		t.Errorf("impossible shift = %d; want 422 with the end-time error and the chosen days kept", status)
	}
	status, body, _ = b.post(loc+"/shifts", url.Values{"mode": {"once"}, "starts_at": {"2026-12-01T10:00"}, "ends_at": {"2026-12-01T09:00"}, "capacity": {"2"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-ends_at"`) {
		t.Errorf("one-off shift ending first = %d", status)
	}
	status, _, _ = b.post(loc+"/shifts", url.Values{"mode": {"weekly"}, "weekdays": {"1", "2", "3", "4", "5"}, "start_time": {"11:00"}, "end_time": {"12:00"}, "from_date": {"2026-11-30"}, "weeks": {"2"}, "capacity": {"2"}})
	if status != http.StatusSeeOther {
		t.Fatalf("weekday shifts = %d", status)
	}
	_, body, _ = b.get(loc)
	if !strings.Contains(body, "2026-11-30 11:00") || !strings.Contains(body, "<code>") {
		t.Errorf("the task page does not list the shifts with their codes for the coordinator")
	}
	// The public sees the shifts but never the codes.
	_, body, _ = h.browser("anonymous").get(loc)
	if strings.Contains(body, "<code>") || !strings.Contains(body, "2026-12-04 11:00") {
		t.Errorf("public task page shows codes or lacks shifts")
	}
	// The API refuses an impossible one-off shift with 422 naming the field.
	tid := strings.TrimPrefix(loc, "/tasks/")
	status, out := h.api(http.MethodPost, "/api/v1/tasks/"+tid+"/shifts", "grid_worker", map[string]any{"starts_at": "2026-12-01T03:00:00Z", "ends_at": "2026-12-01T02:00:00Z", "capacity": 1})
	if status != http.StatusUnprocessableEntity || apiFields(out)["ends_at"] == nil {
		t.Errorf("API impossible shift = %d %v", status, out)
	}
	for _, path := range []string{"/tasks", "/tasks/new", loc + "/candidates", "/me/tasks", fmt.Sprintf("/communities/%d/assignment", a.place.Community.ID)} {
		bb := h.browser("community_worker")
		if status, _, _ := bb.get(path); status != http.StatusOK {
			t.Errorf("GET %s = %d", path, status)
		}
	}
}

func TestVolunteerFlowAndCSV(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.sides()[0]
	v := h.volunteer(a) // owned by the resident
	v.Mobile, v.Availability = "13812345678", app.Week{}
	for d := 0; d < 5; d++ {
		v.Availability.Set(d, 11)
	}
	h.must(h.store.UpdateVolunteer(context.Background(), v))
	t1, sh := h.task(a, 2*time.Hour) // 11:00 local today (the harness clock is 09:00)
	b := h.browser("resident")
	_, body, _ := b.get("/me/tasks")
	if !strings.Contains(body, t1.Title) {
		t.Fatalf("tasks for me lacks the open task")
	}
	status, _, loc := b.post(fmt.Sprintf("/shifts/%d/signup", sh.ID), url.Values{})
	if status != http.StatusSeeOther {
		t.Fatalf("sign up = %d %s", status, loc)
	}
	h.clock.Set(sh.StartsAt.Add(-10 * time.Minute))
	status, _, _ = b.post(fmt.Sprintf("/shifts/%d/checkin", sh.ID), url.Values{"code": {"654321"}})
	_, body, _ = b.get(loc)
	if status != http.StatusSeeOther || !strings.Contains(body, "签到码不正确") {
		t.Errorf("wrong code = %d; the page should say the code is wrong", status)
	}
	if status, _, _ = b.post(fmt.Sprintf("/shifts/%d/checkin", sh.ID), url.Values{"code": {"123456"}}); status != http.StatusSeeOther {
		t.Fatalf("check in = %d", status)
	}
	h.clock.Set(sh.EndsAt.Add(5 * time.Minute))
	if status, _, _ = b.post(fmt.Sprintf("/shifts/%d/checkout", sh.ID), url.Values{"code": {"123456"}}); status != http.StatusSeeOther {
		t.Fatalf("check out = %d", status)
	}
	// Self-report with a missing date re-renders the form; a valid one waits for approval.
	status, body, _ = b.post("/me/hours", url.Values{"task_id": {id(t1.ID)}, "minutes": {"30"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-date"`) {
		t.Errorf("self-report without a date = %d", status)
	}
	if status, _, _ = b.post("/me/hours", url.Values{"task_id": {id(t1.ID)}, "date": {h.today()}, "minutes": {"30"}, "activity": {"电话回访"}}); status != http.StatusSeeOther {
		t.Fatalf("self-report = %d", status)
	}
	// The coordinator adds 15 minutes with a reason (without one the form says so).
	w := h.browser("community_worker")
	status, body, _ = w.post(fmt.Sprintf("/tasks/%d/hours", t1.ID), url.Values{"volunteer_id": {id(v.ID)}, "date": {h.today()}, "minutes": {"15"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-reason"`) {
		t.Errorf("coordinator hours without reason = %d", status)
	}
	if status, _, _ = w.post(fmt.Sprintf("/tasks/%d/hours", t1.ID), url.Values{"volunteer_id": {id(v.ID)}, "date": {h.today()}, "minutes": {"15"}, "reason": {"整理餐盒"}}); status != http.StatusSeeOther {
		t.Fatalf("coordinator hours = %d", status)
	}
	_, body, _ = b.get(fmt.Sprintf("/volunteers/%d/hours", v.ID))
	for _, want := range []string{"1.25 h", "0.50 h", "签到签退", "协调人补录", "本人自报", "整理餐盒"} {
		if !strings.Contains(body, want) {
			t.Errorf("ledger page lacks %q", want)
		}
	}
	status, csvBody, _ := b.get(fmt.Sprintf("/volunteers/%d/hours.csv", v.ID))
	if status != http.StatusOK || !strings.HasPrefix(csvBody, "\uFEFF") {
		t.Fatalf("CSV = %d, want a UTF-8 BOM first", status)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBody, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "姓名,身份标识(手机号脱敏),所属组织,活动,日期,时长(小时),记录方式" {
		t.Errorf("CSV header %v", rows[0])
	}
	if len(rows) != 3 { // approved only: check-in and coordinator; the self-report is pending
		t.Fatalf("CSV rows %v", rows)
	}
	for _, r := range rows[1:] {
		if r[0] != "王志愿" || r[1] != "138****5678" || r[3] != t1.Title || r[4] != h.today() {
			t.Errorf("CSV row %v", r)
		}
	}
	if rows[1][5] != "1.00" || rows[1][6] != "签到签退" && rows[2][6] != "签到签退" {
		t.Errorf("CSV hours/kinds %v", rows[1:])
	}
}

func TestWeightsPagePreviewAndErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.sides()[0]
	n := h.need(a)
	h.keptVolunteer(a)
	h.donor(a)
	path := fmt.Sprintf("/communities/%d/weights", a.place.Community.ID)
	b := h.browser("community_worker")
	status, body, _ := b.get(path)
	if status != http.StatusOK || !strings.Contains(body, `name="weights.interest"`) || !strings.Contains(body, `value="4"`) {
		t.Fatalf("weights page = %d, want the urban defaults (interest 4)", status)
	}
	form := url.Values{"action": {"preview"}, "need_id": {id(n.ID)}, "load_penalty": {"1"}, "distance_half_meters": {"2000"}}
	for _, f := range []string{"fit", "distance", "availability", "reputation", "reliability", "locality", "interest", "giving"} {
		form.Set("weights."+f, "1")
	}
	for _, k := range []string{"volunteer", "organization", "donor"} {
		form.Set("kinds."+k, "1")
	}
	status, body, _ = b.post(path, form)
	if status != http.StatusOK || !strings.Contains(body, "排序变化") {
		t.Errorf("preview = %d, want the ranking change table", status)
	}
	pv, err := h.app.CommunityProfile(h.world.As(t, h.app, "community_worker"), a.place.Community.ID)
	if err != nil || pv.Custom {
		t.Fatalf("a preview saved the weights: %+v %v", pv, err)
	}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("weights.distance", "-1")
	status, body, _ = b.post(path, bad)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-weights.distance"`) {
		t.Errorf("negative weight = %d", status)
	}
	zero := url.Values{}
	for k, v := range form {
		zero[k] = v
	}
	for _, f := range []string{"fit", "distance", "availability", "reputation", "reliability", "locality", "interest", "giving"} {
		zero.Set("weights."+f, "0")
	}
	zero.Set("action", "save")
	if status, _, _ = b.post(path, zero); status != http.StatusUnprocessableEntity {
		t.Errorf("all-zero weights = %d, want 422", status)
	}
	form.Set("action", "save")
	if status, _, _ = b.post(path, form); status != http.StatusSeeOther {
		t.Fatalf("save = %d", status)
	}
	if pv, _ := h.app.CommunityProfile(h.world.As(t, h.app, "community_worker"), a.place.Community.ID); !pv.Custom || pv.Profile.Weights.Interest != 1 {
		t.Errorf("saved profile %+v", pv)
	}
	// The API refuses negative weights with 422 naming the field.
	status, out := h.api(http.MethodPut, fmt.Sprintf("/api/v1/communities/%d/profile", a.place.Community.ID), "community_worker",
		map[string]any{"weights": map[string]any{"fit": -1}, "kinds": map[string]any{"volunteer": 1}, "load_penalty": 1, "distance_half_meters": 2000,
			"reputation_prior": map[string]any{"mean": 4, "weight": 10}, "reliability_prior": map[string]any{"mean": 0.9, "weight": 5}})
	if status != http.StatusUnprocessableEntity || apiFields(out)["weights.fit"] == nil {
		t.Errorf("API negative weight = %d %v", status, out)
	}
}

func TestBatchAssignmentPageAndAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.sides()[0]
	for i := 0; i < 3; i++ {
		v := h.keptVolunteer(a)
		v.Availability.Set(1, 11) // Tuesday 11:00 is free
		h.must(h.store.UpdateVolunteer(context.Background(), v))
	}
	_, sh := h.task(a, 2*time.Hour) // Tuesday 24 November, 11:00 local; 3 places
	cid := a.place.Community.ID
	status, out := h.api(http.MethodPost, fmt.Sprintf("/api/v1/communities/%d/assignment/proposal", cid), "community_worker", map[string]any{"from": h.clock.Now(), "days": 7})
	if status != http.StatusOK || out["assigned"].(float64) != 3 || out["optimal"] != true {
		t.Fatalf("proposal = %d %v", status, out)
	}
	status, out = h.api(http.MethodPost, fmt.Sprintf("/api/v1/communities/%d/assignment/proposal", cid), "community_worker", map[string]any{"days": 40})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("40 days = %d %v, want 422", status, out)
	}
	b := h.browser("community_worker")
	_, body, _ := b.get(fmt.Sprintf("/communities/%d/assignment", cid))
	if c := strings.Count(body, `name="pair"`); c != 3 {
		t.Fatalf("assignment page offers %d pairs, want 3", c)
	}
	var pairs []string
	for _, part := range strings.Split(body, `name="pair" value="`)[1:] {
		pairs = append(pairs, part[:strings.Index(part, `"`)])
	}
	status, _, _ = b.post(fmt.Sprintf("/communities/%d/assignment", cid), url.Values{"pair": pairs})
	if status != http.StatusSeeOther {
		t.Fatalf("confirm = %d", status)
	}
	n, err := h.store.ActiveSignupCounts(context.Background(), []int64{sh.ID})
	if err != nil || n[sh.ID] != 3 {
		t.Errorf("after confirming, the shift holds %d sign-ups (%v), want 3", n[sh.ID], err)
	}
}

// apiFields returns the field errors of an API error answer.
func apiFields(out map[string]any) map[string]any {
	e, _ := out["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	return f
}

func TestNeedAndProjectPagesLinkToCandidates(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.sides()[0]
	n := h.need(a)
	p := h.project(a, "deliberating")
	for _, tc := range []struct {
		user string
		want bool
	}{{"grid_worker", true}, {"community_worker", true}, {"resident", false}, {"anonymous", false}} {
		b := h.browser(tc.user)
		_, body, _ := b.get(fmt.Sprintf("/needs/%d", n.ID))
		if got := strings.Contains(body, fmt.Sprintf("/needs/%d/candidates", n.ID)); got != tc.want {
			t.Errorf("need page as %s links to candidates: %v, want %v", tc.user, got, tc.want)
		}
		// Workers see the top organizations with their explanation on the need page itself.
		if got := strings.Contains(body, "东湖社区志愿者协会") && strings.Contains(body, "服务范围内"); got != tc.want {
			t.Errorf("need page as %s shows the top candidates: %v, want %v", tc.user, got, tc.want)
		}
		_, body, _ = b.get(fmt.Sprintf("/projects/%d", p.ID))
		want := tc.want && tc.user != "grid_worker" // the project has no grid: community managers only
		if got := strings.Contains(body, fmt.Sprintf("/projects/%d/candidates", p.ID)); got != want {
			t.Errorf("project page as %s links to candidates: %v, want %v", tc.user, got, want)
		}
	}
}

func TestEvaluationForm(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.sides()[0]
	v, task := h.servedVolunteer(a)
	b := h.browser("resident")
	_, body, _ := b.get(fmt.Sprintf("/volunteers/%d", v.ID))
	link := fmt.Sprintf("/evaluations/new?subject_kind=volunteer&amp;subject_id=%d", v.ID)
	if !strings.Contains(body, link) {
		t.Fatalf("the volunteer page does not link to the evaluation form")
	}
	// Naming nothing that served the resident is refused with the field named (issue 11).
	status, body, _ := b.post("/evaluations", url.Values{"subject_kind": {"volunteer"}, "subject_id": {id(v.ID)}, "stars": {"5"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-served"`) {
		t.Errorf("rating without what served = %d", status)
	}
	status, body, _ = b.post("/evaluations", url.Values{"subject_kind": {"volunteer"}, "subject_id": {id(v.ID)}, "task_id": {id(task.ID)}, "stars": {"0"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="e-stars"`) {
		t.Errorf("zero stars = %d", status)
	}
	if status, _, _ = b.post("/evaluations", url.Values{"subject_kind": {"volunteer"}, "subject_id": {id(v.ID)}, "task_id": {id(task.ID)}, "stars": {"5"}, "comment": {"准时"}}); status != http.StatusSeeOther {
		t.Fatalf("evaluation = %d", status)
	}
	st, err := h.store.EvaluationStats(context.Background(), "volunteer", []int64{v.ID})
	if err != nil || st[v.ID].Count != 1 || st[v.ID].Mean != 5 {
		t.Errorf("stats after rating = %+v, %v", st, err)
	}
	// A second rating by the same resident is refused with a message, not an error page.
	status, _, loc := b.post("/evaluations", url.Values{"subject_kind": {"volunteer"}, "subject_id": {id(v.ID)}, "task_id": {id(task.ID)}, "stars": {"1"}})
	if status != http.StatusSeeOther || loc != "/" {
		t.Errorf("second rating = %d %s", status, loc)
	}
	if st, _ := h.store.EvaluationStats(context.Background(), "volunteer", []int64{v.ID}); st[v.ID].Count != 1 {
		t.Errorf("the second rating was stored")
	}
}

// TestTaskReadsDoNotQueryPerRow checks that the task detail, the ledger and the candidates
// cost the same number of queries whatever the number of sign-ups, hours and candidates.
func TestTaskReadsDoNotQueryPerRow(t *testing.T) {
	h := newHarness(t)
	a := h.sides()[0]
	ctx := context.Background()
	count := func(path string) int {
		return h.store.CountQueries(func() {
			if status, _ := h.api(http.MethodGet, path, "community_worker", nil); status != http.StatusOK {
				t.Fatalf("%s = %d", path, status)
			}
		})
	}
	h.token("community_worker")
	small, _ := h.task(a, 2*time.Hour)
	large, _ := h.task(a, 5*time.Hour)
	vol := h.volunteer(a)
	now := h.clock.Now()
	fill := func(task *app.Task, n int) {
		for i := 0; i < n; i++ {
			sh := &app.Shift{TaskID: task.ID, StartsAt: now.Add(time.Duration(10+i) * time.Hour), EndsAt: now.Add(time.Duration(11+i) * time.Hour), Capacity: 2, CheckinCode: "111111", CreatedAt: now}
			h.must(h.store.CreateShifts(ctx, []*app.Shift{sh}))
			v := h.keptVolunteer(a)
			h.must(h.store.CreateSignup(ctx, &app.Signup{ShiftID: sh.ID, TaskID: task.ID, VolunteerID: v.ID, Status: app.SignupSignedUp, Source: app.SourceSelf, CreatedAt: now, UpdatedAt: now}))
			h.must(h.store.CreateHours(ctx, &app.HoursEntry{VolunteerID: vol.ID, TaskID: &task.ID, Kind: app.HoursCoordinator, Status: app.HoursApproved,
				WorkDate: now, Minutes: 30, Activity: task.Title, Reason: "补录", RecordedBy: h.coordinator(a), CreatedAt: now}))
		}
	}
	fill(small, 1)
	before := map[string]int{"task": count(fmt.Sprintf("/api/v1/tasks/%d", small.ID)), "ledger": count(fmt.Sprintf("/api/v1/volunteers/%d/hours", vol.ID)),
		"rank": count(fmt.Sprintf("/api/v1/tasks/%d/candidates", small.ID))}
	fill(large, 25)
	after := map[string]int{"task": count(fmt.Sprintf("/api/v1/tasks/%d", large.ID)), "ledger": count(fmt.Sprintf("/api/v1/volunteers/%d/hours", vol.ID)),
		"rank": count(fmt.Sprintf("/api/v1/tasks/%d/candidates", large.ID))}
	for k := range before {
		if before[k] != after[k] {
			t.Errorf("%s: %d queries with few rows, %d with many", k, before[k], after[k])
		}
	}
}
