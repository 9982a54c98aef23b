package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkListAndDetail measures the API's list and detail endpoints in-process (no network),
// over the test world plus a few hundred needs.
func BenchmarkListAndDetail(b *testing.B) {
	h := newHarnessB(b)
	for i := 0; i < 300; i++ {
		h.need(h.sides()[i%2])
	}
	paths := []string{"/api/v1/needs", "/api/v1/needs/1", "/api/v1/communities", "/api/v1/organizations", "/api/v1/volunteers"}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, paths[i%len(paths)], nil)
			rec := httptest.NewRecorder()
			h.web.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("%s = %d", paths[i%len(paths)], rec.Code)
			}
			i++
		}
	})
}
