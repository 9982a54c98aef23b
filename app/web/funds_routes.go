package web

// Routes of the funds feature: funds, pools, campaigns, contributions, the ledger and
// disbursements, pages and JSON API with its OpenAPI entries.

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wushe/wushe/app"
)

// giftBatchMetrics exports this process's group commit of paid gifts (docs/funds.md,
// "Giving-day peaks"): on a giving day, gifts per batch and seconds per batch are what tell
// an operator whether the queues keep up.
func (s *Server) giftBatchMetrics() {
	counter := func(name, help string, v func() float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, v)
	}
	stats := s.app.GiftBatchStats
	s.registry.MustRegister(
		counter("wushe_gift_batches_total", "Batches of paid gifts committed.", func() float64 { b, _, _, _ := stats(); return float64(b) }),
		counter("wushe_gift_batch_gifts_total", "Paid gifts applied in batches.", func() float64 { _, g, _, _ := stats(); return float64(g) }),
		counter("wushe_gift_batch_slow_total", "Paid gifts a batch sent the one-gift way.", func() float64 { _, _, sl, _ := stats(); return float64(sl) }),
		counter("wushe_gift_batch_seconds_total", "Time spent in batch transactions.", func() float64 { _, _, _, t := stats(); return t.Seconds() }),
	)
}

func (s *Server) fundRoutes() {
	s.usePages("funds_list", "fund_show", "fund_ledger", "pool_show", "campaign_show")
	s.disbursementRoutes()
	s.giftBatchMetrics()
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
		Summary: "Donors whose refunds took back matched money (套捐), for workers", Resp: list[*app.DonorFlag]{}, H: apiAllOf(s.app.DonorFlags)})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/funds/:id/pools", Op: "createPool", Tag: "funds", Auth: true,
		Summary: "Add a government or foundation pool with rule version 1", Body: app.PoolInput{}, Resp: app.PoolView{},
		Status: http.StatusCreated, H: s.apiPoolCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/pools/:id", Op: "getPool", Tag: "funds",
		Summary: "A pool's budget, reserved, committed and available money and rule history", Resp: app.PoolView{}, H: s.apiPool})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/pools/:id/qf-simulation", Op: "simulateQF", Tag: "funds",
		Summary: "Estimated quadratic-funding matches of a round pool's campaigns if the round closed now",
		Query: []queryParam{{Name: "cap_percent", Type: "integer"}, {Name: "min_contributors", Type: "integer"}, {Name: "min_amount", Type: "integer"},
			{Name: "mode", Type: "string", Enum: qfModes}}, Resp: app.QFSimulation{}, H: s.apiQFSimulation})
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

func (s *Server) disbursementRoutes() {
	s.usePages("disbursement_show", "disbursement_queue")
	e := s.e
	e.GET("/disbursements", s.disbursementQueuePage)
	e.GET("/disbursements/:id", s.disbursementPage)
	e.POST("/funds/:id/disbursements", s.disbursementCreate)
	e.POST("/disbursements/:id/vote", s.disbursementVote)
	e.POST("/disbursements/:id/evidence", s.disbursementEvidence)
	e.POST("/disbursements/:id/pay", s.disbursementPay)
	e.GET("/evidence/:id", s.evidenceFile)

	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/disbursement-queue", Op: "disbursementQueue", Tag: "funds", Auth: true,
		Summary: "Disbursements waiting for the caller's decision or payment", Resp: list[*app.DisbursementView]{}, H: apiAll(s.app.DisbursementQueue)})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/funds/:id/disbursements", Op: "listDisbursements", Tag: "funds",
		Summary: "A fund's disbursements with their approvals (spending is public)", Resp: list[*app.DisbursementView]{}, H: apiAllOf(s.fundDisbursements)})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/funds/:id/disbursements", Op: "requestDisbursement", Tag: "funds", Auth: true,
		Summary: "Ask to pay a payee organization from a succeeded campaign (amount in fen)", Body: app.DisbursementInput{},
		Resp: app.DisbursementView{}, Status: http.StatusCreated, H: s.apiDisbursementCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/disbursements/:id", Op: "getDisbursement", Tag: "funds",
		Summary: "A disbursement, its votes and verdict", Resp: app.DisbursementView{}, H: s.apiDisbursement})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/disbursements/:id/votes", Op: "voteDisbursement", Tag: "funds", Auth: true,
		Summary: "Approve or reject (handlers up to the threshold, the committee above; never one's own)", Body: app.VoteInput{},
		Resp: app.DisbursementView{}, H: s.apiDisbursementVote})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/disbursements/:id/evidence", Op: "addEvidence", Tag: "funds", Auth: true,
		Summary: "Attach a receipt or photo (JPEG, PNG, GIF, WebP or PDF, base64, at most 5 MB)", Body: evidenceIn{}, Resp: app.DisbursementEvidence{},
		Status: http.StatusCreated, H: s.apiDisbursementEvidence})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/disbursements/:id/payment", Op: "payDisbursement", Tag: "funds", Auth: true,
		Summary: "Mark an approved disbursement with evidence paid; posts it to the ledger", Resp: app.DisbursementView{}, H: s.apiDisbursementPay})
}
