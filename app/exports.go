package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wushe/wushe/sheet"
)

// Department exports (issue 14): named templates of the 台账 that departments ask
// communities for, each a fixed column set over the requester's scope and a period, streamed
// from a database cursor into CSV or XLSX. docs/exports.md documents every column.

// ExportColumn is one column of a template: Key names it (catalog export.col.<Key>), Enum
// names the catalog group that words its values (empty: the value as is).
type ExportColumn struct {
	Key  string     `json:"key"`
	Kind sheet.Kind `json:"-"`
	Type string     `json:"type"` // text, integer, decimal, date, datetime
	Enum string     `json:"-"`
}

// ExportTemplate is a named export: the department it serves and its columns.
type ExportTemplate struct {
	Name       string         `json:"name"`
	Department string         `json:"department"` // catalog export.dept.<Department>
	Action     Action         `json:"action"`
	Columns    []ExportColumn `json:"columns"`
}

func col(key string, k sheet.Kind) ExportColumn {
	return ExportColumn{Key: key, Kind: k, Type: [...]string{"text", "integer", "decimal", "date", "datetime"}[k]}
}

func enumCol(key, enum string) ExportColumn {
	c := col(key, sheet.Text)
	c.Enum = enum
	return c
}

// Export template names.
const (
	ExportCivilVolunteerHours = "civil_volunteer_hours"
	ExportCivilOrganizations  = "civil_organizations"
	ExportVolunteerService    = "volunteer_service"
	ExportStreetNeeds         = "street_needs"
	ExportFinanceLedger       = "finance_ledger"
	ExportFinanceDisbursement = "finance_disbursements"
)

// ExportScope is what a template's query reads: the communities of the requested place, the
// street (organizations serving the whole street), the period [Start, End) and whether
// needs of sensitive categories may appear.
type ExportScope struct {
	CommunityIDs        []int64
	StreetID            int64
	Start, End          time.Time
	Sensitive           bool
	SensitiveCategories []string
}

// Export rows: a store fills one value per row and reuses it, so memory does not grow with
// the number of rows.

// ExportVolunteerTotal is one volunteer's approved hours in the period.
type ExportVolunteerTotal struct {
	VolunteerID         int64
	Name, Mobile        string
	Community, Grid     string
	Entries, Minutes    int64
	FirstDate, LastDate time.Time
}

// ExportHoursRow is one approved hours entry.
type ExportHoursRow struct {
	ID, VolunteerID int64
	Name, Mobile    string
	Community       string
	Task, Activity  string
	Kind            string
	WorkDate        time.Time
	Minutes         int64
	DecidedAt       *time.Time
}

// ExportOrgRow is an organization with one contract (won tender) or none.
type ExportOrgRow struct {
	ID                                int64
	Name, Kind, Credit, Community     string
	Verified                          bool
	Contract                          string
	Price                             *int64
	AwardedAt, PeriodStart, PeriodEnd *time.Time
}

// ExportNeedRow is one need with its response time.
type ExportNeedRow struct {
	ID                    int64
	Grid, Community       string
	Title, Category, Tier string
	Status                string
	CreatedAt, DueAt      time.Time
	ResolvedAt            *time.Time
}

// ExportLedgerRow is one ledger entry.
type ExportLedgerRow struct {
	TxID                   int64
	CreatedAt              time.Time
	Fund, Community        string
	Kind, Ref, Account     string
	Source, Side, Currency string
	Amount                 int64
}

// ExportDisbursementRow is one disbursement with its evidence files.
type ExportDisbursementRow struct {
	ID                        int64
	Fund, Community, Campaign string
	Payee, Purpose, Status    string
	Amount                    int64
	Currency                  string
	CreatedAt                 time.Time
	DecidedAt, PaidAt         *time.Time
	Evidence                  int64
	Files                     string // "name (sha256)" joined by "; "
}

// ExportStore streams export rows in a stable order to fn, one value reused per call; fn's
// error stops the walk and is returned.
type ExportStore interface {
	ExportVolunteerTotals(ctx context.Context, q ExportScope, fn func(*ExportVolunteerTotal) error) error
	ExportHours(ctx context.Context, q ExportScope, fn func(*ExportHoursRow) error) error
	ExportOrganizations(ctx context.Context, q ExportScope, fn func(*ExportOrgRow) error) error
	ExportNeeds(ctx context.Context, q ExportScope, fn func(*ExportNeedRow) error) error
	ExportLedger(ctx context.Context, q ExportScope, fn func(*ExportLedgerRow) error) error
	ExportDisbursements(ctx context.Context, q ExportScope, fn func(*ExportDisbursementRow) error) error
}

func hundredthsOfHours(minutes int64) sheet.Fixed { return sheet.Fixed(minutes * 100 / 60) }

func timeOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// exportTemplates is every template, in the order pages list them.
var exportTemplates = []*ExportTemplate{
	{Name: ExportCivilVolunteerHours, Department: "civil_affairs", Action: ActExportCivilAffairs,
		Columns: []ExportColumn{col("volunteer_id", sheet.Int), col("name", sheet.Text), col("mobile", sheet.Text), col("community", sheet.Text),
			col("grid", sheet.Text), col("entries", sheet.Int), col("hours", sheet.Fixed2), col("first_date", sheet.Date), col("last_date", sheet.Date),
			col("certificate_code", sheet.Text)}},
	{Name: ExportCivilOrganizations, Department: "civil_affairs", Action: ActExportCivilAffairs,
		Columns: []ExportColumn{col("organization_id", sheet.Int), col("organization", sheet.Text), enumCol("org_kind", "org_kind"), col("credit_code", sheet.Text),
			col("community", sheet.Text), enumCol("verified", "export.yes_no"), col("contract", sheet.Text), col("contract_amount", sheet.Fixed2),
			col("awarded_on", sheet.Date), col("service_from", sheet.Date), col("service_to", sheet.Date)}},
	{Name: ExportVolunteerService, Department: "volunteering", Action: ActExportVolunteering,
		Columns: []ExportColumn{col("record_id", sheet.Int), col("work_date", sheet.Date), col("volunteer_id", sheet.Int), col("name", sheet.Text),
			col("mobile", sheet.Text), col("community", sheet.Text), col("task", sheet.Text), col("activity", sheet.Text), col("hours", sheet.Fixed2),
			enumCol("provenance", "hours.kind"), col("approved_at", sheet.DateTime)}},
	{Name: ExportStreetNeeds, Department: "street", Action: ActExportStreet,
		Columns: []ExportColumn{col("grid", sheet.Text), col("community", sheet.Text), col("need_id", sheet.Int), col("title", sheet.Text),
			enumCol("category", "category"), enumCol("tier", "tier"), enumCol("status", "status"), col("filed_at", sheet.DateTime),
			col("due_at", sheet.DateTime), col("resolved_at", sheet.DateTime), col("response_hours", sheet.Fixed2), enumCol("on_time", "export.yes_no")}},
	{Name: ExportFinanceLedger, Department: "finance", Action: ActExportFinance,
		Columns: []ExportColumn{col("transaction_id", sheet.Int), col("time", sheet.DateTime), col("fund", sheet.Text), col("community", sheet.Text),
			enumCol("tx_kind", "ledger.kind"), col("ref", sheet.Text), col("account", sheet.Text), col("source", sheet.Text),
			col("debit", sheet.Fixed2), col("credit", sheet.Fixed2), col("currency", sheet.Text)}},
	{Name: ExportFinanceDisbursement, Department: "finance", Action: ActExportFinance,
		Columns: []ExportColumn{col("disbursement_id", sheet.Int), col("fund", sheet.Text), col("community", sheet.Text), col("campaign", sheet.Text),
			col("payee", sheet.Text), col("amount", sheet.Fixed2), col("currency", sheet.Text), col("purpose", sheet.Text),
			enumCol("disbursement_status", "export.disbursement_status"), col("requested_at", sheet.DateTime), col("decided_at", sheet.DateTime),
			col("paid_at", sheet.DateTime), col("evidence_count", sheet.Int), col("evidence_files", sheet.Text)}},
}

func init() {
	// Every template needs its rows; a missing runner is a programming error found at start.
	for _, t := range exportTemplates {
		if exportRunners[t.Name] == nil {
			panic("export template without rows: " + t.Name)
		}
	}
}

// exportRunner streams one template's rows as cell values in the template's column order.
type exportRunner func(a *App, ctx context.Context, q ExportScope, emit func([]any) error) error

var exportRunners = map[string]exportRunner{
	ExportCivilVolunteerHours: func(a *App, ctx context.Context, q ExportScope, emit func([]any) error) error {
		key, err := a.certificateKey(ctx)
		if err != nil {
			return err
		}
		from, to := a.localDay(q.Start), a.localDay(q.End.Add(-time.Nanosecond))
		issued := a.localDay(a.Now())
		row := make([]any, 10)
		return a.store.ExportVolunteerTotals(ctx, q, func(r *ExportVolunteerTotal) error {
			code := certificateCode(key, CertificateFacts{VolunteerID: r.VolunteerID, From: from, To: to, Issued: issued, Minutes: r.Minutes})
			row[0], row[1], row[2], row[3], row[4] = r.VolunteerID, r.Name, MaskMobile(r.Mobile), r.Community, r.Grid
			row[5], row[6], row[7], row[8], row[9] = r.Entries, hundredthsOfHours(r.Minutes), a.localDay(r.FirstDate), a.localDay(r.LastDate), code
			return emit(row)
		})
	},
	ExportCivilOrganizations: func(a *App, ctx context.Context, q ExportScope, emit func([]any) error) error {
		row := make([]any, 11)
		return a.store.ExportOrganizations(ctx, q, func(r *ExportOrgRow) error {
			row[0], row[1], row[2], row[3], row[4], row[5] = r.ID, r.Name, r.Kind, r.Credit, r.Community, yesNo(r.Verified)
			row[6], row[7] = r.Contract, nil
			if r.Price != nil {
				row[7] = sheet.Fixed(*r.Price)
			}
			row[8], row[9], row[10] = a.localDayPtr(r.AwardedAt), a.localDayPtr(r.PeriodStart), a.localDayPtr(r.PeriodEnd)
			return emit(row)
		})
	},
	ExportVolunteerService: func(a *App, ctx context.Context, q ExportScope, emit func([]any) error) error {
		row := make([]any, 11)
		return a.store.ExportHours(ctx, q, func(r *ExportHoursRow) error {
			row[0], row[1], row[2], row[3], row[4], row[5] = r.ID, a.localDay(r.WorkDate), r.VolunteerID, r.Name, MaskMobile(r.Mobile), r.Community
			row[6], row[7], row[8], row[9], row[10] = r.Task, r.Activity, hundredthsOfHours(r.Minutes), r.Kind, a.localTime(timeOrZero(r.DecidedAt))
			return emit(row)
		})
	},
	ExportStreetNeeds: func(a *App, ctx context.Context, q ExportScope, emit func([]any) error) error {
		row := make([]any, 12)
		return a.store.ExportNeeds(ctx, q, func(r *ExportNeedRow) error {
			row[0], row[1], row[2], row[3], row[4], row[5], row[6] = r.Grid, r.Community, r.ID, r.Title, r.Category, r.Tier, r.Status
			row[7], row[8], row[9] = a.localTime(r.CreatedAt), a.localTime(r.DueAt), a.localTime(timeOrZero(r.ResolvedAt))
			row[10], row[11] = nil, nil
			if r.ResolvedAt != nil {
				row[10] = sheet.Fixed(r.ResolvedAt.Sub(r.CreatedAt).Milliseconds() / 36000)
				row[11] = yesNo(!r.ResolvedAt.After(r.DueAt))
			}
			return emit(row)
		})
	},
	ExportFinanceLedger: func(a *App, ctx context.Context, q ExportScope, emit func([]any) error) error {
		row := make([]any, 11)
		return a.store.ExportLedger(ctx, q, func(r *ExportLedgerRow) error {
			row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7] = r.TxID, a.localTime(r.CreatedAt), r.Fund, r.Community, r.Kind, r.Ref, r.Account, r.Source
			row[8], row[9], row[10] = nil, nil, r.Currency
			if r.Side == "credit" {
				row[9] = sheet.Fixed(r.Amount)
			} else {
				row[8] = sheet.Fixed(r.Amount)
			}
			return emit(row)
		})
	},
	ExportFinanceDisbursement: func(a *App, ctx context.Context, q ExportScope, emit func([]any) error) error {
		row := make([]any, 14)
		return a.store.ExportDisbursements(ctx, q, func(r *ExportDisbursementRow) error {
			row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7] = r.ID, r.Fund, r.Community, r.Campaign, r.Payee, sheet.Fixed(r.Amount), r.Currency, r.Purpose
			row[8], row[9], row[10], row[11], row[12], row[13] = r.Status, a.localTime(r.CreatedAt), a.localTime(timeOrZero(r.DecidedAt)),
				a.localTime(timeOrZero(r.PaidAt)), r.Evidence, r.Files
			return emit(row)
		})
	},
}

func (a *App) localDay(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	l := t.In(a.loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, a.loc)
}

func (a *App) localDayPtr(t *time.Time) time.Time { return a.localDay(timeOrZero(t)) }

func (a *App) localTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(a.loc)
}

// ExportTemplateByName returns a template, or ENOTFOUND.
func ExportTemplateByName(name string) (*ExportTemplate, error) {
	for _, t := range exportTemplates {
		if t.Name == name {
			return t, nil
		}
	}
	return nil, NotFound("export")
}

// ExportPlace is a community or street the caller may export a template over.
type ExportPlace struct {
	CommunityID int64  `json:"community_id,omitempty"`
	StreetID    int64  `json:"street_id,omitempty"`
	Name        string `json:"name"`
}

// ExportChoice is a template the caller may use and the places they may use it over.
type ExportChoice struct {
	*ExportTemplate
	Places []ExportPlace `json:"places"`
}

// ExportChoices lists the templates the caller may use, each with its places (streets first,
// then communities), decided by Can on the template's action. 403 when there is none.
func (a *App) ExportChoices(ctx context.Context) ([]ExportChoice, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	streets, err := a.store.ListStreets(ctx)
	if err != nil {
		return nil, err
	}
	cs, _, err := a.store.FindCommunities(ctx, CommunityFilter{Page: Page{Page: 1, PerPage: 100000}})
	if err != nil {
		return nil, err
	}
	var out []ExportChoice
	for _, t := range exportTemplates {
		ch := ExportChoice{ExportTemplate: t}
		for _, s := range streets {
			if Can(p, t.Action, Target{StreetID: s.ID}) {
				ch.Places = append(ch.Places, ExportPlace{StreetID: s.ID, Name: s.Name})
			}
		}
		for _, c := range cs {
			if Can(p, t.Action, Target{StreetID: c.StreetID, CommunityID: c.ID}) {
				ch.Places = append(ch.Places, ExportPlace{CommunityID: c.ID, Name: c.Name})
			}
		}
		if len(ch.Places) > 0 {
			out = append(out, ch)
		}
	}
	if len(out) == 0 {
		return nil, Forbidden()
	}
	return out, nil
}

// ExportRequest names a template, one place (a community or a street, by id as typed in a
// query) and a period (local dates; empty: this month).
type ExportRequest struct {
	Name        string
	CommunityID string
	StreetID    string
	From, To    string
}

// ExportPlan is an authorized export, ready to stream: its template, the place's name (for
// the file name) and the scope the rows are read over.
type ExportPlan struct {
	Template *ExportTemplate
	Place    string
	Scope    ExportScope
	Period   DashboardPeriod
}

func parseRefID(fe FieldErrors, field, v string) *int64 {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		fe.Add(field, "error.unknown_ref")
		return nil
	}
	return &n
}

// PlanExport checks the request and the caller's right to it: 401 anonymous, 404 unknown
// template, 422 without exactly one known place or with a bad period, 403 outside the
// caller's scope. The place comes from the stored community or street, never from the request.
func (a *App) PlanExport(ctx context.Context, r ExportRequest) (*ExportPlan, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	t, err := ExportTemplateByName(r.Name)
	if err != nil {
		return nil, err
	}
	fe := FieldErrors{}
	cid, sid := parseRefID(fe, "community_id", r.CommunityID), parseRefID(fe, "street_id", r.StreetID)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if (cid == nil) == (sid == nil) {
		return nil, FieldErrors{"community_id": Msg("export.error.one_place")}.Err()
	}
	plan := &ExportPlan{Template: t, Scope: ExportScope{SensitiveCategories: SensitiveCategories}}
	if cid != nil {
		if _, err := a.places().community(ctx, *cid); IsCode(err, ENOTFOUND) {
			return nil, FieldErrors{"community_id": Msg("error.unknown_ref")}.Err()
		} else if err != nil {
			return nil, err
		}
	} else if _, err := a.store.FindStreet(ctx, *sid); IsCode(err, ENOTFOUND) {
		return nil, FieldErrors{"street_id": Msg("error.unknown_ref")}.Err()
	} else if err != nil {
		return nil, err
	}
	var target Target
	if cid != nil {
		target, err = a.communityTarget(ctx, *cid)
		if err != nil {
			return nil, err
		}
		c, err := a.places().community(ctx, *cid)
		if err != nil {
			return nil, err
		}
		plan.Place, plan.Scope.CommunityIDs = c.Name, []int64{c.ID}
	} else {
		st, err := a.store.FindStreet(ctx, *sid)
		if err != nil {
			return nil, err
		}
		target = Target{StreetID: st.ID}
		cs, _, err := a.store.FindCommunities(ctx, CommunityFilter{StreetID: &st.ID, Page: Page{Page: 1, PerPage: 100000}})
		if err != nil {
			return nil, err
		}
		plan.Place, plan.Scope.StreetID = st.Name, st.ID
		plan.Scope.CommunityIDs = []int64{}
		for _, c := range cs {
			plan.Scope.CommunityIDs = append(plan.Scope.CommunityIDs, c.ID)
		}
	}
	if err := Authorize(p, t.Action, target); err != nil {
		return nil, err
	}
	// The period is checked after authorization, so a refused caller learns nothing from it.
	period, err := a.ParsePeriod(r.From, r.To)
	if err != nil {
		return nil, err
	}
	plan.Period, plan.Scope.Start, plan.Scope.End = period, period.Start, period.End
	plan.Scope.Sensitive = Can(p, ActExportSensitive, target)
	return plan, nil
}

// FileName is the download's name: template, place and period, in ASCII.
func (plan *ExportPlan) FileName(ext string) string {
	place := fmt.Sprintf("street-%d", plan.Scope.StreetID)
	if plan.Scope.StreetID == 0 && len(plan.Scope.CommunityIDs) == 1 {
		place = fmt.Sprintf("community-%d", plan.Scope.CommunityIDs[0])
	}
	return fmt.Sprintf("%s_%s_%s_%s.%s", plan.Template.Name, place, plan.Period.From, plan.Period.To, ext)
}

// ExportColumns names a template's columns in lang (catalog export.col.<key>).
func ExportColumns(t *ExportTemplate, tr Translator, lang string) []sheet.Column {
	out := make([]sheet.Column, len(t.Columns))
	for i, c := range t.Columns {
		id := "export.col." + c.Key
		out[i] = sheet.Column{Header: tr.Msg(lang, Msg(id)), Kind: c.Kind}
	}
	return out
}

// exportWords words enumerated values (statuses, kinds, categories) in one language, each
// value looked up once per export.
type exportWords struct {
	tr         Translator
	lang       string
	categories map[string]string
	memo       map[string]string
}

func (w *exportWords) word(enum, v string) string {
	if v == "" {
		return v
	}
	if enum == "category" {
		if n, ok := w.categories[v]; ok {
			return n
		}
		return v
	}
	id := enum + "." + v
	if s, ok := w.memo[id]; ok {
		return s
	}
	s := w.tr.Msg(w.lang, Msg(id))
	if s == id {
		s = v // no wording: the code as stored
	}
	w.memo[id] = s
	return s
}

// Stream writes the plan's rows to w, one at a time from the store's cursor, with
// enumerated values worded in lang, closes w, and records the export in the audit log (who
// extracted what, over which place and period). It returns the number of rows.
func (a *App) Stream(ctx context.Context, plan *ExportPlan, w sheet.Writer, tr Translator, lang string) (int, error) {
	cats, err := a.store.ListCategories(ctx)
	if err != nil {
		return 0, err
	}
	words := &exportWords{tr: tr, lang: lang, categories: map[string]string{}, memo: map[string]string{}}
	for _, c := range cats {
		words.categories[c.Code] = c.NameEn
		if lang == "" || strings.HasPrefix(lang, "zh") {
			words.categories[c.Code] = c.NameZh
		}
	}
	cols := plan.Template.Columns
	n := 0
	err = exportRunners[plan.Template.Name](a, ctx, plan.Scope, func(row []any) error {
		n++
		for i, c := range cols {
			if c.Enum != "" {
				if v, ok := row[i].(string); ok {
					row[i] = words.word(c.Enum, v)
				}
			}
		}
		return w.Row(row)
	})
	if err != nil {
		return n, fmt.Errorf("export %s: %w", plan.Template.Name, err)
	}
	if err := w.Close(); err != nil {
		return n, fmt.Errorf("export %s: %w", plan.Template.Name, err)
	}
	ids := slices.Clone(plan.Scope.CommunityIDs)
	var community int64
	if len(ids) == 1 && plan.Scope.StreetID == 0 {
		community = ids[0]
	}
	if err := a.audit(ctx, "export.downloaded", "export", 0, community, map[string]any{"template": plan.Template.Name,
		"communities": ids, "street_id": plan.Scope.StreetID, "from": plan.Period.From, "to": plan.Period.To, "rows": n}); err != nil {
		a.log.Warn("audit export", "err", err)
	}
	return n, nil
}

// ExportNames lists the templates' names, in the order pages list them.
func ExportNames() []string {
	out := make([]string, len(exportTemplates))
	for i, t := range exportTemplates {
		out[i] = t.Name
	}
	return out
}
