-- Tenders: government purchase of services (政府购买服务) — tenders with a weighted rubric,
-- bids of verified social organizations, evaluators' conflict-of-interest declarations and
-- scores, and the award results (one row per bid, with the reason it won or lost).

-- +goose Up
CREATE TABLE tenders (
    id              BIGSERIAL PRIMARY KEY,
    street_id       BIGINT NOT NULL REFERENCES streets(id),
    community_id    BIGINT REFERENCES communities(id),
    publisher_id    BIGINT NOT NULL REFERENCES users(id),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    category        TEXT NOT NULL REFERENCES categories(code),
    budget_ceiling  BIGINT NOT NULL CHECK (budget_ceiling > 0),
    currency        TEXT NOT NULL DEFAULT 'CNY',
    period_start    TIMESTAMPTZ NOT NULL,
    period_end      TIMESTAMPTZ NOT NULL,
    bid_deadline    TIMESTAMPTZ NOT NULL,
    max_awards      INTEGER NOT NULL DEFAULT 1 CHECK (max_awards >= 1),
    min_score       DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (min_score >= 0 AND min_score <= 100),
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'closed', 'awarded', 'cancelled')),
    published_at    TIMESTAMPTZ,
    closed_at       TIMESTAMPTZ,
    awarded_at      TIMESTAMPTZ,
    cancelled_at    TIMESTAMPTZ,
    cancel_reason   TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (period_end > period_start)
);
CREATE INDEX tenders_street_status_idx ON tenders (street_id, status);
CREATE INDEX tenders_community_status_idx ON tenders (community_id, status);

CREATE TABLE tender_communities (
    tender_id     BIGINT NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
    community_id  BIGINT NOT NULL REFERENCES communities(id),
    PRIMARY KEY (tender_id, community_id)
);
CREATE INDEX tender_communities_community_idx ON tender_communities (community_id);

CREATE TABLE tender_criteria (
    id           BIGSERIAL PRIMARY KEY,
    tender_id    BIGINT NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    weight       INTEGER NOT NULL CHECK (weight > 0 AND weight <= 100),
    description  TEXT NOT NULL DEFAULT '',
    UNIQUE (tender_id, position)
);

CREATE TABLE tender_bids (
    id               BIGSERIAL PRIMARY KEY,
    tender_id        BIGINT NOT NULL REFERENCES tenders(id),
    organization_id  BIGINT NOT NULL REFERENCES organizations(id),
    submitted_by     BIGINT NOT NULL REFERENCES users(id),
    price            BIGINT NOT NULL CHECK (price > 0),
    currency         TEXT NOT NULL DEFAULT 'CNY',
    plan             TEXT NOT NULL,
    capacity         INTEGER NOT NULL DEFAULT 1 CHECK (capacity >= 1),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tender_id, organization_id)
);
CREATE INDEX tender_bids_organization_idx ON tender_bids (organization_id);

CREATE TABLE tender_bid_team (
    bid_id            BIGINT NOT NULL REFERENCES tender_bids(id) ON DELETE CASCADE,
    social_worker_id  BIGINT NOT NULL REFERENCES social_workers(id),
    PRIMARY KEY (bid_id, social_worker_id)
);

CREATE TABLE tender_declarations (
    id            BIGSERIAL PRIMARY KEY,
    tender_id     BIGINT NOT NULL REFERENCES tenders(id),
    evaluator_id  BIGINT NOT NULL REFERENCES users(id),
    statement     TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tender_id, evaluator_id)
);

CREATE TABLE tender_declaration_conflicts (
    declaration_id   BIGINT NOT NULL REFERENCES tender_declarations(id) ON DELETE CASCADE,
    organization_id  BIGINT NOT NULL REFERENCES organizations(id),
    PRIMARY KEY (declaration_id, organization_id)
);

CREATE TABLE tender_scores (
    id            BIGSERIAL PRIMARY KEY,
    tender_id     BIGINT NOT NULL REFERENCES tenders(id),
    bid_id        BIGINT NOT NULL REFERENCES tender_bids(id),
    evaluator_id  BIGINT NOT NULL REFERENCES users(id),
    criterion_id  BIGINT NOT NULL REFERENCES tender_criteria(id),
    score         INTEGER NOT NULL CHECK (score >= 0 AND score <= 100),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (bid_id, evaluator_id, criterion_id)
);
CREATE INDEX tender_scores_tender_idx ON tender_scores (tender_id);

CREATE TABLE tender_results (
    id                    BIGSERIAL PRIMARY KEY,
    tender_id             BIGINT NOT NULL REFERENCES tenders(id),
    bid_id                BIGINT NOT NULL UNIQUE REFERENCES tender_bids(id),
    organization_id       BIGINT NOT NULL REFERENCES organizations(id),
    rank                  INTEGER NOT NULL CHECK (rank >= 1),
    score                 DOUBLE PRECISION NOT NULL,
    evaluators            INTEGER NOT NULL DEFAULT 0,
    won                   BOOLEAN NOT NULL DEFAULT FALSE,
    reason                TEXT NOT NULL CHECK (reason IN ('won', 'below_minimum', 'tender_full', 'organization_full', 'tender_and_organization_full')),
    above_org_ids         TEXT NOT NULL DEFAULT '[]',
    preferred_tender_ids  TEXT NOT NULL DEFAULT '[]',
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now()
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
