package web

// Lists: the one way a list of records is served, as JSON or as a page. A list endpoint
// differs from another only by its filter, its use case, the JSON shape of a row and, for
// pages, the template and what it shows beside the rows.

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

// paged is a list filter: every app filter embeds app.Page, whose Normalize says which page
// the use case served.
type paged interface{ Normalize() app.Page }

// apiList answers a JSON list: read the filter from the query (400 naming a malformed
// parameter), run the use case, and answer {items, total, page, per_page} with each row
// shaped by out.
func apiList[F paged, T, O any](read func(echo.Context) (F, error), run func(context.Context, F) ([]T, int, error), out func(T) O) echo.HandlerFunc {
	return func(c echo.Context) error {
		f, err := read(c)
		if err != nil {
			return err
		}
		rows, total, err := run(c.Request().Context(), f)
		if err != nil {
			return err
		}
		items := make([]O, len(rows))
		for i, r := range rows {
			items[i] = out(r)
		}
		return c.JSON(http.StatusOK, listOf(items, total, f.Normalize()))
	}
}

// apiAll answers a JSON list the use case returns whole (streets, categories…) as one page.
func apiAll[T any](run func(context.Context) ([]T, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		rows, err := run(c.Request().Context())
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, wholeList(rows))
	}
}

// apiAllOf answers, as one page, a JSON list of what belongs to the record named in the path.
func apiAllOf[T any](run func(context.Context, int64) ([]T, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		rows, err := run(c.Request().Context(), id)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, wholeList(rows))
	}
}

// wholeList is an unpaged list in the shape of every list answer: one page holding it all.
func wholeList[T any](rows []T) list[T] {
	if rows == nil {
		rows = []T{}
	}
	return list[T]{Items: rows, Total: len(rows), Page: 1, PerPage: max(len(rows), 1)}
}

// asIs answers rows as the use case returns them.
func asIs[T any](row T) T { return row }

// listPage is a page listing records.
type listPage[F paged, T any] struct {
	page    string // template
	title   string // message id of the title
	section string // navigation section
	rows    string // the rows' key in the template's data ("Needs")
	read    func(echo.Context) (F, error)
	run     func(context.Context, F) ([]T, int, error)
	// names adds CommunityNames, for rows that show their community.
	names bool
	// more adds what the page shows beside the rows (forms, actions).
	more func(c echo.Context, f F, data map[string]any) error
}

// servePage serves a list page: read the filter, run the use case, and render the rows with
// the filter ("Filter"), a pager and what more the page adds.
func servePage[F paged, T any](s *Server, lp listPage[F, T]) echo.HandlerFunc {
	return func(c echo.Context) error {
		f, err := lp.read(c)
		if err != nil {
			return err
		}
		rows, total, err := lp.run(c.Request().Context(), f)
		if err != nil {
			return err
		}
		data := map[string]any{lp.rows: rows, "Filter": f}
		if lp.names {
			if data["CommunityNames"], err = s.communityNames(c); err != nil {
				return err
			}
		}
		if lp.more != nil {
			if err := lp.more(c, f, data); err != nil {
				return err
			}
		}
		v := s.newView(c, s.i18n.T(lang(c), lp.title), lp.section)
		v.Data = data
		v.Pager = newCountedPager(c, f.Normalize(), total)
		return s.renderPage(c, http.StatusOK, lp.page, v)
	}
}
