package matching

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"sort"
)

// Candidates are the people and organizations an Index ranks.
type Candidates struct {
	Volunteers    []Volunteer
	Organizations []Organization
	Donors        []Donor
}

// rowMeters is the height of the latitude strips of the volunteer spatial index. Within a
// strip volunteers are sorted by longitude, so a radius query is a handful of binary searches
// and contiguous scans; strip height only bounds how much outside the circle gets scanned.
const rowMeters = 500.0

var rowDegrees = rowMeters / (earthRadiusMeters * math.Pi / 180)

// Index is an immutable snapshot of candidates prepared for fast ranking: volunteers in
// columns sorted by latitude strip and longitude, skill bitsets and per-skill posting lists,
// availability bitmaps; organizations and donors with interned categories. Loads are as of
// NewIndex: rebuild (or rank a fresh index) when they change. An Index is safe for concurrent
// use by many goroutines.
type Index struct {
	vol volIndex
	org []orgRec
	don []donRec
	cat map[string]int32 // category code → id, shared by organizations and donors
}

type volIndex struct {
	n, words int
	skillID  map[string]int
	id       []int64
	pos      []int32 // position in Candidates.Volunteers
	x, y, z  []float64
	lng      []float64
	nLoc     int      // the first nLoc volunteers have a home location; the rest do not
	skills   []uint64 // words bits per volunteer
	avail    []Week
	grid     []int64
	comm     []int64
	load     []float64
	maxLoad  []float64
	shows    []int32
	noShows  []int32
	evalN    []int32
	evalMean []float64
	rowKey   []int32 // distinct latitude strips, ascending
	rowStart []int32 // rowStart[r]..rowStart[r+1] is strip rowKey[r]
	postings [][]int32
}

type orgRec struct {
	id       int64
	pos      int32
	cats     []int32
	area     []int64
	hasLoc   bool
	loc      vec3
	verified bool
	load     float64
	capacity float64
	eval     Evaluations
}

type donRec struct {
	id     int64
	pos    int32
	kind   DonorKind
	cats   []int32
	comms  []int64
	hasLoc bool
	loc    vec3
	gifts  int
	given  int64
}

// NewIndex validates the candidates and builds the index. The slices are not retained.
// The error is a *FieldError naming the candidate and field, e.g. "volunteers[7] (id 42).load".
func NewIndex(c Candidates) (*Index, error) {
	for i := range c.Volunteers {
		if err := validateVolunteer(i, &c.Volunteers[i]); err != nil {
			return nil, err
		}
	}
	for i := range c.Organizations {
		if err := validateOrganization(i, &c.Organizations[i]); err != nil {
			return nil, err
		}
	}
	for i := range c.Donors {
		if err := validateDonor(i, &c.Donors[i]); err != nil {
			return nil, err
		}
	}
	ix := &Index{cat: map[string]int32{}}
	ix.vol.build(c.Volunteers)
	catIDs := func(names []string) []int32 {
		out := make([]int32, 0, len(names))
		for _, s := range names {
			id, ok := ix.cat[s]
			if !ok {
				id = int32(len(ix.cat))
				ix.cat[s] = id
			}
			out = append(out, id)
		}
		return out
	}
	ix.org = make([]orgRec, len(c.Organizations))
	for i := range c.Organizations {
		o := &c.Organizations[i]
		r := orgRec{id: o.ID, pos: int32(i), cats: catIDs(o.Categories), area: slices.Clone(o.ServiceArea),
			verified: o.Verified, load: o.Load, capacity: o.Capacity, eval: o.Evaluations}
		if o.Location != nil {
			r.hasLoc, r.loc = true, unitVector(*o.Location)
		}
		ix.org[i] = r
	}
	ix.don = make([]donRec, len(c.Donors))
	for i := range c.Donors {
		d := &c.Donors[i]
		r := donRec{id: d.ID, pos: int32(i), kind: d.Kind, cats: catIDs(d.Categories), comms: slices.Clone(d.Communities),
			gifts: d.Gifts, given: d.GivenMinor}
		if d.Location != nil {
			r.hasLoc, r.loc = true, unitVector(*d.Location)
		}
		ix.don[i] = r
	}
	return ix, nil
}

// Len reports how many volunteers, organizations and donors the index holds.
func (ix *Index) Len() (volunteers, organizations, donors int) {
	return ix.vol.n, len(ix.org), len(ix.don)
}

func rowOf(lat float64) int32 { return int32(math.Floor(lat / rowDegrees)) }

func (v *volIndex) build(vs []Volunteer) {
	n := len(vs)
	v.n = n
	v.skillID = map[string]int{}
	for i := range vs {
		for _, s := range vs[i].Skills {
			if _, ok := v.skillID[s]; !ok {
				v.skillID[s] = len(v.skillID)
			}
		}
	}
	v.words = (len(v.skillID) + 63) / 64
	if v.words == 0 {
		v.words = 1
	}
	// Order: located volunteers by (strip, longitude), then the unlocated in input order.
	type key struct {
		row int32
		idx int32
		lng float64
	}
	keys := make([]key, 0, n)
	var unlocated []int32
	for i := range vs {
		if h := vs[i].Home; h != nil {
			keys = append(keys, key{rowOf(h.Lat), int32(i), h.Lng})
		} else {
			unlocated = append(unlocated, int32(i))
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.row, b.row), cmp.Compare(a.lng, b.lng), cmp.Compare(a.idx, b.idx))
	})
	order := make([]int32, 0, n)
	rows := make([]int32, n)
	for _, k := range keys {
		order = append(order, k.idx)
		rows[k.idx] = k.row
	}
	order = append(order, unlocated...)
	v.id = make([]int64, n)
	v.pos = make([]int32, n)
	v.x, v.y, v.z, v.lng = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	v.skills = make([]uint64, n*v.words)
	v.avail = make([]Week, n)
	v.grid, v.comm = make([]int64, n), make([]int64, n)
	v.load, v.maxLoad = make([]float64, n), make([]float64, n)
	v.shows, v.noShows, v.evalN = make([]int32, n), make([]int32, n), make([]int32, n)
	v.evalMean = make([]float64, n)
	v.postings = make([][]int32, len(v.skillID))
	for j, oi := range order {
		src := &vs[oi]
		v.id[j], v.pos[j] = src.ID, oi
		if src.Home != nil {
			u := unitVector(*src.Home)
			v.x[j], v.y[j], v.z[j], v.lng[j] = u.x, u.y, u.z, src.Home.Lng
			v.nLoc = j + 1
			r := rows[oi]
			if len(v.rowKey) == 0 || v.rowKey[len(v.rowKey)-1] != r {
				v.rowKey = append(v.rowKey, r)
				v.rowStart = append(v.rowStart, int32(j))
			}
		}
		w := v.skills[j*v.words : (j+1)*v.words]
		for _, s := range src.Skills {
			id := v.skillID[s]
			if w[id/64]&(1<<(id%64)) == 0 {
				w[id/64] |= 1 << (id % 64)
				v.postings[id] = append(v.postings[id], int32(j))
			}
		}
		v.avail[j] = src.Availability
		v.grid[j], v.comm[j] = src.GridID, src.CommunityID
		v.load[j], v.maxLoad[j] = src.Load, src.MaxLoad
		v.shows[j], v.noShows[j] = int32(src.Shows), int32(src.NoShows)
		if src.Evaluations.Count > 0 {
			v.evalN[j], v.evalMean[j] = int32(src.Evaluations.Count), src.Evaluations.Mean
		}
	}
	v.rowStart = append(v.rowStart, int32(v.nLoc))
}

// span is a half-open range of volunteer positions to scan.
type span struct{ from, to int32 }

// spatialSpans returns the ranges of located volunteers inside the bounding box of the
// target's radius, or ok=false when the box wraps a pole or the antimeridian (then scan all).
func (v *volIndex) spatialSpans(t *Target, out []span) ([]span, int, bool) {
	dLat := t.RadiusMeters / (earthRadiusMeters * math.Pi / 180)
	lat0, lng0 := t.Location.Lat, t.Location.Lng
	lo, hi := lat0-dLat, lat0+dLat
	if lo <= -89 || hi >= 89 {
		return out, 0, false
	}
	cosMin := math.Min(math.Cos(lo*math.Pi/180), math.Cos(hi*math.Pi/180))
	dLng := dLat / cosMin * 1.0000001 // a hair of slack against rounding at the box edge
	if lng0-dLng < -180 || lng0+dLng > 180 {
		return out, 0, false
	}
	rlo, rhi := rowOf(lo), rowOf(hi)
	first, _ := slices.BinarySearch(v.rowKey, rlo)
	total := 0
	for r := first; r < len(v.rowKey) && v.rowKey[r] <= rhi; r++ {
		a, b := int(v.rowStart[r]), int(v.rowStart[r+1])
		row := v.lng[a:b]
		i := sort.SearchFloat64s(row, lng0-dLng)
		j := sort.Search(len(row), func(k int) bool { return row[k] > lng0+dLng })
		if i < j {
			out = append(out, span{int32(a + i), int32(a + j)})
			total += j - i
		}
	}
	return out, total, true
}

// skillMask sets the bits of the target's skills that any volunteer holds.
func (v *volIndex) skillMask(skills []string) []uint64 {
	m := make([]uint64, v.words)
	for _, s := range skills {
		if id, ok := v.skillID[s]; ok {
			m[id/64] |= 1 << (id % 64)
		}
	}
	return m
}

func (v *volIndex) matched(j int, mask []uint64) int {
	n := 0
	w := v.skills[j*v.words : (j+1)*v.words]
	for k, m := range mask {
		n += bits.OnesCount64(w[k] & m)
	}
	return n
}

// firstHeld returns the lowest skill id of mask that volunteer j holds, or -1.
func (v *volIndex) firstHeld(j int, mask []uint64) int {
	w := v.skills[j*v.words : (j+1)*v.words]
	for k, m := range mask {
		if x := w[k] & m; x != 0 {
			return k*64 + bits.TrailingZeros64(x)
		}
	}
	return -1
}

// facts gathers volunteer j's raw feature inputs; the distance is filled in by the caller.
func (v *volIndex) facts(q *query, j int, mask []uint64) facts {
	f := facts{
		kind:     KindVolunteer,
		matched:  v.matched(j, mask),
		overlap:  v.avail[j].Overlap(q.t.Window),
		hasLoc:   j < v.nLoc,
		eval:     Evaluations{Count: int(v.evalN[j]), Mean: v.evalMean[j]},
		shows:    int(v.shows[j]),
		noShows:  int(v.noShows[j]),
		locality: q.volLocality(v.grid[j], v.comm[j]),
		load:     v.load[j],
		maxLoad:  v.maxLoad[j],
	}
	if f.hasLoc && q.located {
		f.c2 = chord2(vec3{v.x[j], v.y[j], v.z[j]}, q.loc)
	}
	return f
}

func (r *orgRec) facts(q *query, catID int32) facts {
	f := facts{kind: KindOrganization, hasLoc: r.hasLoc, eval: r.eval, load: r.load, maxLoad: r.capacity, verified: r.verified}
	if catID >= 0 && slices.Contains(r.cats, catID) {
		f.matched = 1
	}
	if q.t.CommunityID != 0 && slices.Contains(r.area, q.t.CommunityID) {
		f.locality = LocalityServiceArea
	}
	if r.hasLoc && q.located {
		f.c2 = chord2(r.loc, q.loc)
	}
	return f
}

func (r *donRec) facts(q *query, catID int32) facts {
	f := facts{kind: KindDonor, hasLoc: r.hasLoc, gifts: r.gifts}
	f.interest[0] = catID >= 0 && slices.Contains(r.cats, catID)
	f.interest[1] = q.t.CommunityID != 0 && slices.Contains(r.comms, q.t.CommunityID)
	if r.hasLoc && q.located {
		f.c2 = chord2(r.loc, q.loc)
	}
	return f
}
