-- Notifications (issue 13): what happened, told to the people it concerns.
--
-- notifications: one row per cause, recipient and kind, written in the same transaction as the
-- cause (an audit event, a reminder, a digest). The unique key makes a second write of the same
-- notification a no-op, so jobs in several processes, or a run restarted mid-way, never tell
-- anyone twice. The in-app inbox reads this table; title and body are rendered from kind and
-- params in the reader's language.
-- email_state says where its e-mail is: none (e-mail off, no address), queued (a row in
-- email_outbox), digest (waiting for the user's daily digest), digested (in one).
--
-- notification_prefs: per user and kind, e-mail on/off and digest instead of each e-mail. No
-- row means the defaults (e-mail on, no digest). The in-app inbox is always on.
-- notification_settings: per user, quiet hours in local minutes after midnight (no e-mail is
-- sent between start and end; it waits until the end).
--
-- email_outbox: one e-mail per key (a notification, or a user's digest of a day). A worker
-- claims due rows with a lease (SKIP LOCKED), sends, and marks them sent; a failure counts an
-- attempt and waits with exponential backoff; after the last attempt the row is failed.
--
-- app_secrets: keys the application generates once and every process shares (the signing
-- key of unsubscribe links).

-- +goose Up
CREATE TABLE notifications (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    cause         TEXT NOT NULL,
    params        TEXT NOT NULL DEFAULT '{}',
    link          TEXT NOT NULL DEFAULT '',
    community_id  INTEGER REFERENCES communities(id),
    email_state   TEXT NOT NULL DEFAULT 'none' CHECK (email_state IN ('none', 'queued', 'digest', 'digested')),
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    read_at       DATETIME,
    UNIQUE (cause, user_id, kind)
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_digest_idx ON notifications (user_id, id) WHERE email_state = 'digest';

CREATE TABLE notification_prefs (
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    email    BOOLEAN NOT NULL DEFAULT 1,
    digest   BOOLEAN NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, kind)
);

CREATE TABLE notification_settings (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    quiet_start  INTEGER CHECK (quiet_start BETWEEN 0 AND 1439),
    quiet_end    INTEGER CHECK (quiet_end BETWEEN 0 AND 1439),
    updated_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE email_outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    key              TEXT NOT NULL UNIQUE,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    notification_id  INTEGER REFERENCES notifications(id) ON DELETE CASCADE,
    -- a digest's notifications, as a JSON array of ids
    digest_ids       TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  DATETIME NOT NULL,
    locked_until     DATETIME,
    sent_at          DATETIME,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at, id) WHERE status = 'pending';

CREATE TABLE app_secrets (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- +goose Down
DROP TABLE app_secrets;
DROP TABLE email_outbox;
DROP TABLE notification_settings;
DROP TABLE notification_prefs;
DROP TABLE notifications;
