package web

// A pool's simulations: what a candidate match rule would have matched, and a
// quadratic-funding round's estimate and its closing.

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
)

// poolSimulations runs what a pool's page simulates: a candidate rule over a match pool's
// campaigns, or a quadratic-funding round's estimate (or its final awards).
func (s *Server) poolSimulations(c echo.Context, p *app.PoolView) (map[string]any, error) {
	if p.Kind == app.PoolKindMatch {
		return s.ruleSimulation(c, p)
	}
	if p.Kind != app.PoolKindQF {
		return map[string]any{}, nil
	}
	round, err := s.app.QFRoundState(c.Request().Context(), p.ID)
	if err != nil {
		return nil, err
	}
	titles := map[int64]string{}
	for _, c := range p.Campaigns {
		titles[c.ID] = c.Title
	}
	out := map[string]any{"Round": round, "Titles": titles}
	in, err := qfParams(c)
	if err != nil {
		return nil, err
	}
	out["QFParams"] = in
	if round.Final {
		return out, nil
	}
	sim, err := s.app.SimulateQF(c.Request().Context(), p.ID, in)
	if app.IsCode(err, app.EINVALID) {
		out["QFError"] = s.errorSummary(c, err)
		return out, nil
	} else if err != nil {
		return nil, err
	}
	out["QF"], out["QFParams"] = sim, sim.Params
	return out, nil
}

// ruleSimulation runs a candidate rule over the pool's campaigns when the page asks for it
// (amounts typed in yuan, the unlock share in percent).
func (s *Server) ruleSimulation(c echo.Context, p *app.PoolView) (map[string]any, error) {
	q := c.QueryParams()
	form := map[string]string{}
	for _, k := range []string{"sim_ratio", "sim_unlock_share_percent", "sim_unlock_donors", "sim_donor_cap", "sim_campaign_cap", "sim_min_contribution"} {
		form[k] = q.Get(k)
	}
	out := map[string]any{"SimForm": form}
	if form["sim_ratio"] == "" {
		return out, nil
	}
	in := app.RuleInput{Ratio: form["sim_ratio"]}
	fe := app.FieldErrors{}
	for k, dst := range map[string]*int64{"sim_donor_cap": &in.DonorCap, "sim_campaign_cap": &in.CampaignCap, "sim_min_contribution": &in.MinContribution} {
		if v := form[k]; v != "" {
			m, err := funds.ParseNonNegative(v, funds.CNY)
			if err != nil {
				fe.Add(k, "error.amount")
			}
			*dst = m.Amount
		}
	}
	if v := form["sim_unlock_share_percent"]; v != "" {
		pct, err := strconv.ParseFloat(v, 64)
		if err != nil || pct < 0 || pct > 100 {
			fe.Add("sim_unlock_share_percent", "error.between", "min", 0, "max", 100)
		}
		in.UnlockShareBP = int64(pct*100 + 0.5)
	}
	if v := form["sim_unlock_donors"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			fe.Add("sim_unlock_donors", "error.wrong_type", "want", "integer")
		}
		in.UnlockDonors = n
	}
	err := fe.Err()
	var sim *app.RuleSimulation
	if err == nil {
		sim, err = s.app.SimulateRule(c.Request().Context(), p.ID, in)
	}
	if app.IsCode(err, app.EINVALID) {
		out["SimError"] = s.errorSummary(c, err)
		return out, nil
	} else if err != nil {
		return nil, err
	}
	out["Sim"] = sim
	return out, nil
}

func (s *Server) apiRuleSimulation(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p := params{c: c}
	in := app.RuleInput{Ratio: p.str("ratio", 32)}
	for k, dst := range map[string]*int64{"unlock_share_bp": &in.UnlockShareBP, "donor_cap": &in.DonorCap, "campaign_cap": &in.CampaignCap, "min_contribution": &in.MinContribution} {
		if v := p.int64p(k); v != nil {
			*dst = *v
		}
	}
	if v := p.int64p("unlock_donors"); v != nil {
		in.UnlockDonors = int(*v)
	}
	if p.err != nil {
		return p.err
	}
	sim, err := s.app.SimulateRule(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sim)
}

// qfModes are the quadratic-funding formulas a simulation may use.
var qfModes = []string{string(funds.QFStandard), string(funds.QFPairwise)}

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
	if m := p.oneOf("mode", qfModes); m != nil {
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

// qfFinalize closes a round from the pool page with the settings shown.
func (s *Server) qfFinalize(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	// Finalizing cannot be undone: a setting that does not parse is an error, never "no cap"
	// or the default.
	in := app.QFSimInput{Mode: c.FormValue("mode")}
	fe := app.FieldErrors{}
	for _, f := range []struct {
		name string
		dst  *int64
	}{{"cap_percent", &in.CapPercent}, {"min_contributors", nil}, {"min_amount", &in.MinAmount}} {
		v := strings.TrimSpace(c.FormValue(f.name))
		if v == "" {
			continue
		}
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || n < 0 {
			fe.Add(f.name, "error.wrong_type", "want", "integer")
			continue
		}
		if f.dst != nil {
			*f.dst = n
		} else {
			in.MinContributors = int(n)
		}
	}
	err = fe.Err()
	if err == nil {
		_, err = s.app.FinalizeQF(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, "", "funds"), func(st int, v *View) error {
			return s.renderPool(c, id, st, v, nil)
		})
	}
	return s.done(c, "/pools/"+strconv.FormatInt(id, 10), "funds.round_finalized")
}

func (s *Server) apiQFFinalize(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.FinalizeQF)
}
