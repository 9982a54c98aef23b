package matching_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/wushe/wushe/matching"
)

// pythonForTest returns the Python named by WUSHE_TEST_PYTHON, or skips (fails in CI, where
// WUSHE_TEST_REQUIRE_SERVICES=1) when it is not set.
func pythonForTest(t *testing.T) string {
	t.Helper()
	py := os.Getenv("WUSHE_TEST_PYTHON")
	if py == "" {
		if os.Getenv("WUSHE_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatal("WUSHE_TEST_PYTHON is not set (a Python 3 with scipy and networkx, e.g. /usr/bin/python3)")
		}
		t.Skip("set WUSHE_TEST_PYTHON to a Python 3 with scipy and networkx to compare with the reference solvers")
	}
	return py
}

// referenceScript is scripts/compare/reference.py, found from this file's directory.
func referenceScript(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(file), "..", "scripts", "compare", "reference.py")
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

type refResult struct {
	File       string  `json:"file"`
	Solver     string  `json:"solver"`
	Assigned   int     `json:"assigned"`
	TotalScore float64 `json:"total_score"`
	Skipped    string  `json:"skipped"`
}

// referenceInstances are random and structured problems: capacities above one, unreachable
// tasks, zero and negative scores, ties, and unit-capacity ones that scipy can solve too.
func referenceInstances() map[string]matching.Problem {
	r := rand.New(rand.NewPCG(99, 1))
	out := map[string]matching.Problem{}
	objs := []matching.Objective{matching.MaxScore, matching.MaxCoverage}
	for i := range 24 {
		obj := objs[i%2]
		out[fmt.Sprintf("random%02d", i)] = genRandom(r, obj, 5+r.IntN(30), 5+r.IntN(30), 0.05+0.4*r.Float64(), i%3 == 0)
	}
	for i := range 6 { // unit capacities: scipy applies
		p := genRandom(r, objs[i%2], 10+r.IntN(30), 10+r.IntN(30), 0.2+0.6*r.Float64(), i%3 == 0)
		for j := range p.Workers {
			p.Workers[j].Capacity = 1
		}
		for j := range p.Tasks {
			p.Tasks[j].Capacity = 1
		}
		out[fmt.Sprintf("unit%02d", i)] = p
	}
	for i, obj := range objs {
		// A small city batch, and one where a third of the tasks have no candidates and a
		// tenth of the workers take nothing.
		p := genShifts(uint64(10+i), 60, 300, 6)
		p.Objective = obj
		out[fmt.Sprintf("shifts_%s", obj)] = p
		q := genShifts(uint64(20+i), 90, 200, 4)
		q.Objective = obj
		var kept []matching.Edge
		for _, e := range q.Edges {
			if e.Task[1]%3 != 0 {
				kept = append(kept, e)
			}
		}
		q.Edges = kept
		for j := range q.Workers {
			if j%10 == 0 {
				q.Workers[j].Capacity = 0
			}
		}
		out[fmt.Sprintf("unreachable_%s", obj)] = q
		d := genDense(uint64(30+i), 40)
		d.Objective = obj
		for j := range d.Edges {
			if j%7 == 0 {
				d.Edges[j].Score = -d.Edges[j].Score
			}
		}
		out[fmt.Sprintf("dense_%s", obj)] = d
	}
	return out
}

// TestAgainstReference compares Solve with networkx (min-cost flow) and scipy
// (linear_sum_assignment) through scripts/compare/reference.py.
func TestAgainstReference(t *testing.T) {
	t.Parallel()
	py := pythonForTest(t)
	script := referenceScript(t)
	dir := t.TempDir()
	insts := referenceInstances()
	var files []string
	for name, p := range insts {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, name+".json")
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(py, append([]string{script, "--solver", "both"}, files...)...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var ref refResult
		if err := json.Unmarshal(sc.Bytes(), &ref); err != nil {
			t.Fatalf("reference output %q: %v", sc.Text(), err)
		}
		if ref.Skipped != "" {
			continue
		}
		name := filepath.Base(ref.File)
		name = name[:len(name)-len(".json")]
		p := insts[name]
		got, err := matching.Solve(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkFeasible(t, p, got)
		// Totals agree to well within the 1e-9 rounding of each score; for max_coverage the
		// number of assignments must agree exactly (for max_score equal totals may be reached
		// with different numbers of assignments).
		if math.Abs(got.TotalScore-ref.TotalScore) > 1e-6 || (p.Objective == matching.MaxCoverage && got.Assigned != ref.Assigned) {
			t.Errorf("%s (%s, %d edges): wushe %d assignments / %.9f, %s %d / %.9f",
				name, p.Objective, len(p.Edges), got.Assigned, got.TotalScore, ref.Solver, ref.Assigned, ref.TotalScore)
		}
		seen[ref.Solver]++
	}
	if seen["networkx"] != len(insts) || seen["scipy"] < 8 {
		t.Fatalf("compared %v of %d instances\n%s", seen, len(insts), stderr.String())
	}
	t.Logf("compared with networkx on %d instances and scipy on %d", seen["networkx"], seen["scipy"])
}
