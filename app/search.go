package app

import (
	"context"
	"time"

	"github.com/wushe/wushe/search"
)

// SearchIndex is what the application needs of a search engine: search/embedded (the default)
// or search/meili. Both implement it through search.Index.
type SearchIndex interface {
	EnsureIndex(ctx context.Context) (fresh bool, err error)
	Upsert(ctx context.Context, docs []search.Document) error
	Delete(ctx context.Context, refs []search.Ref) error
	Reset(ctx context.Context) error
	Flush(ctx context.Context) error
	Search(ctx context.Context, q search.Query) (*search.Result, error)
	Health(ctx context.Context) error
}

// SearchOutboxItem says that a record changed and its search document must be brought up to
// date. It is written in the same transaction as the record, so the index can never miss a
// committed change nor see one that rolled back.
type SearchOutboxItem struct {
	ID            int64     `json:"id" gorm:"primaryKey"`
	DocType       string    `json:"doc_type"`
	DocID         int64     `json:"doc_id"`
	EnqueuedAt    time.Time `json:"enqueued_at"`
	Attempts      int       `json:"attempts"`
	NextAttemptAt time.Time `json:"next_attempt_at"`
	LastError     string    `json:"last_error"`
	// LockedUntil is the lease of the worker applying the row.
	LockedUntil *time.Time `json:"locked_until"`
}

// TableName is the outbox table.
func (SearchOutboxItem) TableName() string { return "search_outbox" }

// Ref is the document the item is about.
func (o *SearchOutboxItem) Ref() search.Ref {
	return search.Ref{Type: search.Type(o.DocType), ID: o.DocID}
}

// SearchFallbackQuery asks the database for records whose public text contains every term
// (LIKE), for when the search engine is down.
type SearchFallbackQuery struct {
	Types       []search.Type
	Terms       []string
	CommunityID int64
	Category    string
	Status      string
	Offset      int
	Limit       int
}

// SearchStore persists the search outbox and reads records for indexing and for the fallback.
type SearchStore interface {
	// EnqueueSearch adds outbox rows for refs in the caller's transaction.
	EnqueueSearch(ctx context.Context, refs ...search.Ref) error
	// ClaimSearchOutbox leases up to limit rows due at now, oldest first, until lease: other
	// workers skip them meanwhile.
	ClaimSearchOutbox(ctx context.Context, now, lease time.Time, limit int) ([]*SearchOutboxItem, error)
	// DeleteSearchOutbox removes rows that were applied.
	DeleteSearchOutbox(ctx context.Context, ids []int64) error
	// DeleteSearchOutboxUpTo removes every row with id ≤ maxID (after a full reindex).
	DeleteSearchOutboxUpTo(ctx context.Context, maxID int64) error
	// RetrySearchOutbox records a failed attempt: one more attempt, the error, the next try,
	// and releases the lease.
	RetrySearchOutbox(ctx context.Context, id int64, next time.Time, lastErr string) error
	// SearchOutboxStats returns the number of rows and the largest id (0 when empty).
	SearchOutboxStats(ctx context.Context) (count int, maxID int64, err error)
	// LoadForSearch fills dest, a pointer to a slice of record pointers (*[]*Need…), with
	// their join lists: the records with these ids, or when ids is nil up to limit records
	// with id > after in id order.
	LoadForSearch(ctx context.Context, dest any, ids []int64, after int64, limit int) error
	// CountForSearch counts the records of model's table.
	CountForSearch(ctx context.Context, model any) (int, error)
	// SearchFallback returns one page of matching records of every type, newest first, and
	// how many of each type match in all.
	SearchFallback(ctx context.Context, q SearchFallbackQuery) (page []search.Ref, counts map[search.Type]int, err error)
}

// SearchIndex returns the configured search engine (nil when none: searches use the database).
func (a *App) SearchIndex() SearchIndex { return a.search }
