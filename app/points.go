package app

// The love supermarket (爱心超市): volunteers earn points for approved hours (and by a
// worker's award), and redeem them for goods merchants donate. Points are a currency of their
// own in a double-entry ledger: every transaction's entries sum to zero, a holder's balance is
// the sum of its "holder" entries, and nothing is ever updated in place.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// randomKey names a transaction that has no natural source (an award, a redemption).
func randomKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Points ledger accounts: the holder's, and the community's issuance, redemption and expiry
// accounts. issued + redeemed + expired + Σholders = 0 for every community.
const (
	PointsHolder   = "holder"
	PointsIssued   = "issued"
	PointsRedeemed = "redeemed"
	PointsExpired  = "expired"
)

// Points transaction kinds.
const (
	PointsEarnHours = "earn_hours"
	PointsAward     = "award"
	PointsRedeem    = "redeem"
	PointsCancel    = "cancel"
	PointsExpire    = "expire"
)

// Redemption statuses.
const (
	RedemptionReserved   = "reserved"
	RedemptionHandedOver = "handed_over"
	RedemptionCancelled  = "cancelled"
)

// Default points per hour of approved service, by where the hours came from: self-reported
// hours, approved by a coordinator but not witnessed, earn half.
const (
	DefaultPointsCheckin     = 10
	DefaultPointsCoordinator = 10
	DefaultPointsSelfReport  = 5
)

// PointsSettings are a community's points rules. ExpiryMonths 0: points never expire.
type PointsSettings struct {
	CommunityID        int64     `json:"community_id" gorm:"primaryKey;autoIncrement:false"`
	CheckinPerHour     int       `json:"checkin_per_hour"`
	CoordinatorPerHour int       `json:"coordinator_per_hour"`
	SelfReportPerHour  int       `json:"self_report_per_hour"`
	ExpiryMonths       int       `json:"expiry_months"`
	UpdatedAt          time.Time `json:"updated_at"`
}

// PointsSettingsInput sets a community's points rules.
type PointsSettingsInput struct {
	CheckinPerHour     int `json:"checkin_per_hour" form:"checkin_per_hour" validate:"gte=0,lte=1000"`
	CoordinatorPerHour int `json:"coordinator_per_hour" form:"coordinator_per_hour" validate:"gte=0,lte=1000"`
	SelfReportPerHour  int `json:"self_report_per_hour" form:"self_report_per_hour" validate:"gte=0,lte=1000"`
	ExpiryMonths       int `json:"expiry_months" form:"expiry_months" validate:"gte=0,lte=120"`
}

// PointsTransaction is one balanced movement of points. SourceKey makes posting idempotent
// ("hours:17" is credited once however often the ledger is brought up to date).
type PointsTransaction struct {
	ID          int64      `json:"id" gorm:"primaryKey"`
	CommunityID int64      `json:"community_id"`
	VolunteerID int64      `json:"volunteer_id"`
	Kind        string     `json:"kind"`
	SourceKey   string     `json:"source_key"`
	Reason      string     `json:"reason"`
	CreatedBy   *int64     `json:"created_by"`
	ExpiresAt   *time.Time `json:"expires_at"`
	CreatedAt   time.Time  `json:"created_at"`
	// Points is the holder's change in this transaction (filled in by history reads).
	Points int64 `json:"points" gorm:"-"`
}

// PointsEntry is one line of a points transaction.
type PointsEntry struct {
	ID            int64  `json:"id" gorm:"primaryKey"`
	TransactionID int64  `json:"transaction_id"`
	CommunityID   int64  `json:"community_id"`
	Account       string `json:"account"`
	VolunteerID   *int64 `json:"volunteer_id"`
	Points        int64  `json:"points"`
}

// ShopItem is a good on the love supermarket's shelf, usually donated by a merchant.
// ValueFen is its value for the fund's records (money in fen, never floats).
type ShopItem struct {
	ID             int64     `json:"id" gorm:"primaryKey"`
	CommunityID    int64     `json:"community_id"`
	OrganizationID *int64    `json:"organization_id"`
	Name           string    `json:"name"`
	Description    string    `json:"description"`
	Points         int       `json:"points"`
	Stock          int       `json:"stock"`
	ValueFen       int64     `json:"value_fen"`
	Currency       string    `json:"currency"`
	Active         bool      `json:"active"`
	CreatedBy      int64     `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// ShopItemInput stocks the shelf.
type ShopItemInput struct {
	CommunityID    int64  `json:"community_id" form:"community_id" validate:"required"`
	OrganizationID *int64 `json:"organization_id" form:"organization_id"`
	Name           string `json:"name" form:"name" validate:"required,max=100"`
	Description    string `json:"description" form:"description" validate:"max=1000"`
	Points         int    `json:"points" form:"points" validate:"gte=1,lte=1000000"`
	Stock          int    `json:"stock" form:"stock" validate:"gte=0,lte=100000"`
	ValueFen       int64  `json:"value_fen" form:"value_fen" validate:"gte=0,lte=100000000"`
}

// Redemption is points exchanged for goods: reserved (points and stock taken), handed over
// at the counter by a worker, or cancelled (both given back).
type Redemption struct {
	ID            int64      `json:"id" gorm:"primaryKey"`
	ItemID        int64      `json:"item_id"`
	CommunityID   int64      `json:"community_id"`
	VolunteerID   int64      `json:"volunteer_id"`
	Quantity      int        `json:"quantity"`
	Points        int64      `json:"points"`
	Status        string     `json:"status"`
	TransactionID int64      `json:"transaction_id"`
	CreatedBy     int64      `json:"created_by"`
	HandedOverBy  *int64     `json:"handed_over_by"`
	HandedOverAt  *time.Time `json:"handed_over_at"`
	CreatedAt     time.Time  `json:"created_at"`
}

// RedeemInput redeems points for an item. VolunteerID picks one of the user's profiles when
// they have several; by default the one in the item's community.
type RedeemInput struct {
	ItemID      int64  `json:"item_id" form:"item_id" validate:"required"`
	Quantity    int    `json:"quantity" form:"quantity" validate:"gte=0,lte=100"`
	VolunteerID *int64 `json:"volunteer_id" form:"volunteer_id"`
}

// PointsAwardInput awards points with a reason.
type PointsAwardInput struct {
	Points int64  `json:"points" form:"points" validate:"gte=1,lte=100000"`
	Reason string `json:"reason" form:"reason" validate:"required,max=200"`
}

// PointsLiability is what a community owes in points: issued, redeemed, expired and the
// outstanding balance held by volunteers.
type PointsLiability struct {
	CommunityID int64 `json:"community_id"`
	Issued      int64 `json:"issued"`
	Redeemed    int64 `json:"redeemed"`
	Expired     int64 `json:"expired"`
	Outstanding int64 `json:"outstanding"`
}

// PointsAccount is one volunteer profile's points: balance and history, newest first.
type PointsAccount struct {
	Volunteer   *Volunteer           `json:"volunteer"`
	Balance     int64                `json:"balance"`
	History     []*PointsTransaction `json:"history"`
	Redemptions []*Redemption        `json:"redemptions"`
	CanAward    bool                 `json:"-"`
}

// PointsStore persists the points ledger and the shelf.
type PointsStore interface {
	FindPointsSettings(ctx context.Context, communityID int64) (*PointsSettings, error)
	SavePointsSettings(ctx context.Context, s *PointsSettings) error
	// PostPoints writes a transaction and its entries; false when its SourceKey is already posted.
	PostPoints(ctx context.Context, t *PointsTransaction, entries []PointsEntry) (bool, error)
	PointsBalance(ctx context.Context, volunteerID int64) (int64, error)
	PointsHistory(ctx context.Context, volunteerID int64, limit int) ([]*PointsTransaction, error)
	// PointsSums sums a holder's entries by transaction kind; with before set, only earnings
	// whose expiry is at or before it.
	PointsSums(ctx context.Context, volunteerID int64, expiringBy *time.Time) (map[string]int64, error)
	// UncreditedHours lists the volunteer's approved hours without an earn_hours transaction.
	UncreditedHours(ctx context.Context, volunteerID int64) ([]*HoursEntry, error)
	// LockVolunteer locks a volunteer's row so one holder's redemptions run one at a time.
	LockVolunteer(ctx context.Context, id int64) (*Volunteer, error)
	CommunityPoints(ctx context.Context, communityID int64) (map[string]int64, error)

	CreateShopItem(ctx context.Context, it *ShopItem) error
	FindShopItem(ctx context.Context, id int64) (*ShopItem, error)
	FindShopItems(ctx context.Context, communityID *int64, organizationID *int64) ([]*ShopItem, error)
	// TakeStock takes qty from an item's stock if that much is left; false otherwise.
	TakeStock(ctx context.Context, itemID int64, qty int) (bool, error)
	ReturnStock(ctx context.Context, itemID int64, qty int) error
	CreateRedemption(ctx context.Context, r *Redemption) error
	UpdateRedemption(ctx context.Context, r *Redemption) error
	FindRedemption(ctx context.Context, id int64) (*Redemption, error)
	LockRedemption(ctx context.Context, id int64) (*Redemption, error)
	FindRedemptions(ctx context.Context, volunteerID, communityID *int64, status string) ([]*Redemption, error)
}

// PointsRules returns a community's rules, the defaults when it has set none.
func (a *App) PointsRules(ctx context.Context, communityID int64) (*PointsSettings, error) {
	s, err := a.store.FindPointsSettings(ctx, communityID)
	if IsCode(err, ENOTFOUND) {
		return &PointsSettings{CommunityID: communityID, CheckinPerHour: DefaultPointsCheckin,
			CoordinatorPerHour: DefaultPointsCoordinator, SelfReportPerHour: DefaultPointsSelfReport}, nil
	}
	return s, err
}

// CommunityPointsRules returns an existing community's points rules (public).
func (a *App) CommunityPointsRules(ctx context.Context, communityID int64) (*PointsSettings, error) {
	if _, err := a.store.FindCommunity(ctx, communityID); err != nil {
		return nil, err
	}
	return a.PointsRules(ctx, communityID)
}

// SetPointsRules sets a community's points rates and expiry (its workers).
func (a *App) SetPointsRules(ctx context.Context, communityID int64, in PointsSettingsInput) (*PointsSettings, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	t, err := a.communityTarget(ctx, communityID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActPointsManage, t); err != nil {
		return nil, err
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	s := &PointsSettings{CommunityID: communityID, CheckinPerHour: in.CheckinPerHour, CoordinatorPerHour: in.CoordinatorPerHour,
		SelfReportPerHour: in.SelfReportPerHour, ExpiryMonths: in.ExpiryMonths, UpdatedAt: a.Now()}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.SavePointsSettings(ctx, s); err != nil {
			return err
		}
		return a.audit(ctx, "points.rules_set", "community", communityID, communityID, map[string]any{"checkin": s.CheckinPerHour,
			"coordinator": s.CoordinatorPerHour, "self_report": s.SelfReportPerHour, "expiry_months": s.ExpiryMonths})
	})
	return s, err
}

// pointsFor converts whole minutes at a rate per hour to whole points, rounding down.
func pointsFor(minutes, perHour int) int64 { return int64(minutes) * int64(perHour) / 60 }

// post writes a two-line transaction: holder +amount against the community's account.
func (a *App) post(ctx context.Context, v *Volunteer, kind, key, reason, counter string, amount int64, by *int64, expires *time.Time) (*PointsTransaction, bool, error) {
	t := &PointsTransaction{CommunityID: v.CommunityID, VolunteerID: v.ID, Kind: kind, SourceKey: key, Reason: reason, CreatedBy: by, ExpiresAt: expires, CreatedAt: a.Now()}
	es := []PointsEntry{
		{CommunityID: v.CommunityID, Account: PointsHolder, VolunteerID: &v.ID, Points: amount},
		{CommunityID: v.CommunityID, Account: counter, Points: -amount},
	}
	ok, err := a.store.PostPoints(ctx, t, es)
	if err == nil && !ok && kind != PointsEarnHours && kind != PointsExpire {
		return nil, false, fmt.Errorf("points transaction %s posted twice", key)
	}
	return t, ok, err
}

// syncPoints brings a holder's ledger up to date: credits approved hours not yet credited
// and expires what the community's rule says has expired. Idempotent; call inside a
// transaction holding the volunteer's lock.
func (a *App) syncPoints(ctx context.Context, v *Volunteer) error {
	rules, err := a.PointsRules(ctx, v.CommunityID)
	if err != nil {
		return err
	}
	hs, err := a.store.UncreditedHours(ctx, v.ID)
	if err != nil {
		return err
	}
	for _, h := range hs {
		rate := rules.CoordinatorPerHour
		switch h.Kind {
		case HoursCheckin:
			rate = rules.CheckinPerHour
		case HoursSelfReport:
			rate = rules.SelfReportPerHour
		}
		n := pointsFor(h.Minutes, rate)
		if n == 0 {
			continue
		}
		var exp *time.Time
		if rules.ExpiryMonths > 0 {
			exp = ptr(h.WorkDate.AddDate(0, rules.ExpiryMonths, 0))
		}
		reason := fmt.Sprintf("%s %d min", h.Activity, h.Minutes)
		if _, _, err := a.post(ctx, v, PointsEarnHours, fmt.Sprintf("hours:%d", h.ID), reason, PointsIssued, n, nil, exp); err != nil {
			return err
		}
	}
	return a.expirePoints(ctx, v)
}

// expirePoints applies the expiry rule, first in first out: redemptions spend the oldest
// points first, so what has expired is what was earned before its expiry date and not
// spent since: max(0, earned-and-expired − redeemed) − already expired.
func (a *App) expirePoints(ctx context.Context, v *Volunteer) error {
	now := a.Now()
	old, err := a.store.PointsSums(ctx, v.ID, &now)
	if err != nil {
		return err
	}
	earnedOld := old[PointsEarnHours] + old[PointsAward]
	if earnedOld == 0 {
		return nil
	}
	all, err := a.store.PointsSums(ctx, v.ID, nil)
	if err != nil {
		return err
	}
	spent := -(all[PointsRedeem] + all[PointsCancel]) // redeem entries are negative, cancels positive
	already := -all[PointsExpire]
	due := max(0, earnedOld-spent) - already
	balance := all[PointsEarnHours] + all[PointsAward] + all[PointsRedeem] + all[PointsCancel] + all[PointsExpire]
	due = min(due, balance)
	if due <= 0 {
		return nil
	}
	key := fmt.Sprintf("expire:%d:%d", v.ID, already+due)
	_, _, err = a.post(ctx, v, PointsExpire, key, "expired", PointsExpired, -due, nil, nil)
	return err
}

// pointsTarget is a holder's authorization target: the volunteer's place, owned by its user.
func (a *App) pointsTarget(ctx context.Context, v *Volunteer) (Target, error) {
	t, err := a.communityTarget(ctx, v.CommunityID)
	if err != nil {
		return t, err
	}
	return volunteerTarget(v, t), nil
}

// VolunteerPoints returns a holder's balance and history (the holder and the community's
// workers), bringing the ledger up to date first.
func (a *App) VolunteerPoints(ctx context.Context, volunteerID int64) (*PointsAccount, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	var acc *PointsAccount
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		v, err := a.store.LockVolunteer(ctx, volunteerID)
		if err != nil {
			return err
		}
		t, err := a.pointsTarget(ctx, v)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActPointsView, t); err != nil {
			return err
		}
		if err := a.syncPoints(ctx, v); err != nil {
			return err
		}
		acc = &PointsAccount{Volunteer: v, CanAward: Can(p, ActPointsManage, t)}
		if acc.Balance, err = a.store.PointsBalance(ctx, v.ID); err != nil {
			return err
		}
		if acc.History, err = a.store.PointsHistory(ctx, v.ID, 200); err != nil {
			return err
		}
		acc.Redemptions, err = a.store.FindRedemptions(ctx, &v.ID, nil, "")
		return err
	})
	return acc, err
}

// MyPoints returns the points of each of the signed-in user's volunteer profiles.
func (a *App) MyPoints(ctx context.Context) ([]*PointsAccount, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	vs, _, err := a.store.FindVolunteers(ctx, VolunteerFilter{UserID: ptr(p.User.ID), Page: Page{Page: 1, PerPage: MaxPerPage}})
	if err != nil {
		return nil, err
	}
	out := []*PointsAccount{}
	for _, v := range vs {
		acc, err := a.VolunteerPoints(ctx, v.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, acc)
	}
	return out, nil
}

// AwardPoints credits a holder with points for a reason (the community's workers).
func (a *App) AwardPoints(ctx context.Context, volunteerID int64, in PointsAwardInput) (*PointsTransaction, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	var tx *PointsTransaction
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		v, err := a.store.LockVolunteer(ctx, volunteerID)
		if err != nil {
			return err
		}
		t, err := a.pointsTarget(ctx, v)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActPointsManage, t); err != nil {
			return err
		}
		fe := FieldErrors{}
		a.validate.Into(fe, in)
		if err := fe.Err(); err != nil {
			return err
		}
		rules, err := a.PointsRules(ctx, v.CommunityID)
		if err != nil {
			return err
		}
		var exp *time.Time
		if rules.ExpiryMonths > 0 {
			exp = ptr(a.Now().AddDate(0, rules.ExpiryMonths, 0))
		}
		key := "award:" + randomKey()
		if tx, _, err = a.post(ctx, v, PointsAward, key, in.Reason, PointsIssued, in.Points, ptr(p.User.ID), exp); err != nil {
			return err
		}
		tx.Points = in.Points
		return a.audit(ctx, "points.awarded", "volunteer", v.ID, v.CommunityID, map[string]any{"points": in.Points, "reason": in.Reason})
	})
	return tx, err
}

// CreateShopItem puts donated goods on a community's shelf: a member of the donating
// merchant, or the community's workers.
func (a *App) CreateShopItem(ctx context.Context, in ShopItemInput) (*ShopItem, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	t, err := a.places().resolve(ctx, fe, placeRefs{Community: optionalID(in.CommunityID), Organization: in.OrganizationID, ActsForOrg: in.OrganizationID != nil})
	if err != nil {
		return nil, err
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if err := Authorize(p, ActItemDonate, t); err != nil {
		return nil, err
	}
	now := a.Now()
	it := &ShopItem{CommunityID: in.CommunityID, OrganizationID: in.OrganizationID, Name: in.Name, Description: in.Description,
		Points: in.Points, Stock: in.Stock, ValueFen: in.ValueFen, Currency: "CNY", Active: true, CreatedBy: p.User.ID, CreatedAt: now, UpdatedAt: now}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateShopItem(ctx, it); err != nil {
			return err
		}
		return a.audit(ctx, "shop.item_donated", "shop_item", it.ID, it.CommunityID, map[string]any{"stock": it.Stock, "value_fen": it.ValueFen})
	})
	return it, err
}

// ShopItems lists a community's shelf (public), or a merchant's donations.
func (a *App) ShopItems(ctx context.Context, communityID, organizationID *int64) ([]*ShopItem, error) {
	return a.store.FindShopItems(ctx, communityID, organizationID)
}

// Redeem reserves an item for points: the holder's points and the item's stock are taken in
// one transaction. Not enough points or stock: 409 and nothing written. A worker confirms the
// hand-over at the counter (HandOver).
func (a *App) Redeem(ctx context.Context, in RedeemInput) (*Redemption, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	if in.Quantity == 0 {
		in.Quantity = 1
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	it, err := a.store.FindShopItem(ctx, in.ItemID)
	if IsCode(err, ENOTFOUND) {
		fe.Add("item_id", "error.unknown_ref")
		return nil, fe.Err()
	} else if err != nil {
		return nil, err
	}
	vid := in.VolunteerID
	if vid == nil {
		vs, _, err := a.store.FindVolunteers(ctx, VolunteerFilter{UserID: ptr(p.User.ID), CommunityID: &it.CommunityID, Page: Page{Page: 1, PerPage: 1}})
		if err != nil {
			return nil, err
		}
		if len(vs) == 0 {
			return nil, Errorf(ECONFLICT, "points.error.no_profile")
		}
		vid = &vs[0].ID
	}
	var r *Redemption
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		v, err := a.store.LockVolunteer(ctx, *vid)
		if err != nil {
			return err
		}
		t, err := a.pointsTarget(ctx, v)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActPointsRedeem, t); err != nil {
			return err
		}
		if v.CommunityID != it.CommunityID || !it.Active {
			return Errorf(ECONFLICT, "points.error.other_community")
		}
		if err := a.syncPoints(ctx, v); err != nil {
			return err
		}
		cost := int64(it.Points) * int64(in.Quantity)
		bal, err := a.store.PointsBalance(ctx, v.ID)
		if err != nil {
			return err
		}
		if bal < cost {
			return Errorf(ECONFLICT, "points.error.not_enough", "balance", bal, "cost", cost)
		}
		ok, err := a.store.TakeStock(ctx, it.ID, in.Quantity)
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(ECONFLICT, "points.error.out_of_stock")
		}
		now := a.Now()
		tx, _, err := a.post(ctx, v, PointsRedeem, "redeem:"+randomKey(), it.Name, PointsRedeemed, -cost, ptr(p.User.ID), nil)
		if err != nil {
			return err
		}
		r = &Redemption{ItemID: it.ID, CommunityID: it.CommunityID, VolunteerID: v.ID, Quantity: in.Quantity, Points: cost,
			Status: RedemptionReserved, TransactionID: tx.ID, CreatedBy: p.User.ID, CreatedAt: now}
		if err := a.store.CreateRedemption(ctx, r); err != nil {
			return err
		}
		return a.audit(ctx, "points.redeemed", "redemption", r.ID, r.CommunityID, map[string]any{"item_id": it.ID, "points": cost, "quantity": in.Quantity})
	})
	return r, err
}

// HandOver confirms at the counter that a reserved item was handed over (a worker).
func (a *App) HandOver(ctx context.Context, id int64) (*Redemption, error) {
	return a.closeRedemption(ctx, id, RedemptionHandedOver)
}

// CancelRedemption gives a reservation's points and stock back (the holder or a worker).
func (a *App) CancelRedemption(ctx context.Context, id int64) (*Redemption, error) {
	return a.closeRedemption(ctx, id, RedemptionCancelled)
}

func (a *App) closeRedemption(ctx context.Context, id int64, to string) (*Redemption, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	var r *Redemption
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if r, err = a.store.LockRedemption(ctx, id); err != nil {
			return err
		}
		v, err := a.store.LockVolunteer(ctx, r.VolunteerID)
		if err != nil {
			return err
		}
		t, err := a.pointsTarget(ctx, v)
		if err != nil {
			return err
		}
		act := ActPointsManage
		if to == RedemptionCancelled && t.OwnerID == p.User.ID {
			act = ActPointsRedeem
		}
		if err := Authorize(p, act, t); err != nil {
			return err
		}
		if r.Status != RedemptionReserved {
			return Errorf(ECONFLICT, "points.error.not_reserved")
		}
		now := a.Now()
		r.Status = to
		if to == RedemptionHandedOver {
			r.HandedOverBy, r.HandedOverAt = ptr(p.User.ID), &now
		} else {
			if err := a.store.ReturnStock(ctx, r.ItemID, r.Quantity); err != nil {
				return err
			}
			if _, _, err := a.post(ctx, v, PointsCancel, fmt.Sprintf("redemption:%d:cancel", r.ID), "cancelled", PointsRedeemed, r.Points, ptr(p.User.ID), nil); err != nil {
				return err
			}
		}
		if err := a.store.UpdateRedemption(ctx, r); err != nil {
			return err
		}
		return a.audit(ctx, "points.redemption_"+to, "redemption", r.ID, r.CommunityID, map[string]any{"points": r.Points})
	})
	return r, err
}

// CommunityPointsLiability sums a community's points ledger (its workers and committee).
func (a *App) CommunityPointsLiability(ctx context.Context, communityID int64) (*PointsLiability, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	t, err := a.communityTarget(ctx, communityID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActPointsLedger, t); err != nil {
		return nil, err
	}
	sums, err := a.store.CommunityPoints(ctx, communityID)
	if err != nil {
		return nil, err
	}
	// The counter accounts carry the opposite sign of the holders' side.
	return &PointsLiability{CommunityID: communityID, Issued: -sums[PointsIssued], Redeemed: sums[PointsRedeemed],
		Expired: sums[PointsExpired], Outstanding: sums[PointsHolder]}, nil
}
