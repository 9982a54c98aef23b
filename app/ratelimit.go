package app

import (
	"context"
	"fmt"
	"time"
)

// Rate limits shared by every process: attempts are counted in the database per key and
// minute, so three processes behind a load balancer allow what one would, and a restart
// forgets nothing.

// RateLimitStore counts attempts per key and fixed window.
type RateLimitStore interface {
	// HitRateLimits adds one attempt to each key's window starting at window and returns,
	// per key, the attempts counted in that window and in the one before it.
	HitRateLimits(ctx context.Context, keys []string, window, previous time.Time) (current, before []int, err error)
	// PruneRateLimits deletes windows that started before the time.
	PruneRateLimits(ctx context.Context, before time.Time) error
}

// RateWindow is the length of a rate-limit window.
const RateWindow = time.Minute

// AllowAttempt takes one attempt for every key and reports whether all of them are within
// perWindow attempts per RateWindow. The count is a sliding window estimated from two fixed
// ones (this minute's attempts plus last minute's, weighted by how much of last minute the
// sliding window still covers), so a burst at a minute's boundary cannot double the limit.
// Refused attempts count too: someone hammering a login stays refused.
func (a *App) AllowAttempt(ctx context.Context, perWindow int, keys ...string) (bool, error) {
	now := a.Now()
	window := now.Truncate(RateWindow)
	cur, prev, err := a.store.HitRateLimits(ctx, keys, window, window.Add(-RateWindow))
	if err != nil {
		return false, fmt.Errorf("rate limit: %w", err)
	}
	left := 1 - float64(now.Sub(window))/float64(RateWindow)
	for i := range keys {
		if float64(cur[i])+float64(prev[i])*left > float64(perWindow) {
			return false, nil
		}
	}
	return true, nil
}

// PruneRateLimits deletes counts older than two windows; serve runs it with the other
// housekeeping.
func (a *App) PruneRateLimits(ctx context.Context) error {
	return a.store.PruneRateLimits(ctx, a.Now().Truncate(RateWindow).Add(-2*RateWindow))
}
