package web

// Handlers of project delivery and evaluation (issue 11, steps 4–6) and need ratings.

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// lines splits a textarea of links, one a line.
func lines(v string) []string {
	var out []string
	for _, l := range strings.Split(v, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// --- pages and forms

func (s *Server) projectMilestoneAdd(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := app.MilestoneInput{Title: c.FormValue("title"), DueOn: c.FormValue("due_on")}
	_, err = s.app.AddMilestone(c.Request().Context(), id, in)
	return s.after(c, projectURL(id)+"#delivery", err, "delivery.milestone_added")
}

func (s *Server) projectUpdatePost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := app.ProjectUpdateInput{Text: c.FormValue("text"), Photos: lines(c.FormValue("photos"))}
	fe := app.FieldErrors{}
	if v := strings.TrimSpace(c.FormValue("milestone_id")); v != "" {
		if m, perr := strconv.ParseInt(v, 10, 64); perr == nil {
			in.MilestoneID = &m
		} else {
			fe.Add("milestone_id", "error.unknown_ref")
		}
	}
	if v := strings.TrimSpace(c.FormValue("percent_done")); v != "" {
		if n, perr := strconv.Atoi(v); perr == nil {
			in.PercentDone = &n
		} else {
			fe.Add("percent_done", "projects.error.percent")
		}
	}
	if err := fe.Err(); err != nil {
		return s.after(c, projectURL(id)+"#delivery", err, "")
	}
	_, err = s.app.PostProjectUpdate(c.Request().Context(), id, in)
	return s.after(c, projectURL(id)+"#timeline", err, "delivery.update_posted")
}

func (s *Server) projectCompletePost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := app.CompletionInput{Report: c.FormValue("report"), Evidence: lines(c.FormValue("evidence"))}
	_, err = s.app.CompleteProject(c.Request().Context(), id, in)
	return s.after(c, projectURL(id)+"#timeline", err, "delivery.completed")
}

func (s *Server) projectRatePost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	score := func(name string) int { n, _ := strconv.Atoi(c.FormValue(name)); return n }
	in := app.ProjectRatingInput{Outcome: score("outcome"), Timeliness: score("timeliness"), Value: score("value"), Comment: c.FormValue("comment")}
	_, created, err := s.app.RateProject(c.Request().Context(), id, in)
	msg := "delivery.rated"
	if err == nil && !created {
		msg = "delivery.rating_replaced"
	}
	return s.after(c, projectURL(id)+"#rating", err, msg)
}

func (s *Server) needRatePost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	stars, _ := strconv.Atoi(c.FormValue("stars"))
	r, err := s.app.RateNeed(c.Request().Context(), id, app.NeedRatingInput{Stars: stars, Comment: c.FormValue("comment")})
	msg := "delivery.need_rated"
	if err == nil && r.Reopened {
		msg = "delivery.need_reopened"
	}
	return s.after(c, "/needs/"+strconv.FormatInt(id, 10), err, msg)
}

func (s *Server) projectAccountabilityPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.app.ProjectAccountability(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "delivery.accountability_of", "title", d.Project.Title), "projects")
	v.Data = d
	return s.renderPage(c, http.StatusOK, "project_accountability", v)
}

func (s *Server) communityRatingsPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.app.CommunityProjectRatings(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "delivery.community_ratings_of", "name", d.Community), "projects")
	v.Data = d
	return s.renderPage(c, http.StatusOK, "community_project_ratings", v)
}

// --- JSON

// accountabilityOut is a project's money trail as JSON.
type accountabilityOut struct {
	ProjectID      int64                     `json:"project_id"`
	Accountability app.AccountabilityFigures `json:"accountability"`
	Campaigns      []*app.Campaign           `json:"campaigns"`
	Disbursements  []disbursementLineOut     `json:"disbursements"`
}

type disbursementLineOut struct {
	ID       int64                       `json:"id"`
	Campaign int64                       `json:"campaign_id"`
	Payee    string                      `json:"payee"`
	Amount   int64                       `json:"amount"`
	Purpose  string                      `json:"purpose"`
	PaidAt   any                         `json:"paid_at"`
	Evidence []*app.DisbursementEvidence `json:"evidence"`
}

func (s *Server) apiProjectAccountability(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.app.ProjectAccountability(c.Request().Context(), id)
	if err != nil {
		return err
	}
	out := accountabilityOut{ProjectID: id, Accountability: d.Figures, Campaigns: d.Campaigns, Disbursements: []disbursementLineOut{}}
	if out.Campaigns == nil {
		out.Campaigns = []*app.Campaign{}
	}
	for _, l := range d.Disbursements {
		ev := l.Evidence
		if ev == nil {
			ev = []*app.DisbursementEvidence{}
		}
		out.Disbursements = append(out.Disbursements, disbursementLineOut{ID: l.ID, Campaign: l.CampaignID, Payee: l.Payee,
			Amount: l.Amount, Purpose: l.Purpose, PaidAt: l.PaidAt, Evidence: ev})
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiProjectUpdates(c echo.Context) error {
	return apiAllOf(s.app.ProjectUpdates)(c)
}

func (s *Server) apiProjectMilestones(c echo.Context) error {
	return apiAllOf(s.app.ProjectMilestones)(c)
}

func (s *Server) apiProjectMilestoneAdd(c echo.Context) error {
	return apiAct(c, http.StatusCreated, s.app.AddMilestone)
}

func (s *Server) apiProjectUpdatePost(c echo.Context) error {
	return apiAct(c, http.StatusCreated, s.app.PostProjectUpdate)
}

func (s *Server) apiProjectComplete(c echo.Context) error {
	return apiActShow(c, http.StatusOK, s.app.CompleteProject, s.projectResponse)
}

func (s *Server) apiProjectRate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.ProjectRatingInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	r, created, err := s.app.RateProject(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return c.JSON(status, r)
}

func (s *Server) apiNeedRate(c echo.Context) error {
	return apiAct(c, http.StatusCreated, s.app.RateNeed)
}

func (s *Server) apiCommunityRatings(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.CommunityProjectRatings)
}

// tenderProjectOpts are the tender form's project picker choices.
func (s *Server) tenderProjectOpts(c echo.Context) ([]Opt, error) {
	prs, err := s.app.TenderProjectChoices(c.Request().Context())
	if err != nil {
		return nil, err
	}
	out := []Opt{}
	for _, pr := range prs {
		out = append(out, Opt{Value: idString(pr.ID), Label: pr.Title})
	}
	return out, nil
}

// taskProjectOpts are the task form's project picker choices.
func (s *Server) taskProjectOpts(c echo.Context) ([]Opt, error) {
	prs, err := s.app.TaskProjectChoices(c.Request().Context())
	if err != nil {
		return nil, err
	}
	out := []Opt{}
	for _, pr := range prs {
		out = append(out, Opt{Value: idString(pr.ID), Label: pr.Title})
	}
	return out, nil
}
