package app

import (
	"context"
	"slices"
)

// TaskUpdateInput edits a task's own fields. It replaces them all (PUT): title, description,
// required skills, headcount per shift and place (grid within the task's community, and
// coordinates). Community, need, project, category and coordinator stay as created.
type TaskUpdateInput struct {
	Title       string   `json:"title" form:"title" validate:"required,max=100"`
	Description string   `json:"description" form:"description" validate:"max=4000"`
	Skills      []string `json:"skills" form:"skills" validate:"max=20"`
	GridID      *int64   `json:"grid_id" form:"grid_id"`
	Lat         *float64 `json:"lat" form:"lat" validate:"omitempty,latitude"`
	Lng         *float64 `json:"lng" form:"lng" validate:"omitempty,longitude"`
	Address     string   `json:"address" form:"address" validate:"max=200"`
	Headcount   int      `json:"headcount" form:"headcount" validate:"gte=1,lte=1000"`
}

// TaskUpdateInputOf is the edit form pre-filled with a task's current fields.
func TaskUpdateInputOf(t *Task) TaskUpdateInput {
	return TaskUpdateInput{Title: t.Title, Description: t.Description, Skills: t.Skills, GridID: t.GridID, Lat: t.Lat, Lng: t.Lng, Address: t.Address, Headcount: t.Headcount}
}

// UpdateTask edits a task (its managers: task.manage, as for creating it), validated as on
// creation. Moving it to another grid needs the right to manage tasks there, not merely being
// its coordinator. A new headcount becomes the capacity of the shifts not yet started that
// still had the old one (shifts given their own capacity keep it); it may not fall below the
// sign-ups such a shift already holds. Cancelled tasks cannot be edited.
func (a *App) UpdateTask(ctx context.Context, id int64, in TaskUpdateInput) (*Task, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	var out *Task
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		t, err := a.store.FindTask(ctx, id)
		if err != nil {
			return err
		}
		tg, err := a.taskTarget(ctx, t)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActTaskManage, tg); err != nil {
			return err
		}
		if t.Status == TaskCancelled {
			return Errorf(ECONFLICT, "error.bad_transition", "from", t.Status, "action", "edit")
		}
		if in.Headcount == 0 {
			return FieldErrors{"headcount": Msg("error.required")}.Err()
		}
		// Validate exactly as on creation, with the fields that do not change.
		ci := TaskInput{CommunityID: t.CommunityID, GridID: in.GridID, Title: in.Title, Description: in.Description,
			Category: t.Category, Skills: in.Skills, Lat: in.Lat, Lng: in.Lng, Address: in.Address, Headcount: in.Headcount}
		fe, err := a.checkTask(ctx, &ci)
		if err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if !sameID(t.GridID, ci.GridID) {
			moved := *t
			moved.GridID = ci.GridID
			ntg, err := a.taskTarget(ctx, &moved)
			if err != nil {
				return err
			}
			ntg.AssigneeID = 0
			if err := Authorize(p, ActTaskManage, ntg); err != nil {
				return err
			}
		}
		now := a.Now()
		if ci.Headcount != t.Headcount {
			if err := a.resizeShifts(ctx, t, ci.Headcount); err != nil {
				return err
			}
		}
		changed := taskChanges(t, &ci)
		t.Title, t.Description, t.Skills, t.GridID, t.Lat, t.Lng, t.Address, t.Headcount, t.UpdatedAt =
			ci.Title, ci.Description, ci.Skills, ci.GridID, ci.Lat, ci.Lng, ci.Address, ci.Headcount, now
		if err := a.store.UpdateTask(ctx, t); err != nil {
			return err
		}
		out = t
		return a.audit(ctx, "task.updated", "task", t.ID, t.CommunityID, map[string]any{"fields": changed})
	})
	return out, err
}

// resizeShifts gives the task's future shifts that had the old headcount the new one.
func (a *App) resizeShifts(ctx context.Context, t *Task, headcount int) error {
	now := a.Now()
	shifts, err := a.store.FindShifts(ctx, ShiftFilter{TaskIDs: []int64{t.ID}, From: &now})
	if err != nil {
		return err
	}
	var ids []int64
	for _, sh := range shifts {
		if sh.Capacity == t.Headcount {
			ids = append(ids, sh.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	counts, err := a.store.ActiveSignupCounts(ctx, ids)
	if err != nil {
		return err
	}
	most := 0
	for _, id := range ids {
		most = max(most, counts[id])
	}
	if headcount < most {
		return FieldErrors{"headcount": Msg("task.error.headcount_below_signups", "n", most)}.Err()
	}
	return a.store.SetShiftCapacity(ctx, ids, headcount)
}

func sameID(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func sameFloat(a, b *float64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// taskChanges names the fields an edit changes, for the audit trail.
func taskChanges(t *Task, in *TaskInput) []string {
	var out []string
	add := func(name string, changed bool) {
		if changed {
			out = append(out, name)
		}
	}
	add("title", t.Title != in.Title)
	add("description", t.Description != in.Description)
	add("skills", !slices.Equal(t.Skills, in.Skills))
	add("grid_id", !sameID(t.GridID, in.GridID))
	add("lat", !sameFloat(t.Lat, in.Lat))
	add("lng", !sameFloat(t.Lng, in.Lng))
	add("address", t.Address != in.Address)
	add("headcount", t.Headcount != in.Headcount)
	return out
}

// EditableTask loads a task for its edit form: its managers only, and not once cancelled.
func (a *App) EditableTask(ctx context.Context, id int64) (*Task, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	t, err := a.store.FindTask(ctx, id)
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
	if t.Status == TaskCancelled {
		return nil, Errorf(ECONFLICT, "error.bad_transition", "from", t.Status, "action", "edit")
	}
	return t, nil
}

// TaskStatusInput changes a task's status.
type TaskStatusInput struct {
	Status string `json:"status" form:"status" validate:"required,oneof=open closed cancelled"`
}

// SetTaskStatus closes, reopens or cancels a task (its coordinators). Closing stops new
// sign-ups; cancelling also withdraws every sign-up for shifts that have not started, so no
// volunteer turns up for nothing. A cancelled task stays cancelled.
func (a *App) SetTaskStatus(ctx context.Context, id int64, in TaskStatusInput) (*Task, error) {
	if err := a.validate.Struct(in); err != nil {
		return nil, err
	}
	var t *Task
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if t, err = a.store.FindTask(ctx, id); err != nil {
			return err
		}
		tg, err := a.taskTarget(ctx, t)
		if err != nil {
			return err
		}
		if err := Authorize(PrincipalFrom(ctx), ActTaskManage, tg); err != nil {
			return err
		}
		if t.Status == TaskCancelled || t.Status == in.Status {
			return Errorf(ECONFLICT, "error.bad_transition", "from", t.Status, "action", in.Status)
		}
		now := a.Now()
		t.Status, t.UpdatedAt = in.Status, now
		if err := a.store.UpdateTask(ctx, t); err != nil {
			return err
		}
		withdrawn := 0
		if in.Status == TaskCancelled {
			shifts, err := a.store.FindShifts(ctx, ShiftFilter{TaskIDs: []int64{t.ID}, From: &now})
			if err != nil {
				return err
			}
			var ids []int64
			for _, sh := range shifts {
				ids = append(ids, sh.ID)
			}
			if len(ids) > 0 {
				sus, err := a.store.FindSignups(ctx, SignupFilter{ShiftIDs: ids, Statuses: []string{SignupInvited, SignupSignedUp}})
				if err != nil {
					return err
				}
				for _, su := range sus {
					su.Status, su.UpdatedAt = SignupCancelled, now
					if err := a.store.UpdateSignup(ctx, su); err != nil {
						return err
					}
					withdrawn++
				}
			}
		}
		return a.audit(ctx, "task."+in.Status, "task", t.ID, t.CommunityID, map[string]any{"signups_withdrawn": withdrawn})
	})
	return t, err
}
