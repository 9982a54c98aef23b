package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

// placeRefs are the community, grid and organization an input names (0: none).
type placeRefs struct{ community, grid, org int64 }

func optional(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// TestPlaceReferences checks every use case that takes a community, grid or organization by
// id answers the same way through the one resolver: an unknown id is error.unknown_ref on the
// field naming it, a grid outside the community is error.grid_not_in_community, and the place
// the permission is checked against is the named record's, never taken on trust.
func TestPlaceReferences(t *testing.T) {
	t.Parallel()
	a, s := apptest.NewApp(t, apptest.NewClock(time.Date(2026, 11, 24, 9, 0, 0, 0, cst)))
	w := apptest.NewWorld(t, s, apptest.Hasher())
	org := &app.Organization{Name: "西林寺商户", Kind: "merchant", CommunityID: &w.B.Community.ID, StreetID: &w.B.Street.ID}
	if err := s.CreateOrganization(context.Background(), org); err != nil {
		t.Fatal(err)
	}
	const unknown = 999999
	useCases := []struct {
		name   string
		grid   bool // the input names a grid
		org    bool // the input names an organization
		create func(ctx context.Context, r placeRefs) error
	}{
		{"volunteer", true, true, func(ctx context.Context, r placeRefs) error {
			_, err := a.CreateVolunteer(ctx, app.VolunteerInput{Name: "王小明", CommunityID: r.community, GridID: optional(r.grid), OrganizationID: optional(r.org)})
			return err
		}},
		{"project", true, true, func(ctx context.Context, r placeRefs) error {
			_, err := a.CreateProject(ctx, app.ProjectInput{CommunityID: r.community, GridID: optional(r.grid), OrganizationID: optional(r.org),
				Title: "楼道微改造", Description: "说明", Category: "environment"})
			return err
		}},
		{"task", true, false, func(ctx context.Context, r placeRefs) error {
			_, err := a.CreateTask(ctx, app.TaskInput{CommunityID: r.community, GridID: optional(r.grid), Title: "助餐送餐", Category: "meal_delivery"})
			return err
		}},
		{"donor", false, true, func(ctx context.Context, r placeRefs) error {
			kind := "resident" // a merchant must name its organization
			if r.org != 0 {
				kind = "merchant"
			}
			_, err := a.CreateDonor(ctx, app.DonorInput{Kind: kind, Name: "老街面馆", CommunityID: optional(r.community), OrganizationID: optional(r.org)})
			return err
		}},
		{"social worker", false, true, func(ctx context.Context, r placeRefs) error {
			_, err := a.CreateSocialWorker(ctx, app.SocialWorkerInput{Name: "李社工", CertificationLevel: "assistant",
				CommunityID: optional(r.community), OrganizationID: optional(r.org)})
			return err
		}},
		{"fund", false, false, func(ctx context.Context, r placeRefs) error {
			_, err := a.CreateFund(ctx, app.FundInput{Name: "社区基金", CommunityID: r.community})
			return err
		}},
		{"grid", false, false, func(ctx context.Context, r placeRefs) error {
			_, err := a.CreateGrid(ctx, app.GridInput{CommunityID: r.community, Name: "第9网格", Code: "G09", Level: "routine"})
			return err
		}},
	}
	ca, cb := w.A.Community.ID, w.B.Community.ID
	for _, uc := range useCases {
		type want struct {
			refs   placeRefs
			fields map[string]string // field → message id; nil: accepted
		}
		cases := []want{{placeRefs{community: unknown}, map[string]string{"community_id": "error.unknown_ref"}}}
		if uc.grid {
			cases = append(cases,
				want{placeRefs{community: ca, grid: unknown}, map[string]string{"grid_id": "error.unknown_ref"}},
				want{placeRefs{community: ca, grid: w.B.Grids[0].ID}, map[string]string{"grid_id": "error.grid_not_in_community"}},
				want{placeRefs{community: unknown, grid: w.A.Grids[0].ID}, map[string]string{"community_id": "error.unknown_ref", "grid_id": "error.grid_not_in_community"}})
		}
		if uc.org {
			cases = append(cases, want{placeRefs{community: ca, org: unknown}, map[string]string{"organization_id": "error.unknown_ref"}})
		}
		for _, c := range cases {
			err := uc.create(w.As(t, a, "admin"), c.refs)
			var e *app.Error
			if !asError(err, &e) || e.Code != app.EINVALID {
				t.Errorf("%s %+v: err = %v, want EINVALID", uc.name, c.refs, err)
				continue
			}
			for _, f := range []string{"community_id", "grid_id", "organization_id"} {
				if got, want := e.Fields[f].ID, c.fields[f]; got != want {
					t.Errorf("%s %+v: %s = %q, want %q (fields %v)", uc.name, c.refs, f, got, want, e.Fields)
				}
			}
		}
		// The permission is checked in the place the record names: B's worker may create in B,
		// A's may not, whatever else the input says.
		refs := placeRefs{community: cb}
		if uc.grid {
			refs.grid = w.B.Grids[0].ID
		}
		if uc.org {
			refs.org = org.ID
		}
		if uc.name == "social worker" || uc.name == "grid" || uc.name == "fund" {
			// Managed above the community worker: the admin stands in for B's office.
			if err := uc.create(w.As(t, a, "admin"), refs); err != nil {
				t.Errorf("%s in B as admin: %v", uc.name, err)
			}
			continue
		}
		if err := uc.create(w.As(t, a, "community_worker"), refs); !app.IsCode(err, app.EFORBIDDEN) {
			t.Errorf("%s in B as A's community worker = %v, want forbidden", uc.name, err)
		}
		if err := uc.create(w.As(t, a, "worker_b"), refs); err != nil {
			t.Errorf("%s in B as B's community worker: %v", uc.name, err)
		}
	}
}
