package app

// Reading spreadsheets (台账) as communities keep them: CSV or XLSX, a title row or two above
// the header, headers in Chinese or English with bracketed hints, dates in the common Chinese
// forms or as Excel date cells, phone numbers with spaces, dashes or +86.

import (
	"bytes"
	"encoding/csv"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Import limits: a file larger than either is refused before any row is read.
const (
	MaxImportRows  = 50000
	MaxImportBytes = 20 << 20
	headerScanRows = 10 // a header is looked for in this many rows from the top
)

// importSheet is a file read into text cells: Rows[i] is spreadsheet row i+1.
type importSheet struct {
	Rows [][]string
	// Formulas holds the cells ("B5") that carry a formula: their values are not trusted.
	Formulas map[string]bool
	// Converted says the file was GBK/GB18030 text and was converted to UTF-8.
	Converted bool
	// DateCells says date columns may hold Excel serial numbers (XLSX raw values).
	XLSX bool
}

// readSheet decodes CSV or XLSX bytes. Errors are EINVALID on the field "file".
func readSheet(data []byte) (*importSheet, error) {
	if len(data) == 0 {
		return nil, fileError("import.error.empty")
	}
	if len(data) > MaxImportBytes {
		return nil, fileError("import.error.too_large", "max_mb", MaxImportBytes>>20)
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, fileError("import.error.xls")
	}
	return readCSV(data)
}

func fileError(id string, kv ...any) error {
	fe := FieldErrors{}
	fe.Add("file", id, kv...)
	return fe.Err()
}

func readCSV(data []byte) (*importSheet, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fileError("import.error.not_spreadsheet")
	}
	sh := &importSheet{}
	if !utf8.Valid(data) {
		// Excel zh-CN saves "CSV" in GB18030 (a superset of GBK): convert it.
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(dec) {
			return nil, fileError("import.error.encoding")
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
			return nil, fileError("import.error.not_spreadsheet")
		}
		sh.Rows = append(sh.Rows, rec)
		if len(sh.Rows) > MaxImportRows+headerScanRows {
			return nil, fileError("import.error.too_many_rows", "max", MaxImportRows)
		}
	}
	return sh, nil
}

func readXLSX(data []byte) (*importSheet, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fileError("import.error.not_spreadsheet")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fileError("import.error.no_header")
	}
	name := sheets[f.GetActiveSheetIndex()]
	// Raw values: a date cell gives its serial number whatever its number format (zh-CN's
	// default short date is built-in format 14, which formatted text would render as m-d-yy).
	rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fileError("import.error.not_spreadsheet")
	}
	if len(rows) > MaxImportRows+headerScanRows {
		return nil, fileError("import.error.too_many_rows", "max", MaxImportRows)
	}
	sh := &importSheet{Rows: rows, XLSX: true, Formulas: map[string]bool{}}
	for i, row := range rows {
		for j := range row {
			addr, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if fm, err := f.GetCellFormula(name, addr); err == nil && fm != "" {
				sh.Formulas[addr] = true
			}
		}
	}
	return sh, nil
}

// normHeader reduces a header cell to its matchable core: no bracketed hint (full- or
// half-width), no spaces, lower case, full-width letters folded.
func normHeader(s string) string {
	s = strings.TrimSpace(s)
	for _, pair := range [][2]string{{"(", ")"}, {"（", "）"}, {"[", "]"}, {"【", "】"}} {
		for {
			i := strings.Index(s, pair[0])
			if i < 0 {
				break
			}
			j := strings.Index(s[i:], pair[1])
			if j < 0 {
				s = s[:i]
				break
			}
			s = s[:i] + s[i+j+len(pair[1]):]
		}
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) || r == '*' || r == '＊' || r == ':' || r == '：' {
			continue
		}
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII
			r -= 0xFEE0
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// headerMap is a located header: the row (1-based) and, per field, its column index and text.
type headerMap struct {
	Row     int
	Cols    map[string]int
	Text    map[string]string
	Ignored []string
}

// findHeader looks for the first row (of the first few) that names the kind's required
// fields; title rows above it are skipped.
func findHeader(sh *importSheet, k *importKind) (*headerMap, error) {
	for i := 0; i < len(sh.Rows) && i < headerScanRows; i++ {
		h := &headerMap{Row: i + 1, Cols: map[string]int{}, Text: map[string]string{}}
		var unknown []string
		for c, cell := range sh.Rows[i] {
			n := normHeader(cell)
			if n == "" {
				continue
			}
			if f, ok := k.synonyms[n]; ok {
				if _, dup := h.Cols[f]; !dup {
					h.Cols[f], h.Text[f] = c, strings.TrimSpace(cell)
					continue
				}
			}
			unknown = append(unknown, strings.TrimSpace(cell))
		}
		complete := true
		for _, f := range k.required {
			if _, ok := h.Cols[f]; !ok {
				complete = false
			}
		}
		if complete && len(h.Cols) >= 2 {
			h.Ignored = unknown
			return h, nil
		}
	}
	return nil, fileError("import.error.no_header")
}

// cell returns the trimmed text of a field in a row, and its spreadsheet address.
func (h *headerMap) cell(row []string, rowNum int, field string) (string, string, bool) {
	c, ok := h.Cols[field]
	if !ok {
		return "", "", false
	}
	addr, _ := excelize.CoordinatesToCellName(c+1, rowNum)
	if c >= len(row) {
		return "", addr, true
	}
	return strings.TrimSpace(row[c]), addr, true
}

// Phone problems, as row-error message ids.
const (
	phoneMasked   = "import.error.phone_masked"
	phoneLandline = "import.error.phone_landline"
	phoneInvalid  = "error.mobile"
)

// normalizeMobile turns "138 0013 8000", "138-0013-8000", "+86 13800138000" or an Excel
// number 1.38001380000E10 into "13800138000"; masked numbers and landlines are errors.
func normalizeMobile(s string) (string, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ""
	}
	if strings.ContainsAny(s, "*＊xX×") {
		return "", phoneMasked
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && strings.ContainsAny(s, "eE") && f > 0 && f < 1e13 {
		s = strconv.FormatFloat(f, 'f', 0, 64)
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune(r - '０' + '0')
		case r == ' ' || r == '-' || r == '—' || r == '+' || r == '(' || r == ')' || r == '（' || r == '）' || r == '\u00a0':
		default:
			return "", phoneInvalid
		}
	}
	d := b.String()
	if len(d) == 13 && strings.HasPrefix(d, "86") {
		d = d[2:]
	}
	if len(d) == 15 && strings.HasPrefix(d, "0086") {
		d = d[4:]
	}
	if mobileRE.MatchString(d) {
		return d, ""
	}
	if strings.HasPrefix(d, "0") || len(d) == 7 || len(d) == 8 {
		return "", phoneLandline
	}
	return "", phoneInvalid
}

var (
	dateYMD   = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$`)
	dateDigit = regexp.MustCompile(`^\d{8}$`)
	serialRE  = regexp.MustCompile(`^\d{1,6}(\.\d+)?$`)
)

// parseImportDate reads 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305 or an Excel
// serial number (a date cell's raw value). An impossible date (1990-04-31) is an error.
func parseImportDate(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if m := dateYMD.FindStringSubmatch(s); m != nil {
		return ymd(m[1], m[2], m[3], loc)
	}
	if dateDigit.MatchString(s) {
		return ymd(s[:4], s[4:6], s[6:], loc)
	}
	if serialRE.MatchString(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 1 || f > 2958465 {
			return time.Time{}, false
		}
		t, err := excelize.ExcelDateToTime(f, false)
		if err != nil {
			return time.Time{}, false
		}
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc), true
	}
	return time.Time{}, false
}

func ymd(ys, ms, ds string, loc *time.Location) (time.Time, bool) {
	y, _ := strconv.Atoi(ys)
	m, _ := strconv.Atoi(ms)
	d, _ := strconv.Atoi(ds)
	if m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2200 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	if t.Day() != d || int(t.Month()) != m {
		return time.Time{}, false // 1990-04-31 rolls over to May: impossible
	}
	return t, true
}

// parseHoursMinutes reads a number of hours ("1.5", "2", "1.25") as whole minutes, exactly,
// without floating point; more than two decimals or a fraction of a minute is an error.
func parseHoursMinutes(s string) (int, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(s), "小时"), "h"))
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	h, err := strconv.Atoi(whole)
	if err != nil || h < 0 || len(frac) > 4 {
		return 0, false
	}
	for _, r := range frac {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	// minutes = h*60 + 0.frac*60, computed in ten-thousandths of an hour.
	num := 0
	if frac != "" {
		f := frac + strings.Repeat("0", 4-len(frac))
		num, _ = strconv.Atoi(f)
	}
	if num*60%10000 != 0 {
		return 0, false
	}
	return h*60 + num*60/10000, true
}

// splitList splits 技能 cells: 、 , ， ; ； / and spaces.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == ',' || r == '，' || r == ';' || r == '；' || r == '/' || r == '|' || unicode.IsSpace(r)
	})
}
