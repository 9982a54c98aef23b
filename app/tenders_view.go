package app

import (
	"context"
	"slices"
	"time"
)

// TenderView is a tender as a principal may see it, with its effective status.
type TenderView struct {
	*Tender
	// Open: bids are accepted now.
	Open bool
	// BidCount is how many organizations bid; while bids are open it is sealed (zero, and
	// BidsSealed set), since disclosing the number of bidders before the deadline is not
	// allowed in public tendering.
	BidCount    int
	BidsSealed  bool
	CanEdit     bool
	CanPublish  bool
	CanCancel   bool
	CanEvaluate bool
	CanAward    bool
	// CanBid: the principal belongs to an organization and the tender takes bids.
	CanBid bool
}

func (a *App) viewTender(p *Principal, t *Tender, bidCount int) (*TenderView, error) {
	now := a.Now()
	target := tenderTarget(t)
	manage := Can(p, ActTenderManage, target)
	if t.Status == TenderDraft && !manage {
		return nil, NotFound("tender")
	}
	c := *t
	c.Status = t.effectiveStatus(now)
	v := &TenderView{Tender: &c, BidCount: bidCount, Open: c.Status == TenderPublished}
	if v.Open {
		v.BidCount, v.BidsSealed = 0, true
	}
	v.CanEdit = manage && c.Status == TenderDraft
	v.CanPublish = v.CanEdit
	v.CanCancel = manage && c.Status != TenderAwarded && c.Status != TenderCancelled
	v.CanEvaluate = c.Status == TenderClosed && Can(p, ActTenderEvaluate, target)
	v.CanAward = manage && c.Status == TenderClosed
	v.CanBid = v.Open && p.HasRole(RoleOrgMember)
	return v, nil
}

// Tender returns one tender; drafts only to those who manage them.
func (a *App) Tender(ctx context.Context, id int64) (*TenderView, error) {
	t, err := a.store.FindTender(ctx, id)
	if err != nil {
		return nil, err
	}
	n, err := a.store.CountTenderBids(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	return a.viewTender(PrincipalFrom(ctx), t, n[id])
}

// Tenders lists tenders; drafts only those of offices the principal manages.
func (a *App) Tenders(ctx context.Context, f TenderFilter) ([]*TenderView, int, error) {
	p := PrincipalFrom(ctx)
	f.Page = f.Page.Normalize()
	f.DraftScope, f.AllDrafts = nil, false
	if p.HasRole(RoleAdmin) {
		f.AllDrafts = true
	} else if p.Authenticated() {
		sc := &ScopeFilter{}
		for _, m := range p.Memberships {
			switch {
			case m.Role == RoleCivilAffairs && m.StreetID != nil:
				sc.StreetIDs = append(sc.StreetIDs, *m.StreetID)
			case (m.Role == RoleCivilAffairs || m.Role == RoleCommunityWorker) && m.CommunityID != nil:
				sc.CommunityIDs = append(sc.CommunityIDs, *m.CommunityID)
			}
		}
		if len(sc.StreetIDs)+len(sc.CommunityIDs) > 0 {
			f.DraftScope = sc
		}
	}
	ts, total, err := a.store.FindTenders(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]int64, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	counts, err := a.store.CountTenderBids(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	out := make([]*TenderView, 0, len(ts))
	for _, t := range ts {
		v, err := a.viewTender(p, t, counts[t.ID])
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	return out, total, nil
}

// PastAward is a contract an organization won earlier, shown with its bids.
type PastAward struct {
	TenderID    int64     `json:"tender_id"`
	Title       string    `json:"title"`
	Score       float64   `json:"score"`
	PeriodStart time.Time `json:"period_start"`
	PeriodEnd   time.Time `json:"period_end"`
	// Completed: the service period is over.
	Completed bool `json:"completed"`
}

// BidView is a bid as a principal may see it: the organization, the team, the organization's
// record of earlier awards (empty: 暂无), the score so far and, after the award, its result.
type BidView struct {
	*TenderBid
	OrganizationName string            `json:"organization_name"`
	TeamMembers      []*SocialWorker   `json:"team_members"`
	Record           []PastAward       `json:"past_awards"`
	Reputation       Reputation        `json:"evaluations"`
	Score            float64           `json:"score"`
	Evaluators       int               `json:"evaluators"`
	PerCriterion     map[int64]float64 `json:"per_criterion"`
	MyScores         map[int64]int     `json:"my_scores,omitempty"`
	Conflicted       bool              `json:"conflicted"`
	Result           *TenderResult     `json:"result,omitempty"`
	AboveNames       []RivalView       `json:"above,omitempty"`
	PreferredTenders []PreferredTender `json:"preferred,omitempty"`
	// Own: the principal bids for this bid's organization (may edit it while bids are open).
	Own bool `json:"-"`
	// Files are the bid's photos and documents (tenders_bid_files.go).
	Files []*Attachment `json:"files"`
}

// RivalView is a winner ranked above a losing bid.
type RivalView struct {
	OrganizationID int64   `json:"organization_id"`
	Name           string  `json:"name"`
	Score          float64 `json:"score"`
}

// PreferredTender is a contract the organization kept instead of this one.
type PreferredTender struct {
	TenderID int64  `json:"tender_id"`
	Title    string `json:"title"`
}

// TenderBidsView is a tender's bids as the principal may see them.
type TenderBidsView struct {
	Tender *TenderView
	// Sealed: the deadline has not passed, so only the principal's own organizations' bids are listed.
	Sealed      bool
	Bids        []*BidView
	Declaration *TenderDeclaration
	// Evaluator: the principal may evaluate this tender.
	Evaluator bool
	// Scored counts the bids with at least one complete score sheet.
	Scored int
}

// TenderBids lists the bids the principal may see. Before the deadline bids are sealed: an
// organization's members see their own bid only. After it, the publishing office and the
// evaluators see every bid; once awarded, everyone does (results are published).
func (a *App) TenderBids(ctx context.Context, id int64) (*TenderBidsView, error) {
	p := PrincipalFrom(ctx)
	tv, err := a.Tender(ctx, id)
	if err != nil {
		return nil, err
	}
	t := tv.Tender
	target := tenderTarget(t)
	out := &TenderBidsView{Tender: tv}
	insider := Can(p, ActTenderManage, target) || Can(p, ActTenderEvaluate, target)
	out.Evaluator = Can(p, ActTenderEvaluate, target)
	// A tender cancelled before its deadline never opened its bids: they stay sealed, or the
	// office could read the rivals' prices and re-tender.
	opened := t.Status == TenderClosed || (t.Status == TenderCancelled && t.CancelledAt != nil && !t.CancelledAt.Before(t.BidDeadline))
	all := t.Status == TenderAwarded || (insider && opened)
	out.Sealed = t.Status == TenderPublished || (t.Status == TenderCancelled && !opened)
	bids, err := a.store.FindTenderBids(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	pl := a.places()
	bidOrgs := make([]int64, 0, len(bids))
	for _, b := range bids {
		bidOrgs = append(bidOrgs, b.OrganizationID)
	}
	if err := pl.preloadOrgs(ctx, bidOrgs); err != nil {
		return nil, err
	}
	own := map[int64]bool{} // organizations the principal bids for, decided on each one's own place
	for _, b := range bids {
		if own[b.OrganizationID], err = pl.bidsFor(ctx, p, b.OrganizationID); err != nil {
			return nil, err
		}
	}
	if !all {
		bids = slices.DeleteFunc(bids, func(b *TenderBid) bool { return !own[b.OrganizationID] })
	}
	scores, err := a.store.FindTenderScores(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	decls, err := a.store.FindTenderDeclarations(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	if i := slices.IndexFunc(decls, func(d *TenderDeclaration) bool { return d.EvaluatorID == p.UserID() }); i >= 0 && out.Evaluator {
		out.Declaration = decls[i]
	}
	totals := bidTotals(t, bids, scores, decls)
	var results []*TenderResult
	if t.Status == TenderAwarded {
		if results, err = a.store.FindTenderResults(ctx, TenderResultFilter{TenderID: &t.ID}); err != nil {
			return nil, err
		}
	}
	orgIDs := make([]int64, 0, len(bids))
	for _, b := range bids {
		orgIDs = append(orgIDs, b.OrganizationID)
	}
	for _, r := range results {
		orgIDs = append(orgIDs, r.Above()...)
	}
	if err := pl.preloadOrgs(ctx, orgIDs); err != nil {
		return nil, err
	}
	records, titles, err := a.trackRecords(ctx, t, orgIDs, results)
	if err != nil {
		return nil, err
	}
	reps, err := a.orgReputations(ctx, orgIDs)
	if err != nil {
		return nil, err
	}
	var teamIDs []int64
	for _, b := range bids {
		teamIDs = append(teamIDs, b.Team...)
	}
	members, err := a.store.FindTeamMembers(ctx, teamIDs)
	if err != nil {
		return nil, err
	}
	for _, b := range bids {
		bv := &BidView{TenderBid: b, Record: records[b.OrganizationID], Reputation: reps[b.OrganizationID], Own: own[b.OrganizationID]}
		if o, err := pl.org(ctx, b.OrganizationID); err == nil {
			bv.OrganizationName = o.Name
		}
		if bt := totals[b.ID]; bt != nil && (insider || t.Status == TenderAwarded) {
			bv.Score, bv.Evaluators, bv.PerCriterion = bt.Score, bt.Evaluators, bt.PerCriterion
			if bt.Evaluators > 0 {
				out.Scored++
			}
		}
		if len(b.Team) > 0 {
			for _, w := range members {
				if slices.Contains(b.Team, w.ID) {
					c := *w
					c.Mobile, c.UserID = MaskMobile(c.Mobile), nil
					if !insider && !own[b.OrganizationID] {
						c.Name, c.CertificateNumber = MaskName(c.Name), MaskID(c.CertificateNumber)
					}
					bv.TeamMembers = append(bv.TeamMembers, &c)
				}
			}
		}
		if out.Declaration != nil {
			bv.Conflicted = slices.Contains(out.Declaration.ConflictOrgIDs, b.OrganizationID)
		}
		bv.Conflicted = bv.Conflicted || p.memberOf(b.OrganizationID)
		if out.Evaluator {
			bv.MyScores = map[int64]int{}
			for _, s := range scores {
				if s.BidID == b.ID && s.EvaluatorID == p.UserID() {
					bv.MyScores[s.CriterionID] = s.Score
				}
			}
		}
		if i := slices.IndexFunc(results, func(r *TenderResult) bool { return r.BidID == b.ID }); i >= 0 {
			r := results[i]
			bv.Result, bv.Score, bv.Evaluators = r, r.Score, r.Evaluators
			for _, oid := range r.Above() {
				rv := RivalView{OrganizationID: oid}
				if o, err := pl.org(ctx, oid); err == nil {
					rv.Name = o.Name
				}
				if j := slices.IndexFunc(results, func(x *TenderResult) bool { return x.OrganizationID == oid }); j >= 0 {
					rv.Score = results[j].Score
				}
				bv.AboveNames = append(bv.AboveNames, rv)
			}
			for _, tid := range r.Preferred() {
				bv.PreferredTenders = append(bv.PreferredTenders, PreferredTender{TenderID: tid, Title: titles[tid]})
			}
		}
		out.Bids = append(out.Bids, bv)
	}
	// Awarded: by rank. Otherwise by score (insiders), then by organization.
	slices.SortStableFunc(out.Bids, func(x, y *BidView) int {
		if x.Result != nil && y.Result != nil {
			return x.Result.Rank - y.Result.Rank
		}
		switch {
		case x.Score > y.Score:
			return -1
		case x.Score < y.Score:
			return 1
		}
		return int(x.OrganizationID - y.OrganizationID)
	})
	if err := a.attachBidFiles(ctx, out.Bids); err != nil {
		return nil, err
	}
	return out, nil
}

// trackRecords lists each organization's awards on other tenders ("past evaluations"), and
// the titles of the tenders results refer to.
func (a *App) trackRecords(ctx context.Context, t *Tender, orgIDs []int64, results []*TenderResult) (map[int64][]PastAward, map[int64]string, error) {
	won := true
	out := map[int64][]PastAward{}
	titles := map[int64]string{}
	if len(orgIDs) == 0 {
		return out, titles, nil
	}
	rs, err := a.store.FindTenderResults(ctx, TenderResultFilter{OrganizationIDs: orgIDs, Won: &won})
	if err != nil {
		return nil, nil, err
	}
	var tids []int64
	for _, r := range rs {
		if r.TenderID != t.ID {
			tids = append(tids, r.TenderID)
		}
	}
	for _, r := range results {
		tids = append(tids, r.Preferred()...)
	}
	if len(tids) == 0 {
		return out, titles, nil
	}
	ts, _, err := a.store.FindTenders(ctx, TenderFilter{IDs: tids, AllDrafts: true})
	if err != nil {
		return nil, nil, err
	}
	byID := map[int64]*Tender{}
	for _, x := range ts {
		byID[x.ID] = x
		titles[x.ID] = x.Title
	}
	now := a.Now()
	for _, r := range rs {
		x, ok := byID[r.TenderID]
		if !ok || r.TenderID == t.ID || x.Status != TenderAwarded {
			continue
		}
		out[r.OrganizationID] = append(out[r.OrganizationID], PastAward{TenderID: x.ID, Title: x.Title, Score: r.Score,
			PeriodStart: x.PeriodStart, PeriodEnd: x.PeriodEnd, Completed: x.PeriodEnd.Before(now)})
	}
	for _, list := range out {
		slices.SortFunc(list, func(p, q PastAward) int { return q.PeriodStart.Compare(p.PeriodStart) })
	}
	return out, titles, nil
}

// BidOrganization is an organization the principal may bid for, with its certified social
// workers (the only ones who may be on a bid's team) and its record of earlier awards.
type BidOrganization struct {
	Organization *Organization
	Workers      []*SocialWorker
	Record       []PastAward
	Reputation   Reputation
	// Eligible: a verified social organization.
	Eligible bool
}

// BidOrganizations lists the organizations the principal is a member of, for the bid form.
func (a *App) BidOrganizations(ctx context.Context, tenderID int64) ([]*BidOrganization, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	t, err := a.store.FindTender(ctx, tenderID)
	if err != nil {
		return nil, err
	}
	if t.Status == TenderDraft {
		return nil, NotFound("tender")
	}
	var ids []int64
	for _, m := range p.Memberships {
		if m.Role == RoleOrgMember && m.OrganizationID != nil && !slices.Contains(ids, *m.OrganizationID) {
			ids = append(ids, *m.OrganizationID)
		}
	}
	if len(ids) == 0 {
		return nil, Forbidden()
	}
	os, _, err := a.store.FindOrganizations(ctx, OrganizationFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	pl := a.places()
	ids = ids[:0]
	for _, o := range os {
		pl.orgs[o.ID] = o
		if ok, err := pl.bidsFor(ctx, p, o.ID); err != nil {
			return nil, err
		} else if ok {
			ids = append(ids, o.ID)
		}
	}
	os = slices.DeleteFunc(os, func(o *Organization) bool { return !slices.Contains(ids, o.ID) })
	if len(os) == 0 {
		return nil, Forbidden()
	}
	records, _, err := a.trackRecords(ctx, t, ids, nil)
	if err != nil {
		return nil, err
	}
	reps, err := a.orgReputations(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []*BidOrganization
	for _, o := range os {
		ws, _, err := a.store.FindSocialWorkers(ctx, SocialWorkerFilter{OrganizationID: &o.ID, Page: Page{Page: 1, PerPage: MaxPerPage}})
		if err != nil {
			return nil, err
		}
		ws = slices.DeleteFunc(ws, func(w *SocialWorker) bool { return w.CertificateNumber == "" })
		out = append(out, &BidOrganization{Organization: o, Workers: ws, Record: records[o.ID], Reputation: reps[o.ID], Eligible: o.Kind == "social_org" && o.Verified})
	}
	slices.SortFunc(out, func(x, y *BidOrganization) int { return int(x.Organization.ID - y.Organization.ID) })
	return out, nil
}

// bidsFor reports whether the principal may act for an organization in tenders: bid for it
// and read its sealed bid. The organization's place comes from its record, so a membership
// naming the organization from another community does not count.
func (pl *places) bidsFor(ctx context.Context, p *Principal, orgID int64) (bool, error) {
	o, err := pl.org(ctx, orgID)
	if IsCode(err, ENOTFOUND) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	t, err := pl.orgTarget(ctx, o)
	if err != nil {
		return false, err
	}
	return Can(p, ActTenderBid, t), nil
}
