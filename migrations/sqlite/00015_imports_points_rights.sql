-- Issue 14: spreadsheet imports, data rights (consent, erasure) and the love supermarket's
-- points (爱心超市).
--
-- import_jobs keeps a previewed file's normalised rows and its report, so the commit writes
-- exactly what the preview showed, and a second commit of the same job changes nothing.
-- Points live in a double-entry ledger like money: every transaction's entries sum to zero,
-- a holder's balance is the sum of its entries, and corrections are new transactions.

-- +goose Up
ALTER TABLE volunteers ADD COLUMN birth_date DATETIME;

CREATE TABLE import_jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL CHECK (kind IN ('volunteers', 'organizations', 'hours')),
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    created_by    INTEGER NOT NULL REFERENCES users(id),
    status        TEXT NOT NULL CHECK (status IN ('previewed', 'committing', 'committed', 'failed')),
    file_name     TEXT NOT NULL DEFAULT '',
    file_sha256   TEXT NOT NULL DEFAULT '',
    rows          INTEGER NOT NULL DEFAULT 0,
    valid         INTEGER NOT NULL DEFAULT 0,
    duplicates    INTEGER NOT NULL DEFAULT 0,
    report        TEXT NOT NULL DEFAULT '',
    payload       TEXT NOT NULL DEFAULT '',
    mode          TEXT NOT NULL DEFAULT '',
    dup_policy    TEXT NOT NULL DEFAULT '',
    done          INTEGER NOT NULL DEFAULT 0,
    created       INTEGER NOT NULL DEFAULT 0,
    updated       INTEGER NOT NULL DEFAULT 0,
    skipped       INTEGER NOT NULL DEFAULT 0,
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    committed_at  DATETIME
);
CREATE INDEX import_jobs_community_idx ON import_jobs (community_id, created_at);

CREATE TABLE privacy_consents (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    version       INTEGER NOT NULL CHECK (version > 0),
    consented_at  DATETIME NOT NULL,
    UNIQUE (user_id, version)
);

CREATE TABLE account_erasures (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id),
    erased_at  DATETIME NOT NULL
);

CREATE TABLE points_settings (
    community_id          INTEGER PRIMARY KEY REFERENCES communities(id),
    checkin_per_hour      INTEGER NOT NULL CHECK (checkin_per_hour >= 0),
    coordinator_per_hour  INTEGER NOT NULL CHECK (coordinator_per_hour >= 0),
    self_report_per_hour  INTEGER NOT NULL CHECK (self_report_per_hour >= 0),
    expiry_months         INTEGER NOT NULL DEFAULT 0 CHECK (expiry_months >= 0),
    updated_at            DATETIME NOT NULL
);

CREATE TABLE points_transactions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers(id),
    kind          TEXT NOT NULL CHECK (kind IN ('earn_hours', 'award', 'redeem', 'cancel', 'expire')),
    source_key    TEXT NOT NULL UNIQUE,
    reason        TEXT NOT NULL DEFAULT '',
    created_by    INTEGER REFERENCES users(id),
    expires_at    DATETIME,
    created_at    DATETIME NOT NULL
);
CREATE INDEX points_transactions_holder_idx ON points_transactions (volunteer_id, created_at);

CREATE TABLE points_entries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    transaction_id  INTEGER NOT NULL REFERENCES points_transactions(id),
    community_id    INTEGER NOT NULL REFERENCES communities(id),
    account         TEXT NOT NULL CHECK (account IN ('holder', 'issued', 'redeemed', 'expired')),
    volunteer_id    INTEGER REFERENCES volunteers(id),
    points          INTEGER NOT NULL CHECK (points <> 0),
    CHECK ((account = 'holder') = (volunteer_id IS NOT NULL))
);
CREATE INDEX points_entries_holder_idx ON points_entries (volunteer_id) WHERE account = 'holder';
CREATE INDEX points_entries_community_idx ON points_entries (community_id, account);

-- +goose StatementBegin
CREATE TRIGGER points_entries_no_update BEFORE UPDATE ON points_entries
BEGIN SELECT RAISE(ABORT, 'points_entries are append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER points_entries_no_delete BEFORE DELETE ON points_entries
BEGIN SELECT RAISE(ABORT, 'points_entries are append-only'); END;
-- +goose StatementEnd

CREATE TABLE shop_items (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id     INTEGER NOT NULL REFERENCES communities(id),
    organization_id  INTEGER REFERENCES organizations(id),
    name             TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    points           INTEGER NOT NULL CHECK (points > 0),
    stock            INTEGER NOT NULL CHECK (stock >= 0),
    value_fen        INTEGER NOT NULL DEFAULT 0 CHECK (value_fen >= 0),
    currency         TEXT NOT NULL DEFAULT 'CNY',
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    created_by       INTEGER NOT NULL REFERENCES users(id),
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL
);
CREATE INDEX shop_items_community_idx ON shop_items (community_id, active);

CREATE TABLE redemptions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id         INTEGER NOT NULL REFERENCES shop_items(id),
    community_id    INTEGER NOT NULL REFERENCES communities(id),
    volunteer_id    INTEGER NOT NULL REFERENCES volunteers(id),
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    points          INTEGER NOT NULL CHECK (points > 0),
    status          TEXT NOT NULL CHECK (status IN ('reserved', 'handed_over', 'cancelled')),
    transaction_id  INTEGER NOT NULL REFERENCES points_transactions(id),
    created_by      INTEGER NOT NULL REFERENCES users(id),
    handed_over_by  INTEGER REFERENCES users(id),
    handed_over_at  DATETIME,
    created_at      DATETIME NOT NULL
);
CREATE INDEX redemptions_volunteer_idx ON redemptions (volunteer_id, created_at);
CREATE INDEX redemptions_community_idx ON redemptions (community_id, status);

-- +goose Down
DROP TABLE redemptions;
DROP TABLE shop_items;
DROP TRIGGER points_entries_no_delete;
DROP TRIGGER points_entries_no_update;
DROP TABLE points_entries;
DROP TABLE points_transactions;
DROP TABLE points_settings;
DROP TABLE account_erasures;
DROP TABLE privacy_consents;
DROP TABLE import_jobs;
ALTER TABLE volunteers DROP COLUMN birth_date;
