-- +goose Up
-- Tasks, shifts, sign-ups, volunteer hours with provenance, resident evaluations and
-- per-community ranking profiles (issue 3: matching in the application).

CREATE TABLE tasks (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id    INTEGER NOT NULL REFERENCES communities(id),
    grid_id         INTEGER REFERENCES grids(id),
    need_id         INTEGER REFERENCES needs(id),
    project_id      INTEGER REFERENCES projects(id),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    category        TEXT NOT NULL REFERENCES categories(code),
    lat             REAL,
    lng             REAL,
    headcount       INTEGER NOT NULL DEFAULT 1 CHECK (headcount >= 1),
    coordinator_id  INTEGER NOT NULL REFERENCES users(id),
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'cancelled')),
    created_by      INTEGER NOT NULL REFERENCES users(id),
    created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (need_id IS NULL OR project_id IS NULL)
);
CREATE INDEX tasks_community_status_idx ON tasks (community_id, status);
CREATE INDEX tasks_need_idx ON tasks (need_id);
CREATE INDEX tasks_project_idx ON tasks (project_id);

CREATE TABLE task_skills (
    task_id  INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    skill    TEXT NOT NULL REFERENCES skills(code),
    PRIMARY KEY (task_id, skill)
);

CREATE TABLE shifts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id       INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    starts_at     DATETIME NOT NULL,
    ends_at       DATETIME NOT NULL,
    capacity      INTEGER NOT NULL CHECK (capacity >= 1),
    checkin_code  TEXT NOT NULL,
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (ends_at > starts_at)
);
CREATE INDEX shifts_task_idx ON shifts (task_id, starts_at);
CREATE INDEX shifts_starts_idx ON shifts (starts_at);

CREATE TABLE signups (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    shift_id        INTEGER NOT NULL REFERENCES shifts(id) ON DELETE CASCADE,
    task_id         INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    volunteer_id    INTEGER NOT NULL REFERENCES volunteers(id),
    status          TEXT NOT NULL CHECK (status IN ('invited', 'signed_up', 'attended', 'no_show', 'cancelled')),
    source          TEXT NOT NULL DEFAULT 'self' CHECK (source IN ('self', 'invited', 'assigned')),
    invited_by      INTEGER REFERENCES users(id),
    checked_in_at   DATETIME,
    checked_out_at  DATETIME,
    created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (shift_id, volunteer_id)
);
CREATE INDEX signups_volunteer_idx ON signups (volunteer_id, status);
CREATE INDEX signups_task_idx ON signups (task_id);

CREATE TABLE hours_entries (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers(id),
    task_id       INTEGER REFERENCES tasks(id),
    shift_id      INTEGER REFERENCES shifts(id),
    signup_id     INTEGER REFERENCES signups(id),
    kind          TEXT NOT NULL CHECK (kind IN ('checkin', 'coordinator', 'self_report')),
    status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    work_date     DATETIME NOT NULL,
    minutes       INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
    activity      TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    recorded_by   INTEGER NOT NULL REFERENCES users(id),
    decided_by    INTEGER REFERENCES users(id),
    decided_at    DATETIME,
    decision_note TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (kind <> 'coordinator' OR reason <> '')
);
CREATE INDEX hours_entries_volunteer_idx ON hours_entries (volunteer_id, work_date);
CREATE INDEX hours_entries_task_status_idx ON hours_entries (task_id, status);
CREATE UNIQUE INDEX hours_entries_signup_checkin_idx ON hours_entries (signup_id) WHERE kind = 'checkin';

CREATE TABLE evaluations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('volunteer', 'organization')),
    subject_id    INTEGER NOT NULL,
    community_id  INTEGER NOT NULL REFERENCES communities(id),
    author_id     INTEGER NOT NULL REFERENCES users(id),
    task_id       INTEGER REFERENCES tasks(id),
    stars         INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment       TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (subject_kind, subject_id, author_id)
);
CREATE INDEX evaluations_subject_idx ON evaluations (subject_kind, subject_id);

CREATE TABLE community_profiles (
    community_id  INTEGER PRIMARY KEY REFERENCES communities(id),
    profile       TEXT NOT NULL,
    updated_by    INTEGER NOT NULL REFERENCES users(id),
    updated_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- +goose Down
DROP TABLE community_profiles;
DROP TABLE evaluations;
DROP TABLE hours_entries;
DROP TABLE signups;
DROP TABLE shifts;
DROP TABLE task_skills;
DROP TABLE tasks;
