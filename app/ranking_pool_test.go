package app_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/demo"
	"github.com/wushe/wushe/app/store"
)

// TestRankingFilteredEqualsFull ranks needs, projects and tasks all over a generated town
// twice — over the candidates ranking now loads (the community's volunteers, the organizations
// registered for the category or all of them when those do not fill the list, the donors of
// the community or interested in the category and the first of the rest) and over every
// candidate of the town, as ranking loaded them before — with several kinds and limits, and
// checks that the results are identical, that the filtered load read fewer organizations and
// donors where it could, and that the fallback to every organization was taken too.
func TestRankingFilteredEqualsFull(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	s := apptest.OpenTemplate(t, "town 2026-11-24 ranking", func(ctx context.Context, s *store.Store) error {
		_, err := demo.LoadCity(ctx, s, apptest.Hasher(), now, "town password", demo.Scales["town"], nil)
		return err
	})
	a := app.New(app.Deps{Store: s, Clock: apptest.NewClock(now), Hasher: apptest.Hasher()})
	ctx := context.Background()
	admin := app.WithPrincipal(ctx, &app.Principal{User: &app.User{ID: 1}, Memberships: []app.Membership{{UserID: 1, Role: app.RoleAdmin}}})
	ids := func(q string) []int64 {
		t.Helper()
		var out []int64
		if err := s.DB(ctx).Raw(q).Scan(&out).Error; err != nil {
			t.Fatal(err)
		}
		return out
	}
	// A custom profile in one community: the filter must hold whatever the weights.
	var tuned int64 = ids("SELECT MAX(id) FROM communities")[0]
	prof := app.CommunityProfile{CommunityID: tuned, Profile: `{"weights":{"fit":1,"distance":5,"availability":1,"reputation":3,"reliability":1,"locality":0.5,"interest":2,"giving":1},` +
		`"kinds":{"volunteer":1,"organization":1,"donor":1},"load_penalty":0.5,"distance_half_meters":800,` +
		`"reputation_prior":{"mean":4,"weight":10},"reliability_prior":{"mean":0.9,"weight":5}}`, UpdatedBy: 1, UpdatedAt: now}
	if err := s.SaveCommunityProfile(ctx, &prof); err != nil {
		t.Fatal(err)
	}
	subjects := map[string][]int64{
		app.SubjectNeed:    ids("SELECT id FROM needs WHERE id % 151 = 1 ORDER BY id"),
		app.SubjectProject: ids("SELECT id FROM projects WHERE status <> 'draft' AND id % 2 = 1 ORDER BY id"),
		app.SubjectTask:    ids("SELECT id FROM tasks WHERE id % 3 = 1 ORDER BY id"),
	}
	var totalOrgs, totalDonors int
	if err := s.DB(ctx).Raw("SELECT COUNT(*) FROM organizations").Scan(&totalOrgs).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.DB(ctx).Raw("SELECT COUNT(*) FROM donors").Scan(&totalDonors).Error; err != nil {
		t.Fatal(err)
	}
	var cases, fewerOrgs, allOrgs, fewerDonors int
	for subject, list := range subjects {
		if len(list) < 3 {
			t.Fatalf("only %d %ss in the town", len(list), subject)
		}
		for _, id := range list {
			for _, kinds := range [][]string{nil, {"donor", "volunteer"}} {
				for _, limit := range []int{0, 3, 100} {
					got, loaded, err := a.RankCandidatesForTest(admin, subject, id, kinds, limit, false)
					if err != nil {
						t.Fatalf("%s %d: %v", subject, id, err)
					}
					want, all, err := a.RankCandidatesForTest(admin, subject, id, kinds, limit, true)
					if err != nil {
						t.Fatalf("%s %d full: %v", subject, id, err)
					}
					if all[1] != totalOrgs || all[2] != totalDonors {
						t.Fatalf("the full load read %v, want every organization (%d) and donor (%d)", all, totalOrgs, totalDonors)
					}
					cases++
					if !reflect.DeepEqual(got, want) {
						g, _ := json.Marshal(got)
						w, _ := json.Marshal(want)
						t.Fatalf("%s %d kinds %v limit %d on %s: the filtered load ranks differently\nfiltered %s\nfull     %s",
							subject, id, kinds, limit, apptest.Dialect(), g, w)
					}
					if kinds == nil {
						if loaded[1] < totalOrgs {
							fewerOrgs++
						} else {
							allOrgs++
						}
					}
					if kinds == nil || kinds[0] == "donor" {
						if loaded[2] < totalDonors {
							fewerDonors++
						}
					}
				}
			}
		}
	}
	t.Logf("%d rankings equal on %s; organizations filtered in %d, all loaded in %d; donors filtered in %d",
		cases, apptest.Dialect(), fewerOrgs, allOrgs, fewerDonors)
	if fewerOrgs == 0 || allOrgs == 0 || fewerDonors == 0 {
		t.Errorf("the cases did not exercise both paths: organizations filtered %d, all %d; donors filtered %d", fewerOrgs, allOrgs, fewerDonors)
	}
}
