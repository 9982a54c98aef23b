package main

import (
	"context"
	"sync"
	"time"

	"github.com/wushe/wushe/app/web"
)

// Background jobs and readiness for several `wushe serve` processes on one database
// (docs/architecture.md, "Several servers").

// job is one background job and how often the cluster runs it.
type job struct {
	name  string
	every time.Duration
	run   func(context.Context) error
}

// jobs lists serve's background jobs. The search outbox has its own loop: its rows are
// claimed one by one with leases, so it needs no job lease.
func (m *Main) jobs() []job {
	return []job{
		{"escalate needs", m.Config.EscalateEvery, m.escalate},
		{"close tenders", m.Config.EscalateEvery, m.closeTenders},
		{"close campaigns", 5 * time.Minute, m.closeCampaigns},
		{"check fund ledgers", time.Hour, m.checkLedgers},
		{"delete expired sessions", time.Hour, m.expireSessions},
		{"lapse projects", m.Config.EscalateEvery, m.lapseProjects},
		{"evaluate projects", 10 * time.Minute, m.evaluateProjects},
		{"purge resolved needs' details", time.Hour, m.purgeNeeds},
		// Notifications (docs/notifications.md): reminders and digests write notifications
		// under unique keys; e-mails are claimed row by row, so a second sender never
		// takes one a first is sending.
		{"send e-mail", 10 * time.Second, m.sendEmails},
		{"send reminders", m.Config.EscalateEvery, m.sendReminders},
		{"send digests", 10 * time.Minute, m.sendDigests},
	}
}

// purgeNeeds erases the private details of needs resolved longer ago than the retention.
func (m *Main) purgeNeeds(ctx context.Context) error {
	n, err := m.App.PurgeResolvedNeeds(ctx, m.Config.NeedRetention)
	if n > 0 {
		m.Log.Info("purged resolved needs' private details", "count", n)
	}
	return err
}

// sendEmails sends the due e-mails of the outbox.
func (m *Main) sendEmails(ctx context.Context) error {
	n, err := m.App.SendEmails(ctx)
	if n > 0 {
		m.Log.Info("sent e-mail", "count", n)
	}
	return err
}

// sendReminders warns of needs due soon and of shifts tomorrow.
func (m *Main) sendReminders(ctx context.Context) error {
	_, err := m.App.SendReminders(ctx)
	return err
}

// sendDigests makes the day's digests once the local morning has come.
func (m *Main) sendDigests(ctx context.Context) error {
	n, err := m.App.SendDigests(ctx)
	if n > 0 {
		m.Log.Info("made digests", "count", n)
	}
	return err
}

// jobTick is how often a process tries to claim a job that is due; a short tick lets another
// process take over soon after one is killed, and a claim costs one statement.
func jobTick(every, lease time.Duration) time.Duration {
	return max(min(every, lease/2, 15*time.Second), 100*time.Millisecond)
}

// runJobs starts a loop per job that, until stop closes, claims each due run in the database
// (app.RunJob) and runs it with jobCtx. jobCtx outlives stop: a graceful shutdown stops
// claiming new runs and waits for the running ones; it ends jobCtx only at its deadline.
func (m *Main) runJobs(stop <-chan struct{}, jobCtx context.Context, wg *sync.WaitGroup) {
	for _, j := range m.jobs() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(jobTick(j.every, m.Config.JobLease))
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				default:
				}
				ran, err := m.App.RunJob(jobCtx, m.holder, j.name, j.every, m.Config.JobLease, j.run)
				if err != nil && jobCtx.Err() == nil {
					m.Log.Error(j.name, "err", err, "ran", ran)
				}
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		}()
	}
}

// readyChecks are the dependencies /readyz reports: the database (required), the search
// engine (reported; searches fall back to the database while it is down) and the payment
// provider (configured or not; it is not called to find out).
func (m *Main) readyChecks(engine string) []web.ReadyCheck {
	checks := []web.ReadyCheck{{Name: "database", Required: true, Check: m.Store.Ping, Detail: string(m.Store.Dialect())}}
	if m.Search != nil {
		idx := m.Search
		checks = append(checks, web.ReadyCheck{Name: "search", Detail: engine, Check: func(ctx context.Context) error { return idx.Health(ctx) }})
	}
	pay := web.ReadyCheck{Name: "payments", Detail: "offline"}
	if m.Config.StripeKey != "" {
		pay.Detail = "stripe"
	}
	checks = append(checks, pay)
	checks = append(checks, web.ReadyCheck{Name: "jobs", Detail: "leases in the database", Check: func(ctx context.Context) error {
		_, err := m.App.JobRuns(ctx)
		return err
	}})
	return checks
}
