package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/wushe/wushe/app/apptest"
)

// TestExportCommand writes department exports through `wushe export` over a copy of the demo
// database: CSV to stdout with the documented header, XLSX to a file, and refusals (a
// resident, no place, an unknown template) with their exit statuses and no file left behind.
func TestExportCommand(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	url := apptest.NewTemplateDatabase(t, "demo", demoTemplate, cfg.sqlitePath())
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string {
			switch k {
			case "WUSHE_DATA_DIR":
				return cfg.DataDir
			case "DATABASE_URL":
				return url
			}
			return ""
		}}
		code := Run(context.Background(), args, env)
		return code, out.String(), errOut.String()
	}
	code, out, errOut := run("export", "volunteer_service", "--community", "1", "--from", "2026-01-01", "--to", "2026-12-31", "--as", "worker@wushe.local")
	if code != 0 || !strings.HasPrefix(out, "\uFEFF记录编号,服务日期,志愿者编号,姓名,手机号（脱敏）,社区,服务项目,服务内容,服务时长（小时）,记录方式,审核时间\n") {
		t.Fatalf("csv: %d %.200q %s", code, out, errOut)
	}
	if strings.Count(out, "\n") < 2 {
		t.Errorf("the demo's approved hours are missing: %q", out)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "台账.xlsx")
	code, _, errOut = run("export", "street_needs", "--format", "xlsx", "-o", file, "--community", "1", "--from", "2026-01-01", "--to", "2026-12-31",
		"--as", "worker@wushe.local", "--lang", "en")
	if code != 0 || !strings.Contains(errOut, "rows") {
		t.Fatalf("xlsx: %d %s", code, errOut)
	}
	x, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if head, _ := x.GetCellValue(x.GetSheetName(0), "A1"); head != "Grid" {
		t.Errorf("A1 = %q, want Grid", head)
	}
	refused := filepath.Join(dir, "refused.csv")
	for _, c := range []struct {
		code int
		args []string
	}{
		{1, []string{"export", "street_needs", "--community", "1", "-o", refused, "--as", "resident@wushe.local"}},
		{2, []string{"export", "street_needs", "-o", refused, "--as", "worker@wushe.local"}},
		{1, []string{"export", "pets", "--community", "1", "-o", refused, "--as", "worker@wushe.local"}},
		{2, []string{"export", "street_needs", "--community", "1", "--format", "pdf", "--as", "worker@wushe.local"}},
	} {
		if code, _, errOut := run(c.args...); code != c.code {
			t.Errorf("%q: exit %d (%s), want %d", c.args, code, errOut, c.code)
		}
	}
	if _, err := os.Stat(refused); !os.IsNotExist(err) {
		t.Errorf("a refused export left %s: %v", refused, err)
	}
}
