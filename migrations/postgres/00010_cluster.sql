-- Several `wushe serve` processes on one database (issue 16): what used to live in one
-- process's memory lives here, so it holds across processes and restarts.
--
-- job_runs: one row per background job. A process runs a job only after claiming the row
-- with one conditional statement: the last run started at least an interval ago and no other
-- process holds the lease. The lease is renewed while the job runs and released when it ends;
-- a process killed mid-run leaves a lease that expires, and the next due run goes to any
-- process. Times are Unix milliseconds, compared the same way on both databases.
--
-- rate_limits: attempts per key (a client address, an account) per minute, counted with one
-- upsert, so the login limit is the cluster's, not each process's.

-- +goose Up
CREATE TABLE job_runs (
    name         TEXT PRIMARY KEY,
    holder       TEXT NOT NULL,
    started_ms   BIGINT NOT NULL,
    lease_ms     BIGINT NOT NULL,
    finished_ms  BIGINT NOT NULL DEFAULT 0,
    runs         BIGINT NOT NULL DEFAULT 0 CHECK (runs >= 0),
    last_error   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE rate_limits (
    key        TEXT NOT NULL,
    window_ms  BIGINT NOT NULL,
    hits       INTEGER NOT NULL CHECK (hits >= 0),
    PRIMARY KEY (key, window_ms)
);
CREATE INDEX rate_limits_window_idx ON rate_limits (window_ms);

-- +goose Down
DROP TABLE rate_limits;
DROP TABLE job_runs;
