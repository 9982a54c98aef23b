package demo_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/demo"
	"github.com/wushe/wushe/app/store"
	"github.com/wushe/wushe/sheet"
)

// msgIDs words nothing: headers and values come out as catalog ids and stored codes.
type msgIDs struct{}

func (msgIDs) Msg(_ string, m app.Message) string { return m.ID }

// exportCSV runs one export as the principal of ctx and returns its rows (header first).
func exportCSV(t *testing.T, a *app.App, ctx context.Context, req app.ExportRequest) [][]string {
	t.Helper()
	plan, err := a.PlanExport(ctx, req)
	if err != nil {
		t.Fatalf("plan %s: %v", req.Name, err)
	}
	var buf bytes.Buffer
	w, err := sheet.NewCSV(&buf, app.ExportColumns(plan.Template, msgIDs{}, "zh-CN"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Stream(ctx, plan, w, msgIDs{}, "zh-CN"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// fen reads a two-decimal amount exactly.
func fen(t *testing.T, s string) int64 {
	t.Helper()
	if s == "" {
		return 0
	}
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || len(frac) != 2 {
		t.Fatalf("amount %q", s)
	}
	return n
}

// TestExportsDemoFinance exports the demo's fund ledger and disbursements over the year as
// the civil-affairs officer: the ledger balances (debits equal credits per transaction), and
// every disbursement is there with its evidence count.
func TestExportsDemoFinance(t *testing.T) {
	t.Parallel()
	a, s := loadDemo(t)
	officer := as(t, a, s, "officer@wushe.local")
	fs, err := a.Funds(context.Background(), nil)
	if err != nil || len(fs) == 0 {
		t.Fatalf("funds %v %v", fs, err)
	}
	cid := strconv.FormatInt(fs[0].CommunityID, 10)
	rows := exportCSV(t, a, officer, app.ExportRequest{Name: app.ExportFinanceLedger, CommunityID: cid, From: "2025-01-01", To: "2026-12-31"})
	if len(rows) < 5 || rows[0][8] != "export.col.debit" {
		t.Fatalf("ledger: %d rows, header %q", len(rows), rows[0])
	}
	sum := map[string]int64{}
	for _, r := range rows[1:] {
		sum[r[0]] += fen(t, r[8]) - fen(t, r[9])
		if r[10] != "CNY" {
			t.Errorf("currency %q", r[10])
		}
	}
	for tx, d := range sum {
		if d != 0 {
			t.Errorf("transaction %s: debits − credits = %d", tx, d)
		}
	}
	rows = exportCSV(t, a, officer, app.ExportRequest{Name: app.ExportFinanceDisbursement, CommunityID: cid, From: "2025-01-01", To: "2026-12-31"})
	ds, err := a.Disbursements(officer, fs[0].ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows)-1 < len(ds) || len(ds) == 0 {
		t.Errorf("disbursements: %d rows for %d in the fund", len(rows)-1, len(ds))
	}
}

// heapWriter samples the live heap (after a collection) every 2,000 rows while an export
// streams, to show that memory does not grow with the rows written.
type heapWriter struct {
	sheet.Writer
	rows       int
	first, top uint64
}

func (w *heapWriter) Row(v []any) error {
	w.rows++
	if w.rows%2000 == 0 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if w.first == 0 {
			w.first = m.HeapAlloc
		}
		w.top = max(w.top, m.HeapAlloc)
	}
	return w.Writer.Row(v)
}

// exportTown is a generated town with a year of needs heavy enough that holding an export's
// rows would show: 16,000 needs over two communities.
func exportTown(tb testing.TB) (*app.App, context.Context) {
	tb.Helper()
	now := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	sc := demo.Scale{Name: "exports", Communities: 2, Grids: 6, Residents: 200, Volunteers: 100, Orgs: 4, Needs: 16000}
	s := apptest.OpenTemplate(tb, "export town "+now.Format(time.RFC3339), func(ctx context.Context, s *store.Store) error {
		_, err := demo.LoadCity(ctx, s, apptest.Hasher(), now, "town password", sc, nil)
		return err
	})
	a := app.New(app.Deps{Store: s, Clock: apptest.NewClock(now), Hasher: apptest.Hasher()})
	u, err := s.FindUserByLogin(context.Background(), "officer@wushe.local")
	if err != nil {
		tb.Fatal(err)
	}
	return a, app.WithPrincipal(context.Background(), &app.Principal{User: u, Memberships: []app.Membership{{UserID: u.ID, Role: app.RoleAdmin}}})
}

// TestExportMemoryFlat streams a year of a town's needs (about 12,000 rows for the street) and
// checks that the live heap at the end of a CSV export is within 2 MB of the heap after the
// first 2,000 rows: the rows come from a cursor and go straight out, none are kept (holding
// them would cost several hundred bytes each, 3 MB and more). An XLSX export is bounded by
// excelize's stream writer, which keeps up to StreamChunkSize (16 MB) of sheet XML in memory
// and spills the rest to a temporary file. Not parallel: the heap is the process's.
func TestExportMemoryFlat(t *testing.T) {
	a, ctx := exportTown(t)
	cs, _, err := a.Communities(ctx, app.CommunityFilter{Page: app.Page{Page: 1, PerPage: 10}})
	if err != nil || len(cs) == 0 {
		t.Fatalf("communities %v %v", cs, err)
	}
	for _, format := range []string{"csv", "xlsx"} {
		plan, err := a.PlanExport(ctx, app.ExportRequest{Name: app.ExportStreetNeeds, StreetID: strconv.FormatInt(cs[0].StreetID, 10),
			From: "2025-11-24", To: "2026-11-24"})
		if err != nil {
			t.Fatal(err)
		}
		cols := app.ExportColumns(plan.Template, msgIDs{}, "zh-CN")
		var inner sheet.Writer
		if format == "csv" {
			inner, err = sheet.NewCSV(io.Discard, cols)
		} else {
			inner, err = sheet.NewXLSX(io.Discard, "Export", cols)
		}
		if err != nil {
			t.Fatal(err)
		}
		w := &heapWriter{Writer: inner}
		n, err := a.Stream(ctx, plan, w, msgIDs{}, "zh-CN")
		if err != nil {
			t.Fatal(err)
		}
		if n < 8000 {
			t.Fatalf("%s: only %d rows: the town is too small to tell", format, n)
		}
		// XLSX buffers up to excelize's StreamChunkSize (16 MB) before spilling to a temporary file.
		limit := uint64(2 << 20)
		if format == "xlsx" {
			limit = 34 << 20
		}
		grew := int64(w.top) - int64(w.first)
		t.Logf("%s: %d rows, live heap %d KB after 2,000 rows, at most %d KB after (%+d bytes per row)", format, n, w.first>>10, w.top>>10, grew/int64(n))
		if grew > int64(limit) {
			t.Errorf("%s: live heap grew by %d KB over %d rows: rows are being kept", format, grew>>10, n)
		}
	}
}

// BenchmarkExportStreetNeeds measures one year of the town's needs exported as CSV.
func BenchmarkExportStreetNeeds(b *testing.B) {
	a, ctx := exportTown(b)
	cs, _, err := a.Communities(ctx, app.CommunityFilter{Page: app.Page{Page: 1, PerPage: 10}})
	if err != nil || len(cs) == 0 {
		b.Fatalf("communities %v %v", cs, err)
	}
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		plan, err := a.PlanExport(ctx, app.ExportRequest{Name: app.ExportStreetNeeds, StreetID: strconv.FormatInt(cs[0].StreetID, 10),
			From: "2025-11-24", To: "2026-11-24"})
		if err != nil {
			b.Fatal(err)
		}
		w, err := sheet.NewCSV(io.Discard, app.ExportColumns(plan.Template, msgIDs{}, "zh-CN"))
		if err != nil {
			b.Fatal(err)
		}
		if rows, err = a.Stream(ctx, plan, w, msgIDs{}, "zh-CN"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows), "rows/op")
}
