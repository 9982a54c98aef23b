package store_test

import (
	"context"
	"testing"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
)

// TestMultiRowWriteIsAtomic fails a write half-way (the organization row goes in, then one of
// its category rows breaks a foreign key) and checks that nothing of it remains.
func TestMultiRowWriteIsAtomic(t *testing.T) {
	t.Parallel()
	s := apptest.OpenStore(t)
	ctx := context.Background()
	o := &app.Organization{Name: "半途而废服务中心", Kind: "social_org", Categories: []string{"elderly_care", "no_such_category"}}
	if err := s.CreateOrganization(ctx, o); err == nil {
		t.Fatal("create with an unknown category succeeded")
	}
	os, total, err := s.FindOrganizations(ctx, app.OrganizationFilter{Page: app.Page{Page: 1, PerPage: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if total != 0 || len(os) != 0 {
		t.Fatalf("a failed write left %d organizations behind", total)
	}
	// The same inside an outer transaction: the caller's earlier writes roll back too.
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.CreateStreet(ctx, &app.Street{Name: "回滚街道"}); err != nil {
			return err
		}
		return s.CreateOrganization(ctx, &app.Organization{Name: "x", Kind: "social_org", Categories: []string{"nope"}})
	})
	if err == nil {
		t.Fatal("outer transaction succeeded")
	}
	streets, _ := s.ListStreets(ctx)
	if len(streets) != 0 {
		t.Fatalf("outer transaction left %d streets", len(streets))
	}
}
