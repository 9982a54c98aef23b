package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// BenchmarkProjectDelivery measures the project list and a project page's JSON (with the
// delivery fields: links, rating, accountability) in a community with 500 projects and
// 50,000 ratings, and reports p95 per request. Run on PostgreSQL with TEST_DATABASE_URL:
//
//	go test ./app/web -run '^$' -bench BenchmarkProjectDelivery -benchtime 400x
func BenchmarkProjectDelivery(b *testing.B) {
	h := newHarnessB(b)
	ctx := context.Background()
	a := h.sides()[0]
	cid := a.place.Community.ID
	now := h.clock.Now()
	users := make([]*app.User, 200)
	for i := range users {
		email := fmt.Sprintf("bench%d@test.wushe", i)
		users[i] = &app.User{Email: &email, Name: "居民", PasswordHash: "x", Locale: "zh-CN", CreatedAt: now, UpdatedAt: now}
	}
	db := h.store.DB(ctx)
	h.must(db.CreateInBatches(users, 200).Error)
	var ids []int64
	for i := 0; i < 500; i++ {
		status := app.ProjectInProgress
		if i%2 == 0 {
			status = app.ProjectCompleted
		}
		ids = append(ids, h.deliveryProject(a, status).ID)
	}
	var ratings []*app.ProjectRating
	for i, pid := range ids {
		if i%2 != 0 {
			continue
		}
		for _, u := range users {
			ratings = append(ratings, &app.ProjectRating{ProjectID: pid, CommunityID: cid, AuthorID: u.ID, Outcome: 1 + i%5, Timeliness: 4, Value: 3, CreatedAt: now, UpdatedAt: now})
		}
	}
	h.must(db.CreateInBatches(ratings, 1000).Error)
	paths := []string{fmt.Sprintf("/api/v1/projects?community_id=%d", cid), fmt.Sprintf("/api/v1/projects/%d", ids[len(ids)-2])}
	for _, path := range paths {
		b.Run(path[:len("/api/v1/projects")+2], func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				rec := httptest.NewRecorder()
				start := time.Now()
				h.web.ServeHTTP(rec, req)
				times = append(times, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s = %d", path, rec.Code)
				}
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}
