package app

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Service certificates (志愿服务证明, issue 14): a printable statement of a volunteer's
// approved hours over a period, with a verification code anyone can check without signing
// in. The code carries the facts it certifies (volunteer, period, issue date, minutes) and an
// HMAC of them under a key kept in the database, so a code cannot be guessed or altered and
// no table of issued certificates is needed.

// CertificateFacts are what a certificate states, all of them signed by its code.
type CertificateFacts struct {
	VolunteerID int64
	From, To    time.Time // local dates, To inclusive
	Issued      time.Time // local date
	Minutes     int64     // approved minutes in the period
}

// certEpoch is day 0 of the dates a code carries.
var certEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// certMACBytes is the signature's length: 80 bits, beyond guessing through a rate-limited page.
const certMACBytes = 10

var certEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

func certDays(t time.Time) uint64 {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return uint64(d.Sub(certEpoch).Hours() / 24)
}

func certPayload(f CertificateFacts) []byte {
	b := make([]byte, 0, 24)
	b = binary.AppendUvarint(b, uint64(f.VolunteerID))
	b = binary.AppendUvarint(b, certDays(f.From))
	b = binary.AppendUvarint(b, certDays(f.To))
	b = binary.AppendUvarint(b, certDays(f.Issued))
	return binary.AppendUvarint(b, uint64(f.Minutes))
}

// certificateCode signs the facts: base32 of payload and MAC, in groups of four letters.
func certificateCode(key []byte, f CertificateFacts) string {
	p := certPayload(f)
	mac := hmac.New(sha256.New, key)
	mac.Write(p)
	raw := certEncoding.EncodeToString(append(p, mac.Sum(nil)[:certMACBytes]...))
	var sb strings.Builder
	for i := 0; i < len(raw); i += 4 {
		if i > 0 {
			sb.WriteByte('-')
		}
		sb.WriteString(raw[i:min(i+4, len(raw))])
	}
	return sb.String()
}

// parseCertificateCode checks a code's signature and returns its facts (dates in loc).
func parseCertificateCode(key []byte, code string, loc *time.Location) (CertificateFacts, bool) {
	clean := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	raw, err := certEncoding.DecodeString(clean)
	if err != nil || len(raw) <= certMACBytes || len(raw) > 64 {
		return CertificateFacts{}, false
	}
	p, sig := raw[:len(raw)-certMACBytes], raw[len(raw)-certMACBytes:]
	mac := hmac.New(sha256.New, key)
	mac.Write(p)
	if !hmac.Equal(sig, mac.Sum(nil)[:certMACBytes]) {
		return CertificateFacts{}, false
	}
	var vals [5]uint64
	for i := range vals {
		v, n := binary.Uvarint(p)
		if n <= 0 {
			return CertificateFacts{}, false
		}
		vals[i], p = v, p[n:]
	}
	if len(p) != 0 {
		return CertificateFacts{}, false
	}
	day := func(d uint64) time.Time {
		u := certEpoch.AddDate(0, 0, int(d))
		return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, loc)
	}
	return CertificateFacts{VolunteerID: int64(vals[0]), From: day(vals[1]), To: day(vals[2]), Issued: day(vals[3]), Minutes: int64(vals[4])}, true
}

// certificateKey is the signing key, made once and shared by every process through the database.
func (a *App) certificateKey(ctx context.Context) ([]byte, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	v, err := a.store.AppSecret(ctx, "certificate", hex.EncodeToString(b[:]))
	if err != nil {
		return nil, fmt.Errorf("certificate key: %w", err)
	}
	return hex.DecodeString(v)
}

// CertificateTask is one task (or, without a task, one activity) of a certificate.
type CertificateTask struct {
	Title   string `json:"title"`
	Entries int    `json:"entries"`
	Minutes int64  `json:"minutes"`
}

// Certificate is a volunteer's service certificate over a period.
type Certificate struct {
	Volunteer *Volunteer        `json:"-"`
	Name      string            `json:"name"`
	Community string            `json:"community"`
	Period    DashboardPeriod   `json:"period"`
	Issued    string            `json:"issued"` // local date
	Minutes   int64             `json:"minutes"`
	Tasks     []CertificateTask `json:"tasks"`
	Code      string            `json:"code"`
}

// Certificate builds a volunteer's certificate over the period from their approved hours:
// the volunteer and the front desk of their community may print it (HoursLedger decides).
func (a *App) Certificate(ctx context.Context, volunteerID int64, p DashboardPeriod) (*Certificate, error) {
	l, err := a.HoursLedger(ctx, volunteerID)
	if err != nil {
		return nil, err
	}
	c, err := a.places().community(ctx, l.Volunteer.CommunityID)
	if err != nil {
		return nil, err
	}
	cert := &Certificate{Volunteer: l.Volunteer, Name: l.Volunteer.Name, Community: c.Name, Period: p, Tasks: []CertificateTask{}}
	by := map[string]*CertificateTask{}
	for _, ln := range l.Lines {
		if ln.Status != HoursApproved || ln.WorkDate.Before(p.Start) || !ln.WorkDate.Before(p.End) {
			continue
		}
		title := ln.TaskTitle
		if title == "" {
			title = ln.Activity
		}
		t := by[title]
		if t == nil {
			t = &CertificateTask{Title: title}
			by[title] = t
		}
		t.Entries++
		t.Minutes += int64(ln.Minutes)
		cert.Minutes += int64(ln.Minutes)
	}
	for _, t := range by {
		cert.Tasks = append(cert.Tasks, *t)
	}
	sort.Slice(cert.Tasks, func(i, j int) bool {
		if cert.Tasks[i].Minutes != cert.Tasks[j].Minutes {
			return cert.Tasks[i].Minutes > cert.Tasks[j].Minutes
		}
		return cert.Tasks[i].Title < cert.Tasks[j].Title
	})
	key, err := a.certificateKey(ctx)
	if err != nil {
		return nil, err
	}
	issued := a.localDay(a.Now())
	cert.Issued = issued.Format("2006-01-02")
	cert.Code = certificateCode(key, CertificateFacts{VolunteerID: l.Volunteer.ID, From: a.localDay(p.Start),
		To: a.localDay(p.End.Add(-time.Nanosecond)), Issued: issued, Minutes: cert.Minutes})
	return cert, nil
}

// CertificateCheck is what the public verification page shows for a valid code: masked name,
// the hours as certified, the issuing community, and whether the records still agree.
type CertificateCheck struct {
	Name      string `json:"name"`
	Community string `json:"community"`
	From      string `json:"from"`
	To        string `json:"to"`
	Issued    string `json:"issued"`
	Minutes   int64  `json:"minutes"`
	// Current is false when the approved hours of the period have changed since issue.
	Current bool `json:"current"`
}

// VerifyCertificate checks a code; anyone may ask. An unknown, altered or malformed code is
// ENOTFOUND (the page says "not valid" without telling which). client names the caller for
// the same per-address limit as receipts.
func (a *App) VerifyCertificate(ctx context.Context, code, client string) (*CertificateCheck, error) {
	if ok, err := a.AllowAttempt(ctx, receiptVerifyPerMinute, "certificate-verify:"+client); err != nil {
		return nil, err
	} else if !ok {
		return nil, Errorf(ERATELIMITED, "error.rate_limited")
	}
	key, err := a.certificateKey(ctx)
	if err != nil {
		return nil, err
	}
	f, ok := parseCertificateCode(key, code, a.loc)
	if !ok {
		return nil, NotFound("certificate")
	}
	v, err := a.store.FindVolunteer(ctx, f.VolunteerID)
	if err != nil {
		return nil, err
	}
	c, err := a.places().community(ctx, v.CommunityID)
	if err != nil {
		return nil, err
	}
	status := HoursApproved
	hs, err := a.store.FindHoursEntries(ctx, HoursFilter{VolunteerID: &v.ID, Status: &status})
	if err != nil {
		return nil, err
	}
	end := f.To.AddDate(0, 0, 1)
	var now int64
	for _, h := range hs {
		if !h.WorkDate.Before(f.From) && h.WorkDate.Before(end) {
			now += int64(h.Minutes)
		}
	}
	return &CertificateCheck{Name: MaskName(v.Name), Community: c.Name, From: f.From.Format("2006-01-02"), To: f.To.Format("2006-01-02"),
		Issued: f.Issued.Format("2006-01-02"), Minutes: f.Minutes, Current: now == f.Minutes}, nil
}
