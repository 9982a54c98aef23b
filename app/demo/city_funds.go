package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
)

// A year of money and volunteer hours for every community of a generated city (issue 16,
// docs/perf/city-funds.md). Each community but the demo's 东湖社区 (which keeps the demo's
// fund, written by LoadCity's first step) gets, over the past year:
//
//   - a fund opened by its street's civil-affairs officer, a government pool matching 1:1
//     (capped per donor and campaign, no unlock threshold) and the year's deposit — through
//     the application's use cases, as an officer would;
//   - four quarterly micro-projects, each with a campaign opened by the community worker;
//   - the campaigns' gifts from the community's donors, paid by card, with a few refunded:
//     decided by the pool's rule (funds.Rule.Decide) one after another in the order they
//     arrive, exactly as the giving-day batch applies paid gifts (app/funds_batch.go), and
//     written in bulk — contributions, matches, the ledger transactions the funds package
//     builds (ContributionSucceeded, MatchReserved, ContributionRefunded, MatchReleased),
//     the donors' totals, the campaign's totals and the pool's available money;
//   - the closing of the three past campaigns at their deadline, as the application's
//     CloseCampaigns settles them (matches committed, MatchCommitted postings), written with
//     the gifts; and a disbursement of each to an organization of the community, requested,
//     approved by two officers, proven and paid through the use cases;
//   - six tasks over the year with approved hours for the community's active volunteers,
//     written in bulk.
//
// Everything is drawn from the loader's seeded source in a fixed order, so one clock still
// gives one city.

// cityYearStore is what the year's bulk writes need beyond CityStore; *store.Store has all
// of it.
type cityYearStore interface {
	CityStore
	CreateContributionsBulk(ctx context.Context, cs []*app.Contribution) error
	CreateMatches(ctx context.Context, ms []*app.FundMatch) error
	PostLedgers(ctx context.Context, ts []*app.LedgerTransaction) error
	SaveCampaignDonors(ctx context.Context, ds []*app.CampaignDonor) error
	ReservePool(ctx context.Context, poolID, amount int64) (bool, error)
	CreateHoursBulk(ctx context.Context, hs []*app.HoursEntry) error
}

// City pools' rule: 1:1, at most ¥1,000 of each donor's giving counted per campaign and
// ¥20,000 matched per campaign.
const (
	cityDonorCap    = 100000
	cityCampaignCap = 2000000
)

// cityGiftAmounts are what residents and merchants give, in fen.
var cityGiftAmounts = []int64{1000, 2000, 5000, 5000, 10000, 10000, 20000, 20000, 50000, 100000, 200000}

// cityYear writes the year of money and hours for every community after the first.
func (l *loader) cityYear(ctx context.Context, st CityStore, places []*place, say func(string, ...any)) error {
	ys, ok := st.(cityYearStore)
	if !ok {
		return errors.New("city year: the store has no bulk writes for funds and hours")
	}
	officers := map[int64][2]int64{} // street → two civil-affairs officers
	var gifts, hours int
	for i, p := range places {
		if i == 0 {
			continue // 东湖社区 has the demo's fund, tasks and hours
		}
		err := st.InTx(ctx, func(ctx context.Context) error {
			offs, ok := officers[p.community.StreetID]
			if !ok {
				for k := range offs {
					l.serial++
					u, err := l.user(ctx, fmt.Sprintf("officer%03d@wushe.local", l.serial), personName(l.r))
					if err != nil {
						return err
					}
					if err := l.grant(ctx, app.Membership{UserID: u.ID, Role: app.RoleCivilAffairs, StreetID: &p.community.StreetID}); err != nil {
						return err
					}
					offs[k] = u.ID
				}
				officers[p.community.StreetID] = offs
			}
			n, err := l.communityMoney(ctx, ys, p, offs)
			if err != nil {
				return err
			}
			gifts += n
			h, err := l.communityHours(ctx, ys, p)
			hours += h
			return err
		})
		if err != nil {
			return fmt.Errorf("city year of %s: %w", p.community.Name, err)
		}
		if i%20 == 0 {
			say("city: a year of money and hours in %d of %d communities", i+1, len(places))
		}
	}
	say("city: %d gifts and %d hours entries over the year", gifts, hours)
	return nil
}

// communityMoney opens a community's fund and runs its year; it returns the gifts written.
func (l *loader) communityMoney(ctx context.Context, st cityYearStore, p *place, officers [2]int64) (int, error) {
	c := p.community
	clock := l.now.AddDate(-1, 0, 0)
	a := app.New(app.Deps{Store: st, Clock: app.ClockFunc(func() time.Time { return clock })})
	as := func(id int64) (context.Context, error) {
		pr, err := a.Principal(ctx, id)
		if err != nil {
			return nil, err
		}
		return app.WithPrincipal(ctx, pr), nil
	}
	workers, _, err := st.FindMemberships(ctx, app.MembershipFilter{CommunityID: &c.ID, Role: ptrTo(app.RoleCommunityWorker), Page: app.Page{Page: 1, PerPage: 1}})
	if err != nil || len(workers) == 0 {
		return 0, fmt.Errorf("community worker: %w", err)
	}
	workerID := workers[0].UserID
	officer, err := as(officers[0])
	if err != nil {
		return 0, err
	}
	reviewer, err := as(officers[1])
	if err != nil {
		return 0, err
	}
	worker, err := as(workerID)
	if err != nil {
		return 0, err
	}
	f, err := a.CreateFund(officer, app.FundInput{CommunityID: c.ID, Name: c.Name + "微心愿基金",
		Description: "居民和商户众筹社区微项目,街道民政配捐池按 1:1 配捐;账目全部公开。"})
	if err != nil {
		return 0, fmt.Errorf("fund: %w", err)
	}
	pool, err := a.CreatePool(officer, f.ID, app.PoolInput{Name: c.Name + "街道民政配捐池", Source: "government",
		Rule: &app.RuleInput{Ratio: "1:1", DonorCap: cityDonorCap, CampaignCap: cityCampaignCap, Note: "年度社区微项目配捐"}})
	if err != nil {
		return 0, fmt.Errorf("pool: %w", err)
	}
	budget := int64(3_000_000 + 100_000*l.r.IntN(30))
	if _, err := a.DepositToPool(officer, pool.ID, app.DepositInput{Amount: budget, Note: "年度财政拨款"}); err != nil {
		return 0, fmt.Errorf("deposit: %w", err)
	}
	rule := funds.Rule{Pool: pool.ID, Version: 1, Currency: funds.CNY, Ratio: funds.Ratio{Num: 1, Den: 1},
		DonorCap: cityDonorCap, CampaignCap: cityCampaignCap}
	donors, _, err := st.FindDonors(ctx, app.DonorFilter{CommunityID: &c.ID, Page: app.Page{Page: 1, PerPage: 500}})
	if err != nil {
		return 0, err
	}
	if len(donors) == 0 {
		return 0, errors.New("no donors")
	}
	y := &cityFund{st: st, fund: f, pool: pool, rule: rule, available: budget, kind: c.Kind, worker: workerID}
	written := 0
	for q := range 4 {
		// Quarterly campaigns of 30 days; the fourth opened ten days ago and is still open.
		opens := l.now.AddDate(0, 0, -365+91*q+l.r.IntN(20))
		if q == 3 {
			opens = l.now.Add(-10 * 24 * time.Hour)
		}
		deadline := opens.Add(30 * 24 * time.Hour)
		t := projectTemplates[(q+len(c.Name)+int(c.ID))%len(projectTemplates)]
		created := opens.Add(-20 * 24 * time.Hour)
		sub, dec := created.Add(48*time.Hour), created.Add(7*24*time.Hour)
		ends := sub.Add(14 * 24 * time.Hour)
		pr := &app.Project{CommunityID: c.ID, ProposerID: workerID, Title: t.title, Description: t.description, Category: t.category,
			Budget: t.budgetYuan * 100, Currency: "CNY", Beneficiaries: t.beneficiaries, Status: app.ProjectApproved,
			CreatedAt: created, UpdatedAt: created}
		pr.SubmittedAt, pr.DeliberationEndsAt, pr.SupportThreshold, pr.SupportsCount = &sub, &ends, 10, 10+l.r.IntN(20)
		pr.DecidedAt, pr.DecidedBy = &dec, &workerID
		pr.DecisionNote, pr.DecisionReason = "经居民议事会讨论同意立项。", app.DecisionMeetingResolved
		if err := st.CreateProject(ctx, pr); err != nil {
			return 0, err
		}
		l.sum.Projects++
		clock = opens
		camp, err := a.CreateCampaign(worker, app.CampaignInput{FundID: f.ID, ProjectID: pr.ID, PoolID: &pool.ID,
			Goal: max(pr.Budget, 100000), Deadline: deadline, Mode: "keep_what_you_raise"})
		if err != nil {
			return 0, fmt.Errorf("campaign: %w", err)
		}
		until := deadline
		if until.After(l.now) {
			until = l.now
		}
		var closeAt *time.Time
		if q < 3 {
			closeAt = ptrTo(deadline.Add(time.Hour))
		}
		n, err := y.gifts(ctx, l, camp, pr.Category, donors, opens, until, closeAt)
		if err != nil {
			return 0, err
		}
		written += n
		if q == 3 {
			break
		}
		if len(p.orgs) == 0 {
			continue
		}
		clock = deadline.Add(3 * 24 * time.Hour)
		cv, err := a.Campaign(ctx, camp.ID)
		if err != nil {
			return 0, err
		}
		amount := min((cv.Raised+cv.Matched)*7/10, funds.DefaultThreshold)
		if amount <= 0 {
			continue
		}
		d, err := a.RequestDisbursement(worker, f.ID, app.DisbursementInput{CampaignID: camp.ID, PayeeOrganizationID: p.orgs[q%len(p.orgs)].ID,
			Amount: amount, Purpose: "项目首期:物资采购与志愿者餐补"})
		if err != nil {
			return 0, fmt.Errorf("disbursement: %w", err)
		}
		for _, who := range []context.Context{officer, reviewer} {
			if _, err := a.VoteDisbursement(who, d.ID, app.VoteInput{Approve: true}); err != nil {
				return 0, fmt.Errorf("approval: %w", err)
			}
		}
		if _, err := a.AddEvidence(worker, d.ID, app.EvidenceInput{FileName: "发票.png", Data: demoReceiptPNG}); err != nil {
			return 0, fmt.Errorf("evidence: %w", err)
		}
		clock = clock.Add(24 * time.Hour)
		if _, err := a.PayDisbursement(worker, d.ID); err != nil {
			return 0, fmt.Errorf("payment: %w", err)
		}
	}
	return written, nil
}

// cityFund is one community fund's pool as its year of gifts spends it.
type cityFund struct {
	st        cityYearStore
	fund      *app.Fund
	pool      *app.FundPool
	rule      funds.Rule
	available int64
	kind      string
	worker    int64
	serial    int
}

// cityGift is one gift of a campaign, with its match and the time of its refund, if any.
type cityGift struct {
	c        *app.Contribution
	m        *app.FundMatch
	refundAt *time.Time
}

// gifts writes a campaign's gifts arriving between from and until. Each is decided on the
// campaign's and the pool's state after the previous ones, as the one-gift and batch paths
// decide them; refunds happen in their place in that order. It returns the gifts written.
func (y *cityFund) gifts(ctx context.Context, l *loader, camp *app.Campaign, category string, donors []*app.Donor, from, until time.Time, closeAt *time.Time) (int, error) {
	n := 20 + l.r.IntN(40)
	span := until.Sub(from)
	if span <= time.Hour {
		return 0, nil
	}
	type event struct {
		at     time.Time
		gift   int
		refund bool
	}
	var evs []event
	gs := make([]*cityGift, n)
	for i := range gs {
		d := donors[l.r.IntN(len(donors))]
		at := from.Add(time.Duration(l.r.Int64N(int64(span - time.Minute))))
		key := fmt.Sprintf("donor:%d", d.ID)
		if d.OrganizationID != nil {
			key = fmt.Sprintf("org:%d", *d.OrganizationID)
		}
		y.serial++
		pi := fmt.Sprintf("pi_city_%d_%d", y.fund.ID, y.serial)
		created := at.Add(-time.Duration(1+l.r.IntN(5)) * time.Minute)
		gs[i] = &cityGift{c: &app.Contribution{CampaignID: camp.ID, FundID: y.fund.ID, DonorID: &d.ID, DonorKey: key, DonorName: d.Name,
			Source: d.Kind, Anonymous: d.AnonymousDefault, Amount: cityGiftAmounts[l.r.IntN(len(cityGiftAmounts))], Currency: camp.Currency,
			Channel: string(funds.ChannelStripe), Status: string(funds.ContributionStatusPending), PaymentIntentID: &pi,
			CreatedAt: created, UpdatedAt: created}}
		evs = append(evs, event{at: at, gift: i})
		if l.r.IntN(40) == 0 { // a card charged twice, or a gift given to the wrong campaign
			if r := at.Add(time.Duration(1+l.r.IntN(72)) * time.Hour); r.Before(until) {
				gs[i].refundAt = &r
				evs = append(evs, event{at: r, gift: i, refund: true})
			}
		}
	}
	slices.SortStableFunc(evs, func(a, b event) int { return a.at.Compare(b.at) })
	// Decide in arrival order; the postings are built once the rows have their ids.
	donorsOf := map[string]*app.CampaignDonor{}
	var keys []string
	var post []func() (funds.Transaction, time.Time, *int64, error)
	var audits []*app.AuditEvent
	var excluded []string
	if camp.Excluded != "" && camp.Excluded != "[]" {
		if err := json.Unmarshal([]byte(camp.Excluded), &excluded); err != nil {
			return 0, err
		}
	}
	take := int64(0)
	for _, ev := range evs {
		g := gs[ev.gift]
		c := g.c
		cd := donorsOf[c.DonorKey]
		if cd == nil {
			cd = &app.CampaignDonor{CampaignID: camp.ID, DonorKey: c.DonorKey}
			donorsOf[c.DonorKey] = cd
			keys = append(keys, c.DonorKey)
		}
		mc := funds.MatchCampaign{Goal: camp.Goal, Category: category, CommunityKind: funds.CommunityKind(y.kind),
			EligibleRaised: camp.EligibleRaised, EligibleDonors: camp.EligibleDonors, Counted: camp.Counted,
			PendingCounted: camp.PendingCounted, Matched: camp.Matched, Unlocked: camp.Unlocked, Excluded: excluded}
		if ev.refund {
			if err := y.refund(camp, g, cd, ev.at, &take, &post); err != nil {
				return 0, err
			}
			audits = append(audits, &app.AuditEvent{OccurredAt: ev.at, ActorID: &y.worker, Action: "contribution.refunded", SubjectType: "contribution",
				Data: fmt.Sprintf(`{"amount":%d,"reason":%q}`, c.Amount, funds.RefundAdministrative)})
			audits[len(audits)-1].SubjectID = -int64(ev.gift) - 1 // the contribution's id, once known
			continue
		}
		at := ev.at
		d, err := y.rule.Decide(mc, funds.Gift{Donor: c.DonorKey, Amount: c.Amount, DonorCounted: cd.Counted, FirstFromDonor: cd.Eligible == 0}, y.available)
		if err != nil {
			return 0, err
		}
		reserve := d.Reserve
		if d.Unlocks {
			// Without a threshold the campaign's first eligible gift unlocks it: nothing waits.
			res, total, err := y.rule.ReserveBatch(mc, nil, funds.PendingMatch{Counted: d.Counted}, y.available)
			if err != nil {
				return 0, err
			}
			if total != d.BatchTotal || len(res) != 1 {
				return 0, fmt.Errorf("unlock of campaign %d: batch %d but decided %d", camp.ID, total, d.BatchTotal)
			}
			reserve = res[0].Amount
		}
		c.Status, c.SucceededAt, c.UpdatedAt = string(funds.ContributionStatusSucceeded), &at, at
		// Every paid gift has a receipt code (docs/funds.md, "Receipts"): 24 hex digits, here
		// from the seeded source so the city stays one city.
		code := fmt.Sprintf("%016X%08X", l.r.Uint64(), l.r.Uint32())
		c.ReceiptCode = &code
		if camp.Raised, err = funds.AddTotal(camp.Raised, c.Amount); err != nil {
			return 0, err
		}
		if cd.Gifts == 0 {
			camp.Donors++
		}
		cd.Gifts++
		post = append(post, func() (funds.Transaction, time.Time, *int64, error) {
			t, err := funds.ContributionSucceeded(funds.ContributionPosting{ContributionID: c.ID, Fund: c.FundID, Campaign: c.CampaignID,
				Source: funds.SourceKind(c.Source), Channel: funds.Channel(c.Channel), Amount: funds.Money{Amount: c.Amount, Currency: funds.Currency(c.Currency)}})
			return t, at, nil, err
		})
		y.available -= d.BatchTotal
		take += d.BatchTotal
		c.Eligible = d.Eligible
		if !d.Eligible {
			continue
		}
		cd.Eligible += c.Amount
		cd.Counted += d.Counted
		camp.EligibleRaised, camp.EligibleDonors, camp.Counted = d.After.EligibleRaised, d.After.EligibleDonors, d.After.Counted
		camp.PendingCounted, camp.Matched, camp.Unlocked = d.After.PendingCounted, d.After.Matched, d.After.Unlocked
		if d.Counted == 0 && !d.Unlocks {
			continue
		}
		m := &app.FundMatch{CampaignID: camp.ID, PoolID: y.pool.ID, RuleVersion: y.rule.Version, Status: string(funds.MatchStatusPending),
			Counted: d.Counted, CreatedAt: at, UpdatedAt: at}
		if d.Unlocks || !d.Pending {
			m.Status, m.Amount = string(funds.MatchStatusReserved), reserve
		}
		g.m = m
		if m.Amount > 0 {
			amount := m.Amount
			post = append(post, func() (funds.Transaction, time.Time, *int64, error) {
				t, err := funds.MatchReserved(funds.MatchPosting{MatchID: m.ID, Pool: m.PoolID, Campaign: m.CampaignID, Amount: funds.Money{Amount: amount, Currency: funds.CNY}})
				return t, at, nil, err
			})
		}
	}
	if closeAt != nil {
		var err error
		if audits, err = y.settle(camp, gs, *closeAt, &take, &post, audits); err != nil {
			return 0, err
		}
	}
	// Rows, then the ledger that names them, then the totals.
	cs := make([]*app.Contribution, n)
	var ms []*app.FundMatch
	for i, g := range gs {
		cs[i] = g.c
	}
	if err := y.st.CreateContributionsBulk(ctx, cs); err != nil {
		return 0, err
	}
	for _, g := range gs {
		if g.m != nil {
			g.m.ContributionID = g.c.ID
			ms = append(ms, g.m)
		}
	}
	if err := y.st.CreateMatches(ctx, ms); err != nil {
		return 0, err
	}
	lts := make([]*app.LedgerTransaction, 0, len(post))
	for _, build := range post {
		t, at, actor, err := build()
		if err != nil {
			return 0, err
		}
		lts = append(lts, ledgerRow(y.fund.ID, t, at, actor))
	}
	if err := y.st.PostLedgers(ctx, lts); err != nil {
		return 0, err
	}
	ds := make([]*app.CampaignDonor, len(keys))
	for i, k := range keys {
		ds[i] = donorsOf[k]
	}
	if err := y.st.SaveCampaignDonors(ctx, ds); err != nil {
		return 0, err
	}
	if closeAt == nil {
		camp.UpdatedAt = evs[len(evs)-1].at
	}
	if err := y.st.UpdateCampaign(ctx, camp); err != nil {
		return 0, err
	}
	if take > 0 {
		ok, err := y.st.ReservePool(ctx, y.pool.ID, take)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, fmt.Errorf("pool %d: cannot take %d", y.pool.ID, take)
		}
	}
	for _, e := range audits {
		if e.SubjectID < 0 {
			e.SubjectID = gs[-e.SubjectID-1].c.ID
		}
	}
	if err := y.st.AppendAuditBulk(ctx, audits); err != nil {
		return 0, err
	}
	return n, nil
}

// settle closes a campaign whose deadline passed, as the application's CloseCampaigns does
// (app/funds_campaign_close.go) but in memory, so its matches are written once, in bulk:
// the outcome of funds.Campaign.Settle, reserved matches committed into the campaign's
// match account (or released to the pool when it failed), pending ones released, and the
// campaign's closing audit event.
func (y *cityFund) settle(camp *app.Campaign, gs []*cityGift, at time.Time, take *int64,
	post *[]func() (funds.Transaction, time.Time, *int64, error), audits []*app.AuditEvent) ([]*app.AuditEvent, error) {
	fc := funds.Campaign{Goal: funds.Money{Amount: camp.Goal, Currency: funds.Currency(camp.Currency)}, Deadline: camp.Deadline,
		Mode: funds.Mode(camp.Mode), Status: funds.CampaignOpen, Raised: camp.Raised}
	out, err := fc.Settle(at)
	if err != nil {
		return nil, err
	}
	if out.RefundContributions {
		return nil, fmt.Errorf("campaign %d failed: the generator writes no failed all-or-nothing campaigns", camp.ID)
	}
	for _, g := range gs {
		m := g.m
		if m == nil {
			continue
		}
		switch {
		case m.Status == string(funds.MatchStatusReserved) && out.CommitMatches:
			if m.Amount > 0 {
				amount := m.Amount
				*post = append(*post, func() (funds.Transaction, time.Time, *int64, error) {
					t, err := funds.MatchCommitted(funds.MatchPosting{MatchID: m.ID, Pool: m.PoolID, Campaign: m.CampaignID, Amount: funds.Money{Amount: amount, Currency: funds.CNY}})
					return t, at, nil, err
				})
			}
			m.Status = string(funds.MatchStatusCommitted)
		case out.ReleaseMatches && (m.Status == string(funds.MatchStatusReserved) || m.Status == string(funds.MatchStatusPending)):
			if m.Status == string(funds.MatchStatusReserved) && m.Amount > 0 {
				amount := m.Amount
				*post = append(*post, func() (funds.Transaction, time.Time, *int64, error) {
					t, err := funds.MatchReleased(funds.MatchPosting{MatchID: m.ID, Pool: m.PoolID, Campaign: m.CampaignID, Amount: funds.Money{Amount: amount, Currency: funds.CNY}}, funds.MatchStatusReserved)
					return t, at, nil, err
				})
				y.available += amount
				*take -= amount
				camp.Matched -= amount
			}
			m.Status = string(funds.MatchStatusReleased)
		default:
			continue
		}
		m.UpdatedAt = at
	}
	if out.ReleaseMatches && !out.CommitMatches {
		camp.PendingCounted = 0
	}
	camp.Status, camp.ClosedAt, camp.UpdatedAt = string(out.Status), &at, at
	return append(audits, &app.AuditEvent{OccurredAt: at, Action: "campaign." + string(out.Status), SubjectType: "campaign", SubjectID: camp.ID,
		Data: fmt.Sprintf(`{"goal":%d,"raised":%d}`, camp.Goal, camp.Raised)}), nil
}

// refund gives a gift's whole amount back (an administrative refund after the card provider
// returned it) and releases its match, as the application's refund does.
func (y *cityFund) refund(camp *app.Campaign, g *cityGift, cd *app.CampaignDonor, at time.Time, take *int64,
	post *[]func() (funds.Transaction, time.Time, *int64, error)) error {
	c := g.c
	if c.Status != string(funds.ContributionStatusSucceeded) {
		return fmt.Errorf("refund of a %s gift", c.Status)
	}
	amount := c.Amount - c.Refunded
	seq := c.Refunds + 1
	worker := y.worker
	*post = append(*post, func() (funds.Transaction, time.Time, *int64, error) {
		t, err := funds.ContributionRefunded(funds.ContributionPosting{ContributionID: c.ID, Fund: c.FundID, Campaign: c.CampaignID,
			Source: funds.SourceKind(c.Source), Channel: funds.Channel(c.Channel), Amount: funds.Money{Amount: c.Amount, Currency: funds.Currency(c.Currency)}},
			seq, funds.Money{Amount: amount, Currency: funds.Currency(c.Currency)})
		return t, at, &worker, err
	})
	var imp *funds.RefundImpact
	m := g.m
	if m != nil && m.Status != string(funds.MatchStatusReleased) {
		r, err := funds.RefundMatch(funds.MatchRecord{Status: funds.MatchStatus(m.Status), Counted: m.Counted, Amount: m.Amount},
			c.Amount, c.Refunded, amount, funds.RefundAdministrative)
		if err != nil {
			return err
		}
		if r.FlagDonor {
			return errors.New("an administrative refund flagged its donor")
		}
		imp = &r
		if imp.Release > 0 {
			m.Releases++
			from, release, n := funds.MatchStatus(m.Status), imp.Release, m.Releases
			*post = append(*post, func() (funds.Transaction, time.Time, *int64, error) {
				t, err := funds.MatchReleased(funds.MatchPosting{MatchID: m.ID, Pool: m.PoolID, Campaign: m.CampaignID,
					Amount: funds.Money{Amount: release, Currency: funds.CNY}, Release: n}, from)
				return t, at, &worker, err
			})
			y.available += imp.Release
			*take -= imp.Release
		}
	}
	app.RefundTallies(camp, cd, c, m, imp, amount, seq, at)
	return nil
}

// ledgerRow is the stored form of a built transaction, as the application stores it.
func ledgerRow(fundID int64, t funds.Transaction, at time.Time, actor *int64) *app.LedgerTransaction {
	lt := &app.LedgerTransaction{FundID: fundID, Kind: string(t.Kind), Ref: t.Ref, TxKey: t.Key(), Memo: t.Memo, ActorID: actor, CreatedAt: at}
	lt.Entries = make([]app.LedgerEntry, len(t.Entries))
	for i, e := range t.Entries {
		le := app.LedgerEntry{Account: e.Account.String(), AccountKind: string(e.Account.Kind), Source: string(e.Account.Source),
			Channel: string(e.Account.Channel), Side: string(e.Side), Amount: e.Amount.Amount, Currency: string(e.Amount.Currency)}
		if e.Account.Pool != 0 {
			le.PoolID = ptrTo(e.Account.Pool)
		}
		if e.Account.Campaign != 0 {
			le.CampaignID = ptrTo(e.Account.Campaign)
		}
		lt.Entries[i] = le
	}
	return lt
}

// cityTaskTitles are the community's recurring volunteer services over the year.
var cityTaskTitles = []struct{ title, category, activity string }{
	{"长者助餐送餐", "meal_delivery", "为高龄独居老人送午餐"},
	{"独居老人入户探访", "elderly_care", "两人一组入户探访"},
	{"垃圾分类督导", "environment", "早晚高峰垃圾分类桶边督导"},
	{"四点半课堂", "education", "放学后辅导小学生作业"},
	{"平安巡逻", "safety", "夜间楼道和车棚巡查"},
	{"文体活动保障", "culture_sports", "社区文艺汇演现场服务"},
}

// communityHours writes six tasks over the past year, one every two months, and 1–6
// approved hours entries for each active volunteer of the community, recorded and approved
// by the community worker who coordinates the tasks. It returns the entries written.
func (l *loader) communityHours(ctx context.Context, st cityYearStore, p *place) (int, error) {
	c := p.community
	workers, _, err := st.FindMemberships(ctx, app.MembershipFilter{CommunityID: &c.ID, Role: ptrTo(app.RoleCommunityWorker), Page: app.Page{Page: 1, PerPage: 1}})
	if err != nil || len(workers) == 0 {
		return 0, fmt.Errorf("community worker: %w", err)
	}
	coord := workers[0].UserID
	vols, _, err := st.FindVolunteers(ctx, app.VolunteerFilter{CommunityID: &c.ID, Active: ptrTo(true)})
	if err != nil {
		return 0, err
	}
	tasks := make([]*app.Task, len(cityTaskTitles))
	for i, tt := range cityTaskTitles {
		created := l.now.AddDate(0, 0, -365+61*i)
		t := &app.Task{CommunityID: c.ID, Title: tt.title, Description: tt.activity + "。", Category: tt.category, Headcount: 4,
			CoordinatorID: coord, Status: app.TaskClosed, CreatedBy: coord, CreatedAt: created, UpdatedAt: created.AddDate(0, 0, 60)}
		if i == len(cityTaskTitles)-1 {
			t.Status, t.UpdatedAt = app.TaskOpen, created
		}
		if len(p.grids) > 0 {
			t.GridID = &p.grids[i%len(p.grids)].ID
		}
		if err := st.CreateTask(ctx, t); err != nil {
			return 0, err
		}
		tasks[i] = t
	}
	var hs []*app.HoursEntry
	for _, v := range vols {
		for range 1 + l.r.IntN(6) {
			i := l.r.IntN(len(tasks))
			t := tasks[i]
			day := t.CreatedAt.Add(time.Duration(l.r.IntN(60*24)) * time.Hour)
			if day.After(l.now) {
				day = l.now.Add(-24 * time.Hour)
			}
			work := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, l.loc)
			decided := day.Add(48 * time.Hour)
			hs = append(hs, &app.HoursEntry{VolunteerID: v.ID, TaskID: &t.ID, Kind: app.HoursCoordinator, Status: app.HoursApproved,
				WorkDate: work, Minutes: 60 + 30*l.r.IntN(7), Activity: cityTaskTitles[i].activity, Reason: "按服务签到表登记",
				RecordedBy: coord, DecidedBy: &coord, DecidedAt: &decided, CreatedAt: day})
		}
	}
	return len(hs), st.CreateHoursBulk(ctx, hs)
}
