package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The dashboard page draws each chart as SVG with a title, a description and its data as a
// table, with no inline style; its CSV and XLSX exports carry the same figures as the JSON.
func TestDashboardPageAndExports(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for i, title := range []string{"送餐", "修水管", "陪诊"} {
		status, out := h.api(http.MethodPost, "/api/v1/needs", "resident",
			map[string]any{"grid_id": h.world.A.Grids[i%2].ID, "category": "meal_delivery", "tier": "minor", "title": title})
		if status != http.StatusCreated {
			t.Fatalf("file need: %d %v", status, out)
		}
	}
	month := fixedNow.In(h.app.Location()).Format("2006-01")
	q := "?from=" + month + "-01&to=" + month + "-28"
	path := fmt.Sprintf("/dashboards/communities/%d", h.world.A.Community.ID)
	status, want := h.api(http.MethodGet, "/api/v1"+path+q, "community_worker", nil)
	if status != http.StatusOK {
		t.Fatalf("json: %d %v", status, want)
	}
	filed := int64(want["needs"].(map[string]any)["filed"].(float64))
	if filed != 3 {
		t.Fatalf("needs.filed = %d, want the 3 filed", filed)
	}

	b := h.browser("community_worker")
	status, body, _ := b.get(path + q)
	if status != http.StatusOK {
		t.Fatalf("page: %d %s", status, body)
	}
	svgs := regexp.MustCompile(`(?s)<svg class="chart"[^>]*role="img"[^>]*>\s*<title id="([^"]+)">[^<]+</title><desc id="([^"]+)">[^<]+</desc>`).FindAllStringSubmatch(body, -1)
	if len(svgs) != 4 {
		t.Errorf("%d charts with a title and a description, want 4", len(svgs))
	}
	if n := strings.Count(body, `<table class="chart-data">`); n != 4 {
		t.Errorf("%d chart data tables, want one beside each of the 4 charts", n)
	}
	if strings.Contains(body, "style=") || inlineScript(body) {
		t.Error("the page carries inline style or script")
	}
	if !strings.Contains(body, `href="/dashboards"`) {
		t.Error("the navigation does not link the dashboards")
	}
	_, home, _ := h.browser("resident").get("/")
	if strings.Contains(home, `href="/dashboards"`) {
		t.Error("a resident's navigation links the dashboards")
	}

	// CSV: the figures by their JSON names, then the grids.
	status, csvBody, _ := b.get(path + "/export.csv" + q)
	if status != http.StatusOK {
		t.Fatalf("csv: %d", status)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBody, "\uFEFF")))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	fig := map[string]string{}
	grids := 0
	for i, row := range rows {
		if len(row) == 3 && i > 0 {
			fig[row[0]] = row[2]
		}
		if len(row) == 12 && row[0] != "grid_id" {
			grids++
		}
	}
	if fig["needs.filed"] != strconv.FormatInt(filed, 10) || fig["funds.social"] != "0" || fig["linkage_index"] == "" {
		t.Errorf("csv figures = %v", fig)
	}
	if grids != len(want["by_grid"].([]any)) {
		t.Errorf("csv has %d grid rows, json %d", grids, len(want["by_grid"].([]any)))
	}

	// XLSX: the same, numbers as numeric cells.
	status, xl, _ := b.get(path + "/export.xlsx" + q)
	if status != http.StatusOK {
		t.Fatalf("xlsx: %d", status)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(xl)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	xrows, err := f.GetRows("Figures")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i, row := range xrows {
		if len(row) == 3 && row[0] == "needs.filed" {
			found = row[2] == "3"
			typ, _ := f.GetCellType("Figures", fmt.Sprintf("C%d", i+1))
			if typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
				t.Errorf("needs.filed is a text cell")
			}
		}
	}
	if !found {
		t.Errorf("xlsx figures lack needs.filed = 3: %v", xrows)
	}
	if g, _ := f.GetRows("Grids"); len(g) != grids+1 {
		t.Errorf("xlsx grids sheet has %d rows, want %d and a header", len(g), grids)
	}
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/api/v1"+path+q+"&format=csv", nil)
	req.Header.Set("Authorization", "Bearer "+h.token("community_worker"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	apiCSV, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(apiCSV) != csvBody {
		t.Errorf("api format=csv: %d, differs from the page's export", resp.StatusCode)
	}
	if status, _ := h.api(http.MethodGet, "/api/v1"+path+"?format=pdf", "community_worker", nil); status != http.StatusBadRequest && status != http.StatusUnprocessableEntity {
		t.Errorf("format=pdf: %d, want 400 or 422", status)
	}
	if status, _, _ := b.get(path + "?from=2026-13-01"); status != http.StatusUnprocessableEntity {
		t.Errorf("bad date on the page: %d, want 422", status)
	}
	if status, _, loc := h.browser("anonymous").get(path + "?from=bad"); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
		t.Errorf("anonymous: %d %s, want the sign-in page first", status, loc)
	}
	if status, idx, _ := b.get("/dashboards"); status != http.StatusOK || !strings.Contains(idx, `href="`+path+`"`) {
		t.Errorf("index: %d, lacks %s", status, path)
	}
}
