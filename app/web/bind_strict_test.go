package web_test

import (
	"net/http"
	"testing"
)

// TestJSONTrailingGarbage: a body with anything but white space after its object is malformed
// (400) and writes nothing. FuzzBindJSON found `{}}` accepted: the check after decoding let a
// stray "}" or "]" through.
func TestJSONTrailingGarbage(t *testing.T) {
	h := newHarness(t)
	fx := h.funds(h.sides()[0])
	path := "/api/v1/pools/" + id(fx.pool.ID) + "/deposits"
	for _, body := range []string{`{"amount": 100}}`, `{"amount": 100}]`, `{"amount": 100} {}`, `{"amount": 100} x`} {
		if st, resp := h.api(http.MethodPost, path, "admin", body); st != http.StatusBadRequest {
			t.Errorf("%s: %d %v, want 400", body, st, resp)
		}
	}
	if st, resp := h.api(http.MethodPost, path, "admin", "{\"amount\": 100}\n\t "); st != http.StatusCreated || resp["budget"] != float64(100) {
		t.Errorf("trailing white space: %d %v, want 201 and one deposit", st, resp)
	}
}
