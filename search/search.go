// Package search defines the full-text search contract shared by Wushe's engines: one Index
// interface, the Document every record kind is indexed as, and a structured Query (text, Filter,
// facets, sort, page, highlight) that never exposes an engine's own filter syntax to callers.
//
// Two engines implement it: search/embedded (SQLite FTS5 in a local file, the default) and
// search/meili (Meilisearch). search/searchtest holds the contract suite both must pass.
package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Index is a full-text index of Documents. Implementations are safe for concurrent use.
//
// Writes (Upsert, Delete, Reset) may be applied asynchronously; Flush waits until every write
// made before it is visible to Search, or reports why one failed. Search and the write methods
// return an error wrapping ErrInvalid (as a *ValidationError) for bad input, and any other error
// when the engine is unreachable, slow past its timeout or failing: callers then fall back to the
// database.
type Index interface {
	// EnsureIndex creates the index and applies its settings idempotently. fresh reports that the
	// index was just created empty (first start or a settings version change): the caller
	// should rebuild it from the database.
	EnsureIndex(ctx context.Context) (fresh bool, err error)
	// Upsert adds documents or replaces whole documents with the same Ref.
	Upsert(ctx context.Context, docs []Document) error
	// Delete removes the documents with these refs; unknown refs are not an error.
	Delete(ctx context.Context, refs []Ref) error
	// Reset removes every document and keeps the settings.
	Reset(ctx context.Context) error
	// Flush waits until every earlier write is visible to Search, and returns the first
	// failure among them.
	Flush(ctx context.Context) error
	// Search runs a query. The total and facet counts are exact and computed over the whole
	// filtered set, not only the returned page.
	Search(ctx context.Context, q Query) (*Result, error)
	// Health returns nil when the engine can serve searches now.
	Health(ctx context.Context) error
	// Close releases the engine's resources; the Index must not be used afterwards.
	Close() error
}

// Type is the kind of record a Document stands for.
type Type string

// The record kinds that are indexed.
const (
	TypeNeed         Type = "need"
	TypeProject      Type = "project"
	TypeOrganization Type = "organization"
	TypeVolunteer    Type = "volunteer"
	TypeTender       Type = "tender"
	TypeCampaign     Type = "campaign"
)

// Types lists every Type in display order.
var Types = []Type{TypeNeed, TypeProject, TypeOrganization, TypeVolunteer, TypeTender, TypeCampaign}

// Valid reports whether t is one of Types.
func (t Type) Valid() bool {
	for _, v := range Types {
		if t == v {
			return true
		}
	}
	return false
}

// ParseType returns the Type named s, or a *ValidationError for param.
func ParseType(param, s string) (Type, error) {
	t := Type(s)
	if !t.Valid() {
		return "", invalid(param, "unknown type %q", s)
	}
	return t, nil
}

// Ref names one document: record ids are only unique within a Type.
type Ref struct {
	Type Type
	ID   int64
}

// Key is the engine-side primary key of the document, e.g. "need-42".
func (r Ref) Key() string { return string(r.Type) + "-" + strconv.FormatInt(r.ID, 10) }

// String returns r.Key().
func (r Ref) String() string { return r.Key() }

// ParseKey is the inverse of Ref.Key.
func ParseKey(key string) (Ref, error) {
	t, id, ok := strings.Cut(key, "-")
	if !ok {
		return Ref{}, fmt.Errorf("parse search key %q: no type prefix", key)
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || !Type(t).Valid() {
		return Ref{}, fmt.Errorf("parse search key %q: not <type>-<id>", key)
	}
	return Ref{Type: Type(t), ID: n}, nil
}

// GeoPoint is a WGS84 position in degrees.
type GeoPoint struct {
	Lat float64
	Lng float64
}

// Valid reports whether the point is a finite position on Earth.
func (p GeoPoint) Valid() bool {
	return !math.IsNaN(p.Lat) && !math.IsNaN(p.Lng) && p.Lat >= -90 && p.Lat <= 90 && p.Lng >= -180 && p.Lng <= 180
}

// Document is what every record kind is indexed as. Only public text belongs here: a need's
// public summary, a volunteer's public profile (never a mobile number or an ID number).
//
// Empty strings, zero CommunityID/GridID, a zero EndsAt, empty Tags and a nil Location count as
// absent: filters on them do not match, facets do not count them and sorts put them last.
type Document struct {
	Type        Type
	ID          int64
	Title       string    // searched first, highlighted
	Body        string    // summary text, searched after the title, cropped into the snippet
	Tags        []string  // skills, service categories, keywords: searched and filterable
	CommunityID int64     // 社区
	GridID      int64     // 网格
	Category    string    // category code
	Status      string    // the record's lifecycle status
	Kind        string    // community kind, organization kind, campaign mode…
	CreatedAt   time.Time // required; stored with millisecond precision
	EndsAt      time.Time // deadline (tender bids, campaign end, need window); zero when none
	Amount      int64     // money in fen (tender budget, campaign goal); 0 when none
	Location    *GeoPoint // nil when the record has no position
}

// Ref returns the document's identity.
func (d Document) Ref() Ref { return Ref{Type: d.Type, ID: d.ID} }

// Validate checks a document before it is written; param prefixes the field names in errors
// (e.g. "documents[3]").
func (d Document) Validate(param string) error {
	switch {
	case !d.Type.Valid():
		return invalid(param+".type", "unknown type %q", d.Type)
	case d.ID <= 0:
		return invalid(param+".id", "must be positive, got %d", d.ID)
	case d.CreatedAt.IsZero():
		return invalid(param+".created_at", "is required")
	case d.CommunityID < 0:
		return invalid(param+".community_id", "must not be negative")
	case d.GridID < 0:
		return invalid(param+".grid_id", "must not be negative")
	case d.Location != nil && !d.Location.Valid():
		return invalid(param+".location", "lat must be in [-90, 90] and lng in [-180, 180]")
	}
	return nil
}

// ErrInvalid is wrapped by every *ValidationError: bad input from the caller, a 400.
var ErrInvalid = errors.New("invalid search input")

// ValidationError names the query or document parameter that is wrong.
type ValidationError struct {
	Param  string // "text", "page_size", "sort", "facets", "filter.category", "documents[3].id"…
	Reason string
}

// Error implements error.
func (e *ValidationError) Error() string { return e.Param + ": " + e.Reason }

// Unwrap lets errors.Is(err, ErrInvalid) recognise validation errors.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

func invalid(param, format string, args ...any) error {
	return &ValidationError{Param: param, Reason: fmt.Sprintf(format, args...)}
}
