package app

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/wushe/wushe/matching"
)

// BenchmarkAwardRound measures building and solving a city-wide joint award: 200 tenders
// (1–3 awards each), 1,000 organizations (capacity 1–3) each bidding on 5 tenders, and 300
// contracts already held.
func BenchmarkAwardRound(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	var round []*roundTender
	for i := range 200 {
		t := &Tender{ID: int64(i + 1), MaxAwards: 1 + r.IntN(3), MinScore: 40, PeriodStart: start, PeriodEnd: start.AddDate(1, 0, 0)}
		round = append(round, &roundTender{t: t, totals: map[int64]*bidTotal{}})
	}
	bid := int64(0)
	for o := range 1000 {
		capacity := 1 + r.IntN(3)
		for _, k := range r.Perm(200)[:5] {
			bid++
			rt := round[k]
			rt.bids = append(rt.bids, &TenderBid{ID: bid, TenderID: rt.t.ID, OrganizationID: int64(o + 1), Capacity: capacity})
			rt.totals[bid] = &bidTotal{Score: float64(r.IntN(10000)) / 100, Evaluators: 3}
		}
	}
	var held []heldContract
	for i := range 300 {
		held = append(held, heldContract{TenderID: int64(10000 + i/2), OrganizationID: int64(1 + i), Score: 80})
	}
	b.ResetTimer()
	for range b.N {
		res, err := matching.Award(awardProblem(round, held))
		if err != nil || len(res.Awards) == 0 {
			b.Fatal(err)
		}
	}
}
