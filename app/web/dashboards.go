package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/wushe/wushe/app"
)

// Dashboard pages: the figures of app.Dashboard with server-drawn SVG bar charts, each with a
// title, a description and its data as a table beside it (no script, no inline style: the
// chart's colours and sizes come from classes in wushe.css).

// chartBar is one bar of a horizontal bar chart, laid out in the chart's viewBox.
type chartBar struct {
	Label, Short, Value string
	Y, TextY, W         float64
	Class               string
}

// barChart is a horizontal bar chart ready for the "barchart" partial.
type barChart struct {
	ID, Title, Desc    string
	LabelHead, ValHead string
	Empty              string // what the table says when there is no data
	Bars               []chartBar
	Height             float64
}

// Chart geometry (viewBox units, about CSS pixels at a phone's width).
const (
	chartWidth  = 320.0
	chartBarX   = 104.0
	chartBarMax = 140.0
	chartRow    = 24.0
	chartBarH   = 14.0
)

type chartDatum struct {
	label, value string
	v            float64
}

// newBarChart lays bars out in proportion to the largest value (an empty chart has no
// bars: the table then says so).
func newBarChart(id, title, desc, labelHead, valHead, empty string, data []chartDatum) barChart {
	c := barChart{ID: id, Title: title, Desc: desc, LabelHead: labelHead, ValHead: valHead, Height: chartRow*float64(len(data)) + 8, Empty: empty}
	top := 0.0
	for _, d := range data {
		top = max(top, d.v)
	}
	for i, d := range data {
		w := 0.0
		if top > 0 && d.v > 0 {
			w = max(1, d.v/top*chartBarMax)
		}
		short := d.label
		if utf8.RuneCountInString(short) > 8 {
			short = string([]rune(short)[:7]) + "…"
		}
		y := 4 + chartRow*float64(i)
		c.Bars = append(c.Bars, chartBar{Label: d.label, Short: short, Value: d.value, Y: y, TextY: y + chartBarH - 3, W: w, Class: fmt.Sprintf("bar-%d", i%5)})
	}
	return c
}

// dashboardPage is the page's data: the figures, the charts and the period selector.
type dashboardPage struct {
	D       *app.Dashboard
	Charts  []barChart
	Presets []app.DashboardPreset
	Action  string // the page's own path, for the period form
	// ExportCSV and ExportXLSX download the same period's figures.
	ExportCSV, ExportXLSX string
	Grids                 []app.GridFigures
	GridsCut              int // grids left out of the page's table (all are in the exports)
}

// pageGridRows caps the by-grid table of a page; exports carry every grid.
const pageGridRows = 60

func pct(p *float64) string {
	if p == nil {
		return "—"
	}
	return strconv.FormatFloat(*p*100, 'f', 1, 64) + "%"
}

func num(p *float64, digits int) string {
	if p == nil {
		return "—"
	}
	return strconv.FormatFloat(*p, 'f', digits, 64)
}

func fv(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

func (s *Server) dashboardCharts(l string, d *app.Dashboard) []barChart {
	t := func(id string, kv ...any) string { return s.i18n.T(l, id, kv...) }
	ot := d.Needs.OnTime
	tiers := []chartDatum{{t("dashboard.tier.minor"), pct(ot.Minor), fv(ot.Minor)}, {t("dashboard.tier.major"), pct(ot.Major), fv(ot.Major)},
		{t("dashboard.tier.hard"), pct(ot.Hard), fv(ot.Hard)}, {t("dashboard.tier.all"), pct(ot.All), fv(ot.All)}}
	money := []chartDatum{{t("dashboard.funds.social"), formatYuan(d.Funds.Social), float64(d.Funds.Social)},
		{t("dashboard.funds.government"), formatYuan(d.Funds.Government), float64(d.Funds.Government)}}
	var parties []chartDatum
	for _, p := range d.LinkageParts {
		parties = append(parties, chartDatum{t("dashboard.party." + p.Party), strconv.Itoa(p.Count), float64(p.Count)})
	}
	// The busiest grids by open needs now: the workload chart's question is "where is the queue".
	gs := append([]app.GridFigures(nil), d.ByGrid...)
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].OpenNow > gs[j].OpenNow })
	gs = gs[:min(len(gs), 10)]
	var load []chartDatum
	for _, g := range gs {
		load = append(load, chartDatum{g.Name, t("dashboard.grid.open_of", "open", g.OpenNow, "per", num(g.OpenPerWorker, 1)), float64(g.OpenNow)})
	}
	return []barChart{
		newBarChart("chart-ontime", t("dashboard.chart.ontime"), t("dashboard.chart.ontime_desc", "all", pct(ot.All), "n", d.Needs.Resolved),
			t("dashboard.col.tier"), t("dashboard.col.share"), t("list.empty"), tiers),
		newBarChart("chart-funds", t("dashboard.chart.funds"), t("dashboard.chart.funds_desc", "lev", num(d.Funds.Leverage, 2)),
			t("dashboard.col.source"), t("dashboard.col.amount"), t("list.empty"), money),
		newBarChart("chart-linkage", t("dashboard.chart.linkage"), t("dashboard.chart.linkage_desc", "index", d.LinkageIndex),
			t("dashboard.col.party"), t("dashboard.col.count"), t("list.empty"), parties),
		newBarChart("chart-load", t("dashboard.chart.load"), t("dashboard.chart.load_desc", "n", len(load)),
			t("dashboard.col.grid"), t("dashboard.col.open"), t("list.empty"), load),
	}
}

// renderDashboard shows a dashboard page; base is its path (/dashboards/communities/1).
func (s *Server) renderDashboard(c echo.Context, d *app.Dashboard, base string) error {
	l := lang(c)
	title := s.i18n.T(l, "dashboard.title.community", "name", d.Name)
	switch d.Scope {
	case "street":
		title = s.i18n.T(l, "dashboard.title.street", "name", d.Name)
	case "city":
		title = s.i18n.T(l, "dashboard.title.city")
	}
	v := s.newView(c, title, "dashboards")
	q := url.Values{"from": {d.Period.From}, "to": {d.Period.To}}.Encode()
	data := &dashboardPage{D: d, Charts: s.dashboardCharts(l, d), Presets: s.app.DashboardPresets(), Action: base,
		ExportCSV: base + "/export.csv?" + q, ExportXLSX: base + "/export.xlsx?" + q, Grids: d.ByGrid}
	if len(data.Grids) > pageGridRows {
		data.GridsCut = len(data.Grids) - pageGridRows
		data.Grids = data.Grids[:pageGridRows]
	}
	v.Data = data
	return s.renderPage(c, http.StatusOK, "dashboard", v)
}

func (s *Server) dashboardsIndexPage(c echo.Context) error {
	idx, err := s.app.Dashboards(c.Request().Context())
	if err != nil {
		return err
	}
	v := s.newView(c, s.i18n.T(lang(c), "dashboard.index.title"), "dashboards")
	v.Data = idx
	return s.renderPage(c, http.StatusOK, "dashboards", v)
}

// dashboardFor loads the dashboard a page or export path names (scope from the route).
func (s *Server) dashboardFor(c echo.Context, scope string) (*app.Dashboard, string, error) {
	if !principal(c).Authenticated() {
		return nil, "", app.Unauthorized() // before the period is read: sign-in comes first
	}
	p, err := s.dashboardPeriod(c)
	if err != nil {
		return nil, "", err
	}
	ctx := c.Request().Context()
	if scope == "city" {
		d, err := s.app.CityDashboard(ctx, p)
		return d, "/dashboards/city", err
	}
	id, err := pathID(c)
	if err != nil {
		return nil, "", err
	}
	if scope == "street" {
		d, err := s.app.StreetDashboard(ctx, id, p)
		return d, "/dashboards/streets/" + strconv.FormatInt(id, 10), err
	}
	d, err := s.app.CommunityDashboard(ctx, id, p)
	return d, "/dashboards/communities/" + strconv.FormatInt(id, 10), err
}

func (s *Server) dashboardPageOf(scope string) echo.HandlerFunc {
	return func(c echo.Context) error {
		d, base, err := s.dashboardFor(c, scope)
		if err != nil {
			return err
		}
		return s.renderDashboard(c, d, base)
	}
}

func (s *Server) dashboardExportOf(scope, format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		d, _, err := s.dashboardFor(c, scope)
		if err != nil {
			return err
		}
		return s.writeDashboard(c, d, format)
	}
}

// dashboardName is the file name of an export: scope, id and period.
func dashboardName(d *app.Dashboard) string {
	id := ""
	if d.ID != 0 {
		id = "-" + strconv.FormatInt(d.ID, 10)
	}
	return fmt.Sprintf("dashboard-%s%s-%s-%s", d.Scope, id, d.Period.From, d.Period.To)
}

func fstr(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'g', -1, 64)
}

// dashboardRows are the export's two tables: every figure (its JSON name, a label in the
// reader's language, the value as in the JSON API: counts, fen, unrounded shares) and one
// row per grid.
func (s *Server) dashboardRows(l string, d *app.Dashboard) (figures, grids [][]string) {
	t := func(id string) string { return s.i18n.T(l, id) }
	i := strconv.Itoa
	i64 := func(n int64) string { return strconv.FormatInt(n, 10) }
	figures = [][]string{{t("dashboard.col.figure"), t("dashboard.col.label"), t("dashboard.col.value")},
		{"scope", t("dashboard.fig.scope"), d.Scope}, {"name", t("dashboard.fig.name"), d.Name},
		{"period.from", t("dashboard.period.from"), d.Period.From}, {"period.to", t("dashboard.period.to"), d.Period.To},
		{"communities", t("dashboard.fig.communities"), i(d.Communities)},
		{"needs.filed", t("dashboard.fig.filed"), i(d.Needs.Filed)}, {"needs.resolved", t("dashboard.fig.resolved"), i(d.Needs.Resolved)},
		{"needs.on_time.minor", t("dashboard.fig.on_time") + " · " + t("dashboard.tier.minor"), fstr(d.Needs.OnTime.Minor)},
		{"needs.on_time.major", t("dashboard.fig.on_time") + " · " + t("dashboard.tier.major"), fstr(d.Needs.OnTime.Major)},
		{"needs.on_time.hard", t("dashboard.fig.on_time") + " · " + t("dashboard.tier.hard"), fstr(d.Needs.OnTime.Hard)},
		{"needs.on_time.all", t("dashboard.fig.on_time") + " · " + t("dashboard.tier.all"), fstr(d.Needs.OnTime.All)},
		{"needs.median_resolve_hours", t("dashboard.fig.median"), fstr(d.Needs.MedianResolveHours)},
		{"needs.escalations", t("dashboard.fig.escalations"), i(d.Needs.Escalations)}, {"needs.overdue_now", t("dashboard.fig.overdue"), i(d.Needs.OverdueNow)},
		{"funds.social", t("dashboard.fig.social_fen"), i64(d.Funds.Social)}, {"funds.government", t("dashboard.fig.government_fen"), i64(d.Funds.Government)},
		{"funds.leverage", t("dashboard.fig.leverage"), fstr(d.Funds.Leverage)},
		{"volunteers.active", t("dashboard.fig.volunteers"), i(d.Volunteers.Active)}, {"volunteers.minutes", t("dashboard.fig.minutes"), i64(d.Volunteers.Minutes)},
		{"linkage_index", t("dashboard.fig.linkage"), i(d.LinkageIndex)},
	}
	for _, p := range d.LinkageParts {
		figures = append(figures, []string{"linkage_parts." + p.Party, t("dashboard.party." + p.Party), i(p.Count)})
	}
	grids = [][]string{{"grid_id", "community_id", t("dashboard.col.grid"), t("dashboard.fig.filed"), t("dashboard.fig.resolved"), t("dashboard.fig.on_time"),
		t("dashboard.fig.overdue"), t("dashboard.col.open"), t("dashboard.col.workers"), t("dashboard.col.households"),
		t("dashboard.col.open_per_worker"), t("dashboard.col.households_per_worker")}}
	for _, g := range d.ByGrid {
		grids = append(grids, []string{i64(g.GridID), i64(g.CommunityID), g.Name, i(g.Filed), i(g.Resolved), fstr(g.OnTime), i(g.OverdueNow), i(g.OpenNow),
			i(g.Workers), i(g.Households), fstr(g.OpenPerWorker), fstr(g.HouseholdsPerWorker)})
	}
	return figures, grids
}

// writeDashboard sends the dashboard as CSV (the figures, a blank line, the grids) or as an
// XLSX workbook with a sheet for each, numbers as numeric cells.
func (s *Server) writeDashboard(c echo.Context, d *app.Dashboard, format string) error {
	figures, grids := s.dashboardRows(lang(c), d)
	name := dashboardName(d)
	if format == "csv" {
		return writeCSV(c, name, append(append(figures, []string{}), grids...))
	}
	x := excelize.NewFile()
	defer x.Close()
	for i, sh := range []struct {
		name string
		rows [][]string
	}{{"Figures", figures}, {"Grids", grids}} {
		if i == 0 {
			if err := x.SetSheetName("Sheet1", sh.name); err != nil {
				return fmt.Errorf("xlsx sheet: %w", err)
			}
		} else if _, err := x.NewSheet(sh.name); err != nil {
			return fmt.Errorf("xlsx sheet: %w", err)
		}
		for r, row := range sh.rows {
			cells := make([]any, len(row))
			for j, v := range row {
				cells[j] = v
				if r == 0 {
					continue
				}
				if n, err := strconv.ParseInt(v, 10, 64); err == nil {
					cells[j] = n
				} else if f, err := strconv.ParseFloat(v, 64); err == nil {
					cells[j] = f
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := x.SetSheetRow(sh.name, cell, &cells); err != nil {
				return fmt.Errorf("xlsx row: %w", err)
			}
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.xlsx"`)
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// communitySummaryPage is a community's public summary: this year's figures and the charts
// of needs on time, money and linkage, readable without signing in.
func (s *Server) communitySummaryPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.app.CommunitySummary(c.Request().Context(), id)
	if err != nil {
		return err
	}
	l := lang(c)
	v := s.newView(c, s.i18n.T(l, "summary.title", "name", d.Name), "communities")
	v.Data = &dashboardPage{D: d, Charts: s.dashboardCharts(l, d)[:3]}
	return s.renderPage(c, http.StatusOK, "community_summary", v)
}
