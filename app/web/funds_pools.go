package web

// Pools: a pool's page, new rule versions and deposits.

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
)

func (s *Server) poolPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.renderPool(c, id, http.StatusOK, s.newView(c, "", "funds"), nil)
}

// renderPool renders a pool's page in v, its forms filled from form (the rule in force when
// nil).
func (s *Server) renderPool(c echo.Context, id int64, status int, v *View, form map[string]string) error {
	pv, err := s.app.Pool(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if form == nil {
		form = map[string]string{}
		if len(pv.Rules) > 0 {
			r := pv.Rules[0]
			form["ratio"] = r.Ratio
			form["unlock_share_percent"] = strconv.FormatFloat(float64(r.UnlockShareBP)/100, 'f', -1, 64)
			form["unlock_donors"] = strconv.Itoa(r.UnlockDonors)
			for k, v := range map[string]int64{"donor_cap": r.DonorCap, "campaign_cap": r.CampaignCap, "min_contribution": r.MinContribution} {
				if v > 0 {
					form[k] = funds.Fen(v).Decimal()
				}
			}
		}
	}
	// The multipliers column shows only when some rule version has multipliers: an always
	// empty column only costs phone width.
	multipliers := false
	for _, r := range pv.Rules {
		multipliers = multipliers || len(r.CategoryMultipliers) > 0 || len(r.KindMultipliers) > 0
	}
	data := map[string]any{"Pool": pv, "Form": form, "HasMultipliers": multipliers}
	sims, err := s.poolSimulations(c, pv)
	if err != nil {
		return err
	}
	for k, x := range sims {
		data[k] = x
	}
	v.Title, v.Data = pv.Name, data
	return s.renderPage(c, status, "pool_show", v)
}

// poolRule makes a new rule version from the pool page's form (amounts in yuan).
func (s *Server) poolRule(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.RuleInput
	err = bindForm(c, &in)
	fe := app.FieldErrors{}
	for _, f := range []struct {
		name string
		dst  *int64
	}{{"donor_cap", &in.DonorCap}, {"campaign_cap", &in.CampaignCap}, {"min_contribution", &in.MinContribution}} {
		if v := c.FormValue(f.name); v != "" {
			m, perr := funds.ParseNonNegative(v, funds.CNY)
			if perr != nil {
				fe.Add(f.name, "error.amount")
			}
			*f.dst = m.Amount
		}
	}
	if v := c.FormValue("unlock_share_percent"); v != "" {
		pct, perr := strconv.ParseFloat(v, 64)
		if perr != nil || pct < 0 || pct > 100 {
			fe.Add("unlock_share_percent", "error.between", "min", 0, "max", 100)
		} else {
			in.UnlockShareBP = int64(pct*100 + 0.5)
		}
	}
	if err == nil {
		err = fe.Err()
	}
	if err == nil {
		_, err = s.app.ChangePoolRule(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, "", "funds"), func(st int, v *View) error {
			return s.renderPool(c, id, st, v, formMap(c, "ratio", "unlock_share_percent", "unlock_donors", "donor_cap", "campaign_cap", "min_contribution", "note"))
		})
	}
	return s.done(c, "/pools/"+strconv.FormatInt(id, 10), "funds.rule_saved")
}

func (s *Server) poolDeposit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	fe := app.FieldErrors{}
	in := app.DepositInput{Amount: parseYuan(fe, "deposit_amount", c.FormValue("deposit_amount")), Note: c.FormValue("note")}
	err = fe.Err()
	if err == nil {
		_, err = s.app.DepositToPool(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, "", "funds"), func(st int, v *View) error {
			return s.renderPool(c, id, st, v, formMap(c, "deposit_amount", "note"))
		})
	}
	return s.done(c, "/pools/"+strconv.FormatInt(id, 10), "funds.deposited")
}

func (s *Server) apiPoolCreate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.PoolInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	pl, err := s.app.CreatePool(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return s.poolResponse(c, http.StatusCreated, pl.ID)
}

func (s *Server) poolResponse(c echo.Context, status int, id int64) error {
	pv, err := s.app.Pool(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(status, pv)
}

func (s *Server) apiPool(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.poolResponse(c, http.StatusOK, id)
}

func (s *Server) apiPoolRule(c echo.Context) error {
	return apiActShow(c, http.StatusCreated, s.app.ChangePoolRule, s.poolResponse)
}

func (s *Server) apiPoolDeposit(c echo.Context) error {
	return apiActShow(c, http.StatusCreated, s.app.DepositToPool, s.poolResponse)
}
