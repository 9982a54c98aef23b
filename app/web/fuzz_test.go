package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/search"
)

// fuzzDTOs are request bodies the funds and needs routes bind: money, times, pointers, maps,
// slices and strings, the field kinds the binder handles.
func fuzzDTOs() []any {
	return []any{&app.OfflineInput{}, &app.CampaignInput{}, &app.RuleInput{}, &app.DepositInput{}, &app.FundInput{},
		&app.PoolInput{}, &app.DonateInput{}, &app.RefundInput{}, &app.DisbursementInput{}}
}

// clientError reports whether err answers with a 4xx status (never a 5xx or a panic).
func clientError(err error) bool {
	st := statusOf(err)
	if he, ok := err.(*echo.HTTPError); ok {
		st = he.Code
	}
	return st >= 400 && st < 500
}

// FuzzBindJSON sends arbitrary bodies to the strict JSON binder for each DTO. It never panics;
// a refusal is a 4xx naming the problem; whatever it accepts is valid JSON, and the bound value
// written back as JSON binds to itself. Seeds: testdata/fuzz/FuzzBindJSON.
func FuzzBindJSON(f *testing.F) {
	for _, s := range []string{`{"amount": 5000, "method": "cash", "receipt_no": "DH-1", "received_on": "2026-11-23T01:00:00Z", "donor_name": "王"}`,
		`{"amount": 9223372036854775807}`, `{"amount": 1.5}`, `{"amount": "5"}`, `{"ratio":"1:1","category_multipliers":{"a":"1:2"},"donor_cap":-1}`,
		`{"fund_id":1,"project_id":2,"pool_id":null,"goal":100,"deadline":"2026-13-01T00:00:00Z","mode":"x"}`, `{"unknown":1}`, `{} {}`, `[]`, ``, `{"amount":1e400}`,
		`{"excluded_organization_ids":[1,-2,3]}`, "{\"donor_name\":\"\xff\"}"} {
		f.Add([]byte(s), uint8(0), true)
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, body []byte, which uint8, asJSON bool) {
		dtos := fuzzDTOs()
		v := dtos[int(which)%len(dtos)]
		bind := func(b []byte) error {
			req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(b))
			if asJSON {
				req.Header.Set(echo.HeaderContentType, "application/json; charset=utf-8")
			} else {
				req.Header.Set(echo.HeaderContentType, "text/plain")
			}
			return bindJSON(e.NewContext(req, httptest.NewRecorder()), v)
		}
		if err := bind(body); err != nil {
			if !clientError(err) {
				t.Fatalf("%T bound from %q: %v (status %d), want a 4xx", v, body, err, statusOf(err))
			}
			return
		}
		if !asJSON {
			t.Fatalf("bound a text/plain body %q", body)
		}
		if !json.Valid(bytes.TrimSpace(body)) {
			t.Fatalf("%T bound from invalid JSON %q", v, body)
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("marshal %+v: %v", v, err)
		}
		first := reflect.ValueOf(v).Elem().Interface()
		reflect.ValueOf(v).Elem().SetZero()
		if err := bind(out); err != nil {
			t.Fatalf("%T written back as %s does not bind: %v", v, out, err)
		}
		if again := reflect.ValueOf(v).Elem().Interface(); !reflect.DeepEqual(again, first) {
			t.Fatalf("%T round trip: %+v became %+v", v, first, again)
		}
	})
}

// FuzzBindForm posts arbitrary form bodies to the form binder for each DTO: it never panics
// and refuses with a 4xx (400 for a body that is not a form, 422 naming a field otherwise).
func FuzzBindForm(f *testing.F) {
	for _, s := range []string{"method=cash&receipt_no=DH-1&donor_name=%E7%8E%8B&anonymous=on", "fund_id=1&project_id=x&pool_id=",
		"handler_approvals=99999999999999999999", "anonymous=maybe", "%zz", "a=1&a=2&a", "pool_id=-1&mode=all_or_nothing"} {
		f.Add(s, uint8(0))
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, body string, which uint8) {
		dtos := fuzzDTOs()
		v := dtos[int(which)%len(dtos)]
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationForm)
		if err := bindForm(e.NewContext(req, httptest.NewRecorder()), v); err != nil && !clientError(err) {
			t.Fatalf("%T from form %q: %v, want a 4xx", v, body, err)
		}
	})
}

// FuzzSearchRequest feeds arbitrary query strings to the search API's parameter parser
// (q, type, community, near, radius_m, sort, page, per_page). It never panics, refuses with a
// 400 naming the parameter, and whatever it accepts is a request the search
// accepts, with a valid point, a radius in range, known types and a page in range.
func FuzzSearchRequest(f *testing.F) {
	for _, s := range []string{"q=老人送餐&type=need,project&near=30.7,121.0&radius_m=5000&sort=distance&page=2&per_page=20",
		"near=me", "near=NaN,1", "near=91,0", "radius_m=1e309", "page=99999999999999999999", "type=,,need", "per_page=0",
		"q=%ff", "community=-1", "sort=relevance&sort=newest"} {
		f.Add(s)
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, raw string) {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/search", nil)
		req.URL.RawQuery = raw
		if _, err := url.ParseQuery(raw); err != nil {
			req.URL.RawQuery = url.QueryEscape(raw)
		}
		got, err := searchRequest(e.NewContext(req, httptest.NewRecorder()))
		if err != nil {
			if !clientError(err) {
				t.Fatalf("query %q: %v, want a 4xx", raw, err)
			}
			return
		}
		if got.Near != nil && !got.Near.Valid() || got.RadiusM < 0 || got.RadiusM > app.MaxSearchRadiusM ||
			got.Page < 1 || got.Page > search.MaxPage || got.PerPage < 1 || got.PerPage > search.MaxPageSize {
			t.Fatalf("query %q accepted as %+v", raw, got)
		}
		for _, ty := range got.Types {
			if app.SearchSourceFor(ty) == nil {
				t.Fatalf("query %q accepted unknown type %q", raw, ty)
			}
		}
	})
}
