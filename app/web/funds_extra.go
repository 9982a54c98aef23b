package web

import (
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

// poolPageExtra adds the rule simulation to the pool page.
func (s *Server) poolPageExtra(c echo.Context, p *app.PoolView) (map[string]any, error) {
	return map[string]any{}, nil
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
