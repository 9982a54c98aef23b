package matching

import (
	"fmt"
	"strings"
)

// Feature is one scored property of a candidate, valued in [0,1].
type Feature uint8

// The scored features. Each applies to some candidate kinds only (see appliesTo).
const (
	// FeatureFit is the share of the target's skills a volunteer holds, or whether an
	// organization serves the target's category.
	FeatureFit Feature = iota
	// FeatureDistance decays with great-circle distance: 1 on the spot, ½ at Profile.DistanceHalfMeters.
	FeatureDistance
	// FeatureAvailability is the share of the target's window hours a volunteer is available.
	FeatureAvailability
	// FeatureReputation is the Bayesian average of resident evaluations, mapped from 1–5 stars.
	FeatureReputation
	// FeatureReliability is a volunteer's smoothed show-up rate.
	FeatureReliability
	// FeatureLocality is same grid (1) > same community (½) > elsewhere (0) for volunteers, and
	// whether an organization's service area includes the target's community.
	FeatureLocality
	// FeatureInterest is a donor's declared interest in the target's category and community.
	FeatureInterest
	// FeatureGiving is a donor's track record: gifts/(gifts+1), since past givers give again.
	FeatureGiving
	numFeatures
)

var featureNames = [numFeatures]string{"fit", "distance", "availability", "reputation", "reliability", "locality", "interest", "giving"}

// String returns the feature's stable code, used in JSON and in error messages.
func (f Feature) String() string {
	if f < numFeatures {
		return featureNames[f]
	}
	return fmt.Sprintf("feature(%d)", uint8(f))
}

// MarshalText encodes the feature as its code.
func (f Feature) MarshalText() ([]byte, error) {
	if f >= numFeatures {
		return nil, fmt.Errorf("matching: unknown feature %d", uint8(f))
	}
	return []byte(featureNames[f]), nil
}

// Features lists every feature in display order.
func Features() []Feature {
	out := make([]Feature, numFeatures)
	for i := range out {
		out[i] = Feature(i)
	}
	return out
}

// appliesTo says which features can score which kind of candidate.
var appliesTo = [numKinds][numFeatures]bool{
	KindVolunteer:    {FeatureFit: true, FeatureDistance: true, FeatureAvailability: true, FeatureReputation: true, FeatureReliability: true, FeatureLocality: true},
	KindOrganization: {FeatureFit: true, FeatureDistance: true, FeatureReputation: true, FeatureLocality: true},
	KindDonor:        {FeatureDistance: true, FeatureInterest: true, FeatureGiving: true},
}

// Weights gives each feature its relative importance. Only ratios matter: for each candidate
// the weights of the features that apply are rescaled to sum to 1.
type Weights struct {
	Fit          float64 `json:"fit"`
	Distance     float64 `json:"distance"`
	Availability float64 `json:"availability"`
	Reputation   float64 `json:"reputation"`
	Reliability  float64 `json:"reliability"`
	Locality     float64 `json:"locality"`
	Interest     float64 `json:"interest"`
	Giving       float64 `json:"giving"`
}

// Get returns the weight of f.
func (w Weights) Get(f Feature) float64 { return w.array()[f] }

func (w Weights) array() [numFeatures]float64 {
	return [numFeatures]float64{w.Fit, w.Distance, w.Availability, w.Reputation, w.Reliability, w.Locality, w.Interest, w.Giving}
}

// KindWeights scales each kind's scores when volunteers, organizations and donors share one
// list (Ranking.Merged); it does not change the order within a kind.
type KindWeights struct {
	Volunteer    float64 `json:"volunteer"`
	Organization float64 `json:"organization"`
	Donor        float64 `json:"donor"`
}

func (k KindWeights) array() [numKinds]float64 {
	return [numKinds]float64{k.Volunteer, k.Organization, k.Donor}
}

// Prior is the pseudo-observation an average starts from, so that a few observations move it
// only a little: the estimate is (Weight·Mean + n·observed mean)/(Weight + n).
type Prior struct {
	Mean   float64 `json:"mean"`
	Weight float64 `json:"weight"`
}

// Profile is a complete set of ranking parameters: what community workers tune on the weights
// page. Use DefaultProfile for a starting point and Validate before use.
type Profile struct {
	Name    string      `json:"name"`
	Weights Weights     `json:"weights"`
	Kinds   KindWeights `json:"kinds"`
	// LoadPenalty λ sets the load discount 1/(1+λ·load/max load): 0 turns spreading off,
	// 1 halves the score of a candidate whose load has reached its cap.
	LoadPenalty float64 `json:"load_penalty"`
	// DistanceHalfMeters is the distance at which the distance feature falls to ½.
	DistanceHalfMeters float64 `json:"distance_half_meters"`
	// ReputationPrior is in stars (1–5) and pseudo-evaluations.
	ReputationPrior Prior `json:"reputation_prior"`
	// ReliabilityPrior is a show-up rate (0–1) and pseudo-shifts.
	ReliabilityPrior Prior `json:"reliability_prior"`
}

// Default parameters shared by every default profile.
const (
	defaultLoadPenalty  = 1.0
	defaultDistanceHalf = 2000.0
)

var (
	// defaultReputationPrior: a newcomer is assumed to be a solid 4-star, worth 10 evaluations,
	// so three 5-star ratings (4.23) do not beat two hundred 4.8s (4.76).
	defaultReputationPrior = Prior{Mean: 4.0, Weight: 10}
	// defaultReliabilityPrior: most volunteers come; 5 pseudo-shifts at 90%.
	defaultReliabilityPrior = Prior{Mean: 0.9, Weight: 5}
)

// DefaultProfile returns the starting profile for a community kind, following that kind's
// "long board": urban → charity resources (donor interest, donors first in the merged list);
// rural → resident mobilisation (locality, same-grid volunteers); merged → social
// organizations (reputation and category fit, organizations first); urban_village →
// volunteers (availability and distance, volunteers first). An empty or unknown kind gets a
// balanced profile with equal weights.
func DefaultProfile(kind CommunityKind) Profile {
	p := Profile{
		Name:               "balanced",
		Weights:            Weights{1, 1, 1, 1, 1, 1, 1, 1},
		Kinds:              KindWeights{1, 1, 1},
		LoadPenalty:        defaultLoadPenalty,
		DistanceHalfMeters: defaultDistanceHalf,
		ReputationPrior:    defaultReputationPrior,
		ReliabilityPrior:   defaultReliabilityPrior,
	}
	switch kind {
	case Urban:
		p.Name = string(Urban)
		p.Weights = Weights{Fit: 2, Distance: 1, Availability: 1, Reputation: 2, Reliability: 1, Locality: 1, Interest: 4, Giving: 2}
		p.Kinds = KindWeights{Volunteer: 0.8, Organization: 0.9, Donor: 1}
	case Rural:
		p.Name = string(Rural)
		p.Weights = Weights{Fit: 2, Distance: 2, Availability: 2, Reputation: 1, Reliability: 2, Locality: 4, Interest: 1, Giving: 1}
		p.Kinds = KindWeights{Volunteer: 1, Organization: 0.7, Donor: 0.6}
	case Merged:
		p.Name = string(Merged)
		p.Weights = Weights{Fit: 4, Distance: 1, Availability: 1, Reputation: 4, Reliability: 1, Locality: 1, Interest: 1, Giving: 1}
		p.Kinds = KindWeights{Volunteer: 0.8, Organization: 1, Donor: 0.6}
	case UrbanVillage:
		p.Name = string(UrbanVillage)
		p.Weights = Weights{Fit: 2, Distance: 3, Availability: 4, Reputation: 1, Reliability: 2, Locality: 1, Interest: 1, Giving: 1}
		p.Kinds = KindWeights{Volunteer: 1, Organization: 0.7, Donor: 0.6}
	}
	return p
}

// CommunityKinds lists the community kinds that have their own default profile.
func CommunityKinds() []CommunityKind { return []CommunityKind{Urban, Rural, Merged, UrbanVillage} }

// ValidCommunityKind reports whether k is one of the four kinds.
func ValidCommunityKind(k CommunityKind) bool {
	switch k {
	case Urban, Rural, Merged, UrbanVillage:
		return true
	}
	return false
}

// Validate rejects weights that are negative, NaN or infinite, all-zero weights (overall or
// for one kind of candidate), and out-of-range parameters. The error is a *FieldError naming
// the field, e.g. "weights.distance".
func (p *Profile) Validate() error {
	w := p.Weights.array()
	nonzero := false
	for f, x := range w {
		name := "weights." + Feature(f).String()
		if !finite(x) {
			return fieldErrorf(name, "%v is not a finite number", x)
		}
		if x < 0 {
			return fieldErrorf(name, "%v is negative", x)
		}
		nonzero = nonzero || x > 0
	}
	if !nonzero {
		return fieldErrorf("weights", "all weights are zero; at least one feature must count")
	}
	for k := CandidateKind(0); k < numKinds; k++ {
		sum := 0.0
		var names []string
		for f := Feature(0); f < numFeatures; f++ {
			if appliesTo[k][f] {
				sum += w[f]
				names = append(names, f.String())
			}
		}
		if sum == 0 {
			return fieldErrorf("weights", "every weight that applies to %ss (%s) is zero", k, strings.Join(names, ", "))
		}
	}
	kw := p.Kinds.array()
	anyKind := false
	for k, x := range kw {
		name := "kinds." + CandidateKind(k).String()
		if !finite(x) {
			return fieldErrorf(name, "%v is not a finite number", x)
		}
		if x < 0 {
			return fieldErrorf(name, "%v is negative", x)
		}
		anyKind = anyKind || x > 0
	}
	if !anyKind {
		return fieldErrorf("kinds", "all kind weights are zero")
	}
	switch {
	case !finite(p.LoadPenalty) || p.LoadPenalty < 0:
		return fieldErrorf("load_penalty", "%v must be a finite number ≥ 0", p.LoadPenalty)
	case !finite(p.DistanceHalfMeters) || p.DistanceHalfMeters <= 0:
		return fieldErrorf("distance_half_meters", "%v must be a finite number > 0", p.DistanceHalfMeters)
	case !finite(p.ReputationPrior.Mean) || p.ReputationPrior.Mean < 1 || p.ReputationPrior.Mean > 5:
		return fieldErrorf("reputation_prior.mean", "%v is outside 1–5 stars", p.ReputationPrior.Mean)
	case !finite(p.ReputationPrior.Weight) || p.ReputationPrior.Weight < 0:
		return fieldErrorf("reputation_prior.weight", "%v must be a finite number ≥ 0", p.ReputationPrior.Weight)
	case !finite(p.ReliabilityPrior.Mean) || p.ReliabilityPrior.Mean < 0 || p.ReliabilityPrior.Mean > 1:
		return fieldErrorf("reliability_prior.mean", "%v is outside 0–1", p.ReliabilityPrior.Mean)
	case !finite(p.ReliabilityPrior.Weight) || p.ReliabilityPrior.Weight < 0:
		return fieldErrorf("reliability_prior.weight", "%v must be a finite number ≥ 0", p.ReliabilityPrior.Weight)
	}
	return nil
}
