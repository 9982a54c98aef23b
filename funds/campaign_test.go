package funds

import (
	"errors"
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func TestCampaignValidateAndOpen(t *testing.T) {
	t.Parallel()
	good := Campaign{Goal: Yuan(1000), Deadline: t0.Add(72 * time.Hour), Mode: ModeAllOrNothing, Status: CampaignDraft}
	tests := []struct {
		name  string
		mod   func(*Campaign)
		field string
	}{
		{"zero goal", func(c *Campaign) { c.Goal = Fen(0) }, "goal"},
		{"negative goal", func(c *Campaign) { c.Goal = Fen(-1) }, "goal"},
		{"unknown currency", func(c *Campaign) { c.Goal.Currency = "XXX" }, "goal"},
		{"bad mode", func(c *Campaign) { c.Mode = "lottery" }, "mode"},
		{"no deadline", func(c *Campaign) { c.Deadline = time.Time{} }, "deadline"},
		{"deadline passed", func(c *Campaign) { c.Deadline = t0 }, "deadline"},
	}
	if _, err := good.Open(t0); err != nil {
		t.Fatalf("good campaign: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := good
			tt.mod(&c)
			_, err := c.Open(t0)
			var fes FieldErrors
			if !errors.As(err, &fes) || fes[0].Field != tt.field {
				t.Errorf("error %v, want field %s", err, tt.field)
			}
		})
	}
	opened, _ := good.Open(t0)
	if _, err := opened.Open(t0); !errors.Is(err, ErrBadTransition) {
		t.Errorf("opening twice: %v", err)
	}
}

func TestCheckContribution(t *testing.T) {
	t.Parallel()
	c := Campaign{Goal: Yuan(1000), Deadline: t0.Add(time.Hour), Mode: ModeKeepWhatYouRaise, Status: CampaignOpen}
	tests := []struct {
		name   string
		c      Campaign
		amount Money
		now    time.Time
		want   error
	}{
		{"fine", c, Yuan(50), t0, nil},
		{"zero", c, Fen(0), t0, ErrZeroAmount},
		{"negative", c, Fen(-100), t0, ErrZeroAmount},
		{"other currency", c, Money{5000, "USD"}, t0, ErrCurrencyMismatch},
		{"at the deadline", c, Yuan(50), t0.Add(time.Hour), ErrCampaignClosed},
		{"draft", Campaign{Goal: c.Goal, Deadline: c.Deadline, Mode: c.Mode, Status: CampaignDraft}, Yuan(50), t0, ErrCampaignClosed},
		{"succeeded", Campaign{Goal: c.Goal, Deadline: c.Deadline, Mode: c.Mode, Status: CampaignSucceeded}, Yuan(50), t0, ErrCampaignClosed},
	}
	for _, tt := range tests {
		err := tt.c.CheckContribution(tt.amount, tt.now)
		if (tt.want == nil) != (err == nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestSettle(t *testing.T) {
	t.Parallel()
	end := t0.Add(24 * time.Hour)
	tests := []struct {
		name   string
		mode   Mode
		raised int64
		want   Outcome
	}{
		{"all-or-nothing reached", ModeAllOrNothing, 100000, Outcome{Status: CampaignSucceeded, CommitMatches: true, ReleaseMatches: true}},
		{"all-or-nothing overfunded", ModeAllOrNothing, 150000, Outcome{Status: CampaignSucceeded, CommitMatches: true, ReleaseMatches: true}},
		{"all-or-nothing missed by a fen", ModeAllOrNothing, 99999, Outcome{Status: CampaignFailed, RefundContributions: true, ReleaseMatches: true}},
		{"keep what you raise, partial", ModeKeepWhatYouRaise, 1, Outcome{Status: CampaignSucceeded, CommitMatches: true, ReleaseMatches: true}},
		{"keep what you raise, nothing", ModeKeepWhatYouRaise, 0, Outcome{Status: CampaignFailed, ReleaseMatches: true}},
	}
	for _, tt := range tests {
		c := Campaign{Goal: Yuan(1000), Deadline: end, Mode: tt.mode, Status: CampaignOpen, Raised: tt.raised}
		got, err := c.Settle(end)
		if err != nil || got != tt.want {
			t.Errorf("%s: %+v, %v; want %+v", tt.name, got, err, tt.want)
		}
	}
	c := Campaign{Goal: Yuan(1000), Deadline: end, Mode: ModeAllOrNothing, Status: CampaignOpen}
	if _, err := c.Settle(end.Add(-time.Second)); !errors.Is(err, ErrCampaignOpen) {
		t.Errorf("settling early: %v", err)
	}
	c.Status = CampaignFailed
	if _, err := c.Settle(end); !errors.Is(err, ErrBadTransition) {
		t.Errorf("settling twice: %v", err)
	}
	c.Status = CampaignOpen
	if o, err := c.Cancel(); err != nil || !o.RefundContributions || !o.ReleaseMatches || o.Status != CampaignCancelled {
		t.Errorf("cancel open: %+v, %v", o, err)
	}
	c.Status = CampaignSucceeded
	if _, err := c.Cancel(); !errors.Is(err, ErrBadTransition) {
		t.Errorf("cancel succeeded: %v", err)
	}
}

func TestDaysLeft(t *testing.T) {
	t.Parallel()
	c := Campaign{Deadline: t0.Add(48 * time.Hour)}
	for _, tt := range []struct {
		now  time.Time
		want int
	}{
		{t0, 2}, {t0.Add(time.Second), 2}, {t0.Add(24 * time.Hour), 1}, {t0.Add(47 * time.Hour), 1},
		{t0.Add(48 * time.Hour), 0}, {t0.Add(100 * time.Hour), 0},
	} {
		if got := c.DaysLeft(tt.now); got != tt.want {
			t.Errorf("DaysLeft(%v) = %d, want %d", tt.now, got, tt.want)
		}
	}
}
