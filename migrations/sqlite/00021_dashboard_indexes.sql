-- Indexes for the dashboards on a city (issue 13, "Speed and scale"; docs/perf.md, "Dashboards
-- on a city"). Measured on the generated city (147 communities, 1,535 grids, 300,000 needs):
-- the by-grid workers count looked up grid workers by role through memberships_community_idx
-- and filtered 850,000 resident memberships by grid, once per grid; the needs figures and the
-- escalations read whole tables. Each index below serves one of those aggregate queries from
-- the index alone.

-- +goose Up
-- A grid's workers (memberships with role grid_worker in that grid).
CREATE INDEX memberships_grid_role_idx ON memberships (grid_id, role);
-- Needs filed in a period, grouped by grid and tier, with their resolution (and the median's
-- resolve times): every column the query reads, so it never touches the rows.
CREATE INDEX needs_community_created_idx ON needs (community_id, created_at, grid_id, tier, status, resolved_at, due_at);
-- Needs resolved in a period (the linkage index's community part).
CREATE INDEX needs_community_resolved_idx ON needs (community_id, resolved_at) WHERE resolved_at IS NOT NULL;
-- Escalations in a period.
CREATE INDEX audit_events_escalated_idx ON audit_events (community_id, occurred_at) WHERE action = 'need.escalated';

-- +goose Down
DROP INDEX audit_events_escalated_idx;
DROP INDEX needs_community_resolved_idx;
DROP INDEX needs_community_created_idx;
DROP INDEX memberships_grid_role_idx;
