package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/wushe/wushe/app"
)

// TestTaskMeetingOnlyForPlaceHolders: a task's meeting point and its coordinator's contact
// (issue 12: the volunteer who signed up had neither) go to the volunteers holding a place and
// to the task's managers; the public, other residents, a volunteer not (or no longer) signed
// up see neither, in the page's view or in its JSON.
func TestTaskMeetingOnlyForPlaceHolders(t *testing.T) {
	t.Parallel()
	pw := newPageWorld(t)
	a, w := pw.a, pw.w
	const place = "东湖社区服务中心一楼大厅"
	mgr := w.As(t, a, "grid_worker")
	in := app.TaskUpdateInputOf(pw.task)
	in.Address = "  " + place + " "
	if _, err := a.UpdateTask(mgr, pw.task.ID, in); err != nil {
		t.Fatalf("UpdateTask: %v", err)
	}
	meeting := func(ctx context.Context, who string) *app.TaskMeeting {
		t.Helper()
		v, err := a.TaskDetail(ctx, pw.task.ID)
		if err != nil {
			t.Fatalf("TaskDetail as %s: %v", who, err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if v.Meeting == nil && (strings.Contains(string(b), place) || strings.Contains(string(b), "grid_worker@")) {
			t.Errorf("%s: the JSON carries the meeting point or the contact: %s", who, b)
		}
		return v.Meeting
	}
	vol := w.As(t, a, "volunteer")
	for who, ctx := range map[string]context.Context{"the public": context.Background(), "a resident": w.As(t, a, "resident"),
		"a volunteer not signed up": vol} {
		if m := meeting(ctx, who); m != nil {
			t.Errorf("%s sees the meeting %+v", who, m)
		}
	}
	su, err := a.SignUp(vol, pw.shifts[0].ID)
	if err != nil {
		t.Fatalf("SignUp: %v", err)
	}
	coord := w.Users["grid_worker"]
	m := meeting(vol, "the signed-up volunteer")
	if m == nil || m.Address != place || m.CoordinatorName != coord.Name || m.CoordinatorEmail != *coord.Email {
		t.Errorf("the signed-up volunteer sees %+v, want %q and %s's contact", m, place, coord.Name)
	}
	if m := meeting(mgr, "the coordinator"); m == nil || m.Address != place {
		t.Errorf("the coordinator sees %+v", m)
	}
	if _, err := a.CancelSignup(vol, su.ID); err != nil {
		t.Fatalf("CancelSignup: %v", err)
	}
	if m := meeting(vol, "a volunteer who cancelled"); m != nil {
		t.Errorf("a volunteer who cancelled still sees %+v", m)
	}
	// Too long an address is a field error, not a database error.
	in.Address = strings.Repeat("楼", 201)
	if _, err := a.UpdateTask(mgr, pw.task.ID, in); !app.IsCode(err, app.EINVALID) || !hasField(err, "address") {
		t.Errorf("an address of 201 characters: %v", err)
	}
}
