package store_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/store"
	"github.com/wushe/wushe/funds"
	"github.com/wushe/wushe/migrations"
)

// moneyTables are the tables migration 00008 bounds (and, on SQLite, rebuilds).
var moneyTables = []string{"funds", "fund_pools", "fund_pool_rules", "fund_pool_deposits", "campaigns", "campaign_donors",
	"contributions", "fund_matches", "ledger_entries", "ledger_transactions", "donor_flags", "disbursements", "qf_awards"}

// schemaObjects lists the indexes and triggers of the money tables, by name with their
// definitions on SQLite (so a re-created index must be the same index).
func schemaObjects(t *testing.T, s *store.Store) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	if s.Dialect() == migrations.SQLite {
		var rows []struct{ Type, Name, TblName, SQL string }
		if err := s.DB(ctx).Raw("SELECT type, name, tbl_name, COALESCE(sql, '') AS sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name IN ?", moneyTables).
			Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if strings.HasPrefix(r.Name, "sqlite_autoindex_") {
				r.Name = "autoindex" // named after the table at creation: count them, not their names
			}
			out = append(out, r.Type+" "+r.TblName+" "+r.Name+" "+r.SQL)
		}
	} else {
		var rows []struct{ Name, Def string }
		if err := s.DB(ctx).Raw("SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ?", moneyTables).
			Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out = append(out, "index "+r.Name+" "+r.Def)
		}
		var trig []string
		if err := s.DB(ctx).Raw("SELECT tgname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE NOT g.tgisinternal AND c.relnamespace = current_schema()::regnamespace AND c.relname IN ?", moneyTables).
			Scan(&trig).Error; err != nil {
			t.Fatal(err)
		}
		for _, tg := range trig {
			out = append(out, "trigger "+tg)
		}
	}
	slices.Sort(out)
	return out
}

func rowCounts(t *testing.T, s *store.Store) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, tbl := range moneyTables {
		var n int64
		if err := s.DB(context.Background()).Table(tbl).Count(&n).Error; err != nil {
			t.Fatalf("count %s: %v", tbl, err)
		}
		out[tbl] = n
	}
	return out
}

// TestMoneyBoundsMigration migrates a database holding funds data — healthy movements and the
// out-of-range amounts issue 9's defect 2 left behind — to the bounds of 00008, on the test
// dialect: every row survives unchanged, every index and the ledger's append-only triggers are
// still there, foreign keys are still enforced, and every new write past a bound is refused.
func TestMoneyBoundsMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := apptest.OpenUnmigrated(t)
	if err := s.MigrateTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	w := apptest.NewWorld(t, s, apptest.Hasher())
	lm := apptest.WriteLegacyMoney(t, s, w)
	objects, counts := schemaObjects(t, s), rowCounts(t, s)
	if len(objects) < 10 {
		t.Fatalf("only %d indexes and triggers before migrating: %v", len(objects), objects)
	}
	var maxEntry int64
	if err := s.DB(ctx).Raw("SELECT MAX(id) FROM ledger_entries").Scan(&maxEntry).Error; err != nil {
		t.Fatal(err)
	}

	if err := s.Migrate(ctx, nil); err != nil {
		t.Fatalf("migrate over legacy data: %v", err)
	}
	// Later migrations may add indexes to these tables (00016: ledger_entries by campaign, for
	// a project's accountability view; 00018: contributions by receipt code) and a trigger
	// (00025 on SQLite: an entry's fund is its transaction's); none may be lost, except that
	// 00025 on PostgreSQL makes the transactions' (fund_id, id) index unique, under a new name,
	// to carry the entries' composite key.
	after := schemaObjects(t, s)
	renamed := func(o string) bool {
		return strings.Contains(o, " ledger_transactions_fund_idx ") || strings.Contains(o, " ledger_transactions_fund_id_key ")
	}
	if !slices.ContainsFunc(after, func(o string) bool {
		return renamed(o) && strings.Contains(o, "ledger_transactions") && strings.Contains(o, "(fund_id, id)")
	}) {
		t.Errorf("no index on ledger_transactions (fund_id, id) after migrating: %v", after)
	}
	got := slices.DeleteFunc(after, func(o string) bool {
		return renamed(o) || (strings.HasPrefix(o, "index ") && (strings.Contains(o, " ledger_entries_campaign_idx ") || strings.Contains(o, " contributions_receipt_code_idx "))) ||
			(strings.HasPrefix(o, "trigger ") && strings.Contains(o, " ledger_entries_transaction_fund "))
	})
	objects = slices.DeleteFunc(objects, renamed)
	if !slices.Equal(got, objects) {
		t.Errorf("indexes and triggers changed:\nbefore %v\nafter  %v", objects, got)
	}
	if got := rowCounts(t, s); !mapsEqual(got, counts) {
		t.Errorf("row counts changed: before %v, after %v", counts, got)
	}
	// History is kept as it was, out-of-range amounts included.
	var amounts []int64
	if err := s.DB(ctx).Raw("SELECT amount FROM ledger_entries WHERE transaction_id = ? ORDER BY id", lm.BadGiftTxID).Scan(&amounts).Error; err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(amounts, []int64{lm.BadGiftAmount, lm.BadGiftAmount}) {
		t.Errorf("bad gift entries after migrating: %v", amounts)
	}
	pool, err := s.FindPool(ctx, lm.PoolID)
	if err != nil {
		t.Fatalf("a pool stored with float totals must still load: %v", err)
	}
	if s.Dialect() == migrations.SQLite && pool.Budget != math.MaxInt64 {
		t.Errorf("float budget reads as %d, want the saturated %d", pool.Budget, int64(math.MaxInt64))
	}

	if s.Dialect() == migrations.SQLite {
		var dangling []map[string]any
		if err := s.DB(ctx).Raw("PRAGMA foreign_key_check").Scan(&dangling).Error; err != nil || len(dangling) > 0 {
			t.Errorf("foreign key check after the rebuild: %v %v", dangling, err)
		}
		// The structure is sound; the only complaints are the legacy rows the new bounds were
		// added over (kept on purpose, as PostgreSQL keeps them under NOT VALID).
		var report []string
		if err := s.DB(ctx).Raw("PRAGMA integrity_check").Scan(&report).Error; err != nil {
			t.Fatal(err)
		}
		for _, line := range report {
			tbl, ok := strings.CutPrefix(line, "CHECK constraint failed in ")
			if !ok || !slices.Contains([]string{"fund_pools", "fund_pool_deposits", "ledger_entries", "contributions", "campaigns"}, tbl) {
				t.Errorf("integrity check after the rebuild: %q", line)
			}
		}
	}
	// The ledger is still append-only.
	for _, q := range []string{"UPDATE ledger_entries SET amount = 1", "DELETE FROM ledger_entries", "UPDATE ledger_transactions SET memo = 'x'", "DELETE FROM ledger_transactions"} {
		if err := s.DB(ctx).Exec(q).Error; err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only trigger", q, err)
		}
	}
	// Foreign keys are on again after the SQLite rebuild.
	now := time.Now().UTC()
	ghost := &app.Contribution{CampaignID: 999999, FundID: lm.FundID, DonorKey: "x", Source: "resident", Amount: 100, Currency: "CNY",
		Channel: "offline", Status: "pending", CreatedAt: now, UpdatedAt: now}
	if err := s.CreateContribution(ctx, ghost); !app.IsCode(err, app.EINVALID) {
		t.Errorf("contribution for a missing campaign: %v, want a foreign key error", err)
	}
	// New writes past a bound fail in the database itself, whatever the app checks.
	healthyPool := &app.FundPool{FundID: lm.FundID, Name: "新池", Source: "foundation", Kind: "match", Currency: "CNY", CreatedAt: now, UpdatedAt: now}
	if err := s.CreatePool(ctx, healthyPool); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseToPool(ctx, healthyPool.ID, 100, 100); err != nil {
		t.Fatal(err)
	}
	refused := map[string]func() error{
		"pool total overflow": func() error { return s.ReleaseToPool(ctx, healthyPool.ID, math.MaxInt64, math.MaxInt64) },
		"pool past MaxTotal":  func() error { return s.ReleaseToPool(ctx, healthyPool.ID, funds.MaxTotal, 0) },
		"gift past MaxAmount": func() error {
			return s.CreateContribution(ctx, &app.Contribution{CampaignID: lm.CampaignID, FundID: lm.FundID, DonorKey: "x", Source: "resident",
				Amount: funds.MaxAmount + 1, Currency: "CNY", Channel: "offline", Status: "pending", CreatedAt: now, UpdatedAt: now})
		},
		"deposit past MaxAmount": func() error {
			return s.CreatePoolDeposit(ctx, &app.FundPoolDeposit{PoolID: healthyPool.ID, Amount: funds.MaxAmount + 1, Currency: "CNY", CreatedAt: now})
		},
		"goal of 2^63-1": func() error {
			return s.DB(ctx).Exec("UPDATE campaigns SET goal = ? WHERE id = ?", int64(math.MaxInt64), lm.CampaignID).Error
		},
		"entry past MaxTotal": func() error {
			return s.PostLedger(ctx, &app.LedgerTransaction{FundID: lm.FundID, Kind: "pool_deposit", Ref: "deposit:x", TxKey: "pool_deposit:deposit:x", CreatedAt: now,
				Entries: []app.LedgerEntry{{Account: "cash:1:bank", AccountKind: "cash", Side: "debit", Amount: funds.MaxTotal + 1, Currency: "CNY"}}})
		},
	}
	if s.Dialect() == migrations.SQLite { // PostgreSQL rounds a float into a bigint column itself
		refused["float amount"] = func() error {
			return s.DB(ctx).Exec("UPDATE fund_pools SET available = 1.5 WHERE id = ?", healthyPool.ID).Error
		}
	}
	for name, write := range refused {
		if err := write(); err == nil {
			t.Errorf("%s: written, want a CHECK violation", name)
		}
	}
	// Allowed extremes still go in, and new ids continue after the old ones.
	d := &app.FundPoolDeposit{PoolID: healthyPool.ID, Amount: funds.MaxAmount, Currency: "CNY", CreatedAt: now}
	if err := s.CreatePoolDeposit(ctx, d); err != nil {
		t.Errorf("deposit of MaxAmount: %v", err)
	}
	tx := &app.LedgerTransaction{FundID: lm.FundID, Kind: "pool_deposit", Ref: "deposit:y", TxKey: "pool_deposit:deposit:y", CreatedAt: now,
		Entries: []app.LedgerEntry{{Account: "cash:1:bank", AccountKind: "cash", Side: "debit", Amount: 1, Currency: "CNY"}}}
	if err := s.PostLedger(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if tx.Entries[0].ID <= maxEntry {
		t.Errorf("new entry id %d reuses the range up to %d", tx.Entries[0].ID, maxEntry)
	}
	// On PostgreSQL the bound the legacy gift breaks stays NOT VALID; the others are validated.
	if s.Dialect() == migrations.Postgres {
		var rows []struct {
			Conname      string
			Convalidated bool
		}
		if err := s.DB(ctx).Raw("SELECT conname, convalidated FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid WHERE t.relnamespace = current_schema()::regnamespace AND conname LIKE '%\\_bounds'").
			Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) < 20 {
			t.Errorf("only %d bounds constraints", len(rows))
		}
		for _, r := range rows {
			wantValid := r.Conname != "ledger_entries_amount_bounds" && r.Conname != "contributions_amount_bounds" && r.Conname != "campaigns_raised_bounds"
			if r.Convalidated != wantValid {
				t.Errorf("%s validated = %v, want %v", r.Conname, r.Convalidated, wantValid)
			}
		}
	}
}

// TestMoneyBoundsMigrationDown checks the migration can be rolled back and applied again.
func TestMoneyBoundsMigrationDown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := apptest.OpenStore(t)
	before := schemaObjects(t, s)
	if err := s.MigrateDownTo(ctx, 7); err != nil {
		t.Fatalf("down: %v", err)
	}
	if err := s.Migrate(ctx, nil); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if got := schemaObjects(t, s); !slices.Equal(got, before) {
		t.Errorf("indexes and triggers after down and up:\n%v\nwant %v", got, before)
	}
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
