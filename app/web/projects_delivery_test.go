package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// TestDeliveryAPI walks steps 4–6 through the JSON API and checks every status code the issue
// fixes: 401 before validation, 403 out of scope, 404, 409 with its reason, 422 naming the
// field, 400 malformed, 201/200 on rating.
func TestDeliveryAPI(t *testing.T) {
	h := newHarness(t)
	a := h.sides()[0]
	pr := h.deliveryProject(a, app.ProjectApproved)
	base := fmt.Sprintf("/api/v1/projects/%d", pr.ID)

	_, out := h.api(http.MethodGet, base, "", nil)
	for _, k := range []string{"campaign_ids", "task_ids", "tender_ids", "rating", "accountability", "status"} {
		if _, ok := out[k]; !ok {
			t.Errorf("project JSON lacks %s: %v", k, out)
		}
	}
	rating, _ := out["rating"].(map[string]any)
	if rating["count"] != 0.0 || rating["overall"] != nil || rating["outcome"] != nil {
		t.Errorf("rating before any: %v", rating)
	}
	acc, _ := out["accountability"].(map[string]any)
	raised, _ := acc["raised"].(map[string]any)
	if len(raised) != 5 || acc["left"] != 0.0 || acc["matched"] != 0.0 || acc["spent"] != 0.0 {
		t.Errorf("accountability before money: %v", acc)
	}

	type call struct {
		name, method, path, user string
		body                     any
		status                   int
		field                    string
	}
	rejected := h.project(a, app.ProjectRejected)
	errCases := []call{
		{"anonymous update", "POST", base + "/updates", "", map[string]any{}, 401, ""},
		{"resident update", "POST", base + "/updates", "resident", map[string]any{"text": "x"}, 403, ""},
		{"other community's worker", "POST", base + "/updates", "worker_b", map[string]any{"text": "x"}, 403, ""},
		{"empty text", "POST", base + "/updates", "org_member", map[string]any{"text": ""}, 422, "text"},
		{"bad percent", "POST", base + "/updates", "org_member", map[string]any{"text": "x", "percent_done": 120}, 422, "percent_done"},
		{"bad photo", "POST", base + "/updates", "org_member", map[string]any{"text": "x", "photos": []string{"ftp://x"}}, 422, "photos"},
		{"unknown milestone", "POST", base + "/updates", "org_member", map[string]any{"text": "x", "milestone_id": 999999}, 422, "milestone_id"},
		{"unknown field", "POST", base + "/updates", "org_member", map[string]any{"body": "x"}, 400, ""},
		{"malformed", "POST", base + "/updates", "org_member", `{"text":`, 400, ""},
		{"unknown project", "POST", "/api/v1/projects/987654/updates", "org_member", map[string]any{"text": "x"}, 404, ""},
		{"rejected project", "POST", fmt.Sprintf("/api/v1/projects/%d/updates", rejected.ID), "community_worker", map[string]any{"text": "x"}, 409, ""},
		{"bad due date", "POST", base + "/milestones", "org_member", map[string]any{"title": "x", "due_on": "明天"}, 422, "due_on"},
		{"rating before completion", "POST", base + "/ratings", "resident", map[string]any{"outcome": 5, "timeliness": 5, "value": 5}, 409, ""},
		{"completion without report", "POST", base + "/completion", "org_member", map[string]any{}, 422, "report"},
	}
	check := func(tc call) map[string]any {
		t.Helper()
		status, out := h.api(tc.method, tc.path, tc.user, tc.body)
		if status != tc.status {
			t.Errorf("%s: %d %v, want %d", tc.name, status, out, tc.status)
			return out
		}
		if tc.status >= 400 {
			e, _ := out["error"].(map[string]any)
			if e == nil || e["message"] == "" {
				t.Errorf("%s: no error body: %v", tc.name, out)
			}
			if tc.field != "" {
				if f, _ := e["fields"].(map[string]any); f[tc.field] == nil {
					t.Errorf("%s: fields %v do not name %s", tc.name, e["fields"], tc.field)
				}
			}
		}
		return out
	}
	for _, tc := range errCases {
		check(tc)
	}
	if _, out := h.api("GET", base, "", nil); out["status"] != app.ProjectApproved {
		t.Errorf("refused calls moved the project to %v", out["status"])
	}
	if _, out := h.api("GET", base+"/updates", "", nil); out["total"] != 0.0 {
		t.Errorf("refused calls wrote updates: %v", out)
	}

	m := check(call{"milestone", "POST", base + "/milestones", "org_member", map[string]any{"title": "场地清理", "due_on": "2026-12-10"}, 201, ""})
	check(call{"update", "POST", base + "/updates", "org_member", map[string]any{"text": "已进场", "photos": []string{"https://example.org/1.jpg"}, "milestone_id": m["id"], "percent_done": 40}, 201, ""})
	check(call{"second update", "POST", base + "/updates", "grid_worker", map[string]any{"text": "铺设步道", "percent_done": 80}, 201, ""})
	if _, out := h.api("GET", base, "", nil); out["status"] != app.ProjectInProgress || out["percent_done"] != 80.0 {
		t.Errorf("after updates: %v %v", out["status"], out["percent_done"])
	}
	done := check(call{"completion", "POST", base + "/completion", "org_member", map[string]any{"report": "已完工验收", "evidence": []string{"https://example.org/ok.pdf"}}, 200, ""})
	if done["status"] != app.ProjectCompleted || done["rating_ends_at"] == nil {
		t.Errorf("completion answer %v", done)
	}
	check(call{"second completion", "POST", base + "/completion", "org_member", map[string]any{"report": "again"}, 409, ""})
	check(call{"resident of another community", "POST", base + "/ratings", "resident_b", map[string]any{"outcome": 5, "timeliness": 5, "value": 5}, 403, ""})
	check(call{"anonymous rating", "POST", base + "/ratings", "", map[string]any{"outcome": 9}, 401, ""})
	check(call{"score out of range", "POST", base + "/ratings", "resident", map[string]any{"outcome": 6, "timeliness": 5, "value": 5}, 422, "outcome"})
	check(call{"first rating", "POST", base + "/ratings", "resident", map[string]any{"outcome": 5, "timeliness": 4, "value": 3, "comment": "好"}, 201, ""})
	check(call{"replaced rating", "POST", base + "/ratings", "resident", map[string]any{"outcome": 4, "timeliness": 4, "value": 4}, 200, ""})
	_, out = h.api("GET", base, "", nil)
	rating, _ = out["rating"].(map[string]any)
	if rating["count"] != 1.0 || rating["outcome"] != 4.0 || rating["overall"] != 4.0 {
		t.Errorf("rating after replace: %v", rating)
	}
	h.clock.Advance(app.DefaultRatingWindow + 1)
	late := check(call{"rating after the window", "POST", base + "/ratings", "resident", map[string]any{"outcome": 1, "timeliness": 1, "value": 1}, 409, ""})
	if e, _ := late["error"].(map[string]any); !strings.Contains(fmt.Sprint(e["message"]), "评价期") {
		t.Errorf("late rating reason: %v", e)
	}
	if _, out := h.api("GET", base, "", nil); out["status"] != app.ProjectEvaluated {
		t.Errorf("after the window: %v", out["status"])
	}

	// Need ratings: only the requester (404 for anyone else), only when resolved.
	n := h.need(a)
	nb := fmt.Sprintf("/api/v1/needs/%d/rating", n.ID)
	check(call{"open need", "POST", nb, "resident", map[string]any{"stars": 5}, 409, ""})
	n = h.resolvedNeed(a)
	nb = fmt.Sprintf("/api/v1/needs/%d/rating", n.ID)
	check(call{"someone else's need", "POST", nb, "community_worker", map[string]any{"stars": 1}, 404, ""})
	check(call{"another resident", "POST", nb, "resident_b", map[string]any{"stars": 1}, 404, ""})
	check(call{"anonymous need rating", "POST", nb, "", map[string]any{"stars": 1}, 401, ""})
	check(call{"stars out of range", "POST", nb, "resident", map[string]any{"stars": 0}, 422, "stars"})
	r := check(call{"low rating", "POST", nb, "resident", map[string]any{"stars": 2, "comment": "没修好"}, 201, ""})
	if r["reopened"] != true {
		t.Errorf("low rating answer %v", r)
	}
	if _, out := h.api("GET", fmt.Sprintf("/api/v1/needs/%d", n.ID), "community_worker", nil); out["status"] != app.NeedOpen || out["escalation_level"] != app.LevelCommunity {
		t.Errorf("need after a low rating: %v %v", out["status"], out["escalation_level"])
	}
	check(call{"rating a reopened need", "POST", nb, "resident", map[string]any{"stars": 5}, 409, ""})
}

// TestDeliveryPages renders the delivery section for the deliverer and the rating forms for
// the resident, and the public accountability and roll-up pages for anyone.
func TestDeliveryPages(t *testing.T) {
	h := newHarness(t)
	a := h.sides()[0]
	inProgress := h.deliveryProject(a, app.ProjectInProgress)
	completed := h.deliveryProject(a, app.ProjectCompleted)
	worker, resident, anon := h.browser("community_worker"), h.browser("resident"), h.browser("anonymous")
	status, body, _ := worker.get(fmt.Sprintf("/projects/%d", inProgress.ID))
	if status != 200 || !strings.Contains(body, `action="/projects/`+id(inProgress.ID)+`/updates"`) || !strings.Contains(body, `/complete"`) {
		t.Errorf("deliverer's project page: %d lacks the update and completion forms", status)
	}
	status, body, _ = resident.get(fmt.Sprintf("/projects/%d", inProgress.ID))
	if status != 200 || strings.Contains(body, "/updates\"") {
		t.Errorf("resident sees the update form: %d", status)
	}
	status, body, _ = resident.get(fmt.Sprintf("/projects/%d", completed.ID))
	if status != 200 || !strings.Contains(body, `action="/projects/`+id(completed.ID)+`/ratings"`) {
		t.Errorf("resident's completed project page: %d lacks the rating form", status)
	}
	st, loc := 0, ""
	st, _, loc = resident.post(fmt.Sprintf("/projects/%d/ratings", completed.ID), map[string][]string{"outcome": {"5"}, "timeliness": {"4"}, "value": {"5"}})
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/projects/") {
		t.Errorf("rating form: %d %s", st, loc)
	}
	_, body, _ = resident.get(loc)
	if !strings.Contains(body, "感谢评价") || !strings.Contains(body, "修改我的评价") {
		t.Errorf("after rating, the page does not thank or offer a change")
	}
	for _, p := range []string{fmt.Sprintf("/projects/%d/accountability", completed.ID), fmt.Sprintf("/communities/%d/project-ratings", a.place.Community.ID)} {
		if status, body, _ := anon.get(p); status != 200 || !strings.Contains(body, "<h1>") {
			t.Errorf("GET %s anonymously: %d", p, status)
		}
	}
	// The task form's project picker links a new task to an approved project and starts it.
	approved := h.deliveryProject(a, app.ProjectApproved)
	if _, body, _ := worker.get("/tasks/new"); !strings.Contains(body, fmt.Sprintf(`<option value="%d">`, approved.ID)) {
		t.Errorf("the task form does not offer the approved project")
	}
	st, _, loc = worker.post("/tasks", map[string][]string{"community_id": {id(a.place.Community.ID)}, "project_id": {id(approved.ID)},
		"title": {"场地清理"}, "category": {"environment"}, "headcount": {"2"}})
	if p, _ := h.store.FindProject(context.Background(), approved.ID); st != http.StatusSeeOther || p.Status != app.ProjectInProgress {
		t.Errorf("task from the picker: %d %s, project %s", st, loc, p.Status)
	}
	n := h.resolvedNeed(a)
	status, body, _ = resident.get(fmt.Sprintf("/needs/%d", n.ID))
	if status != 200 || !strings.Contains(body, fmt.Sprintf(`action="/needs/%d/rating"`, n.ID)) {
		t.Errorf("requester's resolved need lacks the rating form: %d", status)
	}
	if _, body, _ := worker.get(fmt.Sprintf("/needs/%d", n.ID)); strings.Contains(body, "/rating\"") {
		t.Error("a worker is offered the requester's rating form")
	}
}

// TestProjectListDoesNotQueryPerRow extends the list-query test to projects with their
// delivery fields: links, ratings and the accountability view are loaded in batches, so the
// number of queries does not grow with the page, nor the project page's with its ratings.
func TestProjectListDoesNotQueryPerRow(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	a := h.sides()[0]
	var last *app.Project
	for i := 0; i < 30; i++ {
		last = h.deliveryProject(a, app.ProjectCompleted)
		h.must(h.store.CreateTask(ctx, &app.Task{CommunityID: a.place.Community.ID, ProjectID: &last.ID, Title: "任务", Category: "environment",
			Headcount: 1, CoordinatorID: h.world.Users["community_worker"].ID, Status: app.TaskOpen, CreatedBy: h.world.Users["community_worker"].ID}))
		_, err := h.store.SaveProjectRating(ctx, &app.ProjectRating{ProjectID: last.ID, CommunityID: a.place.Community.ID,
			AuthorID: h.world.Users["resident"].ID, Outcome: 4, Timeliness: 4, Value: 4})
		h.must(err)
	}
	count := func(path string) int {
		return h.store.CountQueries(func() {
			if status, _ := h.api(http.MethodGet, path, "", nil); status != http.StatusOK {
				t.Fatalf("%s = %d", path, status)
			}
		})
	}
	if few, many := count("/api/v1/projects?per_page=5"), count("/api/v1/projects?per_page=30"); few != many {
		t.Errorf("project list queries grow with the page: %d for 5, %d for 30", few, many)
	}
	path := fmt.Sprintf("/api/v1/projects/%d", last.ID)
	before := count(path)
	for i := 0; i < 10; i++ {
		u, _ := h.member(a)
		_, err := h.store.SaveProjectRating(ctx, &app.ProjectRating{ProjectID: last.ID, CommunityID: a.place.Community.ID, AuthorID: u.ID, Outcome: 5, Timeliness: 3, Value: 2})
		h.must(err)
	}
	if after := count(path); after != before {
		t.Errorf("project queries grow with its ratings: %d → %d", before, after)
	}
}

// TestAccountabilityMatchesPublicLedgerAPI reads a project's accountability as a new user
// would and recomputes it from the fund's public ledger JSON (GET /api/v1/funds/{id}/ledger),
// entry by entry: they must agree to the fen.
func TestAccountabilityMatchesPublicLedgerAPI(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	a := h.sides()[0]
	admin, worker := h.world.As(t, h.app, "admin"), h.world.As(t, h.app, "community_worker")
	officer := h.world.As(t, h.app, "civil_affairs_officer")
	f, err := h.app.CreateFund(officer, app.FundInput{CommunityID: a.place.Community.ID, Name: "东湖友邻基金"})
	h.must(err)
	pool, err := h.app.CreatePool(officer, f.ID, app.PoolInput{Name: "配捐池", Source: "government", Rule: &app.RuleInput{Ratio: "1:1"}})
	h.must(err)
	_, err = h.app.DepositToPool(officer, pool.ID, app.DepositInput{Amount: 1_000_000, Note: "拨款"})
	h.must(err)
	pr := h.deliveryProject(a, app.ProjectApproved)
	camp, err := h.app.CreateCampaign(worker, app.CampaignInput{FundID: f.ID, ProjectID: pr.ID, PoolID: &pool.ID, Goal: 100000,
		Deadline: h.clock.Now().Add(10 * 24 * time.Hour), Mode: "keep_what_you_raise"})
	h.must(err)
	for i, g := range []struct {
		src string
		amt int64
	}{{"resident", 30000}, {"merchant", 45000}, {"foundation", 20000}} {
		c, err := h.app.RecordOffline(worker, camp.ID, app.OfflineInput{Amount: g.amt, Method: "cash", ReceiptNo: fmt.Sprintf("R-%d", i), ReceivedOn: h.clock.Now(), Source: g.src, DonorName: "捐赠人"})
		h.must(err)
		_, err = h.app.ConfirmOffline(admin, c.ID)
		h.must(err)
	}
	h.clock.Advance(11 * 24 * time.Hour)
	_, _, err = h.app.CloseCampaigns(ctx)
	h.must(err)
	d, err := h.app.RequestDisbursement(worker, f.ID, app.DisbursementInput{CampaignID: camp.ID, PayeeOrganizationID: h.org(a).ID, Amount: 70000, Purpose: "材料"})
	h.must(err)
	for _, who := range []string{"civil_affairs_officer", "admin"} {
		_, err := h.app.VoteDisbursement(h.world.As(t, h.app, who), d.ID, app.VoteInput{Approve: true})
		h.must(err)
	}
	_, err = h.app.AddEvidence(worker, d.ID, app.EvidenceInput{FileName: "发票.png", Data: pngHeader})
	h.must(err)
	_, err = h.app.PayDisbursement(worker, d.ID)
	h.must(err)

	_, proj := h.api(http.MethodGet, fmt.Sprintf("/api/v1/projects/%d", pr.ID), "", nil)
	acc, _ := proj["accountability"].(map[string]any)
	_, ledger := h.api(http.MethodGet, fmt.Sprintf("/api/v1/funds/%d/ledger?per_page=100", f.ID), "", nil)
	raised := map[string]float64{}
	var matched, spent, left float64
	prefix := fmt.Sprintf("campaign:%d:", camp.ID)
	reserved := fmt.Sprintf(":reserved:%d", camp.ID)
	for _, it := range ledger["items"].([]any) {
		tx := it.(map[string]any)
		for _, e := range tx["entries"].([]any) {
			en := e.(map[string]any)
			acct, amt := en["account"].(string), en["amount"].(float64)
			if !strings.HasPrefix(acct, prefix) && !strings.HasSuffix(acct, reserved) {
				continue
			}
			if en["side"] == "debit" {
				amt = -amt
			}
			left += amt
			switch kind := tx["kind"]; {
			case kind == "contribution_succeeded" || kind == "contribution_refunded":
				raised[en["source"].(string)] += amt
			case kind == "match_reserved" && strings.HasSuffix(acct, reserved), kind == "match_released":
				matched += amt
			case kind == "disbursement_paid":
				spent -= amt
			}
		}
	}
	got, _ := acc["raised"].(map[string]any)
	for _, src := range []string{"resident", "merchant", "unit", "foundation", "social_org"} {
		if got[src] != raised[src] {
			t.Errorf("raised[%s]: project %v, public ledger %v", src, got[src], raised[src])
		}
	}
	if acc["matched"] != matched || acc["spent"] != spent || acc["left"] != left || spent != 70000 || matched == 0 {
		t.Errorf("project %v; public ledger matched %v spent %v left %v", acc, matched, spent, left)
	}
}
