package web

// Routes of department exports and volunteers' service certificates (issue 14).

import (
	"net/http"

	"github.com/wushe/wushe/app"
)

func (s *Server) exportRoutes() {
	s.usePages("exports", "certificate", "certificate_verify", "my_donations")
	e := s.e
	e.GET("/exports", s.exportsPage)
	e.GET("/exports/:name", s.exportDownload)
	e.GET("/volunteers/:id/certificate", s.certificatePage)
	e.GET("/certificates/verify", s.certificateVerifyPage)
	// "My data" as a workbook, beside /me/data.json (the rights pages are in imports_routes.go).
	e.GET("/me/data.xlsx", s.myDataXLSX)
	// A merchant's gifts and stocked goods (the love supermarket's donors).
	e.GET("/me/donations", s.myDonationsPage)

	exportQ := []queryParam{{Name: "community_id", Type: "integer", Desc: "a community (or street_id: exactly one of the two)"},
		{Name: "street_id", Type: "integer", Desc: "a street: every community of it"},
		{Name: "from", Type: "string", Desc: "first local date, 2006-01-02 (default: this month)"},
		{Name: "to", Type: "string", Desc: "last local date, inclusive"},
		{Name: "format", Type: "string", Desc: "csv (UTF-8 with BOM, default) or xlsx", Enum: []string{"csv", "xlsx"}}}
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/exports", Op: "listExports", Tag: "exports", Auth: true,
		Summary: "The export templates the caller may use, their columns and the places they may export (docs/exports.md)",
		Resp:    list[exportChoiceOut]{}, H: s.apiExports})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/exports/:name", Op: "runExport", Tag: "exports", Auth: true,
		Summary: "Download one template over a community or a street and a period, streamed as CSV or XLSX",
		Query:   exportQ, H: s.exportDownload})
	periodQ := []queryParam{{Name: "from", Type: "string", Desc: "first local date (default: this month)"}, {Name: "to", Type: "string", Desc: "last local date, inclusive"}}
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/volunteers/:id/certificate", Op: "volunteerCertificate", Tag: "exports", Auth: true,
		Summary: "A volunteer's service certificate (志愿服务证明) over a period, with its verification code (the volunteer and their community's workers)",
		Query:   periodQ, Resp: certificateOut{}, H: s.apiCertificate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/me/donations", Op: "myDonations", Tag: "points", Auth: true,
		Summary: "For each organization I am a member of: its gifts and the goods it stocked on the love supermarket's shelf",
		Resp:    list[*app.OrgDonations]{}, H: apiAll(s.app.MyDonations)})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/certificates/verify", Op: "verifyCertificate", Tag: "exports",
		Summary: "Check a certificate's verification code: the public facts for a valid code, 404 otherwise",
		Query:   []queryParam{{Name: "code", Type: "string"}}, Resp: certificateCheckOut{}, H: s.apiCertificateVerify})
}
