package app_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// wrongCodeFor returns a 6-digit code that is not the shift's.
func wrongCodeFor(sh *app.Shift) string {
	if sh.CheckinCode == "000000" {
		return "000001"
	}
	return "000000"
}

func TestWrongCheckinCodesAreLimited(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	_, shifts := tw.mealTask(t)
	vctx := tw.as(t, "volunteer")
	mon, tue := shifts[0], shifts[1]
	for _, sh := range []*app.Shift{mon, tue} {
		if _, err := tw.a.SignUp(vctx, sh.ID); err != nil {
			t.Fatalf("SignUp: %v", err)
		}
	}
	tw.clock.Set(mon.StartsAt.Add(-5 * time.Minute))
	for i := 1; i <= app.CheckinMaxWrongByVolunteer; i++ {
		if _, err := tw.a.CheckIn(vctx, mon.ID, wrongCodeFor(mon)); !app.IsCode(err, app.EINVALID) {
			t.Fatalf("wrong code %d = %v, want a field error", i, err)
		}
		tw.clock.Advance(time.Minute)
	}
	// The sixth try is refused, even with the right code, for check-in and check-out alike,
	// and on the volunteer's other shifts.
	if _, err := tw.a.CheckIn(vctx, mon.ID, mon.CheckinCode); !app.IsCode(err, app.ERATELIMITED) {
		t.Fatalf("right code after %d wrong ones = %v, want rate limited", app.CheckinMaxWrongByVolunteer, err)
	}
	if _, err := tw.a.CheckOut(vctx, mon.ID, mon.CheckinCode); !app.IsCode(err, app.ERATELIMITED) {
		t.Errorf("check-out after %d wrong codes = %v, want rate limited", app.CheckinMaxWrongByVolunteer, err)
	}
	tw.clock.Set(mon.StartsAt.Add(10 * time.Minute)) // still inside the window of the first wrong code
	if _, err := tw.a.CheckIn(vctx, tue.ID, tue.CheckinCode); !app.IsCode(err, app.ERATELIMITED) {
		t.Errorf("another shift during the window = %v, want rate limited", err)
	}
	// Refused tries are not counted: once the window has passed the first wrong codes, the
	// right code works again.
	tw.clock.Set(mon.StartsAt.Add(-5*time.Minute + app.CheckinAttemptWindow + time.Second))
	if _, err := tw.a.CheckIn(vctx, mon.ID, mon.CheckinCode); err != nil {
		t.Fatalf("right code after the window = %v, want checked in", err)
	}
}

func TestWrongCheckinCodesAreLimitedPerShift(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	_, shifts := tw.mealTask(t)
	vctx := tw.as(t, "volunteer")
	mon := shifts[0]
	if _, err := tw.a.SignUp(vctx, mon.ID); err != nil {
		t.Fatalf("SignUp: %v", err)
	}
	tw.clock.Set(mon.StartsAt.Add(-5 * time.Minute))
	// Other volunteers have typed many wrong codes for this shift (each within their own limit).
	ctx := context.Background()
	for i := 0; i < app.CheckinMaxWrongByShift; i++ {
		u, _ := newMember(t, tw, "猜码"+string(rune('a'+i)))
		v := &app.Volunteer{UserID: &u.ID, Name: u.Name, CommunityID: tw.w.A.Community.ID, Active: true, MaxHoursPerWeek: 4}
		if err := tw.store.CreateVolunteer(ctx, v); err != nil {
			t.Fatal(err)
		}
		if err := tw.store.RecordCheckinAttempt(ctx, &app.CheckinAttempt{ShiftID: mon.ID, VolunteerID: v.ID, AttemptedAt: tw.clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tw.a.CheckIn(vctx, mon.ID, mon.CheckinCode); !app.IsCode(err, app.ERATELIMITED) {
		t.Fatalf("right code on a shift with %d wrong codes = %v, want rate limited", app.CheckinMaxWrongByShift, err)
	}
	tw.clock.Advance(app.CheckinAttemptWindow + time.Second)
	if _, err := tw.a.CheckIn(vctx, mon.ID, mon.CheckinCode); err != nil {
		t.Fatalf("right code after the window = %v, want checked in", err)
	}
}

// Concurrent wrong codes cannot slip under the limit together: however many arrive at once,
// at most the limit is judged wrong; the rest are refused.
func TestConcurrentWrongCheckinCodesAreLimited(t *testing.T) {
	t.Parallel()
	tw := newTaskWorld(t)
	_, shifts := tw.mealTask(t)
	vctx := tw.as(t, "volunteer")
	mon := shifts[0]
	if _, err := tw.a.SignUp(vctx, mon.ID); err != nil {
		t.Fatalf("SignUp: %v", err)
	}
	tw.clock.Set(mon.StartsAt.Add(-5 * time.Minute))
	const n = 20
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := tw.a.CheckIn(vctx, mon.ID, wrongCodeFor(mon))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	wrong := 0
	for err := range errs {
		switch {
		case app.IsCode(err, app.EINVALID):
			wrong++
		case app.IsCode(err, app.ERATELIMITED):
		default:
			t.Errorf("concurrent wrong code = %v, want invalid or rate limited", err)
		}
	}
	if wrong > app.CheckinMaxWrongByVolunteer {
		t.Errorf("%d concurrent wrong codes were judged, want at most %d", wrong, app.CheckinMaxWrongByVolunteer)
	}
}
