package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// fundPageExtra adds the disbursements (public) and the request form to the fund page.
func (s *Server) fundPageExtra(c echo.Context, f *app.FundView) (map[string]any, error) {
	ctx := c.Request().Context()
	ds, err := s.app.Disbursements(ctx, f.ID, nil)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"Disbursements": ds}
	if f.CanDisburse || principal(c).HasRole(app.RoleOrgMember) {
		camps, _, err := s.app.Campaigns(ctx, app.CampaignFilter{FundID: &f.ID, Statuses: []string{"succeeded"}, Page: app.Page{Page: 1, PerPage: 100}})
		if err != nil {
			return nil, err
		}
		orgs, _, err := s.app.Store().FindOrganizations(ctx, app.OrganizationFilter{CommunityID: &f.CommunityID, Page: app.Page{Page: 1, PerPage: 100}})
		if err != nil {
			return nil, err
		}
		campOpts, orgOpts := []Opt{}, []Opt{}
		for _, c := range camps {
			campOpts = append(campOpts, Opt{Value: idString(c.ID), Label: c.Title})
		}
		for _, o := range orgs {
			orgOpts = append(orgOpts, Opt{Value: idString(o.ID), Label: o.Name})
		}
		if len(campOpts) > 0 {
			out["DisburseCampaigns"], out["DisburseOrgs"] = campOpts, orgOpts
		}
	}
	return out, nil
}

// poolPageExtra adds a quadratic-funding round's simulation to a round pool's page.
func (s *Server) poolPageExtra(c echo.Context, p *app.PoolView) (map[string]any, error) {
	if p.Kind != app.PoolKindQF {
		return map[string]any{}, nil
	}
	in, err := qfParams(c)
	if err != nil {
		return nil, err
	}
	sim, err := s.app.SimulateQF(c.Request().Context(), p.ID, in)
	if app.IsCode(err, app.EINVALID) {
		return map[string]any{"QFError": s.errorSummary(c, err), "QFParams": in}, nil
	} else if err != nil {
		return nil, err
	}
	return map[string]any{"QF": sim, "QFParams": sim.Params}, nil
}

// qfParams reads a round's simulation settings from the query.
func qfParams(c echo.Context) (app.QFSimInput, error) {
	p := params{c: c}
	in := app.QFSimInput{}
	if v := p.int64p("cap_percent"); v != nil {
		in.CapPercent = *v
	}
	if v := p.int64p("min_contributors"); v != nil {
		in.MinContributors = int(*v)
	}
	if v := p.int64p("min_amount"); v != nil {
		in.MinAmount = *v
	}
	if m := p.oneOf("mode", []string{"standard", "pairwise"}); m != nil {
		in.Mode = *m
	}
	return in, p.err
}

func (s *Server) apiQFSimulation(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in, err := qfParams(c)
	if err != nil {
		return err
	}
	sim, err := s.app.SimulateQF(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sim)
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
