-- A ledger entry's fund is its transaction's (issue 16; docs/perf.md, "The CPU budget of a
-- gift"). Entries checked two foreign keys, their transaction and their fund, and nothing
-- tied the two together: an entry could name another fund than its transaction. One
-- composite key says both — the transaction exists and belongs to the entry's fund, whose
-- existence the transaction's own key guarantees — and costs one check per entry instead of
-- two, on the path of every gift (foreign-key checks were a quarter of PostgreSQL's CPU on a
-- giving day). The transactions' (fund_id, id) index, already there for the ledger's pages,
-- becomes unique to carry the key: id alone is unique, so it always was.
-- A match's pool is checked with its rule version ((pool_id, rule_version) → fund_pool_rules,
-- whose pool_id references fund_pools), so its separate pool key goes too.

-- +goose Up
CREATE UNIQUE INDEX ledger_transactions_fund_id_key ON ledger_transactions (fund_id, id);
DROP INDEX ledger_transactions_fund_idx;
ALTER TABLE ledger_entries
    ADD CONSTRAINT ledger_entries_transaction_fund_fkey FOREIGN KEY (fund_id, transaction_id) REFERENCES ledger_transactions (fund_id, id),
    DROP CONSTRAINT ledger_entries_transaction_id_fkey,
    DROP CONSTRAINT ledger_entries_fund_id_fkey;
ALTER TABLE fund_matches DROP CONSTRAINT fund_matches_pool_id_fkey;

-- +goose Down
ALTER TABLE fund_matches ADD CONSTRAINT fund_matches_pool_id_fkey FOREIGN KEY (pool_id) REFERENCES fund_pools (id);
ALTER TABLE ledger_entries
    ADD CONSTRAINT ledger_entries_transaction_id_fkey FOREIGN KEY (transaction_id) REFERENCES ledger_transactions (id),
    ADD CONSTRAINT ledger_entries_fund_id_fkey FOREIGN KEY (fund_id) REFERENCES funds (id),
    DROP CONSTRAINT ledger_entries_transaction_fund_fkey;
CREATE INDEX ledger_transactions_fund_idx ON ledger_transactions (fund_id, id);
DROP INDEX ledger_transactions_fund_id_key;
