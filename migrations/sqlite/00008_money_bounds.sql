-- Money bounds (issue 9): every amount column of the funds tables gets a CHECK that keeps it
-- inside funds.MinAmount … funds.MaxAmount (one movement: 1 fen … ¥100,000,000) or
-- 0 … funds.MaxTotal (a running total: ¥1,000,000,000,000), and typeof() = 'integer', so an
-- overflowing sum can no longer be stored as a float. SQLite cannot add a CHECK to a table,
-- so each table is rebuilt the documented way (https://sqlite.org/lang_altertable.html,
-- "other kinds of table schema changes"): foreign keys off, create the new table, copy, drop
-- the old one, rename, re-create its indexes and triggers (the ledger's append-only triggers
-- included), all in one transaction.
--
-- Rows written before the bounds existed are copied as they are (ignore_check_constraints
-- during the copy, like PostgreSQL's NOT VALID): history is never rewritten, the app shows
-- such a fund with a warning, and `wushe funds check` names the transactions. Every new write
-- is checked.

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN;
PRAGMA ignore_check_constraints = ON;


-- funds
CREATE TABLE funds_new (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id        INTEGER NOT NULL REFERENCES communities(id),
    name                TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    currency            TEXT NOT NULL DEFAULT 'CNY' CHECK (currency IN ('CNY')),
    approval_threshold  INTEGER NOT NULL DEFAULT 500000 CHECK (approval_threshold >= 0),
    handler_approvals   INTEGER NOT NULL DEFAULT 2 CHECK (handler_approvals >= 2),
    committee_size      INTEGER NOT NULL DEFAULT 3 CHECK (committee_size >= 1),
    committee_quorum    INTEGER NOT NULL DEFAULT 0 CHECK (committee_quorum >= 0),
    created_by          INTEGER REFERENCES users(id),
    created_at          DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at          DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (community_id, name),
    CONSTRAINT funds_approval_threshold_bounds CHECK (typeof(approval_threshold) = 'integer' AND approval_threshold BETWEEN 0 AND 10000000000)
);
INSERT INTO funds_new SELECT * FROM funds;
DELETE FROM sqlite_sequence WHERE name = 'funds_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'funds_new', seq FROM sqlite_sequence WHERE name = 'funds';
DROP TABLE funds;
ALTER TABLE funds_new RENAME TO funds;

-- fund_pools
CREATE TABLE fund_pools_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    fund_id       INTEGER NOT NULL REFERENCES funds(id),
    name          TEXT NOT NULL,
    source        TEXT NOT NULL CHECK (source IN ('government', 'foundation')),
    kind          TEXT NOT NULL DEFAULT 'match' CHECK (kind IN ('match', 'qf')),
    currency      TEXT NOT NULL DEFAULT 'CNY',
    budget        INTEGER NOT NULL DEFAULT 0 CHECK (budget >= 0),
    -- available caches the ledger balance of pool:<id>:available; the only statement that
    -- lowers it checks it in the same row update, so it can never go negative.
    available     INTEGER NOT NULL DEFAULT 0 CHECK (available >= 0),
    rule_version  INTEGER NOT NULL DEFAULT 0,
    finalized_at  DATETIME,
    created_by    INTEGER REFERENCES users(id),
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (fund_id, name),
    CONSTRAINT fund_pools_budget_bounds CHECK (typeof(budget) = 'integer' AND budget BETWEEN 0 AND 100000000000000),
    CONSTRAINT fund_pools_available_bounds CHECK (typeof(available) = 'integer' AND available BETWEEN 0 AND 100000000000000)
);
INSERT INTO fund_pools_new SELECT * FROM fund_pools;
DELETE FROM sqlite_sequence WHERE name = 'fund_pools_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'fund_pools_new', seq FROM sqlite_sequence WHERE name = 'fund_pools';
DROP TABLE fund_pools;
ALTER TABLE fund_pools_new RENAME TO fund_pools;

-- fund_pool_rules
CREATE TABLE fund_pool_rules_new (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id               INTEGER NOT NULL REFERENCES fund_pools(id),
    version               INTEGER NOT NULL CHECK (version >= 1),
    ratio_num             INTEGER NOT NULL CHECK (ratio_num > 0),
    ratio_den             INTEGER NOT NULL CHECK (ratio_den > 0),
    unlock_share_bp       INTEGER NOT NULL DEFAULT 0 CHECK (unlock_share_bp BETWEEN 0 AND 10000),
    unlock_donors         INTEGER NOT NULL DEFAULT 0 CHECK (unlock_donors >= 0),
    donor_cap             INTEGER NOT NULL DEFAULT 0 CHECK (donor_cap >= 0),
    campaign_cap          INTEGER NOT NULL DEFAULT 0 CHECK (campaign_cap >= 0),
    min_contribution      INTEGER NOT NULL DEFAULT 0 CHECK (min_contribution >= 0),
    category_multipliers  TEXT NOT NULL DEFAULT '{}',
    kind_multipliers      TEXT NOT NULL DEFAULT '{}',
    note                  TEXT NOT NULL DEFAULT '',
    created_by            INTEGER REFERENCES users(id),
    created_at            DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (pool_id, version),
    CONSTRAINT fund_pool_rules_donor_cap_bounds CHECK (typeof(donor_cap) = 'integer' AND donor_cap BETWEEN 0 AND 10000000000),
    CONSTRAINT fund_pool_rules_campaign_cap_bounds CHECK (typeof(campaign_cap) = 'integer' AND campaign_cap BETWEEN 0 AND 10000000000),
    CONSTRAINT fund_pool_rules_min_contribution_bounds CHECK (typeof(min_contribution) = 'integer' AND min_contribution BETWEEN 0 AND 10000000000)
);
INSERT INTO fund_pool_rules_new SELECT * FROM fund_pool_rules;
DELETE FROM sqlite_sequence WHERE name = 'fund_pool_rules_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'fund_pool_rules_new', seq FROM sqlite_sequence WHERE name = 'fund_pool_rules';
DROP TABLE fund_pool_rules;
ALTER TABLE fund_pool_rules_new RENAME TO fund_pool_rules;

-- fund_pool_deposits
CREATE TABLE fund_pool_deposits_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id     INTEGER NOT NULL REFERENCES fund_pools(id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    currency    TEXT NOT NULL DEFAULT 'CNY',
    note        TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users(id),
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fund_pool_deposits_amount_bounds CHECK (typeof(amount) = 'integer' AND amount BETWEEN 1 AND 10000000000)
);
INSERT INTO fund_pool_deposits_new SELECT * FROM fund_pool_deposits;
DELETE FROM sqlite_sequence WHERE name = 'fund_pool_deposits_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'fund_pool_deposits_new', seq FROM sqlite_sequence WHERE name = 'fund_pool_deposits';
DROP TABLE fund_pool_deposits;
ALTER TABLE fund_pool_deposits_new RENAME TO fund_pool_deposits;

-- campaigns
CREATE TABLE campaigns_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    fund_id          INTEGER NOT NULL REFERENCES funds(id),
    project_id       INTEGER NOT NULL REFERENCES projects(id),
    pool_id          INTEGER REFERENCES fund_pools(id),
    title            TEXT NOT NULL,
    goal             INTEGER NOT NULL CHECK (goal > 0),
    currency         TEXT NOT NULL DEFAULT 'CNY',
    deadline         DATETIME NOT NULL,
    mode             TEXT NOT NULL CHECK (mode IN ('all_or_nothing', 'keep_what_you_raise')),
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('draft', 'open', 'succeeded', 'failed', 'cancelled')),
    raised           INTEGER NOT NULL DEFAULT 0 CHECK (raised >= 0),
    donors           INTEGER NOT NULL DEFAULT 0 CHECK (donors >= 0),
    matched          INTEGER NOT NULL DEFAULT 0 CHECK (matched >= 0),
    counted          INTEGER NOT NULL DEFAULT 0 CHECK (counted >= 0),
    pending_counted  INTEGER NOT NULL DEFAULT 0 CHECK (pending_counted >= 0),
    eligible_raised  INTEGER NOT NULL DEFAULT 0 CHECK (eligible_raised >= 0),
    eligible_donors  INTEGER NOT NULL DEFAULT 0 CHECK (eligible_donors >= 0),
    unlocked         BOOLEAN NOT NULL DEFAULT FALSE,
    excluded         TEXT NOT NULL DEFAULT '[]',
    created_by       INTEGER REFERENCES users(id),
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    closed_at        DATETIME,
    CONSTRAINT campaigns_goal_bounds CHECK (typeof(goal) = 'integer' AND goal BETWEEN 1 AND 10000000000),
    CONSTRAINT campaigns_raised_bounds CHECK (typeof(raised) = 'integer' AND raised BETWEEN 0 AND 100000000000000),
    CONSTRAINT campaigns_matched_bounds CHECK (typeof(matched) = 'integer' AND matched BETWEEN 0 AND 100000000000000),
    CONSTRAINT campaigns_counted_bounds CHECK (typeof(counted) = 'integer' AND counted BETWEEN 0 AND 100000000000000),
    CONSTRAINT campaigns_pending_counted_bounds CHECK (typeof(pending_counted) = 'integer' AND pending_counted BETWEEN 0 AND 100000000000000),
    CONSTRAINT campaigns_eligible_raised_bounds CHECK (typeof(eligible_raised) = 'integer' AND eligible_raised BETWEEN 0 AND 100000000000000)
);
INSERT INTO campaigns_new SELECT * FROM campaigns;
DELETE FROM sqlite_sequence WHERE name = 'campaigns_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'campaigns_new', seq FROM sqlite_sequence WHERE name = 'campaigns';
DROP TABLE campaigns;
ALTER TABLE campaigns_new RENAME TO campaigns;
CREATE INDEX campaigns_fund_idx ON campaigns (fund_id, status);
CREATE INDEX campaigns_deadline_idx ON campaigns (status, deadline);
CREATE INDEX campaigns_project_idx ON campaigns (project_id);

-- campaign_donors
CREATE TABLE campaign_donors_new (
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
    donor_key    TEXT NOT NULL,
    gifts        INTEGER NOT NULL DEFAULT 0 CHECK (gifts >= 0),
    counted      INTEGER NOT NULL DEFAULT 0 CHECK (counted >= 0),
    eligible     INTEGER NOT NULL DEFAULT 0 CHECK (eligible >= 0),
    PRIMARY KEY (campaign_id, donor_key),
    CONSTRAINT campaign_donors_counted_bounds CHECK (typeof(counted) = 'integer' AND counted BETWEEN 0 AND 100000000000000),
    CONSTRAINT campaign_donors_eligible_bounds CHECK (typeof(eligible) = 'integer' AND eligible BETWEEN 0 AND 100000000000000)
);
INSERT INTO campaign_donors_new SELECT * FROM campaign_donors;
DROP TABLE campaign_donors;
ALTER TABLE campaign_donors_new RENAME TO campaign_donors;

-- contributions
CREATE TABLE contributions_new (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id        INTEGER NOT NULL REFERENCES campaigns(id),
    fund_id            INTEGER NOT NULL REFERENCES funds(id),
    user_id            INTEGER REFERENCES users(id),
    donor_id           INTEGER REFERENCES donors(id),
    donor_key          TEXT NOT NULL,
    donor_name         TEXT NOT NULL DEFAULT '',
    source             TEXT NOT NULL CHECK (source IN ('resident', 'merchant', 'unit', 'foundation', 'social_org')),
    anonymous          BOOLEAN NOT NULL DEFAULT FALSE,
    amount             INTEGER NOT NULL CHECK (amount > 0),
    currency           TEXT NOT NULL DEFAULT 'CNY',
    channel            TEXT NOT NULL CHECK (channel IN ('stripe', 'offline')),
    status             TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded')),
    eligible           BOOLEAN NOT NULL DEFAULT FALSE,
    refunded           INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
    refunds            INTEGER NOT NULL DEFAULT 0 CHECK (refunds >= 0),
    offline_method     TEXT CHECK (offline_method IN ('cash', 'bank_transfer')),
    receipt_no         TEXT,
    received_on        DATETIME,
    recorded_by        INTEGER REFERENCES users(id),
    confirmed_by       INTEGER REFERENCES users(id),
    session_id         TEXT,
    payment_intent_id  TEXT,
    checkout_url       TEXT NOT NULL DEFAULT '',
    failure            TEXT NOT NULL DEFAULT '',
    created_at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    succeeded_at       DATETIME,
    UNIQUE (fund_id, offline_method, receipt_no),
    CONSTRAINT contributions_amount_bounds CHECK (typeof(amount) = 'integer' AND amount BETWEEN 1 AND 10000000000),
    CONSTRAINT contributions_refunded_bounds CHECK (typeof(refunded) = 'integer' AND refunded BETWEEN 0 AND 10000000000)
);
INSERT INTO contributions_new SELECT * FROM contributions;
DELETE FROM sqlite_sequence WHERE name = 'contributions_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'contributions_new', seq FROM sqlite_sequence WHERE name = 'contributions';
DROP TABLE contributions;
ALTER TABLE contributions_new RENAME TO contributions;
CREATE INDEX contributions_campaign_idx ON contributions (campaign_id, status);
CREATE INDEX contributions_intent_idx ON contributions (payment_intent_id);
CREATE INDEX contributions_session_idx ON contributions (session_id);
CREATE INDEX contributions_user_idx ON contributions (user_id);

-- fund_matches
CREATE TABLE fund_matches_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    contribution_id  INTEGER NOT NULL UNIQUE REFERENCES contributions(id),
    campaign_id      INTEGER NOT NULL REFERENCES campaigns(id),
    pool_id          INTEGER NOT NULL REFERENCES fund_pools(id),
    rule_version     INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'reserved', 'committed', 'released')),
    counted          INTEGER NOT NULL DEFAULT 0 CHECK (counted >= 0),
    amount           INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
    releases         INTEGER NOT NULL DEFAULT 0,
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (pool_id, rule_version) REFERENCES fund_pool_rules (pool_id, version),
    CONSTRAINT fund_matches_counted_bounds CHECK (typeof(counted) = 'integer' AND counted BETWEEN 0 AND 100000000000000),
    CONSTRAINT fund_matches_amount_bounds CHECK (typeof(amount) = 'integer' AND amount BETWEEN 0 AND 100000000000000)
);
INSERT INTO fund_matches_new SELECT * FROM fund_matches;
DELETE FROM sqlite_sequence WHERE name = 'fund_matches_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'fund_matches_new', seq FROM sqlite_sequence WHERE name = 'fund_matches';
DROP TABLE fund_matches;
ALTER TABLE fund_matches_new RENAME TO fund_matches;
CREATE INDEX fund_matches_campaign_idx ON fund_matches (campaign_id, status, id);

-- ledger_entries
CREATE TABLE ledger_entries_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    transaction_id  INTEGER NOT NULL REFERENCES ledger_transactions(id),
    fund_id         INTEGER NOT NULL REFERENCES funds(id),
    account         TEXT NOT NULL,
    account_kind    TEXT NOT NULL,
    pool_id         INTEGER,
    campaign_id     INTEGER,
    source          TEXT NOT NULL DEFAULT '',
    channel         TEXT NOT NULL DEFAULT '',
    side            TEXT NOT NULL CHECK (side IN ('debit', 'credit')),
    amount          INTEGER NOT NULL CHECK (amount > 0),
    currency        TEXT NOT NULL,
    CONSTRAINT ledger_entries_amount_bounds CHECK (typeof(amount) = 'integer' AND amount BETWEEN 1 AND 100000000000000)
);
INSERT INTO ledger_entries_new SELECT * FROM ledger_entries;
DELETE FROM sqlite_sequence WHERE name = 'ledger_entries_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'ledger_entries_new', seq FROM sqlite_sequence WHERE name = 'ledger_entries';
DROP TABLE ledger_entries;
ALTER TABLE ledger_entries_new RENAME TO ledger_entries;
CREATE INDEX ledger_entries_tx_idx ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_fund_account_idx ON ledger_entries (fund_id, account);
-- +goose StatementBegin
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: post a reversing transaction instead'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: post a reversing transaction instead'); END;
-- +goose StatementEnd

-- donor_flags
CREATE TABLE donor_flags_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    fund_id          INTEGER NOT NULL REFERENCES funds(id),
    donor_key        TEXT NOT NULL,
    user_id          INTEGER REFERENCES users(id),
    donor_id         INTEGER REFERENCES donors(id),
    contribution_id  INTEGER NOT NULL REFERENCES contributions(id),
    reason           TEXT NOT NULL,
    released         INTEGER NOT NULL DEFAULT 0,
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT donor_flags_released_bounds CHECK (typeof(released) = 'integer' AND released BETWEEN 0 AND 100000000000000)
);
INSERT INTO donor_flags_new SELECT * FROM donor_flags;
DELETE FROM sqlite_sequence WHERE name = 'donor_flags_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'donor_flags_new', seq FROM sqlite_sequence WHERE name = 'donor_flags';
DROP TABLE donor_flags;
ALTER TABLE donor_flags_new RENAME TO donor_flags;
CREATE INDEX donor_flags_fund_idx ON donor_flags (fund_id, donor_key);

-- disbursements
CREATE TABLE disbursements_new (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    fund_id                INTEGER NOT NULL REFERENCES funds(id),
    campaign_id            INTEGER NOT NULL REFERENCES campaigns(id),
    payee_organization_id  INTEGER NOT NULL REFERENCES organizations(id),
    amount                 INTEGER NOT NULL CHECK (amount > 0),
    currency               TEXT NOT NULL DEFAULT 'CNY',
    purpose                TEXT NOT NULL,
    status                 TEXT NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'approved', 'rejected', 'paid')),
    requested_by           INTEGER NOT NULL REFERENCES users(id),
    decided_at             DATETIME,
    paid_by                INTEGER REFERENCES users(id),
    paid_at                DATETIME,
    created_at             DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at             DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT disbursements_amount_bounds CHECK (typeof(amount) = 'integer' AND amount BETWEEN 1 AND 10000000000)
);
INSERT INTO disbursements_new SELECT * FROM disbursements;
DELETE FROM sqlite_sequence WHERE name = 'disbursements_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'disbursements_new', seq FROM sqlite_sequence WHERE name = 'disbursements';
DROP TABLE disbursements;
ALTER TABLE disbursements_new RENAME TO disbursements;
CREATE INDEX disbursements_fund_idx ON disbursements (fund_id, status);

-- qf_awards
CREATE TABLE qf_awards_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id       INTEGER NOT NULL REFERENCES fund_pools(id),
    campaign_id   INTEGER NOT NULL REFERENCES campaigns(id),
    contributors  INTEGER NOT NULL CHECK (contributors >= 0),
    contributed   INTEGER NOT NULL CHECK (contributed >= 0),
    amount        INTEGER NOT NULL CHECK (amount >= 0),
    params        TEXT NOT NULL DEFAULT '{}',
    created_by    INTEGER REFERENCES users(id),
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (pool_id, campaign_id),
    CONSTRAINT qf_awards_contributed_bounds CHECK (typeof(contributed) = 'integer' AND contributed BETWEEN 0 AND 100000000000000),
    CONSTRAINT qf_awards_amount_bounds CHECK (typeof(amount) = 'integer' AND amount BETWEEN 0 AND 100000000000000)
);
INSERT INTO qf_awards_new SELECT * FROM qf_awards;
DELETE FROM sqlite_sequence WHERE name = 'qf_awards_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'qf_awards_new', seq FROM sqlite_sequence WHERE name = 'qf_awards';
DROP TABLE qf_awards;
ALTER TABLE qf_awards_new RENAME TO qf_awards;

PRAGMA ignore_check_constraints = OFF;
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN;

-- funds
CREATE TABLE funds_old (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id        INTEGER NOT NULL REFERENCES communities(id),
    name                TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    currency            TEXT NOT NULL DEFAULT 'CNY' CHECK (currency IN ('CNY')),
    approval_threshold  INTEGER NOT NULL DEFAULT 500000 CHECK (approval_threshold >= 0),
    handler_approvals   INTEGER NOT NULL DEFAULT 2 CHECK (handler_approvals >= 2),
    committee_size      INTEGER NOT NULL DEFAULT 3 CHECK (committee_size >= 1),
    committee_quorum    INTEGER NOT NULL DEFAULT 0 CHECK (committee_quorum >= 0),
    created_by          INTEGER REFERENCES users(id),
    created_at          DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at          DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (community_id, name)
);
INSERT INTO funds_old SELECT * FROM funds;
DELETE FROM sqlite_sequence WHERE name = 'funds_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'funds_old', seq FROM sqlite_sequence WHERE name = 'funds';
DROP TABLE funds;
ALTER TABLE funds_old RENAME TO funds;

-- fund_pools
CREATE TABLE fund_pools_old (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    fund_id       INTEGER NOT NULL REFERENCES funds(id),
    name          TEXT NOT NULL,
    source        TEXT NOT NULL CHECK (source IN ('government', 'foundation')),
    kind          TEXT NOT NULL DEFAULT 'match' CHECK (kind IN ('match', 'qf')),
    currency      TEXT NOT NULL DEFAULT 'CNY',
    budget        INTEGER NOT NULL DEFAULT 0 CHECK (budget >= 0),
    -- available caches the ledger balance of pool:<id>:available; the only statement that
    -- lowers it checks it in the same row update, so it can never go negative.
    available     INTEGER NOT NULL DEFAULT 0 CHECK (available >= 0),
    rule_version  INTEGER NOT NULL DEFAULT 0,
    finalized_at  DATETIME,
    created_by    INTEGER REFERENCES users(id),
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (fund_id, name)
);
INSERT INTO fund_pools_old SELECT * FROM fund_pools;
DELETE FROM sqlite_sequence WHERE name = 'fund_pools_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'fund_pools_old', seq FROM sqlite_sequence WHERE name = 'fund_pools';
DROP TABLE fund_pools;
ALTER TABLE fund_pools_old RENAME TO fund_pools;

-- fund_pool_rules
CREATE TABLE fund_pool_rules_old (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id               INTEGER NOT NULL REFERENCES fund_pools(id),
    version               INTEGER NOT NULL CHECK (version >= 1),
    ratio_num             INTEGER NOT NULL CHECK (ratio_num > 0),
    ratio_den             INTEGER NOT NULL CHECK (ratio_den > 0),
    unlock_share_bp       INTEGER NOT NULL DEFAULT 0 CHECK (unlock_share_bp BETWEEN 0 AND 10000),
    unlock_donors         INTEGER NOT NULL DEFAULT 0 CHECK (unlock_donors >= 0),
    donor_cap             INTEGER NOT NULL DEFAULT 0 CHECK (donor_cap >= 0),
    campaign_cap          INTEGER NOT NULL DEFAULT 0 CHECK (campaign_cap >= 0),
    min_contribution      INTEGER NOT NULL DEFAULT 0 CHECK (min_contribution >= 0),
    category_multipliers  TEXT NOT NULL DEFAULT '{}',
    kind_multipliers      TEXT NOT NULL DEFAULT '{}',
    note                  TEXT NOT NULL DEFAULT '',
    created_by            INTEGER REFERENCES users(id),
    created_at            DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (pool_id, version)
);
INSERT INTO fund_pool_rules_old SELECT * FROM fund_pool_rules;
DELETE FROM sqlite_sequence WHERE name = 'fund_pool_rules_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'fund_pool_rules_old', seq FROM sqlite_sequence WHERE name = 'fund_pool_rules';
DROP TABLE fund_pool_rules;
ALTER TABLE fund_pool_rules_old RENAME TO fund_pool_rules;

-- fund_pool_deposits
CREATE TABLE fund_pool_deposits_old (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id     INTEGER NOT NULL REFERENCES fund_pools(id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    currency    TEXT NOT NULL DEFAULT 'CNY',
    note        TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users(id),
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO fund_pool_deposits_old SELECT * FROM fund_pool_deposits;
DELETE FROM sqlite_sequence WHERE name = 'fund_pool_deposits_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'fund_pool_deposits_old', seq FROM sqlite_sequence WHERE name = 'fund_pool_deposits';
DROP TABLE fund_pool_deposits;
ALTER TABLE fund_pool_deposits_old RENAME TO fund_pool_deposits;

-- campaigns
CREATE TABLE campaigns_old (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    fund_id          INTEGER NOT NULL REFERENCES funds(id),
    project_id       INTEGER NOT NULL REFERENCES projects(id),
    pool_id          INTEGER REFERENCES fund_pools(id),
    title            TEXT NOT NULL,
    goal             INTEGER NOT NULL CHECK (goal > 0),
    currency         TEXT NOT NULL DEFAULT 'CNY',
    deadline         DATETIME NOT NULL,
    mode             TEXT NOT NULL CHECK (mode IN ('all_or_nothing', 'keep_what_you_raise')),
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('draft', 'open', 'succeeded', 'failed', 'cancelled')),
    raised           INTEGER NOT NULL DEFAULT 0 CHECK (raised >= 0),
    donors           INTEGER NOT NULL DEFAULT 0 CHECK (donors >= 0),
    matched          INTEGER NOT NULL DEFAULT 0 CHECK (matched >= 0),
    counted          INTEGER NOT NULL DEFAULT 0 CHECK (counted >= 0),
    pending_counted  INTEGER NOT NULL DEFAULT 0 CHECK (pending_counted >= 0),
    eligible_raised  INTEGER NOT NULL DEFAULT 0 CHECK (eligible_raised >= 0),
    eligible_donors  INTEGER NOT NULL DEFAULT 0 CHECK (eligible_donors >= 0),
    unlocked         BOOLEAN NOT NULL DEFAULT FALSE,
    excluded         TEXT NOT NULL DEFAULT '[]',
    created_by       INTEGER REFERENCES users(id),
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    closed_at        DATETIME
);
INSERT INTO campaigns_old SELECT * FROM campaigns;
DELETE FROM sqlite_sequence WHERE name = 'campaigns_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'campaigns_old', seq FROM sqlite_sequence WHERE name = 'campaigns';
DROP TABLE campaigns;
ALTER TABLE campaigns_old RENAME TO campaigns;
CREATE INDEX campaigns_fund_idx ON campaigns (fund_id, status);
CREATE INDEX campaigns_deadline_idx ON campaigns (status, deadline);
CREATE INDEX campaigns_project_idx ON campaigns (project_id);

-- campaign_donors
CREATE TABLE campaign_donors_old (
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
    donor_key    TEXT NOT NULL,
    gifts        INTEGER NOT NULL DEFAULT 0 CHECK (gifts >= 0),
    counted      INTEGER NOT NULL DEFAULT 0 CHECK (counted >= 0),
    eligible     INTEGER NOT NULL DEFAULT 0 CHECK (eligible >= 0),
    PRIMARY KEY (campaign_id, donor_key)
);
INSERT INTO campaign_donors_old SELECT * FROM campaign_donors;
DROP TABLE campaign_donors;
ALTER TABLE campaign_donors_old RENAME TO campaign_donors;

-- contributions
CREATE TABLE contributions_old (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id        INTEGER NOT NULL REFERENCES campaigns(id),
    fund_id            INTEGER NOT NULL REFERENCES funds(id),
    user_id            INTEGER REFERENCES users(id),
    donor_id           INTEGER REFERENCES donors(id),
    donor_key          TEXT NOT NULL,
    donor_name         TEXT NOT NULL DEFAULT '',
    source             TEXT NOT NULL CHECK (source IN ('resident', 'merchant', 'unit', 'foundation', 'social_org')),
    anonymous          BOOLEAN NOT NULL DEFAULT FALSE,
    amount             INTEGER NOT NULL CHECK (amount > 0),
    currency           TEXT NOT NULL DEFAULT 'CNY',
    channel            TEXT NOT NULL CHECK (channel IN ('stripe', 'offline')),
    status             TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded')),
    eligible           BOOLEAN NOT NULL DEFAULT FALSE,
    refunded           INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
    refunds            INTEGER NOT NULL DEFAULT 0 CHECK (refunds >= 0),
    offline_method     TEXT CHECK (offline_method IN ('cash', 'bank_transfer')),
    receipt_no         TEXT,
    received_on        DATETIME,
    recorded_by        INTEGER REFERENCES users(id),
    confirmed_by       INTEGER REFERENCES users(id),
    session_id         TEXT,
    payment_intent_id  TEXT,
    checkout_url       TEXT NOT NULL DEFAULT '',
    failure            TEXT NOT NULL DEFAULT '',
    created_at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    succeeded_at       DATETIME,
    UNIQUE (fund_id, offline_method, receipt_no)
);
INSERT INTO contributions_old SELECT * FROM contributions;
DELETE FROM sqlite_sequence WHERE name = 'contributions_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'contributions_old', seq FROM sqlite_sequence WHERE name = 'contributions';
DROP TABLE contributions;
ALTER TABLE contributions_old RENAME TO contributions;
CREATE INDEX contributions_campaign_idx ON contributions (campaign_id, status);
CREATE INDEX contributions_intent_idx ON contributions (payment_intent_id);
CREATE INDEX contributions_session_idx ON contributions (session_id);
CREATE INDEX contributions_user_idx ON contributions (user_id);

-- fund_matches
CREATE TABLE fund_matches_old (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    contribution_id  INTEGER NOT NULL UNIQUE REFERENCES contributions(id),
    campaign_id      INTEGER NOT NULL REFERENCES campaigns(id),
    pool_id          INTEGER NOT NULL REFERENCES fund_pools(id),
    rule_version     INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'reserved', 'committed', 'released')),
    counted          INTEGER NOT NULL DEFAULT 0 CHECK (counted >= 0),
    amount           INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
    releases         INTEGER NOT NULL DEFAULT 0,
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (pool_id, rule_version) REFERENCES fund_pool_rules (pool_id, version)
);
INSERT INTO fund_matches_old SELECT * FROM fund_matches;
DELETE FROM sqlite_sequence WHERE name = 'fund_matches_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'fund_matches_old', seq FROM sqlite_sequence WHERE name = 'fund_matches';
DROP TABLE fund_matches;
ALTER TABLE fund_matches_old RENAME TO fund_matches;
CREATE INDEX fund_matches_campaign_idx ON fund_matches (campaign_id, status, id);

-- ledger_entries
CREATE TABLE ledger_entries_old (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    transaction_id  INTEGER NOT NULL REFERENCES ledger_transactions(id),
    fund_id         INTEGER NOT NULL REFERENCES funds(id),
    account         TEXT NOT NULL,
    account_kind    TEXT NOT NULL,
    pool_id         INTEGER,
    campaign_id     INTEGER,
    source          TEXT NOT NULL DEFAULT '',
    channel         TEXT NOT NULL DEFAULT '',
    side            TEXT NOT NULL CHECK (side IN ('debit', 'credit')),
    amount          INTEGER NOT NULL CHECK (amount > 0),
    currency        TEXT NOT NULL
);
INSERT INTO ledger_entries_old SELECT * FROM ledger_entries;
DELETE FROM sqlite_sequence WHERE name = 'ledger_entries_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'ledger_entries_old', seq FROM sqlite_sequence WHERE name = 'ledger_entries';
DROP TABLE ledger_entries;
ALTER TABLE ledger_entries_old RENAME TO ledger_entries;
CREATE INDEX ledger_entries_tx_idx ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_fund_account_idx ON ledger_entries (fund_id, account);
-- +goose StatementBegin
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: post a reversing transaction instead'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: post a reversing transaction instead'); END;
-- +goose StatementEnd

-- donor_flags
CREATE TABLE donor_flags_old (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    fund_id          INTEGER NOT NULL REFERENCES funds(id),
    donor_key        TEXT NOT NULL,
    user_id          INTEGER REFERENCES users(id),
    donor_id         INTEGER REFERENCES donors(id),
    contribution_id  INTEGER NOT NULL REFERENCES contributions(id),
    reason           TEXT NOT NULL,
    released         INTEGER NOT NULL DEFAULT 0,
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO donor_flags_old SELECT * FROM donor_flags;
DELETE FROM sqlite_sequence WHERE name = 'donor_flags_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'donor_flags_old', seq FROM sqlite_sequence WHERE name = 'donor_flags';
DROP TABLE donor_flags;
ALTER TABLE donor_flags_old RENAME TO donor_flags;
CREATE INDEX donor_flags_fund_idx ON donor_flags (fund_id, donor_key);

-- disbursements
CREATE TABLE disbursements_old (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    fund_id                INTEGER NOT NULL REFERENCES funds(id),
    campaign_id            INTEGER NOT NULL REFERENCES campaigns(id),
    payee_organization_id  INTEGER NOT NULL REFERENCES organizations(id),
    amount                 INTEGER NOT NULL CHECK (amount > 0),
    currency               TEXT NOT NULL DEFAULT 'CNY',
    purpose                TEXT NOT NULL,
    status                 TEXT NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'approved', 'rejected', 'paid')),
    requested_by           INTEGER NOT NULL REFERENCES users(id),
    decided_at             DATETIME,
    paid_by                INTEGER REFERENCES users(id),
    paid_at                DATETIME,
    created_at             DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at             DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO disbursements_old SELECT * FROM disbursements;
DELETE FROM sqlite_sequence WHERE name = 'disbursements_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'disbursements_old', seq FROM sqlite_sequence WHERE name = 'disbursements';
DROP TABLE disbursements;
ALTER TABLE disbursements_old RENAME TO disbursements;
CREATE INDEX disbursements_fund_idx ON disbursements (fund_id, status);

-- qf_awards
CREATE TABLE qf_awards_old (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id       INTEGER NOT NULL REFERENCES fund_pools(id),
    campaign_id   INTEGER NOT NULL REFERENCES campaigns(id),
    contributors  INTEGER NOT NULL CHECK (contributors >= 0),
    contributed   INTEGER NOT NULL CHECK (contributed >= 0),
    amount        INTEGER NOT NULL CHECK (amount >= 0),
    params        TEXT NOT NULL DEFAULT '{}',
    created_by    INTEGER REFERENCES users(id),
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (pool_id, campaign_id)
);
INSERT INTO qf_awards_old SELECT * FROM qf_awards;
DELETE FROM sqlite_sequence WHERE name = 'qf_awards_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'qf_awards_old', seq FROM sqlite_sequence WHERE name = 'qf_awards';
DROP TABLE qf_awards;
ALTER TABLE qf_awards_old RENAME TO qf_awards;

COMMIT;
PRAGMA foreign_keys = ON;
