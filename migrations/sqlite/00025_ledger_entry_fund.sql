-- A ledger entry's fund is its transaction's (issue 16; the PostgreSQL migration of the same
-- number says why). SQLite cannot change a table's foreign keys without rebuilding it, and its
-- checks run in process, where they cost little: the entries keep their two keys, and a
-- trigger adds the rule the composite key states on PostgreSQL — an entry naming another fund
-- than its transaction is refused.

-- +goose Up
-- +goose StatementBegin
CREATE TRIGGER ledger_entries_transaction_fund BEFORE INSERT ON ledger_entries
WHEN NEW.fund_id IS NOT (SELECT fund_id FROM ledger_transactions WHERE id = NEW.transaction_id)
BEGIN
    SELECT RAISE(ABORT, 'ledger entry names another fund than its transaction');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER ledger_entries_transaction_fund;
