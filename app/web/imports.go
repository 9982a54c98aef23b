package web

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// on answers a JSON call about the record named in the path with what run returns.
func on[Out any](status int, run func(context.Context, int64) (Out, error)) echo.HandlerFunc {
	return func(c echo.Context) error { return apiOn(c, status, run) }
}

// act answers a JSON call with a body about the record named in the path.
func act[In, Out any](status int, run func(context.Context, int64, In) (Out, error)) echo.HandlerFunc {
	return func(c echo.Context) error { return apiAct(c, status, run) }
}

// importErrorOut is one row error as the API reports it, in the user's language.
type importErrorOut struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Cell    string `json:"cell"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// importOut is an import job as the API shows it.
type importOut struct {
	ID          int64                 `json:"id"`
	Kind        string                `json:"kind"`
	CommunityID int64                 `json:"community_id"`
	Status      string                `json:"status"`
	FileName    string                `json:"file_name"`
	Rows        int                   `json:"rows"`
	Valid       int                   `json:"valid"`
	Duplicates  int                   `json:"duplicates"`
	Errors      []importErrorOut      `json:"errors"`
	DupRows     []app.ImportDuplicate `json:"duplicate_rows"`
	HeaderRow   int                   `json:"header_row"`
	Columns     map[string]string     `json:"columns"`
	Ignored     []string              `json:"ignored_columns"`
	Converted   bool                  `json:"converted_from_gbk"`
	Mode        string                `json:"mode,omitempty"`
	DupPolicy   string                `json:"duplicates_policy,omitempty"`
	Done        int                   `json:"done"`
	Created     int                   `json:"created"`
	Updated     int                   `json:"updated"`
	Skipped     int                   `json:"skipped"`
}

func (s *Server) toImportOut(c echo.Context, v *app.ImportView) importOut {
	l, _ := c.Get(ctxLang).(string)
	out := importOut{ID: v.ID, Kind: v.Kind, CommunityID: v.CommunityID, Status: v.Status, FileName: v.FileName, Rows: v.Rows, Valid: v.Valid,
		Duplicates: v.Duplicates, DupRows: v.Report.Duplicates, HeaderRow: v.Report.HeaderRow, Columns: v.Report.Columns, Ignored: v.Report.Ignored,
		Converted: v.Report.Converted, Mode: v.Mode, DupPolicy: v.DupPolicy, Done: v.Done, Created: v.Created, Updated: v.Updated, Skipped: v.Skipped,
		Errors: make([]importErrorOut, len(v.Report.Errors))}
	for i, e := range v.Report.Errors {
		out.Errors[i] = importErrorOut{Row: e.Row, Column: e.Column, Cell: e.Cell, Field: e.Field, Message: s.i18n.Msg(l, e.Message)}
	}
	if out.DupRows == nil {
		out.DupRows = []app.ImportDuplicate{}
	}
	if out.Ignored == nil {
		out.Ignored = []string{}
	}
	return out
}

// readImportUpload reads the multipart form of an upload (the page's and the API's).
func readImportUpload(c echo.Context) (app.ImportInput, error) {
	in := app.ImportInput{Kind: c.FormValue("kind")}
	if v := c.FormValue("community_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return in, newBadRequest("community_id", "error.invalid_value")
		}
		in.CommunityID = id
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return in, nil // no file: the use case reports the missing field after authorization
	}
	f, err := fh.Open()
	if err != nil {
		return in, newBadRequest("file", "error.invalid_value")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, app.MaxImportBytes+1))
	if err != nil {
		return in, newBadRequest("file", "error.invalid_value")
	}
	in.FileName, in.Data = fh.Filename, data
	return in, nil
}

func (s *Server) apiImportPreview(c echo.Context) error {
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, app.MaxImportBytes+1<<20)
	in, err := readImportUpload(c)
	if err != nil {
		return err
	}
	v, err := s.app.PreviewImport(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.toImportOut(c, v))
}

func (s *Server) apiImport(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := s.app.Import(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.toImportOut(c, v))
}

func (s *Server) apiImportCommit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in app.ImportCommitInput
	if c.Request().ContentLength != 0 {
		if err := bindJSON(c, &in); err != nil {
			return err
		}
	}
	v, err := s.app.CommitImport(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.toImportOut(c, v))
}

func (s *Server) apiShopItems(c echo.Context) error {
	var cid, oid *int64
	for name, dst := range map[string]**int64{"community_id": &cid, "organization_id": &oid} {
		if v := c.QueryParam(name); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return newBadRequest(name, "error.invalid_value")
			}
			*dst = &id
		}
	}
	items, err := s.app.ShopItems(c.Request().Context(), cid, oid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, wholeList(items))
}

func (s *Server) apiShopItemCreate(c echo.Context) error {
	return apiNew(c, http.StatusCreated, s.app.CreateShopItem)
}

func (s *Server) apiRedeem(c echo.Context) error { return apiNew(c, http.StatusCreated, s.app.Redeem) }

func (s *Server) apiMyData(c echo.Context) error {
	d, err := s.app.MyPersonalData(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="wushe-my-data.json"`)
	return c.JSON(http.StatusOK, d)
}

func (s *Server) apiConsent(c echo.Context) error {
	if err := s.app.Consent(c.Request().Context()); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiErase(c echo.Context) error {
	var in app.EraseInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := s.app.EraseMyAccount(c.Request().Context(), in); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
