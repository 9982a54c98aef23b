package web

// Department exports (streamed CSV/XLSX) and service certificates.

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/sheet"
)

// exportChoiceOut is a template the caller may use, for GET /api/v1/exports.
type exportChoiceOut struct {
	Name       string            `json:"name"`
	Department string            `json:"department"`
	Title      string            `json:"title"`
	Columns    []exportColumnOut `json:"columns"`
	Places     []app.ExportPlace `json:"places"`
}

type exportColumnOut struct {
	Key    string `json:"key"`
	Header string `json:"header"`
	Type   string `json:"type"`
}

func (s *Server) exportChoices(c echo.Context) ([]exportChoiceOut, error) {
	chs, err := s.app.ExportChoices(c.Request().Context())
	if err != nil {
		return nil, err
	}
	l := lang(c)
	out := make([]exportChoiceOut, 0, len(chs))
	for _, ch := range chs {
		o := exportChoiceOut{Name: ch.Name, Department: ch.Department, Title: s.i18n.T(l, enumKey("export.name", ch.Name)), Places: ch.Places}
		heads := app.ExportColumns(ch.ExportTemplate, s.i18n, l)
		for i, col := range ch.Columns {
			o.Columns = append(o.Columns, exportColumnOut{Key: col.Key, Header: heads[i].Header, Type: col.Type})
		}
		out = append(out, o)
	}
	return out, nil
}

func (s *Server) apiExports(c echo.Context) error {
	out, err := s.exportChoices(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, wholeList(out))
}

// exportPageData is the exports page: each template with its place picker and period.
type exportPageData struct {
	Templates []exportPageTemplate
	From, To  string
}

type exportPageTemplate struct {
	exportChoiceOut
	Places []app.ChoiceGroup
}

func (s *Server) exportsPageWith(c echo.Context, status int, v *View) error {
	chs, err := s.exportChoices(c)
	if err != nil {
		return err
	}
	p, err := s.app.ParsePeriod("", "")
	if err != nil {
		return err
	}
	d := exportPageData{From: p.From, To: p.To}
	for _, ch := range chs {
		streets := app.ChoiceGroup{Label: v.T("export.places.streets")}
		comms := app.ChoiceGroup{Label: v.T("export.places.communities")}
		for _, pl := range ch.Places {
			if pl.StreetID != 0 {
				streets.Choices = append(streets.Choices, app.Choice{Value: "street:" + idString(pl.StreetID), Label: pl.Name})
			} else {
				comms.Choices = append(comms.Choices, app.Choice{Value: "community:" + idString(pl.CommunityID), Label: pl.Name})
			}
		}
		t := exportPageTemplate{exportChoiceOut: ch}
		for _, g := range []app.ChoiceGroup{streets, comms} {
			if len(g.Choices) > 0 {
				t.Places = append(t.Places, g)
			}
		}
		d.Templates = append(d.Templates, t)
	}
	v.Data = d
	return s.renderPage(c, status, "exports", v)
}

func (s *Server) exportsPage(c echo.Context) error {
	return s.exportsPageWith(c, http.StatusOK, s.newView(c, s.i18n.T(lang(c), "export.title"), ""))
}

// exportDownload streams one template as CSV or XLSX: the page's form (place=community:ID
// or street:ID) and the API (community_id or street_id) both land here. Nothing is written
// before the request is authorized and checked; rows then go out as the cursor reads them.
func (s *Server) exportDownload(c echo.Context) error {
	req := app.ExportRequest{Name: c.Param("name"), CommunityID: c.QueryParam("community_id"), StreetID: c.QueryParam("street_id"),
		From: c.QueryParam("from"), To: c.QueryParam("to")}
	if place := c.QueryParam("place"); place != "" {
		kind, id, _ := strings.Cut(place, ":")
		switch kind {
		case "community":
			req.CommunityID = id
		case "street":
			req.StreetID = id
		default:
			req.CommunityID = place // not a picker's value: reported as an unknown place
		}
	}
	plan, err := s.app.PlanExport(c.Request().Context(), req)
	if err != nil {
		return err
	}
	p := params{c: c}
	format := "csv"
	if f := p.oneOf("format", []string{"csv", "xlsx"}); f != nil {
		format = *f
	}
	if p.err != nil {
		return p.err
	}
	l := lang(c)
	cols := app.ExportColumns(plan.Template, s.i18n, l)
	name := plan.FileName(format)
	res := c.Response()
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(name))
	res.Header().Set("Cache-Control", "no-store")
	var w sheet.Writer
	if format == "xlsx" {
		res.Header().Set(echo.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w, err = sheet.NewXLSX(res, s.i18n.T(l, "export.sheet"), cols)
	} else {
		res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		res.WriteHeader(http.StatusOK)
		w, err = sheet.NewCSV(res, cols)
	}
	if err != nil {
		return err
	}
	_, err = s.app.Stream(c.Request().Context(), plan, w, s.i18n, l)
	return err
}

// certificateOut is a certificate as the API returns it.
type certificateOut struct {
	*app.Certificate
	VerifyURL string `json:"verify_url"`
}

// certificateCheckOut is what a valid code certifies.
type certificateCheckOut = app.CertificateCheck

func (s *Server) certificate(c echo.Context) (*certificateOut, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	per, err := s.dashboardPeriodOr(c)
	if err != nil {
		return nil, err
	}
	cert, err := s.app.Certificate(c.Request().Context(), id, per)
	if err != nil {
		return nil, err
	}
	return &certificateOut{Certificate: cert, VerifyURL: s.absURL(c, "/certificates/verify?code="+url.QueryEscape(cert.Code))}, nil
}

// dashboardPeriodOr reads from/to, defaulting to the current year for a certificate.
func (s *Server) dashboardPeriodOr(c echo.Context) (app.DashboardPeriod, error) {
	p := params{c: c}
	from, to := p.str("from", 10), p.str("to", 10)
	if p.err != nil {
		return app.DashboardPeriod{}, p.err
	}
	if from == "" && to == "" {
		y := s.app.Now().In(s.app.Location()).Format("2006")
		from, to = y+"-01-01", y+"-12-31"
	}
	return s.app.ParsePeriod(from, to)
}

// absURL is the address of path on the host the request came to, for a printed page.
func (s *Server) absURL(c echo.Context, path string) string {
	return c.Scheme() + "://" + c.Request().Host + path
}

func (s *Server) apiCertificate(c echo.Context) error {
	out, err := s.certificate(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) certificatePage(c echo.Context) error {
	out, err := s.certificate(c)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "certificate.title"), "")
	v.Data = out
	return s.renderPage(c, http.StatusOK, "certificate", v)
}

func (s *Server) apiCertificateVerify(c echo.Context) error {
	chk, err := s.app.VerifyCertificate(c.Request().Context(), c.QueryParam("code"), c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, chk)
}

// certificateVerifyData is the public verification page: the code asked about and, when it
// is valid, what it certifies.
type certificateVerifyData struct {
	Code    string
	Check   *app.CertificateCheck
	Invalid bool
}

func (s *Server) certificateVerifyPage(c echo.Context) error {
	v := s.newView(c, s.i18n.T(lang(c), "certificate.verify_title"), "")
	d := certificateVerifyData{Code: strings.TrimSpace(c.QueryParam("code"))}
	status := http.StatusOK
	if d.Code != "" {
		chk, err := s.app.VerifyCertificate(c.Request().Context(), d.Code, c.RealIP())
		switch {
		case app.IsCode(err, app.ENOTFOUND):
			d.Invalid, status = true, http.StatusNotFound
		case err != nil:
			return err
		default:
			d.Check = chk
		}
	}
	v.Data = d
	return s.renderPage(c, status, "certificate_verify", v)
}

// Hours64 formats minutes as hours with two decimals, exactly (no float).
func (v *View) Hours64(minutes int64) string { return sheet.Fixed(minutes * 100 / 60).String() }

// myDataXLSX is "my data" as a workbook: a contents sheet (section, rows), then one sheet
// per section that holds rows, every cell as stored (text).
func (s *Server) myDataXLSX(c echo.Context) error {
	secs, err := s.app.MyDataTables(c.Request().Context())
	if err != nil {
		return err
	}
	l := lang(c)
	res := c.Response()
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="my-data.xlsx"`)
	res.Header().Set(echo.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	res.Header().Set("Cache-Control", "no-store")
	wb, err := sheet.NewWorkbook(res)
	if err != nil {
		return err
	}
	toc, err := wb.Sheet(s.i18n.T(l, "rights.held"), []sheet.Column{{Header: s.i18n.T(l, "rights.section"), Kind: sheet.Text}, {Header: s.i18n.T(l, "rights.count"), Kind: sheet.Int}})
	if err != nil {
		return err
	}
	for _, sec := range secs {
		if err := toc.Row([]any{s.i18n.T(l, enumKey("rights.section", sec.Name)), len(sec.Rows)}); err != nil {
			return err
		}
	}
	if err := toc.Close(); err != nil {
		return err
	}
	row := []any{}
	for _, sec := range secs {
		if len(sec.Rows) == 0 {
			continue
		}
		cols := make([]sheet.Column, len(sec.Columns))
		for i, name := range sec.Columns {
			cols[i] = sheet.Column{Header: name, Kind: sheet.Text}
		}
		w, err := wb.Sheet(s.i18n.T(l, enumKey("rights.section", sec.Name)), cols)
		if err != nil {
			return err
		}
		for _, r := range sec.Rows {
			row = row[:0]
			for _, v := range r {
				row = append(row, v)
			}
			if err := w.Row(row); err != nil {
				return err
			}
		}
		if err := w.Close(); err != nil {
			return err
		}
	}
	return wb.Close()
}

// myDonationsPage is a merchant's donations: per organization of the signed-in member, its
// gifts and the goods it stocked.
func (s *Server) myDonationsPage(c echo.Context) error {
	ds, err := s.app.MyDonations(c.Request().Context())
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "donations.title"), "")
	v.Data = ds
	return s.renderPage(c, http.StatusOK, "my_donations", v)
}
