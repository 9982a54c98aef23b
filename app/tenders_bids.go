package app

import (
	"context"
	"slices"
	"strings"
	"time"
)

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
			fe.Add("price", "tenders.error.above_ceiling", "ceiling", yuanText(t.BudgetCeiling))
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
