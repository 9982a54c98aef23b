package main

import (
	"context"
	"fmt"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/smtpmail"
	"github.com/wushe/wushe/app/web"
	"github.com/wushe/wushe/migrations"
)

// newApp builds the application over the opened store. It is the one place the application is
// wired, so every subcommand gets what serve gets: the configured clock, time zone, logger,
// password hasher and policy, search engine (opened here unless already open) and payment
// provider.
func (m *Main) newApp() (*app.App, error) {
	loc, err := time.LoadLocation(m.Config.Timezone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", m.Config.Timezone, err)
	}
	if m.Search == nil {
		if m.Search, m.searchWhere, err = openSearch(m.Config, m.SearchTimeout); err != nil {
			return nil, fmt.Errorf("open search engine: %w", err)
		}
	}
	pay, err := m.payments()
	if err != nil {
		return nil, err
	}
	var mailer app.Mailer
	if m.Config.SMTPURL != "" {
		if mailer, err = smtpmail.New(m.Config.SMTPURL); err != nil {
			return nil, err
		}
	}
	texts, err := web.Translator()
	if err != nil {
		return nil, err
	}
	m.App = app.New(app.Deps{Store: m.Store, Clock: m.Clock, Hasher: m.Hasher, Passwords: m.Passwords, Location: loc,
		Logger: m.Log, Search: m.Search, Payments: pay, Mailer: mailer, Texts: texts, BaseURL: m.Config.BaseURL,
		GiftQueues: m.giftQueues()})
	return m.App, nil
}

// giftQueues is the configured number of parallel gift batches, or the database's default:
// PostgreSQL runs batches of different campaigns side by side; SQLite has one writer.
func (m *Main) giftQueues() int {
	switch {
	case m.Config.GiftQueues > 0:
		return m.Config.GiftQueues
	case m.Store != nil && m.Store.Dialect() == migrations.Postgres:
		return defaultGiftQueuesPostgres
	}
	return 1
}

// defaultGiftQueuesPostgres: enough batches in flight to overlap each one's round trips and
// commit, few enough that each still gathers many gifts (docs/perf.md, "Giving day").
const defaultGiftQueuesPostgres = 2

// openApp opens the configured database and builds the application on it, for subcommands
// that act once and exit. The caller closes the returned Main.
func openApp(ctx context.Context, env *Env, cfg *Config) (*Main, error) {
	m := NewMain(cfg, env)
	if err := m.openStore(ctx); err != nil {
		m.Close()
		return nil, err
	}
	if _, err := m.newApp(); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}
