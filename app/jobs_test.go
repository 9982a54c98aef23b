package app_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

// TestRunJobOncePerInterval: two processes (two Apps over one store) tick the same job many
// times at once; it runs once per interval, and again only when the clock passes the interval.
func TestRunJobOncePerInterval(t *testing.T) {
	t.Parallel()
	clock := apptest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	a, s := apptest.NewApp(t, clock)
	b := app.New(app.Deps{Store: s, Clock: clock, Hasher: apptest.Hasher()})
	ctx := context.Background()
	var runs atomic.Int64
	job := func(context.Context) error { runs.Add(1); return nil }
	tick := func() {
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, holder := a, "a"
				if i%2 == 1 {
					p, holder = b, "b"
				}
				if _, err := p.RunJob(ctx, holder, "close campaigns", time.Minute, time.Minute, job); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	tick()
	if n := runs.Load(); n != 1 {
		t.Fatalf("first interval: %d runs, want 1", n)
	}
	clock.Advance(30 * time.Second)
	tick()
	if n := runs.Load(); n != 1 {
		t.Fatalf("half an interval later: %d runs, want 1", n)
	}
	clock.Advance(30 * time.Second)
	tick()
	if n := runs.Load(); n != 2 {
		t.Fatalf("an interval later: %d runs, want 2", n)
	}
	rows, err := a.JobRuns(ctx)
	if err != nil || len(rows) != 1 || rows[0].Runs != 2 || rows[0].FinishedMS == 0 {
		t.Fatalf("job rows %+v, %v; want one finished row with 2 runs", rows, err)
	}
}

// TestRunJobLeaseRenewedAndTakenOver: while a run is in progress its holder renews the lease,
// so another process cannot take the job even after the first lease would have expired; a
// holder that stops (killed) leaves the lease to expire, and the next due run goes to the other.
func TestRunJobLeaseRenewedAndTakenOver(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := apptest.NewClock(start)
	a, s := apptest.NewApp(t, clock)
	b := app.New(app.Deps{Store: s, Clock: clock, Hasher: apptest.Hasher()})
	ctx := context.Background()
	const every, lease = time.Minute, 300 * time.Millisecond

	running, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := a.RunJob(ctx, "a", "escalate needs", every, lease, func(context.Context) error {
			close(running)
			<-release
			return nil
		})
		done <- err
	}()
	<-running
	// Move the clock past the first lease and past the interval; then wait for a renewal to
	// land (a's renewer ticks every lease/3 of real time and reads the moved clock).
	clock.Advance(every + time.Second)
	for {
		rows, err := s.FindJobRuns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rows[0].LeaseMS > clock.Now().UnixMilli() {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	ran, err := b.RunJob(ctx, "b", "escalate needs", every, lease, func(context.Context) error { return nil })
	if err != nil || ran {
		t.Fatalf("b ran the job while a held a renewed lease: %v %v", ran, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// A killed holder: claimed, never renewed nor finished.
	clock.Advance(every)
	if ok, err := s.ClaimJob(ctx, "escalate needs", "killed", clock.Now(), clock.Now().Add(-every/2), clock.Now().Add(lease)); err != nil || !ok {
		t.Fatalf("claim by the holder to be killed: %v %v", ok, err)
	}
	if ran, _ := b.RunJob(ctx, "b", "escalate needs", every, lease, func(context.Context) error { return nil }); ran {
		t.Fatal("b ran the job while the killed holder's lease was still valid")
	}
	clock.Advance(every)
	if ran, err := b.RunJob(ctx, "b", "escalate needs", every, lease, func(context.Context) error { return nil }); err != nil || !ran {
		t.Fatalf("b did not take over once the killed holder's lease expired: %v %v", ran, err)
	}
}

// TestRunJobLeaseLost: a run whose lease someone else took (the holder stalled past it) has
// its context cancelled, so it stops instead of running twice.
func TestRunJobLeaseLost(t *testing.T) {
	t.Parallel()
	clock := apptest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	a, s := apptest.NewApp(t, clock)
	ctx := context.Background()
	const every, lease = time.Minute, 300 * time.Millisecond
	running := make(chan struct{})
	var jobErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = a.RunJob(ctx, "a", "close tenders", every, lease, func(jctx context.Context) error {
			close(running)
			<-jctx.Done()
			jobErr = jctx.Err()
			return jobErr
		})
	}()
	<-running
	clock.Advance(2 * every)
	// Past any renewal a makes meanwhile (those end at the clock's time + lease).
	later := clock.Now().Add(time.Second)
	if ok, err := s.ClaimJob(ctx, "close tenders", "other", later, later, later.Add(time.Hour)); err != nil || !ok {
		t.Fatalf("another holder takes the stalled run: %v %v", ok, err)
	}
	<-done
	if jobErr == nil {
		t.Fatal("the run whose lease was lost kept its context")
	}
	rows, err := s.FindJobRuns(ctx)
	if err != nil || rows[0].Holder != "other" || rows[0].FinishedMS != 0 {
		t.Fatalf("the loser's finish must not release the new holder's lease: %+v %v", rows[0], err)
	}
}
