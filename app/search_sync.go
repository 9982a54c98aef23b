package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/wushe/wushe/search"
)

// Outbox and reindex tuning.
const (
	searchSyncBatch    = 200  // outbox rows applied per engine write
	searchReindexBatch = 1000 // records read per query while reindexing
	searchRetryMax     = 5 * time.Minute
	// searchLease is how long a claimed row is left to its worker; a worker that dies leaves
	// its rows to others after it.
	searchLease = time.Minute
)

// ErrNoSearchEngine is returned by Reindex when the application has no engine.
var ErrNoSearchEngine = errors.New("no search engine configured")

// searchRetryDelay is how long a failed outbox row waits before its next attempt: 1 s, 2 s,
// 4 s… up to five minutes. It never gives up: the row stays until the engine takes it.
func searchRetryDelay(attempts int) time.Duration {
	if attempts < 1 {
		attempts = 1
	}
	d := time.Second << min(attempts-1, 20)
	return min(d, searchRetryMax)
}

// SyncSearch applies the due outbox rows to the index, batch after batch, until none are due.
// Each row's record is read as it is now: an existing, public record is upserted, anything
// else (deleted, or a draft) has its document removed. It returns how many rows it applied;
// rows of a type whose batch failed get a later retry and the error is returned.
func (a *App) SyncSearch(ctx context.Context) (int, error) {
	if a.search == nil {
		return 0, nil
	}
	applied := 0
	for {
		now := a.Now()
		items, err := a.store.ClaimSearchOutbox(ctx, now, now.Add(searchLease), searchSyncBatch)
		if err != nil {
			return applied, fmt.Errorf("read search outbox: %w", err)
		}
		if len(items) == 0 {
			return applied, nil
		}
		byType := map[search.Type][]*SearchOutboxItem{}
		var order []search.Type
		for _, it := range items {
			t := search.Type(it.DocType)
			if byType[t] == nil {
				order = append(order, t)
			}
			byType[t] = append(byType[t], it)
		}
		var errs []error
		for _, t := range order {
			group := byType[t]
			ids := make([]int64, len(group))
			for i, it := range group {
				ids[i] = it.ID
			}
			if err := a.applySearch(ctx, t, group); err != nil {
				errs = append(errs, err)
				a.retrySearch(ctx, group, err)
				continue
			}
			if err := a.store.DeleteSearchOutbox(ctx, ids); err != nil {
				return applied, fmt.Errorf("delete applied search outbox rows: %w", err)
			}
			applied += len(group)
		}
		if len(errs) > 0 {
			return applied, errors.Join(errs...)
		}
		if len(items) < searchSyncBatch {
			return applied, nil
		}
	}
}

// applySearch brings the documents of one type's outbox rows up to date.
func (a *App) applySearch(ctx context.Context, t search.Type, items []*SearchOutboxItem) error {
	src := SearchSourceFor(t)
	if src == nil {
		return fmt.Errorf("search outbox: no source for type %q", t)
	}
	var ids []int64
	for _, it := range items {
		ids = append(ids, it.DocID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	b, err := src.Load(ctx, a, ids, 0, 0)
	if err != nil {
		return err
	}
	docs := b.Docs
	present := make(map[int64]bool, len(docs))
	for _, d := range docs {
		present[d.ID] = true
	}
	var gone []search.Ref
	for _, id := range ids {
		if !present[id] {
			gone = append(gone, search.Ref{Type: t, ID: id})
		}
	}
	if len(docs) > 0 {
		if err := a.search.Upsert(ctx, docs); err != nil {
			return fmt.Errorf("index %d %ss: %w", len(docs), t, err)
		}
	}
	if len(gone) > 0 {
		if err := a.search.Delete(ctx, gone); err != nil {
			return fmt.Errorf("remove %d %ss from the index: %w", len(gone), t, err)
		}
	}
	if err := a.search.Flush(ctx); err != nil {
		return fmt.Errorf("flush %ss: %w", t, err)
	}
	return nil
}

// retrySearch counts a failed attempt on each row and schedules its next one.
func (a *App) retrySearch(ctx context.Context, items []*SearchOutboxItem, cause error) {
	msg := cause.Error()
	for utf8.RuneCountInString(msg) > 500 {
		r := []rune(msg)
		msg = string(r[:500])
	}
	now := a.Now()
	maxAttempts := 0
	for _, it := range items {
		attempts := it.Attempts + 1
		maxAttempts = max(maxAttempts, attempts)
		if err := a.store.RetrySearchOutbox(ctx, it.ID, now.Add(searchRetryDelay(attempts)), msg); err != nil {
			a.log.Error("search outbox: record failed attempt", "id", it.ID, "err", err)
		}
	}
	a.log.Warn("search outbox: apply failed, will retry", "rows", len(items), "type", items[0].DocType,
		"attempts", maxAttempts, "retry_in", searchRetryDelay(maxAttempts), "err", cause)
}

// SearchProgress reports reindexing: records read of one type so far, out of Total.
type SearchProgress struct {
	Type  search.Type
	Done  int
	Total int
}

// ReindexStats summarises a reindex.
type ReindexStats struct {
	Records   int // records read from the database
	Documents int // documents written (records less drafts and other private ones)
	Removed   int // stale documents deleted
}

// ReindexOptions choose what a reindex rebuilds.
type ReindexOptions struct {
	Types []search.Type // empty: every indexed type
	// Reset empties the index first: about twice as fast as replacing every document, but
	// searches miss records until the rebuild reaches them. Only with every type.
	Reset    bool
	Progress func(SearchProgress)
}

// Reindex rebuilds the index from the database: every record of the given types is written
// again and documents without a public record are removed. Without Reset the index stays
// searchable throughout. A full reindex also clears the outbox rows it made redundant.
func (a *App) Reindex(ctx context.Context, opt ReindexOptions) (ReindexStats, error) {
	var st ReindexStats
	if a.search == nil {
		return st, ErrNoSearchEngine
	}
	types, progress := opt.Types, opt.Progress
	full := len(types) == 0
	if opt.Reset && !full {
		return st, errors.New("reindex: reset rebuilds every type, not some")
	}
	if _, err := a.search.EnsureIndex(ctx); err != nil {
		return st, fmt.Errorf("ensure search index: %w", err)
	}
	if full {
		types = SearchTypes()
	}
	_, maxID, err := a.store.SearchOutboxStats(ctx)
	if err != nil {
		return st, err
	}
	if opt.Reset {
		if err := a.search.Reset(ctx); err != nil {
			return st, fmt.Errorf("reset search index: %w", err)
		}
	}
	// Every type is written before waiting for the engine once: Meilisearch indexes queued
	// writes in one batch, and a wait after each type left it indexing the next type's first
	// documents alone (docs/perf/city-search.md).
	seen := make([]map[int64]bool, len(types))
	for i, t := range types {
		src := SearchSourceFor(t)
		if src == nil {
			return st, fmt.Errorf("reindex: type %q is not indexed", t)
		}
		if seen[i], err = a.reindexType(ctx, src, progress, &st); err != nil {
			return st, err
		}
	}
	if err := a.search.Flush(ctx); err != nil {
		return st, fmt.Errorf("flush reindexed documents: %w", err)
	}
	if !opt.Reset {
		for i, t := range types {
			if err := a.pruneType(ctx, SearchSourceFor(t), seen[i], &st); err != nil {
				return st, err
			}
		}
	}
	if full {
		if err := a.store.DeleteSearchOutboxUpTo(ctx, maxID); err != nil {
			return st, err
		}
	}
	return st, nil
}

// reindexType writes every record of one type and returns the ids written; the caller
// flushes.
func (a *App) reindexType(ctx context.Context, src *SearchSource, progress func(SearchProgress), st *ReindexStats) (map[int64]bool, error) {
	total, err := src.Count(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("count %ss: %w", src.Type, err)
	}
	seen := map[int64]bool{}
	done := 0
	report := func() {
		if progress != nil {
			progress(SearchProgress{Type: src.Type, Done: min(done, max(total, done)), Total: max(total, done)})
		}
	}
	report()
	// The next batch is read from the database and turned into documents while the engine
	// writes the current one: at city size reading and building took as long as writing.
	batches := make(chan SearchBatch, 1)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(batches)
		var after int64
		for {
			b, err := src.Load(gctx, a, nil, after, searchReindexBatch)
			if err != nil {
				return err
			}
			if b.Read == 0 {
				return nil
			}
			select {
			case batches <- b:
			case <-gctx.Done():
				return gctx.Err()
			}
			after = b.Last
		}
	})
	g.Go(func() error {
		for b := range batches {
			if len(b.Docs) > 0 {
				if err := a.search.Upsert(gctx, b.Docs); err != nil {
					return fmt.Errorf("index %ss: %w", src.Type, err)
				}
			}
			for _, d := range b.Docs {
				seen[d.ID] = true
			}
			done += b.Read
			st.Documents += len(b.Docs)
			report()
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	st.Records += done
	return seen, nil
}

// pruneType removes the documents of one type whose records were not written by the reindex.
func (a *App) pruneType(ctx context.Context, src *SearchSource, seen map[int64]bool, st *ReindexStats) error {
	// Remove documents whose records no longer exist or are no longer public. Every record
	// seen is in the index now, so when the index holds no more documents of this type than
	// that, nothing is stale: one count instead of listing the whole type.
	ofType := search.Eq(search.FieldType, string(src.Type))
	res, err := a.search.Search(ctx, search.Query{Filter: ofType, PageSize: 1})
	if err != nil {
		return fmt.Errorf("count indexed %ss: %w", src.Type, err)
	}
	var stale []search.Ref
	for after := int64(0); res.Total > len(seen); {
		res, err = a.search.Search(ctx, search.Query{Filter: search.And(ofType, search.Gt(search.FieldID, after)),
			Sort: search.Asc(search.FieldID), PageSize: search.MaxPageSize})
		if err != nil {
			return fmt.Errorf("list indexed %ss: %w", src.Type, err)
		}
		for _, h := range res.Hits {
			if !seen[h.Doc.ID] {
				stale = append(stale, h.Doc.Ref())
			}
			after = h.Doc.ID
		}
		if len(res.Hits) < search.MaxPageSize {
			break
		}
	}
	if len(stale) > 0 {
		if err := a.search.Delete(ctx, stale); err != nil {
			return fmt.Errorf("remove stale %ss: %w", src.Type, err)
		}
		if err := a.search.Flush(ctx); err != nil {
			return fmt.Errorf("flush %ss: %w", src.Type, err)
		}
		st.Removed += len(stale)
	}
	return nil
}

// RunSearchSync keeps the index in step until ctx ends: it makes sure the index exists
// (rebuilding it from the database when it is new), then applies the outbox every poll
// interval. Failures are logged and retried with a growing pause (up to a minute); they never
// stop the loop.
func (a *App) RunSearchSync(ctx context.Context, poll time.Duration) {
	if a.search == nil {
		return
	}
	if poll <= 0 {
		poll = time.Second
	}
	ensured, rebuild, pause := false, false, poll
	for {
		var err error
		if !ensured {
			var fresh bool
			if fresh, err = a.search.EnsureIndex(ctx); err == nil {
				ensured, rebuild = true, fresh
			} else {
				err = fmt.Errorf("ensure search index: %w", err)
			}
		}
		if ensured && rebuild {
			start := time.Now()
			a.log.Info("search index is new: rebuilding it from the database")
			var st ReindexStats
			if st, err = a.Reindex(ctx, ReindexOptions{}); err == nil {
				rebuild = false
				a.log.Info("search index rebuilt", "documents", st.Documents, "took", time.Since(start).Round(time.Millisecond))
			} else {
				err = fmt.Errorf("rebuild search index: %w", err)
			}
		}
		if ensured && !rebuild {
			var n int
			n, err = a.SyncSearch(ctx)
			if n > 0 {
				a.log.Debug("search outbox applied", "rows", n)
			}
		}
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			a.log.Error("search sync", "err", err, "retry_in", pause)
			pause = min(pause*2, time.Minute)
		default:
			pause = poll
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
	}
}

// SearchStatus is what operators watch: whether an engine is configured and answers, and how
// many changes wait in the outbox.
type SearchStatus struct {
	Engine  bool
	Healthy bool
	Backlog int
}

// SearchHealth reports the engine's state and the outbox backlog.
func (a *App) SearchHealth(ctx context.Context) (SearchStatus, error) {
	st := SearchStatus{Engine: a.search != nil}
	if a.search != nil {
		st.Healthy = a.search.Health(ctx) == nil
	}
	n, _, err := a.store.SearchOutboxStats(ctx)
	st.Backlog = n
	return st, err
}
