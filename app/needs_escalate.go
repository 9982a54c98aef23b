package app

import (
	"context"
	"fmt"
	"time"
)

// DueAt computes a need's response promise from its tier, the community's settings and the
// local time zone: minor needs are due by the end of the day they were filed (小事不过夜)
// unless the community set hours, major within 24 hours (大事不过天), hard within 7 days (难事不过周).
func DueAt(tier string, c *Community, filed time.Time, loc *time.Location) time.Time {
	switch tier {
	case TierMinor:
		if c.SLAMinorHours != nil && *c.SLAMinorHours > 0 {
			return filed.Add(time.Duration(*c.SLAMinorHours) * time.Hour).UTC()
		}
		l := filed.In(loc)
		end := time.Date(l.Year(), l.Month(), l.Day(), 23, 59, 59, 0, loc)
		return end.UTC()
	case TierMajor:
		return filed.Add(hoursOr(c.SLAMajorHours, 24)).UTC()
	default:
		return filed.Add(hoursOr(c.SLAHardHours, 168)).UTC()
	}
}

// escalationWindow is how long the next level gets before a need escalates again.
func escalationWindow(tier string, c *Community) time.Duration {
	switch tier {
	case TierMinor:
		if c.SLAMinorHours != nil && *c.SLAMinorHours > 0 {
			return time.Duration(*c.SLAMinorHours) * time.Hour
		}
		return 24 * time.Hour
	case TierMajor:
		return hoursOr(c.SLAMajorHours, 24)
	default:
		return hoursOr(c.SLAHardHours, 168)
	}
}

func hoursOr(h, def int) time.Duration {
	if h <= 0 {
		h = def
	}
	return time.Duration(h) * time.Hour
}

// nextLevel is the level a need escalates to: grid → community → street.
func nextLevel(level string) (string, bool) {
	switch level {
	case LevelGrid:
		return LevelCommunity, true
	case LevelCommunity:
		return LevelStreet, true
	}
	return "", false
}

// EscalateOverdue moves every unresolved need past its escalation time one level up (grid →
// community → street) and records an audit event. A need first escalates when its promise is
// broken; the community then has one more window (a day, or a week for hard needs) before the
// street takes it. The promise itself (DueAt) never moves, so the need stays overdue.
// It is safe to run from several processes at once: each need escalates once per level.
func (a *App) EscalateOverdue(ctx context.Context) (int, error) {
	now := a.Now()
	count := 0
	communities := map[int64]*Community{}
	for {
		ns, err := a.store.NeedsToEscalate(ctx, now, 200)
		if err != nil {
			return count, fmt.Errorf("find needs to escalate: %w", err)
		}
		progressed := false
		for _, n := range ns {
			to, ok := nextLevel(n.EscalationLevel)
			if !ok {
				continue
			}
			c, ok := communities[n.CommunityID]
			if !ok {
				if c, err = a.store.FindCommunity(ctx, n.CommunityID); err != nil {
					return count, err
				}
				communities[n.CommunityID] = c
			}
			var next *time.Time
			if _, more := nextLevel(to); more {
				t := now.Add(escalationWindow(n.Tier, c))
				next = &t
			}
			moved := false
			err := a.store.InTx(ctx, func(ctx context.Context) error {
				done, err := a.store.EscalateNeed(ctx, n.ID, n.EscalationLevel, to, now, next)
				if err != nil || !done {
					return err
				}
				moved = true
				return a.audit(ctx, "need.escalated", "need", n.ID, n.CommunityID, map[string]any{
					"from": n.EscalationLevel, "to": to, "due_at": n.DueAt, "next_escalation_at": next,
				})
			})
			if err != nil {
				return count, fmt.Errorf("escalate need %d: %w", n.ID, err)
			}
			if moved {
				count++
				progressed = true
			}
		}
		if len(ns) < 200 || !progressed {
			return count, nil
		}
	}
}
