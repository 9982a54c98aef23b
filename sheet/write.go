package sheet

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Kind is how a column's cells are typed in a workbook: text, whole numbers, fixed-point
// numbers (amounts in fen, hours in minutes), dates and date-times.
type Kind int

// Column kinds.
const (
	Text Kind = iota
	Int
	Fixed2 // a Fixed value shown with two decimals (yuan from fen, hours from minutes)
	Date
	DateTime
)

// Column is one column of an export: its header and the type of its cells.
type Column struct {
	Header string
	Kind   Kind
}

// Fixed is an exact number of hundredths (fen, or hundredths of an hour), so that amounts
// never pass through a float64 in CSV.
type Fixed int64

// String formats f with two decimals: Fixed(-1234) is "-12.34".
func (f Fixed) String() string {
	n := int64(f)
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("%s%d.%02d", sign, n/100, n%100)
}

// Writer writes the rows of one sheet. A row's values are string, int, int64, Fixed,
// time.Time (the zero time is an empty cell) or nil (empty), in the columns' order.
type Writer interface {
	Row(values []any) error
	// Close finishes the file; nothing is complete before it returns.
	Close() error
}

// SafeText keeps a spreadsheet program from running a text cell as a formula: a cell that
// starts with = + - @, a tab or a carriage return gets a leading apostrophe (OWASP's advice
// for CSV injection).
func SafeText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvWriter streams CSV in UTF-8 with a byte-order mark (so Excel zh-CN reads Chinese).
type csvWriter struct {
	bw   *bufio.Writer
	w    *csv.Writer
	cols []Column
	rec  []string
}

// NewCSV starts a CSV file on w and writes the header row.
func NewCSV(w io.Writer, cols []Column) (Writer, error) {
	bw := bufio.NewWriterSize(w, 32<<10)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return nil, err
	}
	cw := &csvWriter{bw: bw, w: csv.NewWriter(bw), cols: cols, rec: make([]string, len(cols))}
	for i, c := range cols {
		cw.rec[i] = SafeText(c.Header)
	}
	if err := cw.w.Write(cw.rec); err != nil {
		return nil, err
	}
	return cw, nil
}

func (cw *csvWriter) Row(values []any) error {
	for i := range cw.rec {
		var v any
		if i < len(values) {
			v = values[i]
		}
		cw.rec[i] = csvCell(cw.cols[i].Kind, v)
	}
	return cw.w.Write(cw.rec)
}

func csvCell(k Kind, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return SafeText(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case Fixed:
		return x.String()
	case time.Time:
		if x.IsZero() {
			return ""
		}
		if k == Date {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05")
	case bool:
		return strconv.FormatBool(x)
	}
	return SafeText(fmt.Sprint(v))
}

func (cw *csvWriter) Close() error {
	cw.w.Flush()
	if err := cw.w.Error(); err != nil {
		return err
	}
	return cw.bw.Flush()
}

// Workbook streams several sheets into one XLSX file: each sheet is written to the end
// (Close on its Writer) before the next begins, and Close writes the file.
type Workbook struct {
	out    io.Writer
	f      *excelize.File
	sheets int
	open   *xlsxWriter
	styles map[Kind]int
	bold   int
}

// NewWorkbook starts an XLSX workbook written to w on Close.
func NewWorkbook(w io.Writer) (*Workbook, error) {
	f := excelize.NewFile()
	wb := &Workbook{out: w, f: f, styles: map[Kind]int{}}
	dateFmt, timeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
	for k, st := range map[Kind]*excelize.Style{
		Int:      {NumFmt: 1}, // 0
		Fixed2:   {NumFmt: 2}, // 0.00
		Date:     {CustomNumFmt: &dateFmt},
		DateTime: {CustomNumFmt: &timeFmt},
	} {
		id, err := f.NewStyle(st)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("xlsx style: %w", err)
		}
		wb.styles[k] = id
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	wb.bold = bold
	return wb, nil
}

// SheetName makes s a valid sheet name: no []:*?/\ and at most 31 characters.
func SheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune("[]:*?/\\", r) {
			return '_'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	if s == "" {
		s = "Sheet"
	}
	return s
}

// Sheet starts the next sheet, named name (made valid by SheetName), with a bold, frozen
// header row; the sheet before it must be closed.
func (wb *Workbook) Sheet(name string, cols []Column) (Writer, error) {
	if wb.open != nil {
		return nil, fmt.Errorf("xlsx: sheet %q still open", wb.open.name)
	}
	name = SheetName(name)
	if wb.sheets == 0 {
		if err := wb.f.SetSheetName("Sheet1", name); err != nil {
			return nil, fmt.Errorf("xlsx sheet: %w", err)
		}
	} else if _, err := wb.f.NewSheet(name); err != nil {
		return nil, fmt.Errorf("xlsx sheet: %w", err)
	}
	wb.sheets++
	sw, err := wb.f.NewStreamWriter(name)
	if err != nil {
		return nil, fmt.Errorf("xlsx stream: %w", err)
	}
	xw := &xlsxWriter{wb: wb, name: name, sw: sw, cols: cols, styles: make([]int, len(cols)), cells: make([]any, len(cols))}
	head := make([]any, len(cols))
	for i, c := range cols {
		xw.styles[i] = wb.styles[c.Kind]
		head[i] = excelize.Cell{StyleID: wb.bold, Value: c.Header}
		width := 14.0
		if c.Kind == Text {
			width = 20
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return nil, fmt.Errorf("xlsx width: %w", err)
		}
	}
	// The header stays in view while scrolling; excelize wants panes before the first row.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, fmt.Errorf("xlsx panes: %w", err)
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, fmt.Errorf("xlsx header: %w", err)
	}
	xw.row = 1
	wb.open = xw
	return xw, nil
}

// Close ends the open sheet, if any, and writes the workbook.
func (wb *Workbook) Close() error {
	defer wb.f.Close()
	if wb.open != nil {
		if err := wb.open.Close(); err != nil {
			return err
		}
	}
	if wb.sheets == 0 {
		if _, err := wb.Sheet("Sheet1", nil); err != nil {
			return err
		}
		if err := wb.open.Close(); err != nil {
			return err
		}
	}
	if err := wb.f.Write(wb.out); err != nil {
		return fmt.Errorf("xlsx write: %w", err)
	}
	return nil
}

// xlsxWriter streams rows into one sheet with excelize's StreamWriter, which keeps at most a
// chunk of the sheet in memory and spills the rest to a temporary file.
type xlsxWriter struct {
	wb     *Workbook
	name   string
	sw     *excelize.StreamWriter
	cols   []Column
	styles []int
	row    int
	cells  []any
	// whole: closing the sheet also writes the workbook (NewXLSX's single sheet).
	whole bool
}

// NewXLSX starts an XLSX workbook of one sheet named sheetName, written to w on Close.
func NewXLSX(w io.Writer, sheetName string, cols []Column) (Writer, error) {
	wb, err := NewWorkbook(w)
	if err != nil {
		return nil, err
	}
	sw, err := wb.Sheet(sheetName, cols)
	if err != nil {
		wb.f.Close()
		return nil, err
	}
	xw := sw.(*xlsxWriter)
	xw.whole = true
	return xw, nil
}

func (xw *xlsxWriter) Row(values []any) error {
	xw.row++
	for i := range xw.cells {
		var v any
		if i < len(values) {
			v = values[i]
		}
		switch x := v.(type) {
		case nil:
			xw.cells[i] = nil
			continue
		case Fixed:
			// Two decimals of an int64 are exact in a float64 up to 2^53 hundredths, far
			// above the money bounds (docs/funds.md).
			v = float64(x) / 100
		case time.Time:
			if x.IsZero() {
				xw.cells[i] = nil
				continue
			}
		}
		// Cells are typed, so text is never a formula in XLSX: no apostrophe needed.
		xw.cells[i] = excelize.Cell{StyleID: xw.styles[i], Value: v}
	}
	cell, err := excelize.CoordinatesToCellName(1, xw.row)
	if err != nil {
		return err
	}
	if err := xw.sw.SetRow(cell, xw.cells); err != nil {
		return fmt.Errorf("xlsx row %d: %w", xw.row, err)
	}
	return nil
}

// Close ends the sheet (and, for NewXLSX, writes the workbook).
func (xw *xlsxWriter) Close() error {
	if xw.wb.open != xw {
		return nil
	}
	xw.wb.open = nil
	if err := xw.sw.Flush(); err != nil {
		xw.wb.f.Close()
		return fmt.Errorf("xlsx flush: %w", err)
	}
	if xw.whole {
		return xw.wb.Close()
	}
	return nil
}
