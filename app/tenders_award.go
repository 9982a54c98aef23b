package app

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/wushe/wushe/matching"
)

// TenderResult is the award's outcome for one bid: its rank, total score and the reason it
// won or lost (the reasons of matching.Award). AboveOrgIDs and PreferredTenderIDs are JSON
// lists of ids: the winners ranked above a losing bid, and the contracts its organization
// holds and keeps instead.
type TenderResult struct {
	ID                 int64     `json:"id" gorm:"primaryKey"`
	TenderID           int64     `json:"tender_id"`
	BidID              int64     `json:"bid_id"`
	OrganizationID     int64     `json:"organization_id"`
	Rank               int       `json:"rank"`
	Score              float64   `json:"score"`
	Evaluators         int       `json:"evaluators"`
	Won                bool      `json:"won"`
	Reason             string    `json:"reason"`
	AboveOrgIDs        string    `json:"-"`
	PreferredTenderIDs string    `json:"-"`
	CreatedAt          time.Time `json:"created_at"`
}

// Above decodes the ids of the winners ranked above this bid.
func (r *TenderResult) Above() []int64 { return decodeIDs(r.AboveOrgIDs) }

// Preferred decodes the ids of the tenders the organization kept instead of this one.
func (r *TenderResult) Preferred() []int64 { return decodeIDs(r.PreferredTenderIDs) }

func decodeIDs(s string) []int64 {
	var out []int64
	if json.Unmarshal([]byte(s), &out) != nil || len(out) == 0 {
		return nil
	}
	return out
}

func encodeIDs(ids []int64) string {
	if len(ids) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ids)
	return string(b)
}

// TenderResultFilter selects award results.
type TenderResultFilter struct {
	TenderID        *int64
	OrganizationIDs []int64
	Won             *bool
}

// orgKey and tenderKey make matching ids whose byte order is numeric order, so ties in score
// break by the lower organization id, the earlier registered one.
func orgKey(id int64) string    { return fmt.Sprintf("o%019d", id) }
func tenderKey(id int64) string { return fmt.Sprintf("t%019d", id) }

func parseKey(s string) int64 {
	var id int64
	_, _ = fmt.Sscanf(s[1:], "%d", &id)
	return id
}

// AwardInput names the tenders awarded together in one round.
type AwardInput struct {
	TenderIDs []int64 `json:"tender_ids" form:"tender_ids" validate:"required,min=1,max=50"`
}

// AwardTender runs the award of one tender after its deadline: a round of one (AwardTenders).
func (a *App) AwardTender(ctx context.Context, id int64) (*Tender, error) {
	ts, err := a.AwardTenders(ctx, AwardInput{TenderIDs: []int64{id}})
	if err != nil {
		return nil, err
	}
	return ts[0], nil
}

// roundTender is a tender of an award round with its bids and their totals.
type roundTender struct {
	t      *Tender
	bids   []*TenderBid
	totals map[int64]*bidTotal
}

// AwardTenders awards closed tenders together: deferred acceptance between the tenders (each
// with its number of awards and minimum score) and the bidding organizations (each with the
// capacity it declared, already taken up by contracts it holds for overlapping periods).
// Awarding tenders that share bidders in one round gives a stable matching across them: an
// organization that is best on two tenders but can deliver one gets the one it scores higher
// on, and the other goes to the next bidder. Every bid gets a stored result with its rank,
// total and the reason it won or lost. The principal must manage every tender of the round.
func (a *App) AwardTenders(ctx context.Context, in AwardInput) ([]*Tender, error) {
	p := PrincipalFrom(ctx)
	slices.Sort(in.TenderIDs)
	in.TenderIDs = slices.Compact(in.TenderIDs)
	if err := a.validate.Struct(in); err != nil {
		return nil, err
	}
	var out []*Tender
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var round []*roundTender
		for _, id := range in.TenderIDs {
			t, err := a.store.FindTender(ctx, id)
			if err != nil {
				return err
			}
			if err := a.authorizeTenderManage(p, t); err != nil {
				return err
			}
			switch t.effectiveStatus(a.Now()) {
			case TenderPublished:
				return Errorf(ECONFLICT, "tenders.error.before_deadline")
			case TenderClosed:
			default:
				return Errorf(ECONFLICT, "error.bad_transition", "from", t.Status, "action", "award")
			}
			if err := a.closeIfDue(ctx, t); err != nil {
				return err
			}
			bids, err := a.store.FindTenderBids(ctx, t.ID)
			if err != nil {
				return err
			}
			if len(bids) == 0 {
				return Errorf(ECONFLICT, "tenders.error.no_bids")
			}
			scores, err := a.store.FindTenderScores(ctx, t.ID)
			if err != nil {
				return err
			}
			decls, err := a.store.FindTenderDeclarations(ctx, t.ID)
			if err != nil {
				return err
			}
			totals := bidTotals(t, bids, scores, decls)
			unscored := 0
			for _, b := range bids {
				if totals[b.ID].Evaluators == 0 {
					unscored++
				}
			}
			if unscored > 0 {
				return Errorf(ECONFLICT, "tenders.error.unscored", "n", unscored)
			}
			round = append(round, &roundTender{t: t, bids: bids, totals: totals})
		}
		held, err := a.heldContracts(ctx, round)
		if err != nil {
			return err
		}
		res, err := matching.Award(awardProblem(round, held))
		if err != nil {
			return fmt.Errorf("award tenders %v: %w", in.TenderIDs, err)
		}
		now := a.Now()
		byKey := map[[2]int64]*TenderBid{}
		var roundTotals = map[int64]*bidTotal{}
		for _, rt := range round {
			for _, b := range rt.bids {
				byKey[[2]int64{b.TenderID, b.OrganizationID}] = b
				roundTotals[b.ID] = rt.totals[b.ID]
			}
		}
		rows := map[int64][]*TenderResult{}
		winners := map[int64][]int64{}
		for _, o := range res.Bids {
			b, ok := byKey[[2]int64{parseKey(o.Tender), parseKey(o.Organization)}]
			if !ok {
				continue // a contract the organization already holds
			}
			r := &TenderResult{TenderID: b.TenderID, BidID: b.ID, OrganizationID: b.OrganizationID, Rank: o.Rank, Score: o.Score,
				Evaluators: roundTotals[b.ID].Evaluators, Won: o.Won, Reason: string(o.Reason), CreatedAt: now}
			var above, pref []int64
			for _, x := range o.Above {
				above = append(above, parseKey(x.Organization))
			}
			for _, x := range o.Preferred {
				pref = append(pref, parseKey(x))
			}
			r.AboveOrgIDs, r.PreferredTenderIDs = encodeIDs(above), encodeIDs(pref)
			rows[b.TenderID] = append(rows[b.TenderID], r)
			if o.Won {
				winners[b.TenderID] = append(winners[b.TenderID], b.OrganizationID)
			}
		}
		for _, rt := range round {
			t := rt.t
			rs := rows[t.ID]
			slices.SortFunc(rs, func(x, y *TenderResult) int { return x.Rank - y.Rank })
			if err := a.store.CreateTenderResults(ctx, rs); err != nil {
				return err
			}
			t.Status, t.AwardedAt, t.UpdatedAt = TenderAwarded, &now, now
			if err := a.store.UpdateTender(ctx, t); err != nil {
				return err
			}
			data := map[string]any{"winners": winners[t.ID]}
			if len(round) > 1 {
				data["round"] = in.TenderIDs
			}
			if err := a.audit(ctx, "tender.awarded", "tender", t.ID, tenderAuditCommunity(t), data); err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	return out, err
}

// heldContract is a contract a bidder already holds for a period overlapping the round's.
type heldContract struct {
	TenderID, OrganizationID int64
	Score                    float64
}

func (a *App) heldContracts(ctx context.Context, round []*roundTender) ([]heldContract, error) {
	won := true
	var orgs []int64
	inRound := map[int64]bool{}
	for _, rt := range round {
		inRound[rt.t.ID] = true
		for _, b := range rt.bids {
			orgs = append(orgs, b.OrganizationID)
		}
	}
	rs, err := a.store.FindTenderResults(ctx, TenderResultFilter{OrganizationIDs: orgs, Won: &won})
	if err != nil {
		return nil, err
	}
	var tids []int64
	for _, r := range rs {
		if !inRound[r.TenderID] {
			tids = append(tids, r.TenderID)
		}
	}
	if len(tids) == 0 {
		return nil, nil
	}
	ts, _, err := a.store.FindTenders(ctx, TenderFilter{IDs: tids, Statuses: []string{TenderAwarded}})
	if err != nil {
		return nil, err
	}
	overlaps := map[int64]bool{}
	for _, o := range ts {
		for _, rt := range round {
			if o.PeriodStart.Before(rt.t.PeriodEnd) && rt.t.PeriodStart.Before(o.PeriodEnd) {
				overlaps[o.ID] = true
			}
		}
	}
	var out []heldContract
	for _, r := range rs {
		if overlaps[r.TenderID] {
			out = append(out, heldContract{TenderID: r.TenderID, OrganizationID: r.OrganizationID, Score: r.Score})
		}
	}
	return out, nil
}

// awardProblem builds the deferred-acceptance input. Contracts already held appear as tenders
// the organization prefers to every new one (it will not drop a running contract), so a
// bidder at capacity loses with the reason "organization full" naming them. Among the round's
// tenders an organization prefers those it scored higher on. Its capacity is the smallest it
// declared in the round, so no organization is committed beyond what it said it can deliver.
func awardProblem(round []*roundTender, held []heldContract) matching.AwardProblem {
	p := matching.AwardProblem{Proposer: matching.OrganizationsPropose}
	for _, rt := range round {
		p.Tenders = append(p.Tenders, matching.Tender{ID: tenderKey(rt.t.ID), Capacity: rt.t.MaxAwards, MinScore: rt.t.MinScore})
	}
	holders := map[int64]int{}
	for _, h := range held {
		holders[h.TenderID]++
	}
	hids := make([]int64, 0, len(holders))
	for id := range holders {
		hids = append(hids, id)
	}
	slices.Sort(hids)
	for _, id := range hids {
		p.Tenders = append(p.Tenders, matching.Tender{ID: tenderKey(id), Capacity: holders[id]})
	}
	prefs := map[int64][]string{}
	slices.SortFunc(held, func(x, y heldContract) int { return cmpInt64(x.TenderID, y.TenderID) })
	for _, h := range held {
		prefs[h.OrganizationID] = append(prefs[h.OrganizationID], tenderKey(h.TenderID))
		p.Bids = append(p.Bids, matching.Bid{Tender: tenderKey(h.TenderID), Organization: orgKey(h.OrganizationID), Score: h.Score})
	}
	type offer struct {
		tender int64
		score  float64
	}
	offers := map[int64][]offer{}
	capacity := map[int64]int{}
	var orgIDs []int64
	for _, rt := range round {
		for _, b := range rt.bids {
			sc := rt.totals[b.ID].Score
			if _, seen := capacity[b.OrganizationID]; !seen {
				orgIDs = append(orgIDs, b.OrganizationID)
				capacity[b.OrganizationID] = b.Capacity
			}
			capacity[b.OrganizationID] = min(capacity[b.OrganizationID], b.Capacity)
			offers[b.OrganizationID] = append(offers[b.OrganizationID], offer{rt.t.ID, sc})
			p.Bids = append(p.Bids, matching.Bid{Tender: tenderKey(rt.t.ID), Organization: orgKey(b.OrganizationID), Score: sc})
		}
	}
	slices.Sort(orgIDs)
	for _, o := range orgIDs {
		os := offers[o]
		slices.SortFunc(os, func(x, y offer) int {
			if x.score != y.score {
				if x.score > y.score {
					return -1
				}
				return 1
			}
			return cmpInt64(x.tender, y.tender)
		})
		pref := slices.Clone(prefs[o])
		for _, x := range os {
			pref = append(pref, tenderKey(x.tender))
		}
		p.Organizations = append(p.Organizations, matching.Bidder{ID: orgKey(o), Capacity: capacity[o], Preferences: pref})
	}
	return p
}

func cmpInt64(a, b int64) int { return cmp.Compare(a, b) }
