package web

// The award: one tender or a joint round, and every bid's rank with the reason in words.

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

type awardOut struct {
	Tender tenderOut `json:"tender"`
	Bids   []bidOut  `json:"bids"`
}

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
			return s.backWith(c, "/tenders", s.i18n.T(lang(c), "tenders.choose_round"))
		}
		return err
	}
	if len(ts) == 1 {
		return s.done(c, tenderURL(ts[0].ID, "/award"), "tenders.awarded_done")
	}
	return s.done(c, "/tenders?status=awarded", "tenders.round_done", "n", len(ts))
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
