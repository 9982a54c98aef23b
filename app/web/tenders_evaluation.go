package web

// Evaluation: conflict declarations and rubric scores from the tender's evaluators.

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// scoreSheetOut is one evaluator's scores of one bid and their weighted total (0–100).
type scoreSheetOut struct {
	BidID       int64                `json:"bid_id"`
	EvaluatorID int64                `json:"evaluator_id"`
	Scores      []app.CriterionScore `json:"scores"`
	Total       float64              `json:"total"`
}

func (s *Server) tenderEvaluatePage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.evaluatePage(c, http.StatusOK, id, s.newView(c, "", "tenders"))
}

// evaluatePage renders the evaluators' page of a tender in v: declarations and score sheets.
func (s *Server) evaluatePage(c echo.Context, status int, id int64, v *View) error {
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
	v.Title, v.Data = bv.Tender.Title, map[string]any{"T": bv.Tender, "Bids": bv}
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
		return s.formFailed(c, err, s.newView(c, "", "tenders"), func(st int, v *View) error { return s.evaluatePage(c, st, id, v) })
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
		return s.formFailed(c, err, s.newView(c, "", "tenders"), func(st int, v *View) error { return s.evaluatePage(c, st, id, v) })
	}
	return s.done(c, tenderURL(id, "/evaluate"), "tenders.scored_done")
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
