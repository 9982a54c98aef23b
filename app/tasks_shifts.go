package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
)

// Shift is one time slot of a task. The check-in code is shown only to coordinators, who
// give it to volunteers on site.
type Shift struct {
	ID          int64     `json:"id" gorm:"primaryKey"`
	TaskID      int64     `json:"task_id"`
	StartsAt    time.Time `json:"starts_at"`
	EndsAt      time.Time `json:"ends_at"`
	Capacity    int       `json:"capacity"`
	CheckinCode string    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// Hours is the shift's length in hours.
func (s *Shift) Hours() float64 { return s.EndsAt.Sub(s.StartsAt).Hours() }

// ShiftFilter selects shifts.
type ShiftFilter struct {
	TaskIDs     []int64
	CommunityID *int64
	OpenTasks   bool       // only shifts of open tasks
	From, To    *time.Time // starts_at in [From, To)
	IDs         []int64
}

// ShiftInput adds shifts to a task: one shift (StartsAt, EndsAt), or a weekly recurrence —
// the given weekdays (1 = Monday … 7 = Sunday) from StartTime to EndTime ("11:00"), for
// Weeks weeks starting on FromDate ("2026-12-01"), in local time.
type ShiftInput struct {
	StartsAt  *time.Time `json:"starts_at" form:"-"`
	EndsAt    *time.Time `json:"ends_at" form:"-"`
	Weekdays  []int      `json:"weekdays" form:"weekdays"`
	StartTime string     `json:"start_time" form:"start_time"`
	EndTime   string     `json:"end_time" form:"end_time"`
	FromDate  string     `json:"from_date" form:"from_date"`
	Weeks     int        `json:"weeks" form:"weeks" validate:"gte=0,lte=52"`
	Capacity  int        `json:"capacity" form:"capacity" validate:"gte=1,lte=500"`
}

// MaxShiftsPerRequest bounds how many shifts one recurrence creates.
const MaxShiftsPerRequest = 366

// parseClock reads "11:00" into minutes after midnight.
func parseClock(s string) (int, bool) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// expandShifts turns a ShiftInput into concrete shifts, or reports what is wrong.
func (a *App) expandShifts(in ShiftInput) ([]*Shift, FieldErrors) {
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if len(fe) > 0 {
		return nil, fe
	}
	one := in.StartsAt != nil || in.EndsAt != nil
	if one {
		switch {
		case in.StartsAt == nil:
			fe.Add("starts_at", "error.required")
		case in.EndsAt == nil:
			fe.Add("ends_at", "error.required")
		case !in.EndsAt.After(*in.StartsAt):
			fe.Add("ends_at", "error.end_before_start")
		case in.EndsAt.Sub(*in.StartsAt) > 24*time.Hour:
			fe.Add("ends_at", "task.error.shift_too_long")
		}
		if len(fe) > 0 {
			return nil, fe
		}
		return []*Shift{{StartsAt: in.StartsAt.UTC(), EndsAt: in.EndsAt.UTC(), Capacity: in.Capacity}}, nil
	}
	if len(in.Weekdays) == 0 {
		fe.Add("weekdays", "error.required")
	}
	for _, d := range in.Weekdays {
		if d < 1 || d > 7 {
			fe.Add("weekdays", "error.invalid_value")
		}
	}
	from, ok1 := parseClock(in.StartTime)
	to, ok2 := parseClock(in.EndTime)
	if !ok1 {
		fe.Add("start_time", "error.invalid_value")
	}
	if !ok2 {
		fe.Add("end_time", "error.invalid_value")
	}
	if ok1 && ok2 && to <= from {
		fe.Add("end_time", "error.end_before_start")
	}
	day, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(in.FromDate), a.loc)
	if err != nil {
		fe.Add("from_date", "error.invalid_value")
	}
	if in.Weeks < 1 {
		fe.Add("weeks", "error.too_small", "min", 1)
	}
	if len(fe) > 0 {
		return nil, fe
	}
	var out []*Shift
	for i := 0; i < in.Weeks*7; i++ {
		d := day.AddDate(0, 0, i)
		wd := int(d.Weekday())
		if wd == 0 {
			wd = 7
		}
		if !slices.Contains(in.Weekdays, wd) {
			continue
		}
		start := time.Date(d.Year(), d.Month(), d.Day(), from/60, from%60, 0, 0, a.loc)
		end := time.Date(d.Year(), d.Month(), d.Day(), to/60, to%60, 0, 0, a.loc)
		out = append(out, &Shift{StartsAt: start.UTC(), EndsAt: end.UTC(), Capacity: in.Capacity})
	}
	if len(out) == 0 {
		fe.Add("weekdays", "task.error.no_shifts")
	} else if len(out) > MaxShiftsPerRequest {
		fe.Add("weeks", "task.error.too_many_shifts", "max", MaxShiftsPerRequest)
	}
	return out, fe
}

// newCheckinCode makes a 6-digit code volunteers type on site to check in and out.
func newCheckinCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("check-in code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// AddShifts adds one shift or a weekly series to a task (its coordinator or front-desk workers).
func (a *App) AddShifts(ctx context.Context, taskID int64, in ShiftInput) ([]*Shift, error) {
	p := PrincipalFrom(ctx)
	t, err := a.store.FindTask(ctx, taskID)
	if err != nil {
		return nil, err
	}
	tg, err := a.taskTarget(ctx, t)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActTaskManage, tg); err != nil {
		return nil, err
	}
	if in.Capacity == 0 {
		in.Capacity = t.Headcount
	}
	shifts, fe := a.expandShifts(in)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if t.Status != TaskOpen {
		return nil, Errorf(ECONFLICT, "error.bad_transition", "from", t.Status, "action", "add_shifts")
	}
	now := a.Now()
	for _, s := range shifts {
		s.TaskID, s.CreatedAt = t.ID, now
		if s.CheckinCode, err = newCheckinCode(); err != nil {
			return nil, err
		}
	}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateShifts(ctx, shifts); err != nil {
			return err
		}
		return a.audit(ctx, "task.shifts_added", "task", t.ID, t.CommunityID, map[string]any{"shifts": len(shifts)})
	})
	return shifts, err
}
