package web

// Ranked candidates for a need, project or task, and how a ranking explains itself.

import (
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/matching"
)

func candidateQuery(c echo.Context) ([]string, int, error) {
	p := params{c: c}
	var kinds []string
	if k := p.oneOf("kind", app.CandidateKinds); k != nil {
		kinds = []string{*k}
	}
	limit := 0
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			p.fail("limit", "error.between", "min", 1, "max", 100)
		}
		limit = n
	}
	return kinds, limit, p.err
}

func (s *Server) candidatesPage(subject string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		if !principal(c).Authenticated() {
			return app.Unauthorized()
		}
		kinds, limit, err := candidateQuery(c)
		if err != nil {
			return err
		}
		page, err := s.app.Candidates(c.Request().Context(), subject, id, kinds, limit)
		if err != nil {
			return err
		}
		data := map[string]any{"R": page.Ranking, "Back": "/" + subject + "s/" + strconv.FormatInt(id, 10),
			"Task": page.Task, "OpenShifts": page.OpenShifts}
		v := s.newView(c, s.i18n.T(lang(c), "match.candidates_for", "title", page.Ranking.Title), "tasks")
		v.Data = data
		return s.renderPage(c, http.StatusOK, "candidates", v)
	}
}

func (s *Server) apiCandidates(subject string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		kinds, limit, err := candidateQuery(c)
		if err != nil {
			return err
		}
		r, err := s.app.RankCandidates(c.Request().Context(), subject, id, kinds, limit)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, r)
	}
}

// Explain formats a ranking explanation of a candidate of the given kind as short phrases: "距离 0.8 公里", "技能匹配 2/3",
// "满意度 4.7 (32 条评价)".
func (v *View) Explain(kind string, e matching.Explanation) []string {
	var out []string
	for _, f := range e.Features {
		switch f.Feature {
		case matching.FeatureFit:
			if kind == "organization" {
				if f.Matched > 0 {
					out = append(out, v.T("match.f.category"))
				} else {
					out = append(out, v.T("match.f.category_other"))
				}
			} else {
				out = append(out, v.T("match.f.fit", "n", f.Matched, "of", f.Of))
			}
		case matching.FeatureDistance:
			if f.Known {
				out = append(out, v.T("match.f.distance", "km", fmt.Sprintf("%.1f", f.Meters/1000)))
			} else {
				out = append(out, v.T("match.f.distance_unknown"))
			}
		case matching.FeatureAvailability:
			out = append(out, v.T("match.f.availability", "n", f.Matched, "of", f.Of))
		case matching.FeatureReputation:
			if f.Count > 0 {
				out = append(out, v.T("match.f.reputation", "mean", fmt.Sprintf("%.1f", f.Mean), "count", f.Count))
			} else {
				out = append(out, v.T("match.f.reputation_none"))
			}
		case matching.FeatureReliability:
			if f.Of > 0 {
				out = append(out, v.T("match.f.reliability", "n", f.Matched, "of", f.Of))
			}
		case matching.FeatureLocality:
			out = append(out, v.Enum("match.locality", f.Locality.String()))
		case matching.FeatureInterest:
			if f.Category {
				out = append(out, v.T("match.f.interest_category"))
			}
			if f.Community {
				out = append(out, v.T("match.f.interest_community"))
			}
		case matching.FeatureGiving:
			if f.Count > 0 {
				out = append(out, v.T("match.f.giving", "n", f.Count))
			}
		}
	}
	if e.MaxLoad > 0 && e.Load > 0 {
		out = append(out, v.T("match.f.load", "load", trimFloat(e.Load), "max", trimFloat(e.MaxLoad)))
	}
	return out
}

func trimFloat(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) }

// Pct formats a score in [0,1] as a percentage.
func (v *View) Pct(x float64) string { return fmt.Sprintf("%.0f", x*100) }
