package matching

import (
	"cmp"
	"fmt"
	"slices"
)

// DefaultLimit is how many results per kind Rank returns when Query.Limit is 0.
const DefaultLimit = 20

// Query says how to rank.
type Query struct {
	// Profile sets the weights; nil means DefaultProfile(target.CommunityKind).
	Profile *Profile
	// Limit is the number of results per kind (and in Merged); 0 means DefaultLimit.
	Limit int
	// Kinds restricts ranking to some kinds of candidate; empty means all three.
	Kinds []CandidateKind
}

// Match is one ranked candidate.
type Match struct {
	Kind CandidateKind `json:"kind"`
	ID   int64         `json:"id"`
	// Index is the candidate's position in the Candidates slice of its kind given to NewIndex.
	Index int `json:"index"`
	// Score is Explanation.Base × Explanation.Discount, in [0,1].
	Score float64 `json:"score"`
	// Priority is Score × the profile's kind weight; it orders Ranking.Merged.
	Priority    float64     `json:"priority"`
	Explanation Explanation `json:"explanation"`
}

// Ranking is the result of ranking one target. Each list is best first; equal scores are
// ordered by ascending ID so that the same input always gives the same order.
type Ranking struct {
	Profile       Profile `json:"profile"`
	Volunteers    []Match `json:"volunteers"`
	Organizations []Match `json:"organizations"`
	Donors        []Match `json:"donors"`
	// Merged is the best Limit of all three kinds by Priority.
	Merged []Match `json:"merged"`
}

// List returns the ranked list of one kind.
func (r *Ranking) List(k CandidateKind) []Match {
	switch k {
	case KindVolunteer:
		return r.Volunteers
	case KindOrganization:
		return r.Organizations
	case KindDonor:
		return r.Donors
	}
	return nil
}

// resolve validates the target and picks the profile.
func resolve(t *Target, q *Query) (Profile, int, error) {
	if err := t.validate(); err != nil {
		return Profile{}, 0, err
	}
	var p Profile
	if q.Profile != nil {
		p = *q.Profile
	} else {
		if t.CommunityKind != "" && !ValidCommunityKind(t.CommunityKind) {
			return Profile{}, 0, fieldErrorf("target.community_kind", "unknown kind %q (want urban, rural, merged or urban_village)", t.CommunityKind)
		}
		p = DefaultProfile(t.CommunityKind)
	}
	if err := p.Validate(); err != nil {
		return Profile{}, 0, err
	}
	limit := q.Limit
	if limit < 0 {
		return Profile{}, 0, fieldErrorf("limit", "%d is negative", limit)
	}
	if limit == 0 {
		limit = DefaultLimit
	}
	for _, k := range q.Kinds {
		if k >= numKinds {
			return Profile{}, 0, fieldErrorf("kinds", "unknown candidate kind %d", k)
		}
	}
	return p, limit, nil
}

// Rank filters and scores every candidate of the index for t and returns the best of each
// kind with explanations. Errors are *FieldError values for an invalid target, profile or query.
func (ix *Index) Rank(t Target, q Query) (Ranking, error) {
	p, limit, err := resolve(&t, &q)
	if err != nil {
		return Ranking{}, err
	}
	cq := compileQuery(&t, p)
	want := [numKinds]bool{true, true, true}
	if len(q.Kinds) > 0 {
		want = [numKinds]bool{}
		for _, k := range q.Kinds {
			want[k] = true
		}
	}
	r := Ranking{Profile: p}
	if want[KindVolunteer] {
		r.Volunteers = ix.rankVolunteers(cq, limit)
	}
	catID := int32(-1)
	if id, ok := ix.cat[t.Category]; ok && t.Category != "" {
		catID = id
	}
	if want[KindOrganization] {
		r.Organizations = ix.rankOrganizations(cq, catID, limit)
	}
	if want[KindDonor] {
		r.Donors = ix.rankDonors(cq, catID, limit)
	}
	r.Merged = merge(limit, r.Volunteers, r.Organizations, r.Donors)
	return r, nil
}

// merge picks the best limit results of all kinds by priority (ties: kind, then ID), keeping
// each kind's own order: it takes the head of the list whose head has the highest priority, so
// an organization not registered for the target's category, ranked below every registered one
// in its own list, never comes before them in the merged list either.
func merge(limit int, lists ...[]Match) []Match {
	heads := make([]int, len(lists))
	var all []Match
	for len(all) < limit {
		best := -1
		for i, l := range lists {
			if heads[i] >= len(l) {
				continue
			}
			if best < 0 || mergeBefore(l[heads[i]], lists[best][heads[best]]) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		all = append(all, lists[best][heads[best]])
		heads[best]++
	}
	return all
}

// mergeBefore orders two list heads: higher priority, then kind, then ID.
func mergeBefore(a, b Match) bool {
	if c := cmp.Compare(b.Priority, a.Priority); c != 0 {
		return c < 0
	}
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c < 0
	}
	return a.ID < b.ID
}

// entry is a scored candidate in a top-K heap.
type entry struct {
	tier  uint8 // 0 first; see query.tier
	score float64
	id    int64
	idx   int32 // position inside the index's own order
}

// better orders entries best first: lower tier, then higher score, then lower ID, then lower
// position.
func better(a, b entry) bool {
	if a.tier != b.tier {
		return a.tier < b.tier
	}
	if a.score != b.score {
		return a.score > b.score
	}
	if a.id != b.id {
		return a.id < b.id
	}
	return a.idx < b.idx
}

// topK keeps the k best entries in a heap whose root is the worst kept, so a candidate is
// compared with one value and the scan allocates nothing.
type topK struct {
	k int
	h []entry
}

func newTopK(k int) *topK { return &topK{k: k, h: make([]entry, 0, k)} }

// floor is the worst kept entry, which a candidate must beat to enter; ok is false while not
// full.
func (t *topK) floor() (entry, bool) {
	if len(t.h) < t.k {
		return entry{}, false
	}
	return t.h[0], true
}

func (t *topK) offer(e entry) {
	h := t.h
	if len(h) < t.k {
		h = append(h, e)
		i := len(h) - 1
		for i > 0 {
			p := (i - 1) / 2
			if !better(h[p], h[i]) {
				break
			}
			h[p], h[i] = h[i], h[p]
			i = p
		}
		t.h = h
		return
	}
	if t.k == 0 || !better(e, h[0]) {
		return
	}
	h[0] = e
	i := 0
	for {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		w := l
		if r := l + 1; r < len(h) && better(h[l], h[r]) {
			w = r
		}
		if !better(h[i], h[w]) {
			break
		}
		h[i], h[w] = h[w], h[i]
		i = w
	}
}

// sorted returns the kept entries best first.
func (t *topK) sorted() []entry {
	out := slices.Clone(t.h)
	slices.SortFunc(out, func(a, b entry) int {
		if better(a, b) {
			return -1
		}
		if better(b, a) {
			return 1
		}
		return 0
	})
	return out
}

// consider scores one candidate that passed the filters and offers it to top. The bound with
// distance at its best (1) is checked first, so most losers never pay for sqrt, asin and exp.
func consider(q *query, top *topK, f *facts, id int64, idx int32) {
	tier := q.tier(f)
	v := q.values(f, false)
	d := q.discount(f.load, f.maxLoad)
	if fl, full := top.floor(); full {
		if tier > fl.tier || (tier == fl.tier && q.combine(f.kind, &v)*d < fl.score) {
			return
		}
	}
	if q.w[f.kind][FeatureDistance] > 0 && f.hasLoc {
		v[FeatureDistance] = q.distValue(f.c2)
	}
	top.offer(entry{tier: tier, score: q.combine(f.kind, &v) * d, id: id, idx: idx})
}

func (ix *Index) rankVolunteers(q *query, limit int) []Match {
	v := &ix.vol
	mask := v.skillMask(q.skills)
	top := newTopK(limit)
	scan := func(j int) {
		if v.maxLoad[j] > 0 && v.load[j] >= v.maxLoad[j] {
			return
		}
		f := v.facts(q, j, mask)
		if q.passes(&f) {
			consider(q, top, &f, v.id[j], int32(j))
		}
	}
	var spans []span
	candidates := v.n
	if q.radius {
		var ok bool
		var n int
		if spans, n, ok = v.spatialSpans(q.t, nil); ok {
			candidates = n
		} else {
			spans = []span{{0, int32(v.nLoc)}}
			candidates = v.nLoc
		}
	} else {
		spans = []span{{0, int32(v.n)}}
	}
	// With a skill filter, the posting lists of the wanted skills may be shorter than the
	// spatial ranges: scan whichever is smaller.
	usePostings := false
	if q.minSk > 0 {
		total := 0
		for _, s := range q.skills {
			if id, ok := v.skillID[s]; ok {
				total += len(v.postings[id])
			}
		}
		usePostings = total < candidates
	}
	if usePostings {
		for _, s := range q.skills {
			id, ok := v.skillID[s]
			if !ok {
				continue
			}
			for _, j := range v.postings[id] {
				// A volunteer holding several wanted skills is on several lists: visit it
				// only from the list of the lowest wanted skill it holds.
				if v.firstHeld(int(j), mask) == id {
					scan(int(j))
				}
			}
		}
	} else {
		for _, s := range spans {
			for j := s.from; j < s.to; j++ {
				scan(int(j))
			}
		}
	}
	out := make([]Match, 0, len(top.h))
	for _, e := range top.sorted() {
		j := int(e.idx)
		f := v.facts(q, j, mask)
		exp, score := q.explain(&f)
		for _, s := range q.skills {
			if id, ok := v.skillID[s]; ok && v.skills[j*v.words+id/64]&(1<<(id%64)) != 0 {
				exp.Skills = append(exp.Skills, s)
			}
		}
		out = append(out, Match{Kind: KindVolunteer, ID: e.id, Index: int(v.pos[j]), Score: score,
			Priority: score * q.kindW[KindVolunteer], Explanation: exp})
	}
	return out
}

func (ix *Index) rankOrganizations(q *query, catID int32, limit int) []Match {
	top := newTopK(limit)
	for i := range ix.org {
		f := ix.org[i].facts(q, catID)
		if q.passes(&f) {
			consider(q, top, &f, ix.org[i].id, int32(i))
		}
	}
	out := make([]Match, 0, len(top.h))
	for _, e := range top.sorted() {
		r := &ix.org[e.idx]
		f := r.facts(q, catID)
		exp, score := q.explain(&f)
		out = append(out, Match{Kind: KindOrganization, ID: r.id, Index: int(r.pos), Score: score,
			Priority: score * q.kindW[KindOrganization], Explanation: exp})
	}
	return out
}

func (ix *Index) rankDonors(q *query, catID int32, limit int) []Match {
	top := newTopK(limit)
	for i := range ix.don {
		f := ix.don[i].facts(q, catID)
		if q.passes(&f) {
			consider(q, top, &f, ix.don[i].id, int32(i))
		}
	}
	out := make([]Match, 0, len(top.h))
	for _, e := range top.sorted() {
		r := &ix.don[e.idx]
		f := r.facts(q, catID)
		exp, score := q.explain(&f)
		out = append(out, Match{Kind: KindDonor, ID: r.id, Index: int(r.pos), Score: score,
			Priority: score * q.kindW[KindDonor], Explanation: exp})
	}
	return out
}

// Move is how one candidate's position changed between two profiles (1 = first; 0 = not in
// the list).
type Move struct {
	Kind   CandidateKind `json:"kind"`
	ID     int64         `json:"id"`
	Before int           `json:"before"`
	After  int           `json:"after"`
	// Delta is Before−After for candidates in both lists (positive = moved up); entering or
	// leaving the list is told by Before or After being 0.
	Delta int `json:"delta"`
}

// Preview ranks t with two profiles, for the weight-tuning page.
type Preview struct {
	Before Ranking `json:"before"`
	After  Ranking `json:"after"`
	// Moves lists every candidate in either ranking, kind by kind: first the after list in its
	// new order, then those that dropped out in their old order, so the page can show "↑3",
	// "new" (Before 0) and "dropped" (After 0).
	Moves []Move `json:"moves"`
}

// Preview ranks t with the before and after profiles and reports how positions change.
func (ix *Index) Preview(t Target, before, after Profile, limit int) (Preview, error) {
	b, err := ix.Rank(t, Query{Profile: &before, Limit: limit})
	if err != nil {
		return Preview{}, fmt.Errorf("before: %w", err)
	}
	a, err := ix.Rank(t, Query{Profile: &after, Limit: limit})
	if err != nil {
		return Preview{}, fmt.Errorf("after: %w", err)
	}
	pv := Preview{Before: b, After: a}
	for k := CandidateKind(0); k < numKinds; k++ {
		pv.Moves = append(pv.Moves, moves(k, b.List(k), a.List(k))...)
	}
	return pv, nil
}

// moves compares two ranked lists of one kind.
func moves(k CandidateKind, before, after []Match) []Move {
	pos := map[int64]int{}
	for i, m := range before {
		pos[m.ID] = i + 1
	}
	var out []Move
	seen := map[int64]bool{}
	for i, m := range after {
		mv := Move{Kind: k, ID: m.ID, Before: pos[m.ID], After: i + 1}
		if mv.Before > 0 {
			mv.Delta = mv.Before - mv.After
		}
		out = append(out, mv)
		seen[m.ID] = true
	}
	for i, m := range before {
		if !seen[m.ID] {
			out = append(out, Move{Kind: k, ID: m.ID, Before: i + 1})
		}
	}
	return out
}

// TargetMatch is one target ranked for a volunteer ("tasks for me").
type TargetMatch struct {
	// Index is the target's position in the slice given to RankTargets.
	Index       int         `json:"index"`
	Score       float64     `json:"score"`
	Explanation Explanation `json:"explanation"`
}

// RankTargets ranks targets (open tasks, needs) for one volunteer with the same filters and
// features as Rank, best first (ties by position). Each target is scored with profile, or
// with its own community kind's default when profile is nil. limit 0 means DefaultLimit.
func RankTargets(v Volunteer, targets []Target, profile *Profile, limit int) ([]TargetMatch, error) {
	if err := validateVolunteer(0, &v); err != nil {
		return nil, err
	}
	if limit < 0 {
		return nil, fieldErrorf("limit", "%d is negative", limit)
	}
	if limit == 0 {
		limit = DefaultLimit
	}
	top := newTopK(limit)
	qs := make([]*query, len(targets))
	for i := range targets {
		t := &targets[i]
		p, _, err := resolve(t, &Query{Profile: profile})
		if err != nil {
			return nil, fmt.Errorf("targets[%d]: %w", i, err)
		}
		q := compileQuery(t, p)
		qs[i] = q
		f := volFacts(q, &v)
		if q.passes(&f) {
			// The target's position stands in for an ID, so ties keep input order.
			consider(q, top, &f, int64(i), int32(i))
		}
	}
	var out []TargetMatch
	for _, e := range top.sorted() {
		q := qs[e.idx]
		f := volFacts(q, &v)
		exp, score := q.explain(&f)
		for _, s := range q.skills {
			if slices.Contains(v.Skills, s) {
				exp.Skills = append(exp.Skills, s)
			}
		}
		out = append(out, TargetMatch{Index: int(e.idx), Score: score, Explanation: exp})
	}
	return out, nil
}

// volFacts gathers a volunteer's raw feature inputs from the plain struct.
func volFacts(q *query, v *Volunteer) facts {
	f := facts{
		kind:     KindVolunteer,
		overlap:  v.Availability.Overlap(q.t.Window),
		hasLoc:   v.Home != nil,
		shows:    v.Shows,
		noShows:  v.NoShows,
		locality: q.volLocality(v.GridID, v.CommunityID),
		load:     v.Load,
		maxLoad:  v.MaxLoad,
	}
	if v.Evaluations.Count > 0 {
		f.eval = v.Evaluations
	}
	for _, s := range q.skills {
		if slices.Contains(v.Skills, s) {
			f.matched++
		}
	}
	if f.hasLoc && q.located {
		f.c2 = chord2(unitVector(*v.Home), q.loc)
	}
	return f
}
