package app

// Spreadsheet imports (issue 14): a file is previewed (every row checked with the forms'
// rules, duplicates found), then committed as one transaction, all rows or the valid ones.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wushe/wushe/search"
)

// Import kinds.
const (
	ImportVolunteers    = "volunteers"
	ImportOrganizations = "organizations"
	ImportHours         = "hours"
)

// ImportKinds lists what can be imported.
var ImportKinds = []string{ImportVolunteers, ImportOrganizations, ImportHours}

// Import job statuses.
const (
	ImportPreviewed  = "previewed"
	ImportCommitting = "committing"
	ImportCommitted  = "committed"
	ImportFailed     = "failed"
)

// Import commit modes and duplicate policies.
const (
	ImportModeAll       = "all"        // every row must be valid, or nothing is written
	ImportModeValidOnly = "valid_only" // write the valid rows, skip the bad ones
	ImportDupSkip       = "skip"       // leave the existing record (and the earlier row) as it is
	ImportDupUpdate     = "update"     // overwrite the existing record with the row
)

// ImportJob is one uploaded file: its preview report and, once committed, what it wrote.
type ImportJob struct {
	ID          int64      `json:"id" gorm:"primaryKey"`
	Kind        string     `json:"kind"`
	CommunityID int64      `json:"community_id"`
	CreatedBy   int64      `json:"created_by"`
	Status      string     `json:"status"`
	FileName    string     `json:"file_name"`
	FileSHA256  string     `json:"file_sha256" gorm:"column:file_sha256"`
	Rows        int        `json:"rows"`
	Valid       int        `json:"valid"`
	Duplicates  int        `json:"duplicates"`
	Report      string     `json:"-"`
	Payload     string     `json:"-"`
	Mode        string     `json:"mode"`
	DupPolicy   string     `json:"dup_policy"`
	Done        int        `json:"done"`
	Created     int        `json:"created"`
	Updated     int        `json:"updated"`
	Skipped     int        `json:"skipped"`
	CreatedAt   time.Time  `json:"created_at"`
	CommittedAt *time.Time `json:"committed_at"`
}

// ImportRowError is one problem in one cell: the spreadsheet row number (as Excel shows
// it), the column's header as written in the file, and a translatable message.
type ImportRowError struct {
	Row     int     `json:"row"`
	Column  string  `json:"column"`
	Cell    string  `json:"cell"`
	Field   string  `json:"field"`
	Message Message `json:"message"`
}

// Duplicate kinds.
const (
	DupInFile   = "in_file"  // the same mobile number or credit code earlier in the file
	DupExisting = "existing" // a record already in Wushe
)

// ImportDuplicate is a row that repeats an earlier row or an existing record.
type ImportDuplicate struct {
	Row        int    `json:"row"`
	Kind       string `json:"kind"`
	Key        string `json:"key"`
	OfRow      int    `json:"of_row,omitempty"`
	ExistingID int64  `json:"existing_id,omitempty"`
}

// ImportReport is what the preview found.
type ImportReport struct {
	HeaderRow  int               `json:"header_row"`
	Columns    map[string]string `json:"columns"` // field → header text in the file
	Ignored    []string          `json:"ignored"` // columns not imported (序号, 性别, 备注…)
	Converted  bool              `json:"converted"`
	Errors     []ImportRowError  `json:"errors"`
	Duplicates []ImportDuplicate `json:"duplicates"`
}

// importRecord is one data row, normalised: what the commit writes.
type importRecord struct {
	Row    int               `json:"row"`
	Valid  bool              `json:"valid"`
	Key    string            `json:"key,omitempty"` // duplicate key: mobile, credit code, hours identity
	DupOf  int               `json:"dup_of,omitempty"`
	Fields map[string]string `json:"fields"`
}

// ImportView is a job with its report, as the API and pages show it.
type ImportView struct {
	*ImportJob
	Report ImportReport
}

// ImportStore persists import jobs and answers the duplicate look-ups.
type ImportStore interface {
	CreateImportJob(ctx context.Context, j *ImportJob) error
	UpdateImportJob(ctx context.Context, j *ImportJob) error
	// LockImportJob reads a job, locked until the transaction ends (PostgreSQL).
	LockImportJob(ctx context.Context, id int64) (*ImportJob, error)
	FindImportJob(ctx context.Context, id int64) (*ImportJob, error)
	// VolunteerMobiles maps the community's volunteers' mobile numbers to their ids.
	VolunteerMobiles(ctx context.Context, communityID int64) (map[string]int64, error)
	// OrganizationCodes maps registration numbers (credit codes) among codes to organization ids.
	OrganizationCodes(ctx context.Context, codes []string) (map[string]int64, error)
	// TasklessHours lists the volunteers' hours that belong to no task, so a re-imported
	// file adds nothing twice.
	TasklessHours(ctx context.Context, volunteerIDs []int64) ([]*HoursEntry, error)
	// CreateVolunteersBulk inserts volunteers and their skills in batches, filling their ids.
	CreateVolunteersBulk(ctx context.Context, vs []*Volunteer) error
}

// ImportInput is an upload to preview.
type ImportInput struct {
	Kind        string `json:"kind" form:"kind" validate:"required,oneof=volunteers organizations hours"`
	CommunityID int64  `json:"community_id" form:"community_id" validate:"required"`
	FileName    string `json:"file_name" form:"-"`
	Data        []byte `json:"-" form:"-"`
}

// ImportCommitInput says how to commit a previewed job.
type ImportCommitInput struct {
	Mode       string `json:"mode" form:"mode" validate:"omitempty,oneof=all valid_only"`
	Duplicates string `json:"duplicates" form:"duplicates" validate:"omitempty,oneof=skip update"`
	// Progress, when set, is told how many rows are done as the commit runs (the CLI's bar).
	Progress func(done, total int) `json:"-" form:"-"`
}

// importKind describes one kind: its header synonyms, required fields and row rules.
type importKind struct {
	synonyms map[string]string // normalised header → field
	required []string
}

func synonyms(m map[string][]string) map[string]string {
	out := map[string]string{}
	for field, names := range m {
		for _, n := range names {
			out[normHeader(n)] = field
		}
	}
	return out
}

// importKinds holds the synonym tables (documented in docs/imports.md).
var importKinds = map[string]*importKind{
	ImportVolunteers: {required: []string{"name"}, synonyms: synonyms(map[string][]string{
		"name":       {"姓名", "名字", "志愿者姓名", "志愿者", "name", "full name"},
		"mobile":     {"手机", "手机号", "手机号码", "联系电话", "联系方式", "电话", "mobile", "phone", "mobile phone"},
		"grid":       {"所属网格", "网格", "网格名称", "grid"},
		"skills":     {"技能", "服务技能", "特长", "skills", "skill"},
		"birth_date": {"出生日期", "出生年月日", "生日", "birth date", "date of birth", "birthday"},
		"max_hours":  {"每周可服务时长", "每周时长", "每周可服务小时", "max hours per week", "hours per week"},
		"bio":        {"简介", "个人简介", "备注说明", "bio"},
	})},
	ImportOrganizations: {required: []string{"name"}, synonyms: synonyms(map[string][]string{
		"name":                {"组织名称", "名称", "单位名称", "机构名称", "社会组织名称", "name", "organization"},
		"kind":                {"类型", "组织类型", "单位类型", "kind", "type"},
		"registration_number": {"统一社会信用代码", "信用代码", "社会信用代码", "登记证号", "credit code", "registration number"},
		"address":             {"地址", "办公地址", "住所", "address"},
		"contact_name":        {"联系人", "负责人", "contact", "contact name"},
		"contact_phone":       {"联系电话", "手机", "手机号", "电话", "contact phone", "phone", "mobile"},
		"description":         {"简介", "业务范围", "服务内容", "description"},
	})},
	ImportHours: {required: []string{"mobile", "date"}, synonyms: synonyms(map[string][]string{
		"name":     {"姓名", "名字", "志愿者姓名", "name"},
		"mobile":   {"手机", "手机号", "手机号码", "联系电话", "mobile", "phone"},
		"date":     {"服务日期", "日期", "活动日期", "date", "service date"},
		"hours":    {"服务时长", "时长", "服务小时", "小时数", "hours"},
		"minutes":  {"服务分钟", "分钟", "minutes"},
		"activity": {"服务内容", "活动名称", "活动", "服务项目", "activity"},
	})},
}

// orgKindWords maps how spreadsheets name organization kinds to Wushe's codes.
var orgKindWords = map[string]string{
	"社会组织": "social_org", "社区社会组织": "social_org", "社团": "social_org", "social_org": "social_org", "social organization": "social_org",
	"商户": "merchant", "商家": "merchant", "店铺": "merchant", "merchant": "merchant",
	"单位": "unit", "企事业单位": "unit", "机关": "unit", "unit": "unit",
	"基金会": "foundation", "foundation": "foundation",
}

// importEnv is what row checks look up, loaded once per file.
type importEnv struct {
	community *Community
	grids     map[string]int64  // name or code → id
	skills    map[string]string // code, Chinese or English name → code
	mobiles   map[string]int64  // existing volunteers by mobile
	codes     map[string]int64  // existing organizations by credit code
	hoursKeys map[string]int64  // existing task-less hours
	fileName  string
	// pending are new volunteers not yet inserted: they are written in batches (a 10,000-row
	// roster row by row was two minutes on PostgreSQL), before any row that may update one.
	pending []*Volunteer
}

// importBatch is how many new volunteers a commit inserts at once.
const importBatch = 500

// flush inserts the pending volunteers, learns their ids and queues them for search.
func (a *App) flush(ctx context.Context, env *importEnv) error {
	if len(env.pending) == 0 {
		return nil
	}
	if err := a.store.CreateVolunteersBulk(ctx, env.pending); err != nil {
		return err
	}
	refs := make([]search.Ref, len(env.pending))
	for i, v := range env.pending {
		refs[i] = search.Ref{Type: search.TypeVolunteer, ID: v.ID}
		if v.Mobile != "" {
			env.mobiles[v.Mobile] = v.ID
		}
	}
	env.pending = env.pending[:0]
	return a.store.EnqueueSearch(ctx, refs...)
}

func (a *App) importEnv(ctx context.Context, kind string, communityID int64) (*importEnv, error) {
	c, err := a.store.FindCommunity(ctx, communityID)
	if err != nil {
		return nil, err
	}
	env := &importEnv{community: c, grids: map[string]int64{}, skills: map[string]string{}}
	gs, _, err := a.store.FindGrids(ctx, GridFilter{CommunityID: &communityID, Page: Page{Page: 1, PerPage: MaxPerPage}})
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		env.grids[normHeader(g.Name)] = g.ID
		if g.Code != "" {
			env.grids[normHeader(g.Code)] = g.ID
		}
	}
	ss, err := a.store.ListSkills(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range ss {
		env.skills[normHeader(s.Code)], env.skills[normHeader(s.NameZh)], env.skills[normHeader(s.NameEn)] = s.Code, s.Code, s.Code
	}
	if kind == ImportVolunteers || kind == ImportHours {
		if env.mobiles, err = a.store.VolunteerMobiles(ctx, communityID); err != nil {
			return nil, err
		}
	}
	return env, nil
}

// fieldOfInput maps a form field (as validation names it) to the import field.
var fieldOfInput = map[string]string{"grid_id": "grid", "max_hours_per_week": "max_hours", "community_id": "name"}

// checkRow validates one row of a kind; errs maps import fields to messages.
func (a *App) checkRow(ctx context.Context, kind string, env *importEnv, f map[string]string) (key string, errs FieldErrors, err error) {
	errs = FieldErrors{}
	switch kind {
	case ImportVolunteers:
		in := VolunteerInput{Name: f["name"], CommunityID: env.community.ID, Bio: f["bio"], MaxHoursPerWeek: 4}
		if m, bad := normalizeMobile(f["mobile"]); bad != "" {
			errs.Add("mobile", bad)
		} else {
			in.Mobile, f["mobile"] = m, m
		}
		if g := f["grid"]; g != "" {
			if id, ok := env.grids[normHeader(g)]; ok {
				in.GridID = &id
				f["grid_id"] = fmt.Sprint(id)
			} else {
				errs.Add("grid", "import.error.unknown_grid", "value", g)
			}
		}
		var codes []string
		for _, s := range splitList(f["skills"]) {
			if code, ok := env.skills[normHeader(s)]; ok {
				codes = append(codes, code)
			} else {
				errs.Add("skills", "import.error.unknown_skill", "value", s)
			}
		}
		in.Skills = dedupe(codes)
		f["skill_codes"] = strings.Join(in.Skills, ",")
		if b := f["birth_date"]; b != "" {
			if d, ok := parseImportDate(b, a.loc); !ok || d.After(a.Now()) {
				errs.Add("birth_date", "import.error.date", "value", b)
			} else {
				f["birth_date"] = d.Format(time.DateOnly)
			}
		}
		if h := f["max_hours"]; h != "" {
			if m, ok := parseHoursMinutes(h); !ok || m%60 != 0 {
				errs.Add("max_hours", "error.invalid_value")
			} else {
				in.MaxHoursPerWeek = m / 60
			}
		}
		f["max_hours"] = fmt.Sprint(in.MaxHoursPerWeek)
		fe := FieldErrors{}
		a.validate.Into(fe, in)
		for k, m := range fe {
			if fk, ok := fieldOfInput[k]; ok {
				k = fk
			}
			if _, has := errs[k]; !has {
				errs[k] = m
			}
		}
		return in.Mobile, errs, nil
	case ImportOrganizations:
		kindCode := "social_org"
		if k := strings.TrimSpace(f["kind"]); k != "" {
			c, ok := orgKindWords[strings.ToLower(k)]
			if !ok {
				errs.Add("kind", "import.error.unknown_kind", "value", k)
			}
			kindCode = c
		}
		f["kind_code"] = kindCode
		in := OrganizationInput{Name: f["name"], Kind: kindCode, RegistrationNumber: f["registration_number"], CommunityID: &env.community.ID,
			Address: f["address"], ContactName: f["contact_name"], Description: f["description"]}
		if m, bad := normalizeMobile(f["contact_phone"]); bad != "" {
			errs.Add("contact_phone", bad)
		} else {
			in.ContactPhone, f["contact_phone"] = m, m
		}
		in.RegistrationNumber = strings.ToUpper(strings.TrimSpace(in.RegistrationNumber))
		f["registration_number"] = in.RegistrationNumber
		fe := FieldErrors{}
		a.validate.Into(fe, in)
		if in.RegistrationNumber != "" && !validCreditCode(in.RegistrationNumber) {
			fe.Add("registration_number", "error.credit_code")
		}
		for k, m := range fe {
			if _, has := errs[k]; !has && k != "kind" {
				errs[k] = m
			}
		}
		return in.RegistrationNumber, errs, nil
	case ImportHours:
		m, bad := normalizeMobile(f["mobile"])
		switch {
		case bad != "":
			errs.Add("mobile", bad)
		case m == "":
			errs.Add("mobile", "error.required")
		default:
			if id, ok := env.mobiles[m]; ok {
				f["volunteer_id"] = fmt.Sprint(id)
			} else {
				errs.Add("mobile", "import.error.unknown_volunteer", "value", m)
			}
		}
		f["mobile"] = m
		d, ok := parseImportDate(f["date"], a.loc)
		if !ok {
			errs.Add("date", "import.error.date", "value", f["date"])
		} else if d.After(a.Now()) {
			errs.Add("date", "task.error.future_date")
		} else {
			f["date"] = d.Format(time.DateOnly)
		}
		minutes := 0
		if h := f["hours"]; h != "" {
			if mm, ok := parseHoursMinutes(h); ok {
				minutes = mm
			} else {
				errs.Add("hours", "import.error.hours", "value", h)
			}
		} else if mm := f["minutes"]; mm != "" {
			if _, err := fmt.Sscan(mm, &minutes); err != nil {
				errs.Add("minutes", "error.invalid_value")
			}
		} else {
			errs.Add("hours", "error.required")
		}
		if _, has := errs["hours"]; !has && (minutes < 1 || minutes > 1440) {
			errs.Add("hours", "import.error.hours", "value", f["hours"]+f["minutes"])
		}
		f["minutes"] = fmt.Sprint(minutes)
		if len([]rune(f["activity"])) > 200 {
			errs.Add("activity", "error.too_long")
		}
		return f["volunteer_id"] + "|" + f["date"] + "|" + f["minutes"] + "|" + f["activity"], errs, nil
	}
	return "", errs, fmt.Errorf("import kind %q", kind)
}

func (a *App) importTarget(ctx context.Context, communityID int64) (Target, error) {
	t, err := a.communityTarget(ctx, communityID)
	if IsCode(err, ENOTFOUND) {
		fe := FieldErrors{}
		fe.Add("community_id", "error.unknown_ref")
		return t, fe.Err()
	}
	return t, err
}

// PreviewImport reads a file, checks every row and stores the job with its report. Nothing
// but the job is written. A file that cannot be read at all (not CSV/XLSX, no header, too
// large) is refused with a field error on "file" and no job.
func (a *App) PreviewImport(ctx context.Context, in ImportInput) (*ImportView, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	t, err := a.importTarget(ctx, in.CommunityID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActImportManage, t); err != nil {
		return nil, err
	}
	sh, err := readSheet(in.Data)
	if err != nil {
		return nil, err
	}
	k := importKinds[in.Kind]
	h, err := findHeader(sh, k)
	if err != nil {
		return nil, err
	}
	env, err := a.importEnv(ctx, in.Kind, in.CommunityID)
	if err != nil {
		return nil, err
	}
	rep := ImportReport{HeaderRow: h.Row, Columns: h.Text, Ignored: h.Ignored, Converted: sh.Converted, Errors: []ImportRowError{}, Duplicates: []ImportDuplicate{}}
	var recs []importRecord
	for i := h.Row; i < len(sh.Rows); i++ {
		row := sh.Rows[i]
		if blankRow(row) {
			continue
		}
		if len(recs) >= MaxImportRows {
			return nil, fileError("import.error.too_many_rows", "max", MaxImportRows)
		}
		num := i + 1
		rec := importRecord{Row: num, Fields: map[string]string{}}
		errs := FieldErrors{}
		for field := range h.Cols {
			v, addr, _ := h.cell(row, num, field)
			if sh.Formulas[addr] || (!sh.XLSX && strings.HasPrefix(v, "=")) {
				errs.Add(field, "import.error.formula")
			}
			rec.Fields[field] = v
		}
		key, rowErrs, err := a.checkRow(ctx, in.Kind, env, rec.Fields)
		if err != nil {
			return nil, err
		}
		for f, m := range rowErrs {
			errs.Add(f, m.ID, argsKV(m.Args)...)
		}
		rec.Key, rec.Valid = key, len(errs) == 0
		fields := make([]string, 0, len(errs))
		for f := range errs {
			fields = append(fields, f)
		}
		slices.SortFunc(fields, func(x, y string) int { return h.Cols[x] - h.Cols[y] })
		for _, f := range fields {
			col, addr := h.Text[f], ""
			if _, a2, ok := h.cell(row, num, f); ok {
				addr = a2
			}
			if col == "" {
				col = f
			}
			rep.Errors = append(rep.Errors, ImportRowError{Row: num, Column: col, Cell: addr, Field: f, Message: errs[f]})
		}
		recs = append(recs, rec)
	}
	if len(recs) == 0 {
		return nil, fileError("import.error.no_rows")
	}
	dups, err := a.markDuplicates(ctx, in.Kind, env, recs)
	if err != nil {
		return nil, err
	}
	rep.Duplicates = dups
	payload, err := json.Marshal(recs)
	if err != nil {
		return nil, fmt.Errorf("encode import rows: %w", err)
	}
	report, err := json.Marshal(rep)
	if err != nil {
		return nil, fmt.Errorf("encode import report: %w", err)
	}
	sum := sha256.Sum256(in.Data)
	j := &ImportJob{Kind: in.Kind, CommunityID: in.CommunityID, CreatedBy: p.User.ID, Status: ImportPreviewed, FileName: in.FileName,
		FileSHA256: hex.EncodeToString(sum[:]), Rows: len(recs), Duplicates: len(dups), Report: string(report), Payload: string(payload), CreatedAt: a.Now()}
	for _, r := range recs {
		if r.Valid {
			j.Valid++
		}
	}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateImportJob(ctx, j); err != nil {
			return err
		}
		return a.audit(ctx, "import.previewed", "import", j.ID, j.CommunityID, map[string]any{"kind": j.Kind, "rows": j.Rows, "valid": j.Valid})
	})
	if err != nil {
		return nil, err
	}
	return &ImportView{ImportJob: j, Report: rep}, nil
}

func argsKV(m map[string]any) []any {
	out := make([]any, 0, 2*len(m))
	for k, v := range m {
		out = append(out, k, v)
	}
	return out
}

func blankRow(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// markDuplicates finds rows repeating an earlier valid row (the later one is the duplicate)
// or an existing record, and records the existing id in the row.
func (a *App) markDuplicates(ctx context.Context, kind string, env *importEnv, recs []importRecord) ([]ImportDuplicate, error) {
	var existing map[string]int64
	switch kind {
	case ImportVolunteers:
		existing = env.mobiles
	case ImportOrganizations:
		var codes []string
		for _, r := range recs {
			if r.Key != "" {
				codes = append(codes, r.Key)
			}
		}
		m, err := a.store.OrganizationCodes(ctx, codes)
		if err != nil {
			return nil, err
		}
		existing = m
	case ImportHours:
		var ids []int64
		for _, r := range recs {
			var id int64
			if _, err := fmt.Sscan(r.Fields["volunteer_id"], &id); err == nil {
				ids = append(ids, id)
			}
		}
		hs, err := a.store.TasklessHours(ctx, dedupe(ids))
		if err != nil {
			return nil, err
		}
		existing = map[string]int64{}
		for _, h := range hs {
			existing[fmt.Sprintf("%d|%s|%d|%s", h.VolunteerID, h.WorkDate.In(a.loc).Format(time.DateOnly), h.Minutes, strings.TrimSpace(h.Activity))] = h.ID
		}
	}
	seen := map[string]int{}
	out := []ImportDuplicate{}
	for i := range recs {
		r := &recs[i]
		r.DupOf = 0
		delete(r.Fields, "existing_id")
		if !r.Valid || r.Key == "" || strings.HasPrefix(r.Key, "|") {
			continue
		}
		if first, ok := seen[r.Key]; ok {
			r.DupOf = first
			out = append(out, ImportDuplicate{Row: r.Row, Kind: DupInFile, Key: maskKey(kind, r.Key), OfRow: first})
			continue
		}
		seen[r.Key] = r.Row
		if id, ok := existing[r.Key]; ok {
			r.Fields["existing_id"] = fmt.Sprint(id)
			out = append(out, ImportDuplicate{Row: r.Row, Kind: DupExisting, Key: maskKey(kind, r.Key), ExistingID: id})
		}
	}
	return out, nil
}

// maskKey shows a duplicate's key without repeating a full mobile number in reports.
func maskKey(kind, key string) string {
	if kind == ImportVolunteers {
		return MaskMobile(key)
	}
	if kind == ImportHours {
		return ""
	}
	return key
}

func (a *App) importView(j *ImportJob) (*ImportView, error) {
	v := &ImportView{ImportJob: j}
	if j.Report != "" {
		if err := json.Unmarshal([]byte(j.Report), &v.Report); err != nil {
			return nil, fmt.Errorf("decode import report %d: %w", j.ID, err)
		}
	}
	return v, nil
}

// Import returns a job and its report (the uploader and managers of its community).
func (a *App) Import(ctx context.Context, id int64) (*ImportView, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	j, err := a.store.FindImportJob(ctx, id)
	if err != nil {
		return nil, err
	}
	t, err := a.communityTarget(ctx, j.CommunityID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActImportManage, t); err != nil {
		return nil, err
	}
	return a.importView(j)
}
