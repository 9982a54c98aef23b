-- Sensitive needs (issue 14, PIPL art. 28–31): a need about health, disability or a minor is
-- visible only to its resident, its assignee and the workers who answer for it, is never
-- indexed in search and leaves department exports unless the requester's role needs it.
-- The flag is set from the category (app.SensitiveCategories) or by whoever files the need.
-- private_purged_at records when the retention job erased a resolved need's private details.

-- +goose Up
ALTER TABLE needs ADD COLUMN sensitive BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE needs ADD COLUMN private_purged_at DATETIME;
UPDATE needs SET sensitive = 1 WHERE category IN ('health', 'disability_support', 'counseling', 'child_care', 'youth');
CREATE INDEX needs_retention_idx ON needs (resolved_at) WHERE private_purged_at IS NULL;
-- The flagged needs leave the search index at the next outbox drain (needDocuments skips them).
INSERT INTO search_outbox (doc_type, doc_id) SELECT 'need', id FROM needs WHERE sensitive = 1;

-- +goose Down
DROP INDEX needs_retention_idx;
ALTER TABLE needs DROP COLUMN private_purged_at;
ALTER TABLE needs DROP COLUMN sensitive;
