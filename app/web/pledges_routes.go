package web

// Routes of pledges (认捐), my gifts and gift receipts (issue 12 item 6): pages and JSON API.

import (
	"net/http"

	"github.com/wushe/wushe/app"
)

func (s *Server) pledgeRoutes() {
	s.usePages("my_gifts", "receipt_show", "receipt_verify")
	e := s.e
	e.POST("/campaigns/:id/pledges", s.pledgeCreate)
	e.POST("/pledges/:id/cancel", s.pledgeCancel)
	e.POST("/pledges/:id/confirm", s.pledgeConfirm)
	e.POST("/pledges/:id/reject", s.pledgeReject)
	e.GET("/me/gifts", s.myGiftsPage)
	e.GET("/contributions/:id/receipt", s.receiptPage)
	e.GET("/receipts/verify", s.receiptVerifyPage)

	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/campaigns/:id/pledges", Op: "createPledge", Tag: "funds", Auth: true,
		Summary: "Pledge an amount (fen) to an open campaign, paid by cash at the office or bank transfer (认捐)", Body: app.PledgeInput{},
		Resp: app.Pledge{}, Status: http.StatusCreated, H: s.apiPledgeCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/campaigns/:id/pledges", Op: "listCampaignPledges", Tag: "funds", Auth: true,
		Summary: "A campaign's pledges waiting for a worker: to receive, or received and awaiting the second confirmation",
		Resp:    list[*app.PledgeView]{}, H: apiAllOf(s.app.CampaignPledges)})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/pledges/:id", Op: "getPledge", Tag: "funds", Auth: true,
		Summary: "A pledge (its donor, or workers of its place)", Resp: app.PledgeView{}, H: s.apiPledge})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/pledges/:id/cancellation", Op: "cancelPledge", Tag: "funds", Auth: true,
		Summary: "Withdraw one's own pledge before the money was received", Resp: app.Pledge{}, H: s.apiPledgeCancel})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/pledges/:id/confirmation", Op: "confirmPledge", Tag: "funds", Auth: true,
		Summary: "Confirm a pledge: first that the money was received (records the donor's offline gift), then, by a second person, the gift itself",
		Body:    app.PledgeConfirmInput{}, Resp: app.Pledge{}, H: s.apiPledgeConfirm})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/pledges/:id/rejection", Op: "rejectPledge", Tag: "funds", Auth: true,
		Summary: "Close a pledge no money came for, with the reason", Body: app.PledgeRejectInput{}, Resp: app.Pledge{}, H: s.apiPledgeReject})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/me/gifts", Op: "myGifts", Tag: "funds", Auth: true,
		Summary: "My gifts: pledged, confirmed and matched totals, pledges and gifts with receipts", Resp: app.MyGifts{}, H: s.apiMyGifts})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/contributions/:id/receipt", Op: "getReceipt", Tag: "funds", Auth: true,
		Summary: "A confirmed gift's receipt (its donor, or workers of its place)", Resp: app.Receipt{}, H: s.apiReceipt})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/receipts/verify", Op: "verifyReceipt", Tag: "funds",
		Summary: "Check a receipt's verification code (public): the receipt's public facts, or 404",
		Query:   []queryParam{{Name: "code", Type: "string"}}, Resp: app.Receipt{}, H: s.apiReceiptVerify})
}
