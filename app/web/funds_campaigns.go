package web

// Campaigns: the campaign page with its match preview, opening and cancelling campaigns.

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
)

type cancelIn struct {
	Reason string `json:"reason"`
}

type previewOut struct {
	Amount   int64  `json:"amount"`
	Match    int64  `json:"match"`
	Project  int64  `json:"project"`
	PoolLeft int64  `json:"pool_left"`
	Locked   bool   `json:"locked"`
	Reason   string `json:"reason,omitempty"`
	Text     string `json:"text"`
}

// campaignPageData is the campaign page: what the use case found and what the forms kept.
type campaignPageData struct {
	*app.CampaignPage
	PreviewText   string
	Amount        string
	Offline       app.OfflineInput
	OfflineAmount string
	// The pledge form (pledges.go).
	Pledge       app.PledgeInput
	PledgeAmount string
}

// campaignData fills the page from the use case; the preview amount is typed in yuan.
func (s *Server) campaignData(c echo.Context, id int64, d *campaignPageData, thanks string) error {
	if d.Amount == "" {
		d.Amount = "50"
	}
	in := app.CampaignPageInput{ThanksSession: thanks}
	if m, err := funds.ParsePositive(d.Amount, funds.CNY); err == nil {
		in.Amount = m.Amount
	}
	page, err := s.app.CampaignDetail(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	d.CampaignPage = page
	if page.Preview != nil {
		d.PreviewText = page.Preview.Text(paymentLocale(c))
	}
	return nil
}

// paymentLocale is the language of texts written by the funds engine: "en" or "zh".
func paymentLocale(c echo.Context) string {
	if lang(c) == "en" {
		return "en"
	}
	return "zh"
}

func (s *Server) campaignPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d := &campaignPageData{Amount: c.QueryParam("amount")}
	return s.renderCampaign(c, id, http.StatusOK, s.newView(c, "", "funds"), d, c.QueryParam("thanks"))
}

// renderCampaign renders a campaign's page in v with d's forms; thanks is the payment session
// a donor comes back from.
func (s *Server) renderCampaign(c echo.Context, id int64, status int, v *View, d *campaignPageData, thanks string) error {
	if err := s.campaignData(c, id, d, thanks); err != nil {
		return err
	}
	v.Title, v.Data = d.Campaign.Title, d
	return s.renderPage(c, status, "campaign_show", v)
}

// campaignFormFailed shows the campaign page again after one of its forms failed.
func (s *Server) campaignFormFailed(c echo.Context, id int64, err error, d *campaignPageData) error {
	return s.formFailed(c, err, s.newView(c, "", "funds"), func(st int, v *View) error {
		return s.renderCampaign(c, id, st, v, d, "")
	})
}

// campaignCreate opens a campaign from the fund page's form (goal in yuan, local deadline).
func (s *Server) campaignCreate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := app.CampaignInput{FundID: id}
	err = bindForm(c, &in)
	in.FundID = id
	fe := app.FieldErrors{}
	in.Goal = parseYuan(fe, "goal", c.FormValue("goal"))
	if t := s.formTime(c, "deadline", fe); t != nil {
		in.Deadline = *t
	} else if c.FormValue("deadline") == "" {
		fe.Add("deadline", "error.required")
	}
	if err == nil {
		err = fe.Err()
	}
	var camp *app.Campaign
	if err == nil {
		camp, err = s.app.CreateCampaign(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, "", "funds"), func(st int, v *View) error {
			return s.renderFund(c, id, st, v, formMap(c, "project_id", "pool_id", "goal", "deadline", "mode", "title"))
		})
	}
	return s.done(c, "/campaigns/"+strconv.FormatInt(camp.ID, 10), "funds.campaign_opened")
}

func (s *Server) campaignCancel(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.app.CancelCampaign(c.Request().Context(), id, c.FormValue("reason")); err != nil {
		return s.campaignFormFailed(c, id, err, &campaignPageData{})
	}
	return s.done(c, "/campaigns/"+strconv.FormatInt(id, 10), "funds.campaign_cancelled")
}

func (s *Server) apiCampaignCreate(c echo.Context) error {
	var in app.CampaignInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	camp, err := s.app.CreateCampaign(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return s.campaignResponse(c, http.StatusCreated, camp.ID)
}

func (s *Server) campaignResponse(c echo.Context, status int, id int64) error {
	cv, err := s.app.Campaign(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(status, cv)
}

func (s *Server) apiCampaign(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.campaignResponse(c, http.StatusOK, id)
}

func (s *Server) apiContributions(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p := params{c: c}
	pg := p.page()
	if p.err != nil {
		return p.err
	}
	ls, total, err := s.app.CampaignContributions(c.Request().Context(), id, pg)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(ls, total, pg))
}

func (s *Server) apiPreview(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	amt, err := strconv.ParseInt(c.QueryParam("amount"), 10, 64)
	if err != nil {
		return newBadRequest("amount", "error.wrong_type", "want", "integer")
	}
	pv, err := s.app.MatchPreview(c.Request().Context(), id, amt)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, previewOut{Amount: pv.Gift.Amount, Match: pv.Match.Amount, Project: pv.Project.Amount,
		PoolLeft: pv.PoolLeft.Amount, Locked: pv.Locked, Reason: pv.Reason, Text: pv.Text(paymentLocale(c))})
}

func (s *Server) apiCampaignCancel(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in cancelIn
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if _, err := s.app.CancelCampaign(c.Request().Context(), id, in.Reason); err != nil {
		return err
	}
	return s.campaignResponse(c, http.StatusOK, id)
}
