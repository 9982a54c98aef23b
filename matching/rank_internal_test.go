package matching

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// Struct-based fact gathering for organizations and donors, written independently of the
// index's columns, so that the consistency test compares two paths.
func orgFactsOf(q *query, o *Organization) facts {
	f := facts{kind: KindOrganization, hasLoc: o.Location != nil, load: o.Load, maxLoad: o.Capacity, verified: o.Verified}
	if o.Evaluations.Count > 0 {
		f.eval = o.Evaluations
	}
	if q.t.Category != "" && slices.Contains(o.Categories, q.t.Category) {
		f.matched = 1
	}
	if q.t.CommunityID != 0 && slices.Contains(o.ServiceArea, q.t.CommunityID) {
		f.locality = LocalityServiceArea
	}
	if f.hasLoc && q.located {
		f.c2 = chord2(unitVector(*o.Location), q.loc)
	}
	return f
}

func donFactsOf(q *query, d *Donor) facts {
	f := facts{kind: KindDonor, hasLoc: d.Location != nil, gifts: d.Gifts}
	f.interest[0] = q.t.Category != "" && slices.Contains(d.Categories, q.t.Category)
	f.interest[1] = q.t.CommunityID != 0 && slices.Contains(d.Communities, q.t.CommunityID)
	if f.hasLoc && q.located {
		f.c2 = chord2(unitVector(*d.Location), q.loc)
	}
	return f
}

type scored struct {
	tier  uint8
	id    int64
	score float64
}

// bruteRank scores every candidate through the struct path and sorts.
func bruteRank(q *query, c Candidates, k CandidateKind, limit int) []scored {
	var out []scored
	add := func(id int64, f facts) {
		if q.passes(&f) {
			v := q.values(&f, true)
			out = append(out, scored{q.tier(&f), id, q.combine(k, &v) * q.discount(f.load, f.maxLoad)})
		}
	}
	switch k {
	case KindVolunteer:
		for i := range c.Volunteers {
			add(c.Volunteers[i].ID, volFacts(q, &c.Volunteers[i]))
		}
	case KindOrganization:
		for i := range c.Organizations {
			add(c.Organizations[i].ID, orgFactsOf(q, &c.Organizations[i]))
		}
	case KindDonor:
		for i := range c.Donors {
			add(c.Donors[i].ID, donFactsOf(q, &c.Donors[i]))
		}
	}
	slices.SortFunc(out, func(a, b scored) int {
		if a.tier != b.tier {
			return int(a.tier) - int(b.tier)
		}
		if a.score != b.score {
			if a.score > b.score {
				return -1
			}
			return 1
		}
		return int(a.id - b.id)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// TestRankMatchesBruteForce checks that the index's pruning (latitude strips, posting lists,
// the distance bound, the top-K heap) never changes the result: Rank returns exactly the best
// candidates by an exhaustive scan, with bit-identical scores.
func TestRankMatchesBruteForce(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 9))
	loc := func() *LatLng {
		return &LatLng{Lat: 30.5 + 0.2*r.Float64(), Lng: 114.2 + 0.2*r.Float64()}
	}
	skills := []string{"first_aid", "driving", "cooking", "tutoring", "repair", "sign_language"}
	cats := []string{"elderly", "children", "environment", "health"}
	pick := func(from []string) []string {
		var out []string
		for _, s := range from {
			if r.IntN(3) == 0 {
				out = append(out, s)
			}
		}
		return out
	}
	for round := range 60 {
		var c Candidates
		for i := range 400 {
			v := Volunteer{ID: int64(i%350 + 1), Skills: pick(skills), GridID: int64(1 + r.IntN(6)), CommunityID: int64(1 + r.IntN(3)),
				Load: float64(r.IntN(5)), MaxLoad: float64(r.IntN(6)), Shows: r.IntN(10), NoShows: r.IntN(3)}
			v.ID = int64(i + 1)
			if r.IntN(8) > 0 {
				v.Home = loc()
			}
			for range r.IntN(4) {
				v.Availability.SetRange(r.IntN(7), r.IntN(20), 20+r.IntN(4))
			}
			if r.IntN(4) > 0 {
				v.Evaluations = Evaluations{Count: 1 + r.IntN(50), Mean: float64(1 + r.IntN(5))} // ties
			}
			c.Volunteers = append(c.Volunteers, v)
		}
		for i := range 60 {
			o := Organization{ID: int64(i + 1), Categories: pick(cats), ServiceArea: []int64{int64(1 + r.IntN(3))},
				Verified: r.IntN(2) == 0, Load: float64(r.IntN(3)), Capacity: float64(r.IntN(4))}
			if r.IntN(6) > 0 {
				o.Location = loc()
			}
			c.Organizations = append(c.Organizations, o)
		}
		for i := range 60 {
			d := Donor{ID: int64(i + 1), Categories: pick(cats), Communities: []int64{int64(1 + r.IntN(3))}, Gifts: r.IntN(4)}
			if r.IntN(3) > 0 {
				d.Location = loc()
			}
			c.Donors = append(c.Donors, d)
		}
		ix, err := NewIndex(c)
		if err != nil {
			t.Fatal(err)
		}
		tg := Target{Category: cats[r.IntN(len(cats))], Skills: pick(skills), MinSkills: r.IntN(3), Location: loc(),
			GridID: int64(1 + r.IntN(6)), CommunityID: int64(1 + r.IntN(3)), Paid: r.IntN(2) == 0, RequireCategory: r.IntN(2) == 0}
		if r.IntN(3) > 0 {
			tg.RadiusMeters = 2000 + 8000*r.Float64()
		}
		if r.IntN(2) == 0 {
			tg.Window.SetRange(r.IntN(7), 8, 14)
		}
		if r.IntN(5) == 0 {
			tg.Location, tg.RadiusMeters = nil, 0
		}
		kind := CommunityKinds()[round%4]
		tg.CommunityKind = kind
		limit := 1 + r.IntN(30)
		res, err := ix.Rank(tg, Query{Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		q := compileQuery(&tg, DefaultProfile(kind))
		for k := CandidateKind(0); k < numKinds; k++ {
			want := bruteRank(q, c, k, limit)
			got := res.List(k)
			if len(got) != len(want) {
				t.Fatalf("round %d %s: %d results, brute force %d", round, k, len(got), len(want))
			}
			for i := range want {
				if got[i].ID != want[i].id || got[i].Score != want[i].score {
					t.Fatalf("round %d %s #%d: got %d (%v), brute force %d (%v)", round, k, i, got[i].ID, got[i].Score, want[i].id, want[i].score)
				}
				e := got[i].Explanation
				sum := 0.0
				for _, f := range e.Features {
					sum += f.Contribution
				}
				if d := sum - e.Base; d > 1e-12 || d < -1e-12 || e.Base*e.Discount != got[i].Score {
					t.Fatalf("round %d %s #%d: contributions %v, base %v, discount %v, score %v", round, k, i, sum, e.Base, e.Discount, got[i].Score)
				}
			}
		}
	}
}

// TestSpatialSpansCoverTheCircle checks the strip search against a linear scan: every located
// volunteer within the radius lies inside one of the returned spans.
func TestSpatialSpansCoverTheCircle(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	var vs []Volunteer
	for i := range 3000 {
		p := LatLng{Lat: 39.9 + 0.3*r.NormFloat64(), Lng: 116.4 + 0.3*r.NormFloat64()}
		vs = append(vs, Volunteer{ID: int64(i), Home: &p})
	}
	ix, err := NewIndex(Candidates{Volunteers: vs})
	if err != nil {
		t.Fatal(err)
	}
	for range 200 {
		c := LatLng{Lat: 39.9 + 0.3*r.NormFloat64(), Lng: 116.4 + 0.3*r.NormFloat64()}
		tg := Target{Location: &c, RadiusMeters: 100 + 20000*r.Float64()}
		spans, _, ok := ix.vol.spatialSpans(&tg, nil)
		if !ok {
			t.Fatal("no spans away from the poles")
		}
		in := map[int64]bool{}
		for _, s := range spans {
			for j := s.from; j < s.to; j++ {
				in[ix.vol.id[j]] = true
			}
		}
		for _, v := range vs {
			if DistanceMeters(c, *v.Home) <= tg.RadiusMeters && !in[v.ID] {
				t.Fatalf("volunteer %d at %v m is inside radius %v but in no span", v.ID, DistanceMeters(c, *v.Home), tg.RadiusMeters)
			}
		}
	}
}
