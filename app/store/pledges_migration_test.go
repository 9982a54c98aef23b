package store_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
)

// TestMigrationPledges checks 00018 on the test dialect: gifts that succeeded before it get a
// receipt code (24 hex digits, each different) and pending ones none; the pledges table keeps
// a pledge and refuses one received without its gift, a bad method or a zero amount; the
// migration goes down and up again, the second time handing out new codes.
func TestMigrationPledges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := placeAt(t, 17, "p@test.wushe")
	s, must, c, u := m.s, m.must, m.community, m.user
	now := time.Now().UTC()
	db := s.DB(ctx)
	must(db.Exec(`INSERT INTO projects (community_id, proposer_id, title, category, budget, status)
		VALUES (?, ?, '3号楼加装楼道扶手', 'elderly_care', 1800000, 'approved')`, c.ID, u.ID).Error)
	must(db.Exec(`INSERT INTO funds (community_id, name) VALUES (?, '东湖友邻基金')`, c.ID).Error)
	var pid, fid int64
	must(db.Raw(`SELECT id FROM projects`).Scan(&pid).Error)
	must(db.Raw(`SELECT id FROM funds`).Scan(&fid).Error)
	must(db.Exec(`INSERT INTO campaigns (fund_id, project_id, title, goal, deadline, mode, status)
		VALUES (?, ?, '扶手众筹', 100000, ?, 'keep_what_you_raise', 'open')`, fid, pid, now.Add(240*time.Hour)).Error)
	var cid int64
	must(db.Raw(`SELECT id FROM campaigns`).Scan(&cid).Error)
	gift := func(key, status string, succeeded *time.Time) {
		must(db.Exec(`INSERT INTO contributions (campaign_id, fund_id, user_id, donor_key, source, amount, channel, status, succeeded_at)
			VALUES (?, ?, ?, ?, 'resident', 5000, 'offline', ?, ?)`, cid, fid, u.ID, key, status, succeeded).Error)
	}
	gift("user:1", "succeeded", &now)
	gift("user:2", "succeeded", &now)
	gift("user:3", "pending", nil)

	must(s.MigrateTo(ctx, 18))
	codes := func() map[string]bool {
		t.Helper()
		var rows []struct {
			DonorKey    string
			ReceiptCode *string
		}
		must(db.Raw(`SELECT donor_key, receipt_code FROM contributions ORDER BY id`).Scan(&rows).Error)
		out := map[string]bool{}
		hex := regexp.MustCompile(`^[0-9A-F]{24}$`)
		for _, r := range rows {
			switch {
			case r.DonorKey == "user:3" && r.ReceiptCode != nil:
				t.Errorf("a pending gift got receipt code %q", *r.ReceiptCode)
			case r.DonorKey != "user:3" && (r.ReceiptCode == nil || !hex.MatchString(*r.ReceiptCode)):
				t.Errorf("gift %s: receipt code %v", r.DonorKey, r.ReceiptCode)
			case r.ReceiptCode != nil:
				out[*r.ReceiptCode] = true
			}
		}
		if len(out) != 2 {
			t.Errorf("codes %v, want two different", out)
		}
		return out
	}
	first := codes()
	for code := range first {
		got, err := s.FindContributionByReceipt(ctx, code)
		if err != nil || got.CampaignID != cid {
			t.Errorf("FindContributionByReceipt(%s) = %+v, %v", code, got, err)
		}
	}
	pl := &app.Pledge{CampaignID: cid, FundID: fid, UserID: u.ID, Amount: 20000, Currency: "CNY", Method: "cash", Status: app.PledgePledged, CreatedAt: now, UpdatedAt: now}
	must(s.CreatePledge(ctx, pl))
	back, err := s.FindPledge(ctx, pl.ID)
	must(err)
	if back.Amount != 20000 || back.Status != app.PledgePledged || back.ContributionID != nil {
		t.Errorf("pledge read back %+v", back)
	}
	for name, q := range map[string]string{
		"received without a gift": `INSERT INTO pledges (campaign_id, fund_id, user_id, amount, method, status) VALUES (?, ?, ?, 100, 'cash', 'received')`,
		"card":                    `INSERT INTO pledges (campaign_id, fund_id, user_id, amount, method, status) VALUES (?, ?, ?, 100, 'card', 'pledged')`,
		"zero amount":             `INSERT INTO pledges (campaign_id, fund_id, user_id, amount, method, status) VALUES (?, ?, ?, 0, 'cash', 'pledged')`,
	} {
		if err := db.Exec(q, cid, fid, u.ID).Error; err == nil {
			t.Errorf("a pledge %s was stored", name)
		}
	}

	must(s.MigrateDownTo(ctx, 17))
	if err := db.Exec(`SELECT 1 FROM pledges`).Error; err == nil {
		t.Error("pledges survived the down migration")
	}
	must(s.MigrateTo(ctx, 18))
	for code := range codes() {
		if first[code] {
			t.Errorf("code %s handed out twice", code)
		}
	}
}
