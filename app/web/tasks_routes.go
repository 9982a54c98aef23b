package web

// Routes of the tasks feature (issue 3): tasks, shifts, sign-ups, hours, evaluations, ranked
// candidates, ranking weights and batch assignment, pages and JSON API with its OpenAPI entries.

import (
	"net/http"
	"strings"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/matching"
)

// taskRoutes serves tasks, shifts, sign-ups, hours, evaluations, ranked candidates, the
// weights page and batch assignment (issue 3).
func (s *Server) taskRoutes() {
	s.usePages("tasks_list", "task_form", "task_edit", "task_show", "candidates", "tasks_mine", "hours_ledger", "weights", "assignment", "evaluation_form")
	e := s.e
	e.GET("/tasks", s.tasksPage())
	e.GET("/tasks/new", s.taskNewPage)
	e.POST("/tasks", s.taskCreate)
	e.GET("/tasks/:id", s.taskPage)
	e.GET("/tasks/:id/edit", s.taskEditPage)
	e.POST("/tasks/:id", s.taskUpdate)
	e.POST("/tasks/:id/shifts", s.taskShiftsAdd)
	e.POST("/tasks/:id/invitations", s.taskInvite)
	e.POST("/tasks/:id/hours", s.taskHoursAdd)
	e.POST("/tasks/:id/status", s.taskStatus)
	e.GET("/tasks/:id/candidates", s.candidatesPage(app.SubjectTask))
	e.GET("/needs/:id/candidates", s.candidatesPage(app.SubjectNeed))
	e.GET("/projects/:id/candidates", s.candidatesPage(app.SubjectProject))
	e.POST("/shifts/:id/signup", s.shiftSignup)
	e.POST("/shifts/:id/checkin", s.shiftCheck(true))
	e.POST("/shifts/:id/checkout", s.shiftCheck(false))
	e.POST("/signups/:id/cancel", s.signupCancel)
	e.POST("/signups/:id/no-show", s.signupNoShow)
	e.POST("/hours/:id/decide", s.hoursDecide)
	e.GET("/me/tasks", s.myTasksPage)
	e.POST("/me/hours", s.myHoursReport)
	e.GET("/volunteers/:id/hours", s.hoursPage)
	e.GET("/volunteers/:id/hours.csv", s.hoursCSV)
	e.GET("/communities/:id/weights", s.weightsPage)
	e.POST("/communities/:id/weights", s.weightsPost)
	e.GET("/communities/:id/assignment", s.assignmentPage)
	e.POST("/communities/:id/assignment", s.assignmentConfirm)
	e.GET("/evaluations/new", s.evaluationNewPage)
	e.POST("/evaluations", s.evaluationCreate)

	kindQ := []queryParam{{Name: "kind", Type: "string", Enum: app.CandidateKinds, Desc: "rank only this kind (default: all three)"},
		{Name: "limit", Type: "integer", Desc: "results per kind, 1–100 (default 20)"}}
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/tasks", Op: "listTasks", Tag: "tasks", Summary: "List tasks",
		Query: []queryParam{{Name: "community_id", Type: "integer"}, {Name: "need_id", Type: "integer"}, {Name: "project_id", Type: "integer"},
			{Name: "status", Type: "string", Enum: app.TaskStatuses}, {Name: "q", Type: "string"}, {Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer"}},
		Resp: list[*app.Task]{}, H: apiList(taskFilter, s.app.Tasks, asIs[*app.Task])})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/tasks", Op: "createTask", Tag: "tasks", Auth: true,
		Summary: "Create a task, optionally from a need or a project (front-desk workers)", Body: app.TaskInput{}, Resp: app.Task{},
		Status: http.StatusCreated, H: s.apiTaskCreate})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/tasks/:id", Op: "getTask", Tag: "tasks",
		Summary: "Get a task with its shifts (coordinators also get sign-ups, check-in codes and pending hours)", Resp: app.TaskView{}, H: s.apiTask})
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/tasks/:id", Op: "updateTask", Tag: "tasks", Auth: true,
		Summary: "Edit a task's title, description, skills, headcount and place (its managers); a new headcount resizes shifts not yet started",
		Body:    app.TaskUpdateInput{}, Resp: app.Task{}, H: s.apiTaskUpdate})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/tasks/:id/shifts", Op: "addShifts", Tag: "tasks", Auth: true,
		Summary: "Add one shift (starts_at, ends_at) or a weekly series (weekdays 1–7, start_time, end_time, from_date, weeks)",
		Body:    app.ShiftInput{}, Resp: items[*app.Shift]{}, Status: http.StatusCreated, H: s.apiShiftsAdd})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/tasks/:id/status", Op: "setTaskStatus", Tag: "tasks", Auth: true,
		Summary: "Close, reopen or cancel a task; cancelling withdraws sign-ups for shifts not yet started", Body: app.TaskStatusInput{},
		Resp: app.Task{}, H: s.apiTaskStatus})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/tasks/:id/invitations", Op: "inviteVolunteers", Tag: "tasks", Auth: true,
		Summary: "Invite volunteers to a shift (coordinators)", Body: app.InviteInput{}, Resp: items[*app.Signup]{}, Status: http.StatusCreated, H: s.apiInvite})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/tasks/:id/hours", Op: "addHours", Tag: "hours", Auth: true,
		Summary: "Add hours for a volunteer by hand, with a reason (coordinators)", Body: app.HoursInput{}, Resp: app.HoursEntry{},
		Status: http.StatusCreated, H: s.apiHoursAdd})
	for _, sub := range []string{app.SubjectNeed, app.SubjectProject, app.SubjectTask} {
		s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/" + sub + "s/:id/candidates", Op: "rank" + strings.ToUpper(sub[:1]) + sub[1:] + "Candidates",
			Tag: "matching", Auth: true, Summary: "Rank volunteers, organizations and donors for a " + sub + ", each with its explanation (front-desk workers)",
			Query: kindQ, Resp: app.CandidateRanking{}, H: s.apiCandidates(sub)})
	}
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/shifts/:id/signups", Op: "signUp", Tag: "tasks", Auth: true,
		Summary: "Sign the signed-in volunteer up for a shift (or accept an invitation)", Resp: app.Signup{}, Status: http.StatusCreated, H: s.apiSignup})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/shifts/:id/checkin", Op: "checkIn", Tag: "hours", Auth: true,
		Summary: "Check in with the shift's code", Body: app.CheckInput{}, Resp: app.Signup{}, H: s.apiCheckIn})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/shifts/:id/checkout", Op: "checkOut", Tag: "hours", Auth: true,
		Summary: "Check out with the shift's code; writes the automatic hours entry", Body: app.CheckInput{}, Resp: app.HoursEntry{}, H: s.apiCheckOut})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/signups/:id/cancellation", Op: "cancelSignup", Tag: "tasks", Auth: true,
		Summary: "Cancel a sign-up before the shift starts (the volunteer or coordinators)", Resp: app.Signup{}, H: s.apiSignupCancel})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/signups/:id/no-show", Op: "markNoShow", Tag: "tasks", Auth: true,
		Summary: "Mark a volunteer as not having come (coordinators, after the shift starts)", Resp: app.Signup{}, H: s.apiNoShow})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/hours/:id/decision", Op: "decideHours", Tag: "hours", Auth: true,
		Summary: "Approve or reject self-reported hours (coordinators; a rejection needs a note)", Body: app.HoursDecision{}, Resp: app.HoursEntry{}, H: s.apiHoursDecide})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/me/tasks", Op: "tasksForMe", Tag: "matching", Auth: true,
		Summary: "Open tasks ranked for the signed-in volunteer", Resp: items[app.TaskMatch]{}, H: s.apiTasksForMe})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/me/hours", Op: "reportHours", Tag: "hours", Auth: true,
		Summary: "Report one's own hours, pending approval", Body: app.HoursInput{}, Resp: app.HoursEntry{}, Status: http.StatusCreated, H: s.apiHoursReport})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/volunteers/:id/hours", Op: "hoursLedger", Tag: "hours", Auth: true,
		Summary: "A volunteer's hours ledger with provenance (the volunteer and front-desk workers)", Resp: app.HoursSheet{}, H: s.apiHours})
	s.api(apiRoute{Method: http.MethodGet, Path: "/api/v1/communities/:id/profile", Op: "getRankingProfile", Tag: "matching", Auth: true,
		Summary: "The community's ranking profile (managers)", Resp: app.ProfileView{}, H: s.apiProfile})
	s.api(apiRoute{Method: http.MethodPut, Path: "/api/v1/communities/:id/profile", Op: "saveRankingProfile", Tag: "matching", Auth: true,
		Summary: "Save tuned ranking weights (managers); negative, non-finite or all-zero weights are refused", Body: matching.Profile{},
		Resp: app.ProfileView{}, H: s.apiProfileSave})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/communities/:id/profile/preview", Op: "previewRankingProfile", Tag: "matching", Auth: true,
		Summary: "How a need's ranking would change under proposed weights, without saving", Body: app.ProfilePreviewInput{}, Resp: app.ProfilePreview{}, H: s.apiProfilePreview})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/communities/:id/assignment/proposal", Op: "proposeAssignment", Tag: "matching", Auth: true,
		Summary: "Optimal assignment of volunteers to the community's open shifts (nothing saved)", Body: app.AssignmentRequest{},
		Resp: app.AssignmentProposal{}, H: s.apiAssignmentPropose})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/communities/:id/assignment", Op: "confirmAssignment", Tag: "matching", Auth: true,
		Summary: "Confirm an assignment: sign the volunteers up, all or nothing", Body: confirmIn{}, Resp: items[*app.Signup]{},
		Status: http.StatusCreated, H: s.apiAssignmentConfirm})
	s.api(apiRoute{Method: http.MethodPost, Path: "/api/v1/evaluations", Op: "evaluate", Tag: "matching", Auth: true,
		Summary: "Rate a volunteer or organization 1–5 stars (residents of the community; once each)", Body: app.EvaluationInput{},
		Resp: app.Evaluation{}, Status: http.StatusCreated, H: s.apiEvaluate})
}
