-- Funds: community funds, matching pools with versioned rules, campaigns, contributions,
-- matches, an append-only double-entry ledger, payment events, donor flags, disbursements.

-- +goose Up
CREATE TABLE funds (
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

CREATE TABLE fund_pools (
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

CREATE TABLE fund_pool_rules (
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

CREATE TABLE fund_pool_deposits (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id     INTEGER NOT NULL REFERENCES fund_pools(id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    currency    TEXT NOT NULL DEFAULT 'CNY',
    note        TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users(id),
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE campaigns (
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
CREATE INDEX campaigns_fund_idx ON campaigns (fund_id, status);
CREATE INDEX campaigns_deadline_idx ON campaigns (status, deadline);
CREATE INDEX campaigns_project_idx ON campaigns (project_id);

CREATE TABLE campaign_donors (
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
    donor_key    TEXT NOT NULL,
    gifts        INTEGER NOT NULL DEFAULT 0 CHECK (gifts >= 0),
    counted      INTEGER NOT NULL DEFAULT 0 CHECK (counted >= 0),
    eligible     INTEGER NOT NULL DEFAULT 0 CHECK (eligible >= 0),
    PRIMARY KEY (campaign_id, donor_key)
);

CREATE TABLE contributions (
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
CREATE INDEX contributions_campaign_idx ON contributions (campaign_id, status);
CREATE INDEX contributions_intent_idx ON contributions (payment_intent_id);
CREATE INDEX contributions_session_idx ON contributions (session_id);
CREATE INDEX contributions_user_idx ON contributions (user_id);

CREATE TABLE fund_matches (
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
CREATE INDEX fund_matches_campaign_idx ON fund_matches (campaign_id, status, id);

CREATE TABLE ledger_transactions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    fund_id     INTEGER NOT NULL REFERENCES funds(id),
    kind        TEXT NOT NULL,
    ref         TEXT NOT NULL,
    tx_key      TEXT NOT NULL UNIQUE,
    memo        TEXT NOT NULL DEFAULT '',
    actor_id    INTEGER REFERENCES users(id),
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ledger_transactions_fund_idx ON ledger_transactions (fund_id, id);

CREATE TABLE ledger_entries (
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
CREATE INDEX ledger_entries_tx_idx ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_fund_account_idx ON ledger_entries (fund_id, account);

-- +goose StatementBegin
CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: post a reversing transaction instead'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: post a reversing transaction instead'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: post a reversing transaction instead'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: post a reversing transaction instead'); END;
-- +goose StatementEnd

CREATE TABLE donor_flags (
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
CREATE INDEX donor_flags_fund_idx ON donor_flags (fund_id, donor_key);

CREATE TABLE payment_events (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    provider         TEXT NOT NULL,
    event_id         TEXT NOT NULL UNIQUE,
    event_type       TEXT NOT NULL,
    contribution_id  INTEGER REFERENCES contributions(id),
    outcome          TEXT NOT NULL DEFAULT '',
    received_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE disbursements (
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
CREATE INDEX disbursements_fund_idx ON disbursements (fund_id, status);

CREATE TABLE disbursement_votes (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    disbursement_id  INTEGER NOT NULL REFERENCES disbursements(id),
    approver_id      INTEGER NOT NULL REFERENCES users(id),
    roles            TEXT NOT NULL DEFAULT '[]',
    approve          BOOLEAN NOT NULL,
    reason           TEXT NOT NULL DEFAULT '',
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (disbursement_id, approver_id)
);

CREATE TABLE disbursement_evidences (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    disbursement_id  INTEGER NOT NULL REFERENCES disbursements(id),
    file_name        TEXT NOT NULL,
    content_type     TEXT NOT NULL,
    size             INTEGER NOT NULL CHECK (size > 0),
    sha256           TEXT NOT NULL,
    data             BLOB NOT NULL,
    uploaded_by      INTEGER NOT NULL REFERENCES users(id),
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX disbursement_evidences_idx ON disbursement_evidences (disbursement_id);

-- A quadratic-funding round's final award to one campaign.
CREATE TABLE qf_awards (
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

-- +goose Down
DROP TABLE qf_awards;
DROP TABLE disbursement_evidences;
DROP TABLE disbursement_votes;
DROP TABLE disbursements;
DROP TABLE payment_events;
DROP TABLE donor_flags;
DROP TRIGGER ledger_entries_no_delete;
DROP TRIGGER ledger_entries_no_update;
DROP TRIGGER ledger_transactions_no_delete;
DROP TRIGGER ledger_transactions_no_update;
DROP TABLE ledger_entries;
DROP TABLE ledger_transactions;
DROP TABLE fund_matches;
DROP TABLE contributions;
DROP TABLE campaign_donors;
DROP TABLE campaigns;
DROP TABLE fund_pool_deposits;
DROP TABLE fund_pool_rules;
DROP TABLE fund_pools;
DROP TABLE funds;
