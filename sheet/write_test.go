package sheet

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestSafeText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"=SUM(A1)": "'=SUM(A1)", "+1": "'+1", "-2": "'-2", "@x": "'@x",
		"\tx": "'\tx", "\rx": "'\rx", "张三": "张三", "": "", "a=b": "a=b"} {
		if got := SafeText(in); got != want {
			t.Errorf("SafeText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriters(t *testing.T) {
	t.Parallel()
	cols := []Column{{"姓名", Text}, {"次数", Int}, {"金额", Fixed2}, {"日期", Date}, {"时间", DateTime}}
	day := time.Date(2026, 3, 5, 14, 30, 0, 0, time.FixedZone("CST", 8*3600))
	rows := [][]any{{"=HYPERLINK(\"x\")", 3, Fixed(-1234), day, day}, {"李四", int64(0), Fixed(5), time.Time{}, nil}}

	var cb bytes.Buffer
	w, err := NewCSV(&cb, cols)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFF姓名,次数,金额,日期,时间\n\"'=HYPERLINK(\"\"x\"\")\",3,-12.34,2026-03-05,2026-03-05 14:30:00\n李四,0,0.05,,\n"
	if cb.String() != want {
		t.Errorf("csv:\n%q\nwant\n%q", cb.String(), want)
	}

	var xb bytes.Buffer
	w, err = NewXLSX(&xb, "Export", cols)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&xb)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for cell, want := range map[string]string{"A1": "姓名", "A2": "=HYPERLINK(\"x\")", "B2": "3", "C2": "-12.34", "D2": "2026-03-05", "E2": "2026-03-05 14:30:00", "C3": "0.05", "D3": ""} {
		got, err := f.GetCellValue("Export", cell)
		if err != nil || got != want {
			t.Errorf("%s = %q %v, want %q", cell, got, err, want)
		}
	}
	for _, cell := range []string{"B2", "C2", "D2", "E2"} {
		typ, err := f.GetCellType("Export", cell)
		if err != nil || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
			t.Errorf("%s type %v %v, want a number", cell, typ, err)
		}
		raw, _ := f.GetCellValue("Export", cell, excelize.Options{RawCellValue: true})
		if strings.ContainsAny(raw, "-:") && cell != "C2" {
			t.Errorf("%s raw %q: want a serial number, not text", cell, raw)
		}
	}
	if formula, _ := f.GetCellFormula("Export", "A2"); formula != "" {
		t.Errorf("A2 is a formula %q", formula)
	}
}

func TestWorkbookSheets(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	wb, err := NewWorkbook(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"账号", "a/b:c[d]*?e\\f but much longer than thirty-one characters"} {
		w, err := wb.Sheet(name, []Column{{"列", Text}, {"数", Int}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := wb.Sheet("too soon", nil); err == nil {
			t.Error("a second sheet opened before the first was closed")
		}
		if err := w.Row([]any{"+x", i}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := wb.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := f.GetSheetList()
	if len(names) != 2 || names[0] != "账号" || names[1] != "a_b_c_d___e_f but much longer t" {
		t.Errorf("sheets %q", names)
	}
	if v, _ := f.GetCellValue(names[1], "B2"); v != "1" {
		t.Errorf("second sheet B2 = %q", v)
	}
}
