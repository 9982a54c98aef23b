package funds

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// QFHeader and QFResultHeader are the exact CSV headers of `wushe funds qf`.
var (
	QFHeader       = []string{"contributor", "project", "amount"}
	QFResultHeader = []string{"project", "contributors", "contributed", "match"}
)

// ReadQFCSV reads contributor,project,amount rows. It accepts what spreadsheets produce — a
// UTF-8 byte-order mark, CRLF line ends, quoted fields, blank lines — and refuses anything
// else with a *QFLineError naming the line: a wrong header, a wrong number of fields, an empty
// id, or an amount that is not a plain non-negative integer ("1.5", "-3", "1e3", " 5", "").
func ReadQFCSV(r io.Reader) ([]QFRow, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\uFEFF")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = 3
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &QFLineError{Line: 1, Err: fmt.Errorf("%w: missing header %s", ErrMalformedRow, joinHeader(QFHeader))}
	}
	if err != nil {
		return nil, csvLineError(err)
	}
	if header[0] != QFHeader[0] || header[1] != QFHeader[1] || header[2] != QFHeader[2] {
		line, _ := cr.FieldPos(0)
		return nil, &QFLineError{Line: line, Err: fmt.Errorf("%w: header must be %s", ErrMalformedRow, joinHeader(QFHeader))}
	}
	var rows []QFRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, csvLineError(err)
		}
		line, _ := cr.FieldPos(2)
		amount, ok := parseMinorUnits(rec[2])
		if !ok {
			return nil, &QFLineError{Line: line, Err: fmt.Errorf("%w: amount %q is not a non-negative integer of minor units", ErrMalformedRow, rec[2])}
		}
		row := QFRow{Contributor: rec[0], Project: rec[1], Amount: amount, Line: line}
		if row.Contributor == "" || row.Project == "" {
			return nil, &QFLineError{Line: line, Err: fmt.Errorf("%w: empty contributor or project", ErrMalformedRow)}
		}
		rows = append(rows, row)
	}
}

// parseMinorUnits accepts only ASCII digits that fit an int64: no sign, space, point or
// exponent, because "1.5" fen or "1e3" would be a guess about what was meant.
func parseMinorUnits(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func csvLineError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &QFLineError{Line: pe.Line, Err: fmt.Errorf("%w: %v", ErrMalformedRow, pe.Err)}
	}
	return err // a read error, not a malformed file
}

func joinHeader(h []string) string {
	var b bytes.Buffer
	for i, f := range h {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(f)
	}
	return b.String()
}

// WriteQFCSV writes project,contributors,contributed,match rows, quoting ids that need it.
func WriteQFCSV(w io.Writer, projects []QFProject) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	if err := cw.Write(QFResultHeader); err != nil {
		return err
	}
	rec := make([]string, 4)
	for _, p := range projects {
		rec[0] = p.Project
		rec[1] = strconv.Itoa(p.Contributors)
		rec[2] = strconv.FormatInt(p.Contributed, 10)
		rec[3] = strconv.FormatInt(p.Match, 10)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
