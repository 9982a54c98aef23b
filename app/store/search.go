package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
	"github.com/wushe/wushe/migrations"
	"github.com/wushe/wushe/search"
)

// EnqueueSearch adds an outbox row per ref in the caller's transaction (or on its own).
func (s *Store) EnqueueSearch(ctx context.Context, refs ...search.Ref) error {
	return enqueueSearch(s.db(ctx), refs...)
}

// enqueueSearch writes outbox rows through db (a transaction, for writes of join lists).
func enqueueSearch(db *gorm.DB, refs ...search.Ref) error {
	if len(refs) == 0 {
		return nil
	}
	now := time.Now().UTC()
	rows := make([]*app.SearchOutboxItem, len(refs))
	for i, r := range refs {
		rows[i] = &app.SearchOutboxItem{DocType: string(r.Type), DocID: r.ID, EnqueuedAt: now, NextAttemptAt: now}
	}
	return translate(db.Create(rows).Error, "search_outbox")
}

// withSearch runs a write and enqueues the record's document in one transaction, so the
// outbox row commits (or rolls back) with the record.
func (s *Store) withSearch(ctx context.Context, typ search.Type, write func(ctx context.Context) error, id func() int64) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := write(ctx); err != nil {
			return err
		}
		return s.EnqueueSearch(ctx, search.Ref{Type: typ, ID: id()})
	})
}

// dependentTables are the indexed tables whose documents carry a grid's or a community's
// position or kind, by the column naming it.
var dependentTables = map[string][]struct {
	typ   search.Type
	table string
}{
	"grid_id":      {{search.TypeNeed, "needs"}, {search.TypeProject, "projects"}, {search.TypeVolunteer, "volunteers"}},
	"community_id": {{search.TypeNeed, "needs"}, {search.TypeProject, "projects"}, {search.TypeVolunteer, "volunteers"}, {search.TypeOrganization, "organizations"}},
}

// withDependents runs a write of a grid or community and, in the same transaction, enqueues
// every indexed record placed in it: their documents show its position and kind.
func (s *Store) withDependents(ctx context.Context, column string, id int64, write func(ctx context.Context) error) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := write(ctx); err != nil {
			return err
		}
		now := time.Now().UTC()
		for _, d := range dependentTables[column] {
			err := s.db(ctx).Exec(`INSERT INTO search_outbox (doc_type, doc_id, enqueued_at, attempts, next_attempt_at, last_error) `+
				`SELECT ?, id, ?, 0, ?, '' FROM `+d.table+` WHERE `+column+` = ?`, string(d.typ), now, now, id).Error
			if err != nil {
				return translate(err, "search_outbox")
			}
		}
		return nil
	})
}

// ClaimSearchOutbox leases the due rows that no other worker holds: never tried, or whose
// retry time has come. PostgreSQL skips rows another transaction is claiming; SQLite has one
// writer, so the update is atomic anyway.
func (s *Store) ClaimSearchOutbox(ctx context.Context, now, lease time.Time, limit int) ([]*app.SearchOutboxItem, error) {
	// An idle worker polls every second: look before taking the write lock.
	var due []int64
	err := s.rdb(ctx).Model(&app.SearchOutboxItem{}).Where("(attempts = 0 OR next_attempt_at <= ?) AND (locked_until IS NULL OR locked_until < ?)",
		now.UTC(), now.UTC()).Limit(1).Pluck("id", &due).Error
	if err != nil || len(due) == 0 {
		return nil, translate(err, "search_outbox")
	}
	skip := ""
	if s.dialect == migrations.Postgres {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	var out []*app.SearchOutboxItem
	err = s.db(ctx).Raw(`UPDATE search_outbox SET locked_until = ? WHERE id IN (SELECT id FROM search_outbox`+
		` WHERE (attempts = 0 OR next_attempt_at <= ?) AND (locked_until IS NULL OR locked_until < ?) ORDER BY id LIMIT ?`+skip+`)`+
		` RETURNING id, doc_type, doc_id, enqueued_at, attempts, next_attempt_at, last_error, locked_until`,
		lease.UTC(), now.UTC(), now.UTC(), limit).Scan(&out).Error
	if err != nil {
		return nil, translate(err, "search_outbox")
	}
	slices.SortFunc(out, func(a, b *app.SearchOutboxItem) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// DeleteSearchOutbox removes applied rows.
func (s *Store) DeleteSearchOutbox(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	return translate(s.db(ctx).Where("id IN ?", ids).Delete(&app.SearchOutboxItem{}).Error, "search_outbox")
}

// DeleteSearchOutboxUpTo removes every row up to maxID.
func (s *Store) DeleteSearchOutboxUpTo(ctx context.Context, maxID int64) error {
	return translate(s.db(ctx).Where("id <= ?", maxID).Delete(&app.SearchOutboxItem{}).Error, "search_outbox")
}

// RetrySearchOutbox counts a failed attempt and sets the next one.
func (s *Store) RetrySearchOutbox(ctx context.Context, id int64, next time.Time, lastErr string) error {
	res := s.db(ctx).Model(&app.SearchOutboxItem{}).Where("id = ?", id).
		Updates(map[string]any{"attempts": gorm.Expr("attempts + 1"), "next_attempt_at": next.UTC(), "last_error": lastErr, "locked_until": nil})
	return translate(res.Error, "search_outbox")
}

// SearchOutboxStats returns the number of rows and the largest id.
func (s *Store) SearchOutboxStats(ctx context.Context) (int, int64, error) {
	var row struct {
		N   int64
		Max *int64
	}
	err := s.rdb(ctx).Model(&app.SearchOutboxItem{}).Select("COUNT(*) AS n, MAX(id) AS max").Scan(&row).Error
	if err != nil {
		return 0, 0, translate(err, "search_outbox")
	}
	var maxID int64
	if row.Max != nil {
		maxID = *row.Max
	}
	return int(row.N), maxID, nil
}

// LoadForSearch reads records by id, or a page after an id, with their join lists.
func (s *Store) LoadForSearch(ctx context.Context, dest any, ids []int64, after int64, limit int) error {
	db := s.rdb(ctx).Order("id")
	if ids != nil {
		if len(ids) == 0 {
			return nil
		}
		db = db.Where("id IN ?", ids)
	} else {
		db = db.Where("id > ?", after).Limit(limit)
	}
	if err := db.Find(dest).Error; err != nil {
		return translate(err, "record")
	}
	var err error
	switch recs := dest.(type) {
	case *[]*app.Organization:
		err = s.loadOrgLists(s.rdb(ctx), *recs)
	case *[]*app.Volunteer:
		err = s.loadVolunteerLists(s.rdb(ctx), *recs)
	case *[]*app.Tender:
		err = s.loadTenderLists(s.rdb(ctx), *recs)
	}
	return translate(err, "record")
}

// CountForSearch counts the rows of a model's table.
func (s *Store) CountForSearch(ctx context.Context, model any) (int, error) {
	var n int64
	err := s.rdb(ctx).Model(model).Count(&n).Error
	return int(n), translate(err, "record")
}

// fallbackScope is how one type is searched without the engine: its table, the public text
// LIKE looks at, and how the community, category and status filters apply. Only public text
// is searched: a private need's description or a volunteer's name would leak through a match.
type fallbackScope struct {
	model     any
	text      []string // SQL expressions of the searchable text
	public    string   // condition for records that may be found ("" for all)
	community string   // condition with one argument
	category  string
	status    func(db *gorm.DB, status string) *gorm.DB
}

func statusColumn(db *gorm.DB, status string) *gorm.DB { return db.Where("status = ?", status) }

func boolStatus(col, yes, no string) func(db *gorm.DB, status string) *gorm.DB {
	return func(db *gorm.DB, status string) *gorm.DB {
		switch status {
		case yes:
			return db.Where(col+" = ?", true)
		case no:
			return db.Where(col+" = ?", false)
		}
		return db.Where("1 = 0")
	}
}

// fallbackScopes lists the indexed types; a new indexed type adds its entry here.
var fallbackScopes = map[search.Type]fallbackScope{
	search.TypeNeed: {model: &app.Need{}, text: []string{"title", "CASE WHEN privacy = '" + app.NeedPublic + "' THEN description ELSE '' END"},
		community: "community_id = ?", category: "category = ?", status: statusColumn},
	search.TypeProject: {model: &app.Project{}, text: []string{"title", "description"}, public: "status <> '" + app.ProjectDraft + "'",
		community: "community_id = ?", category: "category = ?", status: statusColumn},
	search.TypeOrganization: {model: &app.Organization{}, text: []string{"name", "description"},
		community: "(community_id = ? OR id IN (SELECT organization_id FROM organization_areas WHERE community_id = ?))",
		category:  "id IN (SELECT organization_id FROM organization_categories WHERE category = ?)",
		status:    boolStatus("verified", app.OrganizationVerified, app.OrganizationUnverified)},
	search.TypeTender: {model: &app.Tender{}, text: []string{"title", "description"}, public: "status <> '" + app.TenderDraft + "'",
		community: "(community_id = ? OR id IN (SELECT tender_id FROM tender_communities WHERE community_id = ?))",
		category:  "category = ?", status: statusColumn},
	search.TypeCampaign: {model: &app.Campaign{}, text: []string{"title"}, public: "status <> '" + string(funds.CampaignDraft) + "'",
		community: "project_id IN (SELECT id FROM projects WHERE community_id = ?)",
		category:  "project_id IN (SELECT id FROM projects WHERE category = ?)", status: statusColumn},
	search.TypeVolunteer: {model: &app.Volunteer{}, text: []string{"bio"},
		community: "community_id = ?",
		category:  "id IN (SELECT volunteer_id FROM volunteer_skills WHERE skill IN (SELECT code FROM skills WHERE category_code = ?))",
		status:    boolStatus("active", app.VolunteerActive, app.VolunteerInactive)},
}

// SearchFallback finds records whose public text contains every term: one page of all the
// types together, newest first, and each type's count.
func (s *Store) SearchFallback(ctx context.Context, q app.SearchFallbackQuery) ([]search.Ref, map[search.Type]int, error) {
	counts := map[search.Type]int{}
	var subs []any
	var parts []string
	for _, t := range q.Types {
		sc, ok := fallbackScopes[t]
		if !ok {
			return nil, nil, fmt.Errorf("search fallback: type %q has no scope", t)
		}
		scope := fallbackFilter(ctx, s, sc, t, q)
		var n int64
		if err := s.rdb(ctx).Model(sc.model).Scopes(scope).Count(&n).Error; err != nil {
			return nil, nil, translate(err, string(t))
		}
		if n == 0 {
			continue
		}
		counts[t] = int(n)
		// The type is one of our constants, never user input.
		subs = append(subs, s.rdb(ctx).Model(sc.model).Scopes(scope).Select("'"+string(t)+"' AS doc_type, id, created_at"))
		parts = append(parts, fmt.Sprintf("SELECT doc_type, id, created_at FROM (?) AS u%d", len(parts)))
	}
	if len(parts) == 0 || q.Limit <= 0 {
		return nil, counts, nil
	}
	var rows []struct {
		DocType string
		ID      int64
	}
	sql := "SELECT doc_type, id FROM (" + strings.Join(parts, " UNION ALL ") + ") AS found ORDER BY created_at DESC, id DESC, doc_type LIMIT ? OFFSET ?"
	if err := s.rdb(ctx).Raw(sql, append(subs, q.Limit, q.Offset)...).Scan(&rows).Error; err != nil {
		return nil, nil, translate(err, "search")
	}
	out := make([]search.Ref, len(rows))
	for i, r := range rows {
		out[i] = search.Ref{Type: search.Type(r.DocType), ID: r.ID}
	}
	return out, counts, nil
}

// fallbackFilter applies the text and the filters of a fallback query to one type.
func fallbackFilter(ctx context.Context, s *Store, sc fallbackScope, t search.Type, q app.SearchFallbackQuery) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		if sc.public != "" {
			db = db.Where(sc.public)
		}
		for _, term := range q.Terms {
			cond := s.rdb(ctx).Where("1 = 0")
			for _, col := range sc.text {
				cond = cond.Or(`LOWER(`+col+`) LIKE ? ESCAPE '\'`, like(term))
			}
			db = db.Where(cond)
		}
		if q.CommunityID != 0 {
			args := make([]any, strings.Count(sc.community, "?"))
			for i := range args {
				args[i] = q.CommunityID
			}
			db = db.Where(sc.community, args...)
		}
		if q.Category != "" {
			db = db.Where(sc.category, q.Category)
		}
		if q.Status != "" {
			db = sc.status(db, q.Status)
		}
		return db
	}
}
