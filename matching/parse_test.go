package matching_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/wushe/wushe/matching"
)

func TestParseProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want matching.Problem
	}{
		{"contract example", `{"objective": "max_score",
 "workers": [{"id": "v1", "capacity": 2}],
 "tasks":   [{"id": "t1", "capacity": 1}],
 "edges":   [{"worker": "v1", "task": "t1", "score": 0.83}]}`, matching.Problem{
			Objective: matching.MaxScore,
			Workers:   []matching.Worker{{ID: "v1", Capacity: 2}},
			Tasks:     []matching.Task{{ID: "t1", Capacity: 1}},
			Edges:     []matching.Edge{{Worker: "v1", Task: "t1", Score: 0.83}},
		}},
		{"fields in any order, escapes and unicode", "\t{\"edges\":[{\"score\":-1.5e-3,\"task\":\"\\u73ed\\u6b21\",\"worker\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}],\r\n" +
			"\"tasks\":[{\"capacity\":0,\"id\":\"班次\"}],\"workers\":[{\"capacity\":3,\"id\":\"\\\"\\\\/\\b\\f\\n\\r\\t\"}],\"objective\":\"max_coverage\"} ",
			matching.Problem{
				Objective: matching.MaxCoverage,
				Workers:   []matching.Worker{{ID: "\"\\/\b\f\n\r\t", Capacity: 3}},
				Tasks:     []matching.Task{{ID: "班次", Capacity: 0}},
				Edges:     []matching.Edge{{Worker: "\"\\/\b\f\n\r\t", Task: "班次", Score: -1.5e-3}},
			}},
		{"surrogate pair", `{"objective":"max_score","workers":[{"id":"\ud83d\ude00","capacity":1}]}`,
			matching.Problem{Objective: matching.MaxScore, Workers: []matching.Worker{{ID: "😀", Capacity: 1}}}},
		{"null and empty arrays", `{"objective":"max_score","workers":null,"tasks":[],"edges":null}`,
			matching.Problem{Objective: matching.MaxScore, Tasks: nil}},
		{"integer and exponent scores", `{"objective":"max_score","edges":[{"worker":"a","task":"b","score":2},{"worker":"a","task":"c","score":1E+2},{"worker":"a","task":"d","score":0.1234567890123456789}]}`,
			matching.Problem{Objective: matching.MaxScore, Edges: []matching.Edge{{"a", "b", 2}, {"a", "c", 100}, {"a", "d", 0.1234567890123456789}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := matching.ParseProblem([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Tasks) == 0 {
				got.Tasks = nil
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestParseProblemRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, field, msg string
	}{
		{"empty", "  ", "json", "empty input"},
		{"truncated", `{"objective":"max_score"`, "json", "input ends"},
		{"array at top", `[]`, "json", `want '{'`},
		{"trailing comma", `{"objective":"max_score",}`, "json", "want a field name"},
		{"trailing data", `{"objective":"max_score"} x`, "json", "unexpected data"},
		{"trailing NUL byte (found by FuzzParseProblem)", "{\"objective\":\"max_score\"}\x00", "json", "unexpected data"},
		{"unknown top field", `{"objective":"max_score","budget":5}`, "budget", "unknown field"},
		{"repeated field", `{"objective":"max_score","objective":"max_coverage"}`, "problem", `"objective" appears twice`},
		{"missing objective", `{"workers":[]}`, "objective", "missing"},
		{"objective not a string", `{"objective":1}`, "objective", "want a string"},
		{"missing id", `{"objective":"max_score","tasks":[{"capacity":1}]}`, "tasks[0].id", "missing"},
		{"capacity too big", `{"objective":"max_score","tasks":[{"id":"t","capacity":99999999999}]}`, "tasks[0].capacity", "out of range"},
		{"capacity exponent", `{"objective":"max_score","tasks":[{"id":"t","capacity":1e2}]}`, "tasks[0].capacity", "not a whole number"},
		{"capacity leading zero", `{"objective":"max_score","tasks":[{"id":"t","capacity":01}]}`, "tasks[0].capacity", "want a number"},
		{"bad number", `{"objective":"max_score","edges":[{"worker":"a","task":"b","score":1.}]}`, "json", "bad number"},
		{"score overflow", `{"objective":"max_score","edges":[{"worker":"a","task":"b","score":-1e400}]}`, "edges[0].score", "not a finite number"},
		{"missing score", `{"objective":"max_score","edges":[{"worker":"a","task":"b"}]}`, "edges[0].score", "missing"},
		{"control character", "{\"objective\":\"max\tscore\"}", "json", "control character"},
		{"bad escape", `{"objective":"max\qscore"}`, "json", `bad escape \q`},
		{"lone surrogate", `{"objective":"\ud83d"}`, "objective", "unpaired surrogate"},
		{"invalid UTF-8", "{\"objective\":\"\xff\"}", "objective", "not valid UTF-8"},
		{"unclosed string", `{"objective":"max`, "json", "not closed"},
		{"line and column", "{\n  \"objective\": \"max_score\",\n  \"edges\": [{\"worker\": \"a\", \"task\": \"b\", \"score\": true}]}", "edges[0].score", "(line 3 column 51)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := matching.ParseProblem([]byte(tc.in))
			var fe *matching.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Message, tc.msg) {
				t.Fatalf("got %v, want %s: …%s…", err, tc.field, tc.msg)
			}
		})
	}
}

// TestParseProblemRoundTrip encodes random problems with encoding/json (awkward ids included)
// and checks ParseProblem reads back exactly what was written, every float bit for bit.
func TestParseProblemRoundTrip(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(4, 4))
	ids := []string{"v1", "志愿者-甲", "a\"b", `back\slash`, "tab\there", "<html>&", "\u2028", "😀", ""}
	for range 200 {
		var p matching.Problem
		p.Objective = matching.MaxScore
		for i := range 1 + r.IntN(5) {
			p.Workers = append(p.Workers, matching.Worker{ID: ids[r.IntN(len(ids))] + strconv.Itoa(i), Capacity: r.IntN(5)})
		}
		for range r.IntN(8) {
			var s float64
			switch r.IntN(4) {
			case 0:
				s = math.Round(r.Float64()*1e6) / 1e6
			case 1:
				s = r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20))
			case 2:
				s = float64(r.IntN(100) - 50)
			default:
				s = math.Float64frombits(r.Uint64()) // any finite float
				if !(s > -math.MaxFloat64 && s < math.MaxFloat64) {
					s = 0
				}
			}
			p.Edges = append(p.Edges, matching.Edge{Worker: ids[r.IntN(len(ids))], Task: "t", Score: s})
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := matching.ParseProblem(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Fatalf("%s\ngot  %#v\nwant %#v", b, got, p)
		}
	}
}
