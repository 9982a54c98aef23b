package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// bindJSON decodes a JSON body strictly: the right content type, one object, no unknown
// fields, right types. Faults come back as 400 naming the field.
func bindJSON(c echo.Context, v any) error {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if mt != echo.MIMEApplicationJSON {
		return echo.NewHTTPError(http.StatusUnsupportedMediaType)
	}
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	// Nothing but white space may follow the object. (dec.More() let a stray "}" or "]"
	// through: FuzzBindJSON bound `{}}`.)
	if _, err := dec.Token(); err != io.EOF {
		return newBadRequest("_body", "error.bad_json")
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var he *echo.HTTPError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return he
	case errors.As(err, &mbe):
		return echo.ErrStatusRequestEntityTooLarge
	case errors.Is(err, io.EOF):
		return newBadRequest("_body", "error.empty_body")
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		return newBadRequest("_body", "error.bad_json")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "_body"
		}
		return newBadRequest(field, "error.wrong_type", "want", jsonTypeName(typ.Type))
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return newBadRequest(strings.Trim(name, `"`), "error.unknown_field")
	}
	if strings.Contains(msg, "parsing time") {
		return newBadRequest("_body", "error.bad_time")
	}
	return newBadRequest("_body", "error.bad_json_detail", "detail", msg)
}

func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64:
		return "integer"
	case reflect.Float64, reflect.Float32:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice:
		return "array"
	case reflect.Ptr:
		return jsonTypeName(t.Elem())
	}
	return t.String()
}

// bindForm fills a struct from a submitted form using the fields' json names. Empty values
// leave optional (pointer) fields nil. Values of the wrong type become field errors (422).
func bindForm(c echo.Context, v any) error {
	if err := c.Request().ParseForm(); err != nil {
		return newBadRequest("_body", "error.bad_form")
	}
	form := c.Request().PostForm
	fe := app.FieldErrors{}
	rv := reflect.ValueOf(v).Elem()
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		if f.Tag.Get("form") == "-" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		vals, present := form[name]
		if !present {
			continue
		}
		if err := setField(rv.Field(i), vals); err != nil {
			fe.Add(name, "error.wrong_type", "want", jsonTypeName(f.Type))
		}
	}
	return fe.Err()
}

func setField(fv reflect.Value, vals []string) error {
	first := ""
	if len(vals) > 0 {
		first = strings.TrimSpace(vals[0])
	}
	switch fv.Kind() {
	case reflect.Ptr:
		if first == "" {
			fv.Set(reflect.Zero(fv.Type()))
			return nil
		}
		nv := reflect.New(fv.Type().Elem())
		if err := setField(nv.Elem(), vals); err != nil {
			return err
		}
		fv.Set(nv)
	case reflect.String:
		if len(vals) > 0 {
			fv.SetString(strings.TrimSpace(strings.ReplaceAll(vals[0], "\r\n", "\n")))
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		if first == "" {
			fv.SetInt(0)
			return nil
		}
		n, err := strconv.ParseInt(first, 10, 64)
		if err != nil {
			return err
		}
		fv.SetInt(n)
	case reflect.Float64:
		n, err := strconv.ParseFloat(first, 64)
		if err != nil {
			return err
		}
		fv.SetFloat(n)
	case reflect.Bool:
		fv.SetBool(first == "true" || first == "on" || first == "1")
	case reflect.Slice:
		out := reflect.MakeSlice(fv.Type(), 0, len(vals))
		for _, s := range vals {
			if strings.TrimSpace(s) == "" {
				continue
			}
			ev := reflect.New(fv.Type().Elem()).Elem()
			if err := setField(ev, []string{s}); err != nil {
				return err
			}
			out = reflect.Append(out, ev)
		}
		fv.Set(out)
	default:
		return fmt.Errorf("unsupported field kind %s", fv.Kind())
	}
	return nil
}

// formTime reads a datetime-local field ("2026-11-24T09:30") in the deployment's zone.
func (s *Server) formTime(c echo.Context, name string, fe app.FieldErrors) *time.Time {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, v, s.app.Location()); err == nil {
			u := t.UTC()
			return &u
		}
	}
	fe.Add(name, "error.bad_time")
	return nil
}

// params reads typed query parameters and remembers the first malformed one.
type params struct {
	c   echo.Context
	err error
}

func (p *params) fail(name, msgID string, kv ...any) {
	if p.err == nil {
		p.err = newBadRequest(name, msgID, kv...)
	}
}

func (p *params) int64p(name string) *int64 {
	v := strings.TrimSpace(p.c.QueryParam(name))
	if v == "" {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		p.fail(name, "error.wrong_type", "want", "integer")
		return nil
	}
	return &n
}

func (p *params) str(name string, maxLen int) string {
	v := strings.TrimSpace(p.c.QueryParam(name))
	if len([]rune(v)) > maxLen {
		p.fail(name, "error.too_long", "max", maxLen)
		return ""
	}
	return v
}

func (p *params) oneOf(name string, allowed []string) *string {
	v := strings.TrimSpace(p.c.QueryParam(name))
	if v == "" {
		return nil
	}
	for _, a := range allowed {
		if v == a {
			return &v
		}
	}
	p.fail(name, "error.one_of", "values", strings.Join(allowed, ", "))
	return nil
}

func (p *params) boolp(name string) *bool {
	v := strings.TrimSpace(p.c.QueryParam(name))
	if v == "" {
		return nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail(name, "error.wrong_type", "want", "boolean")
		return nil
	}
	return &b
}

func (p *params) page() app.Page {
	pg := app.Page{Page: 1, PerPage: 20}
	if v := p.c.QueryParam("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			p.fail("page", "error.wrong_type", "want", "integer ≥ 1")
		} else {
			pg.Page = n
		}
	}
	if v := p.c.QueryParam("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > app.MaxPerPage {
			p.fail("per_page", "error.between", "min", 1, "max", app.MaxPerPage)
		} else {
			pg.PerPage = n
		}
	}
	return pg
}

func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.NotFound("record")
	}
	return id, nil
}

// list is the JSON shape of every list response. Total is exact unless TotalIsEstimate is
// true: then the filter matches more than Total rows, and Total is the page's offset plus
// app.CountAhead (a list counts no further ahead of the page it answers; docs/api.md).
type list[T any] struct {
	Items           []T  `json:"items"`
	Total           int  `json:"total"`
	TotalIsEstimate bool `json:"total_is_estimate"`
	Page            int  `json:"page"`
	PerPage         int  `json:"per_page"`
}

// listOf is one page of a list whose total the store counted for pg (app.Page.CountLimit).
func listOf[T any](items []T, total int, pg app.Page) list[T] {
	pg = pg.Normalize()
	if items == nil {
		items = []T{}
	}
	l := list[T]{Items: items, Total: total, Page: pg.Page, PerPage: pg.PerPage}
	if pg.TotalIsLowerBound(total) {
		l.Total, l.TotalIsEstimate = pg.CountLimit()-1, true
	}
	return l
}

// apiAct answers a JSON call on the record named in the path: bind the body into In, run the
// use case, and answer what it returns with status.
func apiAct[In, Out any](c echo.Context, status int, run func(context.Context, int64, In) (Out, error)) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in In
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	out, err := run(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(status, out)
}

// apiNew answers a JSON call that creates a record: bind the body into In, run the use case,
// and answer what it returns with status.
func apiNew[In, Out any](c echo.Context, status int, run func(context.Context, In) (Out, error)) error {
	var in In
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	out, err := run(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(status, out)
}

// apiOn answers a JSON call about the record named in the path: run the use case with its id
// and answer what it returns with status.
func apiOn[Out any](c echo.Context, status int, run func(context.Context, int64) (Out, error)) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	out, err := run(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(status, out)
}

// apiActShow answers a JSON call that changes the record named in the path: bind the body,
// run the use case, then answer with the record's full view as show renders it.
func apiActShow[In, Out any](c echo.Context, status int, run func(context.Context, int64, In) (Out, error), show func(echo.Context, int, int64) error) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in In
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if _, err := run(c.Request().Context(), id, in); err != nil {
		return err
	}
	return show(c, status, id)
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
