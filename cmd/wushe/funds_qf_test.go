package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wushe/wushe/funds"
)

// runQF runs `wushe funds qf args…` with stdin and returns the exit status and both outputs.
func runQF(t testing.TB, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	code := Run(context.Background(), append([]string{"funds", "qf"}, args...), env)
	return code, out.String(), errOut.String()
}

func qfWriteFile(t testing.TB, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// qfSample: A = {1, 4} → r = 4, B = {9, 16} → r = 24, C = {2, 8} → r = 8 (36 in all).
const qfSample = "\uFEFFcontributor,project,amount\r\na,A,1\r\nb,A,4\r\n\r\nc,B,9\r\n\"d\",\"B\",16\r\ne,C,2\r\nf,C,8\r\nx,D,0\r\n"

func TestFundsQF(t *testing.T) {
	t.Parallel()
	in := qfWriteFile(t, "round.csv", qfSample)
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"pool covers everything", "", []string{"--in", in, "--pool", "100"},
			"project,contributors,contributed,match\nA,2,5,4\nB,2,25,24\nC,2,10,8\nD,0,0,0\n"},
		{"λ < 1", "", []string{"--in", in, "--pool", "14"},
			"project,contributors,contributed,match\nA,2,5,1\nB,2,25,9\nC,2,10,3\nD,0,0,0\n"},
		{"cap and λ", "", []string{"--in", in, "--pool=20", "--cap-percent=50"},
			"project,contributors,contributed,match\nA,2,5,3\nB,2,25,10\nC,2,10,6\nD,0,0,0\n"},
		{"decimal cap", "", []string{"--in", in, "--pool", "100", "--cap-percent", "12.5"},
			"project,contributors,contributed,match\nA,2,5,4\nB,2,25,12\nC,2,10,8\nD,0,0,0\n"},
		{"A = 0 keeps the zero row", "", []string{"--in", in, "--pool", "100", "--min-amount", "0"},
			"project,contributors,contributed,match\nA,2,5,4\nB,2,25,24\nC,2,10,8\nD,1,0,0\n"},
		{"K = 3", "", []string{"--in", in, "--pool", "100", "--min-contributors", "3"},
			"project,contributors,contributed,match\nA,2,5,0\nB,2,25,0\nC,2,10,0\nD,0,0,0\n"},
		{"pairwise", "", []string{"--in", in, "--pool", "100", "--mode", "pairwise"},
			"project,contributors,contributed,match\nA,2,5,3\nB,2,25,23\nC,2,10,7\nD,0,0,0\n"},
		// M = 2: r = 2·w·M/(M+w) with w = 2, 12, 4 → 2, 3.43, 2.67.
		{"pairwise with M", "", []string{"--in", in, "--pool", "100", "--mode", "pairwise", "--pairwise-m", "2"},
			"project,contributors,contributed,match\nA,2,5,2\nB,2,25,3\nC,2,10,2\nD,0,0,0\n"},
		{"standard input", "contributor,project,amount\nu,\"P,1\",4\nv,\"P,1\",9\n", []string{"--in", "-", "--pool", "0"},
			"project,contributors,contributed,match\n\"P,1\",2,13,0\n"},
		{"header only", "contributor,project,amount\n", []string{"--in", "-", "--pool", "5"},
			"project,contributors,contributed,match\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runQF(t, tt.stdin, tt.args...)
			if code != 0 || out != tt.want {
				t.Errorf("exit %d, stderr %q\ngot:\n%s\nwant:\n%s", code, errOut, out, tt.want)
			}
		})
	}
}

func TestFundsQFBadInput(t *testing.T) {
	t.Parallel()
	in := qfWriteFile(t, "round.csv", qfSample)
	bad := qfWriteFile(t, "bad.csv", "contributor,project,amount\na,P,5\nb,P,1.5\n")
	tests := []struct {
		name  string
		stdin string
		args  []string
		say   string // part of the message on standard error
	}{
		{"no --in", "", []string{"--pool", "5"}, "--in is required"},
		{"no --pool", "", []string{"--in", in}, "--pool is required"},
		{"negative pool", "", []string{"--in", in, "--pool", "-5"}, "--pool"},
		{"decimal pool", "", []string{"--in", in, "--pool", "1.5"}, "--pool"},
		{"pool overflows", "", []string{"--in", in, "--pool", "9223372036854775808"}, "--pool"},
		{"cap zero", "", []string{"--in", in, "--pool", "5", "--cap-percent", "0"}, "--cap-percent"},
		{"cap above 100", "", []string{"--in", in, "--pool", "5", "--cap-percent", "100.5"}, "--cap-percent"},
		{"cap negative", "", []string{"--in", in, "--pool", "5", "--cap-percent", "-10"}, "--cap-percent"},
		{"cap not a number", "", []string{"--in", in, "--pool", "5", "--cap-percent", "ten"}, "--cap-percent"},
		{"K negative", "", []string{"--in", in, "--pool", "5", "--min-contributors", "-1"}, "--min-contributors"},
		{"A negative", "", []string{"--in", in, "--pool", "5", "--min-amount", "-1"}, "--min-amount"},
		{"A decimal", "", []string{"--in", in, "--pool", "5", "--min-amount", "0.5"}, "--min-amount"},
		{"unknown mode", "", []string{"--in", in, "--pool", "5", "--mode", "quadratic"}, "--mode"},
		{"M zero", "", []string{"--in", in, "--pool", "5", "--mode", "pairwise", "--pairwise-m", "0"}, "--pairwise-m"},
		{"M not a number", "", []string{"--in", in, "--pool", "5", "--pairwise-m", "1e3"}, "--pairwise-m"},
		{"unknown flag", "", []string{"--in", in, "--pool", "5", "--budget", "5"}, "budget"},
		{"stray argument", "", []string{"--in", in, "--pool", "5", "extra"}, "extra"},
		{"missing file", "", []string{"--in", filepath.Join(t.TempDir(), "nope.csv"), "--pool", "5"}, "nope.csv"},
		{"directory", "", []string{"--in", t.TempDir(), "--pool", "5"}, "directory"},
		{"malformed amount names the line", "", []string{"--in", bad, "--pool", "5"}, "line 3"},
		{"negative amount", "contributor,project,amount\na,P,-3\n", []string{"--in", "-", "--pool", "5"}, "line 2"},
		{"wrong header", "who,what,how much\n", []string{"--in", "-", "--pool", "5"}, "line 1"},
		{"empty input", "", []string{"--in", "-", "--pool", "5"}, "line 1"},
		{"field count", "contributor,project,amount\na,P,1,2\n", []string{"--in", "-", "--pool", "5"}, "line 2"},
		{"project total overflows", "contributor,project,amount\na,P,9223372036854775807\nb,P,1\n", []string{"--in", "-", "--pool", "5"}, "line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runQF(t, tt.stdin, tt.args...)
			if code != 2 || !strings.Contains(errOut, tt.say) {
				t.Errorf("exit %d, stderr %q; want 2 and a message mentioning %q", code, errOut, tt.say)
			}
			if out != "" {
				t.Errorf("wrote %q to standard output on bad input", out)
			}
		})
	}
}

func TestFundsQFHelp(t *testing.T) {
	t.Parallel()
	code, _, errOut := runQF(t, "", "-h")
	if code != 0 || !strings.Contains(errOut, "--pool N") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestFundsQFGeneratedRound runs a generated round end to end and checks the contract's
// invariants on the output.
func TestFundsQFGeneratedRound(t *testing.T) {
	t.Parallel()
	path := qfWriteRound(t, 5000, 60)
	for _, mode := range []string{"standard", "pairwise"} {
		code, out, errOut := runQF(t, "", "--in", path, "--pool", "1000000", "--cap-percent", "20", "--mode", mode)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", mode, code, errOut)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var total int64
		for i, r := range recs[1:] {
			m, _ := strconv.ParseInt(r[3], 10, 64)
			total += m
			if m > 200000 {
				t.Errorf("%s: %s matched %d above the 20%% cap", mode, r[0], m)
			}
			if i > 0 && recs[i][0] >= r[0] {
				t.Errorf("%s: %q listed after %q", mode, r[0], recs[i][0])
			}
		}
		if total > 1000000 || len(recs) != 61 {
			t.Errorf("%s: %d rows, %d matched", mode, len(recs)-1, total)
		}
	}
}

func qfWriteRound(t testing.TB, n, projects int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("contributor,project,amount\n")
	for _, r := range funds.SyntheticQFRound(1, n, projects) {
		b.WriteString(r.Contributor + "," + r.Project + "," + strconv.FormatInt(r.Amount, 10) + "\n")
	}
	return qfWriteFile(t, "round.csv", b.String())
}

// BenchmarkFundsQFCommand measures the whole command on the scale (80,000
// contributions, 650 projects), file reading and CSV output included.
func BenchmarkFundsQFCommand(b *testing.B) {
	path := qfWriteRound(b, 80_000, 650)
	for _, mode := range []string{"standard", "pairwise"} {
		b.Run(mode, func(b *testing.B) {
			for b.Loop() {
				if code, _, errOut := runQF(b, "", "--in", path, "--pool", "5000000000", "--mode", mode); code != 0 {
					b.Fatal(errOut)
				}
			}
		})
	}
}
