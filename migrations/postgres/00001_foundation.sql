-- Foundation: the registry of communities and the five parties, accounts, needs, projects, audit.

-- +goose Up
CREATE TABLE streets (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    district    TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (city, district, name)
);

CREATE TABLE communities (
    id               BIGSERIAL PRIMARY KEY,
    street_id        BIGINT NOT NULL REFERENCES streets(id),
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('urban', 'rural', 'merged', 'urban_village')),
    households       INTEGER NOT NULL DEFAULT 0 CHECK (households >= 0),
    population       INTEGER NOT NULL DEFAULT 0 CHECK (population >= 0),
    lat              DOUBLE PRECISION,
    lng              DOUBLE PRECISION,
    address          TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL DEFAULT '',
    sla_minor_hours  INTEGER CHECK (sla_minor_hours > 0),
    sla_major_hours  INTEGER NOT NULL DEFAULT 24 CHECK (sla_major_hours > 0),
    sla_hard_hours   INTEGER NOT NULL DEFAULT 168 CHECK (sla_hard_hours > 0),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (street_id, name)
);
CREATE INDEX communities_kind_idx ON communities (kind);

CREATE TABLE users (
    id             BIGSERIAL PRIMARY KEY,
    email          TEXT UNIQUE,
    mobile         TEXT UNIQUE,
    name           TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    locale         TEXT NOT NULL DEFAULT 'zh-CN',
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    last_login_at  TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (email IS NOT NULL OR mobile IS NOT NULL)
);

CREATE TABLE grids (
    id            BIGSERIAL PRIMARY KEY,
    community_id  BIGINT NOT NULL REFERENCES communities(id),
    name          TEXT NOT NULL,
    code          TEXT NOT NULL DEFAULT '',
    level         TEXT NOT NULL CHECK (level IN ('routine', 'prevention', 'focus', 'remediation')),
    households    INTEGER NOT NULL DEFAULT 0 CHECK (households >= 0),
    worker_id     BIGINT REFERENCES users(id),
    lat           DOUBLE PRECISION,
    lng           DOUBLE PRECISION,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (community_id, name)
);
CREATE INDEX grids_worker_idx ON grids (worker_id);

CREATE TABLE categories (
    code        TEXT PRIMARY KEY,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    sort_order  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE skills (
    code           TEXT PRIMARY KEY,
    name_zh        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    category_code  TEXT REFERENCES categories(code),
    sort_order     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE organizations (
    id                   BIGSERIAL PRIMARY KEY,
    name                 TEXT NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('social_org', 'merchant', 'unit', 'foundation')),
    registration_number  TEXT NOT NULL DEFAULT '',
    street_id            BIGINT REFERENCES streets(id),
    community_id         BIGINT REFERENCES communities(id),
    address              TEXT NOT NULL DEFAULT '',
    lat                  DOUBLE PRECISION,
    lng                  DOUBLE PRECISION,
    contact_name         TEXT NOT NULL DEFAULT '',
    contact_phone        TEXT NOT NULL DEFAULT '',
    description          TEXT NOT NULL DEFAULT '',
    verified             BOOLEAN NOT NULL DEFAULT FALSE,
    verified_at          TIMESTAMPTZ,
    verified_by          BIGINT REFERENCES users(id),
    created_by           BIGINT REFERENCES users(id),
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organizations_registration_idx ON organizations (registration_number) WHERE registration_number <> '';
CREATE INDEX organizations_community_idx ON organizations (community_id);
CREATE INDEX organizations_kind_idx ON organizations (kind, verified);

CREATE TABLE organization_categories (
    organization_id  BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    category         TEXT NOT NULL REFERENCES categories(code),
    PRIMARY KEY (organization_id, category)
);
CREATE INDEX organization_categories_category_idx ON organization_categories (category);

CREATE TABLE organization_areas (
    organization_id  BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    community_id     BIGINT NOT NULL REFERENCES communities(id),
    PRIMARY KEY (organization_id, community_id)
);
CREATE INDEX organization_areas_community_idx ON organization_areas (community_id);

CREATE TABLE memberships (
    id               BIGSERIAL PRIMARY KEY,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('resident', 'volunteer', 'org_member', 'donor', 'grid_worker',
                         'community_worker', 'committee_member', 'civil_affairs_officer', 'admin')),
    street_id        BIGINT REFERENCES streets(id),
    community_id     BIGINT REFERENCES communities(id),
    grid_id          BIGINT REFERENCES grids(id),
    organization_id  BIGINT REFERENCES organizations(id),
    granted_by       BIGINT REFERENCES users(id),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((CASE WHEN street_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN community_id IS NULL THEN 0 ELSE 1 END)
           + (CASE WHEN grid_id IS NULL THEN 0 ELSE 1 END) <= 1)
);
CREATE UNIQUE INDEX memberships_unique_idx ON memberships (user_id, role, COALESCE(street_id, 0),
    COALESCE(community_id, 0), COALESCE(grid_id, 0), COALESCE(organization_id, 0));
CREATE INDEX memberships_community_idx ON memberships (community_id, role);

CREATE TABLE sessions (
    token   TEXT PRIMARY KEY,
    data    BYTEA NOT NULL,
    expiry  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

CREATE TABLE api_tokens (
    id            BIGSERIAL PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash    TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at  TIMESTAMPTZ,
    expires_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE needs (
    id                BIGSERIAL PRIMARY KEY,
    community_id      BIGINT NOT NULL REFERENCES communities(id),
    grid_id           BIGINT NOT NULL REFERENCES grids(id),
    requester_id      BIGINT REFERENCES users(id),
    filed_by_id       BIGINT NOT NULL REFERENCES users(id),
    on_behalf_name    TEXT NOT NULL DEFAULT '',
    on_behalf_phone   TEXT NOT NULL DEFAULT '',
    consent_method    TEXT NOT NULL DEFAULT '' CHECK (consent_method IN ('', 'verbal', 'written', 'phone')),
    consent_at        TIMESTAMPTZ,
    category          TEXT NOT NULL REFERENCES categories(code),
    tier              TEXT NOT NULL CHECK (tier IN ('minor', 'major', 'hard')),
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    address           TEXT NOT NULL DEFAULT '',
    privacy           TEXT NOT NULL DEFAULT 'private' CHECK (privacy IN ('public', 'private')),
    window_start      TIMESTAMPTZ,
    window_end        TIMESTAMPTZ,
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'resolved', 'closed', 'withdrawn')),
    escalation_level  TEXT NOT NULL DEFAULT 'grid' CHECK (escalation_level IN ('grid', 'community', 'street')),
    due_at            TIMESTAMPTZ NOT NULL,
    escalate_at       TIMESTAMPTZ,
    escalated_at      TIMESTAMPTZ,
    assignee_id       BIGINT REFERENCES users(id),
    resolution        TEXT NOT NULL DEFAULT '',
    resolved_at       TIMESTAMPTZ,
    closed_at         TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (window_end IS NULL OR window_start IS NULL OR window_end > window_start)
);
CREATE INDEX needs_grid_status_idx ON needs (grid_id, status, due_at);
CREATE INDEX needs_community_status_idx ON needs (community_id, status, due_at);
CREATE INDEX needs_escalate_idx ON needs (escalate_at) WHERE escalate_at IS NOT NULL;
CREATE INDEX needs_requester_idx ON needs (requester_id);

CREATE TABLE social_workers (
    id                   BIGSERIAL PRIMARY KEY,
    organization_id      BIGINT REFERENCES organizations(id),
    user_id              BIGINT REFERENCES users(id),
    name                 TEXT NOT NULL,
    certification_level  TEXT NOT NULL CHECK (certification_level IN ('assistant', 'social_worker', 'senior', 'supervisor')),
    certificate_number   TEXT NOT NULL DEFAULT '',
    supervisor_id        BIGINT REFERENCES social_workers(id),
    community_id         BIGINT REFERENCES communities(id),
    mobile               TEXT NOT NULL DEFAULT '',
    years_experience     INTEGER NOT NULL DEFAULT 0 CHECK (years_experience >= 0),
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX social_workers_organization_idx ON social_workers (organization_id);
CREATE INDEX social_workers_community_idx ON social_workers (community_id);

CREATE TABLE social_worker_categories (
    social_worker_id  BIGINT NOT NULL REFERENCES social_workers(id) ON DELETE CASCADE,
    category          TEXT NOT NULL REFERENCES categories(code),
    PRIMARY KEY (social_worker_id, category)
);

CREATE TABLE volunteers (
    id                  BIGSERIAL PRIMARY KEY,
    user_id             BIGINT UNIQUE REFERENCES users(id),
    name                TEXT NOT NULL,
    mobile              TEXT NOT NULL DEFAULT '',
    community_id        BIGINT NOT NULL REFERENCES communities(id),
    grid_id             BIGINT REFERENCES grids(id),
    organization_id     BIGINT REFERENCES organizations(id),
    lat                 DOUBLE PRECISION,
    lng                 DOUBLE PRECISION,
    availability        TEXT NOT NULL DEFAULT '',
    max_hours_per_week  INTEGER NOT NULL DEFAULT 4 CHECK (max_hours_per_week >= 0 AND max_hours_per_week <= 168),
    bio                 TEXT NOT NULL DEFAULT '',
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX volunteers_community_idx ON volunteers (community_id, grid_id);

CREATE TABLE volunteer_skills (
    volunteer_id  BIGINT NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    skill         TEXT NOT NULL REFERENCES skills(code),
    PRIMARY KEY (volunteer_id, skill)
);
CREATE INDEX volunteer_skills_skill_idx ON volunteer_skills (skill);

CREATE TABLE donors (
    id                 BIGSERIAL PRIMARY KEY,
    user_id            BIGINT REFERENCES users(id),
    kind               TEXT NOT NULL CHECK (kind IN ('resident', 'merchant', 'unit', 'foundation')),
    name               TEXT NOT NULL,
    organization_id    BIGINT REFERENCES organizations(id),
    community_id       BIGINT REFERENCES communities(id),
    mobile             TEXT NOT NULL DEFAULT '',
    anonymous_default  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX donors_community_idx ON donors (community_id, kind);
CREATE INDEX donors_user_idx ON donors (user_id);

CREATE TABLE donor_interests (
    donor_id  BIGINT NOT NULL REFERENCES donors(id) ON DELETE CASCADE,
    category  TEXT NOT NULL REFERENCES categories(code),
    PRIMARY KEY (donor_id, category)
);

CREATE TABLE projects (
    id               BIGSERIAL PRIMARY KEY,
    community_id     BIGINT NOT NULL REFERENCES communities(id),
    grid_id          BIGINT REFERENCES grids(id),
    proposer_id      BIGINT NOT NULL REFERENCES users(id),
    organization_id  BIGINT REFERENCES organizations(id),
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    category         TEXT NOT NULL REFERENCES categories(code),
    budget           BIGINT NOT NULL DEFAULT 0 CHECK (budget >= 0),
    currency         TEXT NOT NULL DEFAULT 'CNY',
    beneficiaries    INTEGER NOT NULL DEFAULT 0 CHECK (beneficiaries >= 0),
    status           TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved', 'rejected')),
    decision_note    TEXT NOT NULL DEFAULT '',
    decided_by       BIGINT REFERENCES users(id),
    decided_at       TIMESTAMPTZ,
    submitted_at     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX projects_community_status_idx ON projects (community_id, status);
CREATE INDEX projects_proposer_idx ON projects (proposer_id);

CREATE TABLE audit_events (
    id            BIGSERIAL PRIMARY KEY,
    occurred_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor_id      BIGINT REFERENCES users(id),
    action        TEXT NOT NULL,
    subject_type  TEXT NOT NULL,
    subject_id    BIGINT NOT NULL,
    community_id  BIGINT REFERENCES communities(id),
    data          TEXT NOT NULL DEFAULT '{}',
    ip            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_subject_idx ON audit_events (subject_type, subject_id, id);
CREATE INDEX audit_events_community_idx ON audit_events (community_id, id);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE projects;
DROP TABLE donor_interests;
DROP TABLE donors;
DROP TABLE volunteer_skills;
DROP TABLE volunteers;
DROP TABLE social_worker_categories;
DROP TABLE social_workers;
DROP TABLE needs;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE memberships;
DROP TABLE organization_areas;
DROP TABLE organization_categories;
DROP TABLE organizations;
DROP TABLE skills;
DROP TABLE categories;
DROP TABLE grids;
DROP TABLE users;
DROP TABLE communities;
DROP TABLE streets;
