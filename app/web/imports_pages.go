package web

// Pages of spreadsheet imports (upload → preview → commit), the love supermarket's points
// and shelf, and data rights (my data, consent, erasure).

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// importFormData is what the upload form shows: where the user may import, and what was chosen.
type importFormData struct {
	Communities []app.Choice
	Kinds       []app.Choice
	Kind        string
	CommunityID string
}

func (s *Server) importForm(c echo.Context, status int, v *View, kind, communityID string) error {
	cs, err := s.app.ImportDesk(c.Request().Context())
	if err != nil {
		return err
	}
	if communityID == "" && len(cs) == 1 {
		communityID = cs[0].Value
	}
	kinds := []app.Choice{{Value: app.ImportVolunteers, Label: v.T("import.kind.volunteers")},
		{Value: app.ImportOrganizations, Label: v.T("import.kind.organizations")}, {Value: app.ImportHours, Label: v.T("import.kind.hours")}}
	v.Data = importFormData{Communities: cs, Kinds: kinds, Kind: kind, CommunityID: communityID}
	return s.renderPage(c, status, "import_form", v)
}

func (s *Server) importNewPage(c echo.Context) error {
	return s.importForm(c, http.StatusOK, s.newView(c, s.i18n.T(lang(c), "import.title"), ""), c.QueryParam("kind"), c.QueryParam("community_id"))
}

func (s *Server) importUpload(c echo.Context) error {
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, app.MaxImportBytes+1<<20)
	in, err := readImportUpload(c)
	var j *app.ImportView
	if err == nil {
		j, err = s.app.PreviewImport(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "import.title"), ""), func(st int, v *View) error {
			return s.importForm(c, st, v, c.FormValue("kind"), c.FormValue("community_id"))
		})
	}
	return c.Redirect(http.StatusSeeOther, "/imports/"+idString(j.ID))
}

func (s *Server) importPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	j, err := s.app.Import(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "import.preview_title"), "")
	v.Data = s.toImportOut(c, j)
	return s.renderPage(c, http.StatusOK, "import_show", v)
}

func (s *Server) importCommit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := app.ImportCommitInput{Mode: c.FormValue("mode"), Duplicates: c.FormValue("duplicates")}
	_, err = s.app.CommitImport(c.Request().Context(), id, in)
	return s.after(c, "/imports/"+idString(id), err, "import.committed_msg")
}

func (s *Server) myPointsPage(c echo.Context) error {
	d, err := s.app.MyPointsPage(c.Request().Context())
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "points.mine_title"), "")
	v.Data = d
	return s.renderPage(c, http.StatusOK, "points_mine", v)
}

func (s *Server) volunteerPointsForm(c echo.Context, status int, v *View, id int64, in app.PointsAwardInput) error {
	d, err := s.app.VolunteerPointsPage(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v.Data = map[string]any{"Page": d, "Account": d.Accounts[0], "Form": in}
	return s.renderPage(c, status, "points_volunteer", v)
}

func (s *Server) volunteerPointsPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.volunteerPointsForm(c, http.StatusOK, s.newView(c, s.i18n.T(lang(c), "points.volunteer_title"), "volunteers"), id, app.PointsAwardInput{})
}

func (s *Server) volunteerPointsAward(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.PointsAwardInput
	err = bindForm(c, &in)
	if err == nil {
		_, err = s.app.AwardPoints(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "points.volunteer_title"), "volunteers"), func(st int, v *View) error {
			return s.volunteerPointsForm(c, st, v, id, in)
		})
	}
	return s.done(c, "/volunteers/"+idString(id)+"/points", "points.awarded_msg", "n", in.Points)
}

func (s *Server) shopPage(c echo.Context) error {
	var cid *int64
	if q := c.QueryParam("community_id"); q != "" {
		n, err := strconv.ParseInt(q, 10, 64)
		if err != nil {
			return newBadRequest("community_id", "error.invalid_value")
		}
		cid = &n
	}
	d, err := s.app.Shop(c.Request().Context(), cid)
	if err != nil {
		return err
	}
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "shop.title"), "shop")
	v.Data = map[string]any{"Shop": d, "CommunityNames": names}
	return s.renderPage(c, http.StatusOK, "shop", v)
}

func (s *Server) redeemForm(c echo.Context) error {
	var in app.RedeemInput
	err := bindForm(c, &in)
	if err == nil {
		_, err = s.app.Redeem(c.Request().Context(), in)
	}
	if err == nil {
		return s.done(c, "/me/points", "points.redeemed_msg")
	}
	return s.after(c, back(c, "/shop"), err, "")
}

func (s *Server) redemptionHandOver(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.app.HandOver(c.Request().Context(), id)
	return s.after(c, back(c, "/me/points"), err, "points.handed_over_msg")
}

func (s *Server) redemptionCancel(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.app.CancelRedemption(c.Request().Context(), id)
	return s.after(c, back(c, "/me/points"), err, "points.cancelled_msg")
}

func (s *Server) myDataForm(c echo.Context, status int, v *View) error {
	d, err := s.app.MyDataSummary(c.Request().Context())
	if err != nil {
		return err
	}
	v.Data = d
	return s.renderPage(c, status, "my_data", v)
}

func (s *Server) myDataPage(c echo.Context) error {
	return s.myDataForm(c, http.StatusOK, s.newView(c, s.i18n.T(lang(c), "rights.title"), ""))
}

// myDataDownload is the page's download of everything about me, as the API's JSON.
func (s *Server) myDataDownload(c echo.Context) error { return s.apiMyData(c) }

func (s *Server) consentForm(c echo.Context) error {
	if err := s.app.Consent(c.Request().Context()); err != nil {
		return err
	}
	return s.done(c, back(c, "/me/data"), "rights.consented_msg")
}

func (s *Server) eraseForm(c echo.Context) error {
	var in app.EraseInput
	err := bindForm(c, &in)
	if err == nil {
		err = s.app.EraseMyAccount(c.Request().Context(), in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "rights.title"), ""), func(st int, v *View) error {
			return s.myDataForm(c, st, v)
		})
	}
	ctx := c.Request().Context()
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	return s.done(c, "/", "rights.erased_msg")
}

func (s *Server) privacyPage(c echo.Context) error {
	v := s.newView(c, s.i18n.T(lang(c), "notice.title"), "")
	v.Data = map[string]any{"Version": app.PrivacyNoticeVersion}
	return s.renderPage(c, http.StatusOK, "privacy", v)
}
