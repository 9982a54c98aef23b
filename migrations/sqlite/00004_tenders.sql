-- Tenders: government purchase of services (政府购买服务) — tenders with a weighted rubric,
-- bids of verified social organizations, evaluators' conflict-of-interest declarations and
-- scores, and the award results (one row per bid, with the reason it won or lost).

-- +goose Up
CREATE TABLE tenders (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    street_id       INTEGER NOT NULL REFERENCES streets(id),
    community_id    INTEGER REFERENCES communities(id),
    publisher_id    INTEGER NOT NULL REFERENCES users(id),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    category        TEXT NOT NULL REFERENCES categories(code),
    budget_ceiling  INTEGER NOT NULL CHECK (budget_ceiling > 0),
    currency        TEXT NOT NULL DEFAULT 'CNY',
    period_start    DATETIME NOT NULL,
    period_end      DATETIME NOT NULL,
    bid_deadline    DATETIME NOT NULL,
    max_awards      INTEGER NOT NULL DEFAULT 1 CHECK (max_awards >= 1),
    min_score       REAL NOT NULL DEFAULT 0 CHECK (min_score >= 0 AND min_score <= 100),
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'closed', 'awarded', 'cancelled')),
    published_at    DATETIME,
    closed_at       DATETIME,
    awarded_at      DATETIME,
    cancelled_at    DATETIME,
    cancel_reason   TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (period_end > period_start)
);
CREATE INDEX tenders_street_status_idx ON tenders (street_id, status);
CREATE INDEX tenders_community_status_idx ON tenders (community_id, status);

CREATE TABLE tender_communities (
    tender_id     INTEGER NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    PRIMARY KEY (tender_id, community_id)
);
CREATE INDEX tender_communities_community_idx ON tender_communities (community_id);

CREATE TABLE tender_criteria (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tender_id    INTEGER NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    weight       INTEGER NOT NULL CHECK (weight > 0 AND weight <= 100),
    description  TEXT NOT NULL DEFAULT '',
    UNIQUE (tender_id, position)
);

CREATE TABLE tender_bids (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    tender_id        INTEGER NOT NULL REFERENCES tenders(id),
    organization_id  INTEGER NOT NULL REFERENCES organizations(id),
    submitted_by     INTEGER NOT NULL REFERENCES users(id),
    price            INTEGER NOT NULL CHECK (price > 0),
    currency         TEXT NOT NULL DEFAULT 'CNY',
    plan             TEXT NOT NULL,
    capacity         INTEGER NOT NULL DEFAULT 1 CHECK (capacity >= 1),
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (tender_id, organization_id)
);
CREATE INDEX tender_bids_organization_idx ON tender_bids (organization_id);

CREATE TABLE tender_bid_team (
    bid_id            INTEGER NOT NULL REFERENCES tender_bids(id) ON DELETE CASCADE,
    social_worker_id  INTEGER NOT NULL REFERENCES social_workers(id),
    PRIMARY KEY (bid_id, social_worker_id)
);

CREATE TABLE tender_declarations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tender_id     INTEGER NOT NULL REFERENCES tenders(id),
    evaluator_id  INTEGER NOT NULL REFERENCES users(id),
    statement     TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (tender_id, evaluator_id)
);

CREATE TABLE tender_declaration_conflicts (
    declaration_id   INTEGER NOT NULL REFERENCES tender_declarations(id) ON DELETE CASCADE,
    organization_id  INTEGER NOT NULL REFERENCES organizations(id),
    PRIMARY KEY (declaration_id, organization_id)
);

CREATE TABLE tender_scores (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tender_id     INTEGER NOT NULL REFERENCES tenders(id),
    bid_id        INTEGER NOT NULL REFERENCES tender_bids(id),
    evaluator_id  INTEGER NOT NULL REFERENCES users(id),
    criterion_id  INTEGER NOT NULL REFERENCES tender_criteria(id),
    score         INTEGER NOT NULL CHECK (score >= 0 AND score <= 100),
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (bid_id, evaluator_id, criterion_id)
);
CREATE INDEX tender_scores_tender_idx ON tender_scores (tender_id);

CREATE TABLE tender_results (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    tender_id             INTEGER NOT NULL REFERENCES tenders(id),
    bid_id                INTEGER NOT NULL UNIQUE REFERENCES tender_bids(id),
    organization_id       INTEGER NOT NULL REFERENCES organizations(id),
    rank                  INTEGER NOT NULL CHECK (rank >= 1),
    score                 REAL NOT NULL,
    evaluators            INTEGER NOT NULL DEFAULT 0,
    won                   BOOLEAN NOT NULL DEFAULT FALSE,
    reason                TEXT NOT NULL CHECK (reason IN ('won', 'below_minimum', 'tender_full', 'organization_full', 'tender_and_organization_full')),
    above_org_ids         TEXT NOT NULL DEFAULT '[]',
    preferred_tender_ids  TEXT NOT NULL DEFAULT '[]',
    created_at            DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX tender_results_tender_idx ON tender_results (tender_id, rank);
CREATE INDEX tender_results_organization_idx ON tender_results (organization_id, won);

-- +goose Down
DROP TABLE tender_results;
DROP TABLE tender_scores;
DROP TABLE tender_declaration_conflicts;
DROP TABLE tender_declarations;
DROP TABLE tender_bid_team;
DROP TABLE tender_bids;
DROP TABLE tender_criteria;
DROP TABLE tender_communities;
DROP TABLE tenders;
