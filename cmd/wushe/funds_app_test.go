package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/store"
)

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2026-11-01T00:00:00Z": time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		"2026-11-02":           time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
		"48h":                  now.Add(-48 * time.Hour),
	} {
		if got, err := parseSince(in, now); err != nil || !got.Equal(want) {
			t.Errorf("parseSince(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "yesterday", "-5h"} {
		if _, err := parseSince(bad, now); err == nil {
			t.Errorf("parseSince(%q) accepted", bad)
		}
	}
}

func TestFundsCommands(t *testing.T) {
	dir := t.TempDir()
	mock := os.Getenv("WUSHE_TEST_STRIPE_MOCK_URL")
	env := func(out *bytes.Buffer, stripe bool) *Env {
		return &Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: out, Getenv: func(k string) string {
			switch k {
			case "WUSHE_DATA_DIR":
				return dir
			case "WUSHE_STRIPE_SECRET_KEY":
				if stripe {
					return "sk_test_123"
				}
			case "WUSHE_STRIPE_WEBHOOK_SECRET":
				if stripe {
					return "whsec_test"
				}
			case "WUSHE_STRIPE_API_URL":
				return mock
			}
			return ""
		}}
	}
	var out bytes.Buffer
	if code := Run(context.Background(), []string{"funds", "close-campaigns"}, env(&out, false)); code != 0 || !strings.Contains(out.String(), "settled 0 campaigns") {
		t.Errorf("close-campaigns = %d %s", code, out.String())
	}
	out.Reset()
	if code := Run(context.Background(), []string{"funds", "check"}, env(&out, false)); code != 0 || !strings.Contains(out.String(), "balances") {
		t.Errorf("funds check = %d %s", code, out.String())
	}
	out.Reset()
	if code := Run(context.Background(), []string{"funds", "reconcile", "--since", "soon"}, env(&out, false)); code != 2 {
		t.Errorf("reconcile with a bad --since = %d %s", code, out.String())
	}
	out.Reset()
	if code := Run(context.Background(), []string{"funds", "reconcile", "--since", "24h"}, env(&out, false)); code != 1 || !strings.Contains(out.String(), "offline") {
		t.Errorf("reconcile without Stripe = %d %s", code, out.String())
	}
	if mock == "" {
		t.Skip("WUSHE_TEST_STRIPE_MOCK_URL is not set; run scripts/test.sh to start stripe-mock")
	}
	out.Reset()
	if code := Run(context.Background(), []string{"funds", "reconcile", "--since", "24h"}, env(&out, true)); code != 0 || !strings.Contains(out.String(), "checked") {
		t.Errorf("reconcile = %d %s", code, out.String())
	}
}

// TestFundsCheckNamesBadTransaction: `wushe funds check` on a database holding an offline gift
// of 9,223,372,036,854,775,802 fen from before the money bounds exits 1 and names the ledger
// transaction that posted it (SQLite; the app test covers PostgreSQL).
func TestFundsCheckNamesBadTransaction(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{SQLitePath: filepath.Join(dir, "wushe.db")})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MigrateTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	lm := apptest.WriteLegacyMoney(t, s, apptest.NewWorld(t, s, apptest.Hasher()))
	if err := s.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	var out bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Getenv: func(k string) string {
		if k == "WUSHE_DATA_DIR" {
			return dir
		}
		return ""
	}}
	code := Run(ctx, []string{"funds", "check"}, env)
	want := fmt.Sprintf("fund %d: transaction %d (contribution_succeeded:contribution:%d)", lm.FundID, lm.BadGiftTxID, lm.BadGiftID)
	t.Log(out.String())
	if code != 1 || !strings.Contains(out.String(), want) {
		t.Errorf("funds check = %d\n%s\nwant exit 1 naming %q", code, out.String(), want)
	}
}
