package app_test

import (
	"context"
	"testing"

	"github.com/wushe/wushe/app"
)

func TestUpdateTask(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	task, shifts := tw.mealTask(t) // headcount 2, weekday shifts from Monday 30 November 11:00; the clock is 09:00 that day
	gctx := tw.as(t, "grid_worker")
	lat, lng := 30.7, 121.0
	in := app.TaskUpdateInput{Title: "助餐送餐(午餐)", Description: "送到家门口", Skills: []string{"delivery", "cooking", "delivery"},
		GridID: task.GridID, Lat: &lat, Lng: &lng, Headcount: 3}
	got, err := tw.a.UpdateTask(gctx, task.ID, in)
	if err != nil {
		t.Fatalf("UpdateTask: %v", err)
	}
	stored, err := tw.store.FindTask(context.Background(), task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != in.Title || stored.Title != in.Title || stored.Description != in.Description || len(stored.Skills) != 2 ||
		stored.Headcount != 3 || stored.Lat == nil || *stored.Lat != lat || stored.Category != task.Category || stored.CommunityID != task.CommunityID {
		t.Errorf("stored task = %+v, want the edited fields and the same community and category", stored)
	}
	// Shifts not yet started that had the old headcount get the new one.
	after, err := tw.store.FindShifts(context.Background(), app.ShiftFilter{TaskIDs: []int64{task.ID}})
	if err != nil || len(after) != len(shifts) {
		t.Fatalf("shifts = %d, %v", len(after), err)
	}
	for _, sh := range after {
		if sh.Capacity != 3 {
			t.Errorf("shift %v capacity %d, want 3", sh.StartsAt, sh.Capacity)
		}
	}
	// Validated as on creation, field by field.
	bad := []struct {
		name  string
		edit  func(*app.TaskUpdateInput)
		field string
	}{
		{"no title", func(x *app.TaskUpdateInput) { x.Title = "" }, "title"},
		{"unknown skill", func(x *app.TaskUpdateInput) { x.Skills = []string{"juggling"} }, "skills"},
		{"no headcount", func(x *app.TaskUpdateInput) { x.Headcount = 0 }, "headcount"},
		{"headcount too large", func(x *app.TaskUpdateInput) { x.Headcount = 1001 }, "headcount"},
		{"latitude alone", func(x *app.TaskUpdateInput) { x.Lng = nil }, "lng"},
		{"grid of another community", func(x *app.TaskUpdateInput) { x.GridID = &tw.w.B.Grids[0].ID }, "grid_id"},
	}
	for _, b := range bad {
		x := in
		b.edit(&x)
		if _, err := tw.a.UpdateTask(gctx, task.ID, x); !app.IsCode(err, app.EINVALID) || fieldOf(err)[b.field].ID == "" {
			t.Errorf("%s: UpdateTask = %v, want a %s field error", b.name, err, b.field)
		}
	}
	// The headcount cannot fall below the sign-ups a coming shift holds.
	if _, err := tw.a.SignUp(tw.as(t, "volunteer"), shifts[0].ID); err != nil {
		t.Fatal(err)
	}
	u, _ := newMember(t, tw, "李四")
	v := &app.Volunteer{UserID: &u.ID, Name: "李四", CommunityID: tw.w.A.Community.ID, Active: true, MaxHoursPerWeek: 4}
	if err := tw.store.CreateVolunteer(context.Background(), v); err != nil {
		t.Fatal(err)
	}
	p, err := tw.a.Principal(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tw.a.SignUp(app.WithPrincipal(context.Background(), p), shifts[0].ID); err != nil {
		t.Fatal(err)
	}
	x := in
	x.Headcount = 1
	if _, err := tw.a.UpdateTask(gctx, task.ID, x); !app.IsCode(err, app.EINVALID) || fieldOf(err)["headcount"].ID != "task.error.headcount_below_signups" {
		t.Errorf("headcount below sign-ups = %v, want a headcount field error", err)
	}
	// Others may not edit: residents, volunteers, workers of another community; the grid
	// worker of grid 1 may not move the task to grid 2, which the community worker may.
	for _, u := range []string{"resident", "volunteer", "worker_b"} {
		if _, err := tw.a.UpdateTask(tw.as(t, u), task.ID, in); !app.IsCode(err, app.EFORBIDDEN) {
			t.Errorf("UpdateTask as %s = %v, want forbidden", u, err)
		}
	}
	if _, err := tw.a.UpdateTask(context.Background(), task.ID, in); !app.IsCode(err, app.EUNAUTHORIZED) {
		t.Errorf("UpdateTask anonymously = %v, want unauthorized", err)
	}
	moved := in
	moved.GridID = &tw.w.A.Grids[1].ID
	if _, err := tw.a.UpdateTask(gctx, task.ID, moved); !app.IsCode(err, app.EFORBIDDEN) {
		t.Errorf("grid worker moving the task to another grid = %v, want forbidden", err)
	}
	if _, err := tw.a.UpdateTask(tw.as(t, "community_worker"), task.ID, moved); err != nil {
		t.Errorf("community worker moving the task to another grid = %v", err)
	}
	// A cancelled task is not edited.
	if _, err := tw.a.SetTaskStatus(tw.as(t, "community_worker"), task.ID, app.TaskStatusInput{Status: app.TaskCancelled}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.a.UpdateTask(tw.as(t, "community_worker"), task.ID, in); !app.IsCode(err, app.ECONFLICT) {
		t.Errorf("editing a cancelled task = %v, want conflict", err)
	}
}
