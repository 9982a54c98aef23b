package app

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"
)

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
