package matching

import (
	"cmp"
	"fmt"
	"slices"
)

// Tender is a government purchase-of-services tender (政府购买服务项目) with Capacity awards
// (lots): the most organizations it contracts.
type Tender struct {
	ID       string `json:"id"`
	Capacity int    `json:"capacity"`
	// MinScore is the lowest rubric score that can win; bids below it are out whatever happens.
	MinScore float64 `json:"min_score"`
}

// Bidder is an organization taking part in an award round.
type Bidder struct {
	ID string `json:"id"`
	// Capacity is how many tenders the organization can deliver at once.
	Capacity int `json:"capacity"`
	// Preferences lists the tenders the organization bid on, most wanted first (e.g. by its own
	// price or fit). Empty means its bids ordered by score, best first, ties by tender ID.
	Preferences []string `json:"preferences,omitempty"`
}

// Bid is an organization's bid on a tender with its rubric score from the evaluators.
type Bid struct {
	Tender       string  `json:"tender"`
	Organization string  `json:"organization"`
	Score        float64 `json:"score"`
}

// Proposer says which side proposes in deferred acceptance.
type Proposer string

// The two proposing sides. The proposing side gets the best stable outcome for itself.
const (
	// OrganizationsPropose is the default. Organizations are the side whose preferences are
	// private and could be gamed; the tenders' side is fixed by the evaluators' rubric scores.
	// Organization-proposing deferred acceptance makes truthful preferences a dominant strategy
	// for organizations of capacity 1 (and gives every organization its best stable outcome),
	// while stability guarantees no tender is left preferring a rejected bidder that would come.
	OrganizationsPropose Proposer = "organizations"
	// TendersPropose gives every tender its best stable set of winners instead.
	TendersPropose Proposer = "tenders"
)

// AwardProblem is the input of Award.
type AwardProblem struct {
	Tenders       []Tender `json:"tenders"`
	Organizations []Bidder `json:"organizations"`
	Bids          []Bid    `json:"bids"`
	// Proposer is the proposing side; empty means OrganizationsPropose.
	Proposer Proposer `json:"proposer,omitempty"`
}

// Reason says why a bid won or lost.
type Reason string

// Outcomes of a bid. A losing bid that clears the minimum always has a tender_full or
// organization_full reason (or both): that is what stability means.
const (
	ReasonWon          Reason = "won"
	ReasonBelowMinimum Reason = "below_minimum" // score under the tender's MinScore
	// ReasonTenderFull: every award of the tender went to a bid it ranks higher (Above).
	ReasonTenderFull Reason = "tender_full"
	// ReasonOrganizationFull: the organization is at capacity with tenders it prefers (Preferred).
	ReasonOrganizationFull Reason = "organization_full"
	// ReasonBothFull: both of the above.
	ReasonBothFull Reason = "tender_and_organization_full"
)

// Rival is a winning bid that outranked a losing one at the same tender.
type Rival struct {
	Organization string  `json:"organization"`
	Score        float64 `json:"score"`
}

// BidOutcome is the result and the reason for one bid.
type BidOutcome struct {
	Tender       string  `json:"tender"`
	Organization string  `json:"organization"`
	Score        float64 `json:"score"`
	// Rank is the bid's position in the tender's ranking of all its bids (1 = best).
	Rank   int    `json:"rank"`
	Won    bool   `json:"won"`
	Reason Reason `json:"reason"`
	// Above lists the tender's winners ranked above this bid, best first (set when the
	// tender was full).
	Above []Rival `json:"above,omitempty"`
	// Preferred lists the tenders the organization won and prefers to this one, in its order
	// (set when the organization was full).
	Preferred []string `json:"preferred,omitempty"`
}

// AwardPair is one award.
type AwardPair struct {
	Tender       string  `json:"tender"`
	Organization string  `json:"organization"`
	Score        float64 `json:"score"`
}

// AwardResult is a stable matching of tenders and organizations.
type AwardResult struct {
	Proposer Proposer `json:"proposer"`
	// Awards are sorted by tender ID, then by the tender's ranking.
	Awards []AwardPair `json:"awards"`
	// Bids holds one outcome per input bid, in input order.
	Bids []BidOutcome `json:"bids"`
}

// Award runs deferred acceptance (Gale–Shapley, many-to-many with capacities on both sides)
// and explains every bid. Tenders rank bids by score, highest first; equal scores are ordered
// by organization ID so that the result never depends on input order. The matching is stable:
// no tender and organization that are not matched would both rather be (each has room or
// prefers the other to someone it holds). Errors are *FieldError values naming the bad entry.
func Award(p AwardProblem) (AwardResult, error) {
	in, err := compileAward(&p)
	if err != nil {
		return AwardResult{}, err
	}
	nt, no := len(p.Tenders), len(p.Organizations)
	// matched[t][o] after the run.
	var held [][]int32 // per holder: the proposers it holds
	if in.proposer == OrganizationsPropose {
		held = deferredAcceptance(in.orgPref, in.orgCap, in.tRank, in.tCap)
	} else {
		held = deferredAcceptance(in.tPref, in.tCap, in.oRank, in.orgCap)
	}
	won := make([][]bool, nt)
	for t := range won {
		won[t] = make([]bool, no)
	}
	for h, ps := range held {
		for _, x := range ps {
			if in.proposer == OrganizationsPropose {
				won[h][x] = true
			} else {
				won[x][h] = true
			}
		}
	}
	// Winners of each tender in ranking order, and awards of each organization in its order.
	winners := make([][]int32, nt)
	for t := range nt {
		for _, o := range in.tPref[t] {
			if won[t][o] {
				winners[t] = append(winners[t], o)
			}
		}
	}
	awards := make([][]int32, no)
	for o := range no {
		for _, t := range in.orgPref[o] {
			if won[t][o] {
				awards[o] = append(awards[o], t)
			}
		}
	}
	res := AwardResult{Proposer: in.proposer}
	ids := make([]int, nt)
	for i := range ids {
		ids[i] = i
	}
	slices.SortFunc(ids, func(a, b int) int { return cmp.Compare(p.Tenders[a].ID, p.Tenders[b].ID) })
	for _, t := range ids {
		for _, o := range winners[t] {
			res.Awards = append(res.Awards, AwardPair{Tender: p.Tenders[t].ID, Organization: p.Organizations[o].ID, Score: in.score[t][o]})
		}
	}
	for i, b := range p.Bids {
		t, o := in.bidT[i], in.bidO[i]
		out := BidOutcome{Tender: b.Tender, Organization: b.Organization, Score: b.Score, Rank: in.fullRank[i]}
		switch {
		case won[t][o]:
			out.Won, out.Reason = true, ReasonWon
		case b.Score < p.Tenders[t].MinScore:
			out.Reason = ReasonBelowMinimum
		default:
			tFull := len(winners[t]) >= in.tCap[t] && (len(winners[t]) == 0 || in.tRank[t][winners[t][len(winners[t])-1]] < in.tRank[t][o])
			oFull := len(awards[o]) >= in.orgCap[o] && (len(awards[o]) == 0 || in.oRank[o][awards[o][len(awards[o])-1]] < in.oRank[o][t])
			if tFull {
				for _, w := range winners[t] {
					out.Above = append(out.Above, Rival{Organization: p.Organizations[w].ID, Score: in.score[t][w]})
				}
			}
			if oFull {
				for _, a := range awards[o] {
					out.Preferred = append(out.Preferred, p.Tenders[a].ID)
				}
			}
			switch {
			case tFull && oFull:
				out.Reason = ReasonBothFull
			case tFull:
				out.Reason = ReasonTenderFull
			case oFull:
				out.Reason = ReasonOrganizationFull
			default:
				// Deferred acceptance always ends stable; reaching here would be a bug.
				panic(fmt.Sprintf("matching: award left a blocking pair (%s, %s)", b.Tender, b.Organization))
			}
		}
		res.Bids = append(res.Bids, out)
	}
	return res, nil
}

// deferredAcceptance runs proposer-proposing deferred acceptance. pref[p] lists acceptable
// holders, best first; rank[h][p] is holder h's rank of proposer p (lower is better; every
// pair in pref is ranked). It returns, per holder, the proposers it holds at the end.
func deferredAcceptance(pref [][]int32, pCap []int, rank [][]int32, hCap []int) [][]int32 {
	next := make([]int, len(pref))
	count := make([]int, len(pref))
	held := make([][]int32, len(rank))
	queue := make([]int32, 0, len(pref))
	for p := range pref {
		queue = append(queue, int32(p))
	}
	for len(queue) > 0 {
		p := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for count[p] < pCap[p] && next[p] < len(pref[p]) {
			h := pref[p][next[p]]
			next[p]++
			if hCap[h] == 0 {
				continue
			}
			// Insert keeping the holder's list best first.
			r := rank[h][p]
			l := held[h]
			i, _ := slices.BinarySearchFunc(l, r, func(x int32, r int32) int { return cmp.Compare(rank[h][x], r) })
			held[h] = slices.Insert(l, i, p)
			count[p]++
			if len(held[h]) > hCap[h] {
				worst := held[h][len(held[h])-1]
				held[h] = held[h][:len(held[h])-1]
				count[worst]--
				if worst != p {
					queue = append(queue, worst)
				}
			}
		}
	}
	return held
}

// awardInput is a validated award problem with ids replaced by positions.
type awardInput struct {
	proposer Proposer
	tCap     []int
	orgCap   []int
	tPref    [][]int32   // per tender: acceptable organizations, best first
	tRank    [][]int32   // tRank[t][o]: position of o in tPref[t]
	orgPref  [][]int32   // per organization: acceptable tenders, best first
	oRank    [][]int32   // oRank[o][t]: position of t in orgPref[o]
	score    [][]float64 // score[t][o]
	bidT     []int32
	bidO     []int32
	fullRank []int // per bid: rank among all the tender's bids, 1-based
}

func compileAward(p *AwardProblem) (*awardInput, error) {
	in := &awardInput{proposer: p.Proposer}
	switch p.Proposer {
	case "":
		in.proposer = OrganizationsPropose
	case OrganizationsPropose, TendersPropose:
	default:
		return nil, fieldErrorf("proposer", "unknown side %q (want %q or %q)", p.Proposer, OrganizationsPropose, TendersPropose)
	}
	tw := make([]Worker, len(p.Tenders))
	for i, t := range p.Tenders {
		tw[i] = Worker{ID: t.ID, Capacity: t.Capacity}
		if !finite(t.MinScore) {
			return nil, fieldErrorf(fmt.Sprintf("tenders[%d].min_score", i), "%v is not a finite number", t.MinScore)
		}
	}
	ow := make([]Worker, len(p.Organizations))
	for i, o := range p.Organizations {
		ow[i] = Worker{ID: o.ID, Capacity: o.Capacity}
	}
	in.tCap, in.orgCap = make([]int, len(tw)), make([]int, len(ow))
	tID, err := indexIDs("tenders", tw, in.tCap)
	if err != nil {
		return nil, err
	}
	oID, err := indexIDs("organizations", ow, in.orgCap)
	if err != nil {
		return nil, err
	}
	nt, no := len(tw), len(ow)
	in.score = make([][]float64, nt)
	has := make([][]bool, nt)
	for t := range nt {
		in.score[t] = make([]float64, no)
		has[t] = make([]bool, no)
	}
	in.bidT, in.bidO = make([]int32, len(p.Bids)), make([]int32, len(p.Bids))
	bidsOf := make([][]int32, no) // tenders each organization bid on
	for i, b := range p.Bids {
		t, ok := tID[b.Tender]
		if !ok {
			return nil, fieldErrorf(fmt.Sprintf("bids[%d].tender", i), "unknown tender %q", b.Tender)
		}
		o, ok := oID[b.Organization]
		if !ok {
			return nil, fieldErrorf(fmt.Sprintf("bids[%d].organization", i), "unknown organization %q", b.Organization)
		}
		if !finite(b.Score) {
			return nil, fieldErrorf(fmt.Sprintf("bids[%d].score", i), "%v is not a finite number", b.Score)
		}
		if has[t][o] {
			return nil, fieldErrorf(fmt.Sprintf("bids[%d]", i), "organization %q bid twice on tender %q", b.Organization, b.Tender)
		}
		has[t][o], in.score[t][o] = true, b.Score
		in.bidT[i], in.bidO[i] = t, o
		bidsOf[o] = append(bidsOf[o], t)
	}
	// Tenders rank all their bids by score (ties by organization ID); only those at or above
	// the minimum are acceptable.
	in.tPref, in.tRank = make([][]int32, nt), make([][]int32, nt)
	fullPos := make([][]int, nt)
	for t := range nt {
		var all []int32
		for o := range no {
			if has[t][o] {
				all = append(all, int32(o))
			}
		}
		slices.SortFunc(all, func(a, b int32) int {
			return cmp.Or(cmp.Compare(in.score[t][b], in.score[t][a]), cmp.Compare(ow[a].ID, ow[b].ID))
		})
		fullPos[t] = make([]int, no)
		in.tRank[t] = make([]int32, no)
		for i, o := range all {
			fullPos[t][o] = i + 1
			if in.score[t][o] >= p.Tenders[t].MinScore {
				in.tRank[t][o] = int32(len(in.tPref[t]))
				in.tPref[t] = append(in.tPref[t], o)
			}
		}
	}
	in.fullRank = make([]int, len(p.Bids))
	for i := range p.Bids {
		in.fullRank[i] = fullPos[in.bidT[i]][in.bidO[i]]
	}
	// Organizations' preferences: given, or by score.
	in.orgPref, in.oRank = make([][]int32, no), make([][]int32, no)
	for o, org := range p.Organizations {
		var order []int32
		if len(org.Preferences) == 0 {
			order = slices.Clone(bidsOf[o])
			slices.SortFunc(order, func(a, b int32) int {
				return cmp.Or(cmp.Compare(in.score[b][o], in.score[a][o]), cmp.Compare(tw[a].ID, tw[b].ID))
			})
		} else {
			seen := map[int32]bool{}
			for k, id := range org.Preferences {
				f := fmt.Sprintf("organizations[%d].preferences[%d]", o, k)
				t, ok := tID[id]
				switch {
				case !ok:
					return nil, fieldErrorf(f, "unknown tender %q", id)
				case seen[t]:
					return nil, fieldErrorf(f, "tender %q listed twice", id)
				case !has[t][o]:
					return nil, fieldErrorf(f, "organization %q did not bid on tender %q", org.ID, id)
				}
				seen[t] = true
				order = append(order, t)
			}
			for _, t := range bidsOf[o] {
				if !seen[t] {
					return nil, fieldErrorf(fmt.Sprintf("organizations[%d].preferences", o), "tender %q, which organization %q bid on, is not listed", tw[t].ID, org.ID)
				}
			}
		}
		in.oRank[o] = make([]int32, nt)
		for _, t := range order {
			if in.score[t][o] >= p.Tenders[t].MinScore { // unacceptable to the tender: drop
				in.oRank[o][t] = int32(len(in.orgPref[o]))
				in.orgPref[o] = append(in.orgPref[o], t)
			}
		}
	}
	return in, nil
}
