package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wushe/wushe/app"
)

// Job leases and rate-limit counters: the state several `wushe serve` processes share
// (migration 00010).

func ms(t time.Time) int64 { return t.UnixMilli() }

// ClaimJob starts a run of a job for holder if its last run started before dueBefore and no
// one else holds an unexpired lease, in one statement.
func (s *Store) ClaimJob(ctx context.Context, name, holder string, now, dueBefore, leaseUntil time.Time) (bool, error) {
	res := s.db(ctx).Exec(`INSERT INTO job_runs (name, holder, started_ms, lease_ms, finished_ms, runs, last_error) VALUES (?, ?, ?, ?, 0, 1, '')
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, started_ms = excluded.started_ms, lease_ms = excluded.lease_ms,
			finished_ms = 0, runs = job_runs.runs + 1
		WHERE job_runs.started_ms <= ? AND (job_runs.lease_ms <= ? OR job_runs.holder = ?)`,
		name, holder, ms(now), ms(leaseUntil), ms(dueBefore), ms(now), holder)
	if res.Error != nil {
		return false, translate(res.Error, "job")
	}
	return res.RowsAffected == 1, nil
}

// RenewJob extends holder's lease on a job.
func (s *Store) RenewJob(ctx context.Context, name, holder string, leaseUntil time.Time) (bool, error) {
	res := s.db(ctx).Exec("UPDATE job_runs SET lease_ms = ? WHERE name = ? AND holder = ? AND finished_ms = 0", ms(leaseUntil), name, holder)
	if res.Error != nil {
		return false, translate(res.Error, "job")
	}
	return res.RowsAffected == 1, nil
}

// FinishJob releases holder's lease and records the run's end.
func (s *Store) FinishJob(ctx context.Context, name, holder string, now time.Time, lastErr string) error {
	res := s.db(ctx).Exec("UPDATE job_runs SET lease_ms = ?, finished_ms = ?, last_error = ? WHERE name = ? AND holder = ?",
		ms(now), ms(now), lastErr, name, holder)
	return translate(res.Error, "job")
}

// FindJobRuns lists every job's row.
func (s *Store) FindJobRuns(ctx context.Context) ([]*app.JobRun, error) {
	out := []*app.JobRun{}
	return out, translate(s.rdb(ctx).Order("name").Find(&out).Error, "job")
}

// HitRateLimits adds an attempt to each key's current window and reads the counts of that
// window and the one before.
func (s *Store) HitRateLimits(ctx context.Context, keys []string, window, previous time.Time) ([]int, []int, error) {
	uniq := map[string]bool{}
	var vals []string
	var args []any
	for _, k := range keys {
		if uniq[k] {
			continue
		}
		uniq[k] = true
		vals = append(vals, "(?, ?, 1)")
		args = append(args, k, ms(window))
	}
	if len(vals) == 0 {
		return nil, nil, nil
	}
	var rows []struct {
		Key  string
		Hits int
	}
	err := s.db(ctx).Raw("INSERT INTO rate_limits (key, window_ms, hits) VALUES "+strings.Join(vals, ", ")+
		" ON CONFLICT (key, window_ms) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING key, hits", args...).Scan(&rows).Error
	if err != nil {
		return nil, nil, translate(err, "rate limit")
	}
	cur := map[string]int{}
	for _, r := range rows {
		cur[r.Key] = r.Hits
	}
	var before []struct {
		Key  string
		Hits int
	}
	if err := s.db(ctx).Raw("SELECT key, hits FROM rate_limits WHERE window_ms = ? AND key IN ?", ms(previous), keys).Scan(&before).Error; err != nil {
		return nil, nil, translate(err, "rate limit")
	}
	prev := map[string]int{}
	for _, r := range before {
		prev[r.Key] = r.Hits
	}
	c, p := make([]int, len(keys)), make([]int, len(keys))
	for i, k := range keys {
		if _, ok := cur[k]; !ok {
			return nil, nil, fmt.Errorf("rate limit: no count returned for %q", k)
		}
		c[i], p[i] = cur[k], prev[k]
	}
	return c, p, nil
}

// PruneRateLimits deletes windows that started before the time.
func (s *Store) PruneRateLimits(ctx context.Context, before time.Time) error {
	return translate(s.db(ctx).Exec("DELETE FROM rate_limits WHERE window_ms < ?", ms(before)).Error, "rate limit")
}
