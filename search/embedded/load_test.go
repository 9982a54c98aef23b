package embedded

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/wushe/wushe/search"
	"github.com/wushe/wushe/search/searchtest"
)

// A search that finds the columns stale while a long load holds the write lock gives up when
// its context ends (the API then answers from the database) instead of waiting for the load;
// the reload it started is not cut short by that, and the next search uses its columns. On a
// city's index the load took 32 s and the search's 2 s timeout did not end the wait.
func TestSearchDoesNotWaitPastItsContextForALoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, err := Open(Config{Path: filepath.Join(t.TempDir(), "search.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	if _, err := e.EnsureIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.Upsert(ctx, searchtest.Corpus); err != nil {
		t.Fatal(err)
	}

	loading(t, e)
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	answered := make(chan error, 1)
	go func() {
		_, err := e.Search(short, search.Query{Text: "养老"})
		answered <- err
	}()
	select {
	case err := <-answered:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("search during a load = %v, want its deadline exceeded", err)
		}
	case <-time.After(time.Minute): // only a bound on a hang: the search waited for the lock
		e.unlock()
		t.Fatal("the search waited for the load past its context")
	}

	e.mu.RLock()
	running := e.loading
	e.mu.RUnlock()
	if running == nil {
		t.Fatal("no reload waits for the lock after the search gave up")
	}
	e.unlock() // the load ends; the background reload takes the lock and runs
	<-running.done
	if running.err != nil {
		t.Fatalf("background reload: %v", running.err)
	}
	res, err := e.Search(ctx, search.Query{Text: "养老"})
	if err != nil || res.Total != 4 {
		t.Fatalf("after the reload: %+v, %v; want 4 hits", res, err)
	}
}

// Close stops a background reload that is still waiting, instead of leaving it behind.
func TestCloseStopsAWaitingReload(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, err := Open(Config{Path: filepath.Join(t.TempDir(), "search.db")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.EnsureIndex(ctx); err != nil {
		t.Fatal(err)
	}
	loading(t, e)
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := e.Search(short, search.Query{Text: "养老"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("search during a load = %v, want its deadline exceeded", err)
	}
	e.mu.RLock()
	running := e.loading
	e.mu.RUnlock()
	if running == nil {
		t.Fatal("no background reload")
	}
	if err := e.Close(); err != nil { // returns: the waiting reload saw the cancellation
		t.Fatal(err)
	}
	if !errors.Is(running.err, context.Canceled) {
		t.Errorf("reload after Close = %v, want canceled", running.err)
	}
}

// Health says the engine cannot answer yet while a server's first load of the columns runs,
// and answers once they are loaded.
func TestHealthWaitsForTheColumns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "search.db")
	first, err := Open(Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.EnsureIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	e, err := Open(Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	if err := e.Health(ctx); err == nil {
		t.Fatal("Health before the columns are loaded = nil, want an error")
	}
	if _, err := e.EnsureIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.Health(ctx); err != nil {
		t.Fatalf("Health after EnsureIndex = %v", err)
	}
}

// loading puts e in the middle of a load: the write lock is held and the columns are stale.
func loading(t *testing.T, e *Engine) {
	t.Helper()
	if err := e.lock(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	e.gen = -1
	e.mu.Unlock()
}
