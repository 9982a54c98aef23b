-- +goose Up
-- Tasks, shifts, sign-ups, volunteer hours with provenance, resident evaluations and
-- per-community ranking profiles (issue 3: matching in the application).

CREATE TABLE tasks (
    id              BIGSERIAL PRIMARY KEY,
    community_id    BIGINT NOT NULL REFERENCES communities(id),
    grid_id         BIGINT REFERENCES grids(id),
    need_id         BIGINT REFERENCES needs(id),
    project_id      BIGINT REFERENCES projects(id),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    category        TEXT NOT NULL REFERENCES categories(code),
    lat             DOUBLE PRECISION,
    lng             DOUBLE PRECISION,
    headcount       INTEGER NOT NULL DEFAULT 1 CHECK (headcount >= 1),
    coordinator_id  BIGINT NOT NULL REFERENCES users(id),
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'cancelled')),
    created_by      BIGINT NOT NULL REFERENCES users(id),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (need_id IS NULL OR project_id IS NULL)
);
CREATE INDEX tasks_community_status_idx ON tasks (community_id, status);
CREATE INDEX tasks_need_idx ON tasks (need_id);
CREATE INDEX tasks_project_idx ON tasks (project_id);

CREATE TABLE task_skills (
    task_id  BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    skill    TEXT NOT NULL REFERENCES skills(code),
    PRIMARY KEY (task_id, skill)
);

CREATE TABLE shifts (
    id            BIGSERIAL PRIMARY KEY,
    task_id       BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    starts_at     TIMESTAMPTZ NOT NULL,
    ends_at       TIMESTAMPTZ NOT NULL,
    capacity      INTEGER NOT NULL CHECK (capacity >= 1),
    checkin_code  TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);
CREATE INDEX shifts_task_idx ON shifts (task_id, starts_at);
CREATE INDEX shifts_starts_idx ON shifts (starts_at);

CREATE TABLE signups (
    id              BIGSERIAL PRIMARY KEY,
    shift_id        BIGINT NOT NULL REFERENCES shifts(id) ON DELETE CASCADE,
    task_id         BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    volunteer_id    BIGINT NOT NULL REFERENCES volunteers(id),
    status          TEXT NOT NULL CHECK (status IN ('invited', 'signed_up', 'attended', 'no_show', 'cancelled')),
    source          TEXT NOT NULL DEFAULT 'self' CHECK (source IN ('self', 'invited', 'assigned')),
    invited_by      BIGINT REFERENCES users(id),
    checked_in_at   TIMESTAMPTZ,
    checked_out_at  TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (shift_id, volunteer_id)
);
CREATE INDEX signups_volunteer_idx ON signups (volunteer_id, status);
CREATE INDEX signups_task_idx ON signups (task_id);

CREATE TABLE hours_entries (
    id            BIGSERIAL PRIMARY KEY,
    volunteer_id  BIGINT NOT NULL REFERENCES volunteers(id),
    task_id       BIGINT REFERENCES tasks(id),
    shift_id      BIGINT REFERENCES shifts(id),
    signup_id     BIGINT REFERENCES signups(id),
    kind          TEXT NOT NULL CHECK (kind IN ('checkin', 'coordinator', 'self_report')),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    work_date     TIMESTAMPTZ NOT NULL,
    minutes       INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
    activity      TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    recorded_by   BIGINT NOT NULL REFERENCES users(id),
    decided_by    BIGINT REFERENCES users(id),
    decided_at    TIMESTAMPTZ,
    decision_note TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (kind <> 'coordinator' OR reason <> '')
);
CREATE INDEX hours_entries_volunteer_idx ON hours_entries (volunteer_id, work_date);
CREATE INDEX hours_entries_task_status_idx ON hours_entries (task_id, status);
CREATE UNIQUE INDEX hours_entries_signup_checkin_idx ON hours_entries (signup_id) WHERE kind = 'checkin';

CREATE TABLE evaluations (
    id            BIGSERIAL PRIMARY KEY,
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('volunteer', 'organization')),
    subject_id    BIGINT NOT NULL,
    community_id  BIGINT NOT NULL REFERENCES communities(id),
    author_id     BIGINT NOT NULL REFERENCES users(id),
    task_id       BIGINT REFERENCES tasks(id),
    stars         INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (subject_kind, subject_id, author_id)
);
CREATE INDEX evaluations_subject_idx ON evaluations (subject_kind, subject_id);

CREATE TABLE community_profiles (
    community_id  BIGINT PRIMARY KEY REFERENCES communities(id),
    profile       TEXT NOT NULL,
    updated_by    BIGINT NOT NULL REFERENCES users(id),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE community_profiles;
DROP TABLE evaluations;
DROP TABLE hours_entries;
DROP TABLE signups;
DROP TABLE shifts;
DROP TABLE task_skills;
DROP TABLE tasks;
