package store_test

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"
)

// TestMigrationLedgerEntryFund checks 00025 on the test dialect: before it an entry could name
// another fund than its transaction; after it such an entry, and one of an unknown
// transaction, is refused while a matching one is stored; the migration goes down (the
// mismatch is accepted again) and up again.
func TestMigrationLedgerEntryFund(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := placeAt(t, 24, "ledger@test.wushe")
	s, must, c := m.s, m.must, m.community
	db := s.DB(ctx)
	must(db.Exec(`INSERT INTO funds (community_id, name) VALUES (?, '东湖友邻基金'), (?, '西湖友邻基金')`, c.ID, c.ID).Error)
	var funds []int64
	must(db.Raw(`SELECT id FROM funds ORDER BY id`).Scan(&funds).Error)
	must(db.Exec(`INSERT INTO ledger_transactions (fund_id, kind, ref, tx_key, memo, created_at)
		VALUES (?, 'deposit', 'pool:1', 'deposit:1', '', CURRENT_TIMESTAMP)`, funds[0]).Error)
	var txID int64
	must(db.Raw(`SELECT id FROM ledger_transactions`).Scan(&txID).Error)
	entry := func(db *gorm.DB, tx, fund int64) error {
		return db.Exec(`INSERT INTO ledger_entries (transaction_id, fund_id, account, account_kind, side, amount, currency)
			VALUES (?, ?, 'cash:1:bank', 'cash', 'debit', 100, 'CNY')`, tx, fund).Error
	}
	// mismatchAccepted reports whether an entry naming the other fund is stored, rolling it
	// back either way (the ledger is append-only: a stored row could not be removed).
	errRollback := errors.New("roll back")
	mismatchAccepted := func() bool {
		t.Helper()
		var inserted error
		err := db.Transaction(func(tx *gorm.DB) error {
			inserted = entry(tx, txID, funds[1])
			if inserted != nil {
				return inserted
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) && inserted == nil {
			t.Fatal(err)
		}
		return inserted == nil
	}
	if !mismatchAccepted() {
		t.Fatal("before 00025 an entry of another fund was already refused: the test proves nothing")
	}
	must(s.MigrateTo(ctx, 25))
	if mismatchAccepted() {
		t.Error("after 00025 an entry naming another fund than its transaction was stored")
	}
	if err := entry(db, txID+1000, funds[0]); err == nil {
		t.Error("after 00025 an entry of an unknown transaction was stored")
	}
	must(entry(db, txID, funds[0]))
	must(s.MigrateDownTo(ctx, 24))
	if !mismatchAccepted() {
		t.Error("after going down, an entry of another fund is still refused")
	}
	must(s.MigrateTo(ctx, 25))
	if mismatchAccepted() {
		t.Error("after down and up, an entry naming another fund was stored")
	}
	var n int64
	must(db.Raw(`SELECT COUNT(*) FROM ledger_entries`).Scan(&n).Error)
	if n != 1 {
		t.Errorf("%d entries, want the one matching entry", n)
	}
}
