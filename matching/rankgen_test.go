package matching_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/wushe/wushe/matching"
)

// A synthetic city for ranking tests and benchmarks: 40 × 40 km around Wuhan, cut into 2 km
// communities of 16 grids (500 m) each, with skills of uneven popularity.

var cityCenter = matching.LatLng{Lat: 30.58, Lng: 114.30}

const (
	cityKm        = 40.0
	communityKm   = 2.0
	gridsPerSide  = 4
	numSkills     = 40
	numCategories = 12
)

func kmToLatLng(xKm, yKm float64) matching.LatLng {
	return matching.LatLng{
		Lat: cityCenter.Lat + yKm/111.195,
		Lng: cityCenter.Lng + xKm/(111.195*math.Cos(cityCenter.Lat*math.Pi/180)),
	}
}

// place returns a random position with its community and grid ids.
func place(r *rand.Rand) (matching.LatLng, int64, int64) {
	x, y := (r.Float64()-0.5)*cityKm, (r.Float64()-0.5)*cityKm
	cx, cy := int64((x+cityKm/2)/communityKm), int64((y+cityKm/2)/communityKm)
	comm := 1 + cy*int64(cityKm/communityKm) + cx
	gx := int64(math.Mod(x+cityKm/2, communityKm) / (communityKm / gridsPerSide))
	gy := int64(math.Mod(y+cityKm/2, communityKm) / (communityKm / gridsPerSide))
	return kmToLatLng(x, y), comm, comm*100 + gy*gridsPerSide + gx
}

func skillName(i int) string    { return fmt.Sprintf("skill%02d", i) }
func categoryName(i int) string { return fmt.Sprintf("cat%02d", i) }

// popular draws an index in [0,n) with a skewed distribution (a few are common).
func popular(r *rand.Rand, n int) int { return int(float64(n) * math.Pow(r.Float64(), 1.6)) }

func genVolunteers(r *rand.Rand, n int, firstID int64) []matching.Volunteer {
	vs := make([]matching.Volunteer, n)
	homes := make([]matching.LatLng, n)
	for i := range vs {
		loc, comm, grid := place(r)
		homes[i] = loc
		v := matching.Volunteer{ID: firstID + int64(i), CommunityID: comm, GridID: grid, MaxLoad: 8}
		if r.IntN(10) > 0 { // one in ten keeps the home location private
			v.Home = &homes[i]
		}
		for k := 1 + r.IntN(4); len(v.Skills) < k; {
			s := skillName(popular(r, numSkills))
			if !contains(v.Skills, s) {
				v.Skills = append(v.Skills, s)
			}
		}
		for range 1 + r.IntN(4) { // a few weekly blocks
			d, h := r.IntN(7), 7+r.IntN(12)
			v.Availability.SetRange(d, h, min(24, h+1+r.IntN(4)))
		}
		v.Load = float64(r.IntN(9))
		v.Shows, v.NoShows = r.IntN(30), r.IntN(3)
		if c := r.IntN(40); c > 0 {
			v.Evaluations = matching.Evaluations{Count: c, Mean: 3 + 2*r.Float64()}
		}
		vs[i] = v
	}
	return vs
}

func genOrganizations(r *rand.Rand, n int, firstID int64) []matching.Organization {
	os := make([]matching.Organization, n)
	for i := range os {
		loc, comm, _ := place(r)
		o := matching.Organization{ID: firstID + int64(i), Location: &loc, Verified: r.IntN(3) > 0,
			Capacity: float64(2 + r.IntN(10)), ServiceArea: []int64{comm, comm + 1}}
		o.Load = float64(r.IntN(int(o.Capacity) + 1))
		for k := 1 + r.IntN(3); len(o.Categories) < k; {
			c := categoryName(popular(r, numCategories))
			if !contains(o.Categories, c) {
				o.Categories = append(o.Categories, c)
			}
		}
		if c := r.IntN(100); c > 0 {
			o.Evaluations = matching.Evaluations{Count: c, Mean: 3 + 2*r.Float64()}
		}
		os[i] = o
	}
	return os
}

func genDonors(r *rand.Rand, n int, firstID int64) []matching.Donor {
	kinds := []matching.DonorKind{matching.DonorResident, matching.DonorMerchant, matching.DonorUnit, matching.DonorFoundation}
	ds := make([]matching.Donor, n)
	for i := range ds {
		loc, comm, _ := place(r)
		d := matching.Donor{ID: firstID + int64(i), Kind: kinds[r.IntN(4)], Location: &loc, Gifts: r.IntN(12),
			Communities: []int64{comm}, Categories: []string{categoryName(popular(r, numCategories))}}
		if d.Kind == matching.DonorFoundation {
			d.Location = nil // foundations give city-wide
		}
		ds[i] = d
	}
	return ds
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// genTarget is a need somewhere in the city: two skills of which one is required, weekday
// lunchtime, within radius (0 = none).
func genTarget(r *rand.Rand, radius float64, kind matching.CommunityKind) matching.Target {
	loc, comm, grid := place(r)
	t := matching.Target{
		Category: categoryName(popular(r, numCategories)), Skills: []string{skillName(popular(r, numSkills)), skillName(popular(r, numSkills))},
		MinSkills: 1, Location: &loc, GridID: grid, CommunityID: comm, RadiusMeters: radius, CommunityKind: kind,
	}
	for d := range 5 {
		t.Window.SetRange(d, 11, 13)
	}
	return t
}
