package app

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/wushe/wushe/matching"
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

// TenderBid is an organization's bid: its price (fen), plan, team and how many government
// contracts it can deliver at once (Capacity, this one included).
type TenderBid struct {
	ID             int64     `json:"id" gorm:"primaryKey"`
	TenderID       int64     `json:"tender_id"`
	OrganizationID int64     `json:"organization_id"`
	SubmittedBy    int64     `json:"submitted_by"`
	Price          int64     `json:"price"`
	Currency       string    `json:"currency"`
	Plan           string    `json:"plan"`
	Capacity       int       `json:"capacity"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Team           []int64   `json:"team" gorm:"-"`
}

// TenderDeclaration is an evaluator's conflict-of-interest declaration for one tender,
// required before scoring. ConflictOrgIDs are the bidders the evaluator may not score.
type TenderDeclaration struct {
	ID             int64     `json:"id" gorm:"primaryKey"`
	TenderID       int64     `json:"tender_id"`
	EvaluatorID    int64     `json:"evaluator_id"`
	Statement      string    `json:"statement"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	ConflictOrgIDs []int64   `json:"conflict_organization_ids" gorm:"-"`
}

// TenderScore is one evaluator's score (0–100) of one bid on one criterion.
type TenderScore struct {
	ID          int64     `json:"id" gorm:"primaryKey"`
	TenderID    int64     `json:"tender_id"`
	BidID       int64     `json:"bid_id"`
	EvaluatorID int64     `json:"evaluator_id"`
	CriterionID int64     `json:"criterion_id"`
	Score       int       `json:"score"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// TenderResult is the award's outcome for one bid: its rank, total score and the reason it
// won or lost (the reasons of matching.Award). AboveOrgIDs and PreferredTenderIDs are JSON
// lists of ids: the winners ranked above a losing bid, and the contracts its organization
// holds and keeps instead.
type TenderResult struct {
	ID                 int64     `json:"id" gorm:"primaryKey"`
	TenderID           int64     `json:"tender_id"`
	BidID              int64     `json:"bid_id"`
	OrganizationID     int64     `json:"organization_id"`
	Rank               int       `json:"rank"`
	Score              float64   `json:"score"`
	Evaluators         int       `json:"evaluators"`
	Won                bool      `json:"won"`
	Reason             string    `json:"reason"`
	AboveOrgIDs        string    `json:"-"`
	PreferredTenderIDs string    `json:"-"`
	CreatedAt          time.Time `json:"created_at"`
}

// Above decodes the ids of the winners ranked above this bid.
func (r *TenderResult) Above() []int64 { return decodeIDs(r.AboveOrgIDs) }

// Preferred decodes the ids of the tenders the organization kept instead of this one.
func (r *TenderResult) Preferred() []int64 { return decodeIDs(r.PreferredTenderIDs) }

func decodeIDs(s string) []int64 {
	var out []int64
	if json.Unmarshal([]byte(s), &out) != nil || len(out) == 0 {
		return nil
	}
	return out
}

func encodeIDs(ids []int64) string {
	if len(ids) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ids)
	return string(b)
}

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

// TenderResultFilter selects award results.
type TenderResultFilter struct {
	TenderID        *int64
	OrganizationIDs []int64
	Won             *bool
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

// CriterionInput is one line of a rubric.
type CriterionInput struct {
	Name        string `json:"name"`
	Weight      int    `json:"weight"`
	Description string `json:"description"`
}

// TenderInput creates or edits a draft tender. Set CommunityID for a community's own tender
// (it then covers that community only); otherwise StreetID for a street tender. Budget in fen.
type TenderInput struct {
	StreetID      int64            `json:"street_id" form:"street_id"`
	CommunityID   *int64           `json:"community_id" form:"community_id"`
	Title         string           `json:"title" form:"title" validate:"required,max=100"`
	Description   string           `json:"description" form:"description" validate:"required,max=8000"`
	Category      string           `json:"category" form:"category" validate:"required,max=64"`
	CommunityIDs  []int64          `json:"community_ids" form:"community_ids" validate:"max=50"`
	BudgetCeiling int64            `json:"budget_ceiling" form:"-" validate:"gt=0,lte=100000000000"`
	Currency      string           `json:"currency" form:"-" validate:"omitempty,oneof=CNY"`
	PeriodStart   time.Time        `json:"period_start" form:"-"`
	PeriodEnd     time.Time        `json:"period_end" form:"-"`
	BidDeadline   time.Time        `json:"bid_deadline" form:"-"`
	MaxAwards     int              `json:"max_awards" form:"max_awards" validate:"gte=0,lte=20"`
	MinScore      float64          `json:"min_score" form:"min_score" validate:"gte=0,lte=100"`
	Criteria      []CriterionInput `json:"criteria" form:"-"`
}

// TenderCancel cancels a tender; the reason is published.
type TenderCancel struct {
	Reason string `json:"reason" form:"reason" validate:"required,max=2000"`
}

// BidInput is an organization's bid. Price in fen; Team lists the organization's certified
// social workers on the job; Capacity is how many contracts it can deliver at once (0 → 1).
type BidInput struct {
	OrganizationID int64   `json:"organization_id" form:"organization_id" validate:"required"`
	Price          int64   `json:"price" form:"-" validate:"gt=0,lte=100000000000"`
	Currency       string  `json:"currency" form:"-" validate:"omitempty,oneof=CNY"`
	Plan           string  `json:"plan" form:"plan" validate:"required,max=20000"`
	Team           []int64 `json:"team" form:"team" validate:"required,min=1,max=50"`
	Capacity       int     `json:"capacity" form:"capacity" validate:"gte=0,lte=20"`
}

// DeclarationInput is an evaluator's conflict-of-interest declaration: the bidders they have
// a conflict with (none is a valid answer) and the affirmation that the list is complete.
type DeclarationInput struct {
	ConflictOrganizationIDs []int64 `json:"conflict_organization_ids" form:"conflict_organization_ids"`
	Statement               string  `json:"statement" form:"statement" validate:"max=2000"`
	Affirm                  bool    `json:"affirm" form:"affirm"`
}

// CriterionScore is a score of 0–100 on one criterion.
type CriterionScore struct {
	CriterionID int64 `json:"criterion_id"`
	Score       int   `json:"score"`
}

// ScoreInput scores one bid on every criterion of the rubric.
type ScoreInput struct {
	BidID  int64            `json:"bid_id" validate:"required"`
	Scores []CriterionScore `json:"scores"`
}

// tenderTarget is the tender's place chain: its street and, for a community's tender, the community.
func tenderTarget(t *Tender) Target {
	tt := Target{StreetID: t.StreetID}
	if t.CommunityID != nil {
		tt.CommunityID = *t.CommunityID
	}
	return tt
}

func (a *App) checkTender(ctx context.Context, in *TenderInput, now time.Time) (FieldErrors, Target, error) {
	fe := FieldErrors{}
	if in.Currency == "" {
		in.Currency = "CNY"
	}
	if in.MaxAwards == 0 {
		in.MaxAwards = 1
	}
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	a.validate.Into(fe, in)
	var t Target
	if in.CommunityID != nil {
		c, err := a.store.FindCommunity(ctx, *in.CommunityID)
		if IsCode(err, ENOTFOUND) {
			fe.Add("community_id", "error.unknown_ref")
		} else if err != nil {
			return nil, t, err
		} else {
			t = Target{StreetID: c.StreetID, CommunityID: c.ID}
			in.StreetID = c.StreetID
			if len(in.CommunityIDs) == 0 {
				in.CommunityIDs = []int64{c.ID}
			}
			for _, id := range in.CommunityIDs {
				if id != c.ID {
					fe.Add("community_ids", "tenders.error.community_scope")
				}
			}
		}
	} else if in.StreetID == 0 {
		fe.Add("street_id", "error.required")
	} else {
		if _, err := a.store.FindStreet(ctx, in.StreetID); IsCode(err, ENOTFOUND) {
			fe.Add("street_id", "error.unknown_ref")
		} else if err != nil {
			return nil, t, err
		}
		t = Target{StreetID: in.StreetID}
	}
	slices.Sort(in.CommunityIDs)
	in.CommunityIDs = slices.Compact(in.CommunityIDs)
	if len(in.CommunityIDs) == 0 {
		fe.Add("community_ids", "error.required")
	} else if t.StreetID != 0 {
		cs, _, err := a.store.FindCommunities(ctx, CommunityFilter{IDs: in.CommunityIDs})
		if err != nil {
			return nil, t, err
		}
		if len(cs) != len(in.CommunityIDs) {
			fe.Add("community_ids", "error.unknown_ref")
		}
		for _, c := range cs {
			if c.StreetID != t.StreetID {
				fe.Add("community_ids", "tenders.error.street_scope")
			}
		}
	}
	if in.Category != "" {
		if ok, err := a.categoryExists(ctx, in.Category); err != nil {
			return nil, t, err
		} else if !ok {
			fe.Add("category", "error.unknown_ref")
		}
	}
	switch {
	case in.PeriodStart.IsZero():
		fe.Add("period_start", "error.required")
	case in.PeriodEnd.IsZero():
		fe.Add("period_end", "error.required")
	case !in.PeriodEnd.After(in.PeriodStart):
		fe.Add("period_end", "error.end_before_start")
	}
	switch {
	case in.BidDeadline.IsZero():
		fe.Add("bid_deadline", "error.required")
	case !in.BidDeadline.After(now):
		fe.Add("bid_deadline", "tenders.error.deadline_past")
	case !in.PeriodStart.IsZero() && in.BidDeadline.After(in.PeriodStart):
		fe.Add("bid_deadline", "tenders.error.deadline_after_start")
	}
	checkCriteria(fe, in.Criteria)
	return fe, t, nil
}

// checkCriteria checks the rubric: 1–10 named criteria with positive weights summing to 100.
func checkCriteria(fe FieldErrors, cs []CriterionInput) {
	if len(cs) == 0 {
		fe.Add("criteria", "error.required")
		return
	}
	if len(cs) > 10 {
		fe.Add("criteria", "error.too_large", "max", 10)
		return
	}
	sum := 0
	names := map[string]bool{}
	for i, c := range cs {
		name := strings.TrimSpace(c.Name)
		switch {
		case name == "" || len([]rune(name)) > 60 || len([]rune(c.Description)) > 500:
			fe.Add("criteria", "tenders.error.criterion", "n", i+1)
		case c.Weight < 1 || c.Weight > 100:
			fe.Add("criteria", "tenders.error.criterion_weight", "n", i+1)
		case names[name]:
			fe.Add("criteria", "tenders.error.criterion_duplicate", "n", i+1)
		}
		names[name] = true
		sum += c.Weight
	}
	if sum != 100 {
		fe.Add("criteria", "tenders.error.weights_sum", "sum", sum)
	}
}

func applyTender(t *Tender, in TenderInput) {
	t.StreetID, t.CommunityID = in.StreetID, in.CommunityID
	t.Title, t.Description, t.Category = in.Title, in.Description, in.Category
	t.BudgetCeiling, t.Currency = in.BudgetCeiling, in.Currency
	t.PeriodStart, t.PeriodEnd, t.BidDeadline = in.PeriodStart.UTC(), in.PeriodEnd.UTC(), in.BidDeadline.UTC()
	t.MaxAwards, t.MinScore = in.MaxAwards, in.MinScore
	t.CommunityIDs = slices.Clone(in.CommunityIDs)
	t.Criteria = make([]*TenderCriterion, len(in.Criteria))
	for i, c := range in.Criteria {
		t.Criteria[i] = &TenderCriterion{Position: i + 1, Name: strings.TrimSpace(c.Name), Weight: c.Weight, Description: strings.TrimSpace(c.Description)}
	}
}

func tenderAuditCommunity(t *Tender) int64 {
	if t.CommunityID != nil {
		return *t.CommunityID
	}
	return 0
}

// CreateTender saves a draft tender for a street (civil-affairs officers) or a community
// (its community workers).
func (a *App) CreateTender(ctx context.Context, in TenderInput) (*Tender, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	now := a.Now()
	fe, target, err := a.checkTender(ctx, &in, now)
	if err != nil {
		return nil, err
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if err := Authorize(p, ActTenderManage, target); err != nil {
		return nil, err
	}
	t := &Tender{PublisherID: p.User.ID, Status: TenderDraft, CreatedAt: now, UpdatedAt: now}
	applyTender(t, in)
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateTender(ctx, t); err != nil {
			return err
		}
		return a.audit(ctx, "tender.created", "tender", t.ID, tenderAuditCommunity(t), nil)
	})
	return t, err
}

// UpdateTender edits a draft; the publishing office (street or community) stays the same.
func (a *App) UpdateTender(ctx context.Context, id int64, in TenderInput) (*Tender, error) {
	p := PrincipalFrom(ctx)
	var t *Tender
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if t, err = a.store.FindTender(ctx, id); err != nil {
			return err
		}
		if err := a.authorizeTenderManage(p, t); err != nil {
			return err
		}
		if t.Status != TenderDraft {
			return Errorf(ECONFLICT, "error.bad_transition", "from", t.Status, "action", "edit")
		}
		fe, _, err := a.checkTender(ctx, &in, a.Now())
		if err != nil {
			return err
		}
		if in.StreetID != t.StreetID || !equalIDPtr(in.CommunityID, t.CommunityID) {
			fe.Add("community_id", "error.immutable")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		applyTender(t, in)
		t.UpdatedAt = a.Now()
		if err := a.store.UpdateTender(ctx, t); err != nil {
			return err
		}
		if err := a.store.ReplaceTenderLists(ctx, t); err != nil {
			return err
		}
		return a.audit(ctx, "tender.updated", "tender", t.ID, tenderAuditCommunity(t), nil)
	})
	return t, err
}

func equalIDPtr(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// authorizeTenderManage hides drafts from those who may not manage them (404, not 403).
func (a *App) authorizeTenderManage(p *Principal, t *Tender) error {
	err := Authorize(p, ActTenderManage, tenderTarget(t))
	if err != nil && t.Status == TenderDraft && p.Authenticated() {
		return NotFound("tender")
	}
	return err
}

// PublishTender opens a draft for bids. The deadline must still be ahead.
func (a *App) PublishTender(ctx context.Context, id int64) (*Tender, error) {
	p := PrincipalFrom(ctx)
	var t *Tender
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if t, err = a.store.FindTender(ctx, id); err != nil {
			return err
		}
		if err := a.authorizeTenderManage(p, t); err != nil {
			return err
		}
		if t.Status != TenderDraft {
			return Errorf(ECONFLICT, "error.bad_transition", "from", t.Status, "action", "publish")
		}
		now := a.Now()
		if !t.BidDeadline.After(now) {
			return (FieldErrors{"bid_deadline": Msg("tenders.error.deadline_past")}).Err()
		}
		t.Status, t.PublishedAt, t.UpdatedAt = TenderPublished, &now, now
		if err := a.store.UpdateTender(ctx, t); err != nil {
			return err
		}
		return a.audit(ctx, "tender.published", "tender", t.ID, tenderAuditCommunity(t), map[string]any{"bid_deadline": t.BidDeadline})
	})
	return t, err
}

// CancelTender withdraws a tender that has not been awarded, with a published reason.
func (a *App) CancelTender(ctx context.Context, id int64, in TenderCancel) (*Tender, error) {
	p := PrincipalFrom(ctx)
	in.Reason = strings.TrimSpace(in.Reason)
	if err := a.validate.Struct(in); err != nil {
		return nil, err
	}
	var t *Tender
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if t, err = a.store.FindTender(ctx, id); err != nil {
			return err
		}
		if err := a.authorizeTenderManage(p, t); err != nil {
			return err
		}
		if t.Status == TenderAwarded || t.Status == TenderCancelled {
			return Errorf(ECONFLICT, "error.bad_transition", "from", t.Status, "action", "cancel")
		}
		now := a.Now()
		t.Status, t.CancelledAt, t.CancelReason, t.UpdatedAt = TenderCancelled, &now, in.Reason, now
		if err := a.store.UpdateTender(ctx, t); err != nil {
			return err
		}
		return a.audit(ctx, "tender.cancelled", "tender", t.ID, tenderAuditCommunity(t), map[string]any{"reason": in.Reason})
	})
	return t, err
}

// closeIfDue records that a published tender's deadline has passed.
func (a *App) closeIfDue(ctx context.Context, t *Tender) error {
	if t.effectiveStatus(a.Now()) != TenderClosed || t.Status == TenderClosed {
		return nil
	}
	closed := t.BidDeadline
	t.Status, t.ClosedAt, t.UpdatedAt = TenderClosed, &closed, a.Now()
	if err := a.store.UpdateTender(ctx, t); err != nil {
		return err
	}
	return a.audit(ctx, "tender.closed", "tender", t.ID, tenderAuditCommunity(t), nil)
}

// SubmitBid files (or, before the deadline, replaces) an organization's bid. Only members of
// a verified social organization may bid; the price may not exceed the ceiling; the team
// must be the organization's own certified social workers.
func (a *App) SubmitBid(ctx context.Context, tenderID int64, in BidInput) (*TenderBid, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	if in.Currency == "" {
		in.Currency = "CNY"
	}
	if in.Capacity == 0 {
		in.Capacity = 1
	}
	in.Plan = strings.TrimSpace(in.Plan)
	var b *TenderBid
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		t, err := a.store.FindTender(ctx, tenderID)
		if err != nil {
			return err
		}
		if t.Status == TenderDraft {
			return NotFound("tender")
		}
		fe := FieldErrors{}
		a.validate.Into(fe, in)
		var org *Organization
		if in.OrganizationID != 0 {
			org, err = a.store.FindOrganization(ctx, in.OrganizationID)
			if IsCode(err, ENOTFOUND) {
				fe.Add("organization_id", "error.unknown_ref")
			} else if err != nil {
				return err
			}
		}
		if org != nil {
			ot, err := a.places().orgTarget(ctx, org) // the organization's own place, not the input's
			if err != nil {
				return err
			}
			if err := Authorize(p, ActTenderBid, ot); err != nil {
				return err
			}
		} else if !p.HasRole(RoleOrgMember) {
			return Forbidden()
		}
		if st := t.effectiveStatus(a.Now()); st != TenderPublished {
			if st == TenderClosed {
				return Errorf(ECONFLICT, "tenders.error.deadline_passed")
			}
			return Errorf(ECONFLICT, "error.bad_transition", "from", st, "action", "bid")
		}
		if org != nil {
			switch {
			case org.Kind != "social_org":
				fe.Add("organization_id", "tenders.error.org_not_social")
			case !org.Verified:
				fe.Add("organization_id", "tenders.error.org_not_verified")
			}
		}
		if in.Price > t.BudgetCeiling {
			fe.Add("price", "tenders.error.above_ceiling", "ceiling", fmt.Sprintf("%d.%02d", t.BudgetCeiling/100, t.BudgetCeiling%100))
		}
		slices.Sort(in.Team)
		in.Team = slices.Compact(in.Team)
		if org != nil && len(in.Team) > 0 {
			ws, _, err := a.store.FindSocialWorkers(ctx, SocialWorkerFilter{OrganizationID: &org.ID, Page: Page{Page: 1, PerPage: MaxPerPage}})
			if err != nil {
				return err
			}
			for _, id := range in.Team {
				i := slices.IndexFunc(ws, func(w *SocialWorker) bool { return w.ID == id })
				if i < 0 {
					fe.Add("team", "tenders.error.team_not_member")
				} else if strings.TrimSpace(ws[i].CertificateNumber) == "" {
					fe.Add("team", "tenders.error.team_not_certified", "name", ws[i].Name)
				}
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		now := a.Now()
		b = &TenderBid{TenderID: t.ID, OrganizationID: org.ID, SubmittedBy: p.User.ID, Price: in.Price, Currency: in.Currency,
			Plan: in.Plan, Capacity: in.Capacity, Team: in.Team, CreatedAt: now, UpdatedAt: now}
		if err := a.store.SaveTenderBid(ctx, b); err != nil {
			return err
		}
		return a.audit(ctx, "tender.bid", "tender", t.ID, tenderAuditCommunity(t), map[string]any{"bid_id": b.ID, "organization_id": org.ID, "price": in.Price})
	})
	return b, err
}

// evaluationTender loads a tender and checks the principal may evaluate it now (after the
// deadline, before the award).
func (a *App) evaluationTender(ctx context.Context, p *Principal, id int64) (*Tender, error) {
	t, err := a.store.FindTender(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.Status == TenderDraft {
		return nil, NotFound("tender")
	}
	if err := Authorize(p, ActTenderEvaluate, tenderTarget(t)); err != nil {
		return nil, err
	}
	switch t.effectiveStatus(a.Now()) {
	case TenderPublished:
		return nil, Errorf(ECONFLICT, "tenders.error.bids_sealed")
	case TenderClosed:
	default:
		return nil, Errorf(ECONFLICT, "error.bad_transition", "from", t.Status, "action", "evaluate")
	}
	if err := a.closeIfDue(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// memberOf reports whether the principal is a member of the organization.
func (p *Principal) memberOf(orgID int64) bool {
	if !p.Authenticated() {
		return false
	}
	for _, m := range p.Memberships {
		if m.Role == RoleOrgMember && m.OrganizationID != nil && *m.OrganizationID == orgID {
			return true
		}
	}
	return false
}

// Declare records an evaluator's conflict-of-interest declaration. A later declaration may
// add conflicts but never remove one; scores already given to a newly conflicted bid are
// withdrawn.
func (a *App) Declare(ctx context.Context, tenderID int64, in DeclarationInput) (*TenderDeclaration, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	in.Statement = strings.TrimSpace(in.Statement)
	var d *TenderDeclaration
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		t, err := a.evaluationTender(ctx, p, tenderID)
		if err != nil {
			return err
		}
		fe := FieldErrors{}
		a.validate.Into(fe, in)
		if !in.Affirm {
			fe.Add("affirm", "tenders.error.affirm")
		}
		bids, err := a.store.FindTenderBids(ctx, t.ID)
		if err != nil {
			return err
		}
		slices.Sort(in.ConflictOrganizationIDs)
		in.ConflictOrganizationIDs = slices.Compact(in.ConflictOrganizationIDs)
		var conflictBids []int64
		for _, oid := range in.ConflictOrganizationIDs {
			i := slices.IndexFunc(bids, func(b *TenderBid) bool { return b.OrganizationID == oid })
			if i < 0 {
				fe.Add("conflict_organization_ids", "tenders.error.not_a_bidder")
				continue
			}
			conflictBids = append(conflictBids, bids[i].ID)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		ds, err := a.store.FindTenderDeclarations(ctx, t.ID)
		if err != nil {
			return err
		}
		now := a.Now()
		if i := slices.IndexFunc(ds, func(x *TenderDeclaration) bool { return x.EvaluatorID == p.User.ID }); i >= 0 {
			d = ds[i]
			d.ConflictOrgIDs = append(d.ConflictOrgIDs, in.ConflictOrganizationIDs...)
			slices.Sort(d.ConflictOrgIDs)
			d.ConflictOrgIDs = slices.Compact(d.ConflictOrgIDs)
			if in.Statement != "" {
				d.Statement = strings.TrimSpace(d.Statement + "\n" + in.Statement)
			}
			d.UpdatedAt = now
		} else {
			d = &TenderDeclaration{TenderID: t.ID, EvaluatorID: p.User.ID, Statement: in.Statement, ConflictOrgIDs: in.ConflictOrganizationIDs, CreatedAt: now, UpdatedAt: now}
		}
		if err := a.store.SaveTenderDeclaration(ctx, d); err != nil {
			return err
		}
		if len(conflictBids) > 0 {
			if err := a.store.DeleteTenderScores(ctx, p.User.ID, conflictBids); err != nil {
				return err
			}
		}
		return a.audit(ctx, "tender.declared", "tender", t.ID, tenderAuditCommunity(t),
			map[string]any{"conflicts": d.ConflictOrgIDs})
	})
	return d, err
}

// ScoreBid records an evaluator's scores of one bid on every criterion. The evaluator must
// have declared, may not score a bid of an organization they declared a conflict with or are
// a member of, and may change their scores until the award.
func (a *App) ScoreBid(ctx context.Context, tenderID int64, in ScoreInput) ([]*TenderScore, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	var out []*TenderScore
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		t, err := a.evaluationTender(ctx, p, tenderID)
		if err != nil {
			return err
		}
		ds, err := a.store.FindTenderDeclarations(ctx, t.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(ds, func(x *TenderDeclaration) bool { return x.EvaluatorID == p.User.ID })
		if i < 0 {
			return Errorf(ECONFLICT, "tenders.error.declare_first")
		}
		decl := ds[i]
		fe := FieldErrors{}
		a.validate.Into(fe, in)
		bids, err := a.store.FindTenderBids(ctx, t.ID)
		if err != nil {
			return err
		}
		bi := slices.IndexFunc(bids, func(b *TenderBid) bool { return b.ID == in.BidID })
		if in.BidID != 0 && bi < 0 {
			fe.Add("bid_id", "error.unknown_ref")
		}
		if bi >= 0 {
			oid := bids[bi].OrganizationID
			if slices.Contains(decl.ConflictOrgIDs, oid) || p.memberOf(oid) {
				return Errorf(EFORBIDDEN, "tenders.error.conflicted")
			}
		}
		given := map[int64]int{}
		for _, s := range in.Scores {
			if !slices.ContainsFunc(t.Criteria, func(c *TenderCriterion) bool { return c.ID == s.CriterionID }) {
				fe.Add("scores", "tenders.error.unknown_criterion")
			} else if _, dup := given[s.CriterionID]; dup {
				fe.Add("scores", "tenders.error.criterion_twice")
			} else if s.Score < 0 || s.Score > 100 {
				fe.Add("scores", "tenders.error.score_range")
			}
			given[s.CriterionID] = s.Score
		}
		if len(given) != len(t.Criteria) {
			fe.Add("scores", "tenders.error.score_every_criterion")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		now := a.Now()
		for _, c := range t.Criteria {
			out = append(out, &TenderScore{TenderID: t.ID, BidID: in.BidID, EvaluatorID: p.User.ID, CriterionID: c.ID, Score: given[c.ID], CreatedAt: now, UpdatedAt: now})
		}
		if err := a.store.SaveTenderScores(ctx, out); err != nil {
			return err
		}
		return a.audit(ctx, "tender.scored", "tender", t.ID, tenderAuditCommunity(t), map[string]any{"bid_id": in.BidID, "scores": given})
	})
	return out, err
}

// bidTotal is a bid's rubric score so far: the mean over evaluators who scored every
// criterion of Σ weight × score / 100, rounded to hundredths; and the mean per criterion.
type bidTotal struct {
	Score        float64
	Evaluators   int
	PerCriterion map[int64]float64
}

func bidTotals(t *Tender, bids []*TenderBid, scores []*TenderScore, decls []*TenderDeclaration) map[int64]*bidTotal {
	conflicted := map[[2]int64]bool{} // (evaluator, org)
	for _, d := range decls {
		for _, o := range d.ConflictOrgIDs {
			conflicted[[2]int64{d.EvaluatorID, o}] = true
		}
	}
	orgOf := map[int64]int64{}
	for _, b := range bids {
		orgOf[b.ID] = b.OrganizationID
	}
	weight := map[int64]int{}
	for _, c := range t.Criteria {
		weight[c.ID] = c.Weight
	}
	type key struct{ bid, ev int64 }
	sheets := map[key]map[int64]int{}
	for _, s := range scores {
		if _, ok := weight[s.CriterionID]; !ok || conflicted[[2]int64{s.EvaluatorID, orgOf[s.BidID]}] {
			continue
		}
		k := key{s.BidID, s.EvaluatorID}
		if sheets[k] == nil {
			sheets[k] = map[int64]int{}
		}
		sheets[k][s.CriterionID] = s.Score
	}
	out := map[int64]*bidTotal{}
	sum := map[int64]float64{}
	for _, b := range bids {
		out[b.ID] = &bidTotal{PerCriterion: map[int64]float64{}}
	}
	for k, sheet := range sheets {
		bt, ok := out[k.bid]
		if !ok || len(sheet) != len(weight) {
			continue // an incomplete sheet does not count
		}
		total := 0
		for c, s := range sheet {
			total += weight[c] * s
			bt.PerCriterion[c] += float64(s)
		}
		sum[k.bid] += float64(total) / 100
		bt.Evaluators++
	}
	for id, bt := range out {
		if bt.Evaluators == 0 {
			continue
		}
		bt.Score = math.Round(sum[id]/float64(bt.Evaluators)*100) / 100
		for c := range bt.PerCriterion {
			bt.PerCriterion[c] = math.Round(bt.PerCriterion[c]/float64(bt.Evaluators)*100) / 100
		}
	}
	return out
}

// orgKey and tenderKey make matching ids whose byte order is numeric order, so ties in score
// break by the lower organization id, the earlier registered one.
func orgKey(id int64) string    { return fmt.Sprintf("o%019d", id) }
func tenderKey(id int64) string { return fmt.Sprintf("t%019d", id) }

func parseKey(s string) int64 {
	var id int64
	_, _ = fmt.Sscanf(s[1:], "%d", &id)
	return id
}

// AwardInput names the tenders awarded together in one round.
type AwardInput struct {
	TenderIDs []int64 `json:"tender_ids" form:"tender_ids" validate:"required,min=1,max=50"`
}

// AwardTender runs the award of one tender after its deadline: a round of one (AwardTenders).
func (a *App) AwardTender(ctx context.Context, id int64) (*Tender, error) {
	ts, err := a.AwardTenders(ctx, AwardInput{TenderIDs: []int64{id}})
	if err != nil {
		return nil, err
	}
	return ts[0], nil
}

// roundTender is a tender of an award round with its bids and their totals.
type roundTender struct {
	t      *Tender
	bids   []*TenderBid
	totals map[int64]*bidTotal
}

// AwardTenders awards closed tenders together: deferred acceptance between the tenders (each
// with its number of awards and minimum score) and the bidding organizations (each with the
// capacity it declared, already taken up by contracts it holds for overlapping periods).
// Awarding tenders that share bidders in one round gives a stable matching across them: an
// organization that is best on two tenders but can deliver one gets the one it scores higher
// on, and the other goes to the next bidder. Every bid gets a stored result with its rank,
// total and the reason it won or lost. The principal must manage every tender of the round.
func (a *App) AwardTenders(ctx context.Context, in AwardInput) ([]*Tender, error) {
	p := PrincipalFrom(ctx)
	slices.Sort(in.TenderIDs)
	in.TenderIDs = slices.Compact(in.TenderIDs)
	if err := a.validate.Struct(in); err != nil {
		return nil, err
	}
	var out []*Tender
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var round []*roundTender
		for _, id := range in.TenderIDs {
			t, err := a.store.FindTender(ctx, id)
			if err != nil {
				return err
			}
			if err := a.authorizeTenderManage(p, t); err != nil {
				return err
			}
			switch t.effectiveStatus(a.Now()) {
			case TenderPublished:
				return Errorf(ECONFLICT, "tenders.error.before_deadline")
			case TenderClosed:
			default:
				return Errorf(ECONFLICT, "error.bad_transition", "from", t.Status, "action", "award")
			}
			if err := a.closeIfDue(ctx, t); err != nil {
				return err
			}
			bids, err := a.store.FindTenderBids(ctx, t.ID)
			if err != nil {
				return err
			}
			if len(bids) == 0 {
				return Errorf(ECONFLICT, "tenders.error.no_bids")
			}
			scores, err := a.store.FindTenderScores(ctx, t.ID)
			if err != nil {
				return err
			}
			decls, err := a.store.FindTenderDeclarations(ctx, t.ID)
			if err != nil {
				return err
			}
			totals := bidTotals(t, bids, scores, decls)
			unscored := 0
			for _, b := range bids {
				if totals[b.ID].Evaluators == 0 {
					unscored++
				}
			}
			if unscored > 0 {
				return Errorf(ECONFLICT, "tenders.error.unscored", "n", unscored)
			}
			round = append(round, &roundTender{t: t, bids: bids, totals: totals})
		}
		held, err := a.heldContracts(ctx, round)
		if err != nil {
			return err
		}
		res, err := matching.Award(awardProblem(round, held))
		if err != nil {
			return fmt.Errorf("award tenders %v: %w", in.TenderIDs, err)
		}
		now := a.Now()
		byKey := map[[2]int64]*TenderBid{}
		var roundTotals = map[int64]*bidTotal{}
		for _, rt := range round {
			for _, b := range rt.bids {
				byKey[[2]int64{b.TenderID, b.OrganizationID}] = b
				roundTotals[b.ID] = rt.totals[b.ID]
			}
		}
		rows := map[int64][]*TenderResult{}
		winners := map[int64][]int64{}
		for _, o := range res.Bids {
			b, ok := byKey[[2]int64{parseKey(o.Tender), parseKey(o.Organization)}]
			if !ok {
				continue // a contract the organization already holds
			}
			r := &TenderResult{TenderID: b.TenderID, BidID: b.ID, OrganizationID: b.OrganizationID, Rank: o.Rank, Score: o.Score,
				Evaluators: roundTotals[b.ID].Evaluators, Won: o.Won, Reason: string(o.Reason), CreatedAt: now}
			var above, pref []int64
			for _, x := range o.Above {
				above = append(above, parseKey(x.Organization))
			}
			for _, x := range o.Preferred {
				pref = append(pref, parseKey(x))
			}
			r.AboveOrgIDs, r.PreferredTenderIDs = encodeIDs(above), encodeIDs(pref)
			rows[b.TenderID] = append(rows[b.TenderID], r)
			if o.Won {
				winners[b.TenderID] = append(winners[b.TenderID], b.OrganizationID)
			}
		}
		for _, rt := range round {
			t := rt.t
			rs := rows[t.ID]
			slices.SortFunc(rs, func(x, y *TenderResult) int { return x.Rank - y.Rank })
			if err := a.store.CreateTenderResults(ctx, rs); err != nil {
				return err
			}
			t.Status, t.AwardedAt, t.UpdatedAt = TenderAwarded, &now, now
			if err := a.store.UpdateTender(ctx, t); err != nil {
				return err
			}
			data := map[string]any{"winners": winners[t.ID]}
			if len(round) > 1 {
				data["round"] = in.TenderIDs
			}
			if err := a.audit(ctx, "tender.awarded", "tender", t.ID, tenderAuditCommunity(t), data); err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	return out, err
}

// heldContract is a contract a bidder already holds for a period overlapping the round's.
type heldContract struct {
	TenderID, OrganizationID int64
	Score                    float64
}

func (a *App) heldContracts(ctx context.Context, round []*roundTender) ([]heldContract, error) {
	won := true
	var orgs []int64
	inRound := map[int64]bool{}
	for _, rt := range round {
		inRound[rt.t.ID] = true
		for _, b := range rt.bids {
			orgs = append(orgs, b.OrganizationID)
		}
	}
	rs, err := a.store.FindTenderResults(ctx, TenderResultFilter{OrganizationIDs: orgs, Won: &won})
	if err != nil {
		return nil, err
	}
	var tids []int64
	for _, r := range rs {
		if !inRound[r.TenderID] {
			tids = append(tids, r.TenderID)
		}
	}
	if len(tids) == 0 {
		return nil, nil
	}
	ts, _, err := a.store.FindTenders(ctx, TenderFilter{IDs: tids, Statuses: []string{TenderAwarded}})
	if err != nil {
		return nil, err
	}
	overlaps := map[int64]bool{}
	for _, o := range ts {
		for _, rt := range round {
			if o.PeriodStart.Before(rt.t.PeriodEnd) && rt.t.PeriodStart.Before(o.PeriodEnd) {
				overlaps[o.ID] = true
			}
		}
	}
	var out []heldContract
	for _, r := range rs {
		if overlaps[r.TenderID] {
			out = append(out, heldContract{TenderID: r.TenderID, OrganizationID: r.OrganizationID, Score: r.Score})
		}
	}
	return out, nil
}

// awardProblem builds the deferred-acceptance input. Contracts already held appear as tenders
// the organization prefers to every new one (it will not drop a running contract), so a
// bidder at capacity loses with the reason "organization full" naming them. Among the round's
// tenders an organization prefers those it scored higher on. Its capacity is the smallest it
// declared in the round, so no organization is committed beyond what it said it can deliver.
func awardProblem(round []*roundTender, held []heldContract) matching.AwardProblem {
	p := matching.AwardProblem{Proposer: matching.OrganizationsPropose}
	for _, rt := range round {
		p.Tenders = append(p.Tenders, matching.Tender{ID: tenderKey(rt.t.ID), Capacity: rt.t.MaxAwards, MinScore: rt.t.MinScore})
	}
	holders := map[int64]int{}
	for _, h := range held {
		holders[h.TenderID]++
	}
	hids := make([]int64, 0, len(holders))
	for id := range holders {
		hids = append(hids, id)
	}
	slices.Sort(hids)
	for _, id := range hids {
		p.Tenders = append(p.Tenders, matching.Tender{ID: tenderKey(id), Capacity: holders[id]})
	}
	prefs := map[int64][]string{}
	slices.SortFunc(held, func(x, y heldContract) int { return cmpInt64(x.TenderID, y.TenderID) })
	for _, h := range held {
		prefs[h.OrganizationID] = append(prefs[h.OrganizationID], tenderKey(h.TenderID))
		p.Bids = append(p.Bids, matching.Bid{Tender: tenderKey(h.TenderID), Organization: orgKey(h.OrganizationID), Score: h.Score})
	}
	type offer struct {
		tender int64
		score  float64
	}
	offers := map[int64][]offer{}
	capacity := map[int64]int{}
	var orgIDs []int64
	for _, rt := range round {
		for _, b := range rt.bids {
			sc := rt.totals[b.ID].Score
			if _, seen := capacity[b.OrganizationID]; !seen {
				orgIDs = append(orgIDs, b.OrganizationID)
				capacity[b.OrganizationID] = b.Capacity
			}
			capacity[b.OrganizationID] = min(capacity[b.OrganizationID], b.Capacity)
			offers[b.OrganizationID] = append(offers[b.OrganizationID], offer{rt.t.ID, sc})
			p.Bids = append(p.Bids, matching.Bid{Tender: tenderKey(rt.t.ID), Organization: orgKey(b.OrganizationID), Score: sc})
		}
	}
	slices.Sort(orgIDs)
	for _, o := range orgIDs {
		os := offers[o]
		slices.SortFunc(os, func(x, y offer) int {
			if x.score != y.score {
				if x.score > y.score {
					return -1
				}
				return 1
			}
			return cmpInt64(x.tender, y.tender)
		})
		pref := slices.Clone(prefs[o])
		for _, x := range os {
			pref = append(pref, tenderKey(x.tender))
		}
		p.Organizations = append(p.Organizations, matching.Bidder{ID: orgKey(o), Capacity: capacity[o], Preferences: pref})
	}
	return p
}

func cmpInt64(a, b int64) int { return cmp.Compare(a, b) }
