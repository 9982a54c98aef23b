package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/search"
)

var (
	tenderCommunities   = joinList[int64]{"tender_communities", "tender_id", "community_id"}
	tenderBidTeam       = joinList[int64]{"tender_bid_team", "bid_id", "social_worker_id"}
	declarationConflict = joinList[int64]{"tender_declaration_conflicts", "declaration_id", "organization_id"}
)

// CreateTender inserts a tender with its communities and criteria.
func (s *Store) CreateTender(ctx context.Context, t *app.Tender) error {
	return s.withSearch(ctx, search.TypeTender, func(ctx context.Context) error {
		return s.withLists(ctx, "tender", func(db *gorm.DB) error { return db.Create(t).Error }, func(db *gorm.DB) error {
			return s.saveTenderLists(db, t)
		})
	}, func() int64 { return t.ID })
}

func (s *Store) saveTenderLists(db *gorm.DB, t *app.Tender) error {
	if err := tenderCommunities.replace(db, t.ID, t.CommunityIDs); err != nil {
		return err
	}
	if err := db.Where("tender_id = ?", t.ID).Delete(&app.TenderCriterion{}).Error; err != nil {
		return err
	}
	for _, c := range t.Criteria {
		c.ID, c.TenderID = 0, t.ID
	}
	if len(t.Criteria) == 0 {
		return nil
	}
	return db.Create(t.Criteria).Error
}

// DueTenders lists published tenders whose bid deadline has come, oldest deadline first.
func (s *Store) DueTenders(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := s.rdb(ctx).Model(&app.Tender{}).Where("status = ? AND bid_deadline <= ?", app.TenderPublished, now).
		Order("bid_deadline, id").Limit(limit).Pluck("id", &ids).Error
	return ids, translate(err, "tender")
}

// UpdateTender writes the tender's own fields.
func (s *Store) UpdateTender(ctx context.Context, t *app.Tender) error {
	return s.withSearch(ctx, search.TypeTender, func(ctx context.Context) error { return updateAll(s.db(ctx), t, "tender") }, func() int64 { return t.ID })
}

// ReplaceTenderLists swaps a draft's communities and criteria.
func (s *Store) ReplaceTenderLists(ctx context.Context, t *app.Tender) error {
	return s.withSearch(ctx, search.TypeTender, func(ctx context.Context) error { return translate(s.saveTenderLists(s.db(ctx), t), "tender") }, func() int64 { return t.ID })
}

func (s *Store) loadTenderLists(db *gorm.DB, ts []*app.Tender) error {
	pids := ids(ts, func(t *app.Tender) int64 { return t.ID })
	cs, err := tenderCommunities.load(db, pids)
	if err != nil {
		return err
	}
	var crit []*app.TenderCriterion
	if len(pids) > 0 {
		if err := db.Where("tender_id IN ?", pids).Order("tender_id, position").Find(&crit).Error; err != nil {
			return err
		}
	}
	by := map[int64][]*app.TenderCriterion{}
	for _, c := range crit {
		by[c.TenderID] = append(by[c.TenderID], c)
	}
	for _, t := range ts {
		t.CommunityIDs, t.Criteria = orEmpty(cs[t.ID]), orEmpty(by[t.ID])
	}
	return nil
}

// FindTender loads a tender with its communities and criteria.
func (s *Store) FindTender(ctx context.Context, id int64) (*app.Tender, error) {
	var t app.Tender
	if err := s.rdb(ctx).First(&t, id).Error; err != nil {
		return nil, translate(err, "tender")
	}
	if err := s.loadTenderLists(s.rdb(ctx), []*app.Tender{&t}); err != nil {
		return nil, translate(err, "tender")
	}
	return &t, nil
}

// FindTenders lists tenders, the nearest deadline first among open ones, then newest.
func (s *Store) FindTenders(ctx context.Context, f app.TenderFilter) ([]*app.Tender, int, error) {
	scope := func(db *gorm.DB) *gorm.DB {
		if f.StreetID != nil {
			db = db.Where("street_id = ?", *f.StreetID)
		}
		if f.CommunityID != nil {
			db = db.Where("id IN (?)", s.rdb(ctx).Table("tender_communities").Select("tender_id").Where("community_id = ?", *f.CommunityID))
		}
		if f.Category != nil {
			db = db.Where("category = ?", *f.Category)
		}
		if len(f.IDs) > 0 {
			db = db.Where("id IN ?", f.IDs)
		}
		if f.Q != "" {
			db = db.Where(`LOWER(title) LIKE ? ESCAPE '\'`, like(f.Q))
		}
		statuses := f.Statuses
		if len(statuses) == 0 {
			statuses = app.TenderStatuses
		}
		var public []string
		draft := false
		for _, st := range statuses {
			if st == app.TenderDraft {
				draft = true
			} else {
				public = append(public, st)
			}
		}
		cond := s.rdb(ctx).Where("1 = 0")
		if len(public) > 0 {
			cond = cond.Or("status IN ?", public)
		}
		switch {
		case draft && f.AllDrafts:
			cond = cond.Or("status = ?", app.TenderDraft)
		case draft && f.DraftScope != nil:
			in := s.rdb(ctx).Where("1 = 0")
			if len(f.DraftScope.StreetIDs) > 0 {
				in = in.Or("street_id IN ?", f.DraftScope.StreetIDs)
			}
			if len(f.DraftScope.CommunityIDs) > 0 {
				in = in.Or("community_id IN ?", f.DraftScope.CommunityIDs)
			}
			cond = cond.Or(s.rdb(ctx).Where("status = ?", app.TenderDraft).Where(in))
		}
		return db.Where(cond)
	}
	out, total, err := findPage[app.Tender](ctx, s.rdb, scope, "bid_deadline DESC, id DESC", f.Page, "tender")
	if err != nil {
		return nil, 0, err
	}
	if err := s.loadTenderLists(s.rdb(ctx), out); err != nil {
		return nil, 0, translate(err, "tender")
	}
	return out, total, nil
}

// SaveTenderBid inserts the bid or replaces the organization's earlier bid on the tender.
func (s *Store) SaveTenderBid(ctx context.Context, b *app.TenderBid) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		db := s.db(ctx)
		var old app.TenderBid
		err := db.Where("tender_id = ? AND organization_id = ?", b.TenderID, b.OrganizationID).First(&old).Error
		switch {
		case err == nil:
			b.ID, b.CreatedAt = old.ID, old.CreatedAt
			if err := updateAll(db, b, "bid"); err != nil {
				return err
			}
		case errors.Is(err, gorm.ErrRecordNotFound):
			if err := db.Create(b).Error; err != nil {
				return translate(err, "bid")
			}
		default:
			return translate(err, "bid")
		}
		return translate(tenderBidTeam.replace(db, b.ID, b.Team), "bid")
	})
}

// FindTenderBids lists a tender's bids with their teams, in the order they came.
func (s *Store) FindTenderBids(ctx context.Context, tenderID int64) ([]*app.TenderBid, error) {
	db := s.rdb(ctx)
	var out []*app.TenderBid
	if err := db.Where("tender_id = ?", tenderID).Order("id").Find(&out).Error; err != nil {
		return nil, translate(err, "bid")
	}
	team, err := tenderBidTeam.load(db, ids(out, func(b *app.TenderBid) int64 { return b.ID }))
	if err != nil {
		return nil, translate(err, "bid")
	}
	for _, b := range out {
		b.Team = orEmpty(team[b.ID])
	}
	return out, nil
}

// FindTeamMembers loads the social workers with the given ids in one query.
func (s *Store) FindTeamMembers(ctx context.Context, ids []int64) ([]*app.SocialWorker, error) {
	out := []*app.SocialWorker{}
	if len(ids) == 0 {
		return out, nil
	}
	if err := s.rdb(ctx).Where("id IN ?", ids).Order("id").Find(&out).Error; err != nil {
		return nil, translate(err, "social_worker")
	}
	return out, nil
}

// CountTenderBids counts the bids of each tender.
func (s *Store) CountTenderBids(ctx context.Context, tenderIDs []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(tenderIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		TenderID int64
		N        int
	}
	err := s.rdb(ctx).Model(&app.TenderBid{}).Select("tender_id, COUNT(*) AS n").Where("tender_id IN ?", tenderIDs).Group("tender_id").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "bid")
	}
	for _, r := range rows {
		out[r.TenderID] = r.N
	}
	return out, nil
}

// SaveTenderDeclaration inserts or updates a declaration and its conflicts.
func (s *Store) SaveTenderDeclaration(ctx context.Context, d *app.TenderDeclaration) error {
	return s.withLists(ctx, "declaration", func(db *gorm.DB) error {
		if d.ID == 0 {
			return db.Create(d).Error
		}
		return updateAll(db, d, "declaration")
	}, func(db *gorm.DB) error { return declarationConflict.replace(db, d.ID, d.ConflictOrgIDs) })
}

// FindTenderDeclarations lists a tender's declarations with their conflicts.
func (s *Store) FindTenderDeclarations(ctx context.Context, tenderID int64) ([]*app.TenderDeclaration, error) {
	db := s.rdb(ctx)
	var out []*app.TenderDeclaration
	if err := db.Where("tender_id = ?", tenderID).Order("id").Find(&out).Error; err != nil {
		return nil, translate(err, "declaration")
	}
	cs, err := declarationConflict.load(db, ids(out, func(d *app.TenderDeclaration) int64 { return d.ID }))
	if err != nil {
		return nil, translate(err, "declaration")
	}
	for _, d := range out {
		d.ConflictOrgIDs = orEmpty(cs[d.ID])
	}
	return out, nil
}

// SaveTenderScores inserts scores or updates them by (bid, evaluator, criterion).
func (s *Store) SaveTenderScores(ctx context.Context, scores []*app.TenderScore) error {
	if len(scores) == 0 {
		return nil
	}
	err := s.db(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "bid_id"}, {Name: "evaluator_id"}, {Name: "criterion_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"score", "updated_at"}),
	}).Create(scores).Error
	return translate(err, "score")
}

// DeleteTenderScores removes an evaluator's scores of the given bids.
func (s *Store) DeleteTenderScores(ctx context.Context, evaluatorID int64, bidIDs []int64) error {
	if len(bidIDs) == 0 {
		return nil
	}
	return translate(s.db(ctx).Where("evaluator_id = ? AND bid_id IN ?", evaluatorID, bidIDs).Delete(&app.TenderScore{}).Error, "score")
}

// FindTenderScores lists every score given on a tender.
func (s *Store) FindTenderScores(ctx context.Context, tenderID int64) ([]*app.TenderScore, error) {
	var out []*app.TenderScore
	if err := s.rdb(ctx).Where("tender_id = ?", tenderID).Order("id").Find(&out).Error; err != nil {
		return nil, translate(err, "score")
	}
	return out, nil
}

// CreateTenderResults inserts award results.
func (s *Store) CreateTenderResults(ctx context.Context, rs []*app.TenderResult) error {
	if len(rs) == 0 {
		return nil
	}
	return translate(s.db(ctx).Create(rs).Error, "result")
}

// FindTenderResults lists award results by tender and rank.
func (s *Store) FindTenderResults(ctx context.Context, f app.TenderResultFilter) ([]*app.TenderResult, error) {
	db := s.rdb(ctx)
	if f.TenderID != nil {
		db = db.Where("tender_id = ?", *f.TenderID)
	}
	if f.OrganizationIDs != nil {
		if len(f.OrganizationIDs) == 0 {
			return []*app.TenderResult{}, nil
		}
		db = db.Where("organization_id IN ?", f.OrganizationIDs)
	}
	if f.Won != nil {
		db = db.Where("won = ?", *f.Won)
	}
	var out []*app.TenderResult
	if err := db.Order("tender_id, rank").Find(&out).Error; err != nil {
		return nil, translate(err, "result")
	}
	return out, nil
}

// FindTenderBid loads one bid with its team.
func (s *Store) FindTenderBid(ctx context.Context, id int64) (*app.TenderBid, error) {
	db := s.rdb(ctx)
	var b app.TenderBid
	if err := db.First(&b, id).Error; err != nil {
		return nil, translate(err, "bid")
	}
	team, err := tenderBidTeam.load(db, []int64{b.ID})
	if err != nil {
		return nil, translate(err, "bid")
	}
	b.Team = orEmpty(team[b.ID])
	return &b, nil
}

// DeleteTenderBid removes a bid and its team. Only a bid before its tender's deadline is
// withdrawn, so no score or result refers to it.
func (s *Store) DeleteTenderBid(ctx context.Context, id int64) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		db := s.db(ctx)
		if err := tenderBidTeam.replace(db, id, nil); err != nil {
			return translate(err, "bid")
		}
		return deleteOne(db, &app.TenderBid{}, id, "bid")
	})
}
