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

-- +goose Up
ALTER TABLE projects DROP CONSTRAINT projects_status_check;
UPDATE projects SET status = 'deliberating' WHERE status = 'submitted';
ALTER TABLE projects ADD CONSTRAINT projects_status_check CHECK (status IN
    ('draft', 'deliberating', 'voting', 'approved', 'rejected', 'lapsed', 'in_progress', 'completed', 'evaluated'));
ALTER TABLE projects
    ADD COLUMN on_behalf_name        TEXT NOT NULL DEFAULT '',
    ADD COLUMN on_behalf_phone       TEXT NOT NULL DEFAULT '',
    ADD COLUMN consent_method        TEXT NOT NULL DEFAULT '' CHECK (consent_method IN ('', 'verbal', 'written', 'phone')),
    ADD COLUMN consent_at            TIMESTAMPTZ,
    ADD COLUMN deliberation_ends_at  TIMESTAMPTZ,
    ADD COLUMN support_threshold     INTEGER NOT NULL DEFAULT 0 CHECK (support_threshold >= 0),
    ADD COLUMN supports_count        INTEGER NOT NULL DEFAULT 0 CHECK (supports_count >= 0),
    ADD COLUMN revision              INTEGER NOT NULL DEFAULT 0 CHECK (revision >= 0),
    ADD COLUMN vote_opened_at        TIMESTAMPTZ,
    ADD COLUMN vote_ends_at          TIMESTAMPTZ,
    ADD COLUMN vote_quorum           INTEGER NOT NULL DEFAULT 0 CHECK (vote_quorum >= 0),
    ADD COLUMN vote_majority         TEXT NOT NULL DEFAULT '',
    ADD COLUMN votes_yes             INTEGER NOT NULL DEFAULT 0 CHECK (votes_yes >= 0),
    ADD COLUMN votes_no              INTEGER NOT NULL DEFAULT 0 CHECK (votes_no >= 0),
    ADD COLUMN votes_abstain         INTEGER NOT NULL DEFAULT 0 CHECK (votes_abstain >= 0),
    ADD COLUMN decision_reason       TEXT NOT NULL DEFAULT '',
    ADD COLUMN decision_meeting_id   BIGINT,
    ADD COLUMN delivery              TEXT NOT NULL DEFAULT '' CHECK (delivery IN ('', 'organization', 'volunteers', 'tender')),
    ADD COLUMN funding               TEXT NOT NULL DEFAULT '' CHECK (funding IN ('', 'campaign', 'pool', 'budget_line')),
    ADD COLUMN funding_note          TEXT NOT NULL DEFAULT '',
    ADD COLUMN lapsed_at             TIMESTAMPTZ;
UPDATE projects SET deliberation_ends_at = submitted_at + INTERVAL '14 days', support_threshold = 10
    WHERE status = 'deliberating' AND submitted_at IS NOT NULL;
CREATE INDEX projects_deliberation_due_idx ON projects (deliberation_ends_at) WHERE status = 'deliberating';

-- Per-community rules of deliberation and voting; a community without a row uses the defaults.
CREATE TABLE project_settings (
    community_id       BIGINT PRIMARY KEY REFERENCES communities(id),
    deliberation_days  INTEGER NOT NULL DEFAULT 14 CHECK (deliberation_days BETWEEN 1 AND 365),
    support_threshold  INTEGER NOT NULL DEFAULT 10 CHECK (support_threshold BETWEEN 1 AND 100000),
    quorum             INTEGER NOT NULL DEFAULT 10 CHECK (quorum BETWEEN 1 AND 1000000),
    majority           TEXT NOT NULL DEFAULT 'simple' CHECK (majority IN ('simple', 'two_thirds')),
    vote_days          INTEGER NOT NULL DEFAULT 7 CHECK (vote_days BETWEEN 1 AND 90),
    updated_by         BIGINT REFERENCES users(id),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE project_supports (
    id          BIGSERIAL PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (project_id, user_id)
);

CREATE TABLE project_comments (
    id             BIGSERIAL PRIMARY KEY,
    project_id     BIGINT NOT NULL REFERENCES projects(id),
    parent_id      BIGINT REFERENCES project_comments(id),
    author_id      BIGINT NOT NULL REFERENCES users(id),
    body           TEXT NOT NULL,
    hidden_at      TIMESTAMPTZ,
    hidden_by      BIGINT REFERENCES users(id),
    hidden_reason  TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX project_comments_project_idx ON project_comments (project_id, id);

-- A revision keeps what a project said before an edit made after it was submitted.
CREATE TABLE project_revisions (
    id             BIGSERIAL PRIMARY KEY,
    project_id     BIGINT NOT NULL REFERENCES projects(id),
    revision       INTEGER NOT NULL,
    editor_id      BIGINT NOT NULL REFERENCES users(id),
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    category       TEXT NOT NULL,
    budget         BIGINT NOT NULL,
    beneficiaries  INTEGER NOT NULL,
    grid_id        BIGINT,
    note           TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (project_id, revision)
);

-- 议事会: a meeting of the community on an agenda of projects.
CREATE TABLE project_meetings (
    id            BIGSERIAL PRIMARY KEY,
    community_id  BIGINT NOT NULL REFERENCES communities(id),
    title         TEXT NOT NULL,
    starts_at     TIMESTAMPTZ NOT NULL,
    place         TEXT NOT NULL,
    minutes       TEXT NOT NULL DEFAULT '',
    created_by    BIGINT NOT NULL REFERENCES users(id),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX project_meetings_community_idx ON project_meetings (community_id, starts_at);
ALTER TABLE projects ADD CONSTRAINT projects_decision_meeting_fk FOREIGN KEY (decision_meeting_id) REFERENCES project_meetings(id);

CREATE TABLE project_meeting_items (
    meeting_id  BIGINT NOT NULL REFERENCES project_meetings(id),
    project_id  BIGINT NOT NULL REFERENCES projects(id),
    position    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (meeting_id, project_id)
);
CREATE INDEX project_meeting_items_project_idx ON project_meeting_items (project_id);

-- Attendance: a resident present, or represented by a worker (represented_by).
CREATE TABLE project_meeting_attendees (
    id              BIGSERIAL PRIMARY KEY,
    meeting_id      BIGINT NOT NULL REFERENCES project_meetings(id),
    user_id         BIGINT NOT NULL REFERENCES users(id),
    represented_by  BIGINT REFERENCES users(id),
    recorded_by     BIGINT NOT NULL REFERENCES users(id),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (meeting_id, user_id)
);

-- One vote per resident per project; a paper ballot becomes a vote once a second worker confirms it.
CREATE TABLE project_votes (
    id          BIGSERIAL PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    choice      TEXT NOT NULL CHECK (choice IN ('yes', 'no', 'abstain')),
    channel     TEXT NOT NULL DEFAULT 'online' CHECK (channel IN ('online', 'paper')),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (project_id, user_id)
);

CREATE TABLE project_paper_ballots (
    id            BIGSERIAL PRIMARY KEY,
    project_id    BIGINT NOT NULL REFERENCES projects(id),
    voter_id      BIGINT NOT NULL REFERENCES users(id),
    choice        TEXT NOT NULL CHECK (choice IN ('yes', 'no', 'abstain')),
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'discarded')),
    entered_by    BIGINT NOT NULL REFERENCES users(id),
    confirmed_by  BIGINT REFERENCES users(id),
    confirmed_at  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (confirmed_by IS NULL OR confirmed_by <> entered_by)
);
CREATE UNIQUE INDEX project_paper_ballots_pending_idx ON project_paper_ballots (project_id, voter_id) WHERE status = 'pending';

-- +goose Down
DROP TABLE project_paper_ballots;
DROP TABLE project_votes;
DROP TABLE project_meeting_attendees;
DROP TABLE project_meeting_items;
ALTER TABLE projects DROP CONSTRAINT projects_decision_meeting_fk;
DROP TABLE project_meetings;
DROP TABLE project_revisions;
DROP TABLE project_comments;
DROP TABLE project_supports;
DROP TABLE project_settings;
DROP INDEX projects_deliberation_due_idx;
ALTER TABLE projects
    DROP COLUMN on_behalf_name, DROP COLUMN on_behalf_phone, DROP COLUMN consent_method, DROP COLUMN consent_at,
    DROP COLUMN deliberation_ends_at, DROP COLUMN support_threshold, DROP COLUMN supports_count, DROP COLUMN revision,
    DROP COLUMN vote_opened_at, DROP COLUMN vote_ends_at, DROP COLUMN vote_quorum, DROP COLUMN vote_majority,
    DROP COLUMN votes_yes, DROP COLUMN votes_no, DROP COLUMN votes_abstain, DROP COLUMN decision_reason,
    DROP COLUMN decision_meeting_id, DROP COLUMN delivery, DROP COLUMN funding, DROP COLUMN funding_note, DROP COLUMN lapsed_at;
ALTER TABLE projects DROP CONSTRAINT projects_status_check;
UPDATE projects SET status = 'submitted' WHERE status IN ('deliberating', 'voting', 'lapsed');
UPDATE projects SET status = 'approved' WHERE status IN ('in_progress', 'completed', 'evaluated');
ALTER TABLE projects ADD CONSTRAINT projects_status_check CHECK (status IN ('draft', 'submitted', 'approved', 'rejected'));
