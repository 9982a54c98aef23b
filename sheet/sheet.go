// Package sheet reads spreadsheets as community offices keep them (CSV in UTF-8 or GB18030,
// XLSX) into text cells, so the domain code that interprets them needs no file-format library.
package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Errors Read returns; callers turn them into messages for the person who uploaded the file.
var (
	ErrEmpty          = errors.New("sheet: empty file")
	ErrXLS            = errors.New("sheet: legacy .xls workbook")
	ErrNotSpreadsheet = errors.New("sheet: not a spreadsheet")
	ErrEncoding       = errors.New("sheet: text is neither UTF-8 nor GB18030")
	ErrNoSheet        = errors.New("sheet: workbook has no sheet")
	ErrTooManyRows    = errors.New("sheet: too many rows")
)

// Sheet is a file read into text cells: Rows[i] is spreadsheet row i+1.
type Sheet struct {
	Rows [][]string
	// Formulas holds the cells ("B5") that carry a formula: their values are not trusted.
	Formulas map[string]bool
	// Converted says the file was GBK/GB18030 text and was converted to UTF-8.
	Converted bool
	// XLSX says the cells are XLSX raw values: a date cell holds its serial number.
	XLSX bool
}

// Read decodes CSV or XLSX bytes, refusing files of more than maxRows rows.
func Read(data []byte, maxRows int) (*Sheet, error) {
	switch {
	case len(data) == 0:
		return nil, ErrEmpty
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data, maxRows)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, ErrXLS
	}
	return readCSV(data, maxRows)
}

func readCSV(data []byte, maxRows int) (*Sheet, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, ErrNotSpreadsheet
	}
	sh := &Sheet{}
	if !utf8.Valid(data) {
		// Excel zh-CN saves "CSV" in GB18030 (a superset of GBK): convert it.
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(dec) {
			return nil, ErrEncoding
		}
		data, sh.Converted = dec, true
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, ErrNotSpreadsheet
		}
		sh.Rows = append(sh.Rows, rec)
		if len(sh.Rows) > maxRows {
			return nil, ErrTooManyRows
		}
	}
	return sh, nil
}

func readXLSX(data []byte, maxRows int) (*Sheet, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, ErrNotSpreadsheet
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, ErrNoSheet
	}
	name := sheets[f.GetActiveSheetIndex()]
	// Raw values: a date cell gives its serial number whatever its number format (zh-CN's
	// default short date is built-in format 14, which formatted text would render as m-d-yy).
	rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, ErrNotSpreadsheet
	}
	if len(rows) > maxRows {
		return nil, ErrTooManyRows
	}
	sh := &Sheet{Rows: rows, XLSX: true, Formulas: map[string]bool{}}
	for i, row := range rows {
		for j := range row {
			addr := CellName(j, i+1)
			if fm, err := f.GetCellFormula(name, addr); err == nil && fm != "" {
				sh.Formulas[addr] = true
			}
		}
	}
	return sh, nil
}

// CellName is the spreadsheet address ("B5") of the zero-based column col in row (from 1).
func CellName(col, row int) string {
	addr, _ := excelize.CoordinatesToCellName(col+1, row) // valid for every in-range cell
	return addr
}

// ExcelDate turns an Excel serial date (1900 date system) into its calendar day.
func ExcelDate(serial float64) (time.Time, error) {
	t, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		return time.Time{}, fmt.Errorf("excel date %v: %w", serial, err)
	}
	return t, nil
}
