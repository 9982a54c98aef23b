package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wushe/wushe/app/apptest"
)

// TestImportCommand previews and commits a roster with mistakes through `wushe import` over
// a copy of the demo database: the report names rows and columns, all-or-nothing refuses a
// file with errors and writes nothing, --valid-only writes the good rows, and running it
// again writes nothing more.
func TestImportCommand(t *testing.T) {
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
		if !slices.Contains(args, "--as") {
			args = append(args, "--as", "worker@wushe.local") // the demo template has no administrator
		}
		code := Run(context.Background(), args, env)
		return code, out.String(), errOut.String()
	}
	dir := t.TempDir()
	roster := filepath.Join(dir, "花名册.csv")
	body := "东湖社区志愿者花名册(2024年),,,\n" +
		"序号,姓名,手机号,出生日期\n" +
		"1,王小明,199 1234 0001,1990-04-01\n" +
		"2,李四,199****0002,1985-02-03\n" +
		"3,赵五,19912340003,1990-04-31\n" +
		"4,王小明,+86 19912340001,1990-04-01\n" +
		"5,钱六,19912340005,2001年3月5日\n"
	if err := os.WriteFile(roster, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, "notes.csv")
	if err := os.WriteFile(junk, []byte("今天开会\n明天值班\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, bad := range [][]string{
		{"import", "volunteers", roster},                                // no --community
		{"import", "pets", roster, "--community", "1"},                  // unknown kind
		{"import", "volunteers", "--community", "1"},                    // no file
		{"import", "volunteers", junk, "--community", "1"},              // no header
		{"import", "volunteers", dir + "/none.csv", "--community", "1"}, // missing file
	} {
		if code, out, errOut := run(bad...); code != 2 {
			t.Errorf("wushe %v = %d (%s%s), want 2", bad, code, out, errOut)
		}
	}

	code, out, errOut := run("import", "volunteers", roster, "--community", "1")
	if code != 0 {
		t.Fatalf("preview = %d %s %s", code, out, errOut)
	}
	for _, want := range []string{"行 4, 手机号 (C4): 手机号被打码", "行 5, 出生日期 (D5)", "1990-04-31", "行 6: 重复于 文件第 3 行", "未导入的列: 序号", "未写入"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview lacks %q:\n%s", want, out)
		}
	}

	// All or nothing: the file has errors, so the commit is refused and nothing is written.
	if code, out, errOut := run("import", "volunteers", roster, "--community", "1", "--commit", "--lang", "en"); code != 1 || !strings.Contains(errOut, "2 rows have errors") {
		t.Fatalf("all-or-nothing commit = %d %s %s, want 1", code, out, errOut)
	}
	code, out, errOut = run("import", "volunteers", roster, "--community", "1", "--commit", "--valid-only")
	if code != 0 || !strings.Contains(out, "新建 2 条，更新 0 条，跳过 3 条") {
		t.Fatalf("valid-only commit = %d %s %s", code, out, errOut)
	}
	// Again: both written rows are now existing records, so nothing more is written.
	code, out, errOut = run("import", "volunteers", roster, "--community", "1", "--commit", "--valid-only")
	if code != 0 || !strings.Contains(out, "新建 0 条，更新 0 条，跳过 5 条") || !strings.Contains(out, "系统中已有的记录") {
		t.Fatalf("second commit = %d %s %s", code, out, errOut)
	}
	// A resident may not import.
	if code, out, errOut := run("import", "volunteers", roster, "--community", "1", "--as", "resident@wushe.local"); code == 0 {
		t.Fatalf("as a resident = %d %s %s, want refused", code, out, errOut)
	}
}
