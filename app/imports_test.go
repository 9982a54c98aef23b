package app_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

// rosterXLSX is a 台账 as communities keep them: a merged title row, a header with hints,
// date cells in zh-CN's default short date (format 14), and mistakes.
func rosterXLSX(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	sh := "Sheet1"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetCellValue(sh, "A1", "东湖社区志愿者花名册(2024年)"))
	must(f.MergeCell(sh, "A1", "G1"))
	must(f.SetSheetRow(sh, "A2", &[]any{"序号", "姓名", "手机号", "所属网格", "服务技能（顿号分隔）", "出生日期", "备注"}))
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	rows := [][]any{
		{1, "张三", "138 0013 8000", "第1网格", "烹饪、义务理发", time.Date(1980, 5, 6, 0, 0, 0, 0, time.UTC), ""}, // row 3: ok
		{2, "李四", "139****0000", "第1网格", "", "1990-04-31", ""},                                         // row 4: masked phone, impossible date
		{3, "王五", "0571-88886666", "第9网格", "飞行", "", ""},                                               // row 5: landline, unknown grid and skill
		{4, "张三", "+86 13800138000", "第2网格", "", "", "重复"},                                             // row 6: in-file duplicate of row 3
		{5, "赵六", "13700137000", "G02", "", "2001年2月3日", ""},                                           // row 7: ok, grid by code
		{6, "钱七", "13600136000", "", "", "", ""},                                                       // row 8: existing volunteer
	}
	for i, r := range rows {
		cell := fmt.Sprintf("A%d", i+3)
		must(f.SetSheetRow(sh, cell, &r))
	}
	must(f.SetCellStyle(sh, "F3", "F8", dateStyle))
	must(f.SetCellFormula(sh, "B9", `"孙"&"八"`))
	must(f.SetCellValue(sh, "C9", "13500135000"))
	var buf bytes.Buffer
	must(f.Write(&buf))
	return buf.Bytes()
}

func TestImportVolunteersPreviewCommit(t *testing.T) {
	t.Parallel()
	clock := apptest.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, cst))
	a, s := apptest.NewApp(t, clock)
	w := apptest.NewWorld(t, s, apptest.Hasher())
	cid := w.A.Community.ID
	existing := &app.Volunteer{Name: "钱七", Mobile: "13600136000", CommunityID: cid, Active: true}
	if err := s.CreateVolunteer(context.Background(), existing); err != nil {
		t.Fatal(err)
	}
	ctx := w.As(t, a, "community_worker")
	data := rosterXLSX(t)

	if _, err := a.PreviewImport(w.As(t, a, "worker_b"), app.ImportInput{Kind: app.ImportVolunteers, CommunityID: cid, FileName: "r.xlsx", Data: data}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Fatalf("another community's worker: %v, want forbidden", err)
	}
	v, err := a.PreviewImport(ctx, app.ImportInput{Kind: app.ImportVolunteers, CommunityID: cid, FileName: "r.xlsx", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if v.Report.HeaderRow != 2 || v.Rows != 7 {
		t.Fatalf("header row %d, rows %d; want 2, 7", v.Report.HeaderRow, v.Rows)
	}
	type rc struct {
		row   int
		field string
		msg   string
	}
	var got []rc
	for _, e := range v.Report.Errors {
		got = append(got, rc{e.Row, e.Field, e.Message.ID})
	}
	want := []rc{
		{4, "mobile", "import.error.phone_masked"}, {4, "birth_date", "import.error.date"},
		{5, "mobile", "import.error.phone_landline"}, {5, "grid", "import.error.unknown_grid"}, {5, "skills", "import.error.unknown_skill"},
		{9, "name", "import.error.formula"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("errors\n got %v\nwant %v", got, want)
	}
	if v.Valid != 4 || len(v.Report.Duplicates) != 2 {
		t.Errorf("valid %d, duplicates %+v; want 4 valid, 2 duplicates", v.Valid, v.Report.Duplicates)
	}
	if fmt.Sprint(v.Report.Ignored) != "[序号 备注]" {
		t.Errorf("ignored columns %v", v.Report.Ignored)
	}
	// Nothing but the job is written by a preview.
	before := countVolunteers(t, a, s, cid)
	if before != 1 {
		t.Fatalf("volunteers after preview: %d", before)
	}
	if _, err := a.CommitImport(ctx, v.ID, app.ImportCommitInput{Mode: app.ImportModeAll}); !app.IsCode(err, app.ECONFLICT) {
		t.Fatalf("commit all with bad rows: %v, want conflict", err)
	}
	if n := countVolunteers(t, a, s, cid); n != 1 {
		t.Fatalf("volunteers after refused commit: %d", n)
	}
	done, err := a.CommitImport(ctx, v.ID, app.ImportCommitInput{Mode: app.ImportModeValidOnly, Duplicates: app.ImportDupSkip})
	if err != nil {
		t.Fatal(err)
	}
	if done.Created != 2 || done.Updated != 0 || done.Skipped != 5 {
		t.Errorf("created %d updated %d skipped %d; want 2, 0, 5", done.Created, done.Updated, done.Skipped)
	}
	again, err := a.CommitImport(ctx, v.ID, app.ImportCommitInput{Mode: app.ImportModeValidOnly, Duplicates: app.ImportDupUpdate})
	if err != nil || again.Created != 2 || countVolunteers(t, a, s, cid) != 3 {
		t.Fatalf("second commit of the job: %+v, %v; volunteers %d", again, err, countVolunteers(t, a, s, cid))
	}
	vs, _, _ := s.FindVolunteers(context.Background(), app.VolunteerFilter{CommunityID: &cid, Q: "张三", Page: app.Page{Page: 1, PerPage: 5}})
	if len(vs) != 1 || vs[0].Mobile != "13800138000" || vs[0].BirthDate == nil || vs[0].BirthDate.In(time.UTC).Format("2006-01-02") != "1980-05-06" ||
		fmt.Sprint(vs[0].Skills) != "[cooking haircut]" {
		t.Errorf("张三 written as %+v", *vs[0])
	}
	// The same file again: every valid row is now a duplicate; skipping writes nothing.
	v2, err := a.PreviewImport(ctx, app.ImportInput{Kind: app.ImportVolunteers, CommunityID: cid, FileName: "r.xlsx", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	d2, err := a.CommitImport(ctx, v2.ID, app.ImportCommitInput{Mode: app.ImportModeValidOnly})
	if err != nil || d2.Created != 0 || countVolunteers(t, a, s, cid) != 3 {
		t.Fatalf("re-import: %+v %v, volunteers %d", d2, err, countVolunteers(t, a, s, cid))
	}
	// Update: the existing 钱七 takes the row's (empty) grid, 赵六 is rewritten, nobody is added.
	v3, _ := a.PreviewImport(ctx, app.ImportInput{Kind: app.ImportVolunteers, CommunityID: cid, FileName: "r.xlsx", Data: data})
	d3, err := a.CommitImport(ctx, v3.ID, app.ImportCommitInput{Mode: app.ImportModeValidOnly, Duplicates: app.ImportDupUpdate})
	if err != nil || d3.Created != 0 || d3.Updated != 4 || countVolunteers(t, a, s, cid) != 3 {
		t.Fatalf("update import: %+v %v", d3, err)
	}
}

func countVolunteers(t *testing.T, a *app.App, s interface {
	FindVolunteers(context.Context, app.VolunteerFilter) ([]*app.Volunteer, int, error)
}, cid int64) int {
	t.Helper()
	_, n, err := s.FindVolunteers(context.Background(), app.VolunteerFilter{CommunityID: &cid, Page: app.Page{Page: 1, PerPage: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportBadFiles(t *testing.T) {
	t.Parallel()
	clock := apptest.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, cst))
	a, s := apptest.NewApp(t, clock)
	w := apptest.NewWorld(t, s, apptest.Hasher())
	ctx := w.As(t, a, "community_worker")
	cid := w.A.Community.ID
	gbk := []byte{0xd0, 0xd5, 0xc3, 0xfb, ',', 0xca, 0xd6, 0xbb, 0xfa, 0xba, 0xc5, '\n'} // 姓名,手机号 in GBK
	gbk = append(gbk, []byte("X,13800138000\n")...)
	cases := []struct {
		name string
		data []byte
		err  string
	}{
		{"binary", []byte{0, 1, 2, 3, 0, 0, 9}, "import.error.not_spreadsheet"},
		{"xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 1, 2}, "import.error.xls"},
		{"no header", []byte("a,b,c\n1,2,3\n"), "import.error.no_header"},
		{"empty", nil, "import.error.empty"},
	}
	for _, c := range cases {
		_, err := a.PreviewImport(ctx, app.ImportInput{Kind: app.ImportVolunteers, CommunityID: cid, Data: c.data})
		var e *app.Error
		if !asError(err, &e) || e.Fields["file"].ID != c.err {
			t.Errorf("%s: %v, want file error %s", c.name, err, c.err)
		}
	}
	v, err := a.PreviewImport(ctx, app.ImportInput{Kind: app.ImportVolunteers, CommunityID: cid, Data: gbk})
	if err != nil || !v.Report.Converted || v.Valid != 1 {
		t.Fatalf("GBK file: %+v %v", v, err)
	}
	// 10,000 bad rows: each reported, nothing written.
	var b bytes.Buffer
	b.WriteString("姓名,手机号\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&b, "人%d,138****%04d\n", i, i)
	}
	v, err = a.PreviewImport(ctx, app.ImportInput{Kind: app.ImportVolunteers, CommunityID: cid, Data: b.Bytes()})
	if err != nil || len(v.Report.Errors) != 10000 || v.Report.Errors[9999].Row != 10001 {
		t.Fatalf("10,000 bad rows: %v, %d errors", err, len(v.Report.Errors))
	}
	if _, err := a.CommitImport(ctx, v.ID, app.ImportCommitInput{}); !app.IsCode(err, app.ECONFLICT) {
		t.Fatalf("commit of bad rows: %v", err)
	}
}

// TestRedeemConcurrently races many redemptions against one holder's points and one item's
// stock: neither goes negative and the ledger balances. Run it on PostgreSQL
// (TEST_DATABASE_URL) for real concurrency.
func TestRedeemConcurrently(t *testing.T) {
	t.Parallel()
	clock := apptest.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, cst))
	a, s := apptest.NewApp(t, clock)
	w := apptest.NewWorld(t, s, apptest.Hasher())
	cid := w.A.Community.ID
	uid := w.Users["volunteer"].ID
	v := &app.Volunteer{UserID: &uid, Name: "王志愿", CommunityID: cid, Active: true}
	bg := context.Background()
	if err := s.CreateVolunteer(bg, v); err != nil {
		t.Fatal(err)
	}
	worker := w.As(t, a, "community_worker")
	// 3 hours self-reported at 5 points an hour (default) = 15; a 100-point award.
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	h := &app.HoursEntry{VolunteerID: v.ID, Kind: app.HoursSelfReport, Status: app.HoursApproved, WorkDate: day, Minutes: 180, Activity: "助餐", RecordedBy: uid, CreatedAt: day}
	if err := s.CreateHours(bg, h); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AwardPoints(worker, v.ID, app.PointsAwardInput{Points: 100, Reason: "敬老活动"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AwardPoints(w.As(t, a, "volunteer"), v.ID, app.PointsAwardInput{Points: 100, Reason: "自己给自己"}); !app.IsCode(err, app.EFORBIDDEN) {
		t.Fatalf("self-award: %v", err)
	}
	it, err := a.CreateShopItem(worker, app.ShopItemInput{CommunityID: cid, Name: "大米5斤", Points: 20, Stock: 4, ValueFen: 2500})
	if err != nil {
		t.Fatal(err)
	}
	// 115 points buy 5 items at 20, but only 4 are in stock: of 12 concurrent tries, 4 win.
	me := w.As(t, a, "volunteer")
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := a.Redeem(me, app.RedeemInput{ItemID: it.ID, Quantity: 1})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case app.IsCode(err, app.ECONFLICT):
				conflicts++
			default:
				t.Errorf("redeem: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 4 || conflicts != 8 {
		t.Fatalf("wins %d conflicts %d; want 4 and 8", wins, conflicts)
	}
	acc, err := a.VolunteerPoints(me, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if acc.Balance != 115-80 {
		t.Errorf("balance %d, want 35", acc.Balance)
	}
	item, _ := s.FindShopItem(bg, it.ID)
	if item.Stock != 0 {
		t.Errorf("stock %d, want 0", item.Stock)
	}
	// More than held: 409, nothing written.
	it2, _ := a.CreateShopItem(worker, app.ShopItemInput{CommunityID: cid, Name: "电饭煲", Points: 500, Stock: 1})
	if _, err := a.Redeem(me, app.RedeemInput{ItemID: it2.ID}); !app.IsCode(err, app.ECONFLICT) {
		t.Fatalf("redeem beyond balance: %v", err)
	}
	// Cancel gives points and stock back; hand-over is a worker's.
	r := acc.Redemptions[0]
	if _, err := a.HandOver(me, r.ID); !app.IsCode(err, app.EFORBIDDEN) {
		t.Fatalf("holder hands over: %v", err)
	}
	if _, err := a.CancelRedemption(me, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.HandOver(worker, acc.Redemptions[1].ID); err != nil {
		t.Fatal(err)
	}
	l, err := a.CommunityPointsLiability(worker, cid)
	if err != nil {
		t.Fatal(err)
	}
	if l.Issued != 115 || l.Redeemed != 60 || l.Outstanding != 55 || l.Issued-l.Redeemed-l.Expired != l.Outstanding {
		t.Errorf("liability %+v; want issued 115, redeemed 60, outstanding 55", l)
	}
}

func TestEraseAccountKeepsLedger(t *testing.T) {
	t.Parallel()
	clock := apptest.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, cst))
	a, s := apptest.NewApp(t, clock)
	w := apptest.NewWorld(t, s, apptest.Hasher())
	uid := w.Users["volunteer"].ID
	cid := w.A.Community.ID
	v := &app.Volunteer{UserID: &uid, Name: "王志愿", Mobile: "13912345678", CommunityID: cid, Active: true}
	bg := context.Background()
	if err := s.CreateVolunteer(bg, v); err != nil {
		t.Fatal(err)
	}
	worker := w.As(t, a, "community_worker")
	if _, err := a.AwardPoints(worker, v.ID, app.PointsAwardInput{Points: 30, Reason: "值班"}); err != nil {
		t.Fatal(err)
	}
	me := w.As(t, a, "volunteer")
	d, err := a.MyPersonalData(me)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Sections["account"]) != 1 || len(d.Sections["volunteer_profiles"]) != 1 || len(d.Sections["points"]) != 1 {
		t.Fatalf("my data: %+v", d.Sections)
	}
	if _, ok := d.Sections["account"][0]["password_hash"]; ok {
		t.Fatal("export carries the password hash")
	}
	if err := a.EraseMyAccount(me, app.EraseInput{Password: "wrong", Confirm: "注销"}); !app.IsCode(err, app.EINVALID) {
		t.Fatalf("wrong password: %v", err)
	}
	if err := a.EraseMyAccount(me, app.EraseInput{Password: w.Password, Confirm: "注销"}); err != nil {
		t.Fatal(err)
	}
	u, _ := s.FindUser(bg, uid)
	got, _ := s.FindVolunteer(bg, v.ID)
	if u.Name != app.ErasedName(uid) || !u.Disabled || u.Mobile != nil || got.Name != app.ErasedName(uid) || got.Mobile != "" {
		t.Errorf("after erasure: user %+v volunteer %+v", u, got)
	}
	l, err := a.CommunityPointsLiability(worker, cid)
	if err != nil || l.Issued != 30 || l.Outstanding != 30 {
		t.Errorf("ledger after erasure: %+v %v", l, err)
	}
}
