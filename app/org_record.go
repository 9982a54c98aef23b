package app

import (
	"context"
	"math"

	"github.com/wushe/wushe/matching"
)

// Reputation is a subject's resident evaluations: how many, their mean in stars, and the
// Bayesian average the ranker's reputation feature uses (the default profile's prior of
// pseudo-evaluations), so three 5-star ratings do not look better than two hundred 4.8s.
type Reputation struct {
	Count int     `json:"count"`
	Mean  float64 `json:"mean"`
	// Rating is the Bayesian average in stars (1–5), rounded to hundredths.
	Rating float64 `json:"rating"`
}

// reputationOf turns evaluation counts into a Reputation with the ranker's default prior. A
// tender covers several communities, so their tuned profiles do not apply.
func reputationOf(st EvaluationStat) Reputation {
	prior := matching.DefaultProfile(matching.Urban).ReputationPrior
	r := matching.BayesianRating(prior.Mean, prior.Weight, matching.Evaluations{Count: st.Count, Mean: st.Mean})
	return Reputation{Count: st.Count, Mean: math.Round(st.Mean*100) / 100, Rating: math.Round(r*100) / 100}
}

// orgReputations loads the reputations of organizations by id.
func (a *App) orgReputations(ctx context.Context, ids []int64) (map[int64]Reputation, error) {
	out := make(map[int64]Reputation, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	st, err := a.organizationStats(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		out[id] = reputationOf(st[id])
	}
	return out, nil
}

// OrganizationRecord is what an organization has done: the government contracts it won
// (awarded tenders, newest period first) and its resident evaluations.
type OrganizationRecord struct {
	Awards     []PastAward `json:"awards"`
	Reputation Reputation  `json:"evaluations"`
}

// OrganizationRecord loads an organization's won contracts and evaluations. Award results are
// published, so anyone who may see the organization may see them.
func (a *App) OrganizationRecord(ctx context.Context, id int64) (*OrganizationRecord, error) {
	if _, err := a.store.FindOrganization(ctx, id); err != nil {
		return nil, err
	}
	awards, _, err := a.trackRecords(ctx, &Tender{}, []int64{id}, nil)
	if err != nil {
		return nil, err
	}
	reps, err := a.orgReputations(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	out := &OrganizationRecord{Awards: awards[id], Reputation: reps[id]}
	if out.Awards == nil {
		out.Awards = []PastAward{}
	}
	return out, nil
}
