package web

// Evaluations: residents rating a volunteer or an organization.

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

func (s *Server) evaluationNewPage(c echo.Context) error {
	if !principal(c).Authenticated() {
		return app.Unauthorized()
	}
	p := params{c: c}
	in := app.EvaluationInput{SubjectID: derefID(p.int64p("subject_id")), TaskID: p.int64p("task_id"), NeedID: p.int64p("need_id"),
		ProjectID: p.int64p("project_id"), Stars: 5}
	if k := p.oneOf("subject_kind", []string{"volunteer", "organization"}); k != nil {
		in.SubjectKind = *k
	}
	if p.err != nil {
		return p.err
	}
	return s.evaluationForm(c, http.StatusOK, in, s.newView(c, s.i18n.T(lang(c), "evaluation.title"), "tasks"))
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
	refs, err := s.app.ServedRefs(ctx, in.SubjectKind, in.SubjectID)
	if err != nil {
		return err
	}
	served := []Opt{}
	label := map[string]string{"task": "evaluation.served_task", "need": "evaluation.served_need", "project": "evaluation.served_project"}
	for _, r := range refs {
		served = append(served, Opt{Value: r.Kind + ":" + idString(r.ID), Label: v.T(label[r.Kind], "title", r.Title)})
	}
	// A failed post names the reference under its own field; the form shows one picker.
	for _, f := range []string{"task_id", "need_id", "project_id"} {
		if m, ok := v.Errors[f]; ok {
			v.Errors["served"] = m
			delete(v.Errors, f)
		}
	}
	v.Data = map[string]any{"Form": in, "Name": name, "Served": served, "ServedValue": c.FormValue("served")}
	return s.renderPage(c, status, "evaluation_form", v)
}

func (s *Server) evaluationCreate(c echo.Context) error {
	var in app.EvaluationInput
	err := bindForm(c, &in)
	// The picker's value names what served the resident: "task:12", "need:5", "project:3".
	if kind, sid, ok := strings.Cut(c.FormValue("served"), ":"); ok {
		if n, perr := strconv.ParseInt(sid, 10, 64); perr == nil {
			switch kind {
			case "task":
				in.TaskID = &n
			case "need":
				in.NeedID = &n
			case "project":
				in.ProjectID = &n
			}
		}
	}
	if err == nil {
		_, err = s.app.Evaluate(c.Request().Context(), in)
	}
	if app.IsCode(err, app.ECONFLICT) {
		return s.after(c, "/", err, "") // rated already: said on the page it goes back to
	}
	if err != nil {
		return s.formFailed(c, err, s.newView(c, s.i18n.T(lang(c), "evaluation.title"), "tasks"), func(st int, v *View) error {
			return s.evaluationForm(c, st, in, v)
		})
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

func (s *Server) apiEvaluate(c echo.Context) error {
	return apiNew(c, http.StatusCreated, s.app.Evaluate)
}

// StarOpts lists the 1–5 star choices, best first.
func (v *View) StarOpts() []Opt {
	out := make([]Opt, 0, 5)
	for n := 5; n >= 1; n-- {
		out = append(out, Opt{Value: strconv.Itoa(n), Label: v.T("evaluation.star_n", "n", n)})
	}
	return out
}
