package store_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/app/apptest"
)

// TestClusterMigration takes migration 00010 down and up again on the test dialect: its
// tables go and come back empty.
func TestClusterMigration(t *testing.T) {
	t.Parallel()
	s := apptest.OpenStore(t)
	ctx := context.Background()
	t0 := time.UnixMilli(1_800_000_000_000)
	if ok, err := s.ClaimJob(ctx, "x", "a", t0, t0, t0.Add(time.Minute)); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if err := s.MigrateDownTo(ctx, 9); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimJob(ctx, "x", "a", t0, t0, t0); err == nil {
		t.Error("job_runs still there after migrating down to 9")
	}
	if _, _, err := s.HitRateLimits(ctx, []string{"k"}, t0, t0); err == nil {
		t.Error("rate_limits still there after migrating down to 9")
	}
	if err := s.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	runs, err := s.FindJobRuns(ctx)
	if err != nil || len(runs) != 0 {
		t.Errorf("after migrating up again: %d job rows, %v", len(runs), err)
	}
}

// TestClaimJob walks a job's lease: one holder per run, not before the interval is over,
// free again when a killed holder's lease expires.
func TestClaimJob(t *testing.T) {
	t.Parallel()
	s := apptest.OpenStore(t)
	ctx := context.Background()
	t0 := time.UnixMilli(1_800_000_000_000)
	const every, lease = time.Minute, 30 * time.Second
	claim := func(holder string, at time.Time) bool {
		t.Helper()
		ok, err := s.ClaimJob(ctx, "close campaigns", holder, at, at.Add(-every), at.Add(lease))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	steps := []struct {
		what   string
		holder string
		at     time.Duration
		want   bool
	}{
		{"first run", "a", 0, true},
		{"another process meanwhile", "b", time.Second, false},
		{"another process after the lease but before the interval", "b", 40 * time.Second, false},
		{"another process once due (a never finished: killed)", "b", every, true},
		{"a, back, while b runs", "a", every + time.Second, false},
	}
	for _, st := range steps {
		if got := claim(st.holder, t0.Add(st.at)); got != st.want {
			t.Errorf("%s: claimed %v, want %v", st.what, got, st.want)
		}
	}
	// b renews and finishes; then it is due again only an interval after b's start.
	if ok, err := s.RenewJob(ctx, "close campaigns", "b", t0.Add(every+lease+10*time.Second)); err != nil || !ok {
		t.Errorf("renew by the holder: %v %v", ok, err)
	}
	if ok, err := s.RenewJob(ctx, "close campaigns", "a", t0.Add(every+lease)); err != nil || ok {
		t.Errorf("renew by a non-holder: %v %v", ok, err)
	}
	if err := s.FinishJob(ctx, "close campaigns", "b", t0.Add(every+5*time.Second), ""); err != nil {
		t.Fatal(err)
	}
	if claim("a", t0.Add(every+10*time.Second)) {
		t.Error("claimed before the interval since b's run")
	}
	if !claim("a", t0.Add(2*every)) {
		t.Error("not claimed once due after b finished")
	}
	runs, err := s.FindJobRuns(ctx)
	if err != nil || len(runs) != 1 || runs[0].Runs != 3 || runs[0].Holder != "a" {
		t.Errorf("job rows %+v, %v; want one row, 3 runs, held by a", runs, err)
	}
}

// TestClaimJobConcurrent has twenty holders claim one due job at once: exactly one wins.
func TestClaimJobConcurrent(t *testing.T) {
	t.Parallel()
	s := apptest.OpenStore(t)
	ctx := context.Background()
	now := time.UnixMilli(1_800_000_000_000)
	for round := range 3 {
		at := now.Add(time.Duration(round) * time.Hour)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var winners []string
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				h := fmt.Sprintf("p%d", i)
				ok, err := s.ClaimJob(ctx, "check ledgers", h, at, at.Add(-time.Hour+time.Minute), at.Add(time.Minute))
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					winners = append(winners, h)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(winners) != 1 {
			t.Errorf("round %d: %d winners %v, want 1", round, len(winners), winners)
		}
	}
}

// TestHitRateLimits counts concurrent attempts on shared keys exactly: every attempt gets its
// own count, and the last window's counts come back beside this one's.
func TestHitRateLimits(t *testing.T) {
	t.Parallel()
	s := apptest.OpenStore(t)
	ctx := context.Background()
	w := time.UnixMilli(1_800_000_020_000).Truncate(time.Minute)
	if _, _, err := s.HitRateLimits(ctx, []string{"ip:10.0.0.1"}, w.Add(-time.Minute), w.Add(-2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []int
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cur, prev, err := s.HitRateLimits(ctx, []string{"ip:10.0.0.1", "login:a@b.c"}, w, w.Add(-time.Minute))
			if err != nil {
				t.Error(err)
				return
			}
			if prev[0] != 1 || prev[1] != 0 {
				t.Errorf("previous window counts %v, want [1 0]", prev)
			}
			mu.Lock()
			seen = append(seen, cur[0])
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Ints(seen)
	for i, n := range seen {
		if n != i+1 {
			t.Fatalf("counts %v, want 1…20 each once", seen)
		}
	}
	if err := s.PruneRateLimits(ctx, w); err != nil {
		t.Fatal(err)
	}
	_, prev, err := s.HitRateLimits(ctx, []string{"ip:10.0.0.1"}, w, w.Add(-time.Minute))
	if err != nil || prev[0] != 0 {
		t.Errorf("after pruning the old window: previous %v, %v", prev, err)
	}
}
