-- Indexes that serve the public lists' order on a city (issue 16, "City scale";
-- docs/perf/city-lists.md). On the generated city (300,000 needs, 7,361 donors) the needs list
-- sorted every matching row by a computed key on each request (4.8–5.3 s for the anonymous,
-- unfiltered list). Each index below is built on exactly the ORDER BY expression its list uses
-- (app/store: needListOrder, needResolvedOrder, donorListOrder), so a page is read from the index and the scan
-- stops at the page's LIMIT. The expressions' text must stay the same as the store's.

-- +goose Up
-- Needs: the unresolved ones by due time (the overdue ones first), then the rest by due time.
-- sensitive and status last, after the order's columns, so that counting the unresolved ones
-- a visitor may see reads the index alone (PostgreSQL plans an index-only scan on an
-- expression index only when the expression's columns are in it too).
CREATE INDEX needs_list_order_idx ON needs ((CASE WHEN status IN ('open', 'in_progress') THEN 0 ELSE 1 END), due_at, id DESC, sensitive, status);
-- Needs resolved most recently first (the home page's recent activity).
CREATE INDEX needs_resolved_order_idx ON needs ((CASE WHEN resolved_at IS NULL THEN 1 ELSE 0 END), resolved_at DESC, id DESC);
-- The anonymous list and its count read only the needs that are not sensitive.
CREATE INDEX needs_public_idx ON needs (id) WHERE NOT sensitive;
-- Donors: foundations, units and merchants first, then residents, each by name.
CREATE INDEX donors_list_order_idx ON donors ((CASE kind WHEN 'foundation' THEN 0 WHEN 'unit' THEN 1 WHEN 'merchant' THEN 2 ELSE 3 END), name, id);

-- +goose Down
DROP INDEX donors_list_order_idx;
DROP INDEX needs_public_idx;
DROP INDEX needs_resolved_order_idx;
DROP INDEX needs_list_order_idx;
