package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/wushe/wushe/funds"
	"github.com/wushe/wushe/funds/stripepay"
)

// payments builds the Stripe provider when a secret key is configured; without one, gifts
// are offline only (the embedded default).
func (m *Main) payments() (funds.Payments, error) {
	if m.Config.StripeKey == "" {
		return nil, nil
	}
	p, err := stripepay.New(stripepay.Config{SecretKey: m.Config.StripeKey, WebhookSecret: m.Config.StripeWebhook,
		BackendURL: m.Config.StripeAPIURL, Logger: m.Log})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (m *Main) closeCampaigns(ctx context.Context) error {
	settled, refunded, err := m.App.CloseCampaigns(ctx)
	if settled > 0 || refunded > 0 {
		m.Log.Info("closed campaigns", "settled", settled, "refunded", refunded)
	}
	return err
}

// checkLedgers logs every ledger inconsistency (there should be none).
func (m *Main) checkLedgers(ctx context.Context) error {
	problems, err := m.App.CheckLedgers(ctx)
	for _, p := range problems {
		m.Log.Error("fund ledger problem", "fund", p.FundID, "problem", p.Problem)
	}
	return err
}

// cmdFundsReconcile repairs contributions whose webhooks never arrived.
func cmdFundsReconcile(ctx context.Context, env *Env, args []string) error {
	var since string
	cfg, err := parseConfig(env, "funds reconcile", args, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&since, "since", "", "RFC 3339 time or a duration ago (e.g. 48h); sessions created since then are checked")
	})
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	t, err := parseSince(since, time.Now())
	if err != nil {
		return usagef("--since: %v", err)
	}
	if cfg.StripeKey == "" {
		return errors.New("funds reconcile: WUSHE_STRIPE_SECRET_KEY is not set (payments are offline only)")
	}
	m, err := openApp(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	a := m.App
	seen, repaired, err := a.Reconcile(ctx, t)
	fmt.Fprintf(env.Stdout, "checked %d sessions since %s, repaired %d contributions\n", seen, t.Format(time.RFC3339), repaired)
	return err
}

func parseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("required")
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return time.Time{}, fmt.Errorf("want an RFC 3339 time, a date or a positive duration, got %q", s)
	}
	return now.Add(-d), nil
}

// cmdFundsCloseCampaigns runs one closing pass, for cron-style deployments.
func cmdFundsCloseCampaigns(ctx context.Context, env *Env, args []string) error {
	cfg, err := parseConfig(env, "funds close-campaigns", args, nil)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	m, err := openApp(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	a := m.App
	settled, refunded, err := a.CloseCampaigns(ctx)
	fmt.Fprintf(env.Stdout, "settled %d campaigns, refunded %d contributions\n", settled, refunded)
	return err
}

// cmdFundsCheck verifies the ledgers, for monitoring.
func cmdFundsCheck(ctx context.Context, env *Env, args []string) error {
	cfg, err := parseConfig(env, "funds check", args, nil)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	m, err := openApp(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	a := m.App
	problems, err := a.CheckLedgers(ctx)
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintf(env.Stdout, "fund %d: %s\n", p.FundID, p.Problem)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d ledger problems", len(problems))
	}
	fmt.Fprintln(env.Stdout, "every fund's ledger balances")
	return nil
}
