package web

// Bids: an organization's bid form and the bids the caller may see.

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
)

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
	Files            []attachmentOut       `json:"files"`
}

func toBidOut(t *app.Tender, b *app.BidView) bidOut {
	o := bidOut{ID: b.ID, TenderID: b.TenderID, OrganizationID: b.OrganizationID, OrganizationName: b.OrganizationName,
		Price: b.Price, Currency: b.Currency, Plan: b.Plan, Capacity: b.Capacity, PastAwards: b.Record, Evaluations: b.Reputation, Score: b.Score,
		Evaluators: b.Evaluators, Conflicted: b.Conflicted, Above: b.AboveNames, Preferred: b.PreferredTenders, SubmittedAt: b.UpdatedAt,
		Team: []teamMemberOut{}, PerCriterion: []criterionAvgOut{}, Files: toAttachmentsOut(b.Files)}
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

// readBidForm reads the bid form (price in yuan); the form comes back even when it is invalid,
// to be shown again with its errors.
func readBidForm(c echo.Context) (*bidFormData, error) {
	d := &bidFormData{Price: c.FormValue("price")}
	fe := app.FieldErrors{}
	err := bindForm(c, &d.Form)
	d.Form.Price = yuanField(c, "price", fe)
	if _, bad := fe["price"]; d.Form.Price == 0 && !bad {
		fe.Add("price", "error.required")
	}
	return d, mergeErr(fe, err)
}

func (s *Server) tenderBidCreate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := readBidForm(c)
	if err == nil {
		_, err = s.app.SubmitBid(c.Request().Context(), id, d.Form)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "tenders.bid"), "tenders"), func(st int, v *View) error {
			return s.bidForm(c, st, id, d, v)
		})
	}
	return s.done(c, tenderURL(id, ""), "tenders.bid_done")
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
	b, err := s.app.SubmitBid(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return s.bidResponse(c, http.StatusCreated, id, b.ID)
}
