package app_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// A need is assigned through a picker of its community's staff: the page lists them (and no
// resident, no staff of another community), and the use case refuses anyone else even when
// the id is sent by hand.
func TestNeedAssigneePickerListsOnlyCommunityStaff(t *testing.T) {
	t.Parallel()
	a, w, _ := newNeedWorld(t, time.Date(2026, 11, 24, 9, 0, 0, 0, cst))
	n, err := a.CreateNeed(w.As(t, a, "resident"), app.NeedInput{GridID: w.A.Grids[0].ID, Category: "meal_delivery", Tier: app.TierMinor, Title: "需要送餐"})
	if err != nil {
		t.Fatal(err)
	}
	page, err := a.NeedDetail(w.As(t, a, "community_worker"), n.ID)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, c := range page.AssigneeChoices {
		listed[c.Value] = true
		if c.Label == "" {
			t.Errorf("choice %s has no name", c.Value)
		}
	}
	id := func(user string) string { return strconv.FormatInt(w.Users[user].ID, 10) }
	for _, staff := range []string{"grid_worker", "community_worker"} {
		if !listed[id(staff)] {
			t.Errorf("the picker does not list %s", staff)
		}
	}
	for _, other := range []string{"resident", "worker_b", "outsider"} {
		if listed[id(other)] {
			t.Errorf("the picker lists %s", other)
		}
	}
	if p, err := a.NeedDetail(w.As(t, a, "resident"), n.ID); err != nil {
		t.Fatal(err)
	} else if len(p.AssigneeChoices) != 0 {
		t.Errorf("a resident who may not assign sees %d assignee choices", len(p.AssigneeChoices))
	}
	for _, other := range []string{"resident", "worker_b"} {
		_, err := a.AssignNeed(w.As(t, a, "community_worker"), n.ID, w.Users[other].ID)
		var e *app.Error
		if !errors.As(err, &e) || e.Code != app.EINVALID || e.Fields["assignee_id"].ID == "" {
			t.Errorf("assigning %s: %v, want a field error on assignee_id", other, err)
		}
	}
	if _, err := a.AssignNeed(w.As(t, a, "community_worker"), n.ID, w.Users["grid_worker"].ID); err != nil {
		t.Errorf("assigning the grid worker: %v", err)
	}
}
