package store_test

import (
	"context"
	"slices"
	"sort"
	"sync"
	"testing"

	"gorm.io/gorm/schema"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

// models lists every record type the store maps to a table.
var models = []any{
	&app.Street{}, &app.Community{}, &app.Grid{}, &app.User{}, &app.Membership{}, &app.Category{},
	&app.Skill{}, &app.Need{}, &app.Organization{}, &app.SocialWorker{}, &app.Volunteer{}, &app.Donor{},
	&app.Project{}, &app.AuditEvent{}, &app.APIToken{},
	&app.Tender{}, &app.TenderCriterion{}, &app.TenderBid{}, &app.TenderDeclaration{}, &app.TenderScore{}, &app.TenderResult{},
	&app.Task{}, &app.Shift{}, &app.Signup{}, &app.HoursEntry{}, &app.Evaluation{}, &app.CommunityProfile{}, // tasks (issue 3)
	&app.SearchOutboxItem{},
	&app.CheckinAttempt{}, // wrong check-in codes
	&app.JobRun{},         // job leases (several servers)
	// funds
	&app.Fund{}, &app.FundPool{}, &app.FundPoolRule{}, &app.FundPoolDeposit{}, &app.Campaign{}, &app.CampaignDonor{},
	&app.Pledge{}, &app.Contribution{}, &app.FundMatch{}, &app.LedgerTransaction{}, &app.LedgerEntry{}, &app.DonorFlag{}, &app.PaymentEvent{},
	&app.Disbursement{}, &app.DisbursementVote{}, &app.DisbursementEvidence{}, &app.QFAward{},
	// micro-projects, steps 1–3 (issue 11)
	&app.ProjectSettings{}, &app.ProjectSupport{}, &app.ProjectComment{}, &app.ProjectRevision{}, &app.ProjectVote{}, &app.PaperBallot{},
	&app.ProjectMeeting{}, &app.MeetingAttendee{},
	// notifications (issue 13)
	&app.Notification{}, &app.NotificationPref{}, &app.NotificationSettings{}, &app.EmailOutboxItem{},
	// imports, data rights, love supermarket (issue 14)
	&app.ImportJob{}, &app.PrivacyConsent{}, &app.AccountErasure{}, &app.PointsSettings{}, &app.PointsTransaction{}, &app.PointsEntry{},
	&app.ShopItem{}, &app.Redemption{},
	// project delivery (issue 11)
	&app.ProjectDelivery{}, &app.ProjectMilestone{}, &app.ProjectUpdate{}, &app.ProjectRating{}, &app.NeedRating{},
	&app.ProjectPhoto{},
	&app.Attachment{},
}

// TestMigrationsMatchModels applies every migration on the test dialect (SQLite by default,
// PostgreSQL with TEST_DATABASE_URL) and checks that each model's fields are exactly the
// columns of its table, so a model change without a migration (or the reverse) fails here.
func TestMigrationsMatchModels(t *testing.T) {
	t.Parallel()
	s := apptest.OpenStore(t)
	ctx := context.Background()
	st, err := s.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) == 0 {
		t.Fatal("no migrations found")
	}
	for _, m := range st {
		if !m.Applied {
			t.Errorf("migration %d %s not applied", m.Version, m.Name)
		}
	}
	if pending, err := s.Pending(ctx); err != nil || pending {
		t.Errorf("Pending() = %v, %v after migrating", pending, err)
	}
	db := s.DB(ctx)
	cache := &sync.Map{}
	for _, m := range models {
		sch, err := schema.Parse(m, cache, db.NamingStrategy)
		if err != nil {
			t.Fatalf("parse %T: %v", m, err)
		}
		// The result columns of an empty select name the table's columns on both dialects;
		// GORM's ColumnTypes on PostgreSQL joins information_schema views whose plan grows
		// with every foreign key and took minutes on the needs table.
		rows, err := db.Raw(`SELECT * FROM "` + sch.Table + `" LIMIT 0`).Rows()
		if err != nil {
			t.Fatalf("columns of %s: %v", sch.Table, err)
		}
		inDB, err := rows.Columns()
		rows.Close()
		if err != nil {
			t.Fatalf("columns of %s: %v", sch.Table, err)
		}
		var inModel []string
		for _, f := range sch.Fields {
			if f.DBName != "" {
				inModel = append(inModel, f.DBName)
			}
		}
		sort.Strings(inDB)
		sort.Strings(inModel)
		if !slices.Equal(inDB, inModel) {
			t.Errorf("%s (%s): table columns %v\nmodel fields %v", sch.Table, apptest.Dialect(), inDB, inModel)
		}
	}
	// The seeded taxonomies are there, in both languages.
	cats, err := s.ListCategories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cats) < 15 {
		t.Errorf("got %d categories, want at least 15", len(cats))
	}
	for _, c := range cats {
		if c.NameZh == "" || c.NameEn == "" || c.Code == "" {
			t.Errorf("category %+v lacks a code or a name", c)
		}
	}
	skills, err := s.ListSkills(ctx)
	if err != nil || len(skills) < 20 {
		t.Errorf("ListSkills = %d skills, %v", len(skills), err)
	}
}

// TestMigrateTwice checks that migrating an up-to-date database is a no-op.
func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	s := apptest.OpenStore(t)
	if err := s.Migrate(context.Background(), nil); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
}
