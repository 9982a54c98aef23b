package matching_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/wushe/wushe/matching"
)

// at returns a position dx, dy metres east and north of the city centre.
func at(dx, dy float64) *matching.LatLng {
	p := kmToLatLng(dx/1000, dy/1000)
	return &p
}

func weekdayLunch() matching.Week {
	var w matching.Week
	for d := range 5 {
		w.SetRange(d, 11, 12)
	}
	return w
}

func mustIndex(t *testing.T, c matching.Candidates) *matching.Index {
	t.Helper()
	ix, err := matching.NewIndex(c)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func ids(ms []matching.Match) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

func TestWeek(t *testing.T) {
	t.Parallel()
	var w matching.Week
	w.Set(0, 0)
	w.SetRange(6, 22, 24) // Sunday night: the last two slots, bit 166 and 167
	if !w.Has(0, 0) || !w.Has(6, 23) || w.Has(6, 21) || w.Hours() != 3 {
		t.Fatalf("week %v", w)
	}
	if w[2]>>38 != 3 {
		t.Fatalf("Sunday 22–24 should be bits 166–167, got %x", w[2])
	}
	var o matching.Week
	o.SetRange(6, 23, 24)
	if w.Overlap(o) != 1 || (matching.Week{}).Overlap(w) != 0 || !(matching.Week{}).IsZero() {
		t.Fatal("overlap")
	}
}

func TestDistanceMeters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b matching.LatLng
		want float64
	}{
		{matching.LatLng{Lat: 0, Lng: 0}, matching.LatLng{Lat: 1, Lng: 0}, 111195},     // one degree of meridian
		{matching.LatLng{Lat: 30, Lng: 114}, matching.LatLng{Lat: 30, Lng: 114}, 0},    // same place
		{matching.LatLng{Lat: 0, Lng: 0}, matching.LatLng{Lat: 0, Lng: 180}, 20015114}, // half the circumference
		{*at(0, 0), *at(800, 0), 800}, // 0.8 km east
	}
	for _, tc := range tests {
		got := matching.DistanceMeters(tc.a, tc.b)
		if math.Abs(got-tc.want) > 1 {
			t.Errorf("DistanceMeters(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if back := matching.DistanceMeters(tc.b, tc.a); back != got {
			t.Errorf("not symmetric: %v vs %v", got, back)
		}
	}
}

// TestReputationIsBayesian is the case from the issue: three 5-star ratings must not beat two
// hundred 4.8s.
func TestReputationIsBayesian(t *testing.T) {
	t.Parallel()
	p := matching.DefaultProfile(matching.Merged)
	few := matching.BayesianRating(p.ReputationPrior.Mean, p.ReputationPrior.Weight, matching.Evaluations{Count: 3, Mean: 5})
	many := matching.BayesianRating(p.ReputationPrior.Mean, p.ReputationPrior.Weight, matching.Evaluations{Count: 200, Mean: 4.8})
	if few >= many {
		t.Fatalf("3 × 5★ → %v, 200 × 4.8★ → %v", few, many)
	}
	// And through the ranker: two organizations identical but for their evaluations.
	ix := mustIndex(t, matching.Candidates{Organizations: []matching.Organization{
		{ID: 1, Categories: []string{"elderly"}, Location: at(0, 0), Verified: true, Evaluations: matching.Evaluations{Count: 3, Mean: 5}},
		{ID: 2, Categories: []string{"elderly"}, Location: at(0, 0), Verified: true, Evaluations: matching.Evaluations{Count: 200, Mean: 4.8}},
	}})
	res, err := ix.Rank(matching.Target{Category: "elderly", Location: at(0, 0), CommunityKind: matching.Merged}, matching.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res.Organizations); !slices.Equal(got, []int64{2, 1}) {
		t.Fatalf("order %v, want the 200 × 4.8★ organization first", got)
	}
	rep, _ := res.Organizations[0].Explanation.Feature(matching.FeatureReputation)
	if rep.Count != 200 || rep.Mean != 4.8 || math.Abs(rep.Adjusted-many) > 1e-12 || math.Abs(rep.Value-(many-1)/4) > 1e-12 {
		t.Fatalf("reputation explanation %+v", rep)
	}
}

func TestProfileValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(p *matching.Profile)
		field  string
		msg    string
	}{
		{"negative weight", func(p *matching.Profile) { p.Weights.Distance = -1 }, "weights.distance", "negative"},
		{"NaN weight", func(p *matching.Profile) { p.Weights.Reputation = math.NaN() }, "weights.reputation", "not a finite number"},
		{"infinite weight", func(p *matching.Profile) { p.Weights.Interest = math.Inf(1) }, "weights.interest", "not a finite number"},
		{"all zero", func(p *matching.Profile) { p.Weights = matching.Weights{} }, "weights", "all weights are zero"},
		{"nothing for donors", func(p *matching.Profile) {
			p.Weights.Distance, p.Weights.Interest, p.Weights.Giving = 0, 0, 0
		}, "weights", "applies to donors (distance, interest, giving) is zero"},
		{"negative kind", func(p *matching.Profile) { p.Kinds.Donor = -0.5 }, "kinds.donor", "negative"},
		{"all kinds zero", func(p *matching.Profile) { p.Kinds = matching.KindWeights{} }, "kinds", "zero"},
		{"negative load penalty", func(p *matching.Profile) { p.LoadPenalty = -1 }, "load_penalty", "≥ 0"},
		{"zero half distance", func(p *matching.Profile) { p.DistanceHalfMeters = 0 }, "distance_half_meters", "> 0"},
		{"prior above 5 stars", func(p *matching.Profile) { p.ReputationPrior.Mean = 6 }, "reputation_prior.mean", "1–5"},
		{"negative prior weight", func(p *matching.Profile) { p.ReliabilityPrior.Weight = -1 }, "reliability_prior.weight", "≥ 0"},
		{"show rate above 1", func(p *matching.Profile) { p.ReliabilityPrior.Mean = 1.5 }, "reliability_prior.mean", "0–1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := matching.DefaultProfile(matching.Urban)
			tc.mutate(&p)
			err := p.Validate()
			var fe *matching.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Message, tc.msg) {
				t.Fatalf("got %v, want %s: …%s…", err, tc.field, tc.msg)
			}
			// Rank refuses the same profile.
			ix := mustIndex(t, matching.Candidates{})
			if _, err := ix.Rank(matching.Target{}, matching.Query{Profile: &p}); !errors.As(err, &fe) {
				t.Fatalf("Rank accepted an invalid profile: %v", err)
			}
		})
	}
	for _, k := range append(matching.CommunityKinds(), "") {
		p := matching.DefaultProfile(k)
		if err := p.Validate(); err != nil {
			t.Errorf("default profile %q: %v", k, err)
		}
	}
}

// TestDefaultProfilesFollowTheLongBoard checks each kind's default leans on its strength.
func TestDefaultProfilesFollowTheLongBoard(t *testing.T) {
	t.Parallel()
	heaviest := func(w matching.Weights) matching.Feature {
		best := matching.FeatureFit
		for _, f := range matching.Features() {
			if w.Get(f) > w.Get(best) {
				best = f
			}
		}
		return best
	}
	tests := []struct {
		kind    matching.CommunityKind
		feature matching.Feature
		first   matching.CandidateKind // the kind with the largest kind weight
	}{
		{matching.Urban, matching.FeatureInterest, matching.KindDonor},
		{matching.Rural, matching.FeatureLocality, matching.KindVolunteer},
		{matching.Merged, matching.FeatureFit, matching.KindOrganization}, // fit and reputation tie
		{matching.UrbanVillage, matching.FeatureAvailability, matching.KindVolunteer},
	}
	for _, tc := range tests {
		p := matching.DefaultProfile(tc.kind)
		if got := heaviest(p.Weights); got != tc.feature {
			t.Errorf("%s: heaviest feature %s, want %s", tc.kind, got, tc.feature)
		}
		kw := map[matching.CandidateKind]float64{matching.KindVolunteer: p.Kinds.Volunteer, matching.KindOrganization: p.Kinds.Organization, matching.KindDonor: p.Kinds.Donor}
		for k, w := range kw {
			if k != tc.first && w >= kw[tc.first] {
				t.Errorf("%s: %s weighs %v, not less than %s's %v", tc.kind, k, w, tc.first, kw[tc.first])
			}
		}
	}
	if p := matching.DefaultProfile(matching.Merged); p.Weights.Reputation != p.Weights.Fit {
		t.Errorf("merged: reputation %v and fit %v should lead together", p.Weights.Reputation, p.Weights.Fit)
	}
	if p := matching.DefaultProfile(matching.UrbanVillage); p.Weights.Distance <= p.Weights.Fit {
		t.Errorf("urban village: distance should outweigh fit")
	}
}

// TestDefaultProfilesChangeTheRanking shows the long boards at work on the same candidates: a
// volunteer of the same community 1.5 km away against one from another community 200 m away.
func TestDefaultProfilesChangeTheRanking(t *testing.T) {
	t.Parallel()
	c := matching.Candidates{
		Volunteers: []matching.Volunteer{
			{ID: 1, Skills: []string{"cooking"}, Home: at(1500, 0), GridID: 12, CommunityID: 1, Availability: weekdayLunch()},
			{ID: 2, Skills: []string{"cooking"}, Home: at(200, 0), GridID: 99, CommunityID: 9, Availability: weekdayLunch()},
		},
		Organizations: []matching.Organization{{ID: 1, Categories: []string{"elderly"}, Location: at(0, 0), Verified: true, Evaluations: matching.Evaluations{Count: 50, Mean: 4.9}}},
		Donors:        []matching.Donor{{ID: 1, Kind: matching.DonorMerchant, Categories: []string{"elderly"}, Communities: []int64{1}, Gifts: 6, Location: at(300, 0)}},
	}
	ix := mustIndex(t, c)
	tg := matching.Target{Category: "elderly", Skills: []string{"cooking"}, Location: at(0, 0), GridID: 11, CommunityID: 1, Window: weekdayLunch()}
	rank := func(k matching.CommunityKind) matching.Ranking {
		tg.CommunityKind = k
		r, err := ix.Rank(tg, matching.Query{})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if got := ids(rank(matching.Rural).Volunteers); got[0] != 1 {
		t.Errorf("rural: %v, want the same-community volunteer first", got)
	}
	if got := ids(rank(matching.UrbanVillage).Volunteers); got[0] != 2 {
		t.Errorf("urban village: %v, want the nearest volunteer first", got)
	}
	if m := rank(matching.Urban).Merged; m[0].Kind != matching.KindDonor {
		t.Errorf("urban: merged list starts with a %s, want the interested donor", m[0].Kind)
	}
	if m := rank(matching.Merged).Merged; m[0].Kind != matching.KindOrganization {
		t.Errorf("merged: merged list starts with a %s, want the organization", m[0].Kind)
	}
}

func TestRankHardFilters(t *testing.T) {
	t.Parallel()
	base := matching.Target{Skills: []string{"first_aid", "driving"}, Category: "elderly", Location: at(0, 0), CommunityID: 1}
	vol := matching.Volunteer{ID: 1, Skills: []string{"first_aid"}, Home: at(100, 0), Availability: weekdayLunch(), MaxLoad: 4}
	org := matching.Organization{ID: 1, Categories: []string{"elderly"}, Location: at(100, 0), Verified: true, Capacity: 3}
	tests := []struct {
		name    string
		target  func(*matching.Target)
		vol     func(*matching.Volunteer)
		org     func(*matching.Organization)
		volKept bool
		orgKept bool
	}{
		{name: "no filters", volKept: true, orgKept: true},
		{name: "min skills met", target: func(t *matching.Target) { t.MinSkills = 1 }, volKept: true, orgKept: true},
		{name: "min skills missed", target: func(t *matching.Target) { t.MinSkills = 2 }, orgKept: true},
		{name: "min skills above count means all", target: func(t *matching.Target) { t.MinSkills = 9 }, vol: func(v *matching.Volunteer) { v.Skills = []string{"driving", "first_aid"} }, volKept: true, orgKept: true},
		{name: "window overlaps", target: func(t *matching.Target) { t.Window.SetRange(2, 11, 14) }, volKept: true, orgKept: true},
		{name: "window missed", target: func(t *matching.Target) { t.Window.SetRange(5, 11, 14) }, orgKept: true},
		{name: "inside radius", target: func(t *matching.Target) { t.RadiusMeters = 150 }, volKept: true, orgKept: true},
		{name: "outside radius", target: func(t *matching.Target) { t.RadiusMeters = 50 }},
		{name: "service area beats radius", target: func(t *matching.Target) { t.RadiusMeters = 50 }, org: func(o *matching.Organization) { o.ServiceArea = []int64{1} }, orgKept: true},
		{name: "no home, radius", target: func(t *matching.Target) { t.RadiusMeters = 5000 }, vol: func(v *matching.Volunteer) { v.Home = nil }, orgKept: true},
		{name: "no home, no radius", vol: func(v *matching.Volunteer) { v.Home = nil }, volKept: true, orgKept: true},
		{name: "volunteer at cap", vol: func(v *matching.Volunteer) { v.Load = 4 }, orgKept: true},
		{name: "volunteer without cap", vol: func(v *matching.Volunteer) { v.Load, v.MaxLoad = 40, 0 }, volKept: true, orgKept: true},
		{name: "organization at capacity", org: func(o *matching.Organization) { o.Load = 3 }, volKept: true},
		{name: "paid work needs verified", target: func(t *matching.Target) { t.Paid = true }, org: func(o *matching.Organization) { o.Verified = false }, volKept: true},
		{name: "paid work, verified", target: func(t *matching.Target) { t.Paid = true }, volKept: true, orgKept: true},
		{name: "category required", target: func(t *matching.Target) { t.RequireCategory = true }, org: func(o *matching.Organization) { o.Categories = []string{"youth"} }, volKept: true},
		{name: "category not required", org: func(o *matching.Organization) { o.Categories = []string{"youth"} }, volKept: true, orgKept: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tg, v, o := base, vol, org
			v.Skills, tg.Skills = slices.Clone(v.Skills), slices.Clone(tg.Skills)
			if tc.target != nil {
				tc.target(&tg)
			}
			if tc.vol != nil {
				tc.vol(&v)
			}
			if tc.org != nil {
				tc.org(&o)
			}
			ix := mustIndex(t, matching.Candidates{Volunteers: []matching.Volunteer{v}, Organizations: []matching.Organization{o}})
			res, err := ix.Rank(tg, matching.Query{})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(res.Volunteers) == 1; got != tc.volKept {
				t.Errorf("volunteer kept %v, want %v", got, tc.volKept)
			}
			if got := len(res.Organizations) == 1; got != tc.orgKept {
				t.Errorf("organization kept %v, want %v", got, tc.orgKept)
			}
		})
	}
}

// TestRankExplanation checks the raw values the page prints ("距离 0.8 公里 · 技能匹配 2/3 ·
// 满意度 4.7 (32 条评价)") and that the arithmetic adds up.
func TestRankExplanation(t *testing.T) {
	t.Parallel()
	v := matching.Volunteer{ID: 7, Skills: []string{"driving", "cooking", "singing"}, Home: at(800, 0), GridID: 5, CommunityID: 1,
		Availability: weekdayLunch(), Load: 2, MaxLoad: 8, Shows: 18, NoShows: 2, Evaluations: matching.Evaluations{Count: 32, Mean: 4.7}}
	ix := mustIndex(t, matching.Candidates{Volunteers: []matching.Volunteer{v}})
	var win matching.Week
	win.SetRange(0, 11, 13) // Monday 11–13: available 11–12 only
	tg := matching.Target{Skills: []string{"cooking", "first_aid", "driving"}, Location: at(0, 0), GridID: 6, CommunityID: 1, Window: win, CommunityKind: matching.Rural}
	res, err := ix.Rank(tg, matching.Query{})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Volunteers[0]
	e := m.Explanation
	check := func(f matching.Feature) matching.FeatureScore {
		s, ok := e.Feature(f)
		if !ok {
			t.Fatalf("no %s in %+v", f, e)
		}
		return s
	}
	if d := check(matching.FeatureDistance); math.Abs(d.Meters-800) > 1 || !d.Known || math.Abs(d.Value-math.Pow(2, -d.Meters/2000)) > 1e-12 {
		t.Errorf("distance %+v", d)
	}
	if f := check(matching.FeatureFit); f.Matched != 2 || f.Of != 3 || f.Value != 2.0/3 {
		t.Errorf("fit %+v", f)
	}
	if !slices.Equal(e.Skills, []string{"cooking", "driving"}) {
		t.Errorf("matched skills %v", e.Skills)
	}
	if a := check(matching.FeatureAvailability); a.Matched != 1 || a.Of != 2 || a.Value != 0.5 {
		t.Errorf("availability %+v", a)
	}
	if r := check(matching.FeatureReputation); r.Mean != 4.7 || r.Count != 32 {
		t.Errorf("reputation %+v", r)
	}
	if r := check(matching.FeatureReliability); r.Matched != 18 || r.Of != 20 || math.Abs(r.Value-(18+5*0.9)/25) > 1e-12 {
		t.Errorf("reliability %+v", r)
	}
	if l := check(matching.FeatureLocality); l.Locality != matching.LocalityCommunity || l.Value != 0.5 {
		t.Errorf("locality %+v", l)
	}
	if _, ok := e.Feature(matching.FeatureInterest); ok {
		t.Error("donor interest explained for a volunteer")
	}
	wsum, csum := 0.0, 0.0
	for _, f := range e.Features {
		wsum += f.Weight
		csum += f.Contribution
		if math.Abs(f.Contribution-f.Weight*f.Value) > 1e-15 {
			t.Errorf("%s: contribution %v ≠ %v × %v", f.Feature, f.Contribution, f.Weight, f.Value)
		}
	}
	if math.Abs(wsum-1) > 1e-12 || math.Abs(csum-e.Base) > 1e-12 {
		t.Errorf("weights sum to %v, contributions to %v (base %v)", wsum, csum, e.Base)
	}
	if e.Load != 2 || e.MaxLoad != 8 || e.Discount != 1/(1+0.25) || m.Score != e.Base*e.Discount {
		t.Errorf("load %v/%v discount %v score %v base %v", e.Load, e.MaxLoad, e.Discount, m.Score, e.Base)
	}
}

// TestLoadSpreading simulates a week of requests: each is given to the top-ranked volunteer,
// whose load then grows. With the load discount more distinct volunteers get work, and no
// request goes unserved.
func TestLoadSpreading(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(21, 4))
	var vols []matching.Volunteer
	for i := range 40 {
		vols = append(vols, matching.Volunteer{ID: int64(i + 1), Skills: []string{"meals"}, Home: at(float64(r.IntN(3000)), float64(r.IntN(3000))),
			GridID: int64(1 + i%4), CommunityID: 1, Availability: weekdayLunch(), MaxLoad: 5,
			Shows: 10 + r.IntN(30), NoShows: r.IntN(3), Evaluations: matching.Evaluations{Count: 5 + r.IntN(50), Mean: 4 + r.Float64()}})
	}
	var targets []matching.Target
	for range 60 {
		targets = append(targets, matching.Target{Skills: []string{"meals"}, MinSkills: 1, Location: at(float64(r.IntN(3000)), float64(r.IntN(3000))),
			GridID: int64(1 + r.IntN(4)), CommunityID: 1, Window: weekdayLunch(), CommunityKind: matching.UrbanVillage})
	}
	simulate := func(penalty float64) (matched, distinct int) {
		vs := slices.Clone(vols)
		p := matching.DefaultProfile(matching.UrbanVillage)
		p.LoadPenalty = penalty
		got := map[int64]int{}
		for _, tg := range targets {
			ix := mustIndex(t, matching.Candidates{Volunteers: vs}) // loads changed: a fresh snapshot
			res, err := ix.Rank(tg, matching.Query{Profile: &p, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Volunteers) == 0 {
				continue
			}
			m := res.Volunteers[0]
			vs[m.Index].Load++
			got[m.ID]++
			matched++
		}
		return matched, len(got)
	}
	m0, d0 := simulate(0)
	m1, d1 := simulate(matching.DefaultProfile(matching.UrbanVillage).LoadPenalty)
	m3, d3 := simulate(3)
	t.Logf("no penalty: %d requests to %d volunteers; default: %d to %d; λ=3: %d to %d", m0, d0, m1, d1, m3, d3)
	if m0 != len(targets) || m1 != m0 || m3 != m0 {
		t.Fatalf("matched %d / %d / %d of %d", m0, m1, m3, len(targets))
	}
	if d1 <= d0 || d3 < d1 {
		t.Fatalf("distinct volunteers: %d without, %d with the default, %d with a strong penalty", d0, d1, d3)
	}
}

func TestRankTiesAreDeterministic(t *testing.T) {
	t.Parallel()
	var vs []matching.Volunteer
	for _, id := range []int64{9, 3, 7, 1, 5} {
		vs = append(vs, matching.Volunteer{ID: id, Skills: []string{"x"}, Home: at(100, 0)})
	}
	tg := matching.Target{Skills: []string{"x"}, Location: at(0, 0)}
	for range 3 {
		ix := mustIndex(t, matching.Candidates{Volunteers: vs})
		res, err := ix.Rank(tg, matching.Query{Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(res.Volunteers); !slices.Equal(got, []int64{1, 3, 5}) {
			t.Fatalf("equal scores ordered %v, want by ID", got)
		}
		slices.Reverse(vs)
	}
}

func TestRankKindsAndLimit(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(8, 8))
	ix := mustIndex(t, matching.Candidates{Volunteers: genVolunteers(r, 300, 1), Organizations: genOrganizations(r, 50, 1), Donors: genDonors(r, 50, 1)})
	tg := genTarget(r, 0, matching.Urban)
	tg.MinSkills = 0
	res, err := ix.Rank(tg, matching.Query{Limit: 5, Kinds: []matching.CandidateKind{matching.KindDonor}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Volunteers) != 0 || len(res.Organizations) != 0 || len(res.Donors) != 5 || len(res.Merged) != 5 {
		t.Fatalf("got %d/%d/%d/%d", len(res.Volunteers), len(res.Organizations), len(res.Donors), len(res.Merged))
	}
	all, err := ix.Rank(tg, matching.Query{Limit: 7})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(all.Merged); i++ {
		if all.Merged[i].Priority > all.Merged[i-1].Priority {
			t.Fatalf("merged list out of order at %d", i)
		}
	}
	for _, m := range all.Merged {
		if w := map[matching.CandidateKind]float64{matching.KindVolunteer: all.Profile.Kinds.Volunteer, matching.KindOrganization: all.Profile.Kinds.Organization, matching.KindDonor: all.Profile.Kinds.Donor}[m.Kind]; m.Priority != m.Score*w {
			t.Fatalf("priority %v ≠ %v × %v", m.Priority, m.Score, w)
		}
	}
	if _, err := ix.Rank(tg, matching.Query{Limit: -1}); err == nil {
		t.Fatal("negative limit accepted")
	}
}

func TestRankRejectsBadInput(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t, matching.Candidates{})
	targets := []struct {
		t     matching.Target
		field string
	}{
		{matching.Target{RadiusMeters: 100}, "target.radius_meters"},
		{matching.Target{Location: at(0, 0), RadiusMeters: math.NaN()}, "target.radius_meters"},
		{matching.Target{Location: &matching.LatLng{Lat: 91}}, "target.location"},
		{matching.Target{MinSkills: -1}, "target.min_skills"},
		{matching.Target{RequireCategory: true}, "target.require_category"},
		{matching.Target{CommunityKind: "suburb"}, "target.community_kind"},
	}
	for _, tc := range targets {
		var fe *matching.FieldError
		if _, err := ix.Rank(tc.t, matching.Query{}); !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("target %+v: got %v, want %s", tc.t, err, tc.field)
		}
	}
	cands := []struct {
		c     matching.Candidates
		field string
	}{
		{matching.Candidates{Volunteers: []matching.Volunteer{{ID: 4, Load: -1}}}, "volunteers[0] (id 4).load"},
		{matching.Candidates{Volunteers: []matching.Volunteer{{ID: 4}, {ID: 5, Evaluations: matching.Evaluations{Count: 2, Mean: 7}}}}, "volunteers[1] (id 5).evaluations.mean"},
		{matching.Candidates{Volunteers: []matching.Volunteer{{ID: 4, Home: &matching.LatLng{Lat: math.NaN()}}}}, "volunteers[0] (id 4).home"},
		{matching.Candidates{Organizations: []matching.Organization{{ID: 2, Capacity: math.Inf(1)}}}, "organizations[0] (id 2).capacity"},
		{matching.Candidates{Donors: []matching.Donor{{ID: 3, Gifts: -2}}}, "donors[0] (id 3).gifts"},
	}
	for _, tc := range cands {
		var fe *matching.FieldError
		if _, err := matching.NewIndex(tc.c); !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("got %v, want %s", err, tc.field)
		}
	}
}

func TestPreview(t *testing.T) {
	t.Parallel()
	c := matching.Candidates{Volunteers: []matching.Volunteer{
		{ID: 1, Skills: []string{"x"}, Home: at(200, 0), GridID: 2, CommunityID: 2},
		{ID: 2, Skills: []string{"x"}, Home: at(2500, 0), GridID: 1, CommunityID: 1},
		{ID: 3, Skills: []string{"x"}, Home: at(6000, 0), GridID: 3, CommunityID: 3},
	}}
	ix := mustIndex(t, c)
	tg := matching.Target{Skills: []string{"x"}, Location: at(0, 0), GridID: 1, CommunityID: 1}
	near := matching.DefaultProfile("")
	near.Weights = matching.Weights{Distance: 1, Interest: 1}
	local := near
	local.Weights = matching.Weights{Distance: 0.1, Locality: 1, Interest: 1}
	pv, err := ix.Preview(tg, near, local, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []matching.Move{
		{Kind: matching.KindVolunteer, ID: 2, Before: 2, After: 1, Delta: 1},
		{Kind: matching.KindVolunteer, ID: 1, Before: 1, After: 2, Delta: -1},
	}
	if !slices.Equal(pv.Moves, want) {
		t.Fatalf("moves %+v, want %+v", pv.Moves, want)
	}
	if _, err := ix.Preview(tg, near, matching.Profile{}, 2); err == nil || !strings.HasPrefix(err.Error(), "after: ") {
		t.Fatalf("invalid after profile: %v", err)
	}
}

func TestRankTargets(t *testing.T) {
	t.Parallel()
	v := matching.Volunteer{ID: 1, Skills: []string{"meals", "driving"}, Home: at(0, 0), GridID: 1, CommunityID: 1, Availability: weekdayLunch(), MaxLoad: 4}
	var evening matching.Week
	evening.SetRange(0, 19, 21)
	targets := []matching.Target{
		{Skills: []string{"meals"}, MinSkills: 1, Location: at(3000, 0), CommunityID: 2, CommunityKind: matching.Rural},           // far
		{Skills: []string{"meals"}, MinSkills: 1, Location: at(300, 0), GridID: 1, CommunityID: 1, CommunityKind: matching.Rural}, // near, same grid
		{Skills: []string{"meals"}, MinSkills: 1, Location: at(300, 0), Window: evening, CommunityKind: matching.Rural},           // not available
		{Skills: []string{"nursing"}, MinSkills: 1, Location: at(300, 0), CommunityKind: matching.Rural},                          // lacks the skill
	}
	got, err := matching.RankTargets(v, targets, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Index != 1 || got[1].Index != 0 || got[0].Score <= got[1].Score {
		t.Fatalf("got %+v", got)
	}
	if !slices.Equal(got[0].Explanation.Skills, []string{"meals"}) {
		t.Fatalf("skills %v", got[0].Explanation.Skills)
	}
	targets[0].CommunityKind = "nowhere"
	if _, err := matching.RankTargets(v, targets, nil, 0); err == nil || !strings.Contains(err.Error(), "targets[0]") {
		t.Fatalf("bad target kind: %v", err)
	}
}

// TestRankConcurrent ranks from several goroutines at once (run with -race).
func TestRankConcurrent(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(2, 2))
	ix := mustIndex(t, matching.Candidates{Volunteers: genVolunteers(r, 2000, 1), Organizations: genOrganizations(r, 100, 1), Donors: genDonors(r, 100, 1)})
	tg := genTarget(r, 5000, matching.Merged)
	want, err := ix.Rank(tg, matching.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				got, err := ix.Rank(tg, matching.Query{})
				if err != nil || !slices.Equal(ids(got.Volunteers), ids(want.Volunteers)) {
					t.Errorf("concurrent rank differs: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestUnregisteredOrganizationsRankBelowRegistered is the case from issue 12: for a need of a
// category, an organization marked "未登记此类别" (not registered for it) came first because it
// was nearer, better rated and served the community. Registered organizations must come first
// in the organization list and in the merged list, whatever the other features say.
func TestUnregisteredOrganizationsRankBelowRegistered(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t, matching.Candidates{Organizations: []matching.Organization{
		// Not registered for elderly care, but next door, highly rated, serving the community.
		{ID: 1, Categories: []string{"children"}, Location: at(0, 0), Verified: true, ServiceArea: []int64{7},
			Evaluations: matching.Evaluations{Count: 300, Mean: 5}},
		{ID: 2, Categories: []string{"environment"}, Location: at(0, 0.001), Verified: true, ServiceArea: []int64{7},
			Evaluations: matching.Evaluations{Count: 100, Mean: 4.9}},
		// Registered, but far away, poorly rated and outside the service area.
		{ID: 3, Categories: []string{"elderly"}, Location: at(0, 0.2), Verified: true,
			Evaluations: matching.Evaluations{Count: 10, Mean: 2}},
		{ID: 4, Categories: []string{"elderly", "children"}, Location: at(0, 0.1), Verified: true},
	}})
	for _, kind := range matching.CommunityKinds() {
		for _, limit := range []int{1, 2, 3, 4} {
			res, err := ix.Rank(matching.Target{Category: "elderly", Location: at(0, 0), CommunityID: 7, CommunityKind: kind},
				matching.Query{Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			want := []int64{4, 3, 1, 2}[:limit]
			if got := ids(res.Organizations); !slices.Equal(got, want) {
				t.Errorf("%s limit %d: organizations %v, want %v (registered first)", kind, limit, got, want)
			}
			var merged []int64
			for _, m := range res.Merged {
				if m.Kind == matching.KindOrganization {
					merged = append(merged, m.ID)
				}
			}
			if !slices.Equal(merged, want) {
				t.Errorf("%s limit %d: organizations in the merged list %v, want %v", kind, limit, merged, want)
			}
			for _, m := range res.Organizations {
				fit, _ := m.Explanation.Feature(matching.FeatureFit)
				if registered := m.ID >= 3; (fit.Matched > 0) != registered {
					t.Errorf("%s: organization %d fit %+v", kind, m.ID, fit)
				}
			}
		}
	}
	// Without a category there are no bands: the nearest, best rated comes first.
	res, err := ix.Rank(matching.Target{Location: at(0, 0), CommunityID: 7, CommunityKind: matching.Urban}, matching.Query{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res.Organizations); !slices.Equal(got, []int64{1}) {
		t.Errorf("no category: %v, want [1]", got)
	}
}
