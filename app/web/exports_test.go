package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/wushe/wushe/app"
)

// download fetches a file through the API as a world user.
func (h *harness) download(path, user string) (int, []byte, http.Header) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.srv.URL+path, nil)
	h.must(err)
	if tok := h.token(user); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	h.must(err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	h.must(err)
	return resp.StatusCode, b, resp.Header
}

// csvRows reads a CSV export, checking its byte-order mark.
func csvRows(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no UTF-8 BOM: %q", b[:min(len(b), 20)])
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, b)
	}
	return rows
}

// exportFixture writes, in both places, volunteers with hours inside and outside November
// 2026, an organization, an ordinary and a sensitive need. A's volunteer and organization
// carry formula-like names.
type exportFixture struct {
	volA, volB   *app.Volunteer
	needA, needB *app.Need
	sensitive    *app.Need
	orgA         *app.Organization
}

func (h *harness) exportFixture() exportFixture {
	ctx := context.Background()
	var f exportFixture
	sides := h.sides()
	mk := func(s side, name, mobile string) *app.Volunteer {
		gid := s.place.Grids[0].ID
		v := &app.Volunteer{Name: name, Mobile: mobile, CommunityID: s.place.Community.ID, GridID: &gid, MaxHoursPerWeek: 4, Active: true, Skills: []string{}}
		h.must(h.store.CreateVolunteer(ctx, v))
		return v
	}
	f.volA = mk(sides[0], "=HYPERLINK(\"http://x\")", "13800138000")
	f.volB = mk(sides[1], "西林寺志愿者", "13900139000")
	recorder := h.world.Users["community_worker"].ID
	hours := func(v *app.Volunteer, day time.Time, minutes int, status, activity string) {
		h.must(h.store.CreateHours(ctx, &app.HoursEntry{VolunteerID: v.ID, Kind: app.HoursCoordinator, Status: status, WorkDate: day,
			Minutes: minutes, Activity: activity, Reason: "test", RecordedBy: recorder, CreatedAt: day}))
	}
	nov := time.Date(2026, 11, 10, 2, 0, 0, 0, time.UTC)
	hours(f.volA, nov, 150, app.HoursApproved, "-助餐送餐")
	hours(f.volA, nov.AddDate(0, 0, 1), 60, app.HoursPending, "待审核")
	hours(f.volA, time.Date(2026, 10, 31, 15, 0, 0, 0, time.UTC), 600, app.HoursApproved, "十月") // 23:00 local on 31 Oct: outside
	hours(f.volB, nov, 120, app.HoursApproved, "西林寺服务")
	f.needA, f.needB = h.need(sides[0]), h.need(sides[1])
	f.sensitive = h.need(sides[0])
	f.sensitive.Category, f.sensitive.Sensitive, f.sensitive.Title = "health", true, "高血压随访"
	h.must(h.store.UpdateNeed(ctx, f.sensitive))
	cid, sid := sides[0].place.Community.ID, sides[0].place.Street.ID
	f.orgA = &app.Organization{Name: "@SUM(1)助老服务社", Kind: "social_org", CommunityID: &cid, StreetID: &sid, Categories: []string{"elderly_care"}}
	h.must(h.store.CreateOrganization(ctx, f.orgA))
	return f
}

func TestExportsCSV(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	f := h.exportFixture()
	a, b := h.world.A, h.world.B
	nov := "&from=2026-11-01&to=2026-11-30"
	get := func(user, name, place string) (int, [][]string) {
		t.Helper()
		st, body, hdr := h.download("/api/v1/exports/"+name+"?"+place+nov+"&format=csv", user)
		if st != http.StatusOK {
			return st, nil
		}
		if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("%s: content type %q", name, ct)
		}
		if cd := hdr.Get("Content-Disposition"); !strings.Contains(cd, name) || !strings.Contains(cd, "2026-11-01") {
			t.Errorf("%s: disposition %q", name, cd)
		}
		return st, csvRows(t, body)
	}
	commA, commB, streetA := "community_id="+id(a.Community.ID), "community_id="+id(b.Community.ID), "street_id="+id(a.Street.ID)

	// Volunteer hours (民政): the documented columns, the formula cell made inert, November only.
	st, rows := get("community_worker", app.ExportCivilVolunteerHours, commA)
	if st != http.StatusOK {
		t.Fatalf("civil hours: %d", st)
	}
	wantHead := []string{"志愿者编号", "姓名", "手机号（脱敏）", "社区", "网格", "服务次数", "服务时长（小时）", "首次服务日期", "最近服务日期", "证明验证码"}
	if !slices.Equal(rows[0], wantHead) {
		t.Errorf("civil hours header = %q", rows[0])
	}
	if len(rows) != 2 {
		t.Fatalf("civil hours rows = %q, want A's volunteer only", rows)
	}
	r := rows[1]
	if r[0] != id(f.volA.ID) || r[1] != `'=HYPERLINK("http://x")` || r[2] != "138****8000" || r[3] != a.Community.Name ||
		r[5] != "1" || r[6] != "2.50" || r[7] != "2026-11-10" || r[8] != "2026-11-10" || len(r[9]) < 20 {
		t.Errorf("civil hours row = %q", r)
	}
	// The code printed in the export verifies, for the hours it states.
	chk, err := h.app.VerifyCertificate(context.Background(), r[9], "test")
	if err != nil || chk.Minutes != 150 || !chk.Current {
		t.Errorf("code from the export: %+v %v", chk, err)
	}

	// Service records (团委/文明办): one approved November entry; a leading minus is inert.
	_, rows = get("admin", app.ExportVolunteerService, commA)
	if len(rows) != 2 || rows[1][1] != "2026-11-10" || rows[1][7] != "'-助餐送餐" || rows[1][8] != "2.50" || len(rows[0]) != 11 {
		t.Errorf("service records = %q", rows)
	}

	// Organizations (民政): A's, with its formula-like name made inert; B's absent.
	_, rows = get("community_worker", app.ExportCivilOrganizations, commA)
	var names []string
	for _, r := range rows[1:] {
		names = append(names, r[1])
	}
	if len(rows[0]) != 11 || !slices.Contains(names, "'@SUM(1)助老服务社") || slices.Contains(names, "西林寺社区社工站") {
		t.Errorf("organizations = %q", rows)
	}

	// Needs by grid (街道): the sensitive need is left out for a community worker and the
	// committee, kept for the civil-affairs officer; B's need never appears in A's export.
	needIDs := func(rows [][]string) []string {
		var out []string
		for _, r := range rows[1:] {
			out = append(out, r[2])
		}
		return out
	}
	for _, u := range []string{"community_worker", "committee_member"} {
		st, rows = get(u, app.ExportStreetNeeds, commA)
		ids := needIDs(rows)
		if st != http.StatusOK || !slices.Contains(ids, id(f.needA.ID)) || slices.Contains(ids, id(f.sensitive.ID)) || slices.Contains(ids, id(f.needB.ID)) {
			t.Errorf("needs as %s: %d %q", u, st, ids)
		}
	}
	st, rows = get("civil_affairs_officer", app.ExportStreetNeeds, streetA)
	if ids := needIDs(rows); st != http.StatusOK || !slices.Contains(ids, id(f.sensitive.ID)) || slices.Contains(ids, id(f.needB.ID)) {
		t.Errorf("street needs as officer: %d %q", st, ids)
	}
	if len(rows[0]) != 12 || rows[0][0] != "网格" {
		t.Errorf("needs header = %q", rows[0])
	}

	// Finance: the documented columns even when there are no rows.
	_, rows = get("committee_member", app.ExportFinanceLedger, commA)
	if !slices.Equal(rows[0], []string{"交易编号", "时间", "基金", "社区", "业务类型", "业务单号", "科目", "资金来源", "借方（元）", "贷方（元）", "币种"}) {
		t.Errorf("ledger header = %q", rows[0])
	}
	_, rows = get("committee_member", app.ExportFinanceDisbursement, commA)
	if len(rows[0]) != 14 || rows[0][13] != "凭证文件（SHA-256）" {
		t.Errorf("disbursements header = %q", rows[0])
	}

	// Scope: another community, a street over a community worker, a role without the action.
	for _, c := range []struct{ user, name, place string }{
		{"community_worker", app.ExportCivilVolunteerHours, commB},
		{"community_worker", app.ExportCivilVolunteerHours, streetA},
		{"committee_member", app.ExportCivilVolunteerHours, commA},
		{"grid_worker", app.ExportStreetNeeds, commA},
		{"worker_b", app.ExportFinanceLedger, commA},
	} {
		if st, _ := get(c.user, c.name, c.place); st != http.StatusForbidden {
			t.Errorf("%s %s %s: %d, want 403", c.user, c.name, c.place, st)
		}
	}
	// Bad input: no place, two places, an unknown template, a period the wrong way round.
	for path, want := range map[string]int{
		"/api/v1/exports/street_needs?from=2026-11-01":                             http.StatusUnprocessableEntity,
		"/api/v1/exports/street_needs?" + commA + "&" + streetA:                    http.StatusUnprocessableEntity,
		"/api/v1/exports/nope?" + commA:                                            http.StatusNotFound,
		"/api/v1/exports/street_needs?" + commA + "&from=2026-11-30&to=2026-11-01": http.StatusUnprocessableEntity,
		"/api/v1/exports/street_needs?" + commA + "&format=pdf":                    http.StatusBadRequest,
		"/api/v1/exports/street_needs?community_id=999999":                         http.StatusUnprocessableEntity,
	} {
		if st, body, _ := h.download(path, "admin"); st != want {
			t.Errorf("%s: %d %s, want %d", path, st, body, want)
		}
	}
	if st, _, _ := h.download("/api/v1/exports/street_needs?"+commA, ""); st != http.StatusUnauthorized {
		t.Errorf("anonymous: %d, want 401", st)
	}
}

func TestExportsXLSXAndList(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.exportFixture()
	st, body, hdr := h.download("/api/v1/exports/volunteer_service?community_id="+id(h.world.A.Community.ID)+"&from=2026-11-01&to=2026-11-30&format=xlsx", "community_worker")
	if st != http.StatusOK || !strings.Contains(hdr.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("xlsx: %d %s", st, hdr.Get("Content-Type"))
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sh := x.GetSheetName(0)
	rows, err := x.GetRows(sh)
	if err != nil || len(rows) != 2 {
		t.Fatalf("rows %q %v", rows, err)
	}
	if rows[1][1] != "2026-11-10" || rows[1][8] != "2.50" || rows[1][7] != "-助餐送餐" {
		t.Errorf("xlsx row = %q", rows[1])
	}
	for _, cell := range []string{"A2", "B2", "I2"} {
		raw, _ := x.GetCellValue(sh, cell, excelize.Options{RawCellValue: true})
		if typ, _ := x.GetCellType(sh, cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString || strings.Contains(raw, "-") {
			t.Errorf("%s is text %q (type %v), want a number", cell, raw, typ)
		}
	}

	// The list names only what the caller may use: a committee member gets the street's
	// needs and the money over A, not the civil-affairs exports; a resident gets 403.
	st, out := h.api(http.MethodGet, "/api/v1/exports", "committee_member", nil)
	if st != http.StatusOK {
		t.Fatalf("list: %d %v", st, out)
	}
	var names []string
	for _, it := range out["items"].([]any) {
		m := it.(map[string]any)
		names = append(names, m["name"].(string))
		places := m["places"].([]any)
		if len(places) != 1 || places[0].(map[string]any)["name"] != h.world.A.Community.Name {
			t.Errorf("%s places = %v", m["name"], places)
		}
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{app.ExportFinanceDisbursement, app.ExportFinanceLedger, app.ExportStreetNeeds}) {
		t.Errorf("committee's exports = %q", names)
	}
	if st, _ := h.api(http.MethodGet, "/api/v1/exports", "resident", nil); st != http.StatusForbidden {
		t.Errorf("resident list: %d", st)
	}
	// The page offers pickers, no typed ids, and the workbench links it.
	b := h.browser("civil_affairs_officer")
	st, page, _ := b.get("/exports")
	if st != http.StatusOK || !strings.Contains(page, `name="place"`) || !strings.Contains(page, "street:"+id(h.world.A.Street.ID)) || strings.Contains(page, `name="community_id"`) {
		t.Errorf("exports page: %d", st)
	}
	if _, wb, _ := b.get("/workbench"); !strings.Contains(wb, `href="/exports"`) {
		t.Error("the workbench does not link the exports")
	}
	st, file, _ := b.get("/exports/street_needs?place=" + url.QueryEscape("street:"+id(h.world.A.Street.ID)) + "&from=2026-11-01&to=2026-11-30&format=csv")
	if st != http.StatusOK || !strings.HasPrefix(file, "\uFEFF网格,") {
		t.Errorf("page download: %d %.80q", st, file)
	}
}

func TestCertificate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	f := h.exportFixture()
	path := "/api/v1/volunteers/" + id(f.volA.ID) + "/certificate?from=2026-11-01&to=2026-11-30"
	st, out := h.api(http.MethodGet, path, "community_worker", nil)
	if st != http.StatusOK || out["minutes"] != float64(150) || out["community"] != h.world.A.Community.Name || out["issued"] != "2026-11-24" {
		t.Fatalf("certificate: %d %v", st, out)
	}
	code := out["code"].(string)
	if !strings.Contains(out["verify_url"].(string), "/certificates/verify?code=") {
		t.Errorf("verify url %v", out["verify_url"])
	}
	if st, _ := h.api(http.MethodGet, path, "worker_b", nil); st != http.StatusForbidden {
		t.Errorf("another community's worker: %d", st)
	}

	// Anyone verifies a valid code: masked name, hours, issuer. No sign-in needed.
	st, chk := h.api(http.MethodGet, "/api/v1/certificates/verify?code="+url.QueryEscape(code), "", nil)
	if st != http.StatusOK || chk["minutes"] != float64(150) || chk["community"] != h.world.A.Community.Name || chk["current"] != true ||
		strings.Contains(chk["name"].(string), "HYPERLINK(\"http") || chk["from"] != "2026-11-01" {
		t.Errorf("verify: %d %v", st, chk)
	}
	// Lower case and without dashes is the same code.
	if st, _ := h.api(http.MethodGet, "/api/v1/certificates/verify?code="+strings.ToLower(strings.ReplaceAll(code, "-", "")), "", nil); st != http.StatusOK {
		t.Errorf("normalised code: %d", st)
	}
	// An altered code, a made-up one and an empty one are not valid.
	alt := []byte(code)
	if alt[0] == 'A' {
		alt[0] = 'B'
	} else {
		alt[0] = 'A'
	}
	for _, c := range []string{string(alt), "ABCD-EFGH-IJKL-MNOP-QRST-UVWX", "", "!!!"} {
		if st, _ := h.api(http.MethodGet, "/api/v1/certificates/verify?code="+url.QueryEscape(c), "", nil); st != http.StatusNotFound {
			t.Errorf("code %q: %d, want 404", c, st)
		}
	}
	b := h.browser("anonymous")
	if st, page, _ := b.get("/certificates/verify?code=" + url.QueryEscape(string(alt))); st != http.StatusNotFound || !strings.Contains(page, "验证码无效") {
		t.Errorf("verify page, altered: %d", st)
	}
	if st, page, _ := b.get("/certificates/verify?code=" + url.QueryEscape(code)); st != http.StatusOK || !strings.Contains(page, "证明有效") || !strings.Contains(page, "2.50") {
		t.Errorf("verify page, valid: %d", st)
	}
	// Hours approved later for the period: the code still verifies, flagged as changed.
	h.must(h.store.CreateHours(context.Background(), &app.HoursEntry{VolunteerID: f.volA.ID, Kind: app.HoursCoordinator, Status: app.HoursApproved,
		WorkDate: time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC), Minutes: 30, Activity: "补录", Reason: "test", RecordedBy: h.world.Users["admin"].ID}))
	if _, chk := h.api(http.MethodGet, "/api/v1/certificates/verify?code="+url.QueryEscape(code), "", nil); chk["current"] != false || chk["minutes"] != float64(150) {
		t.Errorf("after a change: %v", chk)
	}
	// The printable page, for the volunteer's community worker: the hours as they are now,
	// under a new code (the old one states 2.50 hours).
	st, page, _ := h.browser("community_worker").get("/volunteers/" + id(f.volA.ID) + "/certificate?from=2026-11-01&to=2026-11-30")
	if st != http.StatusOK || strings.Contains(page, code) || !strings.Contains(page, "3.00 h") || !strings.Contains(page, "志 愿 服 务 证 明") {
		t.Errorf("certificate page: %d %s", st, page)
	}
}

// TestMyDataReadable: the "my data" page shows every section's rows, and the XLSX copy
// holds a contents sheet and a sheet per section with rows, the same rows as the JSON.
func TestMyDataReadable(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	n := h.need(h.sides()[0])
	other := h.need(h.sides()[1])
	b := h.browser("resident")
	st, page, _ := b.get("/me/data")
	if st != http.StatusOK || !strings.Contains(page, n.Title) || strings.Contains(page, other.Title) || !strings.Contains(page, `href="/me/data.xlsx"`) ||
		!strings.Contains(page, "测试resident") || strings.Contains(page, "password_hash") {
		t.Errorf("my data page: %d", st)
	}
	st, file, _ := b.get("/me/data.xlsx")
	if st != http.StatusOK {
		t.Fatalf("xlsx: %d", st)
	}
	x, err := excelize.OpenReader(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) < 3 || !slices.Contains(sheets, "需求") || !slices.Contains(sheets, "账号") {
		t.Errorf("sheets %q", sheets)
	}
	rows, err := x.GetRows("需求")
	if err != nil || len(rows) != 2 || !slices.Contains(rows[1], n.Title) {
		t.Errorf("needs sheet: %q %v", rows, err)
	}
	acc, _ := x.GetRows("账号")
	if len(acc) != 2 || slices.Contains(acc[0], "password_hash") {
		t.Errorf("account sheet %q", acc)
	}
}

// TestMyDonations: a merchant's member sees the gifts of the merchant's donor record and the
// goods it stocked; a member of another organization and a resident see none of them.
func TestMyDonations(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	o := h.org(h.sides()[0]) // the organization the world's org_member belongs to
	oid := o.ID
	_, it := h.pointsFixture(h.sides()[0])
	it.OrganizationID, it.ValueFen = &oid, 5990
	h.must(h.store.DB(ctx).Exec(`UPDATE shop_items SET organization_id = ?, value_fen = ? WHERE id = ?`, oid, 5990, it.ID).Error)
	_, it2 := h.pointsFixture(h.sides()[1]) // B's shelf, no organization
	st, out := h.api(http.MethodGet, "/api/v1/me/donations", "org_member", nil)
	items, _ := out["items"].([]any)
	if st != http.StatusOK || len(items) != 1 {
		t.Fatalf("donations: %d %v", st, out)
	}
	d := items[0].(map[string]any)
	goods := d["items"].([]any)
	if d["organization"].(map[string]any)["name"] != o.Name || len(goods) != 1 || goods[0].(map[string]any)["id"] != float64(it.ID) || d["goods_value"] != float64(5990) {
		t.Errorf("donations = %v (B's item %d must not appear)", d, it2.ID)
	}
	if _, out := h.api(http.MethodGet, "/api/v1/me/donations", "resident", nil); len(out["items"].([]any)) != 0 {
		t.Errorf("a resident's donations: %v", out)
	}
	st, page, _ := h.browser("org_member").get("/me/donations")
	if st != http.StatusOK || !strings.Contains(page, o.Name) || !strings.Contains(page, it.Name) {
		t.Errorf("donations page: %d", st)
	}
}
