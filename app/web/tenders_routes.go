package web

// Routes of the tenders feature (government purchase of services): pages and JSON API with
// its OpenAPI entries.

import (
	"net/http"

	"github.com/wushe/wushe/app"
)

func (s *Server) tenderRoutes() {
	s.usePages("tenders_list", "tender_show", "tender_form", "tender_bid", "tender_evaluate", "tender_award")
	e := s.e
	e.GET("/tenders", s.tendersPage())
	e.GET("/tenders/new", s.tenderNewPage)
	e.POST("/tenders", s.tenderCreate)
	e.POST("/tenders/awards", s.tenderAwardRound)
	e.GET("/tenders/:id", s.tenderPage)
	e.GET("/tenders/:id/edit", s.tenderEditPage)
	e.POST("/tenders/:id", s.tenderUpdate)
	e.POST("/tenders/:id/publish", s.tenderPublish)
	e.POST("/tenders/:id/cancel", s.tenderCancel)
	e.GET("/tenders/:id/bid", s.tenderBidPage)
	e.POST("/tenders/:id/bids", s.tenderBidCreate)
	e.GET("/tenders/:id/evaluate", s.tenderEvaluatePage)
	e.POST("/tenders/:id/declarations", s.tenderDeclare)
	e.POST("/tenders/:id/scores", s.tenderScore)
	e.GET("/tenders/:id/award", s.tenderAwardPage)
	e.POST("/tenders/:id/award", s.tenderAward)

	statusQ := queryParam{Name: "status", Type: "string", Enum: app.TenderStatuses}
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/tenders", Op: "listTenders", Tag: "tenders",
		Summary: "List government purchase-of-services tenders (drafts only to the publishing office)",
		Query: []queryParam{{Name: "street_id", Type: "integer"}, {Name: "community_id", Type: "integer", Desc: "covers this community"},
			{Name: "category", Type: "string"}, statusQ, {Name: "q", Type: "string"},
			{Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer", Desc: "1–100"}},
		Resp: list[tenderOut]{}, H: apiList(tenderFilter, s.app.Tenders, toTenderOut)})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/tenders", Op: "createTender", Tag: "tenders", Auth: true,
		Summary: "Create a draft tender (street: civil-affairs officers; community: its workers); budget_ceiling in fen, criteria weights sum to 100",
		Body:    app.TenderInput{}, Resp: tenderOut{}, Status: http.StatusCreated, H: s.apiTenderCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/tenders/:id", Op: "getTender", Tag: "tenders",
		Summary: "Get a tender", Resp: tenderOut{}, H: s.apiTender})
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/tenders/:id", Op: "updateTender", Tag: "tenders", Auth: true,
		Summary: "Edit a draft tender", Body: app.TenderInput{}, Resp: tenderOut{}, H: s.apiTenderUpdate})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/tenders/:id/publication", Op: "publishTender", Tag: "tenders", Auth: true,
		Summary: "Publish a draft: bids open until the deadline", Resp: tenderOut{}, H: s.apiTenderPublish})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/tenders/:id/cancellation", Op: "cancelTender", Tag: "tenders", Auth: true,
		Summary: "Cancel a tender that is not awarded, with a reason", Body: app.TenderCancel{}, Resp: tenderOut{}, H: s.apiTenderCancel})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/tenders/:id/bids", Op: "listTenderBids", Tag: "tenders",
		Summary: "Bids visible to the caller: own organization's before the deadline; all to the publisher and evaluators after it; all once awarded",
		Resp:    list[bidOut]{}, H: s.apiTenderBids})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/tenders/:id/bids", Op: "submitBid", Tag: "tenders", Auth: true,
		Summary: "Bid for a verified social organization (replaces its earlier bid before the deadline); price in fen, at most the ceiling",
		Body:    app.BidInput{}, Resp: bidOut{}, Status: http.StatusCreated, H: s.apiTenderBid})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/tenders/:id/declarations", Op: "declareConflicts", Tag: "tenders", Auth: true,
		Summary: "Declare conflicts of interest (required before scoring; conflicts can be added, never removed)",
		Body:    app.DeclarationInput{}, Resp: app.TenderDeclaration{}, Status: http.StatusCreated, H: s.apiTenderDeclare})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/tenders/:id/scores", Op: "scoreBid", Tag: "tenders", Auth: true,
		Summary: "Score one bid 0–100 on every criterion of the rubric; answers the sheet and its weighted total", Body: app.ScoreInput{}, Resp: scoreSheetOut{},
		H: s.apiTenderScore})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/tenders/:id/award", Op: "awardTender", Tag: "tenders", Auth: true,
		Summary: "Run the award (deferred acceptance, organization capacity) after the deadline; every bid gets a rank and a reason",
		Resp:    awardOut{}, H: s.apiTenderAward})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/tenders/awards", Op: "awardTenderRound", Tag: "tenders", Auth: true,
		Summary: "Award several closed tenders together in one deferred-acceptance round (organizations' capacity spans them); answers each tender's award",
		Body:    app.AwardInput{}, Resp: list[awardOut]{}, H: s.apiTenderAwardRound})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/tenders/:id/award", Op: "getTenderAward", Tag: "tenders",
		Summary: "The award: every bid's rank, total score, per-criterion averages and why it won or lost", Resp: awardOut{},
		H: s.apiTenderAwardGet})
}
