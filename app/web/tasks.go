package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

func taskFilter(c echo.Context) (app.TaskFilter, error) {
	p := params{c: c}
	f := app.TaskFilter{CommunityID: p.int64p("community_id"), NeedID: p.int64p("need_id"), ProjectID: p.int64p("project_id"), Q: p.str("q", 100), Page: p.page()}
	if st := p.oneOf("status", app.TaskStatuses); st != nil {
		f.Statuses = []string{*st}
	}
	return f, p.err
}

// tasksPage lists tasks, open ones unless a status is asked for.
func (s *Server) tasksPage() echo.HandlerFunc {
	return servePage(s, listPage[app.TaskFilter, *app.Task]{page: "tasks_list", title: "tasks.title", section: "tasks", rows: "Tasks",
		read: func(c echo.Context) (app.TaskFilter, error) {
			f, err := taskFilter(c)
			if len(f.Statuses) == 0 && c.QueryParam("status") == "" {
				f.Statuses = []string{app.TaskOpen}
			}
			return f, err
		},
		run: s.app.Tasks, names: true})
}

// orgChoices lists organizations for an organization picker, in the user's language.
func (s *Server) orgChoices(c echo.Context) ([]app.ChoiceGroup, error) {
	return s.app.OrganizationChoiceGroups(c.Request().Context(), s.i18n.T(lang(c), "picker.org_citywide"))
}

type taskFormData struct {
	Form           app.TaskInput
	CommunityNames map[int64]string
	Projects       []Opt // the project picker (issue 11)
	// Grids and Coordinators are the pickers' choices, grouped by community.
	Grids        []app.ChoiceGroup
	Coordinators []app.ChoiceGroup
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
	projects, err := s.taskProjectOpts(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	d := &taskFormData{Form: in, CommunityNames: names, Projects: projects}
	if d.Grids, err = s.app.GridChoiceGroups(ctx, nil); err != nil {
		return err
	}
	if d.Coordinators, err = s.app.TaskCoordinatorChoices(ctx); err != nil {
		return err
	}
	v.Data = d
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
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "tasks.new"), "tasks"), func(st int, v *View) error {
			return s.taskForm(c, st, in, v)
		})
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
	// Grids are the task's community's grids, for the grid picker.
	Grids []app.ChoiceGroup
}

func (s *Server) taskEditForm(c echo.Context, status int, t *app.Task, in app.TaskUpdateInput, v *View) error {
	if v == nil {
		v = s.newView(c, s.i18n.T(lang(c), "tasks.edit_title", "title", t.Title), "tasks")
	}
	grids, err := s.app.GridChoiceGroups(c.Request().Context(), &t.CommunityID)
	if err != nil {
		return err
	}
	v.Data = &taskEditData{Task: t, Form: in, Grids: grids}
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
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "tasks.edit_title", "title", t.Title), "tasks"), func(st int, v *View) error {
			return s.taskEditForm(c, st, t, in, v)
		})
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

func (s *Server) apiTaskCreate(c echo.Context) error {
	return apiNew(c, http.StatusCreated, s.app.CreateTask)
}

func (s *Server) apiTask(c echo.Context) error {
	return apiOn(c, http.StatusOK, s.app.TaskDetail)
}
