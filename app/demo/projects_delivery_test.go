package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/demo"
)

// TestDemoDelivery: 东湖社区 shows a 助餐点 in progress (campaign, tasks, two updates) and a
// completed 口袋公园 with ratings and a whole money trail that equals its fund's ledger.
func TestDemoDelivery(t *testing.T) {
	now := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	a, s := apptest.NewApp(t, apptest.NewClock(now))
	ctx := context.Background()
	if _, err := demo.Load(ctx, s, apptest.Hasher(), now, "demo password"); err != nil {
		t.Fatal(err)
	}
	find := func(title string) *app.ProjectView {
		t.Helper()
		ps, _, err := a.Projects(ctx, app.ProjectFilter{Q: title})
		if err != nil || len(ps) != 1 {
			t.Fatalf("project %s: %d %v", title, len(ps), err)
		}
		return ps[0]
	}
	meals := find("东湖长者食堂")
	if meals.Status != app.ProjectInProgress || len(meals.Delivery.CampaignIDs) != 1 || len(meals.Delivery.TaskIDs) != 2 {
		t.Errorf("助餐点: %s %+v", meals.Status, meals.Delivery)
	}
	if us, err := a.ProjectUpdates(ctx, meals.ID); err != nil || len(us) != 2 {
		t.Errorf("助餐点 updates %d %v", len(us), err)
	}
	// Step 1's photos: the deliberating handrail project carries a drawn PNG anyone may read.
	rail := find("3号楼加装楼道扶手")
	if len(rail.Photos) != 1 || rail.Photos[0].ContentType != "image/png" {
		t.Fatalf("扶手 photos = %+v", rail.Photos)
	}
	if ph, err := a.ProjectPhotoFile(ctx, rail.Photos[0].ID); err != nil || len(ph.Data) < 100 || string(ph.Data[1:4]) != "PNG" {
		t.Errorf("扶手 photo file: %v", err)
	}
	park := find("口袋公园改造")
	d := park.Delivery
	if park.Status != app.ProjectCompleted || d.Rating.Count != 5 || d.Rating.Overall == nil {
		t.Errorf("口袋公园: %s rating %+v", park.Status, d.Rating)
	}
	acc := d.Accountability
	if acc.Raised["resident"] != 100000 || acc.Raised["merchant"] != 140000 || acc.Raised["unit"] != 100000 || acc.Matched == 0 || acc.Spent != 420000 {
		t.Errorf("口袋公园 money %+v", acc)
	}
	if acc.RaisedTotal()+acc.Matched-acc.Spent != acc.Left {
		t.Errorf("口袋公园 figures do not add up: %+v", acc)
	}
	trail, err := a.ProjectAccountability(ctx, park.ID)
	if err != nil || len(trail.Disbursements) != 1 || len(trail.Disbursements[0].Evidence) != 1 {
		t.Errorf("口袋公园 trail %+v %v", trail, err)
	}
}
