package web

// A community's ranking weights: the tuning page with its preview, and the JSON API.

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/matching"
)

type weightsData struct {
	Profile *app.ProfileView
	Form    matching.Profile
	Needs   []*app.NeedView
	NeedID  int64
	Preview *app.ProfilePreview
	Fields  []string
	Kinds   []string
}

var weightFields = []string{"fit", "distance", "availability", "reputation", "reliability", "locality", "interest", "giving"}

// Weight reads one weight of a profile by feature code, for the form.
func (d *weightsData) Weight(name string) float64 {
	i := 0
	for j, f := range weightFields {
		if f == name {
			i = j
		}
	}
	return d.Form.Weights.Get(matching.Feature(i))
}

// KindWeight reads a kind weight by code.
func (d *weightsData) KindWeight(name string) float64 {
	switch name {
	case "volunteer":
		return d.Form.Kinds.Volunteer
	case "organization":
		return d.Form.Kinds.Organization
	}
	return d.Form.Kinds.Donor
}

// parseProfileForm reads weights.*, kinds.*, load_penalty and distance_half_meters over base.
func parseProfileForm(c echo.Context, base matching.Profile) (matching.Profile, app.FieldErrors) {
	p := base
	fe := app.FieldErrors{}
	num := func(name string, dst *float64) {
		v := strings.TrimSpace(c.FormValue(name))
		if v == "" {
			fe.Add(name, "error.required")
			return
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			fe.Add(name, "error.wrong_type", "want", "number")
			return
		}
		*dst = x
	}
	w := &p.Weights
	for name, dst := range map[string]*float64{"fit": &w.Fit, "distance": &w.Distance, "availability": &w.Availability, "reputation": &w.Reputation,
		"reliability": &w.Reliability, "locality": &w.Locality, "interest": &w.Interest, "giving": &w.Giving} {
		num("weights."+name, dst)
	}
	num("kinds.volunteer", &p.Kinds.Volunteer)
	num("kinds.organization", &p.Kinds.Organization)
	num("kinds.donor", &p.Kinds.Donor)
	num("load_penalty", &p.LoadPenalty)
	num("distance_half_meters", &p.DistanceHalfMeters)
	p.Name = "custom"
	return p, fe
}

func (s *Server) renderWeights(c echo.Context, status int, id int64, v *View, d *weightsData) error {
	ctx := c.Request().Context()
	pv, err := s.app.CommunityProfile(ctx, id)
	if err != nil {
		return err
	}
	ns, _, err := s.app.Needs(ctx, app.NeedFilter{CommunityID: &id, Statuses: []string{app.NeedOpen, app.NeedInProgress}, Now: s.app.Now(), Page: app.Page{Page: 1, PerPage: 50}})
	if err != nil {
		return err
	}
	if d == nil {
		d = &weightsData{Form: pv.Profile}
	}
	d.Profile, d.Needs, d.Fields, d.Kinds = pv, ns, weightFields, app.CandidateKinds
	if d.NeedID == 0 && len(ns) > 0 {
		d.NeedID = ns[0].ID
	}
	if v == nil {
		v = s.newView(c, s.i18n.T(lang(c), "match.weights_title"), "communities")
	}
	v.Data = d
	return s.renderPage(c, status, "weights", v)
}

func (s *Server) weightsPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.renderWeights(c, http.StatusOK, id, nil, nil)
}

func (s *Server) weightsPost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	pv, err := s.app.CommunityProfile(ctx, id)
	if err != nil {
		return err
	}
	form, fe := parseProfileForm(c, pv.Profile)
	needID, _ := strconv.ParseInt(c.FormValue("need_id"), 10, 64)
	d := &weightsData{Form: form, NeedID: needID}
	v := s.newView(c, s.i18n.T(lang(c), "match.weights_title"), "communities")
	again := func(st int, v *View) error { return s.renderWeights(c, st, id, v, d) }
	if err := fe.Err(); err != nil {
		return s.formFailed(c, err, v, again)
	}
	if c.FormValue("action") == "save" {
		if _, err := s.app.SaveCommunityProfile(ctx, id, form); err != nil {
			return s.formFailed(c, err, v, again)
		}
		return s.done(c, "/communities/"+strconv.FormatInt(id, 10)+"/weights", "match.weights_saved")
	}
	if d.Preview, err = s.app.PreviewWeights(ctx, id, app.ProfilePreviewInput{NeedID: needID, Profile: form, Limit: 10}); err != nil {
		return s.formFailed(c, err, v, again)
	}
	return again(http.StatusOK, v)
}

func (s *Server) apiProfile(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.CommunityProfile)
}

func (s *Server) apiProfileSave(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.SaveCommunityProfile)
}

func (s *Server) apiProfilePreview(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.ProfilePreviewInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	p, err := s.app.PreviewWeights(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}
