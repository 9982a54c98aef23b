package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// importFixture is a small roster as community workers keep them: a merged title row above the
// header, a column Wushe ignores (序号), a masked mobile number on row 4, an impossible birth
// date on row 5 and, on row 6, the mobile number of row 3 again.
const importFixture = "东湖社区志愿者花名册(2024年),,,\n" +
	"序号,姓名,手机号,出生日期\n" +
	"1,王小明,138 0013 8001,1990-04-01\n" +
	"2,李四,138****8000,1985-02-03\n" +
	"3,赵五,13800138003,1990-04-31\n" +
	"4,王小明,+86 13800138001,1990-04-01\n" +
	"5,钱六,13800138005,2001年3月5日\n"

// uploadImport uploads the fixture through the import form as a signed-in community worker
// and returns the preview page's path.
func uploadImport(t *testing.T, ctx context.Context, base string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "花名册.csv")
	if err := os.WriteFile(f, []byte(importFixture), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/imports/new"),
		chromedp.WaitVisible("#f-file"),
		chromedp.SetValue("#f-kind", "volunteers"),
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector('#f-community_id'); if (s.selectedIndex < 1) s.selectedIndex = 1; })()`),
		chromedp.SetUploadFiles("#f-file", []string{f}),
		chromedp.Submit("#f-file"),
		chromedp.WaitVisible(`form[action$="/commit"]`),
	); err != nil {
		t.Fatalf("upload an import: %v", err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(loc, base)
}

// TestBrowserImportWizard walks the import wizard as a community worker: upload a roster with
// mistakes, read the preview's errors by row and column, commit the valid rows and see what
// was written.
func TestBrowserImportWizard(t *testing.T) {
	root := pagesBrowser(t)
	w := startWushe(t, func(c *Config) { c.Demo = true })
	ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	defer cancel()
	signIn(t, ctx, w.url, "worker@wushe.local")
	page := uploadImport(t, ctx, w.url)
	if !regexp.MustCompile(`^/imports/\d+$`).MatchString(page) {
		t.Fatalf("after upload: %s, want /imports/{id}", page)
	}
	errs, err := chromedp.Run(ctx, chromedp.Text(`table`))
	if err != nil {
		t.Fatal(err)
	}
	dups, err := chromedp.Run(ctx, chromedp.Text(`main`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"4", "手机号", "手机号被打码", "5", "出生日期", "1990-04-31"} {
		if !strings.Contains(errs, want) {
			t.Errorf("error table lacks %q:\n%s", want, errs)
		}
	}
	if !strings.Contains(dups, "文件第 3 行") || !strings.Contains(dups, "序号") {
		t.Errorf("preview lacks the duplicate of row 3 or the ignored column 序号:\n%s", dups)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(`input[name="mode"][value="valid_only"]`),
		chromedp.Submit(`form[action$="/commit"]`),
		chromedp.WaitNotPresent(`form[action$="/commit"]`),
	); err != nil {
		t.Fatalf("commit: %v", err)
	}
	result, err := chromedp.Run(ctx, chromedp.Text(`main`))
	if err != nil {
		t.Fatal(err)
	}
	// Rows 3 and 7 are written; row 6 repeats row 3; rows 4 and 5 are wrong.
	if !strings.Contains(result, "新建 2 条，更新 0 条，跳过 3 条") {
		t.Errorf("after commit:\n%s", result)
	}
}
