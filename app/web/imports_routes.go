package web

// Routes of spreadsheet imports, the love supermarket's points, and data rights (issue 14).

import (
	"net/http"

	"github.com/wushe/wushe/app"
)

func (s *Server) importRoutes() {
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/imports", Op: "previewImport", Tag: "imports", Auth: true,
		Summary: "Upload a CSV or XLSX file (multipart: file, kind, community_id) and preview it: every row checked, duplicates found, nothing written but the job",
		Resp:    importOut{}, Status: http.StatusCreated, H: s.apiImportPreview})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/imports/:id", Op: "getImport", Tag: "imports", Auth: true,
		Summary: "Get an import job, its report and its progress", Resp: importOut{}, H: s.apiImport})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/imports/:id/commit", Op: "commitImport", Tag: "imports", Auth: true,
		Summary: "Commit a previewed import in one transaction (mode all|valid_only, duplicates skip|update); committing again changes nothing",
		Body:    app.ImportCommitInput{}, Resp: importOut{}, H: s.apiImportCommit})

	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/me/points", Op: "myPoints", Tag: "points", Auth: true,
		Summary: "My points: balance and history of each of my volunteer profiles", Resp: list[*app.PointsAccount]{}, H: apiAll(s.app.MyPoints)})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/volunteers/:id/points", Op: "volunteerPoints", Tag: "points", Auth: true,
		Summary: "A volunteer's points (the volunteer and the community's workers)", Resp: app.PointsAccount{}, H: on(http.StatusOK, s.app.VolunteerPoints)})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/volunteers/:id/points", Op: "awardPoints", Tag: "points", Auth: true,
		Summary: "Award points with a reason (the community's workers)", Body: app.PointsAwardInput{}, Resp: app.PointsTransaction{},
		Status: http.StatusCreated, H: act(http.StatusCreated, s.app.AwardPoints)})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/communities/:id/points", Op: "communityPoints", Tag: "points", Auth: true,
		Summary: "A community's points liability: issued, redeemed, expired, outstanding", Resp: app.PointsLiability{}, H: on(http.StatusOK, s.app.CommunityPointsLiability)})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/communities/:id/points-rules", Op: "getPointsRules", Tag: "points",
		Summary: "A community's points rates per hour (by provenance) and expiry", Resp: app.PointsSettings{}, H: on(http.StatusOK, s.app.CommunityPointsRules)})
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/communities/:id/points-rules", Op: "setPointsRules", Tag: "points", Auth: true,
		Summary: "Set a community's points rates and expiry", Body: app.PointsSettingsInput{}, Resp: app.PointsSettings{}, H: act(http.StatusOK, s.app.SetPointsRules)})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/shop-items", Op: "listShopItems", Tag: "points",
		Summary: "The love supermarket's shelf", Query: []queryParam{{Name: "community_id", Type: "integer"}, {Name: "organization_id", Type: "integer"}},
		Resp: list[*app.ShopItem]{}, H: s.apiShopItems})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/shop-items", Op: "createShopItem", Tag: "points", Auth: true,
		Summary: "Stock the shelf with donated goods (a merchant's member or the community's workers)", Body: app.ShopItemInput{},
		Resp: app.ShopItem{}, Status: http.StatusCreated, H: s.apiShopItemCreate})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/redemptions", Op: "redeem", Tag: "points", Auth: true,
		Summary: "Redeem points for an item (reserved until handed over); 409 when points or stock are short", Body: app.RedeemInput{},
		Resp: app.Redemption{}, Status: http.StatusCreated, H: s.apiRedeem})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/redemptions/:id/hand-over", Op: "handOver", Tag: "points", Auth: true,
		Summary: "Confirm at the counter that the goods were handed over (a worker)", Resp: app.Redemption{}, H: on(http.StatusOK, s.app.HandOver)})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/redemptions/:id/cancel", Op: "cancelRedemption", Tag: "points", Auth: true,
		Summary: "Cancel a reservation: points and stock come back", Resp: app.Redemption{}, H: on(http.StatusOK, s.app.CancelRedemption)})

	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/me/data", Op: "myData", Tag: "rights", Auth: true,
		Summary: "Everything Wushe holds about me (PIPL art. 45)", Resp: app.MyData{}, H: s.apiMyData})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/me/consent", Op: "consent", Tag: "rights", Auth: true,
		Summary: "Agree to the current privacy notice", Status: http.StatusNoContent, H: s.apiConsent})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/me/erase", Op: "eraseMe", Tag: "rights", Auth: true,
		Summary: "Erase my account (PIPL art. 47): personal fields pseudonymised, ledger and votes kept", Body: app.EraseInput{},
		Status: http.StatusNoContent, H: s.apiErase})
}
