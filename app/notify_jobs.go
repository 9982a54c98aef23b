package app

import (
	"context"
	"fmt"
	"time"
)

// Reminders and digests: background jobs (cmd/wushe/jobs.go, under job leases) that write
// notifications with causes of their own. Each cause names the thing and the moment it is
// about (a need and its due time, a signup, a user and a local date), so the unique key
// (cause, user, kind) makes every run after the first a no-op for the same reminder.

// DueSoonWindow is how long before a need's due time its assignee is warned.
const DueSoonWindow = 2 * time.Hour

// DigestHour is the local hour from which the day's digests are sent.
const DigestHour = 8

// ShiftReminder is a signed-up volunteer's shift that starts tomorrow.
type ShiftReminder struct {
	SignupID  int64
	UserID    int64
	TaskID    int64
	TaskTitle string
	StartsAt  time.Time
}

// NeedDigestRow counts, for a grid or community worker, the needs of their places that are
// overdue, due before the end of the local day, and new since the last digest.
type NeedDigestRow struct {
	UserID   int64
	Overdue  int
	DueToday int
	New      int
}

// ReminderStore finds what reminders and digests are about.
type ReminderStore interface {
	// FindNeedsDueBetween lists unresolved needs due in (from, to], by id after afterID.
	FindNeedsDueBetween(ctx context.Context, from, to time.Time, afterID int64, limit int) ([]*Need, error)
	// FindShiftReminders lists signed-up or invited volunteers (with an account) of shifts of
	// open tasks starting in [from, to).
	FindShiftReminders(ctx context.Context, from, to time.Time) ([]*ShiftReminder, error)
	// FindNeedDigestRows counts needs per grid and community worker.
	FindNeedDigestRows(ctx context.Context, now, dayEnd, since time.Time) ([]*NeedDigestRow, error)
}

// SendReminders warns assignees (or the grid's workers while nobody is assigned) of needs
// due within DueSoonWindow, and volunteers of their shifts tomorrow. It returns how many
// reminders it considered.
func (a *App) SendReminders(ctx context.Context) (int, error) {
	now := a.Now()
	count := 0
	var after int64
	for {
		ns, err := a.store.FindNeedsDueBetween(ctx, now, now.Add(DueSoonWindow), after, 200)
		if err != nil {
			return count, fmt.Errorf("needs due soon: %w", err)
		}
		for _, n := range ns {
			after = n.ID
			to := []int64{deref(n.AssigneeID)}
			if n.AssigneeID == nil {
				if to, err = a.gridWorkerIDs(ctx, n.GridID); err != nil {
					return count, err
				}
			}
			nt := needNotice(n, to...)
			nt.params["due_at"] = n.DueAt.In(a.loc).Format("15:04")
			// The due time is in the cause: a need whose promise moved is warned again.
			cause := fmt.Sprintf("due_soon:%d:%d", n.ID, n.DueAt.Unix())
			cid := n.CommunityID
			if err := a.store.InTx(ctx, func(ctx context.Context) error { return a.notify(ctx, KindNeedDueSoon, cause, &cid, nt) }); err != nil {
				return count, fmt.Errorf("warn need %d: %w", n.ID, err)
			}
			count++
		}
		if len(ns) < 200 {
			break
		}
	}
	local := now.In(a.loc)
	tomorrow := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, a.loc)
	rs, err := a.store.FindShiftReminders(ctx, tomorrow.UTC(), tomorrow.AddDate(0, 0, 1).UTC())
	if err != nil {
		return count, fmt.Errorf("shifts tomorrow: %w", err)
	}
	for _, r := range rs {
		nt := notice{to: []int64{r.UserID}, link: fmt.Sprintf("/tasks/%d", r.TaskID),
			params: map[string]any{"title": r.TaskTitle, "starts_at": r.StartsAt.In(a.loc).Format("01-02 15:04")}}
		if err := a.notify(ctx, KindShiftTomorrow, fmt.Sprintf("shift_tomorrow:%d", r.SignupID), nil, nt); err != nil {
			return count, fmt.Errorf("remind signup %d: %w", r.SignupID, err)
		}
		count++
	}
	return count, nil
}

// SendDigests, from DigestHour local time, writes the day's worker digest (needs overdue, due
// today and new in the last day, for each grid and community worker) and gathers each user's
// notifications waiting for a digest into one e-mail. Keys carry the local date, so a day
// gets one of each however often the job runs. It returns how many digests it made.
func (a *App) SendDigests(ctx context.Context) (int, error) {
	now := a.Now()
	local := now.In(a.loc)
	if local.Hour() < DigestHour {
		return 0, nil
	}
	day := local.Format("2006-01-02")
	dayEnd := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, a.loc)
	rows, err := a.store.FindNeedDigestRows(ctx, now, dayEnd.UTC(), now.Add(-24*time.Hour))
	if err != nil {
		return 0, fmt.Errorf("worker digest: %w", err)
	}
	made := 0
	for _, r := range rows {
		if r.Overdue+r.DueToday+r.New == 0 {
			continue
		}
		nt := notice{to: []int64{r.UserID}, link: "/queue", params: map[string]any{
			"overdue": r.Overdue, "due_today": r.DueToday, "new": r.New, "date": day}}
		if err := a.notify(ctx, KindWorkerDigest, "needs_digest:"+day, nil, nt); err != nil {
			return made, fmt.Errorf("worker digest for user %d: %w", r.UserID, err)
		}
		made++
	}
	users, err := a.store.FindDigestUserIDs(ctx)
	if err != nil {
		return made, fmt.Errorf("digest users: %w", err)
	}
	for _, uid := range users {
		ok, err := a.store.TakeDigest(ctx, uid, fmt.Sprintf("digest:%d:%s", uid, day), now)
		if err != nil {
			return made, fmt.Errorf("digest for user %d: %w", uid, err)
		}
		if ok {
			made++
		}
	}
	return made, nil
}
