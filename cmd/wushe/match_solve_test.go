package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wushe/wushe/matching"
)

// runSolve runs `wushe match solve args…` with stdin and returns the exit status and outputs.
func runSolve(t testing.TB, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	code := Run(context.Background(), append([]string{"match", "solve"}, args...), env)
	return code, out.String(), errOut.String()
}

func solveWriteFile(t testing.TB, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "problem.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The example of the issue, verbatim.
const solveExample = `{"objective": "max_score",
 "workers": [{"id": "v1", "capacity": 2}],
 "tasks":   [{"id": "t1", "capacity": 1}],
 "edges":   [{"worker": "v1", "task": "t1", "score": 0.83}]}`

const solveExampleOut = `{"objective":"max_score","assigned":1,"total_score":0.83,"assignments":[{"worker":"v1","task":"t1","score":0.83}]}` + "\n"

func TestMatchSolve(t *testing.T) {
	t.Parallel()
	file := solveWriteFile(t, solveExample)
	coverage := `{"objective":"max_coverage","workers":[{"id":"v1","capacity":1},{"id":"v2","capacity":1}],
		"tasks":[{"id":"a","capacity":1},{"id":"b","capacity":1}],
		"edges":[{"worker":"v1","task":"a","score":0.9},{"worker":"v1","task":"b","score":0.1},{"worker":"v2","task":"a","score":0.2}]}`
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"standard input", solveExample, nil, solveExampleOut},
		{"dash reads standard input", solveExample, []string{"--in", "-"}, solveExampleOut},
		{"file", "", []string{"--in", file}, solveExampleOut},
		{"file with =", "", []string{"--in=" + file}, solveExampleOut},
		{"max coverage takes the low scores to cover both", coverage, nil,
			`{"objective":"max_coverage","assigned":2,"total_score":0.30000000000000004,"assignments":[{"worker":"v1","task":"b","score":0.1},{"worker":"v2","task":"a","score":0.2}]}` + "\n"},
		{"max score leaves v2 idle", strings.Replace(coverage, "max_coverage", "max_score", 1), nil,
			`{"objective":"max_score","assigned":1,"total_score":0.9,"assignments":[{"worker":"v1","task":"a","score":0.9}]}` + "\n"},
		{"nothing to do", `{"objective":"max_score","workers":[],"tasks":[],"edges":[]}`, nil,
			`{"objective":"max_score","assigned":0,"total_score":0,"assignments":[]}` + "\n"},
		{"negative scores are never used for max_score", `{"objective":"max_score","workers":[{"id":"v","capacity":1}],"tasks":[{"id":"t","capacity":1}],"edges":[{"worker":"v","task":"t","score":-1}]}`, nil,
			`{"objective":"max_score","assigned":0,"total_score":0,"assignments":[]}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runSolve(t, tt.stdin, tt.args...)
			if code != 0 || out != tt.want {
				t.Errorf("exit %d, stderr %q\ngot:  %s\nwant: %s", code, errOut, out, tt.want)
			}
		})
	}
}

func TestMatchSolveBadInput(t *testing.T) {
	t.Parallel()
	w := func(objective, workers, tasks, edges string) string {
		return `{"objective":"` + objective + `","workers":[` + workers + `],"tasks":[` + tasks + `],"edges":[` + edges + `]}`
	}
	v1, t1 := `{"id":"v1","capacity":1}`, `{"id":"t1","capacity":1}`
	tests := []struct {
		name  string
		stdin string
		args  []string
		say   string // part of the message on standard error
	}{
		{"malformed JSON", `{"objective": "max_score",`, nil, "malformed JSON"},
		{"not an object", `[1,2]`, nil, "malformed JSON"},
		{"empty input", ``, nil, "empty input"},
		{"trailing data", solveExample + ` {}`, nil, "unexpected data after the problem"},
		{"unknown objective", w("max_fun", v1, t1, ""), nil, `unknown objective "max_fun"`},
		{"missing objective", `{"workers":[],"tasks":[],"edges":[]}`, nil, "objective: missing"},
		{"unknown field", `{"objective":"max_score","workers":[{"id":"v1","capacty":1}]}`, nil, `workers[0].capacty: unknown field`},
		{"missing capacity", w("max_score", `{"id":"v1"}`, t1, ""), nil, "workers[0].capacity: missing"},
		{"fractional capacity", w("max_score", `{"id":"v1","capacity":1.5}`, t1, ""), nil, "not a whole number"},
		{"duplicate worker", w("max_score", v1+","+v1, t1, ""), nil, `workers[1].id: duplicate id "v1"`},
		{"duplicate task", w("max_score", v1, t1+","+t1, ""), nil, `tasks[1].id: duplicate id "t1"`},
		{"negative capacity", w("max_score", `{"id":"v1","capacity":-1}`, t1, ""), nil, "workers[0].capacity: -1 is negative"},
		{"unknown worker", w("max_score", v1, t1, `{"worker":"v9","task":"t1","score":1}`), nil, `edges[0].worker: unknown worker "v9"`},
		{"unknown task", w("max_score", v1, t1, `{"worker":"v1","task":"t9","score":1}`), nil, `edges[0].task: unknown task "t9"`},
		{"score out of range", w("max_score", v1, t1, `{"worker":"v1","task":"t1","score":1e999}`), nil, "edges[0].score: 1e999 is not a finite number"},
		{"score is a string", w("max_score", v1, t1, `{"worker":"v1","task":"t1","score":"high"}`), nil, "edges[0].score: want a number"},
		{"null score", w("max_score", v1, t1, `{"worker":"v1","task":"t1","score":null}`), nil, "edges[0].score: missing"},
		{"duplicate edge", w("max_score", v1, t1, `{"worker":"v1","task":"t1","score":1},{"worker":"v1","task":"t1","score":2}`), nil, "edges[1]: duplicate edge"},
		{"unknown flag", solveExample, []string{"--out", "x"}, "not defined: -out"},
		{"stray argument", solveExample, []string{"extra"}, `unexpected argument "extra"`},
		{"missing file", "", []string{"--in", filepath.Join(t.TempDir(), "nope.json")}, "nope.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runSolve(t, tt.stdin, tt.args...)
			if code != 2 || !strings.Contains(errOut, tt.say) {
				t.Errorf("exit %d, stderr %q; want 2 and a message mentioning %q", code, errOut, tt.say)
			}
			if out != "" {
				t.Errorf("wrote %q to standard output on bad input", out)
			}
		})
	}
}

func TestMatchSolveHelp(t *testing.T) {
	t.Parallel()
	code, _, errOut := runSolve(t, "", "-h")
	if code != 0 || !strings.Contains(errOut, "usage: wushe match solve") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestMatchSolveAgreesWithLibrary runs a generated instance through the command and checks
// the printed solution is the library's, byte for byte.
func TestMatchSolveAgreesWithLibrary(t *testing.T) {
	t.Parallel()
	p := matching.Problem{Objective: matching.MaxCoverage}
	for i := range 30 {
		p.Workers = append(p.Workers, matching.Worker{ID: "w" + string(rune('a'+i%26)) + string(rune('0'+i/26)), Capacity: 1 + i%3})
	}
	for j := range 20 {
		p.Tasks = append(p.Tasks, matching.Task{ID: "t" + string(rune('a'+j)), Capacity: 1 + j%2})
	}
	for i, w := range p.Workers {
		for j, tk := range p.Tasks {
			if (i*7+j*3)%5 == 0 {
				p.Edges = append(p.Edges, matching.Edge{Worker: w.ID, Task: tk.ID, Score: float64((i*j)%11) / 10})
			}
		}
	}
	in, _ := json.Marshal(p)
	code, out, errOut := runSolve(t, string(in))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	sol, err := matching.Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(sol)
	if out != string(want)+"\n" {
		t.Fatalf("command printed\n%s\nlibrary gives\n%s", out, want)
	}
}
