-- Money bounds (issue 9): every amount column of the funds tables gets a CHECK that keeps it
-- inside funds.MinAmount … funds.MaxAmount (one movement: 1 fen … ¥100,000,000) or
-- 0 … funds.MaxTotal (a running total: ¥1,000,000,000,000).
--
-- The constraints are added NOT VALID, which enforces them on every new write at once, and
-- then validated one by one: a constraint that rows written before the bounds existed break
-- stays NOT VALID (with a warning) instead of failing the migration, because history is never
-- rewritten; the app shows such a fund with a warning and `wushe funds check` names the
-- transactions. Indexes and the ledger's append-only triggers are untouched.

-- +goose Up
ALTER TABLE funds ADD CONSTRAINT funds_approval_threshold_bounds CHECK (approval_threshold BETWEEN 0 AND 10000000000) NOT VALID;
ALTER TABLE fund_pools ADD CONSTRAINT fund_pools_budget_bounds CHECK (budget BETWEEN 0 AND 100000000000000) NOT VALID;
ALTER TABLE fund_pools ADD CONSTRAINT fund_pools_available_bounds CHECK (available BETWEEN 0 AND 100000000000000) NOT VALID;
ALTER TABLE fund_pool_rules ADD CONSTRAINT fund_pool_rules_donor_cap_bounds CHECK (donor_cap BETWEEN 0 AND 10000000000) NOT VALID;
ALTER TABLE fund_pool_rules ADD CONSTRAINT fund_pool_rules_campaign_cap_bounds CHECK (campaign_cap BETWEEN 0 AND 10000000000) NOT VALID;
ALTER TABLE fund_pool_rules ADD CONSTRAINT fund_pool_rules_min_contribution_bounds CHECK (min_contribution BETWEEN 0 AND 10000000000) NOT VALID;
ALTER TABLE fund_pool_deposits ADD CONSTRAINT fund_pool_deposits_amount_bounds CHECK (amount BETWEEN 1 AND 10000000000) NOT VALID;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_goal_bounds CHECK (goal BETWEEN 1 AND 10000000000) NOT VALID;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_raised_bounds CHECK (raised BETWEEN 0 AND 100000000000000) NOT VALID;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_matched_bounds CHECK (matched BETWEEN 0 AND 100000000000000) NOT VALID;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_counted_bounds CHECK (counted BETWEEN 0 AND 100000000000000) NOT VALID;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_pending_counted_bounds CHECK (pending_counted BETWEEN 0 AND 100000000000000) NOT VALID;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_eligible_raised_bounds CHECK (eligible_raised BETWEEN 0 AND 100000000000000) NOT VALID;
ALTER TABLE campaign_donors ADD CONSTRAINT campaign_donors_counted_bounds CHECK (counted BETWEEN 0 AND 100000000000000) NOT VALID;
ALTER TABLE campaign_donors ADD CONSTRAINT campaign_donors_eligible_bounds CHECK (eligible BETWEEN 0 AND 100000000000000) NOT VALID;
ALTER TABLE contributions ADD CONSTRAINT contributions_amount_bounds CHECK (amount BETWEEN 1 AND 10000000000) NOT VALID;
ALTER TABLE contributions ADD CONSTRAINT contributions_refunded_bounds CHECK (refunded BETWEEN 0 AND 10000000000) NOT VALID;
ALTER TABLE fund_matches ADD CONSTRAINT fund_matches_counted_bounds CHECK (counted BETWEEN 0 AND 100000000000000) NOT VALID;
ALTER TABLE fund_matches ADD CONSTRAINT fund_matches_amount_bounds CHECK (amount BETWEEN 0 AND 100000000000000) NOT VALID;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_amount_bounds CHECK (amount BETWEEN 1 AND 100000000000000) NOT VALID;
ALTER TABLE donor_flags ADD CONSTRAINT donor_flags_released_bounds CHECK (released BETWEEN 0 AND 100000000000000) NOT VALID;
ALTER TABLE disbursements ADD CONSTRAINT disbursements_amount_bounds CHECK (amount BETWEEN 1 AND 10000000000) NOT VALID;
ALTER TABLE qf_awards ADD CONSTRAINT qf_awards_contributed_bounds CHECK (contributed BETWEEN 0 AND 100000000000000) NOT VALID;
ALTER TABLE qf_awards ADD CONSTRAINT qf_awards_amount_bounds CHECK (amount BETWEEN 0 AND 100000000000000) NOT VALID;

-- +goose StatementBegin
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT c.conrelid::regclass AS tbl, c.conname
             FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
             WHERE c.contype = 'c' AND NOT c.convalidated AND c.conname LIKE '%\_bounds'
               AND t.relnamespace = current_schema()::regnamespace
    LOOP
        BEGIN
            EXECUTE format('ALTER TABLE %s VALIDATE CONSTRAINT %I', r.tbl, r.conname);
        EXCEPTION WHEN check_violation THEN
            RAISE WARNING 'money bounds: % on % stays NOT VALID, stored rows break it (run wushe funds check)', r.conname, r.tbl;
        END;
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
ALTER TABLE qf_awards DROP CONSTRAINT qf_awards_amount_bounds;
ALTER TABLE qf_awards DROP CONSTRAINT qf_awards_contributed_bounds;
ALTER TABLE disbursements DROP CONSTRAINT disbursements_amount_bounds;
ALTER TABLE donor_flags DROP CONSTRAINT donor_flags_released_bounds;
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_amount_bounds;
ALTER TABLE fund_matches DROP CONSTRAINT fund_matches_amount_bounds;
ALTER TABLE fund_matches DROP CONSTRAINT fund_matches_counted_bounds;
ALTER TABLE contributions DROP CONSTRAINT contributions_refunded_bounds;
ALTER TABLE contributions DROP CONSTRAINT contributions_amount_bounds;
ALTER TABLE campaign_donors DROP CONSTRAINT campaign_donors_eligible_bounds;
ALTER TABLE campaign_donors DROP CONSTRAINT campaign_donors_counted_bounds;
ALTER TABLE campaigns DROP CONSTRAINT campaigns_eligible_raised_bounds;
ALTER TABLE campaigns DROP CONSTRAINT campaigns_pending_counted_bounds;
ALTER TABLE campaigns DROP CONSTRAINT campaigns_counted_bounds;
ALTER TABLE campaigns DROP CONSTRAINT campaigns_matched_bounds;
ALTER TABLE campaigns DROP CONSTRAINT campaigns_raised_bounds;
ALTER TABLE campaigns DROP CONSTRAINT campaigns_goal_bounds;
ALTER TABLE fund_pool_deposits DROP CONSTRAINT fund_pool_deposits_amount_bounds;
ALTER TABLE fund_pool_rules DROP CONSTRAINT fund_pool_rules_min_contribution_bounds;
ALTER TABLE fund_pool_rules DROP CONSTRAINT fund_pool_rules_campaign_cap_bounds;
ALTER TABLE fund_pool_rules DROP CONSTRAINT fund_pool_rules_donor_cap_bounds;
ALTER TABLE fund_pools DROP CONSTRAINT fund_pools_available_bounds;
ALTER TABLE fund_pools DROP CONSTRAINT fund_pools_budget_bounds;
ALTER TABLE funds DROP CONSTRAINT funds_approval_threshold_bounds;
