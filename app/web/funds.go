package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

func (s *Server) fundsPage(c echo.Context) error {
	return s.renderFundsList(c, http.StatusOK, s.newView(c, s.i18n.T(lang(c), "funds.title"), "funds"), map[string]string{})
}

func (s *Server) renderFundsList(c echo.Context, status int, v *View, form map[string]string) error {
	p := params{c: c}
	cid := p.int64p("community_id")
	if p.err != nil {
		return p.err
	}
	d, err := s.app.FundsDesk(c.Request().Context(), cid)
	if err != nil {
		return err
	}
	data := map[string]any{"Funds": d.Funds, "Form": form}
	if len(d.Communities) > 0 {
		names := make(map[int64]string, len(d.Communities))
		for _, cm := range d.Communities {
			names[cm.ID] = cm.Name
		}
		data["CommunityNames"] = names
	}
	v.Data = data
	return s.renderPage(c, status, "funds_list", v)
}

func (s *Server) fundPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.renderFund(c, id, http.StatusOK, s.newView(c, "", "funds"), nil)
}

// renderFund renders the fund page in v; form fills the form a failed post came from.
func (s *Server) renderFund(c echo.Context, id int64, status int, v *View, form map[string]string) error {
	d, err := s.app.FundDetail(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if form == nil {
		form = map[string]string{}
	}
	data := map[string]any{"Fund": d.Fund, "Pools": d.Pools, "Campaigns": d.Campaigns, "Summary": d.Summary, "Form": form,
		"Flags": d.Flags, "Disbursements": d.Disbursements}
	if d.Fund.CanCampaign {
		projects := []Opt{}
		for _, pr := range d.CampaignProjects {
			projects = append(projects, Opt{Value: idString(pr.ID), Label: pr.Title})
		}
		pools := []Opt{}
		for _, p := range d.Pools {
			pools = append(pools, Opt{Value: idString(p.ID), Label: p.Name})
		}
		data["ProjectOpts"], data["PoolOpts"] = projects, pools
	}
	if o := d.Disburse; o != nil {
		camps, payees := []Opt{}, []Opt{}
		for _, c := range o.Campaigns {
			camps = append(camps, Opt{Value: idString(c.ID), Label: c.Title})
		}
		for _, p := range o.Payees {
			payees = append(payees, Opt{Value: idString(p.ID), Label: p.Name})
		}
		data["DisburseCampaigns"], data["DisburseOrgs"] = camps, payees
	}
	v.Title, v.Data = d.Fund.Name, data
	return s.renderPage(c, status, "fund_show", v)
}

func (s *Server) fundCreate(c echo.Context) error {
	var in app.FundInput
	err := bindForm(c, &in)
	var f *app.Fund
	if err == nil {
		f, err = s.app.CreateFund(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "funds.title"), "funds"), func(st int, v *View) error {
			return s.renderFundsList(c, st, v, formMap(c, "community_id", "name", "description"))
		})
	}
	return s.done(c, "/funds/"+strconv.FormatInt(f.ID, 10), "funds.fund_opened")
}

func (s *Server) apiFunds(c echo.Context) error {
	p := params{c: c}
	cid := p.int64p("community_id")
	if p.err != nil {
		return p.err
	}
	fs, err := s.app.Funds(c.Request().Context(), cid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, wholeList(fs))
}

func (s *Server) apiFund(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.Fund)
}

func (s *Server) apiFundCreate(c echo.Context) error {
	var in app.FundInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	f, err := s.app.CreateFund(c.Request().Context(), in)
	if err != nil {
		return err
	}
	v, err := s.app.Fund(c.Request().Context(), f.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, v)
}
