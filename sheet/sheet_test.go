package sheet_test

import (
	"errors"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/wushe/wushe/sheet"
)

func TestRead(t *testing.T) {
	t.Parallel()
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String("姓名,手机\n王小明,13800138000\n")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		data      string
		max       int
		want      error
		rows      int
		converted bool
	}{
		{"utf-8 with BOM", "\xEF\xBB\xBF姓名,手机\n王小明,13800138000\n", 10, nil, 2, false},
		{"GB18030 converted", gbk, 10, nil, 2, true},
		{"empty", "", 10, sheet.ErrEmpty, 0, false},
		{"legacy xls", "\xD0\xCF\x11\xE0rest", 10, sheet.ErrXLS, 0, false},
		{"binary", "a,b\x00c", 10, sheet.ErrNotSpreadsheet, 0, false},
		{"broken zip", "PK\x03\x04garbage", 10, sheet.ErrNotSpreadsheet, 0, false},
		{"too many rows", "a\nb\nc\n", 2, sheet.ErrTooManyRows, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh, err := sheet.Read([]byte(tt.data), tt.max)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if err != nil {
				return
			}
			if len(sh.Rows) != tt.rows || sh.Converted != tt.converted || sh.Rows[1][0] != "王小明" {
				t.Errorf("sheet = %+v", sh)
			}
		})
	}
}

func TestCellNameAndExcelDate(t *testing.T) {
	t.Parallel()
	if got := sheet.CellName(1, 5); got != "B5" {
		t.Errorf("CellName(1, 5) = %q", got)
	}
	d, err := sheet.ExcelDate(45356) // 2024-03-05
	if err != nil || d.Format("2006-01-02") != "2024-03-05" {
		t.Errorf("ExcelDate(45356) = %v, %v", d, err)
	}
}
