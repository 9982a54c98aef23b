package matching

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"reflect"
	"strconv"
	"testing"
)

// FuzzParseProblem checks the hand-written decoder of `wushe match solve` against
// encoding/json: whatever it accepts is valid JSON (RFC 8259) that encoding/json reads to the
// same workers, tasks, edges and numbers, and a problem it decoded, written back by
// encoding/json, decodes to itself. Refusals are *FieldError values. Seeds are in
// testdata/fuzz/FuzzParseProblem; run long with scripts/fuzz.sh.
func FuzzParseProblem(f *testing.F) {
	for _, s := range []string{
		`{"objective":"max_score","workers":[{"id":"w1","capacity":2}],"tasks":[{"id":"t1","capacity":1}],"edges":[{"worker":"w1","task":"t1","score":0.5}]}`,
		`{"objective":"max_coverage","workers":null,"tasks":[],"edges":[]}`,
		`{"workers":[{"id":"志愿者\u0041","capacity":1e2}],"tasks":[{"id":"t","capacity":1.0}],"edges":[{"worker":"志愿者A","task":"t","score":-1E-3}],"objective":"max_score"}`,
		`{"objective":"max_score","workers":[],"tasks":[],"edges":[],"capacty":1}`,
		`{"objective":"max_score","workers":[{"id":"a","capacity":1.5}]}`,
		`{"objective":"max_score","edges":[{"worker":"a","task":"b","score":1e999}]}`,
		"{\"objective\":\"\xff\"}",
		`{"objective":"max_score","objective":"max_score"}`,
		`{"objective":"max_coverage","workers":null,"edges":[{"worker":"\u00e9","task":"x","score":-1e-7}]}`,
		`{"objective":"x"}`, `{`, `{"objective":"max_score","tasks":[{"id":"t","capacity":1.0}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProblem(data)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FieldError", err)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		var direct Problem
		if err := json.Unmarshal(data, &direct); err != nil {
			t.Fatalf("ParseProblem accepted what encoding/json rejects (%v): %q", err, data)
		}
		// encoding/json reads the same values (numbers kept exact, so 1e2 and 1.0 compare).
		var mirror struct {
			Objective string `json:"objective"`
			Workers   []struct {
				ID       string      `json:"id"`
				Capacity json.Number `json:"capacity"`
			} `json:"workers"`
			Tasks []struct {
				ID       string      `json:"id"`
				Capacity json.Number `json:"capacity"`
			} `json:"tasks"`
			Edges []struct {
				Worker string      `json:"worker"`
				Task   string      `json:"task"`
				Score  json.Number `json:"score"`
			} `json:"edges"`
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&mirror); err != nil {
			t.Fatalf("encoding/json refuses what ParseProblem accepted: %v", err)
		}
		sameInt := func(n json.Number, want int) bool {
			r, ok := new(big.Rat).SetString(string(n))
			return ok && r.Cmp(new(big.Rat).SetInt64(int64(want))) == 0
		}
		if string(p.Objective) != mirror.Objective || len(p.Workers) != len(mirror.Workers) || len(p.Tasks) != len(mirror.Tasks) || len(p.Edges) != len(mirror.Edges) {
			t.Fatalf("ParseProblem %+v, encoding/json %+v", p, mirror)
		}
		for i, w := range mirror.Workers {
			if p.Workers[i].ID != w.ID || !sameInt(w.Capacity, p.Workers[i].Capacity) {
				t.Fatalf("worker %d: %+v vs %+v", i, p.Workers[i], w)
			}
		}
		for i, w := range mirror.Tasks {
			if p.Tasks[i].ID != w.ID || !sameInt(w.Capacity, p.Tasks[i].Capacity) {
				t.Fatalf("task %d: %+v vs %+v", i, p.Tasks[i], w)
			}
		}
		for i, e := range mirror.Edges {
			s, err := strconv.ParseFloat(string(e.Score), 64)
			if p.Edges[i].Worker != e.Worker || p.Edges[i].Task != e.Task || err != nil || s != p.Edges[i].Score {
				t.Fatalf("edge %d: %+v vs %+v (%v)", i, p.Edges[i], e, err)
			}
		}
		// Written back, it decodes to itself.
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("marshal %+v: %v", p, err)
		}
		again, err := ParseProblem(out)
		if err != nil {
			t.Fatalf("re-reading %s: %v", out, err)
		}
		norm := func(p Problem) Problem {
			if len(p.Workers) == 0 {
				p.Workers = nil
			}
			if len(p.Tasks) == 0 {
				p.Tasks = nil
			}
			if len(p.Edges) == 0 {
				p.Edges = nil
			}
			return p
		}
		if !reflect.DeepEqual(norm(again), norm(p)) {
			t.Fatalf("round trip: %+v became %+v", p, again)
		}
	})
}
