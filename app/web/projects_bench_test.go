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

// BenchmarkProjectListAndPage measures the project list and a project's page (JSON and HTML)
// for a community with 500 projects and 50,000 supports and votes (500 projects × 50
// supports, 250 projects in a vote × 100 votes), and reports the p95 of each path. Run it on
// PostgreSQL with TEST_DATABASE_URL set:
//
//	go test ./app/web -run '^$' -bench BenchmarkProjectListAndPage -benchtime 400x
func BenchmarkProjectListAndPage(b *testing.B) {
	h := newHarnessB(b)
	ctx := context.Background()
	a := h.sides()[0]
	db := h.store.DB(ctx)
	now := h.clock.Now()
	var users []*app.User
	for i := 0; i < 100; i++ {
		email := fmt.Sprintf("bench%d@test.wushe", i)
		users = append(users, &app.User{Email: &email, Name: "居民", PasswordHash: "x", Locale: "zh-CN", CreatedAt: now, UpdatedAt: now})
	}
	h.must(db.CreateInBatches(users, 100).Error)
	var projects []*app.Project
	for i := 0; i < 500; i++ {
		ends := now.Add(7 * 24 * time.Hour)
		p := &app.Project{CommunityID: a.place.Community.ID, ProposerID: h.ownerID(a), Title: fmt.Sprintf("微项目 %d", i), Description: "说明",
			Category: "environment", Budget: 100000, Currency: "CNY", Status: app.ProjectDeliberating, SubmittedAt: &now, CreatedAt: now, UpdatedAt: now}
		p.DeliberationEndsAt, p.SupportThreshold, p.SupportsCount = &ends, 10, 50
		if i%2 == 0 {
			p.Status, p.VoteOpenedAt, p.VoteEndsAt, p.VoteQuorum, p.VoteMajority, p.VotesYes, p.VotesNo, p.VotesAbstain =
				app.ProjectVoting, &now, &ends, 10, app.MajoritySimple, 60, 30, 10
		}
		projects = append(projects, p)
	}
	h.must(db.CreateInBatches(projects, 100).Error)
	var supports []*app.ProjectSupport
	var votes []*app.ProjectVote
	for _, p := range projects {
		for j := 0; j < 50; j++ {
			supports = append(supports, &app.ProjectSupport{ProjectID: p.ID, UserID: users[j].ID, CreatedAt: now})
		}
		if p.Status == app.ProjectVoting {
			for j := 0; j < 100; j++ {
				votes = append(votes, &app.ProjectVote{ProjectID: p.ID, UserID: users[j].ID, Choice: app.VoteChoices[j%3], Channel: "online", CreatedAt: now})
			}
		}
	}
	h.must(db.CreateInBatches(supports, 1000).Error)
	h.must(db.CreateInBatches(votes, 1000).Error)
	for i := 0; i < 3; i++ {
		h.must(h.store.CreateProjectComment(ctx, &app.ProjectComment{ProjectID: projects[0].ID, AuthorID: users[i].ID, Body: "同意", CreatedAt: now}))
	}
	cid := a.place.Community.ID
	paths := []string{
		fmt.Sprintf("/api/v1/projects?community_id=%d&per_page=20", cid),
		fmt.Sprintf("/projects?community_id=%d", cid),
		fmt.Sprintf("/api/v1/projects/%d", projects[0].ID),
		fmt.Sprintf("/projects/%d", projects[0].ID),
	}
	durations := make([][]time.Duration, len(paths))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(paths)
		req := httptest.NewRequest(http.MethodGet, paths[k], nil)
		rec := httptest.NewRecorder()
		start := time.Now()
		h.web.ServeHTTP(rec, req)
		durations[k] = append(durations[k], time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("%s = %d", paths[k], rec.Code)
		}
	}
	b.StopTimer()
	for k, ds := range durations {
		if len(ds) == 0 {
			continue
		}
		slices.Sort(ds)
		p95 := ds[(len(ds)*95+99)/100-1]
		b.ReportMetric(float64(p95.Microseconds())/1000, []string{"list-json-p95-ms", "list-html-p95-ms", "page-json-p95-ms", "page-html-p95-ms"}[k])
	}
}
