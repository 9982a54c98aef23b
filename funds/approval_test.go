package funds

import (
	"errors"
	"testing"
)

var (
	worker    = []Role{RoleWorker}
	treasurer = []Role{RoleTreasurer}
	committee = []Role{RoleCommittee}
)

func approve(who string, roles []Role) Vote { return Vote{Approver: who, Roles: roles, Approve: true} }
func reject(who string, roles []Role) Vote {
	return Vote{Approver: who, Roles: roles, Reason: "no quote attached"}
}

func TestApprovalDecide(t *testing.T) {
	t.Parallel()
	p := DefaultApprovalPolicy(5) // majority: 3 of 5
	small := DisbursementRequest{Amount: Yuan(5000), RequestedBy: "req"}
	large := DisbursementRequest{Amount: Fen(5000_01), RequestedBy: "req"}
	tests := []struct {
		name  string
		req   DisbursementRequest
		votes []Vote
		state ApprovalState
		tier  Tier
		err   error
	}{
		{"no votes yet", small, nil, ApprovalPending, TierHandlers, nil},
		{"¥5,000 exactly: two handlers", small, []Vote{approve("w1", worker), approve("t1", treasurer)}, ApprovalApproved, TierHandlers, nil},
		{"one handler is not enough", small, []Vote{approve("w1", worker)}, ApprovalPending, TierHandlers, nil},
		{"one handler's rejection stops it", small, []Vote{approve("w1", worker), reject("t1", treasurer)}, ApprovalRejected, TierHandlers, nil},
		{"committee role alone cannot approve a small request", small, []Vote{approve("c1", committee)}, "", "", ErrNotAuthorized},
		{"requester cannot approve", small, []Vote{approve("req", worker)}, "", "", ErrSelfApproval},
		{"same person twice", small, []Vote{approve("w1", worker), approve("w1", worker)}, "", "", ErrDuplicateVote},
		{"vote after decision", small, []Vote{approve("w1", worker), approve("w2", worker), approve("w3", worker)}, "", "", ErrAlreadyDecided},
		{"¥5,000.01 needs the committee", large, []Vote{approve("w1", worker)}, "", "", ErrNotAuthorized},
		{"committee: two approvals of three needed", large, []Vote{approve("c1", committee), approve("c2", committee)}, ApprovalPending, TierCommittee, nil},
		{"committee majority", large, []Vote{approve("c1", committee), reject("c2", committee), approve("c3", committee), approve("c4", committee)}, ApprovalApproved, TierCommittee, nil},
		{"committee: two against still leaves three", large, []Vote{reject("c1", committee), reject("c2", committee)}, ApprovalPending, TierCommittee, nil},
		{"committee: three against of five rejects", large, []Vote{reject("c1", committee), reject("c2", committee), approve("c3", committee), reject("c4", committee)}, ApprovalRejected, TierCommittee, nil},
		{"committee member who requested cannot vote", DisbursementRequest{Amount: Yuan(9000), RequestedBy: "c1"}, []Vote{approve("c1", committee)}, "", "", ErrSelfApproval},
		{"rejection needs a reason", small, []Vote{{Approver: "w1", Roles: worker}}, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := p.Decide(tt.req, tt.votes)
			if tt.state == "" {
				if err == nil || (tt.err != nil && !errors.Is(err, tt.err)) {
					t.Fatalf("error %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.State != tt.state || v.Tier != tt.tier {
				t.Errorf("got %s/%s (%s), want %s/%s", v.State, v.Tier, v.Why, tt.state, tt.tier)
			}
		})
	}
}

func TestApprovalPolicyConfig(t *testing.T) {
	t.Parallel()
	p := ApprovalPolicy{Currency: CNY, Threshold: 1000_00, HandlerApprovals: 3, HandlerRoles: []Role{RoleTreasurer}, CommitteeSize: 4, CommitteeQuorum: 4}
	req := DisbursementRequest{Amount: Yuan(800), RequestedBy: "req"}
	v, err := p.Decide(req, []Vote{approve("t1", treasurer), approve("t2", treasurer)})
	if err != nil || v.State != ApprovalPending || v.Need != 3 {
		t.Errorf("three treasurers configured: %+v, %v", v, err)
	}
	if _, err := p.Decide(req, []Vote{approve("w1", worker)}); !errors.Is(err, ErrNotAuthorized) {
		t.Errorf("worker under a treasurer-only policy: %v", err)
	}
	big := DisbursementRequest{Amount: Yuan(1001), RequestedBy: "req"}
	v, _ = p.Decide(big, []Vote{reject("c1", committee)})
	if v.State != ApprovalRejected {
		t.Errorf("unanimity: one rejection should decide, got %s", v.State)
	}
	if q := DefaultApprovalPolicy(4).Quorum(); q != 3 {
		t.Errorf("majority of 4 = %d, want 3", q)
	}

	tests := []struct {
		field string
		mod   func(*ApprovalPolicy)
	}{
		{"currency", func(p *ApprovalPolicy) { p.Currency = "" }},
		{"threshold", func(p *ApprovalPolicy) { p.Threshold = -1 }},
		{"handler_approvals", func(p *ApprovalPolicy) { p.HandlerApprovals = 1 }},
		{"handler_roles", func(p *ApprovalPolicy) { p.HandlerRoles = nil }},
		{"handler_roles[0]", func(p *ApprovalPolicy) { p.HandlerRoles = []Role{"mayor"} }},
		{"committee_size", func(p *ApprovalPolicy) { p.CommitteeSize = 0; p.CommitteeQuorum = 0 }},
		{"committee_quorum", func(p *ApprovalPolicy) { p.CommitteeQuorum = 6 }},
	}
	for _, tt := range tests {
		p := DefaultApprovalPolicy(5)
		tt.mod(&p)
		var fes FieldErrors
		if err := p.Validate(); !errors.As(err, &fes) || fes[0].Field != tt.field {
			t.Errorf("%s: error %v", tt.field, err)
		}
	}
	if _, err := DefaultApprovalPolicy(3).Decide(DisbursementRequest{Amount: Money{100, "USD"}, RequestedBy: "r"}, nil); !errors.Is(err, ErrCurrencyMismatch) {
		t.Errorf("currency mismatch: %v", err)
	}
	if _, err := DefaultApprovalPolicy(3).Decide(DisbursementRequest{Amount: Fen(0), RequestedBy: "r"}, nil); !errors.Is(err, ErrZeroAmount) {
		t.Errorf("zero request: %v", err)
	}
}

func TestCheckVoteAndPayable(t *testing.T) {
	t.Parallel()
	p := DefaultApprovalPolicy(3)
	req := DisbursementRequest{Amount: Yuan(300), RequestedBy: "req"}
	votes := []Vote{approve("w1", worker)}
	if err := p.CheckVote(req, votes, approve("w1", treasurer)); !errors.Is(err, ErrDuplicateVote) {
		t.Errorf("duplicate: %v", err)
	}
	if err := p.CheckVote(req, votes, approve("req", treasurer)); !errors.Is(err, ErrSelfApproval) {
		t.Errorf("self: %v", err)
	}
	if err := p.CheckVote(req, votes, approve("x", nil)); !errors.Is(err, ErrNotAuthorized) {
		t.Errorf("no role: %v", err)
	}
	if err := p.CheckVote(req, votes, approve("t1", treasurer)); err != nil {
		t.Errorf("good vote: %v", err)
	}
	if err := p.CheckPayable(req, votes); !errors.Is(err, ErrNotApproved) {
		t.Errorf("pay before approval: %v", err)
	}
	votes = append(votes, approve("t1", treasurer))
	if err := p.CheckPayable(req, votes); !errors.Is(err, ErrEvidenceRequired) {
		t.Errorf("pay without evidence: %v", err)
	}
	req.Evidence = 1
	if err := p.CheckPayable(req, votes); err != nil {
		t.Errorf("pay approved with evidence: %v", err)
	}
	if err := p.CheckVote(req, votes, approve("w2", worker)); !errors.Is(err, ErrAlreadyDecided) {
		t.Errorf("vote after approval: %v", err)
	}
}
