package web

// Form helpers shared by the pages: reading typed fields, and finishing a post with a
// redirect, a flash message or the form again with its errors.

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
)

// formFailed ends a form post that failed. Invalid input (EINVALID) shows the form again with
// 422: v gets each field's message in the user's language and again renders the page with
// what was typed. Any other error (401, 403, 404, 409…) goes to the error handler.
//
//	if err != nil {
//		return s.formFailed(c, err, s.newView(c, title, section), func(st int, v *View) error { return s.xForm(c, st, in, v) })
//	}
//	return s.done(c, "/x/"+idString(x.ID), "x.saved")
func (s *Server) formFailed(c echo.Context, err error, v *View, again func(status int, v *View) error) error {
	if !app.IsCode(err, app.EINVALID) {
		return err
	}
	s.applyErrors(v, err)
	return again(http.StatusUnprocessableEntity, v)
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
		return s.backWith(c, to, msg)
	}
	return err
}

// backWith redirects (303) to a page that shows msg in its flash: after a form succeeded, or
// after a one-button action failed.
func (s *Server) backWith(c echo.Context, to, msg string) error {
	s.sessions.Put(c.Request().Context(), "flash", msg)
	return c.Redirect(http.StatusSeeOther, to)
}

// back is where a sign-up action returns: the form's "next" if it is a local path, else the task.
func back(c echo.Context, fallback string) string {
	// safeNext also refuses /\host, which browsers read as //host.
	if n := c.FormValue("next"); n != "" && safeNext(n) == n {
		return n
	}
	return fallback
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// yuanField parses a yuan amount typed in a form into fen; empty is 0.
func yuanField(c echo.Context, name string, fe app.FieldErrors) int64 {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return 0
	}
	m, err := funds.ParseNonNegative(v, funds.CNY)
	if err != nil {
		msg := "error.amount"
		if errors.Is(err, funds.ErrTooManyDecimals) {
			msg = "error.amount_decimals"
		}
		fe.Add(name, msg)
		return 0
	}
	return m.Amount
}

// dateField parses a date ("2026-12-01") as local midnight.
func (s *Server) dateField(c echo.Context, name string, fe app.FieldErrors) time.Time {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02", v, s.app.Location())
	if err != nil {
		fe.Add(name, "error.bad_time")
		return time.Time{}
	}
	return t.UTC()
}

// mergeErr joins form-parsing problems with the domain's field errors.
func mergeErr(fe app.FieldErrors, err error) error {
	var ae *app.Error
	if errors.As(err, &ae) && ae.Code == app.EINVALID {
		for f, m := range ae.Fields {
			if _, ok := fe[f]; !ok {
				fe[f] = m
			}
		}
	} else if err != nil {
		return err
	}
	return fe.Err()
}

// parseYuan reads an amount typed in yuan ("1,200.50", "¥50") into fen.
func parseYuan(fe app.FieldErrors, name, v string) int64 {
	m, err := funds.ParsePositive(v, funds.CNY)
	if err != nil {
		switch {
		case strings.TrimSpace(v) == "":
			fe.Add(name, "error.required")
		case errors.Is(err, funds.ErrTooManyDecimals):
			fe.Add(name, "error.amount_decimals")
		case errors.Is(err, funds.ErrZeroAmount), errors.Is(err, funds.ErrNegativeAmount):
			fe.Add(name, "funds.error.amount_positive")
		default:
			fe.Add(name, "error.amount")
		}
		return 0
	}
	return m.Amount
}

func formMap(c echo.Context, names ...string) map[string]string {
	m := map[string]string{}
	for _, n := range names {
		m[n] = c.FormValue(n)
	}
	return m
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// errorSummary is a validation error as one line, for forms that redirect back.
func (s *Server) errorSummary(c echo.Context, err error) string {
	b := s.describe(err, lang(c), http.StatusUnprocessableEntity)
	out := ""
	for f, m := range b.Fields {
		out += s.i18n.T(lang(c), "field."+f) + ": " + m + " "
	}
	return out
}

// done redirects after a successful form with a flash message.
func (s *Server) done(c echo.Context, to, msgID string, kv ...any) error {
	return s.backWith(c, to, s.i18n.T(lang(c), msgID, kv...))
}

// applyErrors copies a validation error's field messages onto a view, in its language.
func (s *Server) applyErrors(v *View, err error) {
	var ae *app.Error
	if !errors.As(err, &ae) {
		return
	}
	for f, m := range ae.Fields {
		v.Errors[f] = s.i18n.Msg(v.Lang, m)
	}
	if len(v.Errors) == 0 {
		v.Errors["_"] = s.i18n.Msg(v.Lang, ae.Message)
	}
}
