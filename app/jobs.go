package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"
)

// Background jobs across several processes (docs/architecture.md, "Several servers").
//
// Every `wushe serve` process ticks every job, but a run happens only after the process
// claims it in the database with one conditional statement (ClaimJob): the job's last run
// started at least an interval ago and no other process holds its lease. So a job runs once
// per interval in the whole cluster, whichever process ticks first. The lease is renewed while
// the job runs and released when it ends; a process killed mid-run leaves a lease that
// expires, and the next due run goes to whichever process claims it. Each job also applies
// each due item with its own conditional update or row lock (an overdue need escalates with
// `UPDATE … WHERE escalation_level = ?`, a campaign closes under its lock, outbox rows are
// claimed with SKIP LOCKED), so an item a killed run had not reached is simply still due.

// JobRun is a job's row: who ran it last and until when they hold it.
type JobRun struct {
	Name       string `gorm:"primaryKey"`
	Holder     string
	StartedMS  int64 `gorm:"column:started_ms"`
	LeaseMS    int64 `gorm:"column:lease_ms"`
	FinishedMS int64 `gorm:"column:finished_ms"`
	Runs       int64
	LastError  string
}

// JobStore claims and releases background jobs.
type JobStore interface {
	// ClaimJob starts a run of the job for holder if its last run started before dueBefore
	// and no one else holds an unexpired lease; the lease lasts until leaseUntil. It reports
	// whether holder got the run.
	ClaimJob(ctx context.Context, name, holder string, now, dueBefore, leaseUntil time.Time) (bool, error)
	// RenewJob extends holder's lease; it reports false when holder no longer holds it.
	RenewJob(ctx context.Context, name, holder string, leaseUntil time.Time) (bool, error)
	// FinishJob releases holder's lease and records how the run ended.
	FinishJob(ctx context.Context, name, holder string, now time.Time, lastErr string) error
	// FindJobRuns lists every job's row.
	FindJobRuns(ctx context.Context) ([]*JobRun, error)
}

// NewHolderID names this process in job leases: host, process id and a random suffix, so a
// restarted process on the same host is a different holder.
func NewHolderID() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// JobLease is the default time a claimed run is held before it must be renewed; a killed
// holder's job is free again this long after its last renewal.
const JobLease = 30 * time.Second

// RunJob runs job if this process can claim it: its last run started at least every ago and
// nobody else is running it. The lease (JobLease when 0) is renewed every third of itself
// while the job runs, and
// the job's context ends if the lease is lost or ctx ends. It reports whether the job ran and
// its error. A graceful shutdown stops calling RunJob and waits for the runs in flight,
// ending their ctx only at its deadline (cmd/wushe).
func (a *App) RunJob(ctx context.Context, holder, name string, every, lease time.Duration, job func(context.Context) error) (bool, error) {
	if lease <= 0 {
		lease = JobLease
	}
	now := a.Now()
	// A run that started a little less than an interval ago counts as due: ticks of several
	// processes drift, and a job must not skip a whole interval for a few milliseconds.
	due := now.Add(-every + every/20)
	ok, err := a.store.ClaimJob(ctx, name, holder, now, due, now.Add(lease))
	if err != nil || !ok {
		return false, err
	}
	jctx, cancel := context.WithCancel(ctx)
	defer cancel()
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(lease / 3)
		defer t.Stop()
		for {
			select {
			case <-jctx.Done():
				return
			case <-t.C:
				held, err := a.store.RenewJob(jctx, name, holder, a.Now().Add(lease))
				if err == nil && !held {
					a.log.Error("job lease lost; stopping the run", "job", name)
					cancel()
					return
				}
			}
		}
	}()
	runErr := job(jctx)
	cancel()
	<-renewed
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
	}
	if err := a.store.FinishJob(context.WithoutCancel(ctx), name, holder, a.Now(), msg); err != nil {
		a.log.Warn("release job lease", "job", name, "err", err)
	}
	return true, runErr
}

// JobRuns lists the background jobs' rows (for /readyz and operators).
func (a *App) JobRuns(ctx context.Context) ([]*JobRun, error) { return a.store.FindJobRuns(ctx) }
