package app_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

// TestGridWorkerPicker: the grid form's worker is picked from the community's grid and
// community workers (issue 12: it was a typed user id), and CreateGrid/UpdateGrid refuse
// anyone else on worker_id — a resident, another community's worker — even sent by hand.
func TestGridWorkerPicker(t *testing.T) {
	t.Parallel()
	a, s := apptest.NewApp(t, apptest.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, cst)))
	w := apptest.NewWorld(t, s, apptest.Hasher())
	ctx := w.As(t, a, "admin")
	cid := w.A.Community.ID
	groups, err := a.GridWorkerChoices(ctx, &cid)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[int64]bool{}
	for _, g := range groups {
		if g.Label != w.A.Community.Name {
			t.Errorf("group %q, want only %s", g.Label, w.A.Community.Name)
		}
		for _, c := range g.Choices {
			id, _ := strconv.ParseInt(c.Value, 10, 64)
			listed[id] = true
		}
	}
	for name, want := range map[string]bool{"grid_worker": true, "community_worker": true, "resident": false, "volunteer": false, "worker_b": false, "committee_member": false} {
		if listed[w.Users[name].ID] != want {
			t.Errorf("%s listed = %v, want %v", name, !want, want)
		}
	}
	// Without a community: one group per community the user may manage grids in.
	all, err := a.GridWorkerChoices(ctx, nil)
	if err != nil || len(all) != 2 {
		t.Errorf("admin's groups without a community: %d %v, want A and B", len(all), err)
	}
	if own, err := a.GridWorkerChoices(w.As(t, a, "resident"), nil); err != nil || len(own) != 0 {
		t.Errorf("a resident is offered %v (%v)", own, err)
	}

	in := app.GridInput{CommunityID: cid, Name: "第9网格", Level: "routine"}
	for _, name := range []string{"resident", "worker_b"} {
		bad := in
		bad.WorkerID = &w.Users[name].ID
		if _, err := a.CreateGrid(ctx, bad); !app.IsCode(err, app.EINVALID) || !hasField(err, "worker_id") {
			t.Errorf("a grid with %s as its worker: %v, want 422 on worker_id", name, err)
		}
	}
	in.WorkerID = &w.Users["community_worker"].ID
	g, err := a.CreateGrid(ctx, in)
	if err != nil {
		t.Fatalf("a grid with the community worker: %v", err)
	}
	in.WorkerID = &w.Users["resident"].ID
	if _, err := a.UpdateGrid(ctx, g.ID, in); !app.IsCode(err, app.EINVALID) || !hasField(err, "worker_id") {
		t.Errorf("moving the grid to a resident: %v, want 422 on worker_id", err)
	}
	in.WorkerID = &w.Users["community_worker"].ID
	in.Households = 250
	if _, err := a.UpdateGrid(ctx, g.ID, in); err != nil {
		t.Errorf("keeping the worker: %v", err)
	}
}
