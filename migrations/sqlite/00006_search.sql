-- Search: the transactional outbox that keeps the search engine in step with the database.
-- Every write of an indexed record adds a row here in the same transaction; a worker in
-- `wushe serve` reads the record's current state, updates or deletes its document, and
-- deletes the row. A failed attempt stays, with its count, error and next try. Workers claim
-- rows with a short lease so that several processes do not apply the same rows.

-- +goose Up
CREATE TABLE search_outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_type         TEXT NOT NULL,
    doc_id           INTEGER NOT NULL CHECK (doc_id > 0),
    enqueued_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_error       TEXT NOT NULL DEFAULT '',
    -- a worker's lease: other workers skip the row until then (several serve processes)
    locked_until     DATETIME
);
CREATE INDEX search_outbox_due_idx ON search_outbox (next_attempt_at, id);

-- +goose Down
DROP TABLE search_outbox;
