package app

import (
	"context"
	"time"
)

// Tender statuses. A published tender stops taking bids at its deadline and is closed from
// then on (the stored status catches up the first time anyone evaluates or awards it).
const (
	TenderDraft     = "draft"
	TenderPublished = "published"
	TenderClosed    = "closed"
	TenderAwarded   = "awarded"
	TenderCancelled = "cancelled"
)

// TenderStatuses lists every tender status in lifecycle order.
var TenderStatuses = []string{TenderDraft, TenderPublished, TenderClosed, TenderAwarded, TenderCancelled}

// Tender is a government purchase-of-services tender (政府购买服务项目), published by a
// street's civil-affairs office (CommunityID nil) or by a community. Money is in fen.
type Tender struct {
	ID            int64      `json:"id" gorm:"primaryKey"`
	StreetID      int64      `json:"street_id"`
	CommunityID   *int64     `json:"community_id"`
	ProjectID     *int64     `json:"project_id"` // the micro-project the tender buys (issue 11)
	PublisherID   int64      `json:"publisher_id"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	Category      string     `json:"category"`
	BudgetCeiling int64      `json:"budget_ceiling"`
	Currency      string     `json:"currency"`
	PeriodStart   time.Time  `json:"period_start"`
	PeriodEnd     time.Time  `json:"period_end"`
	BidDeadline   time.Time  `json:"bid_deadline"`
	MaxAwards     int        `json:"max_awards"`
	MinScore      float64    `json:"min_score"`
	Status        string     `json:"status"`
	PublishedAt   *time.Time `json:"published_at"`
	ClosedAt      *time.Time `json:"closed_at"`
	AwardedAt     *time.Time `json:"awarded_at"`
	CancelledAt   *time.Time `json:"cancelled_at"`
	CancelReason  string     `json:"cancel_reason"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	// CommunityIDs are the communities the service covers; Criteria the scoring rubric.
	CommunityIDs []int64            `json:"community_ids" gorm:"-"`
	Criteria     []*TenderCriterion `json:"criteria" gorm:"-"`
}

// effectiveStatus is the status as of now: a published tender past its deadline is closed.
func (t *Tender) effectiveStatus(now time.Time) string {
	if t.Status == TenderPublished && !now.Before(t.BidDeadline) {
		return TenderClosed
	}
	return t.Status
}

// TenderCriterion is one weighted line of a tender's scoring rubric; weights sum to 100.
type TenderCriterion struct {
	ID          int64  `json:"id" gorm:"primaryKey"`
	TenderID    int64  `json:"-"`
	Position    int    `json:"position"`
	Name        string `json:"name"`
	Weight      int    `json:"weight"`
	Description string `json:"description"`
}

// TableName maps the criterion to its table.
func (TenderCriterion) TableName() string { return "tender_criteria" }

// TenderFilter selects tenders. Drafts are listed only inside DraftScope (or all of them with
// AllDrafts), so a list never leaks another office's drafts.
type TenderFilter struct {
	StreetID    *int64
	CommunityID *int64 // covers the community
	Category    *string
	Statuses    []string
	IDs         []int64
	DraftScope  *ScopeFilter
	AllDrafts   bool
	Q           string
	Page
}

// TenderStore persists tenders, bids, declarations, scores and results.
type TenderStore interface {
	// DueTenders lists published tenders whose bid deadline is not after now, oldest first.
	DueTenders(ctx context.Context, now time.Time, limit int) ([]int64, error)
	// CreateTender inserts a tender with its communities and criteria.
	CreateTender(ctx context.Context, t *Tender) error
	// UpdateTender writes the tender's own fields.
	UpdateTender(ctx context.Context, t *Tender) error
	// ReplaceTenderLists swaps a draft's communities and criteria.
	ReplaceTenderLists(ctx context.Context, t *Tender) error
	FindTender(ctx context.Context, id int64) (*Tender, error)
	FindTenders(ctx context.Context, f TenderFilter) ([]*Tender, int, error)

	// SaveTenderBid inserts the bid or, when the organization already bid, replaces it.
	SaveTenderBid(ctx context.Context, b *TenderBid) error
	FindTenderBids(ctx context.Context, tenderID int64) ([]*TenderBid, error)
	// FindTenderBid loads one bid with its team.
	FindTenderBid(ctx context.Context, id int64) (*TenderBid, error)
	// DeleteTenderBid removes a bid and its team (a bid withdrawn before the deadline).
	DeleteTenderBid(ctx context.Context, id int64) error
	// FindTeamMembers loads the social workers with the given ids in one query.
	FindTeamMembers(ctx context.Context, ids []int64) ([]*SocialWorker, error)
	CountTenderBids(ctx context.Context, tenderIDs []int64) (map[int64]int, error)

	SaveTenderDeclaration(ctx context.Context, d *TenderDeclaration) error
	FindTenderDeclarations(ctx context.Context, tenderID int64) ([]*TenderDeclaration, error)

	// SaveTenderScores inserts or updates scores by (bid, evaluator, criterion).
	SaveTenderScores(ctx context.Context, scores []*TenderScore) error
	// DeleteTenderScores removes an evaluator's scores of the given bids.
	DeleteTenderScores(ctx context.Context, evaluatorID int64, bidIDs []int64) error
	FindTenderScores(ctx context.Context, tenderID int64) ([]*TenderScore, error)

	CreateTenderResults(ctx context.Context, rs []*TenderResult) error
	FindTenderResults(ctx context.Context, f TenderResultFilter) ([]*TenderResult, error)
}

// tenderTarget is the tender's place chain: its street and, for a community's tender, the community.
func tenderTarget(t *Tender) Target {
	tt := Target{StreetID: t.StreetID}
	if t.CommunityID != nil {
		tt.CommunityID = *t.CommunityID
	}
	return tt
}

func tenderAuditCommunity(t *Tender) int64 {
	if t.CommunityID != nil {
		return *t.CommunityID
	}
	return 0
}
