package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/store"
)

// migrationPlace is the start of a migration test: an empty database migrated to a version,
// with a street, a community and a user written in it, and a must that fails the test.
type migrationPlace struct {
	s         *store.Store
	must      func(error)
	street    *app.Street
	community *app.Community
	user      *app.User
}

// placeAt opens an empty database, migrates it to version and writes the place's rows.
func placeAt(t *testing.T, version int64, email string) migrationPlace {
	t.Helper()
	ctx := context.Background()
	m := migrationPlace{s: apptest.OpenUnmigrated(t)}
	m.must = func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	m.must(m.s.MigrateTo(ctx, version))
	m.street = &app.Street{Name: "当湖街道", District: "测试区", City: "测试市"}
	m.must(m.s.CreateStreet(ctx, m.street))
	m.community = &app.Community{StreetID: m.street.ID, Name: "东湖社区", Kind: app.KindUrban, SLAMajorHours: 24, SLAHardHours: 168}
	m.must(m.s.CreateCommunity(ctx, m.community))
	m.user = &app.User{Email: &email, Name: "测试", PasswordHash: "x", Locale: "zh-CN", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	m.must(m.s.CreateUser(ctx, m.user))
	return m
}
