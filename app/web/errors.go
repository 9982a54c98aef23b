package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// statuses is the one table from domain error codes to HTTP statuses.
var statuses = map[app.Code]int{
	app.EINVALID:      http.StatusUnprocessableEntity,
	app.ENOTFOUND:     http.StatusNotFound,
	app.EUNAUTHORIZED: http.StatusUnauthorized,
	app.EFORBIDDEN:    http.StatusForbidden,
	app.ECONFLICT:     http.StatusConflict,
	app.ERATELIMITED:  http.StatusTooManyRequests,
	app.EUNAVAILABLE:  http.StatusServiceUnavailable,
	app.EINTERNAL:     http.StatusInternalServerError,
}

// badRequest is malformed input (bad JSON, a query parameter of the wrong type): 400.
type badRequest struct{ err *app.Error }

func (b *badRequest) Error() string { return b.err.Error() }

// newBadRequest reports a malformed parameter or body field.
func newBadRequest(field, msgID string, kv ...any) error {
	e := &app.Error{Code: app.EINVALID, Message: app.Msg("error.bad_request"), Fields: map[string]app.Message{field: app.Msg(msgID, kv...)}}
	return &badRequest{err: e}
}

func (b *badRequest) Unwrap() error { return b.err }

func statusOf(err error) int {
	var ce *csrfError
	if errors.As(err, &ce) {
		return http.StatusForbidden
	}
	var br *badRequest
	if errors.As(err, &br) {
		return http.StatusBadRequest
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he.Code
	}
	if errors.Is(err, context.Canceled) {
		return 499
	}
	if s, ok := statuses[app.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// apiError is the JSON error body: {"error": {"code", "message", "fields"}}.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// describe turns any error into a code, a safe message and field messages in the language.
func (s *Server) describe(err error, l string, status int) apiErrorBody {
	var ae *app.Error
	var he *echo.HTTPError
	var ce *csrfError
	switch {
	case errors.As(err, &ce):
		return apiErrorBody{Code: "csrf", Message: s.i18n.T(l, "error.csrf")}
	case errors.As(err, &ae):
		b := apiErrorBody{Code: string(ae.Code), Message: s.i18n.Msg(l, ae.Message)}
		if ae.Code == app.EINTERNAL {
			b.Message = s.i18n.T(l, "error.internal")
		}
		if len(ae.Fields) > 0 {
			b.Fields = make(map[string]string, len(ae.Fields))
			for f, m := range ae.Fields {
				b.Fields[f] = s.i18n.Msg(l, m)
			}
		}
		if status == http.StatusBadRequest {
			b.Code = "bad_request"
		}
		return b
	case errors.As(err, &he):
		code := map[int]string{
			http.StatusNotFound: "not_found", http.StatusMethodNotAllowed: "method_not_allowed",
			http.StatusRequestEntityTooLarge: "too_large", http.StatusForbidden: "forbidden",
			http.StatusBadRequest: "bad_request", http.StatusUnsupportedMediaType: "unsupported_media_type",
			http.StatusTooManyRequests: "rate_limited",
		}[he.Code]
		if code == "" {
			code = "http_" + http.StatusText(he.Code)
		}
		return apiErrorBody{Code: code, Message: s.i18n.T(l, "http."+code)}
	}
	return apiErrorBody{Code: string(app.EINTERNAL), Message: s.i18n.T(l, "error.internal")}
}

// handleError is the one error handler: it logs server errors, then answers in JSON for the
// API, in plain text for static files and with an HTML page for people (sending anonymous
// visitors to the login page). It reads no middleware state that may be missing (the session,
// the language, the CSRF token): an error can come from before or outside those middlewares
// (a missing static file, a body over the limit), and a panic here would drop the connection.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("error handler panicked", "panic", r, "err", err, "path", c.Request().URL.Path)
			if !c.Response().Committed {
				_ = c.String(http.StatusInternalServerError, http.StatusText(http.StatusInternalServerError))
			}
		}
	}()
	status := statusOf(err)
	if status >= 500 {
		s.log.Error("request failed", "err", err, "method", c.Request().Method, "path", c.Request().URL.Path,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	if status == 499 {
		return
	}
	l, ok := c.Get(ctxLang).(string)
	if !ok {
		l = s.i18n.pick(c.Request())
	}
	body := s.describe(err, l, status)
	if status == http.StatusTooManyRequests {
		wait := 60
		var ae *app.Error
		if errors.As(err, &ae) && ae.RetryAfter > 0 {
			wait = int(ae.RetryAfter.Seconds())
		}
		c.Response().Header().Set("Retry-After", strconv.Itoa(wait))
	}
	if isAPI(c) || c.Request().URL.Path == "/healthz" || c.Request().URL.Path == "/readyz" {
		_ = c.JSON(status, apiError{Error: body})
		return
	}
	if machinePath(c.Request().URL.Path) { // static files, metrics: no page around the answer
		_ = c.String(status, body.Message)
		return
	}
	if status == http.StatusUnauthorized && c.Request().Method == http.MethodGet {
		_ = c.Redirect(http.StatusSeeOther, "/login?next="+c.Request().URL.RequestURI())
		return
	}
	v := s.errorView(c, l, body.Message)
	v.Data = map[string]any{"Status": status, "Message": body.Message, "Code": body.Code}
	if rerr := s.renderPage(c, status, "error", v); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		_ = c.String(status, body.Message)
	}
}
