package app

import (
	"context"
	"time"
)

// Fund is a community development fund (社区基金), e.g. 东湖友邻基金. Its approval settings
// are the disbursement policy (see funds.ApprovalPolicy).
type Fund struct {
	ID                int64     `json:"id" gorm:"primaryKey"`
	CommunityID       int64     `json:"community_id"`
	Name              string    `json:"name"`
	Description       string    `json:"description"`
	Currency          string    `json:"currency"`
	ApprovalThreshold int64     `json:"approval_threshold"`
	HandlerApprovals  int       `json:"handler_approvals"`
	CommitteeSize     int       `json:"committee_size"`
	CommitteeQuorum   int       `json:"committee_quorum"`
	CreatedBy         *int64    `json:"created_by"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// FundPool is government or foundation money deposited into a fund (配捐资金池). Available is
// a cache of the ledger account pool:<id>:available, lowered only by a conditional update.
type FundPool struct {
	ID          int64      `json:"id" gorm:"primaryKey"`
	FundID      int64      `json:"fund_id"`
	Name        string     `json:"name"`
	Source      string     `json:"source"` // government | foundation
	Kind        string     `json:"kind"`   // match | qf
	Currency    string     `json:"currency"`
	Budget      int64      `json:"budget"` // deposited in total
	Available   int64      `json:"available"`
	RuleVersion int        `json:"rule_version"`
	FinalizedAt *time.Time `json:"finalized_at"` // a quadratic-funding round's results are final
	CreatedBy   *int64     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// QFAward is a quadratic-funding round's final match for one campaign.
type QFAward struct {
	ID           int64     `json:"id" gorm:"primaryKey"`
	PoolID       int64     `json:"pool_id"`
	CampaignID   int64     `json:"campaign_id"`
	Contributors int       `json:"contributors"`
	Contributed  int64     `json:"contributed"`
	Amount       int64     `json:"amount"`
	Params       string    `json:"params"`
	CreatedBy    *int64    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
}

// FundPoolRule is one version of a pool's match rule. Rules are never edited: a change is a
// new version, and every match records the version it used.
type FundPoolRule struct {
	ID                  int64     `json:"id" gorm:"primaryKey"`
	PoolID              int64     `json:"pool_id"`
	Version             int       `json:"version"`
	RatioNum            int64     `json:"ratio_num"`
	RatioDen            int64     `json:"ratio_den"`
	UnlockShareBP       int64     `json:"unlock_share_bp" gorm:"column:unlock_share_bp"`
	UnlockDonors        int       `json:"unlock_donors"`
	DonorCap            int64     `json:"donor_cap"`
	CampaignCap         int64     `json:"campaign_cap"`
	MinContribution     int64     `json:"min_contribution"`
	CategoryMultipliers string    `json:"category_multipliers"` // JSON {"category": "1:2"}
	KindMultipliers     string    `json:"kind_multipliers"`     // JSON {"rural": "3:2"}
	Note                string    `json:"note"`
	CreatedBy           *int64    `json:"created_by"`
	CreatedAt           time.Time `json:"created_at"`
}

// FundPoolDeposit is money arriving in a pool; its id names the ledger transaction.
type FundPoolDeposit struct {
	ID        int64     `json:"id" gorm:"primaryKey"`
	PoolID    int64     `json:"pool_id"`
	Amount    int64     `json:"amount"`
	Currency  string    `json:"currency"`
	Note      string    `json:"note"`
	CreatedBy *int64    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Campaign is an approved project's crowdfunding (众筹). The match counters are the pool's
// view of the campaign (funds.MatchCampaign), changed only under the campaign's row lock.
type Campaign struct {
	ID             int64      `json:"id" gorm:"primaryKey"`
	FundID         int64      `json:"fund_id"`
	ProjectID      int64      `json:"project_id"`
	PoolID         *int64     `json:"pool_id"`
	Title          string     `json:"title"`
	Goal           int64      `json:"goal"`
	Currency       string     `json:"currency"`
	Deadline       time.Time  `json:"deadline"`
	Mode           string     `json:"mode"`
	Status         string     `json:"status"`
	Raised         int64      `json:"raised"`
	Donors         int        `json:"donors"`
	Matched        int64      `json:"matched"`
	Counted        int64      `json:"-"`
	PendingCounted int64      `json:"-"`
	EligibleRaised int64      `json:"-"`
	EligibleDonors int        `json:"eligible_donors"`
	Unlocked       bool       `json:"unlocked"`
	Excluded       string     `json:"-"` // JSON list of donor keys that cannot trigger a match
	CreatedBy      *int64     `json:"created_by"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	ClosedAt       *time.Time `json:"closed_at"`
}

// CampaignDonor is one donor's running totals in one campaign (for caps and unlock counts).
type CampaignDonor struct {
	CampaignID int64  `gorm:"primaryKey"`
	DonorKey   string `gorm:"primaryKey"`
	Gifts      int
	Counted    int64
	Eligible   int64
}

// Contribution is one gift (捐赠) to a campaign: pending → succeeded → refunded, or failed.
type Contribution struct {
	ID              int64      `json:"id" gorm:"primaryKey"`
	CampaignID      int64      `json:"campaign_id"`
	FundID          int64      `json:"fund_id"`
	UserID          *int64     `json:"-"`
	DonorID         *int64     `json:"-"`
	DonorKey        string     `json:"-"`
	DonorName       string     `json:"donor_name"`
	Source          string     `json:"source"`
	Anonymous       bool       `json:"anonymous"`
	Amount          int64      `json:"amount"`
	Currency        string     `json:"currency"`
	Channel         string     `json:"channel"`
	Status          string     `json:"status"`
	Eligible        bool       `json:"-"`
	Refunded        int64      `json:"refunded"`
	Refunds         int        `json:"-"`
	OfflineMethod   *string    `json:"offline_method"`
	ReceiptNo       *string    `json:"receipt_no"`
	ReceivedOn      *time.Time `json:"received_on"`
	RecordedBy      *int64     `json:"recorded_by"`
	ConfirmedBy     *int64     `json:"confirmed_by"`
	SessionID       *string    `json:"-"`
	PaymentIntentID *string    `json:"-"`
	CheckoutURL     string     `json:"checkout_url,omitempty"`
	Failure         string     `json:"failure,omitempty"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	SucceededAt     *time.Time `json:"succeeded_at"`
	// ReceiptCode verifies the gift's receipt (捐赠收据) on /receipts/verify; set when the gift
	// succeeds. Only the donor and the fund's workers see it (pledges.go).
	ReceiptCode *string `json:"-"`
}

// FundMatch is a pool's share for one contribution (配捐): pending → reserved → committed, or
// released back to the pool. One per contribution (unique), recording the rule version.
type FundMatch struct {
	ID             int64     `json:"id" gorm:"primaryKey"`
	ContributionID int64     `json:"contribution_id"`
	CampaignID     int64     `json:"campaign_id"`
	PoolID         int64     `json:"pool_id"`
	RuleVersion    int       `json:"rule_version"`
	Status         string    `json:"status"`
	Counted        int64     `json:"counted"`
	Amount         int64     `json:"amount"`
	Releases       int       `json:"releases"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// LedgerTransaction is one balanced movement of money; TxKey is unique, so nothing posts twice.
type LedgerTransaction struct {
	ID        int64         `json:"id" gorm:"primaryKey"`
	FundID    int64         `json:"fund_id"`
	Kind      string        `json:"kind"`
	Ref       string        `json:"ref"`
	TxKey     string        `json:"key"`
	Memo      string        `json:"memo"`
	ActorID   *int64        `json:"-"`
	CreatedAt time.Time     `json:"created_at"`
	Entries   []LedgerEntry `json:"entries" gorm:"-"`
}

// LedgerEntry is one append-only line of a transaction.
type LedgerEntry struct {
	ID            int64  `json:"-" gorm:"primaryKey"`
	TransactionID int64  `json:"-"`
	FundID        int64  `json:"-"`
	Account       string `json:"account"`
	AccountKind   string `json:"account_kind"`
	PoolID        *int64 `json:"pool_id,omitempty"`
	CampaignID    *int64 `json:"campaign_id,omitempty"`
	Source        string `json:"source,omitempty"`
	Channel       string `json:"channel,omitempty"`
	Side          string `json:"side"`
	Amount        int64  `json:"amount"`
	Currency      string `json:"currency"`
	// AccountName is the account in words in the reader's language (API answers only).
	AccountName string `json:"account_name,omitempty" gorm:"-"`
}

// DonorFlag marks a donor whose refund took back matched money (套捐).
type DonorFlag struct {
	ID             int64     `json:"id" gorm:"primaryKey"`
	FundID         int64     `json:"fund_id"`
	DonorKey       string    `json:"donor_key"`
	UserID         *int64    `json:"user_id"`
	DonorID        *int64    `json:"donor_id"`
	ContributionID int64     `json:"contribution_id"`
	Reason         string    `json:"reason"`
	Released       int64     `json:"released"`
	CreatedAt      time.Time `json:"created_at"`
}

// PaymentEvent is a provider event applied once: its id is unique and stored in the same
// transaction as its effect.
type PaymentEvent struct {
	ID             int64     `json:"id" gorm:"primaryKey"`
	Provider       string    `json:"provider"`
	EventID        string    `json:"event_id"`
	EventType      string    `json:"event_type"`
	ContributionID *int64    `json:"contribution_id"`
	Outcome        string    `json:"outcome"`
	ReceivedAt     time.Time `json:"received_at"`
}

// Disbursement is money leaving a campaign to a payee organization (支出).
type Disbursement struct {
	ID                  int64      `json:"id" gorm:"primaryKey"`
	FundID              int64      `json:"fund_id"`
	CampaignID          int64      `json:"campaign_id"`
	PayeeOrganizationID int64      `json:"payee_organization_id"`
	Amount              int64      `json:"amount"`
	Currency            string     `json:"currency"`
	Purpose             string     `json:"purpose"`
	Status              string     `json:"status"`
	RequestedBy         int64      `json:"requested_by"`
	DecidedAt           *time.Time `json:"decided_at"`
	PaidBy              *int64     `json:"paid_by"`
	PaidAt              *time.Time `json:"paid_at"`
	CreatedAt           time.Time  `json:"created_at"`
	UpdatedAt           time.Time  `json:"updated_at"`
}

// DisbursementVote is one approver's decision (Approval).
type DisbursementVote struct {
	ID             int64     `json:"id" gorm:"primaryKey"`
	DisbursementID int64     `json:"disbursement_id"`
	ApproverID     int64     `json:"approver_id"`
	Roles          string    `json:"roles"` // JSON list of funds roles held when voting
	Approve        bool      `json:"approve"`
	Reason         string    `json:"reason"`
	CreatedAt      time.Time `json:"created_at"`
}

// DisbursementEvidence is a receipt or photo attached to a disbursement.
type DisbursementEvidence struct {
	ID             int64     `json:"id" gorm:"primaryKey"`
	DisbursementID int64     `json:"disbursement_id"`
	FileName       string    `json:"file_name"`
	ContentType    string    `json:"content_type"`
	Size           int64     `json:"size"`
	SHA256         string    `json:"sha256" gorm:"column:sha256"`
	Data           []byte    `json:"-"`
	UploadedBy     int64     `json:"uploaded_by"`
	CreatedAt      time.Time `json:"created_at"`
}

// storedStatuses lists typed statuses (the funds engine's) as the strings records and filters hold.
func storedStatuses[S ~string](ss ...S) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// CampaignFilter selects campaigns.
type CampaignFilter struct {
	FundID    *int64
	ProjectID *int64
	PoolID    *int64
	Statuses  []string
	Page
}

// ContributionFilter selects contributions.
type ContributionFilter struct {
	CampaignID *int64
	UserID     *int64 // the donor's own gifts (my gifts)
	FundID     *int64
	Statuses   []string
	Channel    *string
	Page
}

// LedgerFilter selects a fund's ledger transactions, newest first.
type LedgerFilter struct {
	FundID int64
	Page
}

// AccountBalance is one account's balance derived by SQL from the entries.
type AccountBalance struct {
	Account  string `json:"account"`
	Currency string `json:"currency"`
	Debits   int64  `json:"debits"`
	Credits  int64  `json:"credits"`
}

// FundStore persists funds, pools, campaigns, contributions, matches and the ledger.
type FundStore interface {
	CreateFund(ctx context.Context, f *Fund) error
	UpdateFund(ctx context.Context, f *Fund) error
	FindFund(ctx context.Context, id int64) (*Fund, error)
	// LockFund locks a fund's row until the transaction ends, so movements that lower its
	// cash accounts (payments, refunds) take turns.
	LockFund(ctx context.Context, id int64) (*Fund, error)
	FindFunds(ctx context.Context, communityID *int64) ([]*Fund, error)

	CreatePool(ctx context.Context, p *FundPool) error
	UpdatePool(ctx context.Context, p *FundPool) error
	FindPool(ctx context.Context, id int64) (*FundPool, error)
	FindPools(ctx context.Context, fundID int64) ([]*FundPool, error)
	// ReservePool lowers a pool's available money by amount if at least that much is left,
	// in one conditional statement; it reports whether it did.
	ReservePool(ctx context.Context, poolID, amount int64) (bool, error)
	// ReleaseToPool adds amount back to a pool's available money (and, for deposits, budget).
	ReleaseToPool(ctx context.Context, poolID, amount, budget int64) error
	CreatePoolRule(ctx context.Context, r *FundPoolRule) error
	FindPoolRule(ctx context.Context, poolID int64, version int) (*FundPoolRule, error)
	FindPoolRules(ctx context.Context, poolID int64) ([]*FundPoolRule, error)
	CreatePoolDeposit(ctx context.Context, d *FundPoolDeposit) error
	// FinalizePool marks a round pool final if it is not yet; it reports whether it did.
	FinalizePool(ctx context.Context, poolID int64, at time.Time) (bool, error)
	CreateQFAward(ctx context.Context, a *QFAward) error
	FindQFAwards(ctx context.Context, poolID int64) ([]*QFAward, error)

	CreateCampaign(ctx context.Context, c *Campaign) error
	UpdateCampaign(ctx context.Context, c *Campaign) error
	FindCampaign(ctx context.Context, id int64) (*Campaign, error)
	// LockCampaign loads a campaign and locks its row until the transaction ends
	// (SELECT … FOR UPDATE on PostgreSQL; SQLite's single writer already serializes).
	LockCampaign(ctx context.Context, id int64) (*Campaign, error)
	FindCampaigns(ctx context.Context, f CampaignFilter) ([]*Campaign, int, error)
	// CampaignsToClose lists ids of open campaigns past their deadline and of failed or
	// cancelled campaigns that still hold succeeded contributions.
	CampaignsToClose(ctx context.Context, now time.Time, limit int) ([]int64, error)
	FindCampaignDonor(ctx context.Context, campaignID int64, key string) (*CampaignDonor, error)
	SaveCampaignDonor(ctx context.Context, d *CampaignDonor) error

	CreateContribution(ctx context.Context, c *Contribution) error
	UpdateContribution(ctx context.Context, c *Contribution) error
	FindContribution(ctx context.Context, id int64) (*Contribution, error)
	LockContribution(ctx context.Context, id int64) (*Contribution, error)
	FindContributionByPayment(ctx context.Context, paymentIntentID, sessionID string) (*Contribution, error)
	FindContributions(ctx context.Context, f ContributionFilter) ([]*Contribution, int, error)

	CreateMatch(ctx context.Context, m *FundMatch) error
	UpdateMatch(ctx context.Context, m *FundMatch) error
	FindMatchByContribution(ctx context.Context, contributionID int64) (*FundMatch, error)
	// FindMatchesByContributions loads the matches of several contributions in one query.
	FindMatchesByContributions(ctx context.Context, contributionIDs []int64) (map[int64]*FundMatch, error)
	FindMatches(ctx context.Context, campaignID int64, statuses []string) ([]*FundMatch, error)

	// PostLedger stores a validated transaction and its entries; a second posting of the same
	// key fails with ECONFLICT.
	PostLedger(ctx context.Context, t *LedgerTransaction) error
	FindLedger(ctx context.Context, f LedgerFilter) ([]*LedgerTransaction, int, error)
	// CampaignNames loads the titles and projects of the given campaigns in one query, for
	// naming ledger lines.
	CampaignNames(ctx context.Context, ids []int64) (map[int64]CampaignName, error)
	// LedgerBalances sums the fund's entries per account in SQL.
	LedgerBalances(ctx context.Context, fundID int64) ([]AccountBalance, error)

	CreateDonorFlag(ctx context.Context, f *DonorFlag) error
	FindDonorFlags(ctx context.Context, fundID int64) ([]*DonorFlag, error)

	// CreatePaymentEvent stores an event id; a second one with the same id fails with ECONFLICT.
	CreatePaymentEvent(ctx context.Context, e *PaymentEvent) error
	UpdatePaymentEvent(ctx context.Context, e *PaymentEvent) error

	CreateDisbursement(ctx context.Context, d *Disbursement) error
	UpdateDisbursement(ctx context.Context, d *Disbursement) error
	FindDisbursement(ctx context.Context, id int64) (*Disbursement, error)
	LockDisbursement(ctx context.Context, id int64) (*Disbursement, error)
	FindDisbursements(ctx context.Context, fundID int64, statuses []string) ([]*Disbursement, error)
	CreateDisbursementVote(ctx context.Context, v *DisbursementVote) error
	FindDisbursementVotes(ctx context.Context, disbursementID int64) ([]*DisbursementVote, error)
	CreateDisbursementEvidence(ctx context.Context, e *DisbursementEvidence) error
	FindDisbursementEvidence(ctx context.Context, disbursementID int64) ([]*DisbursementEvidence, error)
	FindEvidence(ctx context.Context, id int64) (*DisbursementEvidence, error)
}
