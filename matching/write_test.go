package matching_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteInstances writes the benchmark instances as JSON files for
// scripts/compare/bench_solve.sh. It runs only when WUSHE_WRITE_INSTANCES names a directory:
//
//	WUSHE_WRITE_INSTANCES=/tmp/inst go test ./matching/ -run '^TestWriteInstances$' -count=1
func TestWriteInstances(t *testing.T) {
	dir := os.Getenv("WUSHE_WRITE_INSTANCES")
	if dir == "" {
		t.Skip("set WUSHE_WRITE_INSTANCES to a directory to write the benchmark instances")
	}
	files := map[string]any{
		"shifts.json": genShifts(1, 2000, 10000, 11),
		"dense.json":  genDense(1, 1000),
	}
	for name, p := range files {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
