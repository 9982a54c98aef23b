-- Photos on a micro-project proposal (issue 11, step 1 提事: "… grid or whole community,
-- photos"). The bytes live in the database like disbursement evidence, so a backup holds them
-- and a draft's photos stay as private as the draft. Only sniffed JPEG, PNG and WebP images
-- are kept; the application bounds their size (5 MB) and number (9 per project).

-- +goose Up
CREATE TABLE project_photos (
    id            BIGSERIAL PRIMARY KEY,
    project_id    BIGINT NOT NULL REFERENCES projects(id),
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    size          BIGINT NOT NULL CHECK (size > 0),
    data          BYTEA NOT NULL,
    uploaded_by   BIGINT NOT NULL REFERENCES users(id),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX project_photos_project_idx ON project_photos (project_id, id);

-- +goose Down
DROP TABLE project_photos;
