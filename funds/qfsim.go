package funds

import (
	"math"
	"math/rand/v2"
	"strconv"
)

// SyntheticQFRound generates a reproducible round for benchmarks, demos and the round page's
// simulation: n contributions over the given number of projects from n/4 contributors.
// Project popularity follows a Zipf-like law (exponent 0.8), so a few projects draw thousands
// of contributors as real rounds do, which is what makes pairwise mode expensive; amounts
// range from ¥1 to ¥500 with a long tail, in fen.
func SyntheticQFRound(seed uint64, n, projects int) []QFRow {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	weights := make([]float64, projects)
	var total float64
	for k := range weights {
		total += 1 / math.Pow(float64(k+1), 0.8)
		weights[k] = total
	}
	contributors := max(1, n/4)
	amounts := []int64{100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000}
	rows := make([]QFRow, n)
	for i := range rows {
		u := rng.Float64() * total
		lo, hi := 0, projects-1
		for lo < hi { // first cumulative weight ≥ u
			mid := (lo + hi) / 2
			if weights[mid] < u {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		amount := amounts[min(len(amounts)-1, int(rng.ExpFloat64()*1.5))]
		if rng.IntN(4) == 0 {
			amount += rng.Int64N(100) // odd amounts, so square roots are rarely exact
		}
		rows[i] = QFRow{
			Contributor: "c" + strconv.Itoa(rng.IntN(contributors)),
			Project:     "p" + strconv.Itoa(lo),
			Amount:      amount,
			Line:        i + 2,
		}
	}
	return rows
}
