package funds

import (
	"errors"
	"fmt"
	"time"
)

// Mode decides what happens to a campaign's money when its deadline passes.
type Mode string

// Campaign modes.
const (
	// ModeAllOrNothing refunds every gift and releases every match if the goal is missed.
	ModeAllOrNothing Mode = "all_or_nothing"
	// ModeKeepWhatYouRaise keeps whatever was raised, matches included.
	ModeKeepWhatYouRaise Mode = "keep_what_you_raise"
)

// CampaignStatus is where a campaign is in its life.
type CampaignStatus string

// Campaign statuses: draft → open → succeeded | failed, or cancelled before the end.
const (
	CampaignDraft     CampaignStatus = "draft"
	CampaignOpen      CampaignStatus = "open"
	CampaignSucceeded CampaignStatus = "succeeded"
	CampaignFailed    CampaignStatus = "failed"
	CampaignCancelled CampaignStatus = "cancelled"
)

// Errors for contributions the campaign cannot take.
var (
	ErrCampaignClosed = errors.New("campaign is not accepting contributions")
	ErrCampaignOpen   = errors.New("campaign is still open")
)

// Campaign is a project's crowdfunding as the rules see it.
type Campaign struct {
	Goal     Money
	Deadline time.Time // contributions are accepted strictly before it
	Mode     Mode
	Status   CampaignStatus
	Raised   int64 // succeeded gifts net of refunds, in Goal's currency
}

// Validate checks a campaign being created or edited; now is the current time.
func (c Campaign) Validate(now time.Time) error {
	var es FieldErrors
	if !c.Goal.Currency.Valid() {
		es.add("goal", fmt.Errorf("%w %q", ErrUnknownCurrency, c.Goal.Currency))
	} else if err := CheckAmount(c.Goal.Amount); err != nil {
		es.add("goal", err)
	}
	if c.Mode != ModeAllOrNothing && c.Mode != ModeKeepWhatYouRaise {
		es.addf("mode", "must be all_or_nothing or keep_what_you_raise")
	}
	if c.Deadline.IsZero() {
		es.addf("deadline", "required")
	} else if (c.Status == CampaignDraft || c.Status == CampaignOpen) && !c.Deadline.After(now) {
		es.addf("deadline", "must be in the future")
	}
	if err := CheckTotal(c.Raised); err != nil {
		es.add("raised", err)
	}
	return es.err()
}

// Open moves a draft campaign to open; the goal and deadline must be valid now.
func (c Campaign) Open(now time.Time) (Campaign, error) {
	if c.Status != CampaignDraft {
		return c, fmt.Errorf("%w: campaign %s → open", ErrBadTransition, c.Status)
	}
	if err := c.Validate(now); err != nil {
		return c, err
	}
	c.Status = CampaignOpen
	return c, nil
}

// CheckContribution refuses gifts the campaign cannot take now: wrong currency, zero or
// negative amount, not open, or past the deadline.
func (c Campaign) CheckContribution(amount Money, now time.Time) error {
	if err := c.Goal.SameCurrency(amount); err != nil {
		return fieldErr("amount", err)
	}
	if err := CheckAmount(amount.Amount); err != nil {
		return fieldErr("amount", err)
	}
	if c.Status != CampaignOpen {
		return fmt.Errorf("%w (%s)", ErrCampaignClosed, c.Status)
	}
	if !now.Before(c.Deadline) {
		return fmt.Errorf("%w (deadline passed)", ErrCampaignClosed)
	}
	return nil
}

// DaysLeft is the whole days until the deadline, rounded up, for the progress bar (0 after).
func (c Campaign) DaysLeft(now time.Time) int {
	left := c.Deadline.Sub(now)
	if left <= 0 {
		return 0
	}
	return int((left + 24*time.Hour - 1) / (24 * time.Hour))
}

// GoalReached reports whether succeeded gifts (without matches) reached the goal. Matches
// do not count: the goal is what the community itself raises.
func (c Campaign) GoalReached() bool { return c.Raised >= c.Goal.Amount }

// Outcome is what closing a campaign does to its money.
type Outcome struct {
	Status CampaignStatus
	// RefundContributions: every succeeded gift goes back (reason campaign_failed).
	RefundContributions bool
	// ReleaseMatches: reserved and pending matches go back to the pool.
	ReleaseMatches bool
	// CommitMatches: reserved matches become the campaign's money.
	CommitMatches bool
}

// Settle closes an open campaign whose deadline has passed. All-or-nothing campaigns that
// missed their goal refund their gifts and release their matches; otherwise the matches are
// committed. A keep-what-you-raise campaign that raised nothing fails with nothing to move.
func (c Campaign) Settle(now time.Time) (Outcome, error) {
	if c.Status != CampaignOpen {
		return Outcome{}, fmt.Errorf("%w: campaign %s cannot be settled", ErrBadTransition, c.Status)
	}
	if now.Before(c.Deadline) {
		return Outcome{}, fmt.Errorf("%w until %s", ErrCampaignOpen, c.Deadline.Format(time.RFC3339))
	}
	switch {
	case c.Mode == ModeAllOrNothing && !c.GoalReached():
		return Outcome{Status: CampaignFailed, RefundContributions: true, ReleaseMatches: true}, nil
	case c.Mode == ModeKeepWhatYouRaise && c.Raised == 0:
		return Outcome{Status: CampaignFailed, ReleaseMatches: true}, nil
	default:
		// Matches still pending at the end (threshold never met) were never promised.
		return Outcome{Status: CampaignSucceeded, CommitMatches: true, ReleaseMatches: true}, nil
	}
}

// Cancel stops a draft or open campaign early. The project will not happen, so in either
// mode the gifts go back and the matches return to the pool.
func (c Campaign) Cancel() (Outcome, error) {
	switch c.Status {
	case CampaignDraft:
		return Outcome{Status: CampaignCancelled}, nil
	case CampaignOpen:
		return Outcome{Status: CampaignCancelled, RefundContributions: true, ReleaseMatches: true}, nil
	}
	return Outcome{}, fmt.Errorf("%w: campaign %s cannot be cancelled", ErrBadTransition, c.Status)
}

// ContributionStatus is where a contribution is in its life.
type ContributionStatus string

// Contribution statuses: pending → succeeded → refunded, or pending → failed.
const (
	ContributionStatusPending   ContributionStatus = "pending"
	ContributionStatusSucceeded ContributionStatus = "succeeded"
	ContributionStatusFailed    ContributionStatus = "failed"
	ContributionStatusRefunded  ContributionStatus = "refunded"
)
