package matching

import "math"

// Locality is how close a candidate's home is to the target in the administrative sense.
type Locality uint8

// Locality levels, from none to closest.
const (
	LocalityOther       Locality = iota // a different community (or unknown)
	LocalityCommunity                   // same community, another or unknown grid
	LocalityGrid                        // same grid
	LocalityServiceArea                 // an organization whose service area includes the community
)

var localityNames = [...]string{"other", "community", "grid", "service_area"}

// String returns the level's stable code.
func (l Locality) String() string {
	if int(l) < len(localityNames) {
		return localityNames[l]
	}
	return "unknown"
}

// MarshalText encodes the level as its code.
func (l Locality) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// FeatureScore explains one feature of one result: the raw input, its [0,1] value, the weight
// it carried and its contribution (Weight × Value). Which raw fields are set depends on the
// feature:
//
//	fit           Matched of Of skills (volunteers) or categories (organizations: 1 of 1 or 0 of 1)
//	distance      Meters (Known false when the candidate shared no location: Value 0)
//	availability  Matched of Of window hours
//	reputation    Mean and Count of evaluations; Adjusted is the Bayesian average in stars
//	reliability   Matched (shows) of Of (shifts); Adjusted is the smoothed rate
//	locality      Locality
//	interest      Category and Community say which interests matched; Matched of Of parts
//	giving        Count of past gifts
type FeatureScore struct {
	Feature      Feature  `json:"feature"`
	Value        float64  `json:"value"`
	Weight       float64  `json:"weight"`
	Contribution float64  `json:"contribution"`
	Known        bool     `json:"known"`
	Meters       float64  `json:"meters,omitempty"`
	Matched      int      `json:"matched,omitempty"`
	Of           int      `json:"of,omitempty"`
	Mean         float64  `json:"mean,omitempty"`
	Count        int      `json:"count,omitempty"`
	Adjusted     float64  `json:"adjusted,omitempty"`
	Locality     Locality `json:"locality,omitempty"`
	Category     bool     `json:"category,omitempty"`
	Community    bool     `json:"community,omitempty"`
}

// Explanation says why a candidate scored what it did: Score = Base × Discount, where Base is
// the sum of the feature contributions and Discount spreads work away from the busiest.
type Explanation struct {
	Features []FeatureScore `json:"features"`
	Base     float64        `json:"base"`
	// Load and MaxLoad are the candidate's load and cap (Capacity for organizations); Discount
	// is 1/(1+λ·Load/MaxLoad), or 1 without a cap.
	Load     float64 `json:"load"`
	MaxLoad  float64 `json:"max_load"`
	Discount float64 `json:"discount"`
	// Skills lists the target's skills the volunteer holds, in the target's order.
	Skills []string `json:"skills,omitempty"`
}

// Feature returns the explanation of f and whether f counted for this candidate.
func (e *Explanation) Feature(f Feature) (FeatureScore, bool) {
	for _, s := range e.Features {
		if s.Feature == f {
			return s, true
		}
	}
	return FeatureScore{}, false
}

// query is a Target and Profile compiled for scoring.
type query struct {
	t *Target
	p Profile
	// w holds each kind's weights rescaled over the features that apply to this target and
	// kind; a feature that does not apply has weight 0 and is left out of explanations.
	w        [numKinds][numFeatures]float64
	kindW    [numKinds]float64
	skills   []string // the target's distinct skills
	minSk    int      // MinSkills capped at len(skills)
	winHours int
	loc      vec3
	located  bool
	radius   bool    // the radius filter is on
	radius2  float64 // squared chord of the radius
	decay    float64 // ln 2 / DistanceHalfMeters
}

func compileQuery(t *Target, p Profile) *query {
	q := &query{t: t, p: p, decay: math.Ln2 / p.DistanceHalfMeters}
	seen := map[string]bool{}
	for _, s := range t.Skills {
		if !seen[s] {
			seen[s] = true
			q.skills = append(q.skills, s)
		}
	}
	q.minSk = min(t.MinSkills, len(q.skills))
	q.winHours = t.Window.Hours()
	if t.Location != nil {
		q.loc, q.located = unitVector(*t.Location), true
		if t.RadiusMeters > 0 {
			q.radius, q.radius2 = true, metersToChord2(t.RadiusMeters)
		}
	}
	q.kindW = p.Kinds.array()
	raw := p.Weights.array()
	for k := CandidateKind(0); k < numKinds; k++ {
		var on [numFeatures]bool
		for f := Feature(0); f < numFeatures; f++ {
			on[f] = appliesTo[k][f]
		}
		on[FeatureDistance] = q.located
		on[FeatureAvailability] = on[FeatureAvailability] && q.winHours > 0
		switch k {
		case KindVolunteer:
			on[FeatureFit] = len(q.skills) > 0
			on[FeatureLocality] = t.GridID != 0 || t.CommunityID != 0
		case KindOrganization:
			on[FeatureFit] = t.Category != ""
			on[FeatureLocality] = t.CommunityID != 0
		case KindDonor:
			on[FeatureInterest] = t.Category != "" || t.CommunityID != 0
		}
		sum := 0.0
		for f := range on {
			if on[f] {
				sum += raw[f]
			}
		}
		if sum == 0 {
			continue // nothing applies: every candidate of this kind scores 0
		}
		for f := range on {
			if on[f] {
				q.w[k][f] = raw[f] / sum
			}
		}
	}
	return q
}

// facts are the raw inputs of one candidate's features, gathered either from an index's
// columns or from a plain struct; both paths score through the same functions so that a result
// and its explanation always agree.
type facts struct {
	kind     CandidateKind
	matched  int // volunteers: target skills held; organizations: 1 if the category is served
	overlap  int // volunteers: window hours available
	hasLoc   bool
	c2       float64 // squared unit chord to the target, when hasLoc
	eval     Evaluations
	shows    int
	noShows  int
	locality Locality
	interest [2]bool // donors: category, community
	gifts    int
	load     float64
	maxLoad  float64
	verified bool
}

// tier puts candidates in bands that rank before any score: for a target with a category, an
// organization registered for it (tier 0) always ranks before one that is not (tier 1), however
// near or well rated the latter is — a need is first offered to those who serve its kind of
// work, and "未登记此类别" leading the list read as a recommendation. The fit feature still
// scores within a band. Volunteers and donors are all tier 0.
func (q *query) tier(f *facts) uint8 {
	if f.kind == KindOrganization && q.t.Category != "" && f.matched == 0 {
		return 1
	}
	return 0
}

// passes applies the hard filters.
func (q *query) passes(f *facts) bool {
	if f.maxLoad > 0 && f.load >= f.maxLoad {
		return false // no capacity left
	}
	switch f.kind {
	case KindVolunteer:
		if f.matched < q.minSk || (q.winHours > 0 && f.overlap == 0) {
			return false
		}
		if q.radius && !(f.hasLoc && f.c2 <= q.radius2) {
			return false
		}
	case KindOrganization:
		if (q.t.RequireCategory && f.matched == 0) || (q.t.Paid && !f.verified) {
			return false
		}
		if q.radius && !(f.hasLoc && f.c2 <= q.radius2) && f.locality != LocalityServiceArea {
			return false
		}
	}
	return true
}

// values computes every feature value; distance is 1 (its upper bound) unless withDistance,
// which lets a scan skip the square root, arcsine and exponential for hopeless candidates.
func (q *query) values(f *facts, withDistance bool) (v [numFeatures]float64) {
	w := &q.w[f.kind]
	if w[FeatureFit] > 0 {
		switch f.kind {
		case KindVolunteer:
			v[FeatureFit] = float64(f.matched) / float64(len(q.skills))
		case KindOrganization:
			v[FeatureFit] = float64(f.matched)
		}
	}
	if w[FeatureDistance] > 0 {
		switch {
		case !f.hasLoc:
			v[FeatureDistance] = 0
		case withDistance:
			v[FeatureDistance] = q.distValue(f.c2)
		default:
			v[FeatureDistance] = 1
		}
	}
	if w[FeatureAvailability] > 0 {
		v[FeatureAvailability] = float64(f.overlap) / float64(q.winHours)
	}
	if w[FeatureReputation] > 0 {
		v[FeatureReputation] = (bayes(q.p.ReputationPrior, f.eval) - 1) / 4
	}
	if w[FeatureReliability] > 0 {
		v[FeatureReliability] = showRate(q.p.ReliabilityPrior, f.shows, f.noShows)
	}
	if w[FeatureLocality] > 0 {
		v[FeatureLocality] = localityValue(f.locality)
	}
	if w[FeatureInterest] > 0 {
		v[FeatureInterest] = q.interestValue(f.interest)
	}
	if w[FeatureGiving] > 0 {
		v[FeatureGiving] = float64(f.gifts) / float64(f.gifts+1)
	}
	return v
}

// distValue is the distance feature: exponential decay, ½ at DistanceHalfMeters.
func (q *query) distValue(c2 float64) float64 { return math.Exp(-q.decay * chordToMeters(c2)) }

// combine is the weighted sum; always the same order of additions, so results are reproducible.
func (q *query) combine(k CandidateKind, v *[numFeatures]float64) float64 {
	w := &q.w[k]
	s := 0.0
	for i := range v {
		s += w[i] * v[i]
	}
	return s
}

// discount is the load-spreading factor 1/(1+λ·load/max); without a cap there is nothing to
// measure utilisation against, so no discount.
func (q *query) discount(load, maxLoad float64) float64 {
	if maxLoad <= 0 || q.p.LoadPenalty == 0 {
		return 1
	}
	return 1 / (1 + q.p.LoadPenalty*load/maxLoad)
}

// bayes is the Bayesian average in stars: the prior counts as Weight evaluations of Mean.
func bayes(p Prior, e Evaluations) float64 {
	n := float64(max(e.Count, 0))
	if p.Weight+n == 0 {
		return p.Mean
	}
	mean := e.Mean
	if e.Count <= 0 {
		mean = 0
	}
	return (p.Weight*p.Mean + n*mean) / (p.Weight + n)
}

// BayesianRating is the evaluation average the reputation feature uses, in stars: a prior of
// weight pseudo-evaluations at mean stars plus the observed evaluations.
func BayesianRating(mean, weight float64, e Evaluations) float64 {
	return bayes(Prior{Mean: mean, Weight: weight}, e)
}

// showRate is the smoothed share of shifts attended.
func showRate(p Prior, shows, noShows int) float64 {
	n := float64(shows + noShows)
	if p.Weight+n == 0 {
		return p.Mean
	}
	return (float64(shows) + p.Weight*p.Mean) / (n + p.Weight)
}

func localityValue(l Locality) float64 {
	switch l {
	case LocalityGrid, LocalityServiceArea:
		return 1
	case LocalityCommunity:
		return 0.5
	}
	return 0
}

// interestValue averages the interest parts that apply to the target.
func (q *query) interestValue(in [2]bool) float64 {
	n, got := 0, 0
	if q.t.Category != "" {
		n++
		if in[0] {
			got++
		}
	}
	if q.t.CommunityID != 0 {
		n++
		if in[1] {
			got++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(got) / float64(n)
}

// volLocality compares a volunteer's grid and community with the target's.
func (q *query) volLocality(grid, comm int64) Locality {
	switch {
	case q.t.GridID != 0 && grid == q.t.GridID:
		return LocalityGrid
	case q.t.CommunityID != 0 && comm == q.t.CommunityID:
		return LocalityCommunity
	}
	return LocalityOther
}

// explain builds the full explanation from facts (only for the few results shown).
func (q *query) explain(f *facts) (Explanation, float64) {
	v := q.values(f, true)
	base := q.combine(f.kind, &v)
	d := q.discount(f.load, f.maxLoad)
	e := Explanation{Base: base, Load: f.load, MaxLoad: f.maxLoad, Discount: d}
	w := &q.w[f.kind]
	for i := Feature(0); i < numFeatures; i++ {
		if w[i] == 0 {
			continue
		}
		s := FeatureScore{Feature: i, Value: v[i], Weight: w[i], Contribution: w[i] * v[i], Known: true}
		switch i {
		case FeatureFit:
			s.Matched, s.Of = f.matched, len(q.skills)
			if f.kind == KindOrganization {
				s.Of = 1
			}
		case FeatureDistance:
			s.Known = f.hasLoc
			if f.hasLoc {
				s.Meters = chordToMeters(f.c2)
			}
		case FeatureAvailability:
			s.Matched, s.Of = f.overlap, q.winHours
		case FeatureReputation:
			s.Mean, s.Count, s.Adjusted = f.eval.Mean, f.eval.Count, bayes(q.p.ReputationPrior, f.eval)
			s.Known = f.eval.Count > 0
		case FeatureReliability:
			s.Matched, s.Of, s.Adjusted = f.shows, f.shows+f.noShows, v[i]
			s.Known = f.shows+f.noShows > 0
		case FeatureLocality:
			s.Locality = f.locality
		case FeatureInterest:
			s.Category, s.Community = f.interest[0], f.interest[1]
			for j, on := range [2]bool{q.t.Category != "", q.t.CommunityID != 0} {
				if on {
					s.Of++
					if f.interest[j] {
						s.Matched++
					}
				}
			}
		case FeatureGiving:
			s.Count = f.gifts
		}
		e.Features = append(e.Features, s)
	}
	return e, base * d
}
