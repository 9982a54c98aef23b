-- Files attached to needs and bids (issue 12 item 7): photos on a need, photos and PDF
-- documents on a bid. One table for both owners, named by (owner_type, owner_id), since the
-- rules on a file (types, sizes, where its bytes live) are the same; who reads it follows the
-- owner and is decided in the application. Images are stored as re-encoded by the application
-- (resized, with their EXIF metadata, GPS location included, dropped); PDFs as uploaded.

-- +goose Up
CREATE TABLE attachments (
    id            BIGSERIAL PRIMARY KEY,
    owner_type    TEXT NOT NULL CHECK (owner_type IN ('need', 'bid')),
    owner_id      BIGINT NOT NULL,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size          BIGINT NOT NULL CHECK (size > 0),
    data          BYTEA NOT NULL,
    uploaded_by   BIGINT NOT NULL REFERENCES users(id),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX attachments_owner_idx ON attachments (owner_type, owner_id, id);

-- +goose Down
DROP TABLE attachments;
