package funds

import (
	"bytes"
	"strconv"
	"testing"
)

// benchRound is the scale: 80,000 contributions across 650 projects.
func benchRound(b *testing.B) []byte {
	b.Helper()
	rows := SyntheticQFRound(1, 80_000, 650)
	var buf bytes.Buffer
	buf.WriteString("contributor,project,amount\n")
	for _, r := range rows {
		buf.WriteString(r.Contributor + "," + r.Project + "," + strconv.FormatInt(r.Amount, 10) + "\n")
	}
	return buf.Bytes()
}

// BenchmarkQFStandardCSV measures what `wushe funds qf` does in standard mode: parse the CSV,
// compute, write the result.
func BenchmarkQFStandardCSV(b *testing.B) { benchQFCSV(b, QFStandard) }

// BenchmarkQFPairwiseCSV is the same in pairwise mode.
func BenchmarkQFPairwiseCSV(b *testing.B) { benchQFCSV(b, QFPairwise) }

func benchQFCSV(b *testing.B, mode QFMode) {
	data := benchRound(b)
	p := DefaultQFParams(50_000_000_00)
	p.Mode = mode
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		rows, err := ReadQFCSV(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		res, err := QuadraticFunding(rows, p)
		if err != nil {
			b.Fatal(err)
		}
		var out bytes.Buffer
		if err := WriteQFCSV(&out, res.Projects); err != nil {
			b.Fatal(err)
		}
	}
}
