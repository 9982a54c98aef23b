package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
)

type tenderOut struct {
	*app.Tender
	Open        bool `json:"open"`
	BidCount    *int `json:"bid_count"` // null while bids are sealed
	BidsSealed  bool `json:"bids_sealed"`
	CanEdit     bool `json:"can_edit"`
	CanPublish  bool `json:"can_publish"`
	CanCancel   bool `json:"can_cancel"`
	CanEvaluate bool `json:"can_evaluate"`
	CanAward    bool `json:"can_award"`
	CanBid      bool `json:"can_bid"`
}

func toTenderOut(v *app.TenderView) tenderOut {
	out := tenderOut{Tender: v.Tender, Open: v.Open, BidsSealed: v.BidsSealed, CanEdit: v.CanEdit, CanPublish: v.CanPublish,
		CanCancel: v.CanCancel, CanEvaluate: v.CanEvaluate, CanAward: v.CanAward, CanBid: v.CanBid}
	if !v.BidsSealed {
		out.BidCount = &v.BidCount
	}
	return out
}

func tenderFilter(c echo.Context) (app.TenderFilter, error) {
	p := params{c: c}
	f := app.TenderFilter{StreetID: p.int64p("street_id"), CommunityID: p.int64p("community_id"), Category: p.oneOfOrAny("category", 64),
		Q: p.str("q", 100), Page: p.page()}
	if st := p.oneOf("status", app.TenderStatuses); st != nil {
		f.Statuses = []string{*st}
	}
	return f, p.err
}

func tenderURL(id int64, suffix string) string {
	return "/tenders/" + strconv.FormatInt(id, 10) + suffix
}

// tendersPage lists tenders and offers managers a new tender and a joint award round.
func (s *Server) tendersPage() echo.HandlerFunc {
	return servePage(s, listPage[app.TenderFilter, *app.TenderView]{page: "tenders_list", title: "tenders.title", section: "tenders",
		rows: "Tenders", read: tenderFilter, run: s.app.Tenders, names: true,
		more: func(c echo.Context, _ app.TenderFilter, data map[string]any) error {
			desk, err := s.app.MyTenderDesk(c.Request().Context())
			if err != nil {
				return err
			}
			data["Statuses"], data["CanCreate"], data["Awardable"] = app.TenderStatuses, desk.CanCreate, desk.Awardable
			return nil
		}})
}

func (s *Server) tenderPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	bv, err := s.app.TenderBids(ctx, id)
	if err != nil {
		return err
	}
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	t := bv.Tender
	publisher, err := s.app.TenderPublisher(ctx, t.Tender)
	if err != nil {
		return err
	}
	v := s.newView(c, t.Title, "tenders")
	loc := s.app.Location()
	period := t.PeriodStart.In(loc).Format("2006-01-02") + " – " + t.PeriodEnd.In(loc).Format("2006-01-02")
	v.Data = map[string]any{"T": t, "Bids": bv, "CommunityNames": names, "Publisher": publisher, "Period": period}
	return s.renderPage(c, http.StatusOK, "tender_show", v)
}

type criterionRow struct {
	Name   string
	Weight string
}

type tenderFormData struct {
	ID                                     int64
	Form                                   app.TenderInput
	Scope                                  string
	Budget, PeriodStart, PeriodEnd, Ending string
	Rows                                   []criterionRow
	Scopes                                 []Opt
	Communities                            []Opt
	Covered                                []string
	Projects                               []Opt // the micro-projects the tender may buy (issue 11)
}

// tenderScopes lists the offices the user may publish for as choices: streets first ("s12"),
// then communities ("c34"); and the communities again for the coverage checkboxes.
func (s *Server) tenderScopes(c echo.Context) ([]Opt, []Opt, error) {
	offices, err := s.app.MyTenderOffices(c.Request().Context())
	if err != nil {
		return nil, nil, err
	}
	var scopes, comms []Opt
	for _, st := range offices.Streets {
		scopes = append(scopes, Opt{Value: "s" + idString(st.ID), Label: st.Name})
	}
	for _, cm := range offices.Communities {
		comms = append(comms, Opt{Value: idString(cm.ID), Label: cm.Name})
		scopes = append(scopes, Opt{Value: "c" + idString(cm.ID), Label: cm.Name})
	}
	return scopes, comms, nil
}

func (s *Server) tenderForm(c echo.Context, status int, d *tenderFormData, v *View) error {
	scopes, comms, err := s.tenderScopes(c)
	if err != nil {
		return err
	}
	if len(scopes) == 0 {
		return app.Forbidden()
	}
	d.Scopes, d.Communities = scopes, comms
	if d.Projects, err = s.tenderProjectOpts(c); err != nil {
		return err
	}
	for len(d.Rows) < 6 {
		d.Rows = append(d.Rows, criterionRow{})
	}
	d.Covered = nil
	for _, id := range d.Form.CommunityIDs {
		d.Covered = append(d.Covered, strconv.FormatInt(id, 10))
	}
	v.Data = d
	return s.renderPage(c, status, "tender_form", v)
}

func (s *Server) tenderNewPage(c echo.Context) error {
	if !principal(c).Authenticated() {
		return app.Unauthorized()
	}
	loc := s.app.Location()
	now := s.app.Now().In(loc)
	d := &tenderFormData{Form: app.TenderInput{MaxAwards: 1},
		PeriodStart: now.AddDate(0, 1, 0).Format("2006-01-02"), PeriodEnd: now.AddDate(1, 1, 0).Format("2006-01-02"),
		Ending: now.AddDate(0, 0, 14).Format("2006-01-02") + "T17:00",
		Rows:   []criterionRow{{s.i18n.T(lang(c), "tenders.default_plan"), "50"}, {s.i18n.T(lang(c), "tenders.default_team"), "30"}, {s.i18n.T(lang(c), "tenders.default_price"), "20"}}}
	return s.tenderForm(c, http.StatusOK, d, s.newView(c, s.i18n.T(lang(c), "tenders.new"), "tenders"))
}

// bindTenderForm reads the tender form: the office ("s12" or "c34"), amounts in yuan, dates
// in local time, and the rubric rows (blank rows are skipped).
func (s *Server) bindTenderForm(c echo.Context, d *tenderFormData) error {
	fe := app.FieldErrors{}
	in := &d.Form
	if err := c.Request().ParseForm(); err != nil {
		return newBadRequest("_body", "error.bad_form")
	}
	if strings.TrimSpace(c.Request().PostForm.Get("min_score")) == "" {
		c.Request().PostForm.Set("min_score", "0") // blank: no minimum
	}
	err := bindForm(c, in)
	if err != nil && !app.IsCode(err, app.EINVALID) {
		return err
	}
	d.Scope = c.FormValue("scope")
	in.StreetID, in.CommunityID = 0, nil
	if n, perr := strconv.ParseInt(strings.TrimLeft(d.Scope, "sc"), 10, 64); perr == nil && strings.HasPrefix(d.Scope, "s") {
		in.StreetID = n
	} else if perr == nil && strings.HasPrefix(d.Scope, "c") {
		in.CommunityID = &n
	} else {
		fe.Add("scope", "error.required")
	}
	d.Budget, d.PeriodStart, d.PeriodEnd, d.Ending = c.FormValue("budget_ceiling"), c.FormValue("period_start"), c.FormValue("period_end"), c.FormValue("bid_deadline")
	in.BudgetCeiling = yuanField(c, "budget_ceiling", fe)
	in.PeriodStart, in.PeriodEnd = s.dateField(c, "period_start", fe), s.dateField(c, "period_end", fe)
	if t := s.formTime(c, "bid_deadline", fe); t != nil {
		in.BidDeadline = *t
	}
	names, weights := c.Request().PostForm["criterion_name"], c.Request().PostForm["criterion_weight"]
	d.Rows, in.Criteria = nil, nil
	for i, name := range names {
		w := ""
		if i < len(weights) {
			w = strings.TrimSpace(weights[i])
		}
		d.Rows = append(d.Rows, criterionRow{Name: name, Weight: w})
		if strings.TrimSpace(name) == "" && w == "" {
			continue
		}
		n, perr := strconv.Atoi(w)
		if perr != nil {
			fe.Add("criteria", "tenders.error.criterion_weight", "n", i+1)
		}
		in.Criteria = append(in.Criteria, app.CriterionInput{Name: name, Weight: n})
	}
	return mergeErr(fe, err)
}

func (s *Server) tenderCreate(c echo.Context) error {
	d := &tenderFormData{}
	err := s.bindTenderForm(c, d)
	var t *app.Tender
	if err == nil {
		t, err = s.app.CreateTender(c.Request().Context(), d.Form)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "tenders.new"), "tenders"), func(st int, v *View) error {
			return s.tenderForm(c, st, d, v)
		})
	}
	return s.done(c, tenderURL(t.ID, ""), "tenders.saved_draft")
}

func (s *Server) tenderEditPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	t, err := s.app.Tender(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if !t.CanEdit {
		if !principal(c).Authenticated() {
			return app.Unauthorized()
		}
		if t.Status == app.TenderDraft {
			return app.Forbidden()
		}
		return app.Errorf(app.ECONFLICT, "error.bad_transition", "from", t.Status, "action", "edit")
	}
	loc := s.app.Location()
	d := &tenderFormData{ID: id, Form: app.TenderInput{StreetID: t.StreetID, CommunityID: t.CommunityID, Title: t.Title, Description: t.Description,
		Category: t.Category, CommunityIDs: t.CommunityIDs, MaxAwards: t.MaxAwards, MinScore: t.MinScore},
		Budget: funds.Fen(t.BudgetCeiling).Decimal(), PeriodStart: t.PeriodStart.In(loc).Format("2006-01-02"),
		PeriodEnd: t.PeriodEnd.In(loc).Format("2006-01-02"), Ending: t.BidDeadline.In(loc).Format("2006-01-02T15:04")}
	d.Scope = "s" + strconv.FormatInt(t.StreetID, 10)
	if t.CommunityID != nil {
		d.Scope = "c" + strconv.FormatInt(*t.CommunityID, 10)
	}
	for _, cr := range t.Criteria {
		d.Rows = append(d.Rows, criterionRow{Name: cr.Name, Weight: strconv.Itoa(cr.Weight)})
	}
	return s.tenderForm(c, http.StatusOK, d, s.newView(c, t.Title, "tenders"))
}

func (s *Server) tenderUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d := &tenderFormData{ID: id}
	err = s.bindTenderForm(c, d)
	if err == nil {
		_, err = s.app.UpdateTender(c.Request().Context(), id, d.Form)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, d.Form.Title, "tenders"), func(st int, v *View) error {
			return s.tenderForm(c, st, d, v)
		})
	}
	return s.done(c, tenderURL(id, ""), "flash.saved", "name", d.Form.Title)
}

func (s *Server) tenderPublish(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.app.PublishTender(c.Request().Context(), id); err != nil {
		if app.IsCode(err, app.EINVALID) {
			return s.backWith(c, tenderURL(id, ""), s.describe(err, lang(c), http.StatusUnprocessableEntity).Fields["bid_deadline"])
		}
		return err
	}
	return s.done(c, tenderURL(id, ""), "tenders.published_done")
}

func (s *Server) tenderCancel(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.app.CancelTender(c.Request().Context(), id, app.TenderCancel{Reason: c.FormValue("reason")}); err != nil {
		if app.IsCode(err, app.EINVALID) {
			return s.backWith(c, tenderURL(id, ""), s.describe(err, lang(c), http.StatusUnprocessableEntity).Fields["reason"])
		}
		return err
	}
	return s.done(c, tenderURL(id, ""), "tenders.cancelled_done")
}

func (s *Server) tenderResponse(c echo.Context, status int, id int64) error {
	t, err := s.app.Tender(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(status, toTenderOut(t))
}

func (s *Server) apiTender(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.tenderResponse(c, http.StatusOK, id)
}

func (s *Server) apiTenderCreate(c echo.Context) error {
	var in app.TenderInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	t, err := s.app.CreateTender(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return s.tenderResponse(c, http.StatusCreated, t.ID)
}

func (s *Server) apiTenderUpdate(c echo.Context) error {
	return apiActShow(c, http.StatusOK, s.app.UpdateTender, s.tenderResponse)
}

func (s *Server) apiTenderPublish(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.app.PublishTender(c.Request().Context(), id); err != nil {
		return err
	}
	return s.tenderResponse(c, http.StatusOK, id)
}

func (s *Server) apiTenderCancel(c echo.Context) error {
	return apiActShow(c, http.StatusOK, s.app.CancelTender, s.tenderResponse)
}
