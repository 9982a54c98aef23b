package matching_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/wushe/wushe/matching"
)

func genAward(r *rand.Rand) matching.AwardProblem {
	var p matching.AwardProblem
	nt, no := 1+r.IntN(5), 1+r.IntN(5)
	for t := range nt {
		p.Tenders = append(p.Tenders, matching.Tender{ID: fmt.Sprintf("T%d", t), Capacity: r.IntN(3)})
		if r.IntN(4) == 0 {
			p.Tenders[t].MinScore = 60
		}
	}
	for o := range no {
		p.Organizations = append(p.Organizations, matching.Bidder{ID: fmt.Sprintf("O%d", o), Capacity: r.IntN(3)})
	}
	for o := range no {
		var bid []string
		for t := range nt {
			if r.IntN(3) > 0 {
				score := float64(50 + 10*r.IntN(5)) // few values: ties
				p.Bids = append(p.Bids, matching.Bid{Tender: fmt.Sprintf("T%d", t), Organization: fmt.Sprintf("O%d", o), Score: score})
				bid = append(bid, fmt.Sprintf("T%d", t))
			}
		}
		if r.IntN(2) == 0 { // explicit preference order, else by score
			r.Shuffle(len(bid), func(a, b int) { bid[a], bid[b] = bid[b], bid[a] })
			p.Organizations[o].Preferences = bid
		}
	}
	r.Shuffle(len(p.Bids), func(a, b int) { p.Bids[a], p.Bids[b] = p.Bids[b], p.Bids[a] })
	return p
}

// prefs rebuilds both sides' strict preferences independently of the package: tenders by score
// then organization ID, organizations by their list or by score then tender ID.
func prefs(p matching.AwardProblem) (tRank, oRank map[[2]string]int, acceptable map[[2]string]bool) {
	tRank, oRank, acceptable = map[[2]string]int{}, map[[2]string]int{}, map[[2]string]bool{}
	minScore := map[string]float64{}
	for _, t := range p.Tenders {
		minScore[t.ID] = t.MinScore
	}
	for _, t := range p.Tenders {
		var bs []matching.Bid
		for _, b := range p.Bids {
			if b.Tender == t.ID {
				bs = append(bs, b)
			}
		}
		slices.SortFunc(bs, func(a, b matching.Bid) int {
			if a.Score != b.Score {
				if a.Score > b.Score {
					return -1
				}
				return 1
			}
			if a.Organization < b.Organization {
				return -1
			}
			return 1
		})
		for i, b := range bs {
			tRank[[2]string{t.ID, b.Organization}] = i
		}
	}
	for _, o := range p.Organizations {
		order := o.Preferences
		if len(order) == 0 {
			var bs []matching.Bid
			for _, b := range p.Bids {
				if b.Organization == o.ID {
					bs = append(bs, b)
				}
			}
			slices.SortFunc(bs, func(a, b matching.Bid) int {
				if a.Score != b.Score {
					if a.Score > b.Score {
						return -1
					}
					return 1
				}
				if a.Tender < b.Tender {
					return -1
				}
				return 1
			})
			order = nil
			for _, b := range bs {
				order = append(order, b.Tender)
			}
		}
		for i, t := range order {
			oRank[[2]string{t, o.ID}] = i
		}
	}
	for _, b := range p.Bids {
		acceptable[[2]string{b.Tender, b.Organization}] = b.Score >= minScore[b.Tender]
	}
	return tRank, oRank, acceptable
}

// checkStable verifies capacities, individual rationality and the absence of blocking pairs by
// brute force over every bid, and that every losing bid's reason is consistent.
func checkStable(t *testing.T, p matching.AwardProblem, res matching.AwardResult) {
	t.Helper()
	tRank, oRank, acceptable := prefs(p)
	tCap, oCap := map[string]int{}, map[string]int{}
	for _, x := range p.Tenders {
		tCap[x.ID] = x.Capacity
	}
	for _, x := range p.Organizations {
		oCap[x.ID] = x.Capacity
	}
	matched := map[[2]string]bool{}
	tHeld, oHeld := map[string][]string{}, map[string][]string{}
	for _, a := range res.Awards {
		k := [2]string{a.Tender, a.Organization}
		if !acceptable[k] {
			t.Fatalf("award %v is not acceptable", a)
		}
		matched[k] = true
		tHeld[a.Tender] = append(tHeld[a.Tender], a.Organization)
		oHeld[a.Organization] = append(oHeld[a.Organization], a.Tender)
	}
	for id, h := range tHeld {
		if len(h) > tCap[id] {
			t.Fatalf("tender %s over capacity: %v", id, h)
		}
	}
	for id, h := range oHeld {
		if len(h) > oCap[id] {
			t.Fatalf("organization %s over capacity: %v", id, h)
		}
	}
	wantsT := func(tid, oid string) bool { // tender has room or prefers oid to a winner
		if len(tHeld[tid]) < tCap[tid] {
			return true
		}
		for _, w := range tHeld[tid] {
			if tRank[[2]string{tid, oid}] < tRank[[2]string{tid, w}] {
				return true
			}
		}
		return false
	}
	wantsO := func(tid, oid string) bool {
		if len(oHeld[oid]) < oCap[oid] {
			return true
		}
		for _, h := range oHeld[oid] {
			if oRank[[2]string{tid, oid}] < oRank[[2]string{h, oid}] {
				return true
			}
		}
		return false
	}
	if len(res.Bids) != len(p.Bids) {
		t.Fatalf("%d outcomes for %d bids", len(res.Bids), len(p.Bids))
	}
	for i, b := range p.Bids {
		k := [2]string{b.Tender, b.Organization}
		out := res.Bids[i]
		if out.Tender != b.Tender || out.Organization != b.Organization || out.Won != matched[k] {
			t.Fatalf("outcome %d %+v does not match bid %+v (matched %v)", i, out, b, matched[k])
		}
		if matched[k] || !acceptable[k] {
			if !acceptable[k] && out.Reason != matching.ReasonBelowMinimum {
				t.Fatalf("bid %v below minimum has reason %q", b, out.Reason)
			}
			continue
		}
		wt, wo := wantsT(b.Tender, b.Organization), wantsO(b.Tender, b.Organization)
		if wt && wo {
			t.Fatalf("blocking pair %v\nproblem %+v\nresult %+v", k, p, res)
		}
		want := map[[2]bool]matching.Reason{{false, false}: matching.ReasonBothFull, {false, true}: matching.ReasonTenderFull, {true, false}: matching.ReasonOrganizationFull}[[2]bool{wt, wo}]
		if out.Reason != want {
			t.Fatalf("bid %v: reason %q, want %q", b, out.Reason, want)
		}
	}
}

func TestAwardStableByBruteForce(t *testing.T) {
	t.Parallel()
	for _, proposer := range []matching.Proposer{"", matching.OrganizationsPropose, matching.TendersPropose} {
		r := rand.New(rand.NewPCG(5, 5))
		for i := range 1500 {
			p := genAward(r)
			p.Proposer = proposer
			res, err := matching.Award(p)
			if err != nil {
				t.Fatalf("instance %d: %v", i, err)
			}
			if want := cmpOr(proposer, matching.OrganizationsPropose); res.Proposer != want {
				t.Fatalf("proposer %q, want %q", res.Proposer, want)
			}
			checkStable(t, p, res)
		}
	}
}

func cmpOr(p, def matching.Proposer) matching.Proposer {
	if p == "" {
		return def
	}
	return p
}

// TestAwardProposerOptimal shows the choice of proposer matters: with two stable matchings,
// each side gets its preferred one when it proposes.
func TestAwardProposerOptimal(t *testing.T) {
	t.Parallel()
	// Tender A ranks X over Y, tender B ranks Y over X; X prefers B, Y prefers A.
	p := matching.AwardProblem{
		Tenders:       []matching.Tender{{ID: "A", Capacity: 1}, {ID: "B", Capacity: 1}},
		Organizations: []matching.Bidder{{ID: "X", Capacity: 1, Preferences: []string{"B", "A"}}, {ID: "Y", Capacity: 1, Preferences: []string{"A", "B"}}},
		Bids:          []matching.Bid{{"A", "X", 90}, {"A", "Y", 80}, {"B", "X", 70}, {"B", "Y", 85}},
	}
	tests := []struct {
		proposer matching.Proposer
		want     []matching.AwardPair
	}{
		{matching.OrganizationsPropose, []matching.AwardPair{{"A", "Y", 80}, {"B", "X", 70}}},
		{matching.TendersPropose, []matching.AwardPair{{"A", "X", 90}, {"B", "Y", 85}}},
	}
	for _, tc := range tests {
		p.Proposer = tc.proposer
		res, err := matching.Award(p)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Awards, tc.want) {
			t.Fatalf("%s propose: got %v, want %v", tc.proposer, res.Awards, tc.want)
		}
		checkStable(t, p, res)
	}
}

// TestAwardReasons pins the explanation of each outcome on a small tender round.
func TestAwardReasons(t *testing.T) {
	t.Parallel()
	p := matching.AwardProblem{
		Tenders: []matching.Tender{{ID: "elder-meals", Capacity: 1, MinScore: 60}, {ID: "youth", Capacity: 2}},
		Organizations: []matching.Bidder{
			{ID: "sunshine", Capacity: 1}, // prefers by score
			{ID: "harmony", Capacity: 2, Preferences: []string{"elder-meals", "youth"}}, // wants meals first
			{ID: "newcomer", Capacity: 1},
		},
		Bids: []matching.Bid{
			{"elder-meals", "sunshine", 92}, {"youth", "sunshine", 88},
			{"elder-meals", "harmony", 85}, {"youth", "harmony", 80},
			{"elder-meals", "newcomer", 55},
		},
	}
	res, err := matching.Award(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		won       bool
		reason    matching.Reason
		rank      int
		above     []matching.Rival
		preferred []string
	}{
		{true, matching.ReasonWon, 1, nil, nil},
		{false, matching.ReasonOrganizationFull, 1, nil, []string{"elder-meals"}},
		{false, matching.ReasonTenderFull, 2, []matching.Rival{{"sunshine", 92}}, nil},
		{true, matching.ReasonWon, 2, nil, nil},
		{false, matching.ReasonBelowMinimum, 3, nil, nil},
	}
	for i, w := range want {
		got := res.Bids[i]
		if got.Won != w.won || got.Reason != w.reason || got.Rank != w.rank || !slices.Equal(got.Above, w.above) || !slices.Equal(got.Preferred, w.preferred) {
			t.Errorf("bid %d (%s/%s): got %+v, want %+v", i, got.Tender, got.Organization, got, w)
		}
	}
	checkStable(t, p, res)
}

func TestAwardRejects(t *testing.T) {
	t.Parallel()
	ok := func() matching.AwardProblem {
		return matching.AwardProblem{
			Tenders:       []matching.Tender{{ID: "T", Capacity: 1}},
			Organizations: []matching.Bidder{{ID: "O", Capacity: 1}},
			Bids:          []matching.Bid{{Tender: "T", Organization: "O", Score: 80}},
		}
	}
	tests := []struct {
		name   string
		mutate func(*matching.AwardProblem)
		field  string
	}{
		{"proposer", func(p *matching.AwardProblem) { p.Proposer = "everyone" }, "proposer"},
		{"duplicate tender", func(p *matching.AwardProblem) { p.Tenders = append(p.Tenders, p.Tenders[0]) }, "tenders[1].id"},
		{"negative capacity", func(p *matching.AwardProblem) { p.Organizations[0].Capacity = -1 }, "organizations[0].capacity"},
		{"unknown tender", func(p *matching.AwardProblem) { p.Bids[0].Tender = "X" }, "bids[0].tender"},
		{"unknown organization", func(p *matching.AwardProblem) { p.Bids[0].Organization = "X" }, "bids[0].organization"},
		{"duplicate bid", func(p *matching.AwardProblem) { p.Bids = append(p.Bids, p.Bids[0]) }, "bids[1]"},
		{"preference without bid", func(p *matching.AwardProblem) {
			p.Tenders = append(p.Tenders, matching.Tender{ID: "U", Capacity: 1})
			p.Organizations[0].Preferences = []string{"T", "U"}
		}, "organizations[0].preferences[1]"},
		{"bid missing from preferences", func(p *matching.AwardProblem) {
			p.Tenders = append(p.Tenders, matching.Tender{ID: "U", Capacity: 1})
			p.Bids = append(p.Bids, matching.Bid{Tender: "U", Organization: "O", Score: 1})
			p.Organizations[0].Preferences = []string{"T"}
		}, "organizations[0].preferences"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := ok()
			tc.mutate(&p)
			_, err := matching.Award(p)
			var fe *matching.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("got %v, want an error for %s", err, tc.field)
			}
		})
	}
}
