package app

import (
	"context"
	"slices"
	"strings"
	"time"
)

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
	ProjectID     *int64           `json:"project_id" form:"project_id"` // the micro-project it buys
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
	if in.ProjectID != nil {
		// The project must lie in a community the tender covers (issue 11).
		if _, err := a.linkProject(ctx, fe, "project_id", *in.ProjectID, in.CommunityIDs...); err != nil {
			return nil, t, err
		}
	}
	return fe, t, nil
}

// linkTenderProject records a tender linked to its project (and starts the project) when the
// link is new; it runs inside the caller's transaction.
func (a *App) linkTenderProject(ctx context.Context, t *Tender, before *int64) error {
	if t.ProjectID == nil || equalIDPtr(before, t.ProjectID) {
		return nil
	}
	pr, err := a.store.FindProject(ctx, *t.ProjectID)
	if err != nil {
		return err
	}
	return a.linked(ctx, pr, "tender", t.ID)
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
	t.StreetID, t.CommunityID, t.ProjectID = in.StreetID, in.CommunityID, in.ProjectID
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
		if err := a.linkTenderProject(ctx, t, nil); err != nil {
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
		before := t.ProjectID
		applyTender(t, in)
		t.UpdatedAt = a.Now()
		if err := a.store.UpdateTender(ctx, t); err != nil {
			return err
		}
		if err := a.linkTenderProject(ctx, t, before); err != nil {
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
