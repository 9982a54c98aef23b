package web

import (
	"testing"
	"time"
)

// TestThrottle: the first event passes, the ones inside the interval are held back and
// counted, and the next one past the interval passes with that count.
func TestThrottle(t *testing.T) {
	t.Parallel()
	var th throttle
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		at      time.Duration
		ok      bool
		skipped int
	}{
		{0, true, 0},
		{time.Second, false, 0},
		{5 * time.Second, false, 0},
		{9 * time.Second, false, 0},
		{10 * time.Second, true, 3},
		{11 * time.Second, false, 0},
		{30 * time.Second, true, 1},
	}
	for _, s := range steps {
		ok, skipped := th.allow(t0.Add(s.at), 10*time.Second)
		if ok != s.ok || skipped != s.skipped {
			t.Errorf("at %v: allow = %v, %d; want %v, %d", s.at, ok, skipped, s.ok, s.skipped)
		}
	}
}
