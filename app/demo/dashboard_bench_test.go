package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/demo"
	"github.com/wushe/wushe/app/store"
)

// BenchmarkDashboard times the dashboard use cases on the demo data set: one community over
// its whole history, and the city roll-up as its officer sees it (docs/metrics.md has the
// figures for both dialects).
func BenchmarkDashboard(b *testing.B) {
	a, s := loadDemo(b)
	officer := as(b, a, s, "officer@wushe.local")
	fs, err := a.Funds(context.Background(), nil)
	if err != nil || len(fs) == 0 {
		b.Fatalf("funds %v %v", fs, err)
	}
	community := fs[0].CommunityID
	p, err := a.ParsePeriod("2026-01-01", "2026-12-31")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("community", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.CommunityDashboard(officer, community, p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("city", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.CityDashboard(officer, p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDashboardTown does the same on the town scale of the city generator (4
// communities, 12 grids, 1,200 needs over a year), as an admin sees it (the town has no
// admin sign-in: the demo officer's account with an admin membership stands in).
func BenchmarkDashboardTown(b *testing.B) {
	now := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	s := apptest.OpenTemplate(b, "town "+now.Format(time.RFC3339), func(ctx context.Context, s *store.Store) error {
		_, err := demo.LoadCity(ctx, s, apptest.Hasher(), now, "town password", demo.Scales["town"], nil)
		return err
	})
	a := app.New(app.Deps{Store: s, Clock: apptest.NewClock(now), Hasher: apptest.Hasher()})
	u, err := s.FindUserByLogin(context.Background(), "officer@wushe.local")
	if err != nil {
		b.Fatal(err)
	}
	admin := app.WithPrincipal(context.Background(), &app.Principal{User: u, Memberships: []app.Membership{{UserID: u.ID, Role: app.RoleAdmin}}})
	p, err := a.ParsePeriod("2025-11-24", "2026-11-24")
	if err != nil {
		b.Fatal(err)
	}
	cs, _, err := a.Communities(admin, app.CommunityFilter{Page: app.Page{Page: 1, PerPage: 10}})
	if err != nil || len(cs) == 0 {
		b.Fatalf("communities %v %v", cs, err)
	}
	d, err := a.CityDashboard(admin, p)
	if err != nil || d.Needs.Filed == 0 {
		b.Fatalf("city dashboard %+v %v: want the town's needs", d, err)
	}
	b.Run("community", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.CommunityDashboard(admin, cs[0].ID, p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("city", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.CityDashboard(admin, p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
