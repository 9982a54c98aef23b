-- Ranking a need on a city (issue 16; docs/perf/city-rank.md). Ranking loads, of the city's
-- donors, those of the need's community or interested in its category: the interest lookup
-- by category had no index (the primary key starts with the donor), so every ranking read all
-- of donor_interests.

-- +goose Up
CREATE INDEX donor_interests_category_idx ON donor_interests (category, donor_id);

-- +goose Down
DROP INDEX donor_interests_category_idx;
