package funds

import (
	"errors"
	"fmt"
	"slices"
)

// Role is a person's role in a community, as far as spending is concerned.
type Role string

// Roles that may sign off spending.
const (
	RoleWorker    Role = "worker"    // community or grid worker (经办人)
	RoleTreasurer Role = "treasurer" // keeps the fund's accounts
	RoleCommittee Role = "committee" // member of the fund's committee
)

// DefaultThreshold is the Aksu rule: a single expense up to ¥5,000 needs two handlers' sign-off,
// anything above needs the committee.
const DefaultThreshold = 5000_00

// ApprovalPolicy is a fund's rule for approving disbursements.
type ApprovalPolicy struct {
	Currency Currency
	// Threshold is the largest amount the handlers may approve; above it the committee decides.
	Threshold int64
	// HandlerApprovals is how many distinct handlers must approve at or below the threshold.
	HandlerApprovals int
	// HandlerRoles may approve at or below the threshold.
	HandlerRoles []Role
	// CommitteeSize is M, the number of committee members.
	CommitteeSize int
	// CommitteeQuorum is N, the approvals needed above the threshold; 0 means a majority of M.
	CommitteeQuorum int
}

// DefaultApprovalPolicy is ¥5,000, two workers or treasurers, and a majority of a committee
// of the given size.
func DefaultApprovalPolicy(committeeSize int) ApprovalPolicy {
	return ApprovalPolicy{
		Currency:         CNY,
		Threshold:        DefaultThreshold,
		HandlerApprovals: 2,
		HandlerRoles:     []Role{RoleWorker, RoleTreasurer},
		CommitteeSize:    committeeSize,
	}
}

// Validate checks the policy's fields, naming each problem.
func (p ApprovalPolicy) Validate() error {
	var es FieldErrors
	if !p.Currency.Valid() {
		es.add("currency", fmt.Errorf("%w %q", ErrUnknownCurrency, p.Currency))
	}
	if err := CheckLimit(p.Threshold); err != nil {
		es.add("threshold", err)
	}
	if p.HandlerApprovals < 2 {
		es.addf("handler_approvals", "must be at least 2: nobody spends alone")
	} else if p.HandlerApprovals > MaxPeople {
		es.addf("handler_approvals", fmt.Sprintf("must be at most %d", MaxPeople))
	}
	if len(p.HandlerRoles) == 0 {
		es.addf("handler_roles", "at least one role must be able to approve")
	}
	for i, r := range p.HandlerRoles {
		if r != RoleWorker && r != RoleTreasurer && r != RoleCommittee {
			es.addf(fmt.Sprintf("handler_roles[%d]", i), "unknown role "+string(r))
		}
	}
	if p.CommitteeSize < 1 || p.CommitteeSize > MaxPeople {
		es.addf("committee_size", fmt.Sprintf("must be between 1 and %d", MaxPeople))
	}
	if p.CommitteeQuorum < 0 || p.CommitteeQuorum > p.CommitteeSize {
		es.addf("committee_quorum", "must be between 1 and the committee size (0 for a majority)")
	}
	return es.err()
}

// Quorum is N: the committee approvals needed above the threshold.
func (p ApprovalPolicy) Quorum() int {
	if p.CommitteeQuorum > 0 {
		return p.CommitteeQuorum
	}
	return p.CommitteeSize/2 + 1
}

// Tier says who decides a request.
type Tier string

// Tiers of approval.
const (
	TierHandlers  Tier = "handlers"
	TierCommittee Tier = "committee"
)

// TierFor says who decides a request of this amount: the handlers up to and including the
// threshold, the committee above it.
func (p ApprovalPolicy) TierFor(amount int64) Tier {
	if amount <= p.Threshold {
		return TierHandlers
	}
	return TierCommittee
}

// DisbursementRequest is a request to pay money out of a campaign.
type DisbursementRequest struct {
	Amount      Money
	RequestedBy string // user key of the requester
	Evidence    int    // receipts or photos attached
}

// Vote is one person's decision on a request.
type Vote struct {
	Approver string // user key
	Roles    []Role // the approver's roles in the fund's community
	Approve  bool
	Reason   string // required when rejecting, shown to the requester
}

// Errors from approvals.
var (
	ErrSelfApproval     = errors.New("nobody may approve their own request")
	ErrNotAuthorized    = errors.New("approver lacks a role that may decide this request")
	ErrDuplicateVote    = errors.New("approver has already decided this request")
	ErrAlreadyDecided   = errors.New("request is already decided")
	ErrEvidenceRequired = errors.New("evidence (receipt or photo) is required before payment")
	ErrNotApproved      = errors.New("request is not approved")
)

// ApprovalState is the outcome of the votes so far.
type ApprovalState string

// Approval states.
const (
	ApprovalPending  ApprovalState = "pending"
	ApprovalApproved ApprovalState = "approved"
	ApprovalRejected ApprovalState = "rejected"
)

// Verdict is the state of a request and why.
type Verdict struct {
	State      ApprovalState
	Tier       Tier
	Approvals  int
	Rejections int
	Need       int    // approvals needed in this tier
	Why        string // a sentence for the approval queue
}

func (p ApprovalPolicy) checkRequest(req DisbursementRequest) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	if req.Amount.Currency != p.Currency {
		return fieldErr("amount", fmt.Errorf("%w: request in %s, fund in %s", ErrCurrencyMismatch, req.Amount.Currency, p.Currency))
	}
	if err := CheckAmount(req.Amount.Amount); err != nil {
		return fieldErr("amount", err)
	}
	if req.RequestedBy == "" {
		return fieldErr("requested_by", errors.New("required"))
	}
	return nil
}

func (p ApprovalPolicy) authorized(t Tier, roles []Role) bool {
	if t == TierCommittee {
		return slices.Contains(roles, RoleCommittee)
	}
	for _, r := range roles {
		if slices.Contains(p.HandlerRoles, r) {
			return true
		}
	}
	return false
}

// Decide tallies the votes so far. Any invalid vote is an error, never silently skipped: the
// app checks each vote with CheckVote before storing it, so an error here means stored data
// was tampered with. A handler's rejection stops a small request (either of the two people
// may block it); a committee request is rejected once approval can no longer reach N of M.
func (p ApprovalPolicy) Decide(req DisbursementRequest, votes []Vote) (Verdict, error) {
	if err := p.checkRequest(req); err != nil {
		return Verdict{}, err
	}
	t := p.TierFor(req.Amount.Amount)
	v := Verdict{State: ApprovalPending, Tier: t, Need: p.HandlerApprovals}
	if t == TierCommittee {
		v.Need = p.Quorum()
	}
	seen := map[string]bool{}
	for i, vote := range votes {
		if err := p.checkVote(req, t, v, seen, vote); err != nil {
			return Verdict{}, fmt.Errorf("votes[%d]: %w", i, err)
		}
		seen[vote.Approver] = true
		if vote.Approve {
			v.Approvals++
		} else {
			v.Rejections++
		}
		v = p.conclude(v)
	}
	return v, nil
}

func (p ApprovalPolicy) conclude(v Verdict) Verdict {
	switch {
	case v.Tier == TierHandlers && v.Rejections > 0:
		v.State, v.Why = ApprovalRejected, "rejected by a handler"
	case v.Tier == TierCommittee && v.Rejections > p.CommitteeSize-v.Need:
		v.State, v.Why = ApprovalRejected, fmt.Sprintf("rejected: %d of %d committee members against, %d approvals can no longer be reached", v.Rejections, p.CommitteeSize, v.Need)
	case v.Approvals >= v.Need:
		v.State, v.Why = ApprovalApproved, fmt.Sprintf("approved by %d of %d needed", v.Approvals, v.Need)
	default:
		v.Why = fmt.Sprintf("waiting: %d of %d approvals", v.Approvals, v.Need)
	}
	return v
}

// CheckVote says whether vote may be recorded after the earlier votes.
func (p ApprovalPolicy) CheckVote(req DisbursementRequest, earlier []Vote, vote Vote) error {
	v, err := p.Decide(req, earlier)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, e := range earlier {
		seen[e.Approver] = true
	}
	return p.checkVote(req, v.Tier, v, seen, vote)
}

func (p ApprovalPolicy) checkVote(req DisbursementRequest, t Tier, v Verdict, seen map[string]bool, vote Vote) error {
	switch {
	case vote.Approver == "":
		return fieldErr("approver", errors.New("required"))
	case v.State != ApprovalPending:
		return ErrAlreadyDecided
	case vote.Approver == req.RequestedBy:
		return ErrSelfApproval
	case seen[vote.Approver]:
		return ErrDuplicateVote
	case !p.authorized(t, vote.Roles):
		return fmt.Errorf("%w (%s tier)", ErrNotAuthorized, t)
	case !vote.Approve && vote.Reason == "":
		return fieldErr("reason", errors.New("a rejection needs a reason"))
	}
	return nil
}

// CheckPayable says whether an approved request may be paid: evidence must be attached first.
func (p ApprovalPolicy) CheckPayable(req DisbursementRequest, votes []Vote) error {
	v, err := p.Decide(req, votes)
	if err != nil {
		return err
	}
	if v.State != ApprovalApproved {
		return fmt.Errorf("%w (%s)", ErrNotApproved, v.Why)
	}
	if req.Evidence <= 0 {
		return ErrEvidenceRequired
	}
	return nil
}

// DisbursementStatus is where a disbursement is in its life.
type DisbursementStatus string

// Disbursement statuses: requested → approved → paid, or requested → rejected.
const (
	DisbursementStatusRequested DisbursementStatus = "requested"
	DisbursementStatusApproved  DisbursementStatus = "approved"
	DisbursementStatusRejected  DisbursementStatus = "rejected"
	DisbursementStatusPaid      DisbursementStatus = "paid"
)
