package web

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
	"github.com/wushe/wushe/funds/stripepay"
)

func (s *Server) fundRoutes() {
	s.usePages("funds_list", "fund_show", "fund_ledger", "pool_show", "campaign_show")
	s.disbursementRoutes()
	e := s.e
	e.GET("/funds", s.fundsPage)
	e.GET("/funds/:id", s.fundPage)
	e.GET("/funds/:id/ledger", s.ledgerPage)
	e.GET("/funds/:id/ledger.csv", s.ledgerCSV)
	e.GET("/funds/:id/ledger.xlsx", s.ledgerXLSX)
	e.GET("/pools/:id", s.poolPage)
	e.GET("/campaigns/:id", s.campaignPage)
	e.POST("/campaigns/:id/offline", s.offlineCreate)
	e.POST("/campaigns/:id/cancel", s.campaignCancel)
	e.POST("/funds", s.fundCreate)
	e.POST("/funds/:id/campaigns", s.campaignCreate)
	e.POST("/pools/:id/rules", s.poolRule)
	e.POST("/pools/:id/deposits", s.poolDeposit)
	e.POST("/pools/:id/finalize", s.qfFinalize)
	e.POST("/contributions/:id/confirm", s.offlineConfirm)
	e.POST("/contributions/:id/refund", s.contributionRefund)

	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/funds", Op: "listFunds", Tag: "funds", Summary: "List community funds",
		Query: []queryParam{{Name: "community_id", Type: "integer"}}, Resp: list[*app.FundView]{}, H: s.apiFunds})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/funds", Op: "createFund", Tag: "funds", Auth: true,
		Summary: "Open a community fund with its disbursement policy (civil-affairs officers)", Body: app.FundInput{}, Resp: app.FundView{},
		Status: http.StatusCreated, H: s.apiFundCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/funds/:id", Op: "getFund", Tag: "funds", Summary: "Get a fund",
		Resp: app.FundView{}, H: s.apiFund})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/funds/:id/ledger", Op: "getLedger", Tag: "funds",
		Summary: "A fund's public double-entry ledger (JSON, or CSV with format=csv)",
		Query:   []queryParam{{Name: "format", Type: "string", Enum: []string{"json", "csv"}}, {Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer"}},
		Resp:    ledgerOut{}, H: s.apiLedger})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/funds/:id/donor-flags", Op: "listDonorFlags", Tag: "funds", Auth: true,
		Summary: "Donors whose refunds took back matched money (套捐), for workers", Resp: []*app.DonorFlag{}, H: s.apiDonorFlags})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/funds/:id/pools", Op: "createPool", Tag: "funds", Auth: true,
		Summary: "Add a government or foundation pool with rule version 1", Body: app.PoolInput{}, Resp: app.PoolView{},
		Status: http.StatusCreated, H: s.apiPoolCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/pools/:id", Op: "getPool", Tag: "funds",
		Summary: "A pool's budget, reserved, committed and available money and rule history", Resp: app.PoolView{}, H: s.apiPool})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/pools/:id/qf-simulation", Op: "simulateQF", Tag: "funds",
		Summary: "Estimated quadratic-funding matches of a round pool's campaigns if the round closed now",
		Query: []queryParam{{Name: "cap_percent", Type: "integer"}, {Name: "min_contributors", Type: "integer"}, {Name: "min_amount", Type: "integer"},
			{Name: "mode", Type: "string", Enum: []string{"standard", "pairwise"}}}, Resp: app.QFSimulation{}, H: s.apiQFSimulation})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/pools/:id/rule-simulation", Op: "simulateRule", Tag: "funds",
		Summary: "What a candidate rule would have matched on the pool's campaigns (amounts in fen); writes nothing",
		Query: []queryParam{{Name: "ratio", Type: "string"}, {Name: "unlock_share_bp", Type: "integer"}, {Name: "unlock_donors", Type: "integer"},
			{Name: "donor_cap", Type: "integer"}, {Name: "campaign_cap", Type: "integer"}, {Name: "min_contribution", Type: "integer"}},
		Resp: app.RuleSimulation{}, H: s.apiRuleSimulation})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/pools/:id/qf-finalization", Op: "finalizeQF", Tag: "funds", Auth: true,
		Summary: "Close a quadratic-funding round once its campaigns have closed; posts each award", Body: app.QFSimInput{},
		Resp: app.QFRound{}, H: s.apiQFFinalize})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/pools/:id/rules", Op: "changePoolRule", Tag: "funds", Auth: true,
		Summary: "Make a new version of a pool's match rule", Body: app.RuleInput{}, Resp: app.PoolView{}, Status: http.StatusCreated, H: s.apiPoolRule})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/pools/:id/deposits", Op: "depositToPool", Tag: "funds", Auth: true,
		Summary: "Record money arriving in a pool (fen)", Body: app.DepositInput{}, Resp: app.PoolView{}, Status: http.StatusCreated, H: s.apiPoolDeposit})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/campaigns", Op: "createCampaign", Tag: "funds", Auth: true,
		Summary: "Open crowdfunding for an approved project (goal in fen)", Body: app.CampaignInput{}, Resp: app.CampaignView{},
		Status: http.StatusCreated, H: s.apiCampaignCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/campaigns/:id", Op: "getCampaign", Tag: "funds",
		Summary: "A campaign's progress: raised, matched, goal, donors, days left", Resp: app.CampaignView{}, H: s.apiCampaign})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/campaigns/:id/contributions", Op: "listContributions", Tag: "funds",
		Summary: "A campaign's gifts (anonymous donors stay anonymous)", Query: []queryParam{{Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer"}},
		Resp: list[app.DonorLine]{}, H: s.apiContributions})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/campaigns/:id/preview", Op: "previewMatch", Tag: "funds",
		Summary: "What a gift of amount (fen) would earn now; never more than would be reserved",
		Query:   []queryParam{{Name: "amount", Type: "integer"}}, Resp: previewOut{}, H: s.apiPreview})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/campaigns/:id/offline-contributions", Op: "recordOffline", Tag: "funds", Auth: true,
		Summary: "Record cash or a bank transfer (community workers); a second person confirms it", Body: app.OfflineInput{},
		Resp: app.Contribution{}, Status: http.StatusCreated, H: s.apiOffline})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/campaigns/:id/cancellation", Op: "cancelCampaign", Tag: "funds", Auth: true,
		Summary: "Cancel an open campaign: gifts are refunded and matches released", Body: cancelIn{}, Resp: app.CampaignView{}, H: s.apiCampaignCancel})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/contributions/:id/confirmation", Op: "confirmOffline", Tag: "funds", Auth: true,
		Summary: "Confirm an offline gift (a second worker or treasurer)", Resp: app.Contribution{}, H: s.apiConfirm})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/contributions/:id/refunds", Op: "refundContribution", Tag: "funds", Auth: true,
		Summary: "Refund a gift; a donor's refund after a match releases it and flags the donor", Body: app.RefundInput{},
		Resp: app.Contribution{}, H: s.apiRefund})

	if s.app.PaymentsEnabled() {
		// Card payments exist only with a provider configured; without one gifts are offline.
		e.POST("/campaigns/:id/donate", s.donate)
		s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/campaigns/:id/checkout", Op: "startCheckout", Tag: "funds", Auth: true,
			Summary: "Create a contribution and its Stripe Checkout Session; pay at checkout_url", Body: app.DonateInput{},
			Resp: app.Contribution{}, Status: http.StatusCreated, H: s.apiCheckout})
		s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/stripe/webhook", Op: "stripeWebhook", Tag: "funds",
			Summary: "Stripe webhook (API version 2023-10-16), verified by signature on the raw body", Resp: map[string]string{}, H: s.stripeWebhook})
	}
}

type cancelIn struct {
	Reason string `json:"reason"`
}

type previewOut struct {
	Amount   int64  `json:"amount"`
	Match    int64  `json:"match"`
	Project  int64  `json:"project"`
	PoolLeft int64  `json:"pool_left"`
	Locked   bool   `json:"locked"`
	Reason   string `json:"reason,omitempty"`
	Text     string `json:"text"`
}

type ledgerOut struct {
	Items   []*app.LedgerTransaction `json:"items"`
	Total   int                      `json:"total"`
	Page    int                      `json:"page"`
	PerPage int                      `json:"per_page"`
	Summary *app.LedgerSummary       `json:"summary"`
}

// parseYuan reads an amount typed in yuan ("1,200.50", "¥50") into fen.
func parseYuan(fe app.FieldErrors, name, v string) int64 {
	m, err := funds.ParsePositive(v, funds.CNY)
	if err != nil {
		switch {
		case strings.TrimSpace(v) == "":
			fe.Add(name, "error.required")
		case errors.Is(err, funds.ErrTooManyDecimals):
			fe.Add(name, "error.amount_decimals")
		case errors.Is(err, funds.ErrZeroAmount), errors.Is(err, funds.ErrNegativeAmount):
			fe.Add(name, "funds.error.amount_positive")
		default:
			fe.Add(name, "error.amount")
		}
		return 0
	}
	return m.Amount
}

func (s *Server) fundsPage(c echo.Context) error {
	return s.renderFundsList(c, http.StatusOK, s.newView(c, s.i18n.T(lang(c), "funds.title"), "funds"), map[string]string{})
}

func (s *Server) renderFundsList(c echo.Context, status int, v *View, form map[string]string) error {
	p := params{c: c}
	cid := p.int64p("community_id")
	if p.err != nil {
		return p.err
	}
	d, err := s.app.FundsDesk(c.Request().Context(), cid)
	if err != nil {
		return err
	}
	data := map[string]any{"Funds": d.Funds, "Form": form}
	if len(d.Communities) > 0 {
		names := make(map[int64]string, len(d.Communities))
		for _, cm := range d.Communities {
			names[cm.ID] = cm.Name
		}
		data["CommunityNames"] = names
	}
	v.Data = data
	return s.renderPage(c, status, "funds_list", v)
}

func (s *Server) fundPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.renderFund(c, id, http.StatusOK, nil, nil)
}

// renderFund renders the fund page; err (a validation error) and form fill the form it came from.
func (s *Server) renderFund(c echo.Context, id int64, status int, err error, form map[string]string) error {
	d, ferr := s.app.FundDetail(c.Request().Context(), id)
	if ferr != nil {
		return ferr
	}
	if form == nil {
		form = map[string]string{}
	}
	data := map[string]any{"Fund": d.Fund, "Pools": d.Pools, "Campaigns": d.Campaigns, "Summary": d.Summary, "Form": form,
		"Flags": d.Flags, "Disbursements": d.Disbursements}
	if d.Fund.CanCampaign {
		projects := []Opt{}
		for _, pr := range d.CampaignProjects {
			projects = append(projects, Opt{Value: idString(pr.ID), Label: pr.Title})
		}
		pools := []Opt{}
		for _, p := range d.Pools {
			pools = append(pools, Opt{Value: idString(p.ID), Label: p.Name})
		}
		data["ProjectOpts"], data["PoolOpts"] = projects, pools
	}
	if o := d.Disburse; o != nil {
		camps, payees := []Opt{}, []Opt{}
		for _, c := range o.Campaigns {
			camps = append(camps, Opt{Value: idString(c.ID), Label: c.Title})
		}
		for _, p := range o.Payees {
			payees = append(payees, Opt{Value: idString(p.ID), Label: p.Name})
		}
		data["DisburseCampaigns"], data["DisburseOrgs"] = camps, payees
	}
	v := s.newView(c, d.Fund.Name, "funds")
	if err != nil {
		s.applyErrors(v, err)
	}
	v.Data = data
	return s.renderPage(c, status, "fund_show", v)
}

func formMap(c echo.Context, names ...string) map[string]string {
	m := map[string]string{}
	for _, n := range names {
		m[n] = c.FormValue(n)
	}
	return m
}

// campaignCreate opens a campaign from the fund page's form (goal in yuan, local deadline).
func (s *Server) campaignCreate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := app.CampaignInput{FundID: id}
	err = bindForm(c, &in)
	in.FundID = id
	fe := app.FieldErrors{}
	in.Goal = parseYuan(fe, "goal", c.FormValue("goal"))
	if t := s.formTime(c, "deadline", fe); t != nil {
		in.Deadline = *t
	} else if c.FormValue("deadline") == "" {
		fe.Add("deadline", "error.required")
	}
	if err == nil {
		err = fe.Err()
	}
	var camp *app.Campaign
	if err == nil {
		camp, err = s.app.CreateCampaign(c.Request().Context(), in)
	}
	if err != nil {
		if app.IsCode(err, app.EINVALID) {
			return s.renderFund(c, id, http.StatusUnprocessableEntity, err, formMap(c, "project_id", "pool_id", "goal", "deadline", "mode", "title"))
		}
		return err
	}
	return s.done(c, "/campaigns/"+strconv.FormatInt(camp.ID, 10), "funds.campaign_opened")
}

func (s *Server) campaignCancel(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.app.CancelCampaign(c.Request().Context(), id, c.FormValue("reason")); err != nil {
		if app.IsCode(err, app.EINVALID) {
			return s.campaignFormError(c, id, err, &campaignPageData{})
		}
		return err
	}
	return s.done(c, "/campaigns/"+strconv.FormatInt(id, 10), "funds.campaign_cancelled")
}

func (s *Server) fundCreate(c echo.Context) error {
	var in app.FundInput
	err := bindForm(c, &in)
	var f *app.Fund
	if err == nil {
		f, err = s.app.CreateFund(c.Request().Context(), in)
	}
	if err != nil {
		if app.IsCode(err, app.EINVALID) {
			v := s.newView(c, s.i18n.T(lang(c), "funds.title"), "funds")
			s.applyErrors(v, err)
			return s.renderFundsList(c, http.StatusUnprocessableEntity, v, formMap(c, "community_id", "name", "description"))
		}
		return err
	}
	return s.done(c, "/funds/"+strconv.FormatInt(f.ID, 10), "funds.fund_opened")
}

// poolRule makes a new rule version from the pool page's form (amounts in yuan).
func (s *Server) poolRule(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.RuleInput
	err = bindForm(c, &in)
	fe := app.FieldErrors{}
	for _, f := range []struct {
		name string
		dst  *int64
	}{{"donor_cap", &in.DonorCap}, {"campaign_cap", &in.CampaignCap}, {"min_contribution", &in.MinContribution}} {
		if v := c.FormValue(f.name); v != "" {
			m, perr := funds.ParseNonNegative(v, funds.CNY)
			if perr != nil {
				fe.Add(f.name, "error.amount")
			}
			*f.dst = m.Amount
		}
	}
	if v := c.FormValue("unlock_share_percent"); v != "" {
		pct, perr := strconv.ParseFloat(v, 64)
		if perr != nil || pct < 0 || pct > 100 {
			fe.Add("unlock_share_percent", "error.between", "min", 0, "max", 100)
		} else {
			in.UnlockShareBP = int64(pct*100 + 0.5)
		}
	}
	if err == nil {
		err = fe.Err()
	}
	if err == nil {
		_, err = s.app.ChangePoolRule(c.Request().Context(), id, in)
	}
	if err != nil {
		if app.IsCode(err, app.EINVALID) {
			return s.renderPool(c, id, http.StatusUnprocessableEntity, err, formMap(c, "ratio", "unlock_share_percent", "unlock_donors", "donor_cap", "campaign_cap", "min_contribution", "note"))
		}
		return err
	}
	return s.done(c, "/pools/"+strconv.FormatInt(id, 10), "funds.rule_saved")
}

func (s *Server) poolDeposit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	fe := app.FieldErrors{}
	in := app.DepositInput{Amount: parseYuan(fe, "deposit_amount", c.FormValue("deposit_amount")), Note: c.FormValue("note")}
	err = fe.Err()
	if err == nil {
		_, err = s.app.DepositToPool(c.Request().Context(), id, in)
	}
	if err != nil {
		if app.IsCode(err, app.EINVALID) {
			return s.renderPool(c, id, http.StatusUnprocessableEntity, err, formMap(c, "deposit_amount", "note"))
		}
		return err
	}
	return s.done(c, "/pools/"+strconv.FormatInt(id, 10), "funds.deposited")
}

func (s *Server) ledgerPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p := params{c: c}
	pg := p.page()
	if p.err != nil {
		return p.err
	}
	ctx := c.Request().Context()
	f, err := s.app.Fund(ctx, id)
	if err != nil {
		return err
	}
	txs, total, err := s.app.Ledger(ctx, id, pg)
	if err != nil {
		return err
	}
	sum, err := s.app.FundLedgerSummary(ctx, id)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "funds.ledger_of", "name", f.Name), "funds")
	v.Data = map[string]any{"Fund": f, "Txs": txs, "Summary": sum}
	v.Pager = newPager(c, pg, total)
	return s.renderPage(c, http.StatusOK, "fund_ledger", v)
}

// ledgerRows flattens the ledger into one row per entry for exports.
func (s *Server) ledgerRows(c echo.Context, id int64) ([][]string, string, error) {
	ctx := c.Request().Context()
	f, err := s.app.Fund(ctx, id)
	if err != nil {
		return nil, "", err
	}
	txs, err := s.app.LedgerAll(ctx, id)
	if err != nil {
		return nil, "", err
	}
	l := lang(c)
	rows := [][]string{{s.i18n.T(l, "ledger.col.tx"), s.i18n.T(l, "ledger.col.time"), s.i18n.T(l, "ledger.col.kind"), s.i18n.T(l, "ledger.col.ref"),
		s.i18n.T(l, "ledger.col.account"), s.i18n.T(l, "ledger.col.source"), s.i18n.T(l, "ledger.col.debit"), s.i18n.T(l, "ledger.col.credit"), s.i18n.T(l, "ledger.col.currency")}}
	for _, t := range txs {
		for _, e := range t.Entries {
			amt := funds.Money{Amount: e.Amount, Currency: funds.Currency(e.Currency)}.Decimal()
			debit, credit := amt, ""
			if e.Side == string(funds.Credit) {
				debit, credit = "", amt
			}
			rows = append(rows, []string{strconv.FormatInt(t.ID, 10), t.CreatedAt.In(s.app.Location()).Format("2006-01-02 15:04:05"),
				s.i18n.T(l, ledgerKindID(t.Kind)), t.Ref, e.Account, e.Source, debit, credit, e.Currency})
		}
	}
	return rows, fmt.Sprintf("ledger-fund-%d", f.ID), nil
}

func writeCSV(c echo.Context, name string, rows [][]string) error {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF") // UTF-8 BOM so Excel reads Chinese correctly
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func (s *Server) ledgerCSV(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	rows, name, err := s.ledgerRows(c, id)
	if err != nil {
		return err
	}
	return writeCSV(c, name, rows)
}

func (s *Server) ledgerXLSX(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	rows, name, err := s.ledgerRows(c, id)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := "Ledger"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	for i, r := range rows {
		cells := make([]any, len(r))
		var amounts []int
		for j, v := range r {
			cells[j] = v
			if i > 0 && j == 0 {
				if n, err := strconv.ParseInt(v, 10, 64); err == nil {
					cells[j] = n
				}
			}
			if i > 0 && (j == 6 || j == 7) && v != "" {
				amounts = append(amounts, j)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &cells); err != nil {
			return err
		}
		// Amounts are numeric cells written as their exact decimal text, never through a
		// float64 (which rounds amounts beyond 2^53 fen).
		for _, j := range amounts {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := x.SetCellDefault(sheet, cell, r[j]); err != nil {
				return err
			}
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.xlsx"`)
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

func (s *Server) poolPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.renderPool(c, id, http.StatusOK, nil, nil)
}

func (s *Server) renderPool(c echo.Context, id int64, status int, err error, form map[string]string) error {
	pv, perr := s.app.Pool(c.Request().Context(), id)
	if perr != nil {
		return perr
	}
	if form == nil {
		form = map[string]string{}
		if len(pv.Rules) > 0 {
			r := pv.Rules[0]
			form["ratio"] = r.Ratio
			form["unlock_share_percent"] = strconv.FormatFloat(float64(r.UnlockShareBP)/100, 'f', -1, 64)
			form["unlock_donors"] = strconv.Itoa(r.UnlockDonors)
			for k, v := range map[string]int64{"donor_cap": r.DonorCap, "campaign_cap": r.CampaignCap, "min_contribution": r.MinContribution} {
				if v > 0 {
					form[k] = funds.Fen(v).Decimal()
				}
			}
		}
	}
	data := map[string]any{"Pool": pv, "Form": form}
	extra, xerr := s.poolPageExtra(c, pv)
	if xerr != nil {
		return xerr
	}
	for k, v := range extra {
		data[k] = v
	}
	v := s.newView(c, pv.Name, "funds")
	if err != nil {
		s.applyErrors(v, err)
	}
	v.Data = data
	return s.renderPage(c, status, "pool_show", v)
}

// campaignPageData is the campaign page: what the use case found and what the forms kept.
type campaignPageData struct {
	*app.CampaignPage
	PreviewText   string
	Amount        string
	Offline       app.OfflineInput
	OfflineAmount string
}

// campaignData fills the page from the use case; the preview amount is typed in yuan.
func (s *Server) campaignData(c echo.Context, id int64, d *campaignPageData, thanks string) error {
	if d.Amount == "" {
		d.Amount = "50"
	}
	in := app.CampaignPageInput{ThanksSession: thanks}
	if m, err := funds.ParsePositive(d.Amount, funds.CNY); err == nil {
		in.Amount = m.Amount
	}
	page, err := s.app.CampaignDetail(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	d.CampaignPage = page
	if page.Preview != nil {
		d.PreviewText = page.Preview.Text(paymentLocale(c))
	}
	return nil
}

// paymentLocale is the language of texts written by the funds engine: "en" or "zh".
func paymentLocale(c echo.Context) string {
	if lang(c) == "en" {
		return "en"
	}
	return "zh"
}

func (s *Server) campaignPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d := &campaignPageData{Amount: c.QueryParam("amount")}
	if err := s.campaignData(c, id, d, c.QueryParam("thanks")); err != nil {
		return err
	}
	v := s.newView(c, d.Campaign.Title, "funds")
	v.Data = d
	return s.renderPage(c, http.StatusOK, "campaign_show", v)
}

func (s *Server) campaignFormError(c echo.Context, id int64, err error, d *campaignPageData) error {
	if !app.IsCode(err, app.EINVALID) {
		return err
	}
	if e2 := s.campaignData(c, id, d, ""); e2 != nil {
		return e2
	}
	v := s.newView(c, d.Campaign.Title, "funds")
	s.applyErrors(v, err)
	v.Data = d
	return s.renderPage(c, http.StatusUnprocessableEntity, "campaign_show", v)
}

func (s *Server) offlineCreate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.OfflineInput
	err = bindForm(c, &in)
	fe := app.FieldErrors{}
	in.Amount = parseYuan(fe, "offline_amount", c.FormValue("offline_amount"))
	if t := s.formTime(c, "received_on", fe); t != nil {
		in.ReceivedOn = *t
	} else if c.FormValue("received_on") == "" {
		in.ReceivedOn = s.app.Now()
	}
	if err == nil {
		err = fe.Err()
	}
	if err == nil {
		_, err = s.app.RecordOffline(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.campaignFormError(c, id, err, &campaignPageData{Offline: in, OfflineAmount: c.FormValue("offline_amount")})
	}
	return s.done(c, "/campaigns/"+strconv.FormatInt(id, 10), "funds.offline_recorded")
}

func (s *Server) offlineConfirm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ct, err := s.app.ConfirmOffline(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.done(c, "/campaigns/"+strconv.FormatInt(ct.CampaignID, 10), "funds.offline_confirmed")
}

func (s *Server) contributionRefund(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := app.RefundInput{Reason: c.FormValue("reason")}
	fe := app.FieldErrors{}
	if v := c.FormValue("amount"); v != "" {
		in.Amount = parseYuan(fe, "amount", v)
	}
	err = fe.Err()
	var ct *app.Contribution
	if err == nil {
		ct, err = s.app.RefundContribution(c.Request().Context(), id, in)
	}
	if err != nil {
		if app.IsCode(err, app.EINVALID) {
			// Back to the campaign page the form is on, with the errors.
			if camp, cerr := s.app.CampaignOfContribution(c.Request().Context(), id); cerr == nil {
				return s.campaignFormError(c, camp, err, &campaignPageData{})
			}
		}
		return err
	}
	return s.done(c, "/campaigns/"+strconv.FormatInt(ct.CampaignID, 10), "funds.refunded")
}

// donate starts a card payment and sends the donor to the provider's page.
func (s *Server) donate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if !principal(c).Authenticated() {
		return app.Unauthorized()
	}
	in := app.DonateInput{Anonymous: c.FormValue("anonymous") == "true"}
	fe := app.FieldErrors{}
	in.Amount = parseYuan(fe, "amount", c.FormValue("amount"))
	err = fe.Err()
	var ct *app.Contribution
	if err == nil {
		ct, err = s.app.StartCheckout(c.Request().Context(), id, in, s.checkoutURLs(c, id))
	}
	if err != nil {
		return s.campaignFormError(c, id, err, &campaignPageData{Amount: c.FormValue("amount")})
	}
	return c.Redirect(http.StatusSeeOther, ct.CheckoutURL)
}

func (s *Server) checkoutURLs(c echo.Context, id int64) app.CheckoutURLs {
	base := c.Scheme() + "://" + c.Request().Host
	path := "/campaigns/" + strconv.FormatInt(id, 10)
	return app.CheckoutURLs{Success: base + path + "?thanks={CHECKOUT_SESSION_ID}", Cancel: base + path, Locale: paymentLocale(c)}
}

// stripeWebhook verifies and applies one Stripe event: the body is read raw and
// size-limited, the signature checked on those bytes, and the event id stored with its effect.
func (s *Server) stripeWebhook(c echo.Context) error {
	body, err := stripepay.ReadWebhookBody(c.Request().Body, stripepay.MaxWebhookBytes)
	if err != nil {
		return c.JSON(http.StatusRequestEntityTooLarge, map[string]any{"error": map[string]string{"code": "too_large", "message": err.Error()}})
	}
	ev, err := s.app.ParseWebhook(body, c.Request().Header.Get("Stripe-Signature"))
	if err != nil {
		s.log.Warn("stripe webhook rejected", "err", err)
		return c.JSON(http.StatusBadRequest, map[string]any{"error": map[string]string{"code": "invalid", "message": err.Error()}})
	}
	outcome, err := s.app.ApplyPaymentEvent(c.Request().Context(), "stripe", ev)
	if err != nil {
		return err // 5xx: Stripe retries later
	}
	return c.JSON(http.StatusOK, map[string]string{"event": ev.ID, "outcome": outcome})
}

func (s *Server) apiFunds(c echo.Context) error {
	p := params{c: c}
	cid := p.int64p("community_id")
	if p.err != nil {
		return p.err
	}
	fs, err := s.app.Funds(c.Request().Context(), cid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(fs, len(fs), app.Page{Page: 1, PerPage: max(len(fs), 1)}))
}

func (s *Server) apiFund(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.Fund)
}

func (s *Server) apiFundCreate(c echo.Context) error {
	var in app.FundInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	f, err := s.app.CreateFund(c.Request().Context(), in)
	if err != nil {
		return err
	}
	v, err := s.app.Fund(c.Request().Context(), f.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, v)
}

func (s *Server) apiLedger(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p := params{c: c}
	format := p.oneOf("format", []string{"json", "csv"})
	pg := p.page()
	if p.err != nil {
		return p.err
	}
	if (format != nil && *format == "csv") || (format == nil && strings.Contains(c.Request().Header.Get("Accept"), "text/csv")) {
		rows, name, err := s.ledgerRows(c, id)
		if err != nil {
			return err
		}
		return writeCSV(c, name, rows)
	}
	ctx := c.Request().Context()
	txs, total, err := s.app.Ledger(ctx, id, pg)
	if err != nil {
		return err
	}
	sum, err := s.app.FundLedgerSummary(ctx, id)
	if err != nil {
		return err
	}
	l := listOf(txs, total, pg)
	return c.JSON(http.StatusOK, ledgerOut{Items: l.Items, Total: l.Total, Page: l.Page, PerPage: l.PerPage, Summary: sum})
}

func (s *Server) apiDonorFlags(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	fl, err := s.app.DonorFlags(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(fl, len(fl), app.Page{Page: 1, PerPage: max(len(fl), 1)}))
}

func (s *Server) apiPoolCreate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.PoolInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	pl, err := s.app.CreatePool(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return s.poolResponse(c, http.StatusCreated, pl.ID)
}

func (s *Server) poolResponse(c echo.Context, status int, id int64) error {
	pv, err := s.app.Pool(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(status, pv)
}

func (s *Server) apiPool(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.poolResponse(c, http.StatusOK, id)
}

func (s *Server) apiPoolRule(c echo.Context) error {
	return apiActShow(c, http.StatusCreated, s.app.ChangePoolRule, s.poolResponse)
}

func (s *Server) apiPoolDeposit(c echo.Context) error {
	return apiActShow(c, http.StatusCreated, s.app.DepositToPool, s.poolResponse)
}

func (s *Server) apiCampaignCreate(c echo.Context) error {
	var in app.CampaignInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	camp, err := s.app.CreateCampaign(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return s.campaignResponse(c, http.StatusCreated, camp.ID)
}

func (s *Server) campaignResponse(c echo.Context, status int, id int64) error {
	cv, err := s.app.Campaign(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(status, cv)
}

func (s *Server) apiCampaign(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.campaignResponse(c, http.StatusOK, id)
}

func (s *Server) apiContributions(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p := params{c: c}
	pg := p.page()
	if p.err != nil {
		return p.err
	}
	ls, total, err := s.app.CampaignContributions(c.Request().Context(), id, pg)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(ls, total, pg))
}

func (s *Server) apiPreview(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	amt, err := strconv.ParseInt(c.QueryParam("amount"), 10, 64)
	if err != nil {
		return newBadRequest("amount", "error.wrong_type", "want", "integer")
	}
	pv, err := s.app.MatchPreview(c.Request().Context(), id, amt)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, previewOut{Amount: pv.Gift.Amount, Match: pv.Match.Amount, Project: pv.Project.Amount,
		PoolLeft: pv.PoolLeft.Amount, Locked: pv.Locked, Reason: pv.Reason, Text: pv.Text(paymentLocale(c))})
}

func (s *Server) apiOffline(c echo.Context) error {
	return apiAct(c, http.StatusCreated, s.app.RecordOffline)
}

func (s *Server) apiCampaignCancel(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in cancelIn
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if _, err := s.app.CancelCampaign(c.Request().Context(), id, in.Reason); err != nil {
		return err
	}
	return s.campaignResponse(c, http.StatusOK, id)
}

func (s *Server) apiConfirm(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.ConfirmOffline)
}

func (s *Server) apiRefund(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.RefundContribution)
}

func (s *Server) apiCheckout(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.DonateInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ct, err := s.app.StartCheckout(c.Request().Context(), id, in, s.checkoutURLs(c, id))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ct)
}

// ledgerKindID is the message id naming a transaction kind.
func ledgerKindID(kind string) string { return "ledger.kind." + kind }
