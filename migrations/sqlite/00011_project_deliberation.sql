-- Micro-projects, steps 1–3 of 友邻六事法 (issue 11): propose (提事), deliberate (议事), decide
-- (定事). A submitted project is now "deliberating" (the old "submitted" rows move there), and
-- can be "voting" or "lapsed". The status CHECK lists every status of the six steps, so the
-- later steps only add code, not another table rebuild on SQLite.
--
-- Counters on projects (supports_count, votes_*) are kept by the same transaction that inserts
-- the support or vote, with an atomic increment, so lists read them without a join per row.
-- Rules are snapshotted: the support threshold and deadline when deliberation starts, quorum,
-- majority and window when the vote opens, so a later change of the community's settings never
-- moves a running deliberation or vote.

-- SQLite cannot change a CHECK in place, so projects is rebuilt the documented way (foreign
-- keys off, new table, copy, drop, rename, indexes), as 00008 does.

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN;

-- Per-community rules of deliberation and voting; a community without a row uses the defaults.
CREATE TABLE project_settings (
    community_id       INTEGER PRIMARY KEY REFERENCES communities(id),
    deliberation_days  INTEGER NOT NULL DEFAULT 14 CHECK (deliberation_days BETWEEN 1 AND 365),
    support_threshold  INTEGER NOT NULL DEFAULT 10 CHECK (support_threshold BETWEEN 1 AND 100000),
    quorum             INTEGER NOT NULL DEFAULT 10 CHECK (quorum BETWEEN 1 AND 1000000),
    majority           TEXT NOT NULL DEFAULT 'simple' CHECK (majority IN ('simple', 'two_thirds')),
    vote_days          INTEGER NOT NULL DEFAULT 7 CHECK (vote_days BETWEEN 1 AND 90),
    updated_by         INTEGER REFERENCES users(id),
    updated_at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE project_supports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (project_id, user_id)
);

CREATE TABLE project_comments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id     INTEGER NOT NULL REFERENCES projects(id),
    parent_id      INTEGER REFERENCES project_comments(id),
    author_id      INTEGER NOT NULL REFERENCES users(id),
    body           TEXT NOT NULL,
    hidden_at      DATETIME,
    hidden_by      INTEGER REFERENCES users(id),
    hidden_reason  TEXT NOT NULL DEFAULT '',
    created_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX project_comments_project_idx ON project_comments (project_id, id);

-- A revision keeps what a project said before an edit made after it was submitted.
CREATE TABLE project_revisions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id     INTEGER NOT NULL REFERENCES projects(id),
    revision       INTEGER NOT NULL,
    editor_id      INTEGER NOT NULL REFERENCES users(id),
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    category       TEXT NOT NULL,
    budget         INTEGER NOT NULL,
    beneficiaries  INTEGER NOT NULL,
    grid_id        INTEGER,
    note           TEXT NOT NULL DEFAULT '',
    created_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (project_id, revision)
);

-- 议事会: a meeting of the community on an agenda of projects.
CREATE TABLE project_meetings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    title         TEXT NOT NULL,
    starts_at     DATETIME NOT NULL,
    place         TEXT NOT NULL,
    minutes       TEXT NOT NULL DEFAULT '',
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX project_meetings_community_idx ON project_meetings (community_id, starts_at);

CREATE TABLE project_meeting_items (
    meeting_id  INTEGER NOT NULL REFERENCES project_meetings(id),
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    position    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (meeting_id, project_id)
);
CREATE INDEX project_meeting_items_project_idx ON project_meeting_items (project_id);

-- Attendance: a resident present, or represented by a worker (represented_by).
CREATE TABLE project_meeting_attendees (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id      INTEGER NOT NULL REFERENCES project_meetings(id),
    user_id         INTEGER NOT NULL REFERENCES users(id),
    represented_by  INTEGER REFERENCES users(id),
    recorded_by     INTEGER NOT NULL REFERENCES users(id),
    created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (meeting_id, user_id)
);

-- One vote per resident per project; a paper ballot becomes a vote once a second worker confirms it.
CREATE TABLE project_votes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    choice      TEXT NOT NULL CHECK (choice IN ('yes', 'no', 'abstain')),
    channel     TEXT NOT NULL DEFAULT 'online' CHECK (channel IN ('online', 'paper')),
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (project_id, user_id)
);

CREATE TABLE project_paper_ballots (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id    INTEGER NOT NULL REFERENCES projects(id),
    voter_id      INTEGER NOT NULL REFERENCES users(id),
    choice        TEXT NOT NULL CHECK (choice IN ('yes', 'no', 'abstain')),
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'discarded')),
    entered_by    INTEGER NOT NULL REFERENCES users(id),
    confirmed_by  INTEGER REFERENCES users(id),
    confirmed_at  DATETIME,
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (confirmed_by IS NULL OR confirmed_by <> entered_by)
);
CREATE UNIQUE INDEX project_paper_ballots_pending_idx ON project_paper_ballots (project_id, voter_id) WHERE status = 'pending';


CREATE TABLE projects_new (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id          INTEGER NOT NULL REFERENCES communities(id),
    grid_id               INTEGER REFERENCES grids(id),
    proposer_id           INTEGER NOT NULL REFERENCES users(id),
    organization_id       INTEGER REFERENCES organizations(id),
    title                 TEXT NOT NULL,
    description           TEXT NOT NULL DEFAULT '',
    category              TEXT NOT NULL REFERENCES categories(code),
    budget                INTEGER NOT NULL DEFAULT 0 CHECK (budget >= 0),
    currency              TEXT NOT NULL DEFAULT 'CNY',
    beneficiaries         INTEGER NOT NULL DEFAULT 0 CHECK (beneficiaries >= 0),
    status                TEXT NOT NULL DEFAULT 'draft' CHECK (status IN
        ('draft', 'deliberating', 'voting', 'approved', 'rejected', 'lapsed', 'in_progress', 'completed', 'evaluated')),
    decision_note         TEXT NOT NULL DEFAULT '',
    decided_by            INTEGER REFERENCES users(id),
    decided_at            DATETIME,
    submitted_at          DATETIME,
    created_at            DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at            DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    on_behalf_name        TEXT NOT NULL DEFAULT '',
    on_behalf_phone       TEXT NOT NULL DEFAULT '',
    consent_method        TEXT NOT NULL DEFAULT '' CHECK (consent_method IN ('', 'verbal', 'written', 'phone')),
    consent_at            DATETIME,
    deliberation_ends_at  DATETIME,
    support_threshold     INTEGER NOT NULL DEFAULT 0 CHECK (support_threshold >= 0),
    supports_count        INTEGER NOT NULL DEFAULT 0 CHECK (supports_count >= 0),
    revision              INTEGER NOT NULL DEFAULT 0 CHECK (revision >= 0),
    vote_opened_at        DATETIME,
    vote_ends_at          DATETIME,
    vote_quorum           INTEGER NOT NULL DEFAULT 0 CHECK (vote_quorum >= 0),
    vote_majority         TEXT NOT NULL DEFAULT '',
    votes_yes             INTEGER NOT NULL DEFAULT 0 CHECK (votes_yes >= 0),
    votes_no              INTEGER NOT NULL DEFAULT 0 CHECK (votes_no >= 0),
    votes_abstain         INTEGER NOT NULL DEFAULT 0 CHECK (votes_abstain >= 0),
    decision_reason       TEXT NOT NULL DEFAULT '',
    decision_meeting_id   INTEGER REFERENCES project_meetings(id),
    delivery              TEXT NOT NULL DEFAULT '' CHECK (delivery IN ('', 'organization', 'volunteers', 'tender')),
    funding               TEXT NOT NULL DEFAULT '' CHECK (funding IN ('', 'campaign', 'pool', 'budget_line')),
    funding_note          TEXT NOT NULL DEFAULT '',
    lapsed_at             DATETIME
);
INSERT INTO projects_new (id, community_id, grid_id, proposer_id, organization_id, title, description, category, budget, currency, beneficiaries, status, decision_note, decided_by, decided_at, submitted_at, created_at, updated_at, deliberation_ends_at, support_threshold)
SELECT id, community_id, grid_id, proposer_id, organization_id, title, description, category, budget, currency, beneficiaries,
       CASE status WHEN 'submitted' THEN 'deliberating' ELSE status END, decision_note, decided_by, decided_at, submitted_at, created_at, updated_at,
       CASE WHEN status = 'submitted' AND submitted_at IS NOT NULL THEN datetime(submitted_at, '+14 days') END,
       CASE WHEN status = 'submitted' THEN 10 ELSE 0 END
FROM projects;
DELETE FROM sqlite_sequence WHERE name = 'projects_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'projects_new', seq FROM sqlite_sequence WHERE name = 'projects';
DROP TABLE projects;
ALTER TABLE projects_new RENAME TO projects;
CREATE INDEX projects_community_status_idx ON projects (community_id, status);
CREATE INDEX projects_proposer_idx ON projects (proposer_id);
CREATE INDEX projects_deliberation_due_idx ON projects (deliberation_ends_at) WHERE status = 'deliberating';

COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN;
DROP TABLE project_paper_ballots;
DROP TABLE project_votes;
DROP TABLE project_meeting_attendees;
DROP TABLE project_meeting_items;
DROP TABLE project_revisions;
DROP TABLE project_comments;
DROP TABLE project_supports;
DROP TABLE project_settings;
CREATE TABLE projects_old (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id     INTEGER NOT NULL REFERENCES communities(id),
    grid_id          INTEGER REFERENCES grids(id),
    proposer_id      INTEGER NOT NULL REFERENCES users(id),
    organization_id  INTEGER REFERENCES organizations(id),
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    category         TEXT NOT NULL REFERENCES categories(code),
    budget           INTEGER NOT NULL DEFAULT 0 CHECK (budget >= 0),
    currency         TEXT NOT NULL DEFAULT 'CNY',
    beneficiaries    INTEGER NOT NULL DEFAULT 0 CHECK (beneficiaries >= 0),
    status           TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved', 'rejected')),
    decision_note    TEXT NOT NULL DEFAULT '',
    decided_by       INTEGER REFERENCES users(id),
    decided_at       DATETIME,
    submitted_at     DATETIME,
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO projects_old (id, community_id, grid_id, proposer_id, organization_id, title, description, category, budget, currency, beneficiaries, status, decision_note, decided_by, decided_at, submitted_at, created_at, updated_at)
SELECT id, community_id, grid_id, proposer_id, organization_id, title, description, category, budget, currency, beneficiaries,
       CASE WHEN status IN ('deliberating', 'voting', 'lapsed') THEN 'submitted' WHEN status IN ('in_progress', 'completed', 'evaluated') THEN 'approved' ELSE status END,
       decision_note, decided_by, decided_at, submitted_at, created_at, updated_at
FROM projects;
DELETE FROM sqlite_sequence WHERE name = 'projects_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'projects_old', seq FROM sqlite_sequence WHERE name = 'projects';
DROP TABLE projects;
ALTER TABLE projects_old RENAME TO projects;
CREATE INDEX projects_community_status_idx ON projects (community_id, status);
CREATE INDEX projects_proposer_idx ON projects (proposer_id);
DROP TABLE project_meetings;
COMMIT;
PRAGMA foreign_keys = ON;
