package web

// Handlers of micro-project steps 1–3: supports, comments, revisions, vote opening, votes,
// paper ballots and per-community settings. Meetings are in projects_meetings.go.

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// projectDeliberationOut is what steps 1–3 add to a project's JSON.
type projectDeliberationOut struct {
	// Vote is the vote's tally, quorum and end, or null when no vote was opened.
	Vote        *app.ProjectVoteTally `json:"vote"`
	Step        string                `json:"step"`
	CanSupport  bool                  `json:"can_support"`
	Supported   bool                  `json:"supported"`
	CanWithdraw bool                  `json:"can_withdraw_support"`
	CanVote     bool                  `json:"can_vote"`
	MyVote      string                `json:"my_vote,omitempty"`
	CanOpenVote bool                  `json:"can_open_vote"`
}

func (s *Server) toDeliberationOut(v *app.ProjectView) projectDeliberationOut {
	return projectDeliberationOut{Vote: v.Tally(s.app.Now()), Step: app.ProjectSteps[v.Step], CanSupport: v.CanSupport, Supported: v.Supported, CanWithdraw: v.CanWithdraw,
		CanVote: v.CanVote, MyVote: v.MyVote, CanOpenVote: v.CanOpenVote}
}

func projectURL(id int64) string { return "/projects/" + strconv.FormatInt(id, 10) }

// --- JSON

func (s *Server) apiProjectSupport(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.app.SupportProject(c.Request().Context(), id); err != nil {
		return err
	}
	return s.projectResponse(c, http.StatusCreated, id)
}

func (s *Server) apiProjectCommentCreate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.ProjectCommentInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	cm, err := s.app.CommentProject(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, cm)
}

func (s *Server) apiVoteOpening(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.VoteOpening
	if c.Request().ContentLength != 0 { // the body is optional
		if err := bindJSON(c, &in); err != nil {
			return err
		}
	}
	if _, err := s.app.OpenVote(c.Request().Context(), id, in); err != nil {
		return err
	}
	return s.projectResponse(c, http.StatusOK, id)
}

func (s *Server) apiVote(c echo.Context) error {
	return apiActShow(c, http.StatusCreated, s.app.Vote, s.projectResponse)
}

// --- pages

// projectSupport is the support button.
func (s *Server) projectSupport(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.app.SupportProject(c.Request().Context(), id)
	return s.after(c, projectURL(id), err, "projects.supported")
}

func (s *Server) projectCommentPost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.ProjectCommentInput
	if err = bindForm(c, &in); err == nil {
		_, err = s.app.CommentProject(c.Request().Context(), id, in)
	}
	return s.after(c, projectURL(id)+"#comments", err, "projects.commented")
}

func (s *Server) commentHide(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.CommentHiding
	var cm *app.ProjectComment
	if err = bindForm(c, &in); err == nil {
		cm, err = s.app.HideComment(c.Request().Context(), id, in)
	}
	to := "/projects"
	if cm != nil {
		to = projectURL(cm.ProjectID) + "#comments"
	} else if pid, perr := strconv.ParseInt(c.FormValue("project_id"), 10, 64); perr == nil {
		to = projectURL(pid) + "#comments"
	}
	return s.after(c, to, err, "projects.comment_hidden")
}

func (s *Server) projectOpenVote(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.VoteOpening
	if err = bindForm(c, &in); err == nil {
		_, err = s.app.OpenVote(c.Request().Context(), id, in)
	}
	return s.after(c, projectURL(id), err, "projects.vote_opened")
}

func (s *Server) projectVote(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.ProjectVoteInput
	if err = bindForm(c, &in); err == nil {
		_, err = s.app.Vote(c.Request().Context(), id, in)
	}
	return s.after(c, projectURL(id), err, "projects.voted")
}

func (s *Server) paperBallotPost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.PaperBallotInput
	if err = bindForm(c, &in); err == nil {
		_, err = s.app.EnterPaperBallot(c.Request().Context(), id, in)
	}
	return s.after(c, projectURL(id)+"#ballots", err, "projects.ballot_entered")
}

func (s *Server) paperBallotConfirm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.BallotConfirmation
	var b *app.PaperBallot
	if err = bindForm(c, &in); err == nil {
		b, err = s.app.ConfirmPaperBallot(c.Request().Context(), id, in)
	}
	to := "/projects"
	if b != nil {
		to = projectURL(b.ProjectID) + "#ballots"
	} else if pid, perr := strconv.ParseInt(c.FormValue("project_id"), 10, 64); perr == nil {
		to = projectURL(pid) + "#ballots"
	}
	return s.after(c, to, err, "projects.ballot_"+map[bool]string{true: "confirmed", false: "discarded"}[in.Confirm])
}

// --- settings

func (s *Server) projectSettingsPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	st, err := s.app.CommunityProjectSettings(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if !st.CanEdit {
		if !principal(c).Authenticated() {
			return app.Unauthorized()
		}
		return app.Forbidden()
	}
	v := s.newView(c, s.i18n.T(lang(c), "project_settings.title"), "projects")
	v.Data = st
	return s.renderPage(c, http.StatusOK, "project_settings", v)
}

func (s *Server) projectSettingsPost(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.ProjectSettingsInput
	if err = bindForm(c, &in); err == nil {
		_, err = s.app.UpdateProjectSettings(c.Request().Context(), id, in)
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "project_settings.title"), "projects"), func(st int, v *View) error {
			cur, lerr := s.app.CommunityProjectSettings(c.Request().Context(), id)
			if lerr != nil {
				return lerr
			}
			cur.ProjectSettings = &app.ProjectSettings{CommunityID: id, DeliberationDays: in.DeliberationDays, SupportThreshold: in.SupportThreshold,
				Quorum: in.Quorum, Majority: in.Majority, VoteDays: in.VoteDays}
			v.Data = cur
			return s.renderPage(c, st, "project_settings", v)
		})
	}
	return s.done(c, "/communities/"+strconv.FormatInt(id, 10)+"/project-settings", "flash.saved", "name", s.i18n.T(lang(c), "project_settings.title"))
}

func (s *Server) apiProjectSettingsUpdate(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.UpdateProjectSettings)
}

func (s *Server) apiCommentHide(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.HideComment)
}

func (s *Server) apiPaperBallot(c echo.Context) error {
	return apiAct(c, http.StatusCreated, s.app.EnterPaperBallot)
}

func (s *Server) apiBallotConfirm(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.ConfirmPaperBallot)
}

func (s *Server) apiProjectSettings(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	st, err := s.app.CommunityProjectSettings(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st.ProjectSettings)
}
