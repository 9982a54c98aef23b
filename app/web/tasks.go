package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/matching"
)

// taskRoutes serves tasks, shifts, sign-ups, hours, evaluations, ranked candidates, the
// weights page and batch assignment (issue 3).
func (s *Server) taskRoutes() {
	s.usePages("tasks_list", "task_form", "task_edit", "task_show", "candidates", "tasks_mine", "hours_ledger", "weights", "assignment", "evaluation_form")
	e := s.e
	e.GET("/tasks", s.tasksPage)
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
		Resp: list[*app.Task]{}, H: s.apiTasks})
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

// items wraps a list answer in an object, so the API can add fields later.
type items[T any] struct {
	Items []T `json:"items"`
}

// MarshalJSON writes an empty list rather than null.
func (l items[T]) MarshalJSON() ([]byte, error) {
	if l.Items == nil {
		l.Items = []T{}
	}
	type plain items[T]
	return json.Marshal(plain(l))
}

type confirmIn struct {
	Assignments []app.AssignmentPair `json:"assignments"`
}

// ---- explanations

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

// Hours formats minutes as hours with two decimals.
func (v *View) Hours(minutes int) string { return fmt.Sprintf("%.2f", float64(minutes)/60) }

// ---- tasks

func taskFilter(c echo.Context) (app.TaskFilter, error) {
	p := params{c: c}
	f := app.TaskFilter{CommunityID: p.int64p("community_id"), NeedID: p.int64p("need_id"), ProjectID: p.int64p("project_id"), Q: p.str("q", 100), Page: p.page()}
	if st := p.oneOf("status", app.TaskStatuses); st != nil {
		f.Statuses = []string{*st}
	}
	return f, p.err
}

func (s *Server) tasksPage(c echo.Context) error {
	f, err := taskFilter(c)
	if err != nil {
		return err
	}
	if len(f.Statuses) == 0 && c.QueryParam("status") == "" {
		f.Statuses = []string{app.TaskOpen}
	}
	ts, total, err := s.app.Tasks(c.Request().Context(), f)
	if err != nil {
		return err
	}
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "tasks.title"), "tasks")
	v.Data = map[string]any{"Tasks": ts, "CommunityNames": names}
	v.Pager = newPager(c, f.Page, total)
	return s.renderPage(c, http.StatusOK, "tasks_list", v)
}

type taskFormData struct {
	Form           app.TaskInput
	CommunityNames map[int64]string
}

func (s *Server) taskNewPage(c echo.Context) error {
	p := principal(c)
	if !p.Authenticated() {
		return app.Unauthorized()
	}
	pr := params{c: c}
	in := app.TaskInput{NeedID: pr.int64p("need_id"), ProjectID: pr.int64p("project_id"), Headcount: 1}
	if pr.err != nil {
		return pr.err
	}
	ctx := c.Request().Context()
	switch {
	case in.NeedID != nil:
		n, err := s.app.Need(ctx, *in.NeedID)
		if err != nil {
			return err
		}
		in.CommunityID, in.GridID, in.Category, in.Title = n.CommunityID, &n.GridID, n.Category, n.Title
	case in.ProjectID != nil:
		pj, err := s.app.Project(ctx, *in.ProjectID)
		if err != nil {
			return err
		}
		in.CommunityID, in.GridID, in.Category, in.Title = pj.CommunityID, pj.GridID, pj.Category, pj.Title
	default:
		for _, m := range p.Memberships {
			if m.CommunityID != nil {
				in.CommunityID = *m.CommunityID
				break
			}
		}
	}
	return s.taskForm(c, http.StatusOK, in, s.newView(c, s.i18n.T(lang(c), "tasks.new"), "tasks"))
}

func (s *Server) taskForm(c echo.Context, status int, in app.TaskInput, v *View) error {
	names, err := s.communityNames(c)
	if err != nil {
		return err
	}
	v.Data = &taskFormData{Form: in, CommunityNames: names}
	return s.renderPage(c, status, "task_form", v)
}

func (s *Server) taskCreate(c echo.Context) error {
	var in app.TaskInput
	err := bindForm(c, &in)
	var t *app.Task
	if err == nil {
		t, err = s.app.CreateTask(c.Request().Context(), in)
	}
	if err != nil {
		if app.IsCode(err, app.EINVALID) {
			v := s.newView(c, s.i18n.T(lang(c), "tasks.new"), "tasks")
			s.applyErrors(v, err)
			return s.taskForm(c, http.StatusUnprocessableEntity, in, v)
		}
		return err
	}
	return s.done(c, "/tasks/"+strconv.FormatInt(t.ID, 10), "tasks.created")
}

// taskPageData is the task page: what the use case found and what the forms kept.
type taskPageData struct {
	*app.TaskPage
	ShiftForm   app.ShiftInput
	HoursForm   app.HoursInput
	Weekdays    []int
	ShiftStarts string
	ShiftEnds   string
}

func (s *Server) renderTask(c echo.Context, status int, id int64, v *View, d *taskPageData) error {
	page, err := s.app.TaskDetailPage(c.Request().Context(), id)
	if err != nil {
		return err
	}
	t := page.Task
	if v == nil {
		v = s.newView(c, t.Title, "tasks")
	}
	v.Title = t.Title
	if d == nil {
		d = &taskPageData{ShiftForm: app.ShiftInput{Capacity: t.Headcount, Weeks: 4, StartTime: "11:00", EndTime: "12:00"}}
	}
	d.TaskPage = page
	if len(d.Weekdays) == 0 {
		d.Weekdays = d.ShiftForm.Weekdays
	}
	v.Data = d
	return s.renderPage(c, status, "task_show", v)
}

type taskEditData struct {
	Task *app.Task
	Form app.TaskUpdateInput
}

func (s *Server) taskEditForm(c echo.Context, status int, t *app.Task, in app.TaskUpdateInput, v *View) error {
	if v == nil {
		v = s.newView(c, s.i18n.T(lang(c), "tasks.edit_title", "title", t.Title), "tasks")
	}
	v.Data = &taskEditData{Task: t, Form: in}
	return s.renderPage(c, status, "task_edit", v)
}

func (s *Server) taskEditPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	t, err := s.app.EditableTask(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.taskEditForm(c, http.StatusOK, t, app.TaskUpdateInputOf(t), nil)
}

func (s *Server) taskUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	t, err := s.app.EditableTask(ctx, id)
	if err != nil {
		return err
	}
	var in app.TaskUpdateInput
	err = bindForm(c, &in)
	if err == nil {
		_, err = s.app.UpdateTask(ctx, id, in)
	}
	if app.IsCode(err, app.EINVALID) {
		v := s.newView(c, s.i18n.T(lang(c), "tasks.edit_title", "title", t.Title), "tasks")
		s.applyErrors(v, err)
		return s.taskEditForm(c, http.StatusUnprocessableEntity, t, in, v)
	} else if err != nil {
		return err
	}
	return s.done(c, "/tasks/"+strconv.FormatInt(id, 10), "tasks.updated")
}

func (s *Server) apiTaskUpdate(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.UpdateTask)
}

func (s *Server) taskPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.renderTask(c, http.StatusOK, id, nil, nil)
}

// bindShiftForm reads the shift form: a one-off shift (datetime-local starts_at/ends_at) or a
// weekly series.
func (s *Server) bindShiftForm(c echo.Context, in *app.ShiftInput) error {
	err := bindForm(c, in)
	fe := app.FieldErrors{}
	if c.FormValue("mode") == "once" {
		in.StartsAt, in.EndsAt = s.formTime(c, "starts_at", fe), s.formTime(c, "ends_at", fe)
		if in.StartsAt == nil {
			fe.Add("starts_at", "error.required")
		}
		if in.EndsAt == nil {
			fe.Add("ends_at", "error.required")
		}
		in.Weekdays, in.Weeks = nil, 0
	}
	if e, ok := err.(*app.Error); ok {
		for k, m := range e.Fields {
			fe[k] = m
		}
	} else if err != nil {
		return err
	}
	return fe.Err()
}

func (s *Server) taskShiftsAdd(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.ShiftInput
	err = s.bindShiftForm(c, &in)
	var shifts []*app.Shift
	if err == nil {
		shifts, err = s.app.AddShifts(c.Request().Context(), id, in)
	}
	if err != nil {
		if app.IsCode(err, app.EINVALID) {
			v := s.newView(c, "", "tasks")
			s.applyErrors(v, err)
			return s.renderTask(c, http.StatusUnprocessableEntity, id, v, &taskPageData{ShiftForm: in,
				ShiftStarts: c.FormValue("starts_at"), ShiftEnds: c.FormValue("ends_at")})
		}
		return err
	}
	return s.done(c, "/tasks/"+strconv.FormatInt(id, 10), "tasks.shifts_added", "n", len(shifts))
}

func (s *Server) taskStatus(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.TaskStatusInput
	err = bindForm(c, &in)
	if err == nil {
		_, err = s.app.SetTaskStatus(c.Request().Context(), id, in)
	}
	return s.after(c, "/tasks/"+strconv.FormatInt(id, 10), err, "tasks.status_changed")
}

func (s *Server) apiTaskStatus(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.SetTaskStatus)
}

func (s *Server) taskInvite(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.InviteInput
	err = bindForm(c, &in)
	if err == nil {
		_, err = s.app.Invite(c.Request().Context(), id, in)
	}
	return s.after(c, "/tasks/"+strconv.FormatInt(id, 10), err, "tasks.invited")
}

func (s *Server) taskHoursAdd(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.HoursInput
	err = bindForm(c, &in)
	in.TaskID = id
	if err == nil {
		_, err = s.app.AddHours(c.Request().Context(), in)
	}
	if err != nil {
		if app.IsCode(err, app.EINVALID) {
			v := s.newView(c, "", "tasks")
			s.applyErrors(v, err)
			return s.renderTask(c, http.StatusUnprocessableEntity, id, v, &taskPageData{HoursForm: in})
		}
		return err
	}
	return s.done(c, "/tasks/"+strconv.FormatInt(id, 10), "hours.added")
}

// after finishes a one-button action: conflicts and bad input go back to the page as a
// message; authorization and other errors go to the error handler.
func (s *Server) after(c echo.Context, to string, err error, okMsg string, kv ...any) error {
	if err == nil {
		return s.done(c, to, okMsg, kv...)
	}
	if app.IsCode(err, app.ECONFLICT) || app.IsCode(err, app.EINVALID) {
		d := s.describe(err, lang(c), http.StatusConflict)
		msg := d.Message
		for _, m := range d.Fields {
			msg = m
		}
		s.sessions.Put(c.Request().Context(), "flash", msg)
		return c.Redirect(http.StatusSeeOther, to)
	}
	return err
}

// back is where a sign-up action returns: the form's "next" if it is a local path, else the task.
func back(c echo.Context, fallback string) string {
	// safeNext also refuses /\host, which browsers read as //host.
	if n := c.FormValue("next"); n != "" && safeNext(n) == n {
		return n
	}
	return fallback
}

// shiftTask is the page of a shift's task, where its sign-up buttons are; /me/tasks if the
// shift is unknown.
func (s *Server) shiftTask(c echo.Context, shiftID int64) string {
	if task, err := s.app.TaskOfShift(c.Request().Context(), shiftID); err == nil {
		return "/tasks/" + strconv.FormatInt(task, 10)
	}
	return "/me/tasks"
}

func (s *Server) shiftSignup(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if !principal(c).Authenticated() {
		return app.Unauthorized()
	}
	_, err = s.app.SignUp(c.Request().Context(), id)
	return s.after(c, back(c, s.shiftTask(c, id)), err, "tasks.signed_up")
}

func (s *Server) shiftCheck(in bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		if !principal(c).Authenticated() {
			return app.Unauthorized()
		}
		ctx := c.Request().Context()
		msg := "tasks.checked_in"
		if in {
			_, err = s.app.CheckIn(ctx, id, c.FormValue("code"))
		} else {
			_, err = s.app.CheckOut(ctx, id, c.FormValue("code"))
			msg = "tasks.checked_out"
		}
		return s.after(c, back(c, s.shiftTask(c, id)), err, msg)
	}
}

// signupTask is the page of a sign-up's task; /me/tasks if the sign-up is unknown.
func (s *Server) signupTask(c echo.Context, id int64) string {
	if task, err := s.app.TaskOfSignup(c.Request().Context(), id); err == nil {
		return "/tasks/" + strconv.FormatInt(task, 10)
	}
	return "/me/tasks"
}

func (s *Server) signupCancel(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.app.CancelSignup(c.Request().Context(), id)
	return s.after(c, back(c, s.signupTask(c, id)), err, "tasks.cancelled")
}

func (s *Server) signupNoShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.app.MarkNoShow(c.Request().Context(), id)
	return s.after(c, s.signupTask(c, id), err, "tasks.no_show_marked")
}

func (s *Server) hoursDecide(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	to := "/me/tasks"
	if task, err := s.app.TaskOfHours(c.Request().Context(), id); err == nil && task != 0 {
		to = "/tasks/" + strconv.FormatInt(task, 10)
	}
	d := app.HoursDecision{Approve: c.FormValue("approve") == "true", Note: c.FormValue("note")}
	_, err = s.app.DecideHours(c.Request().Context(), id, d)
	return s.after(c, to, err, "hours.decided")
}

// ---- candidates

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

// ---- volunteers: tasks for me, self-reports, ledger

func (s *Server) myTasksPage(c echo.Context) error {
	if !principal(c).Authenticated() {
		return app.Unauthorized()
	}
	ctx := c.Request().Context()
	v := s.newView(c, s.i18n.T(lang(c), "tasks.mine"), "tasks")
	data := map[string]any{}
	me, err := s.app.MyVolunteer(ctx)
	if app.IsCode(err, app.ENOTFOUND) {
		v.Data = data
		return s.renderPage(c, http.StatusOK, "tasks_mine", v)
	} else if err != nil {
		return err
	}
	ms, err := s.app.TasksForMe(ctx, 20)
	if err != nil {
		return err
	}
	held, err := s.app.MyCommitments(ctx)
	if err != nil {
		return err
	}
	data["Volunteer"], data["Matches"], data["Held"] = me, ms, held
	data["HoursForm"] = app.HoursInput{Date: s.app.Now().In(s.app.Location()).Format("2006-01-02"), Minutes: 60}
	v.Data = data
	return s.renderPage(c, http.StatusOK, "tasks_mine", v)
}

func (s *Server) myHoursReport(c echo.Context) error {
	var in app.HoursInput
	err := bindForm(c, &in)
	if err == nil {
		_, err = s.app.ReportHours(c.Request().Context(), in)
	}
	if err != nil && app.IsCode(err, app.EINVALID) {
		v := s.newView(c, s.i18n.T(lang(c), "tasks.mine"), "tasks")
		s.applyErrors(v, err)
		me, merr := s.app.MyVolunteer(c.Request().Context())
		if merr != nil {
			return merr
		}
		v.Data = map[string]any{"Volunteer": me, "HoursForm": in}
		return s.renderPage(c, http.StatusUnprocessableEntity, "tasks_mine", v)
	}
	if err != nil {
		return err
	}
	return s.done(c, "/me/tasks", "hours.reported")
}

func (s *Server) hoursPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	l, err := s.app.HoursLedger(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "hours.ledger_of", "name", l.Volunteer.Name), "tasks")
	v.Data = l
	return s.renderPage(c, http.StatusOK, "hours_ledger", v)
}

// hoursCSV exports approved hours for certificates: name, masked ID, organization, activity,
// date, hours, kind. UTF-8 with a byte-order mark, so Excel opens the Chinese correctly.
func (s *Server) hoursCSV(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	l, err := s.app.HoursLedger(c.Request().Context(), id)
	if err != nil {
		return err
	}
	lg := lang(c)
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	head := []string{"name", "masked_id", "organization", "activity", "date", "hours", "kind"}
	row := make([]string, len(head))
	for i, h := range head {
		row[i] = s.i18n.T(lg, enumKey("hours.csv", h))
	}
	_ = w.Write(row)
	for _, ln := range l.Lines {
		if ln.Status != app.HoursApproved {
			continue
		}
		_ = w.Write([]string{csvSafe(l.Volunteer.Name), app.MaskMobile(l.Volunteer.Mobile), csvSafe(l.Organization), csvSafe(ln.Activity),
			ln.WorkDate.In(s.app.Location()).Format("2006-01-02"), fmt.Sprintf("%.2f", float64(ln.Minutes)/60), s.i18n.T(lg, enumKey("hours.kind", ln.Kind))})
	}
	w.Flush()
	name := fmt.Sprintf("hours-%d.csv", id)
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(name))
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// csvSafe keeps spreadsheet programs from running a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ---- weights

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
	if err := fe.Err(); err != nil {
		s.applyErrors(v, err)
		return s.renderWeights(c, http.StatusUnprocessableEntity, id, v, d)
	}
	if c.FormValue("action") == "save" {
		if _, err := s.app.SaveCommunityProfile(ctx, id, form); err != nil {
			if app.IsCode(err, app.EINVALID) {
				s.applyErrors(v, err)
				return s.renderWeights(c, http.StatusUnprocessableEntity, id, v, d)
			}
			return err
		}
		return s.done(c, "/communities/"+strconv.FormatInt(id, 10)+"/weights", "match.weights_saved")
	}
	pr, err := s.app.PreviewWeights(ctx, id, app.ProfilePreviewInput{NeedID: needID, Profile: form, Limit: 10})
	if err != nil {
		if app.IsCode(err, app.EINVALID) {
			s.applyErrors(v, err)
			return s.renderWeights(c, http.StatusUnprocessableEntity, id, v, d)
		}
		return err
	}
	d.Preview = pr
	return s.renderWeights(c, http.StatusOK, id, v, d)
}

// ---- batch assignment

func (s *Server) assignmentPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cm, err := s.app.Community(ctx, id)
	if err != nil {
		return err
	}
	loc := s.app.Location()
	from := s.app.Now().In(loc)
	days := 7
	v := s.newView(c, s.i18n.T(lang(c), "match.assignment_title"), "communities")
	if f := c.QueryParam("from"); f != "" {
		t, err := time.ParseInLocation("2006-01-02", f, loc)
		if err != nil {
			return newBadRequest("from", "error.bad_time")
		}
		from = t
	}
	if d := c.QueryParam("days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 28 {
			return newBadRequest("days", "error.between", "min", 1, "max", 28)
		}
		days = n
	}
	p, err := s.app.ProposeAssignment(ctx, id, app.AssignmentRequest{From: from, Days: days})
	if err != nil {
		return err
	}
	v.Data = map[string]any{"Community": cm, "P": p, "From": from.Format("2006-01-02"), "Days": days}
	return s.renderPage(c, http.StatusOK, "assignment", v)
}

func (s *Server) assignmentConfirm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := c.Request().ParseForm(); err != nil {
		return newBadRequest("_body", "error.bad_form")
	}
	var pairs []app.AssignmentPair
	for _, raw := range c.Request().PostForm["pair"] {
		a, b, ok := strings.Cut(raw, ":")
		sid, err1 := strconv.ParseInt(a, 10, 64)
		vid, err2 := strconv.ParseInt(b, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return newBadRequest("pair", "error.wrong_type", "want", "shift:volunteer")
		}
		pairs = append(pairs, app.AssignmentPair{ShiftID: sid, VolunteerID: vid})
	}
	sus, err := s.app.ConfirmAssignment(c.Request().Context(), id, pairs)
	to := "/communities/" + strconv.FormatInt(id, 10) + "/assignment"
	return s.after(c, to, err, "match.assignment_confirmed", "n", len(sus))
}

// ---- evaluations

func (s *Server) evaluationNewPage(c echo.Context) error {
	if !principal(c).Authenticated() {
		return app.Unauthorized()
	}
	p := params{c: c}
	in := app.EvaluationInput{SubjectID: derefID(p.int64p("subject_id")), TaskID: p.int64p("task_id"), Stars: 5}
	if k := p.oneOf("subject_kind", []string{"volunteer", "organization"}); k != nil {
		in.SubjectKind = *k
	}
	if p.err != nil {
		return p.err
	}
	return s.evaluationForm(c, http.StatusOK, in, s.newView(c, s.i18n.T(lang(c), "evaluation.title"), "tasks"))
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func (s *Server) evaluationForm(c echo.Context, status int, in app.EvaluationInput, v *View) error {
	name := ""
	ctx := c.Request().Context()
	switch in.SubjectKind {
	case "volunteer":
		if vv, err := s.app.Volunteer(ctx, in.SubjectID); err == nil {
			name = vv.Name
		}
	case "organization":
		if o, err := s.app.Organization(ctx, in.SubjectID); err == nil {
			name = o.Name
		}
	}
	v.Data = map[string]any{"Form": in, "Name": name}
	return s.renderPage(c, status, "evaluation_form", v)
}

func (s *Server) evaluationCreate(c echo.Context) error {
	var in app.EvaluationInput
	err := bindForm(c, &in)
	if err == nil {
		_, err = s.app.Evaluate(c.Request().Context(), in)
	}
	if err != nil {
		if app.IsCode(err, app.EINVALID) {
			v := s.newView(c, s.i18n.T(lang(c), "evaluation.title"), "tasks")
			s.applyErrors(v, err)
			return s.evaluationForm(c, http.StatusUnprocessableEntity, in, v)
		}
		if app.IsCode(err, app.ECONFLICT) {
			return s.after(c, "/", err, "")
		}
		return err
	}
	to := "/"
	if in.TaskID != nil {
		to = "/tasks/" + strconv.FormatInt(*in.TaskID, 10)
	} else if in.SubjectKind == "volunteer" {
		to = "/volunteers/" + strconv.FormatInt(in.SubjectID, 10)
	} else {
		to = "/organizations/" + strconv.FormatInt(in.SubjectID, 10)
	}
	return s.done(c, to, "evaluation.thanks")
}

// ---- JSON API

func (s *Server) apiTasks(c echo.Context) error {
	f, err := taskFilter(c)
	if err != nil {
		return err
	}
	ts, total, err := s.app.Tasks(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(ts, total, f.Page))
}

func (s *Server) apiTaskCreate(c echo.Context) error {
	return apiNew(c, http.StatusCreated, s.app.CreateTask)
}

func (s *Server) apiTask(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.TaskDetail)
}

func (s *Server) apiShiftsAdd(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.ShiftInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ss, err := s.app.AddShifts(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, items[*app.Shift]{Items: ss})
}

func (s *Server) apiInvite(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.InviteInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ss, err := s.app.Invite(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, items[*app.Signup]{Items: ss})
}

func (s *Server) apiHoursAdd(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.HoursInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	in.TaskID = id
	h, err := s.app.AddHours(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, h)
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

func (s *Server) apiSignup(c echo.Context) error {
	return apiOn(c, http.StatusCreated, s.app.SignUp)
}

func (s *Server) apiCheckIn(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.CheckInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	su, err := s.app.CheckIn(c.Request().Context(), id, in.Code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, su)
}

func (s *Server) apiCheckOut(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.CheckInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	h, err := s.app.CheckOut(c.Request().Context(), id, in.Code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h)
}

func (s *Server) apiSignupCancel(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.CancelSignup)
}

func (s *Server) apiNoShow(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.MarkNoShow)
}

func (s *Server) apiHoursDecide(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.DecideHours)
}

func (s *Server) apiTasksForMe(c echo.Context) error {
	ms, err := s.app.TasksForMe(c.Request().Context(), 0)
	if app.IsCode(err, app.ENOTFOUND) {
		ms = []app.TaskMatch{} // signed in without a volunteer profile: nothing ranked
	} else if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, items[app.TaskMatch]{Items: ms})
}

func (s *Server) apiHoursReport(c echo.Context) error {
	return apiNew(c, http.StatusCreated, s.app.ReportHours)
}

func (s *Server) apiHours(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.HoursLedger)
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

func (s *Server) apiAssignmentPropose(c echo.Context) error {
	return apiAct(c, http.StatusOK, s.app.ProposeAssignment)
}

func (s *Server) apiAssignmentConfirm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in confirmIn
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ss, err := s.app.ConfirmAssignment(c.Request().Context(), id, in.Assignments)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, items[*app.Signup]{Items: ss})
}

func (s *Server) apiEvaluate(c echo.Context) error {
	return apiNew(c, http.StatusCreated, s.app.Evaluate)
}

// HasInt reports whether a list of ints holds the number written in s (for checkboxes).
func (v *View) HasInt(list []int, s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && slices.Contains(list, n)
}

// StarOpts lists the 1–5 star choices, best first.
func (v *View) StarOpts() []Opt {
	out := make([]Opt, 0, 5)
	for n := 5; n >= 1; n-- {
		out = append(out, Opt{Value: strconv.Itoa(n), Label: v.T("evaluation.star_n", "n", n)})
	}
	return out
}

// enumKey is the message id of an enumerated value: group.value.
func enumKey(group, value string) string { return group + "." + value }
