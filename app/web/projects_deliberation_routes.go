package web

// Routes of micro-project steps 1–3 (propose, deliberate, decide): pages and JSON API with
// their OpenAPI entries. Submission and decision stay in projects_routes.go.

import (
	"net/http"

	"github.com/wushe/wushe/app"
)

func (s *Server) projectDeliberationRoutes() {
	s.usePages("project_settings", "meetings_list", "meeting_show", "meeting_form")
	e := s.e
	e.POST("/projects/:id/support", s.projectSupport)
	e.POST("/projects/:id/comments", s.projectCommentPost)
	e.POST("/project-comments/:id/hide", s.commentHide)
	e.POST("/projects/:id/vote-opening", s.projectOpenVote)
	e.POST("/projects/:id/vote", s.projectVote)
	e.POST("/projects/:id/paper-ballots", s.paperBallotPost)
	e.POST("/paper-ballots/:id/confirm", s.paperBallotConfirm)
	e.GET("/communities/:id/project-settings", s.projectSettingsPage)
	e.POST("/communities/:id/project-settings", s.projectSettingsPost)
	e.GET("/meetings", s.meetingsPage())
	e.GET("/meetings/new", s.meetingNewPage)
	e.POST("/meetings", s.meetingCreate)
	e.GET("/meetings/:id", s.meetingPage)
	e.POST("/meetings/:id/attendance", s.meetingAttendancePost)
	e.POST("/meetings/:id/minutes", s.meetingMinutesPost)

	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/projects/:id/supports", Op: "supportProject", Tag: "projects", Auth: true,
		Summary: "Support a project under deliberation: one per resident of its community; the proposer's own support is 409 and counts nothing",
		Resp:    projectOut{}, Status: http.StatusCreated, H: s.apiProjectSupport})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/projects/:id/comments", Op: "listProjectComments", Tag: "projects",
		Summary: "A project's comments, threaded one level (top-level comments with their replies); hidden ones without their text",
		Resp:    list[*app.CommentView]{}, H: apiAllOf(s.app.ProjectComments)})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/projects/:id/comments", Op: "commentProject", Tag: "projects", Auth: true,
		Summary: "Comment on a project, or reply (parent_id) to a top-level comment, while it is deliberating or voting",
		Body:    app.ProjectCommentInput{}, Resp: app.ProjectComment{}, Status: http.StatusCreated, H: s.apiProjectCommentCreate})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/project-comments/:id/hiding", Op: "hideProjectComment", Tag: "projects", Auth: true,
		Summary: "Hide a comment (moderators); the reason is kept in the audit log",
		Body:    app.CommentHiding{}, Resp: app.ProjectComment{}, H: s.apiCommentHide})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/projects/:id/revisions", Op: "listProjectRevisions", Tag: "projects",
		Summary: "Earlier versions of a project revised during deliberation, newest first",
		Resp:    list[*app.ProjectRevision]{}, H: apiAllOf(s.app.ProjectRevisions)})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/projects/:id/vote-opening", Op: "openProjectVote", Tag: "projects", Auth: true,
		Summary: "Open the resident vote once supports reach the threshold (409 before); optional body {days} overrides the window",
		Body:    app.VoteOpening{}, Resp: projectOut{}, H: s.apiVoteOpening})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/projects/:id/votes", Op: "voteProject", Tag: "projects", Auth: true,
		Summary: "Vote yes, no or abstain: one vote per resident of the community, only while the vote is open (409 twice or outside the window)",
		Body:    app.ProjectVoteInput{}, Resp: projectOut{}, Status: http.StatusCreated, H: s.apiVote})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/projects/:id/paper-ballots", Op: "listPaperBallots", Tag: "projects", Auth: true,
		Summary: "Pending paper ballots of a project (workers)", Resp: list[*app.PaperBallot]{}, H: apiAllOf(s.app.PaperBallots)})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/projects/:id/paper-ballots", Op: "enterPaperBallot", Tag: "projects", Auth: true,
		Summary: "Enter a resident's paper ballot (workers); it counts once a second worker confirms it",
		Body:    app.PaperBallotInput{}, Resp: app.PaperBallot{}, Status: http.StatusCreated, H: s.apiPaperBallot})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/paper-ballots/:id/confirmation", Op: "confirmPaperBallot", Tag: "projects", Auth: true,
		Summary: "Confirm (count) or discard a paper ballot another worker entered",
		Body:    app.BallotConfirmation{}, Resp: app.PaperBallot{}, H: s.apiBallotConfirm})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/communities/:id/project-settings", Op: "getProjectSettings", Tag: "projects",
		Summary: "A community's rules of deliberation and voting (defaults: 14 days, 10 supports, quorum 10, simple majority, 7-day vote)",
		Resp:    app.ProjectSettings{}, H: s.apiProjectSettings})
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/communities/:id/project-settings", Op: "updateProjectSettings", Tag: "projects", Auth: true,
		Summary: "Set a community's rules of deliberation and voting (running deliberations and votes keep theirs)",
		Body:    app.ProjectSettingsInput{}, Resp: app.ProjectSettings{}, H: s.apiProjectSettingsUpdate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/meetings", Op: "listMeetings", Tag: "projects",
		Summary: "议事会 meetings, latest first",
		Query:   []queryParam{{Name: "community_id", Type: "integer"}, {Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer", Desc: "1–100"}},
		Resp:    list[*app.ProjectMeeting]{}, H: apiList(meetingFilter, s.app.Meetings, toMeetingOut)})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/meetings", Op: "createMeeting", Tag: "projects", Auth: true,
		Summary: "Schedule a 议事会 meeting with an agenda of the community's projects under deliberation or in a vote",
		Body:    app.MeetingInput{}, Resp: app.ProjectMeeting{}, Status: http.StatusCreated, H: s.apiMeetingCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/meetings/:id", Op: "getMeeting", Tag: "projects",
		Summary: "A meeting with its agenda (project_ids) and attendance (names masked)", Resp: meetingOut{}, H: s.apiMeeting})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/meetings/:id/attendees", Op: "recordAttendance", Tag: "projects", Auth: true,
		Summary: "Record a resident at a meeting, present or represented by the recording worker",
		Body:    app.AttendanceInput{}, Resp: app.MeetingAttendee{}, Status: http.StatusCreated, H: s.apiMeetingAttendance})
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/meetings/:id/minutes", Op: "recordMinutes", Tag: "projects", Auth: true,
		Summary: "Record a meeting's minutes", Body: app.MinutesInput{}, Resp: app.ProjectMeeting{}, H: s.apiMeetingMinutes})
}
