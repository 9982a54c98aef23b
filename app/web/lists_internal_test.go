package web

import (
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// TestCountedTotals checks how a list answers a total the store counted for its page
// (app.Page.CountLimit): exact below the limit, "more than" the page's offset plus
// app.CountAhead at it, in the JSON list (total_is_estimate) and in a page's pager, which then
// offers a next page without claiming a last one.
func TestCountedTotals(t *testing.T) {
	t.Parallel()
	e := echo.New()
	for _, tc := range []struct {
		pg        app.Page
		counted   int
		total     int
		estimate  bool
		pages     int
		nextShown bool
	}{
		{app.Page{Page: 1, PerPage: 20}, 37, 37, false, 2, true},
		{app.Page{Page: 2, PerPage: 20}, 37, 37, false, 2, false},
		{app.Page{Page: 1, PerPage: 20}, app.CountAhead, app.CountAhead, false, app.CountAhead / 20, true},
		{app.Page{Page: 1, PerPage: 20}, app.CountAhead + 1, app.CountAhead, true, app.CountAhead / 20, true},
		{app.Page{Page: 3, PerPage: 10}, 20 + app.CountAhead + 1, 20 + app.CountAhead, true, (20 + app.CountAhead) / 10, true},
		{app.Page{Page: 1, PerPage: 20, Exact: true}, 5 * app.CountAhead, 5 * app.CountAhead, false, 5 * app.CountAhead / 20, true},
	} {
		l := listOf([]int{1}, tc.counted, tc.pg)
		if l.Total != tc.total || l.TotalIsEstimate != tc.estimate {
			t.Errorf("%+v counted %d: list total %d estimate %v, want %d %v", tc.pg, tc.counted, l.Total, l.TotalIsEstimate, tc.total, tc.estimate)
		}
		c := e.NewContext(httptest.NewRequest("GET", "/needs", nil), httptest.NewRecorder())
		p := newCountedPager(c, tc.pg, tc.counted)
		next := p.More || p.Page < p.Pages
		if p.Total != tc.total || p.More != tc.estimate || p.Pages != tc.pages || next != tc.nextShown {
			t.Errorf("%+v counted %d: pager %+v, want total %d more %v pages %d next %v", tc.pg, tc.counted, p, tc.total, tc.estimate, tc.pages, tc.nextShown)
		}
	}
	// An unpaged list is whole: its length is its total, however long.
	if l := wholeList(make([]int, app.CountAhead+5)); l.Total != app.CountAhead+5 || l.TotalIsEstimate {
		t.Errorf("whole list: total %d estimate %v", l.Total, l.TotalIsEstimate)
	}
}
