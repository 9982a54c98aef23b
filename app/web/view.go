package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/funds"
	"github.com/wushe/wushe/templates"
)

// renderer holds every page parsed once at start-up: the layout, all partials and the page.
type renderer struct {
	pages map[string]*template.Template
}

func newRenderer(s *Server, names []string) (*renderer, error) {
	fsys := templates.FS()
	partials, err := fs.Glob(fsys, "partials/*.html")
	if err != nil {
		return nil, err
	}
	// The layout and partials are parsed once and each page is parsed into a clone of them:
	// parsing them again for each of the sixty pages made up most of a server's start-up.
	shared, err := template.New("layout").Funcs(s.templateFuncs()).ParseFS(fsys, append([]string{"layout/base.html"}, partials...)...)
	if err != nil {
		return nil, fmt.Errorf("parse layout and partials: %w", err)
	}
	r := &renderer{pages: map[string]*template.Template{}}
	for _, name := range names {
		t, err := shared.Clone()
		if err == nil {
			t, err = t.ParseFS(fsys, "pages/"+name+".html")
		}
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("page %s defines no content", name)
		}
		r.pages[name] = t
	}
	return r, nil
}

// renderPage executes a page into a buffer first, so a template error never sends half a page.
// Everything the page shows is computed before: the handler's use cases fill v.Data, and the
// category and skill names are loaded here, so templates only format.
func (s *Server) renderPage(c echo.Context, status int, name string, v *View) error {
	t, ok := s.render.pages[name]
	if !ok {
		return fmt.Errorf("render: unknown page %q", name)
	}
	if v.tax == nil {
		tax, err := s.loadTaxonomy(c.Request().Context())
		if err != nil {
			return err
		}
		v.tax = tax
	}
	v.Page = name
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	if len(v.Errors) > 0 {
		// Again, with the error summary in the form's order and words (form_errors.go).
		v.form = readFormLayout(buf.Bytes())
		buf.Reset()
		if err := t.ExecuteTemplate(&buf, "base", v); err != nil {
			return fmt.Errorf("render %s: %w", name, err)
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// View is what every page template sees as its dot: the page's data and the helpers that
// format it. It holds no context and no application: nothing runs a use case while a
// template executes.
type View struct {
	Lang  string
	Title string
	// Page is the template's name, written on <body data-page> so browser tests know which
	// page template rendered a URL.
	Page    string
	Section string
	User    *app.User
	// CanManageUsers and CanQueue decide the navigation's links to the admin pages and the queue.
	CanManageUsers bool
	CanQueue       bool
	// CanDashboards shows the dashboards link to the roles that read some dashboard.
	CanDashboards bool
	// CanWorkbench shows the workbench link to the roles that use some staff page.
	CanWorkbench bool
	// Unread is the signed-in user's number of unread notifications, for the header.
	Unread       int
	CSRF         string
	Flash        string
	Errors       map[string]string
	Data         any
	Pager        *Pager
	AssetVersion string
	SearchQuery  string

	msgs *catalog
	tax  *taxonomy  // category and skill names, loaded before rendering
	form formLayout // the fields of the page, read when it has errors (form_errors.go)
	url  *url.URL
	now  time.Time
	loc  *time.Location
}

// taxonomy is the service categories and volunteer skills, for naming codes on pages.
type taxonomy struct {
	categories []*app.Category
	skills     []*app.Skill
}

// loadTaxonomy reads the categories and skills (the store keeps them in memory).
func (s *Server) loadTaxonomy(ctx context.Context) (*taxonomy, error) {
	cs, err := s.app.Categories(ctx)
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	ss, err := s.app.Skills(ctx)
	if err != nil {
		return nil, fmt.Errorf("skills: %w", err)
	}
	return &taxonomy{categories: cs, skills: ss}, nil
}

// T translates a message id into the page's language.
func (v *View) T(id string, kv ...any) string { return v.msgs.T(v.Lang, id, kv...) }

// Word is one part of a ledger line's name in the page's language (see app.AccountWords).
func (v *View) Word(p app.NamePart) string {
	if p.Msg != "" {
		return v.T(p.Msg, "name", p.Name)
	}
	return p.Text
}

// FieldLabel is the translated name of a form field, for the error summary.
func (v *View) FieldLabel(field string) string { return v.T("field." + field) }

// Active reports whether the page belongs to a navigation section.
func (v *View) Active(section string) bool { return v.Section == section }

// LangURL is the current page in another language.
func (v *View) LangURL(lang string) string {
	u := *v.url
	q := u.Query()
	q.Set("lang", lang)
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

// Category is a category's name in the page's language, or its code if unknown.
func (v *View) Category(code string) string {
	for _, c := range v.tax.categories {
		if c.Code == code {
			return pickName(v.Lang, c.NameZh, c.NameEn)
		}
	}
	return code
}

// Time formats a time in the deployment's time zone.
func (v *View) Time(t any) string {
	switch tt := t.(type) {
	case time.Time:
		if tt.IsZero() {
			return ""
		}
		return tt.In(v.loc).Format(timeLayout)
	case *time.Time:
		if tt == nil {
			return ""
		}
		return v.Time(*tt)
	}
	return ""
}

// timeLayout is how every page writes a time.
const timeLayout = "2006-01-02 15:04"

// formatTime writes a time in the deployment's time zone, as every page shows times.
func (s *Server) formatTime(t time.Time) string {
	return t.In(s.app.Location()).Format(timeLayout)
}

// Until describes how long until (or since) a due time, e.g. "还剩 3 小时" / "已超时 2 天",
// as of when the request came in.
func (v *View) Until(t time.Time) string {
	d := t.Sub(v.now)
	key := "time.left"
	if d < 0 {
		key, d = "time.overdue", -d
	}
	switch {
	case d < time.Hour:
		return v.T(key+"_minutes", "n", int(math.Ceil(d.Minutes())))
	case d < 48*time.Hour:
		return v.T(key+"_hours", "n", int(d.Hours()))
	default:
		return v.T(key+"_days", "n", int(d.Hours()/24))
	}
}

// Enum translates an enumerated value such as a status: "status.open".
func (v *View) Enum(group string, value any) string {
	return v.T(group + "." + fmt.Sprint(value))
}

// Opt is one choice in a select or a set of checkboxes.
type Opt struct{ Value, Label string }

// EnumOpts makes options of enumerated values, labelled in the page's language.
func (v *View) EnumOpts(group string, values []string) []Opt {
	out := make([]Opt, len(values))
	for i, val := range values {
		out[i] = Opt{Value: val, Label: v.T(group + "." + val)}
	}
	return out
}

// CategoryOpts lists the service categories as options.
func (v *View) CategoryOpts() []Opt {
	out := make([]Opt, len(v.tax.categories))
	for i, c := range v.tax.categories {
		out[i] = Opt{Value: c.Code, Label: pickName(v.Lang, c.NameZh, c.NameEn)}
	}
	return out
}

// SkillOpts lists the volunteer skills as options.
func (v *View) SkillOpts() []Opt {
	out := make([]Opt, len(v.tax.skills))
	for i, sk := range v.tax.skills {
		out[i] = Opt{Value: sk.Code, Label: pickName(v.Lang, sk.NameZh, sk.NameEn)}
	}
	return out
}

// Skill is a skill's name in the page's language, or its code if unknown.
func (v *View) Skill(code string) string {
	for _, sk := range v.tax.skills {
		if sk.Code == code {
			return pickName(v.Lang, sk.NameZh, sk.NameEn)
		}
	}
	return code
}

// Query returns a query parameter of the current request (for keeping filters in forms).
func (v *View) Query(name string) string { return v.url.Query().Get(name) }

func pickName(lang, zh, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return zh
}

// Pager describes the current page of a list and builds links to others.
type Pager struct {
	Page, PerPage, Total, Pages int
	// More: the list has more than Total rows (its count stopped there, app.CountAhead);
	// Pages then counts only the pages up to Total.
	More bool
	u    *url.URL
}

// URL links to page n keeping the other query parameters.
func (p *Pager) URL(n int) string {
	u := *p.u
	q := u.Query()
	q.Set("page", strconv.Itoa(n))
	q.Del("lang")
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

func newPager(c echo.Context, pg app.Page, total int) *Pager {
	pg = pg.Normalize()
	pages := (total + pg.PerPage - 1) / pg.PerPage
	return &Pager{Page: pg.Page, PerPage: pg.PerPage, Total: total, Pages: pages, u: c.Request().URL}
}

// newCountedPager is the pager of a list whose total a store counted for pg, which stops
// counting at pg.CountLimit (app.CountAhead): past it the pager says "more than".
func newCountedPager(c echo.Context, pg app.Page, total int) *Pager {
	pg = pg.Normalize()
	if !pg.TotalIsLowerBound(total) {
		return newPager(c, pg, total)
	}
	p := newPager(c, pg, pg.CountLimit()-1)
	p.More = true
	return p
}

func (s *Server) templateFuncs() template.FuncMap {
	return template.FuncMap{
		"add": func(a, b int) int { return a + b },
		"sub": func(a, b int) int { return a - b },
		"has": func(list any, v string) bool {
			switch l := list.(type) {
			case []string:
				return slices.Contains(l, v)
			case []int64:
				return slices.Contains(l, atoi64(v))
			}
			return false
		},
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m, nil
		},
		"yuan":       formatYuan,
		"pct":        pct,
		"bpPct":      bpPct,
		"num":        num,
		"maskName":   app.MaskName,
		"maskMobile": app.MaskMobile,
		"join":       strings.Join,
		"deref": func(p any) any {
			switch x := p.(type) {
			case *int64:
				if x == nil {
					return ""
				}
				return *x
			case *int:
				if x == nil {
					return ""
				}
				return *x
			case *float64:
				if x == nil {
					return ""
				}
				return strconv.FormatFloat(*x, 'f', -1, 64)
			case *string:
				if x == nil {
					return ""
				}
				return *x
			case *bool:
				return x != nil && *x
			}
			return p
		},
		"idstr": func(v any) string {
			switch x := v.(type) {
			case int64:
				if x == 0 {
					return ""
				}
				return strconv.FormatInt(x, 10)
			case *int64:
				if x == nil {
					return ""
				}
				return strconv.FormatInt(*x, 10)
			}
			return fmt.Sprint(v)
		},
		"contains": slices.Contains[[]string],
		"values":   enumValues,
		"opts":     toOpts,
		"strs":     func(s ...string) []string { return s },
		"idstrs": func(ids []int64) []string {
			out := make([]string, len(ids))
			for i, id := range ids {
				out[i] = strconv.FormatInt(id, 10)
			}
			return out
		},
	}
}

// toOpts turns a list of records, or an id → name map, into select options sorted by label.
func toOpts(v any) ([]Opt, error) {
	var out []Opt
	switch x := v.(type) {
	case []*app.Street:
		for _, s := range x {
			out = append(out, Opt{Value: strconv.FormatInt(s.ID, 10), Label: s.Name})
		}
	case []*app.Community:
		for _, c := range x {
			out = append(out, Opt{Value: strconv.FormatInt(c.ID, 10), Label: c.Name})
		}
	case map[int64]string:
		for id, name := range x {
			out = append(out, Opt{Value: strconv.FormatInt(id, 10), Label: name})
		}
		slices.SortFunc(out, func(a, b Opt) int { return strings.Compare(a.Label, b.Label) })
	case []app.Choice:
		for _, c := range x {
			out = append(out, Opt{Value: c.Value, Label: c.Label})
		}
	case []gridChoice:
		for _, g := range x {
			out = append(out, Opt{Value: strconv.FormatInt(g.ID, 10), Label: g.Label})
		}
	default:
		return nil, fmt.Errorf("opts: cannot list %T", v)
	}
	return out, nil
}

// enumValues names the enumerations templates may list.
func enumValues(name string) ([]string, error) {
	switch name {
	case "community_kinds":
		return app.CommunityKinds, nil
	case "grid_levels":
		return app.GridLevels, nil
	case "org_kinds":
		return app.OrganizationKinds, nil
	case "cert_levels":
		return app.CertificationLevels, nil
	case "donor_kinds":
		return app.DonorKinds, nil
	case "tiers":
		return app.NeedTiers, nil
	case "need_statuses":
		return app.NeedStatuses, nil
	case "project_statuses":
		return app.ProjectStatuses, nil
	case "levels":
		return []string{app.LevelGrid, app.LevelCommunity, app.LevelStreet}, nil
	}
	return nil, fmt.Errorf("values: unknown enumeration %q", name)
}

func atoi64(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }

// formatYuan renders minor units (fen) as yuan: 1234550 → ¥12,345.50.
// bpPct shows basis points as a percentage, e.g. 2000 → "20%", 1250 → "12.5%".
func bpPct(bp int64) string { return strconv.FormatFloat(float64(bp)/100, 'f', -1, 64) + "%" }

func formatYuan(fen int64) string { return funds.Fen(fen).String() }

// errorView is a view for the error page that reads no session (it may not be loaded) and
// no database (it may be why the request failed): no flash message, codes instead of
// category names, and the user and CSRF token only if the middlewares set them.
func (s *Server) errorView(c echo.Context, l, title string) *View {
	v := s.baseView(c, l, title, "")
	v.tax = &taxonomy{}
	return v
}

// newView starts a page view for a request.
func (s *Server) newView(c echo.Context, title, section string) *View {
	v := s.baseView(c, lang(c), title, section)
	if c.Request().Method == http.MethodGet {
		v.Flash = s.sessions.PopString(c.Request().Context(), "flash")
	}
	if v.User != nil {
		// A failed count must not cost the page: the header then shows no number.
		if n, err := s.app.UnreadNotifications(c.Request().Context()); err == nil {
			v.Unread = n
		}
	}
	return v
}

func (s *Server) baseView(c echo.Context, l, title, section string) *View {
	v := &View{Lang: l, Title: title, Section: section, CSRF: csrfToken(c), AssetVersion: s.cfg.Version, Errors: map[string]string{},
		msgs: s.i18n, url: c.Request().URL, now: s.app.Now(), loc: s.app.Location()}
	if p := principal(c); p.Authenticated() {
		v.User = p.User
		v.CanManageUsers = app.Can(p, app.ActUserManage, app.Target{})
		v.CanQueue = app.Can(p, app.ActNeedQueue, app.Target{})
		v.CanDashboards = app.MayViewDashboards(p)
		v.CanWorkbench = app.MayUseWorkbench(p)
	}
	return v
}
