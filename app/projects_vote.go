package app

// Step 3 of a micro-project, deciding (定事): a resident vote with a quorum and a majority,
// paper ballots confirmed by a second worker, or a recorded meeting resolution.

import (
	"context"
	"time"
)

// Vote choices.
const (
	VoteYes     = "yes"
	VoteNo      = "no"
	VoteAbstain = "abstain"
)

// VoteChoices lists the choices of a project vote.
var VoteChoices = []string{VoteYes, VoteNo, VoteAbstain}

// Paper ballot statuses.
const (
	BallotPending   = "pending"
	BallotConfirmed = "confirmed"
	BallotDiscarded = "discarded"
)

// Delivery and funding of an approved project.
var (
	ProjectDeliveries = []string{"organization", "volunteers", "tender"}
	ProjectFundings   = []string{"campaign", "pool", "budget_line"}
)

// ProjectVote is one resident's vote on a project, cast online or from a confirmed paper ballot.
type ProjectVote struct {
	ID        int64     `json:"id" gorm:"primaryKey"`
	ProjectID int64     `json:"project_id"`
	UserID    int64     `json:"user_id"`
	Choice    string    `json:"choice"`
	Channel   string    `json:"channel"`
	CreatedAt time.Time `json:"created_at"`
}

// PaperBallot is a ballot cast on paper, entered by one worker; it counts once a second worker
// confirms it (two-person rule).
type PaperBallot struct {
	ID          int64      `json:"id" gorm:"primaryKey"`
	ProjectID   int64      `json:"project_id"`
	VoterID     int64      `json:"voter_id"`
	Choice      string     `json:"choice"`
	Status      string     `json:"status"`
	EnteredBy   int64      `json:"entered_by"`
	ConfirmedBy *int64     `json:"confirmed_by"`
	ConfirmedAt *time.Time `json:"confirmed_at"`
	CreatedAt   time.Time  `json:"created_at"`
}

// ProjectVoteTally is a project's vote as the API shows it.
type ProjectVoteTally struct {
	Yes      int       `json:"yes"`
	No       int       `json:"no"`
	Abstain  int       `json:"abstain"`
	Quorum   int       `json:"quorum"`
	Majority string    `json:"majority"`
	EndsAt   time.Time `json:"ends_at"`
	Open     bool      `json:"open"`
}

// Tally returns the project's vote, or nil when no vote was opened.
func (p *Project) Tally(now time.Time) *ProjectVoteTally {
	if p.VoteOpenedAt == nil || p.VoteEndsAt == nil {
		return nil
	}
	return &ProjectVoteTally{Yes: p.VotesYes, No: p.VotesNo, Abstain: p.VotesAbstain, Quorum: p.VoteQuorum, Majority: p.VoteMajority,
		EndsAt: *p.VoteEndsAt, Open: p.Status == ProjectVoting && now.Before(*p.VoteEndsAt)}
}

// VoteOutcome applies a vote's rules: the quorum counts every vote cast (abstentions too);
// the majority compares yes with no only.
func VoteOutcome(yes, no, abstain, quorum int, majority string) (approved bool, reason string) {
	if yes+no+abstain < quorum {
		return false, DecisionQuorumNotMet
	}
	passed := yes > no
	if majority == MajorityTwoThirds {
		passed = yes > 0 && 3*yes >= 2*(yes+no)
	}
	if !passed {
		return false, DecisionMajorityNotMet
	}
	return true, DecisionVotePassed
}

// ProjectVoteInput is a resident's vote.
type ProjectVoteInput struct {
	Choice string `json:"choice" form:"choice" validate:"required,oneof=yes no abstain"`
}

// PaperBallotInput is a paper ballot a worker enters for a resident.
type PaperBallotInput struct {
	VoterID int64  `json:"voter_id" form:"voter_id" validate:"required"`
	Choice  string `json:"choice" form:"choice" validate:"required,oneof=yes no abstain"`
}

// BallotConfirmation confirms (counts) or discards an entered paper ballot.
type BallotConfirmation struct {
	Confirm bool `json:"confirm" form:"confirm"`
}

// VoteOpening opens a project's vote; Days overrides the community's vote window.
type VoteOpening struct {
	Days *int `json:"days" form:"days" validate:"omitempty,gte=1,lte=90"`
}

// OpenVote moves a project whose supports reached the threshold from deliberation to a
// resident vote under the community's current quorum, majority and window (409 below the
// threshold).
func (a *App) OpenVote(ctx context.Context, id int64, in VoteOpening) (*Project, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var pr *Project
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var t Target
		var err error
		if pr, t, err = a.projectForAction(ctx, id); err != nil {
			return err
		}
		if err := Authorize(p, ActProjectDecide, t); err != nil {
			return err
		}
		if pr.ProposerID == p.User.ID {
			return Errorf(EFORBIDDEN, "error.own_request")
		}
		now := a.Now()
		switch {
		case pr.Status != ProjectDeliberating || lapseDue(pr, now):
			st := pr.Status
			if lapseDue(pr, now) {
				st = ProjectLapsed
			}
			return Errorf(ECONFLICT, "error.bad_transition", "from", st, "action", "vote-opening")
		case pr.SupportsCount < pr.SupportThreshold:
			return Errorf(ECONFLICT, "error.below_threshold", "supports", pr.SupportsCount, "threshold", pr.SupportThreshold)
		}
		st, err := a.projectSettings(ctx, pr.CommunityID)
		if err != nil {
			return err
		}
		days := st.VoteDays
		if in.Days != nil {
			days = *in.Days
		}
		ends := now.Add(time.Duration(days) * 24 * time.Hour)
		pr.Status, pr.VoteOpenedAt, pr.VoteEndsAt, pr.VoteQuorum, pr.VoteMajority, pr.UpdatedAt = ProjectVoting, &now, &ends, st.Quorum, st.Majority, now
		if err := a.store.UpdateProject(ctx, pr); err != nil {
			return err
		}
		return a.audit(ctx, "project.vote_opened", "project", pr.ID, pr.CommunityID, map[string]any{
			"ends_at": ends, "quorum": st.Quorum, "majority": st.Majority, "supports_count": pr.SupportsCount})
	})
	if err != nil {
		return nil, err
	}
	return pr, nil
}

// voteWindow refuses a vote on a project that is not voting or whose window has closed.
func voteWindow(pr *Project, now time.Time) error {
	if pr.Status != ProjectVoting {
		return Errorf(ECONFLICT, "error.vote_not_open", "status", pr.Status)
	}
	if pr.VoteEndsAt != nil && !now.Before(*pr.VoteEndsAt) {
		return Errorf(ECONFLICT, "error.vote_closed")
	}
	return nil
}

// castVote stores a vote and counts it; a second vote of the same resident is ECONFLICT.
func (a *App) castVote(ctx context.Context, pr *Project, voter int64, choice, channel string) error {
	v := &ProjectVote{ProjectID: pr.ID, UserID: voter, Choice: choice, Channel: channel, CreatedAt: a.Now()}
	if err := a.store.CreateProjectVote(ctx, v); err != nil {
		if IsCode(err, ECONFLICT) {
			return Errorf(ECONFLICT, "error.already_voted")
		}
		return err
	}
	counter := map[string]ProjectCounter{VoteYes: CounterYes, VoteNo: CounterNo, VoteAbstain: CounterAbstain}[choice]
	if err := a.store.IncrementProjectCounter(ctx, pr.ID, counter); err != nil {
		return err
	}
	switch choice {
	case VoteYes:
		pr.VotesYes++
	case VoteNo:
		pr.VotesNo++
	default:
		pr.VotesAbstain++
	}
	// The choice stays out of the audit log: the log is read by workers, the ballot is secret.
	return a.audit(ctx, "project.voted", "project", pr.ID, pr.CommunityID, map[string]any{"channel": channel, "voter_id": voter})
}

// Vote casts the signed-in resident's vote: one per resident of the community, only while the
// vote is open (409 twice or outside the window).
func (a *App) Vote(ctx context.Context, id int64, in ProjectVoteInput) (*Project, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var pr *Project
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var t Target
		var err error
		if pr, t, err = a.projectForAction(ctx, id); err != nil {
			return err
		}
		if err := Authorize(p, ActProjectVote, t); err != nil {
			return err
		}
		if err := voteWindow(pr, a.Now()); err != nil {
			return err
		}
		return a.castVote(ctx, pr, p.User.ID, in.Choice, "online")
	})
	if err != nil {
		return nil, err
	}
	return pr, nil
}

// EnterPaperBallot records a paper ballot for a resident of the community; it counts only
// once another worker confirms it.
func (a *App) EnterPaperBallot(ctx context.Context, id int64, in PaperBallotInput) (*PaperBallot, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var b *PaperBallot
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		pr, t, err := a.projectForAction(ctx, id)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActProjectBallot, t); err != nil {
			return err
		}
		if err := voteWindow(pr, a.Now()); err != nil {
			return err
		}
		if err := a.checkVoter(ctx, in.VoterID, t); err != nil {
			return err
		}
		if v, err := a.store.FindProjectVote(ctx, pr.ID, in.VoterID); err == nil && v != nil {
			return Errorf(ECONFLICT, "error.already_voted")
		} else if err != nil && !IsCode(err, ENOTFOUND) {
			return err
		}
		b = &PaperBallot{ProjectID: pr.ID, VoterID: in.VoterID, Choice: in.Choice, Status: BallotPending, EnteredBy: p.User.ID, CreatedAt: a.Now()}
		if err := a.store.CreatePaperBallot(ctx, b); err != nil {
			if IsCode(err, ECONFLICT) {
				return Errorf(ECONFLICT, "error.ballot_pending")
			}
			return err
		}
		return a.audit(ctx, "project.ballot_entered", "project", pr.ID, pr.CommunityID, map[string]any{"ballot_id": b.ID, "voter_id": in.VoterID})
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// checkVoter refuses (422 voter_id) a user who is not a resident of the project's community.
func (a *App) checkVoter(ctx context.Context, voterID int64, t Target) error {
	vp, err := a.Principal(ctx, voterID)
	if IsCode(err, ENOTFOUND) {
		return FieldErrors{"voter_id": Msg("error.unknown_ref")}.Err()
	} else if err != nil {
		return err
	}
	if !Can(vp, ActProjectVote, t) {
		return FieldErrors{"voter_id": Msg("error.not_a_resident")}.Err()
	}
	return nil
}

// ConfirmPaperBallot counts (or discards) a paper ballot another worker entered.
func (a *App) ConfirmPaperBallot(ctx context.Context, ballotID int64, in BallotConfirmation) (*PaperBallot, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	var b *PaperBallot
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if b, err = a.store.FindPaperBallot(ctx, ballotID); err != nil {
			return err
		}
		pr, t, err := a.projectForAction(ctx, b.ProjectID)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActProjectBallot, t); err != nil {
			return err
		}
		if b.EnteredBy == p.User.ID {
			return Errorf(EFORBIDDEN, "error.own_ballot")
		}
		if b.Status != BallotPending {
			return Errorf(ECONFLICT, "error.bad_transition", "from", b.Status, "action", "confirm")
		}
		now := a.Now()
		b.ConfirmedBy, b.ConfirmedAt, b.Status = &p.User.ID, &now, BallotDiscarded
		if in.Confirm {
			if err := voteWindow(pr, now); err != nil {
				return err
			}
			b.Status = BallotConfirmed
			if err := a.castVote(ctx, pr, b.VoterID, b.Choice, "paper"); err != nil {
				return err
			}
		}
		if err := a.store.UpdatePaperBallot(ctx, b); err != nil {
			return err
		}
		return a.audit(ctx, "project.ballot_"+b.Status, "project", pr.ID, pr.CommunityID, map[string]any{"ballot_id": b.ID, "entered_by": b.EnteredBy})
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// ProjectDecision decides a project. On a project in a vote it closes the vote (early or
// after its end) and applies the quorum and majority; Approve is then ignored. On a project
// under deliberation it records a 议事会 resolution: MeetingID names a held meeting with the
// project on its agenda. Approving records who delivers the project and how it is funded.
type ProjectDecision struct {
	Approve        bool   `json:"approve" form:"approve"`
	Note           string `json:"note" form:"note" validate:"max=2000"`
	MeetingID      *int64 `json:"meeting_id" form:"meeting_id"`
	Delivery       string `json:"delivery" form:"delivery" validate:"omitempty,oneof=organization volunteers tender"`
	OrganizationID *int64 `json:"organization_id" form:"organization_id"`
	Funding        string `json:"funding" form:"funding" validate:"omitempty,oneof=campaign pool budget_line"`
	FundingNote    string `json:"funding_note" form:"funding_note" validate:"max=200"`
}

// DecideProject closes a vote or records a meeting resolution; the tally, reason and note are
// public. Proposers cannot decide their own projects.
func (a *App) DecideProject(ctx context.Context, id int64, d ProjectDecision) (*Project, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe := FieldErrors{}
	a.validate.Into(fe, d)
	if d.Delivery == "organization" && d.OrganizationID == nil {
		fe.Add("organization_id", "error.required")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var pr *Project
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var t Target
		var err error
		if pr, t, err = a.projectForAction(ctx, id); err != nil {
			return err
		}
		if err := Authorize(p, ActProjectDecide, t); err != nil {
			return err
		}
		if pr.ProposerID == p.User.ID {
			return Errorf(EFORBIDDEN, "error.own_request")
		}
		now := a.Now()
		approve, reason := false, ""
		data := map[string]any{"note": d.Note}
		switch {
		case pr.Status == ProjectVoting:
			if d.MeetingID != nil {
				return Errorf(ECONFLICT, "error.project_in_vote")
			}
			approve, reason = VoteOutcome(pr.VotesYes, pr.VotesNo, pr.VotesAbstain, pr.VoteQuorum, pr.VoteMajority)
			data["yes"], data["no"], data["abstain"], data["quorum"], data["majority"] = pr.VotesYes, pr.VotesNo, pr.VotesAbstain, pr.VoteQuorum, pr.VoteMajority
			data["early"] = pr.VoteEndsAt != nil && now.Before(*pr.VoteEndsAt)
			if pr.VoteEndsAt != nil && now.Before(*pr.VoteEndsAt) {
				pr.VoteEndsAt = &now // closing early ends the window now
			}
		case pr.Status == ProjectDeliberating && !lapseDue(pr, now):
			if err := a.checkResolution(ctx, pr, d, now); err != nil {
				return err
			}
			approve, reason = d.Approve, DecisionMeetingResolved
			pr.DecisionMeetingID = d.MeetingID
			data["meeting_id"] = *d.MeetingID
		default:
			st := pr.Status
			if lapseDue(pr, now) {
				st = ProjectLapsed
			}
			return Errorf(ECONFLICT, "error.bad_transition", "from", st, "action", "decide")
		}
		pr.Status = ProjectRejected
		if approve {
			pr.Status = ProjectApproved
			if err := a.applyDelivery(ctx, pr, d); err != nil {
				return err
			}
		}
		pr.DecisionReason, pr.DecisionNote, pr.DecidedBy, pr.DecidedAt, pr.UpdatedAt = reason, d.Note, ptr(p.User.ID), &now, now
		if err := a.store.UpdateProject(ctx, pr); err != nil {
			return err
		}
		data["outcome"], data["reason"] = pr.Status, reason
		data["delivery"], data["funding"] = pr.Delivery, pr.Funding
		return a.audit(ctx, "project.decided", "project", pr.ID, pr.CommunityID, data)
	})
	if err != nil {
		return nil, err
	}
	return pr, nil
}

// checkResolution checks a meeting resolution: the meeting exists in the project's community,
// has the project on its agenda and has begun; rejecting needs a reason.
func (a *App) checkResolution(ctx context.Context, pr *Project, d ProjectDecision, now time.Time) error {
	fe := FieldErrors{}
	if !d.Approve && d.Note == "" {
		fe.Add("note", "error.reason_required")
	}
	if d.MeetingID == nil {
		fe.Add("meeting_id", "error.meeting_required")
		return fe.Err()
	}
	m, err := a.store.FindMeeting(ctx, *d.MeetingID)
	if IsCode(err, ENOTFOUND) || (err == nil && m.CommunityID != pr.CommunityID) {
		fe.Add("meeting_id", "error.unknown_ref")
		return fe.Err()
	} else if err != nil {
		return err
	}
	ids, err := a.store.FindMeetingProjectIDs(ctx, m.ID)
	if err != nil {
		return err
	}
	on := false
	for _, id := range ids {
		on = on || id == pr.ID
	}
	if !on {
		fe.Add("meeting_id", "error.not_on_agenda")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if now.Before(m.StartsAt) {
		return Errorf(ECONFLICT, "error.meeting_not_held")
	}
	return nil
}

// applyDelivery records who delivers an approved project and how it is funded.
func (a *App) applyDelivery(ctx context.Context, pr *Project, d ProjectDecision) error {
	if d.Delivery != "" {
		pr.Delivery = d.Delivery
	}
	if d.Funding != "" {
		pr.Funding, pr.FundingNote = d.Funding, d.FundingNote
	}
	if d.OrganizationID != nil {
		if _, err := a.store.FindOrganization(ctx, *d.OrganizationID); IsCode(err, ENOTFOUND) {
			return FieldErrors{"organization_id": Msg("error.unknown_ref")}.Err()
		} else if err != nil {
			return err
		}
		pr.OrganizationID = d.OrganizationID
	}
	return nil
}

// TableName names the paper ballots' table.
func (PaperBallot) TableName() string { return "project_paper_ballots" }
