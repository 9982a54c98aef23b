package app_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/wushe/wushe/app"
)

// BenchmarkContributions pays b.N contributions through the app with 50 concurrent clients,
// spread over 10 campaigns matched 1:1 by one pool: each is one transaction that locks its
// campaign, posts the gift, decides and reserves the match with a conditional update and
// stores the payment event. Invariants are checked at the end. Reports contributions/s.
func BenchmarkContributions(b *testing.B) {
	fw := newFundsWorld(b, app.RuleInput{Ratio: "1:1", DonorCap: 50000}, 1<<40)
	var camps []*app.Campaign
	for i := 0; i < 10; i++ {
		camps = append(camps, fw.campaign(1<<40, "keep_what_you_raise", true))
	}
	cs := make([]*app.Contribution, b.N)
	for i := range cs {
		cs[i] = fw.pending(camps[i%len(camps)], fmt.Sprintf("user:%d", i%500), int64(1000+i%7*100))
	}
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for w := 0; w < 50; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(cs) {
					return
				}
				if _, err := fw.a.ApplyPaymentEvent(ctx, "stripe", paid(cs[i], fmt.Sprintf("evt_%d", cs[i].ID))); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "contributions/s")
	fw.checkInvariants()
}
