-- Project delivery (issue 11, steps 4–6: 办事 do, 晒事 publish, 评事 evaluate): a project is
-- linked to the campaigns, tasks and tenders that deliver it, carries a delivery plan
-- (milestones), progress updates and a completion report, and is rated by the residents of
-- its community for a window after completion. Residents also rate their own resolved needs
-- (满意度回访). Evaluations of organizations and volunteers record what served the author.
-- Migration 00011 already lets a project's status take every status of the six steps.

-- +goose Up
ALTER TABLE tenders ADD COLUMN project_id BIGINT REFERENCES projects(id);
CREATE INDEX tenders_project_idx ON tenders (project_id);
CREATE INDEX ledger_entries_campaign_idx ON ledger_entries (campaign_id);
CREATE INDEX projects_organization_idx ON projects (organization_id);

ALTER TABLE evaluations ADD COLUMN need_id BIGINT REFERENCES needs(id);
ALTER TABLE evaluations ADD COLUMN project_id BIGINT REFERENCES projects(id);

CREATE TABLE project_deliveries (
    project_id          BIGINT PRIMARY KEY REFERENCES projects(id),
    percent_done        INTEGER NOT NULL DEFAULT 0 CHECK (percent_done BETWEEN 0 AND 100),
    started_at          TIMESTAMPTZ,
    completed_at        TIMESTAMPTZ,
    completed_by        BIGINT REFERENCES users(id),
    completion_report   TEXT NOT NULL DEFAULT '',
    completion_evidence TEXT NOT NULL DEFAULT '[]',
    rating_ends_at      TIMESTAMPTZ,
    evaluated_at        TIMESTAMPTZ,
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX project_deliveries_rating_ends_idx ON project_deliveries (rating_ends_at) WHERE evaluated_at IS NULL;

CREATE TABLE project_milestones (
    id          BIGSERIAL PRIMARY KEY,
    project_id  BIGINT NOT NULL REFERENCES projects(id),
    title       TEXT NOT NULL,
    due_on      TIMESTAMPTZ NOT NULL,
    reached_at  TIMESTAMPTZ,
    created_by  BIGINT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX project_milestones_project_idx ON project_milestones (project_id, due_on);

CREATE TABLE project_updates (
    id            BIGSERIAL PRIMARY KEY,
    project_id    BIGINT NOT NULL REFERENCES projects(id),
    author_id     BIGINT NOT NULL REFERENCES users(id),
    kind          TEXT NOT NULL CHECK (kind IN ('update', 'completion')),
    text          TEXT NOT NULL,
    photos        TEXT NOT NULL DEFAULT '[]',
    milestone_id  BIGINT REFERENCES project_milestones(id),
    percent_done  INTEGER CHECK (percent_done BETWEEN 0 AND 100),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX project_updates_project_idx ON project_updates (project_id, id);

CREATE TABLE project_ratings (
    id            BIGSERIAL PRIMARY KEY,
    project_id    BIGINT NOT NULL REFERENCES projects(id),
    community_id  BIGINT NOT NULL REFERENCES communities(id),
    author_id     BIGINT NOT NULL REFERENCES users(id),
    outcome       SMALLINT NOT NULL CHECK (outcome BETWEEN 1 AND 5),
    timeliness    SMALLINT NOT NULL CHECK (timeliness BETWEEN 1 AND 5),
    value         SMALLINT NOT NULL CHECK (value BETWEEN 1 AND 5),
    comment       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (project_id, author_id)
);
CREATE INDEX project_ratings_community_idx ON project_ratings (community_id);

CREATE TABLE need_ratings (
    id           BIGSERIAL PRIMARY KEY,
    need_id      BIGINT NOT NULL REFERENCES needs(id),
    author_id    BIGINT NOT NULL REFERENCES users(id),
    resolved_at  TIMESTAMPTZ NOT NULL,
    stars        SMALLINT NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment      TEXT NOT NULL DEFAULT '',
    reopened     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (need_id, resolved_at)
);

-- +goose Down
DROP TABLE need_ratings;
DROP TABLE project_ratings;
DROP TABLE project_updates;
DROP TABLE project_milestones;
DROP TABLE project_deliveries;
ALTER TABLE evaluations DROP COLUMN project_id;
ALTER TABLE evaluations DROP COLUMN need_id;
DROP INDEX projects_organization_idx;
DROP INDEX ledger_entries_campaign_idx;
ALTER TABLE tenders DROP COLUMN project_id;
