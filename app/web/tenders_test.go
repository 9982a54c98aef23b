package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

// addOrgMember gives an organization a signed-in member the harness can act as.
func (h *harness) addOrgMember(name string, o *app.Organization) {
	email := name + "@test.wushe"
	hash, err := apptest.Hasher().Hash(h.world.Password)
	h.must(err)
	u := &app.User{Email: &email, Name: name, PasswordHash: hash, Locale: "zh-CN"}
	h.must(h.store.CreateUser(context.Background(), u))
	h.must(h.store.CreateMembership(context.Background(), &app.Membership{UserID: u.ID, Role: app.RoleOrgMember, OrganizationID: &o.ID, CommunityID: o.CommunityID}))
	h.world.Users[name] = u
}

func TestTenderFlowThroughPagesAndAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.sides()[0]
	worker := h.browser("community_worker")

	// A rubric that does not add up is refused with the reason, in the user's language.
	bad := tenderForm(a)
	bad["criterion_weight"] = []string{"50", "30", "10", ""}
	for _, tc := range []struct{ lang, want string }{{"zh-CN", "权重合计须为 100,现为 90"}, {"en", "Weights must sum to 100, not 90"}} {
		worker.lang = tc.lang
		status, body, _ := worker.post("/tenders", bad)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("%s: bad rubric = %d, page lacks %q", tc.lang, status, tc.want)
		}
		if !strings.Contains(body, `value="居家养老服务"`) {
			t.Errorf("%s: the typed title was lost", tc.lang)
		}
	}
	worker.lang = ""
	good := tenderForm(a)
	good.Set("min_score", "")
	status, _, loc := worker.post("/tenders", good)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/tenders/") {
		t.Fatalf("create tender = %d %s", status, loc)
	}
	tid := strings.TrimPrefix(loc, "/tenders/")
	if status, _, _ := worker.post(loc+"/publish", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("publish = %d", status)
	}
	status, body, _ := h.browser("").get(loc)
	if status != http.StatusOK || !strings.Contains(body, "投标中") || !strings.Contains(body, "¥200,000.00") || !strings.Contains(body, "服务方案") {
		t.Errorf("public tender page = %d, lacks status, ceiling or rubric", status)
	}

	// Bids: above the ceiling and from an unverified organization are 422 with the field.
	org, team := h.memberOrg()
	bidPath := "/api/v1/tenders/" + tid + "/bids"
	status, out := h.api(http.MethodPost, bidPath, "org_member", map[string]any{"organization_id": org.ID, "price": 20000001, "plan": "方案", "team": team})
	if status != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out), "price") || !strings.Contains(fmt.Sprint(out), "¥200,000.00") {
		t.Errorf("price above the ceiling = %d %v", status, out)
	}
	other, otherTeam := h.verifiedOrg(a, "乙养老服务社")
	other.Verified = false
	h.must(h.store.UpdateOrganization(context.Background(), other))
	h.addOrgMember("yi_member", other)
	status, out = h.api(http.MethodPost, bidPath, "yi_member", map[string]any{"organization_id": other.ID, "price": 100000, "plan": "方案", "team": otherTeam})
	if status != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out), "organization_id") {
		t.Errorf("unverified organization = %d %v", status, out)
	}
	other.Verified = true
	h.must(h.store.UpdateOrganization(context.Background(), other))
	status, out = h.api(http.MethodPost, bidPath, "yi_member", map[string]any{"organization_id": other.ID, "price": 18000000, "plan": "每日助餐", "team": otherTeam})
	if status != http.StatusCreated || out["organization_name"] != "乙养老服务社" || fmt.Sprint(out["past_awards"]) != "[]" {
		t.Errorf("valid API bid = %d %v", status, out)
	}
	// The org member bids through the form; the form shows "暂无" for no past evaluations.
	member := h.browser("org_member")
	status, body, _ = member.get("/tenders/" + tid + "/bid")
	if status != http.StatusOK || !strings.Contains(body, "暂无") || !strings.Contains(body, `name="team"`) {
		t.Errorf("bid form = %d, lacks the record or the team", status)
	}
	status, body, _ = member.post("/tenders/"+tid+"/bids", url.Values{"organization_id": {id(org.ID)}, "price": {"250,000"}, "plan": {"方案"}, "team": {id(team[0])}})
	// The error names the ceiling through the shared money formatter (issue 12: "¥200000.00").
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "报价不得高于最高限价 ¥200,000.00") {
		t.Errorf("form bid above the ceiling = %d, want the ceiling as ¥200,000.00 in the error", status)
	}
	status, _, _ = member.post("/tenders/"+tid+"/bids", url.Values{"organization_id": {id(org.ID)}, "price": {"190,000"}, "plan": {"每周上门两次"}, "team": {id(team[0])}, "capacity": {"2"}})
	if status != http.StatusSeeOther {
		t.Fatalf("form bid = %d", status)
	}
	// Sealed: the other bidder sees only its own bid.
	_, out = h.api(http.MethodGet, bidPath, "yi_member", nil)
	if out["total"] != float64(1) {
		t.Errorf("a bidder sees %v bids before the deadline", out["total"])
	}

	// After the deadline: evaluators declare, then score.
	tender, err := h.store.FindTender(context.Background(), atoi(t, tid))
	h.must(err)
	h.clock.Set(tender.BidDeadline.Add(time.Minute))
	if status, _ := h.api(http.MethodPost, bidPath, "yi_member", map[string]any{"organization_id": other.ID, "price": 100, "plan": "迟到", "team": otherTeam}); status != http.StatusConflict {
		t.Errorf("bid after the deadline = %d, want 409", status)
	}
	committee := h.browser("committee_member")
	status, body, _ = committee.get("/tenders/" + tid + "/evaluate")
	if status != http.StatusOK || !strings.Contains(body, "利益冲突声明") {
		t.Fatalf("evaluate page = %d, lacks the declaration form", status)
	}
	bids, err := h.store.FindTenderBids(context.Background(), tender.ID)
	h.must(err)
	bidOf := map[int64]*app.TenderBid{}
	for _, b := range bids {
		bidOf[b.OrganizationID] = b
	}
	sheet := func(b *app.TenderBid, scores ...int) url.Values {
		f := url.Values{"bid_id": {id(b.ID)}}
		for i, c := range tender.Criteria {
			f.Set(fmt.Sprintf("score_%d", c.ID), fmt.Sprint(scores[i]))
		}
		return f
	}
	if status, _, _ := committee.post("/tenders/"+tid+"/scores", sheet(bidOf[org.ID], 90, 90, 90)); status != http.StatusConflict {
		t.Errorf("scoring before declaring = %d, want 409", status)
	}
	if status, body, _ := committee.post("/tenders/"+tid+"/declarations", url.Values{}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "请确认声明真实完整") {
		t.Errorf("declaration without affirmation = %d", status)
	}
	if status, _, _ := committee.post("/tenders/"+tid+"/declarations", url.Values{"affirm": {"true"}, "conflict_organization_ids": {id(other.ID)}}); status != http.StatusSeeOther {
		t.Fatalf("declaration = %d", status)
	}
	if status, _, _ := committee.post("/tenders/"+tid+"/scores", sheet(bidOf[other.ID], 90, 90, 90)); status != http.StatusForbidden {
		t.Errorf("scoring a declared conflict = %d, want 403", status)
	}
	_, body, _ = committee.get("/tenders/" + tid + "/evaluate")
	if !strings.Contains(body, "已回避") {
		t.Errorf("the evaluate page does not show the recusal")
	}
	if status, _, _ := committee.post("/tenders/"+tid+"/scores", sheet(bidOf[org.ID], 70, 80, 90)); status != http.StatusSeeOther {
		t.Errorf("scoring = %d", status)
	}
	// The officer scores both through the API: 甲 (the member's org) 74, 乙 88.
	for _, x := range []struct {
		b      *app.TenderBid
		scores []int
	}{{bidOf[org.ID], []int{70, 80, 70}}, {bidOf[other.ID], []int{90, 90, 80}}} {
		if x.b == bidOf[org.ID] {
			if status, _ := h.api(http.MethodPost, "/api/v1/tenders/"+tid+"/declarations", "civil_affairs_officer", map[string]any{"affirm": true}); status != http.StatusCreated {
				t.Fatalf("API declaration = %d", status)
			}
		}
		var sc []map[string]any
		for i, c := range tender.Criteria {
			sc = append(sc, map[string]any{"criterion_id": c.ID, "score": x.scores[i]})
		}
		status, out := h.api(http.MethodPost, "/api/v1/tenders/"+tid+"/scores", "civil_affairs_officer", map[string]any{"bid_id": x.b.ID, "scores": sc})
		if status != http.StatusOK {
			t.Fatalf("API score = %d %v", status, out)
		}
	}
	status, out = h.api(http.MethodPost, "/api/v1/tenders/"+tid+"/scores", "civil_affairs_officer", map[string]any{"bid_id": bidOf[org.ID].ID, "scores": []map[string]any{{"criterion_id": tender.Criteria[0].ID, "score": 101}}})
	if status != http.StatusUnprocessableEntity {
		t.Errorf("incomplete sheet with 101 = %d %v", status, out)
	}

	// The award: 甲 (77 from the committee, 73 from the officer → 75) against 乙 (88 from the
	// officer alone). 乙 wins; 甲 loses with the winner named.
	// Before the award the office sees the scoring progress and the button; the public does not.
	status, body, _ = worker.get("/tenders/" + tid + "/award")
	if status != http.StatusOK || !strings.Contains(body, "2 份投标中已有 2 份完成评分") || !strings.Contains(body, `action="/tenders/`+tid+`/award"`) {
		t.Errorf("award preview for the office = %d", status)
	}
	if status, _, _ := h.browser("").get("/tenders/" + tid + "/award"); status != http.StatusNotFound {
		t.Errorf("award page before the award, for the public = %d, want 404", status)
	}
	status, _, loc = worker.post("/tenders/"+tid+"/award", url.Values{})
	if status != http.StatusSeeOther || loc != "/tenders/"+tid+"/award" {
		t.Fatalf("award = %d %s", status, loc)
	}
	for _, tc := range []struct{ lang, want string }{
		{"zh-CN", "名额已满:排名在前的 乙养老服务社(88.00 分) 已中标。"},
		{"en", "No award left: 乙养老服务社 (88.00) ranked higher and won."},
	} {
		b := h.browser("")
		b.lang = tc.lang
		status, body, _ := b.get(loc)
		if status != http.StatusOK || !strings.Contains(body, tc.want) || !strings.Contains(body, "75.00") {
			t.Errorf("%s award page = %d, lacks %q or 甲's 75.00", tc.lang, status, tc.want)
		}
	}
	status, out = h.api(http.MethodGet, "/api/v1/tenders/"+tid+"/award", "", nil)
	if status != http.StatusOK {
		t.Fatalf("API award = %d", status)
	}
	got := fmt.Sprint(out["bids"])
	for _, want := range []string{"rank:1", "reason:won", "organization_name:乙养老服务社", "rank:2", "reason:tender_full", "score:75 "} {
		if !strings.Contains(got, want) {
			t.Errorf("API award lacks %q: %s", want, got)
		}
	}
	// The winner's next bid shows this award as a past evaluation.
	second := tenderJSON(a)
	second["bid_deadline"] = "2026-12-20T17:00:00+08:00"
	status, out = h.api(http.MethodPost, "/api/v1/tenders", "community_worker", second)
	if status != http.StatusCreated {
		t.Fatalf("second tender = %d %v", status, out)
	}
	next := fmt.Sprint(out["id"])
	if status, _ := h.api(http.MethodPost, "/api/v1/tenders/"+next+"/publication", "community_worker", nil); status != http.StatusOK {
		t.Fatalf("publish second = %d", status)
	}
	status, out = h.api(http.MethodPost, "/api/v1/tenders/"+next+"/bids", "yi_member", map[string]any{"organization_id": other.ID, "price": 100000, "plan": "方案", "team": otherTeam, "capacity": 2})
	if status != http.StatusCreated || !strings.Contains(fmt.Sprint(out["past_awards"]), tender.Title) {
		t.Errorf("second bid's past awards: %d %v", status, out["past_awards"])
	}
	// Residents' evaluations of 乙 are shown with its bids too: count, mean and the Bayesian
	// average of the ranker (prior 4.0 worth 10 ratings: three 5s and a 4 → 4.21).
	for i, u := range []string{"resident", "grid_worker", "community_worker", "committee_member"} {
		ev := &app.Evaluation{SubjectKind: "organization", SubjectID: other.ID, CommunityID: a.place.Community.ID,
			AuthorID: h.world.Users[u].ID, Stars: map[bool]int{true: 4, false: 5}[i == 3], CreatedAt: h.clock.Now()}
		h.must(h.store.CreateEvaluation(context.Background(), ev))
	}
	status, out = h.api(http.MethodGet, "/api/v1/tenders/"+next+"/bids", "yi_member", nil)
	if got := fmt.Sprint(out["items"]); status != http.StatusOK || !strings.Contains(got, "evaluations:map[count:4 mean:4.75 rating:4.21]") {
		t.Errorf("API bid view lacks the evaluations: %d %s", status, got)
	}
	status, body, _ = h.browser("yi_member").get("/tenders/" + next + "/bid")
	if status != http.StatusOK || !strings.Contains(body, "居民评价 4.21 星(修正后;4 条评价,平均 4.75)") {
		t.Errorf("bid form lacks the resident evaluations: %d", status)
	}
	status, body, _ = h.browser("").get("/tenders/" + tid + "/award")
	if status != http.StatusOK || !strings.Contains(body, "4.21 星(4 条评价,平均 4.75)") || !strings.Contains(body, "暂无居民评价") {
		t.Errorf("award page lacks each bidder's evaluations: %d", status)
	}
	// The organization's page and API list its won contract and its evaluations.
	status, body, _ = h.browser("").get(fmt.Sprintf("/organizations/%d", other.ID))
	if status != http.StatusOK || !strings.Contains(body, tender.Title) || !strings.Contains(body, "居民评价 4.21 星") {
		t.Errorf("organization page lacks its awards or evaluations: %d", status)
	}
	status, out = h.api(http.MethodGet, fmt.Sprintf("/api/v1/organizations/%d", other.ID), "", nil)
	if got := fmt.Sprint(out["record"]); status != http.StatusOK || !strings.Contains(got, tender.Title) || !strings.Contains(got, "rating:4.21") {
		t.Errorf("organization API record = %d %s", status, got)
	}
	status, out = h.api(http.MethodGet, fmt.Sprintf("/api/v1/organizations/%d", org.ID), "", nil)
	if got := fmt.Sprint(out["record"]); status != http.StatusOK || got != "map[awards:[] evaluations:map[count:0 mean:0 rating:4]]" {
		t.Errorf("loser's organization API record = %d %s", status, got)
	}
}

func atoi(t *testing.T, s string) int64 {
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("not an id: %q", s)
	}
	return n
}

func TestTenderListsDoNotQueryPerRow(t *testing.T) {
	h := newHarness(t)
	a := h.sides()[0]
	for i := 0; i < 30; i++ {
		h.tender(a, "published")
	}
	// Two closed tenders, one with 2 bids and one with 8.
	small, big := h.tender(a, "closed"), h.tender(a, "closed")
	now := h.clock.Now()
	for i := 0; i < 7; i++ {
		o, team := h.verifiedOrg(a, fmt.Sprintf("机构%d", next()))
		t := small
		if i > 0 {
			t = big
		}
		h.must(h.store.SaveTenderBid(context.Background(), &app.TenderBid{TenderID: t.ID, OrganizationID: o.ID, SubmittedBy: h.world.Users["admin"].ID,
			Price: 100000, Currency: "CNY", Plan: "方案", Capacity: 1, Team: team, CreatedAt: now, UpdatedAt: now}))
	}
	count := func(path string) int {
		return h.store.CountQueries(func() {
			if status, _ := h.api(http.MethodGet, path, "admin", nil); status != http.StatusOK {
				t.Fatalf("%s = %d", path, status)
			}
		})
	}
	h.token("admin")
	if a, b := count("/api/v1/tenders?per_page=5"), count("/api/v1/tenders?per_page=30"); a != b {
		t.Errorf("tender list queries grow with the page: %d → %d", a, b)
	}
	if a, b := count("/api/v1/tenders/"+id(small.ID)+"/bids"), count("/api/v1/tenders/"+id(big.ID)+"/bids"); a != b {
		t.Errorf("bid list queries grow with the bids: %d → %d", a, b)
	}
}
