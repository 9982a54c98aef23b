package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
)

func (s *Server) tenderRoutes() {
	s.usePages("tenders_list", "tender_show", "tender_form", "tender_bid", "tender_evaluate", "tender_award")
	e := s.e
	e.GET("/tenders", s.tendersPage)
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
		Resp: list[tenderOut]{}, H: s.apiTenders})
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

// --- JSON shapes

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

type teamMemberOut struct {
	ID                 int64  `json:"id"`
	Name               string `json:"name"`
	CertificationLevel string `json:"certification_level"`
	CertificateNumber  string `json:"certificate_number"`
	YearsExperience    int    `json:"years_experience"`
}

type criterionAvgOut struct {
	CriterionID int64   `json:"criterion_id"`
	Average     float64 `json:"average"`
}

type bidOut struct {
	ID               int64                 `json:"id"`
	TenderID         int64                 `json:"tender_id"`
	OrganizationID   int64                 `json:"organization_id"`
	OrganizationName string                `json:"organization_name"`
	Price            int64                 `json:"price"`
	Currency         string                `json:"currency"`
	Plan             string                `json:"plan"`
	Capacity         int                   `json:"capacity"`
	Team             []teamMemberOut       `json:"team"`
	PastAwards       []app.PastAward       `json:"past_awards"`
	Evaluations      app.Reputation        `json:"evaluations"`
	Score            float64               `json:"score"`
	Evaluators       int                   `json:"evaluators"`
	PerCriterion     []criterionAvgOut     `json:"per_criterion"`
	Conflicted       bool                  `json:"conflicted"`
	Rank             int                   `json:"rank,omitempty"`
	Won              *bool                 `json:"won,omitempty"`
	Reason           string                `json:"reason,omitempty"`
	Above            []app.RivalView       `json:"above,omitempty"`
	Preferred        []app.PreferredTender `json:"preferred,omitempty"`
	SubmittedAt      time.Time             `json:"submitted_at"`
}

func toBidOut(t *app.Tender, b *app.BidView) bidOut {
	o := bidOut{ID: b.ID, TenderID: b.TenderID, OrganizationID: b.OrganizationID, OrganizationName: b.OrganizationName,
		Price: b.Price, Currency: b.Currency, Plan: b.Plan, Capacity: b.Capacity, PastAwards: b.Record, Evaluations: b.Reputation, Score: b.Score,
		Evaluators: b.Evaluators, Conflicted: b.Conflicted, Above: b.AboveNames, Preferred: b.PreferredTenders, SubmittedAt: b.UpdatedAt,
		Team: []teamMemberOut{}, PerCriterion: []criterionAvgOut{}}
	if o.PastAwards == nil {
		o.PastAwards = []app.PastAward{}
	}
	for _, w := range b.TeamMembers {
		o.Team = append(o.Team, teamMemberOut{ID: w.ID, Name: w.Name, CertificationLevel: w.CertificationLevel, CertificateNumber: w.CertificateNumber, YearsExperience: w.YearsExperience})
	}
	for _, c := range t.Criteria {
		if avg, ok := b.PerCriterion[c.ID]; ok {
			o.PerCriterion = append(o.PerCriterion, criterionAvgOut{CriterionID: c.ID, Average: avg})
		}
	}
	if r := b.Result; r != nil {
		o.Rank, o.Won, o.Reason = r.Rank, &r.Won, r.Reason
	}
	return o
}

// scoreSheetOut is one evaluator's scores of one bid and their weighted total (0–100).
type scoreSheetOut struct {
	BidID       int64                `json:"bid_id"`
	EvaluatorID int64                `json:"evaluator_id"`
	Scores      []app.CriterionScore `json:"scores"`
	Total       float64              `json:"total"`
}

type awardOut struct {
	Tender tenderOut `json:"tender"`
	Bids   []bidOut  `json:"bids"`
}

// --- helpers

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

// yuanField parses a yuan amount typed in a form into fen; empty is 0.
func yuanField(c echo.Context, name string, fe app.FieldErrors) int64 {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return 0
	}
	m, err := funds.ParseNonNegative(v, funds.CNY)
	if err != nil {
		msg := "error.amount"
		if errors.Is(err, funds.ErrTooManyDecimals) {
			msg = "error.amount_decimals"
		}
		fe.Add(name, msg)
		return 0
	}
	return m.Amount
}

// dateField parses a date ("2026-12-01") as local midnight.
func (s *Server) dateField(c echo.Context, name string, fe app.FieldErrors) time.Time {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02", v, s.app.Location())
	if err != nil {
		fe.Add(name, "error.bad_time")
		return time.Time{}
	}
	return t.UTC()
}

// mergeErr joins form-parsing problems with the domain's field errors.
func mergeErr(fe app.FieldErrors, err error) error {
	var ae *app.Error
	if errors.As(err, &ae) && ae.Code == app.EINVALID {
		for f, m := range ae.Fields {
			if _, ok := fe[f]; !ok {
				fe[f] = m
			}
		}
	} else if err != nil {
		return err
	}
	return fe.Err()
}

// --- list and show

func (s *Server) tendersPage(c echo.Context) error {
	f, err := tenderFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	ts, total, err := s.app.Tenders(ctx, f)
	if err != nil {
		return err
	}
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	desk, err := s.app.MyTenderDesk(ctx)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "tenders.title"), "tenders")
	v.Data = map[string]any{"Tenders": ts, "CommunityNames": names, "Statuses": app.TenderStatuses, "CanCreate": desk.CanCreate, "Awardable": desk.Awardable}
	v.Pager = newPager(c, f.Page, total)
	return s.renderPage(c, http.StatusOK, "tenders_list", v)
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

// --- create and edit

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
		if app.IsCode(err, app.EINVALID) {
			v := s.newView(c, s.i18n.T(lang(c), "tenders.new"), "tenders")
			s.applyErrors(v, err)
			return s.tenderForm(c, http.StatusUnprocessableEntity, d, v)
		}
		return err
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
		if app.IsCode(err, app.EINVALID) {
			v := s.newView(c, d.Form.Title, "tenders")
			s.applyErrors(v, err)
			return s.tenderForm(c, http.StatusUnprocessableEntity, d, v)
		}
		return err
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
			s.sessions.Put(c.Request().Context(), "flash", s.describe(err, lang(c), http.StatusUnprocessableEntity).Fields["bid_deadline"])
			return c.Redirect(http.StatusSeeOther, tenderURL(id, ""))
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
			s.sessions.Put(c.Request().Context(), "flash", s.describe(err, lang(c), http.StatusUnprocessableEntity).Fields["reason"])
			return c.Redirect(http.StatusSeeOther, tenderURL(id, ""))
		}
		return err
	}
	return s.done(c, tenderURL(id, ""), "tenders.cancelled_done")
}

// --- bids

type bidFormData struct {
	T       *app.TenderView
	Orgs    []*app.BidOrganization
	Org     *app.BidOrganization
	Form    app.BidInput
	Price   string
	Team    []string
	Current *app.BidView
}

func (s *Server) bidForm(c echo.Context, status int, id int64, d *bidFormData, v *View) error {
	ctx := c.Request().Context()
	t, err := s.app.Tender(ctx, id)
	if err != nil {
		return err
	}
	orgs, err := s.app.BidOrganizations(ctx, id)
	d.T, d.Orgs = t, orgs
	if app.IsCode(err, app.EFORBIDDEN) && principal(c).Authenticated() {
		// Not a member of any organization: the page says how to register one.
		v.Data = d
		return s.renderPage(c, status, "tender_bid", v)
	} else if err != nil {
		return err
	}
	want := d.Form.OrganizationID
	if want == 0 {
		if q, err := strconv.ParseInt(c.QueryParam("organization_id"), 10, 64); err == nil {
			want = q
		}
	}
	d.Org = orgs[0]
	for _, o := range orgs {
		if o.Organization.ID == want {
			d.Org = o
		}
	}
	d.Form.OrganizationID = d.Org.Organization.ID
	if bv, err := s.app.TenderBids(ctx, id); err == nil {
		for _, b := range bv.Bids {
			if b.OrganizationID == d.Org.Organization.ID {
				d.Current = b
			}
		}
	}
	if d.Current != nil && c.Request().Method == http.MethodGet {
		d.Form.Plan, d.Form.Capacity = d.Current.Plan, d.Current.Capacity
		d.Price = funds.Fen(d.Current.Price).Decimal()
		d.Form.Team = d.Current.Team
	}
	d.Team = nil
	for _, w := range d.Form.Team {
		d.Team = append(d.Team, strconv.FormatInt(w, 10))
	}
	if d.Form.Capacity == 0 {
		d.Form.Capacity = 1
	}
	v.Data = d
	return s.renderPage(c, status, "tender_bid", v)
}

func (s *Server) tenderBidPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if !principal(c).Authenticated() {
		return app.Unauthorized()
	}
	return s.bidForm(c, http.StatusOK, id, &bidFormData{}, s.newView(c, s.i18n.T(lang(c), "tenders.bid"), "tenders"))
}

func (s *Server) tenderBidCreate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d := &bidFormData{Price: c.FormValue("price")}
	fe := app.FieldErrors{}
	err = bindForm(c, &d.Form)
	d.Form.Price = yuanField(c, "price", fe)
	if _, bad := fe["price"]; d.Form.Price == 0 && !bad {
		fe.Add("price", "error.required")
	}
	if err = mergeErr(fe, err); err == nil {
		_, err = s.app.SubmitBid(c.Request().Context(), id, d.Form)
	}
	if err != nil {
		if app.IsCode(err, app.EINVALID) {
			v := s.newView(c, s.i18n.T(lang(c), "tenders.bid"), "tenders")
			s.applyErrors(v, err)
			return s.bidForm(c, http.StatusUnprocessableEntity, id, d, v)
		}
		return err
	}
	return s.done(c, tenderURL(id, ""), "tenders.bid_done")
}

// --- evaluation

func (s *Server) tenderEvaluatePage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.evaluatePage(c, http.StatusOK, id, nil)
}

func (s *Server) evaluatePage(c echo.Context, status int, id int64, formErr error) error {
	p := principal(c)
	if !p.Authenticated() {
		return app.Unauthorized()
	}
	bv, err := s.app.TenderBids(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if !bv.Evaluator {
		return app.Forbidden()
	}
	v := s.newView(c, bv.Tender.Title, "tenders")
	if formErr != nil {
		s.applyErrors(v, formErr)
	}
	v.Data = map[string]any{"T": bv.Tender, "Bids": bv}
	return s.renderPage(c, status, "tender_evaluate", v)
}

func (s *Server) tenderDeclare(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.DeclarationInput
	err = bindForm(c, &in)
	if err == nil {
		_, err = s.app.Declare(c.Request().Context(), id, in)
	}
	if err != nil {
		if app.IsCode(err, app.EINVALID) {
			return s.evaluatePage(c, http.StatusUnprocessableEntity, id, err)
		}
		return err
	}
	return s.done(c, tenderURL(id, "/evaluate"), "tenders.declared_done")
}

func (s *Server) tenderScore(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := c.Request().ParseForm(); err != nil {
		return newBadRequest("_body", "error.bad_form")
	}
	fe := app.FieldErrors{}
	in := app.ScoreInput{}
	in.BidID, _ = strconv.ParseInt(c.FormValue("bid_id"), 10, 64)
	for k, vals := range c.Request().PostForm {
		cid, ok := strings.CutPrefix(k, "score_")
		if !ok || len(vals) == 0 {
			continue
		}
		crit, perr := strconv.ParseInt(cid, 10, 64)
		n, serr := strconv.Atoi(strings.TrimSpace(vals[0]))
		if perr != nil || serr != nil {
			fe.Add("scores", "tenders.error.score_range")
			continue
		}
		in.Scores = append(in.Scores, app.CriterionScore{CriterionID: crit, Score: n})
	}
	slices.SortFunc(in.Scores, func(a, b app.CriterionScore) int { return int(a.CriterionID - b.CriterionID) })
	if err = fe.Err(); err == nil {
		_, err = s.app.ScoreBid(c.Request().Context(), id, in)
	}
	if err != nil {
		if app.IsCode(err, app.EINVALID) {
			return s.evaluatePage(c, http.StatusUnprocessableEntity, id, err)
		}
		return err
	}
	return s.done(c, tenderURL(id, "/evaluate"), "tenders.scored_done")
}

// --- award

func (s *Server) tenderAwardPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	bv, err := s.app.TenderBids(c.Request().Context(), id)
	if err != nil {
		return err
	}
	t := bv.Tender
	if t.Status != app.TenderAwarded && !t.CanAward {
		return app.NotFound("award")
	}
	v := s.newView(c, s.i18n.T(lang(c), "tenders.award_title", "title", t.Title), "tenders")
	reasons := map[int64]string{}
	for _, b := range bv.Bids {
		reasons[b.ID] = s.reasonText(v.Lang, t.Tender, b)
	}
	v.Data = map[string]any{"T": t, "Bids": bv, "Reasons": reasons}
	return s.renderPage(c, http.StatusOK, "tender_award", v)
}

// reasonMessages names the sentence for each award reason (matching.Reason values).
var reasonMessages = map[string]string{
	"won":                          "tenders.reason.won",
	"below_minimum":                "tenders.reason.below_minimum",
	"tender_full":                  "tenders.reason.tender_full",
	"organization_full":            "tenders.reason.organization_full",
	"tender_and_organization_full": "tenders.reason.tender_and_organization_full",
}

// reasonText explains a bid's outcome in a sentence.
func (s *Server) reasonText(l string, t *app.Tender, b *app.BidView) string {
	if b.Result == nil {
		return ""
	}
	var above, pref []string
	for _, r := range b.AboveNames {
		above = append(above, s.i18n.T(l, "tenders.rival", "name", r.Name, "score", fmt.Sprintf("%.2f", r.Score)))
	}
	for _, p := range b.PreferredTenders {
		pref = append(pref, "《"+p.Title+"》")
	}
	sep := s.i18n.T(l, "tenders.list_sep")
	return s.i18n.T(l, reasonMessages[b.Result.Reason], "score", fmt.Sprintf("%.2f", b.Result.Score), "rank", b.Result.Rank,
		"min", fmt.Sprintf("%.2f", t.MinScore), "above", strings.Join(above, sep), "preferred", strings.Join(pref, sep), "awards", t.MaxAwards)
}

func (s *Server) tenderAward(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.app.AwardTender(c.Request().Context(), id); err != nil {
		return err
	}
	return s.done(c, tenderURL(id, "/award"), "tenders.awarded_done")
}

func (s *Server) tenderAwardRound(c echo.Context) error {
	var in app.AwardInput
	if err := bindForm(c, &in); err != nil {
		return err
	}
	ts, err := s.app.AwardTenders(c.Request().Context(), in)
	if err != nil {
		if app.IsCode(err, app.EINVALID) {
			s.sessions.Put(c.Request().Context(), "flash", s.i18n.T(lang(c), "tenders.choose_round"))
			return c.Redirect(http.StatusSeeOther, "/tenders")
		}
		return err
	}
	if len(ts) == 1 {
		return s.done(c, tenderURL(ts[0].ID, "/award"), "tenders.awarded_done")
	}
	return s.done(c, "/tenders?status=awarded", "tenders.round_done", "n", len(ts))
}

// --- JSON API

func (s *Server) apiTenders(c echo.Context) error {
	f, err := tenderFilter(c)
	if err != nil {
		return err
	}
	ts, total, err := s.app.Tenders(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := make([]tenderOut, len(ts))
	for i, t := range ts {
		out[i] = toTenderOut(t)
	}
	return c.JSON(http.StatusOK, listOf(out, total, f.Page))
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

func (s *Server) apiTenderBids(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	bv, err := s.app.TenderBids(c.Request().Context(), id)
	if err != nil {
		return err
	}
	out := make([]bidOut, len(bv.Bids))
	for i, b := range bv.Bids {
		out[i] = toBidOut(bv.Tender.Tender, b)
	}
	return c.JSON(http.StatusOK, listOf(out, len(out), app.Page{Page: 1, PerPage: app.MaxPerPage}))
}

func (s *Server) apiTenderBid(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.BidInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	b, err := s.app.SubmitBid(ctx, id, in)
	if err != nil {
		return err
	}
	bv, err := s.app.TenderBids(ctx, id)
	if err != nil {
		return err
	}
	for _, x := range bv.Bids {
		if x.ID == b.ID {
			return c.JSON(http.StatusCreated, toBidOut(bv.Tender.Tender, x))
		}
	}
	return app.NotFound("bid")
}

func (s *Server) apiTenderDeclare(c echo.Context) error {
	return apiAct(c, http.StatusCreated, s.app.Declare)
}

func (s *Server) apiTenderScore(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.ScoreInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	scores, err := s.app.ScoreBid(ctx, id, in)
	if err != nil {
		return err
	}
	t, err := s.app.Tender(ctx, id)
	if err != nil {
		return err
	}
	out := scoreSheetOut{BidID: in.BidID, Scores: []app.CriterionScore{}}
	for _, sc := range scores {
		out.EvaluatorID = sc.EvaluatorID
		out.Scores = append(out.Scores, app.CriterionScore{CriterionID: sc.CriterionID, Score: sc.Score})
		for _, cr := range t.Criteria {
			if cr.ID == sc.CriterionID {
				out.Total += float64(cr.Weight*sc.Score) / 100
			}
		}
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) awardResponse(c echo.Context, id int64) error {
	bv, err := s.app.TenderBids(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if bv.Tender.Status != app.TenderAwarded {
		return app.NotFound("award")
	}
	out := awardOut{Tender: toTenderOut(bv.Tender), Bids: make([]bidOut, len(bv.Bids))}
	for i, b := range bv.Bids {
		out.Bids[i] = toBidOut(bv.Tender.Tender, b)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiTenderAward(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.app.AwardTender(c.Request().Context(), id); err != nil {
		return err
	}
	return s.awardResponse(c, id)
}

func (s *Server) apiTenderAwardRound(c echo.Context) error {
	var in app.AwardInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	ts, err := s.app.AwardTenders(ctx, in)
	if err != nil {
		return err
	}
	out := make([]awardOut, 0, len(ts))
	for _, t := range ts {
		bv, err := s.app.TenderBids(ctx, t.ID)
		if err != nil {
			return err
		}
		ao := awardOut{Tender: toTenderOut(bv.Tender), Bids: make([]bidOut, len(bv.Bids))}
		for i, b := range bv.Bids {
			ao.Bids[i] = toBidOut(bv.Tender.Tender, b)
		}
		out = append(out, ao)
	}
	return c.JSON(http.StatusOK, listOf(out, len(out), app.Page{Page: 1, PerPage: app.MaxPerPage}))
}

func (s *Server) apiTenderAwardGet(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.awardResponse(c, id)
}
