-- Wrong check-in codes: each row is one wrong 6-digit code typed by a volunteer for a shift.
-- The application refuses further codes once a volunteer, or a shift, has too many recent rows,
-- so the code cannot be guessed. Kept in the database so the limit holds across restarts and
-- several server instances; rows older than a day are deleted as new ones are written.

-- +goose Up
CREATE TABLE checkin_attempts (
    id            BIGSERIAL PRIMARY KEY,
    shift_id      BIGINT NOT NULL REFERENCES shifts(id) ON DELETE CASCADE,
    volunteer_id  BIGINT NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    attempted_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX checkin_attempts_volunteer_idx ON checkin_attempts (volunteer_id, attempted_at);
CREATE INDEX checkin_attempts_shift_idx ON checkin_attempts (shift_id, attempted_at);
CREATE INDEX checkin_attempts_time_idx ON checkin_attempts (attempted_at);

-- +goose Down
DROP TABLE checkin_attempts;
