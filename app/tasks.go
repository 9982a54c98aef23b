package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
)

// Task statuses.
const (
	TaskOpen      = "open"
	TaskClosed    = "closed"
	TaskCancelled = "cancelled"
)

// TaskStatuses lists every task status.
var TaskStatuses = []string{TaskOpen, TaskClosed, TaskCancelled}

// Sign-up statuses: invited → signed_up → attended | no_show | cancelled.
const (
	SignupInvited   = "invited"
	SignupSignedUp  = "signed_up"
	SignupAttended  = "attended"
	SignupNoShow    = "no_show"
	SignupCancelled = "cancelled"
)

// SignupStatuses lists every sign-up status.
var SignupStatuses = []string{SignupInvited, SignupSignedUp, SignupAttended, SignupNoShow, SignupCancelled}

// activeSignup lists the statuses that hold a place in a shift.
var activeSignup = []string{SignupInvited, SignupSignedUp, SignupAttended}

// Sign-up sources: who put the volunteer on the shift.
const (
	SourceSelf     = "self"
	SourceInvited  = "invited"
	SourceAssigned = "assigned"
)

// Hours kinds record where an hours entry came from, as volunteer-record rules require.
const (
	HoursCheckin     = "checkin"     // automatic, from check-in and check-out with the shift code
	HoursCoordinator = "coordinator" // added by a coordinator, with a reason
	HoursSelfReport  = "self_report" // reported by the volunteer, pending approval
)

// HoursKinds lists the kinds of hours entry.
var HoursKinds = []string{HoursCheckin, HoursCoordinator, HoursSelfReport}

// Hours entry statuses.
const (
	HoursPending  = "pending"
	HoursApproved = "approved"
	HoursRejected = "rejected"
)

// HoursStatuses lists every hours status.
var HoursStatuses = []string{HoursPending, HoursApproved, HoursRejected}

// Task is volunteer work produced by a need or a project (or set up by a worker on its own).
type Task struct {
	ID            int64     `json:"id" gorm:"primaryKey"`
	CommunityID   int64     `json:"community_id"`
	GridID        *int64    `json:"grid_id"`
	NeedID        *int64    `json:"need_id"`
	ProjectID     *int64    `json:"project_id"`
	Title         string    `json:"title"`
	Description   string    `json:"description"`
	Category      string    `json:"category"`
	Lat           *float64  `json:"lat"`
	Lng           *float64  `json:"lng"`
	Headcount     int       `json:"headcount"`
	CoordinatorID int64     `json:"coordinator_id"`
	Status        string    `json:"status"`
	CreatedBy     int64     `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Skills        []string  `json:"skills" gorm:"-"`
}

// Shift is one time slot of a task. The check-in code is shown only to coordinators, who
// give it to volunteers on site.
type Shift struct {
	ID          int64     `json:"id" gorm:"primaryKey"`
	TaskID      int64     `json:"task_id"`
	StartsAt    time.Time `json:"starts_at"`
	EndsAt      time.Time `json:"ends_at"`
	Capacity    int       `json:"capacity"`
	CheckinCode string    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// Hours is the shift's length in hours.
func (s *Shift) Hours() float64 { return s.EndsAt.Sub(s.StartsAt).Hours() }

// Signup puts a volunteer on a shift.
type Signup struct {
	ID           int64      `json:"id" gorm:"primaryKey"`
	ShiftID      int64      `json:"shift_id"`
	TaskID       int64      `json:"task_id"`
	VolunteerID  int64      `json:"volunteer_id"`
	Status       string     `json:"status"`
	Source       string     `json:"source"`
	InvitedBy    *int64     `json:"invited_by"`
	CheckedInAt  *time.Time `json:"checked_in_at"`
	CheckedOutAt *time.Time `json:"checked_out_at"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// HoursEntry is one line of a volunteer's hours ledger. Minutes are whole minutes.
type HoursEntry struct {
	ID           int64      `json:"id" gorm:"primaryKey"`
	VolunteerID  int64      `json:"volunteer_id"`
	TaskID       *int64     `json:"task_id"`
	ShiftID      *int64     `json:"shift_id"`
	SignupID     *int64     `json:"signup_id"`
	Kind         string     `json:"kind"`
	Status       string     `json:"status"`
	WorkDate     time.Time  `json:"work_date"`
	Minutes      int        `json:"minutes"`
	Activity     string     `json:"activity"`
	Reason       string     `json:"reason"`
	RecordedBy   int64      `json:"recorded_by"`
	DecidedBy    *int64     `json:"decided_by"`
	DecidedAt    *time.Time `json:"decided_at"`
	DecisionNote string     `json:"decision_note"`
	CreatedAt    time.Time  `json:"created_at"`
}

// Evaluation is a resident's 1–5 star rating of a volunteer or an organization.
type Evaluation struct {
	ID          int64     `json:"id" gorm:"primaryKey"`
	SubjectKind string    `json:"subject_kind"`
	SubjectID   int64     `json:"subject_id"`
	CommunityID int64     `json:"community_id"`
	AuthorID    int64     `json:"author_id"`
	TaskID      *int64    `json:"task_id"`
	Stars       int       `json:"stars"`
	Comment     string    `json:"comment"`
	CreatedAt   time.Time `json:"created_at"`
}

// CommunityProfile is a community's override of the default ranking profile of its kind,
// stored as the JSON of a matching.Profile.
type CommunityProfile struct {
	CommunityID int64     `json:"community_id" gorm:"primaryKey"`
	Profile     string    `json:"profile"`
	UpdatedBy   int64     `json:"updated_by"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// TaskFilter selects tasks.
type TaskFilter struct {
	CommunityID *int64
	NeedID      *int64
	ProjectID   *int64
	Statuses    []string
	IDs         []int64
	Q           string
	Page
}

// ShiftFilter selects shifts.
type ShiftFilter struct {
	TaskIDs     []int64
	CommunityID *int64
	OpenTasks   bool       // only shifts of open tasks
	From, To    *time.Time // starts_at in [From, To)
	IDs         []int64
}

// SignupFilter selects sign-ups.
type SignupFilter struct {
	ShiftIDs    []int64
	TaskID      *int64
	VolunteerID *int64
	Statuses    []string
}

// HoursFilter selects hours entries.
type HoursFilter struct {
	VolunteerID *int64
	TaskIDs     []int64
	Status      *string
}

// EvaluationStat summarises the evaluations of one subject.
type EvaluationStat struct {
	Count int
	Mean  float64
}

// ShowStat counts a volunteer's attended and missed shifts.
type ShowStat struct{ Shows, NoShows int }

// TaskStore persists tasks, shifts, sign-ups, hours, evaluations and ranking profiles.
type TaskStore interface {
	CreateTask(ctx context.Context, t *Task) error
	UpdateTask(ctx context.Context, t *Task) error
	FindTask(ctx context.Context, id int64) (*Task, error)
	FindTasks(ctx context.Context, f TaskFilter) ([]*Task, int, error)

	CreateShifts(ctx context.Context, ss []*Shift) error
	FindShift(ctx context.Context, id int64) (*Shift, error)
	FindShifts(ctx context.Context, f ShiftFilter) ([]*Shift, error)
	// SetShiftCapacity sets the capacity of the shifts with the given ids.
	SetShiftCapacity(ctx context.Context, ids []int64, capacity int) error

	CreateSignup(ctx context.Context, s *Signup) error
	UpdateSignup(ctx context.Context, s *Signup) error
	FindSignup(ctx context.Context, id int64) (*Signup, error)
	FindSignups(ctx context.Context, f SignupFilter) ([]*Signup, error)
	// ActiveSignupCounts counts the sign-ups holding a place (invited, signed up, attended) per shift.
	ActiveSignupCounts(ctx context.Context, shiftIDs []int64) (map[int64]int, error)
	// ShowStats counts attended and no-show sign-ups per volunteer (all volunteers when ids is nil).
	ShowStats(ctx context.Context, volunteerIDs []int64) (map[int64]ShowStat, error)
	// VolunteerLoads sums, per volunteer, the hours of shifts in [from, to) they are invited to or signed up for.
	VolunteerLoads(ctx context.Context, from, to time.Time) (map[int64]float64, error)
	// OrganizationLoads counts approved projects per organization: the work each already holds.
	OrganizationLoads(ctx context.Context) (map[int64]int, error)

	CreateHours(ctx context.Context, h *HoursEntry) error
	UpdateHours(ctx context.Context, h *HoursEntry) error
	FindHours(ctx context.Context, id int64) (*HoursEntry, error)
	FindHoursEntries(ctx context.Context, f HoursFilter) ([]*HoursEntry, error)

	CreateEvaluation(ctx context.Context, e *Evaluation) error
	// EvaluationStats summarises evaluations per subject id of one kind (all when ids is nil).
	EvaluationStats(ctx context.Context, kind string, ids []int64) (map[int64]EvaluationStat, error)

	// VolunteerNames returns the names of volunteers by id.
	VolunteerNames(ctx context.Context, ids []int64) (map[int64]string, error)
	// MatchVolunteers loads a community's active volunteers with what ranking needs (skills,
	// place, availability, weekly cap), leaving out biographies and contact details.
	MatchVolunteers(ctx context.Context, communityID int64) ([]*Volunteer, error)

	FindCommunityProfile(ctx context.Context, communityID int64) (*CommunityProfile, error)
	SaveCommunityProfile(ctx context.Context, p *CommunityProfile) error

	CheckinAttemptStore
}

// TaskInput creates a task from a need, a project or on its own.
type TaskInput struct {
	CommunityID   int64    `json:"community_id" form:"community_id"`
	GridID        *int64   `json:"grid_id" form:"grid_id"`
	NeedID        *int64   `json:"need_id" form:"need_id"`
	ProjectID     *int64   `json:"project_id" form:"project_id"`
	Title         string   `json:"title" form:"title" validate:"required,max=100"`
	Description   string   `json:"description" form:"description" validate:"max=4000"`
	Category      string   `json:"category" form:"category" validate:"max=64"`
	Skills        []string `json:"skills" form:"skills" validate:"max=20"`
	Lat           *float64 `json:"lat" form:"lat" validate:"omitempty,latitude"`
	Lng           *float64 `json:"lng" form:"lng" validate:"omitempty,longitude"`
	Headcount     int      `json:"headcount" form:"headcount" validate:"gte=1,lte=1000"`
	CoordinatorID *int64   `json:"coordinator_id" form:"coordinator_id"`
}

// ShiftInput adds shifts to a task: one shift (StartsAt, EndsAt), or a weekly recurrence —
// the given weekdays (1 = Monday … 7 = Sunday) from StartTime to EndTime ("11:00"), for
// Weeks weeks starting on FromDate ("2026-12-01"), in local time.
type ShiftInput struct {
	StartsAt  *time.Time `json:"starts_at" form:"-"`
	EndsAt    *time.Time `json:"ends_at" form:"-"`
	Weekdays  []int      `json:"weekdays" form:"weekdays"`
	StartTime string     `json:"start_time" form:"start_time"`
	EndTime   string     `json:"end_time" form:"end_time"`
	FromDate  string     `json:"from_date" form:"from_date"`
	Weeks     int        `json:"weeks" form:"weeks" validate:"gte=0,lte=52"`
	Capacity  int        `json:"capacity" form:"capacity" validate:"gte=1,lte=500"`
}

// MaxShiftsPerRequest bounds how many shifts one recurrence creates.
const MaxShiftsPerRequest = 366

func (a *App) taskTarget(ctx context.Context, t *Task) (Target, error) {
	tg, err := a.communityTarget(ctx, t.CommunityID)
	if err != nil {
		return tg, err
	}
	if t.GridID != nil {
		tg.GridID = *t.GridID
	}
	tg.AssigneeID = t.CoordinatorID
	return tg, nil
}

// checkTask validates a task input and fills community, grid and category from its need or project.
func (a *App) checkTask(ctx context.Context, in *TaskInput) (FieldErrors, error) {
	fe := FieldErrors{}
	if in.Headcount == 0 {
		in.Headcount = 1
	}
	in.Skills = dedupe(in.Skills)
	a.validate.Into(fe, in)
	if (in.Lat == nil) != (in.Lng == nil) {
		fe.Add("lng", "error.coordinate_pair")
	}
	if in.NeedID != nil && in.ProjectID != nil {
		fe.Add("project_id", "task.error.need_or_project")
	}
	if in.NeedID != nil {
		n, err := a.store.FindNeed(ctx, *in.NeedID)
		if IsCode(err, ENOTFOUND) {
			fe.Add("need_id", "error.unknown_ref")
		} else if err != nil {
			return nil, err
		} else {
			in.CommunityID, in.GridID = n.CommunityID, &n.GridID
			if in.Category == "" {
				in.Category = n.Category
			}
		}
	}
	if in.ProjectID != nil {
		p, err := a.store.FindProject(ctx, *in.ProjectID)
		if IsCode(err, ENOTFOUND) {
			fe.Add("project_id", "error.unknown_ref")
		} else if err != nil {
			return nil, err
		} else {
			in.CommunityID = p.CommunityID
			if in.GridID == nil {
				in.GridID = p.GridID
			}
			if in.Category == "" {
				in.Category = p.Category
			}
		}
	}
	if in.CommunityID == 0 {
		fe.Add("community_id", "error.required")
	} else if _, err := a.store.FindCommunity(ctx, in.CommunityID); IsCode(err, ENOTFOUND) {
		fe.Add("community_id", "error.unknown_ref")
	} else if err != nil {
		return nil, err
	}
	if in.GridID != nil {
		g, err := a.store.FindGrid(ctx, *in.GridID)
		if IsCode(err, ENOTFOUND) {
			fe.Add("grid_id", "error.unknown_ref")
		} else if err != nil {
			return nil, err
		} else if g.CommunityID != in.CommunityID {
			fe.Add("grid_id", "error.grid_not_in_community")
		}
	}
	if in.Category == "" {
		fe.Add("category", "error.required")
	} else if ok, err := a.categoryExists(ctx, in.Category); err != nil {
		return nil, err
	} else if !ok {
		fe.Add("category", "error.unknown_ref")
	}
	if ok, err := a.skillsExist(ctx, in.Skills); err != nil {
		return nil, err
	} else if !ok {
		fe.Add("skills", "error.unknown_ref")
	}
	if in.CoordinatorID != nil {
		if _, err := a.store.FindUser(ctx, *in.CoordinatorID); IsCode(err, ENOTFOUND) {
			fe.Add("coordinator_id", "error.unknown_ref")
		} else if err != nil {
			return nil, err
		}
	}
	return fe, nil
}

// CreateTask creates a task (front-desk workers of its place). The coordinator defaults to the
// creator; a task made from a need or a project takes its community, grid and category.
func (a *App) CreateTask(ctx context.Context, in TaskInput) (*Task, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe, err := a.checkTask(ctx, &in)
	if err != nil {
		return nil, err
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	now := a.Now()
	t := &Task{CommunityID: in.CommunityID, GridID: in.GridID, NeedID: in.NeedID, ProjectID: in.ProjectID, Title: in.Title,
		Description: in.Description, Category: in.Category, Skills: in.Skills, Lat: in.Lat, Lng: in.Lng, Headcount: in.Headcount,
		CoordinatorID: p.User.ID, Status: TaskOpen, CreatedBy: p.User.ID, CreatedAt: now, UpdatedAt: now}
	if in.CoordinatorID != nil {
		t.CoordinatorID = *in.CoordinatorID
	}
	tg, err := a.taskTarget(ctx, t)
	if err != nil {
		return nil, err
	}
	tg.AssigneeID = 0 // naming yourself coordinator does not let you create tasks
	if err := Authorize(p, ActTaskManage, tg); err != nil {
		return nil, err
	}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateTask(ctx, t); err != nil {
			return err
		}
		return a.audit(ctx, "task.created", "task", t.ID, t.CommunityID, nil)
	})
	return t, err
}

// parseClock reads "11:00" into minutes after midnight.
func parseClock(s string) (int, bool) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// expandShifts turns a ShiftInput into concrete shifts, or reports what is wrong.
func (a *App) expandShifts(in ShiftInput) ([]*Shift, FieldErrors) {
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if len(fe) > 0 {
		return nil, fe
	}
	one := in.StartsAt != nil || in.EndsAt != nil
	if one {
		switch {
		case in.StartsAt == nil:
			fe.Add("starts_at", "error.required")
		case in.EndsAt == nil:
			fe.Add("ends_at", "error.required")
		case !in.EndsAt.After(*in.StartsAt):
			fe.Add("ends_at", "error.end_before_start")
		case in.EndsAt.Sub(*in.StartsAt) > 24*time.Hour:
			fe.Add("ends_at", "task.error.shift_too_long")
		}
		if len(fe) > 0 {
			return nil, fe
		}
		return []*Shift{{StartsAt: in.StartsAt.UTC(), EndsAt: in.EndsAt.UTC(), Capacity: in.Capacity}}, nil
	}
	if len(in.Weekdays) == 0 {
		fe.Add("weekdays", "error.required")
	}
	for _, d := range in.Weekdays {
		if d < 1 || d > 7 {
			fe.Add("weekdays", "error.invalid_value")
		}
	}
	from, ok1 := parseClock(in.StartTime)
	to, ok2 := parseClock(in.EndTime)
	if !ok1 {
		fe.Add("start_time", "error.invalid_value")
	}
	if !ok2 {
		fe.Add("end_time", "error.invalid_value")
	}
	if ok1 && ok2 && to <= from {
		fe.Add("end_time", "error.end_before_start")
	}
	day, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(in.FromDate), a.loc)
	if err != nil {
		fe.Add("from_date", "error.invalid_value")
	}
	if in.Weeks < 1 {
		fe.Add("weeks", "error.too_small", "min", 1)
	}
	if len(fe) > 0 {
		return nil, fe
	}
	var out []*Shift
	for i := 0; i < in.Weeks*7; i++ {
		d := day.AddDate(0, 0, i)
		wd := int(d.Weekday())
		if wd == 0 {
			wd = 7
		}
		if !slices.Contains(in.Weekdays, wd) {
			continue
		}
		start := time.Date(d.Year(), d.Month(), d.Day(), from/60, from%60, 0, 0, a.loc)
		end := time.Date(d.Year(), d.Month(), d.Day(), to/60, to%60, 0, 0, a.loc)
		out = append(out, &Shift{StartsAt: start.UTC(), EndsAt: end.UTC(), Capacity: in.Capacity})
	}
	if len(out) == 0 {
		fe.Add("weekdays", "task.error.no_shifts")
	} else if len(out) > MaxShiftsPerRequest {
		fe.Add("weeks", "task.error.too_many_shifts", "max", MaxShiftsPerRequest)
	}
	return out, fe
}

// newCheckinCode makes a 6-digit code volunteers type on site to check in and out.
func newCheckinCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("check-in code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// AddShifts adds one shift or a weekly series to a task (its coordinator or front-desk workers).
func (a *App) AddShifts(ctx context.Context, taskID int64, in ShiftInput) ([]*Shift, error) {
	p := PrincipalFrom(ctx)
	t, err := a.store.FindTask(ctx, taskID)
	if err != nil {
		return nil, err
	}
	tg, err := a.taskTarget(ctx, t)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActTaskManage, tg); err != nil {
		return nil, err
	}
	if in.Capacity == 0 {
		in.Capacity = t.Headcount
	}
	shifts, fe := a.expandShifts(in)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if t.Status != TaskOpen {
		return nil, Errorf(ECONFLICT, "error.bad_transition", "from", t.Status, "action", "add_shifts")
	}
	now := a.Now()
	for _, s := range shifts {
		s.TaskID, s.CreatedAt = t.ID, now
		if s.CheckinCode, err = newCheckinCode(); err != nil {
			return nil, err
		}
	}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateShifts(ctx, shifts); err != nil {
			return err
		}
		return a.audit(ctx, "task.shifts_added", "task", t.ID, t.CommunityID, map[string]any{"shifts": len(shifts)})
	})
	return shifts, err
}

// ShiftView is a shift with how many places are taken and, for coordinators, its code.
type ShiftView struct {
	*Shift
	Taken int `json:"taken"`
	// Code is the check-in code, shown only to those who manage the task.
	Code string `json:"checkin_code,omitempty"`
	// Mine is the principal's own sign-up on this shift, if any.
	Mine *Signup `json:"mine,omitempty"`
}

// SignupView is a sign-up with the volunteer's name (masked unless the viewer manages the task).
type SignupView struct {
	*Signup
	VolunteerName string `json:"volunteer_name"`
}

// TaskView is a task as a principal may see it.
type TaskView struct {
	*Task
	Shifts    []*ShiftView  `json:"shifts"`
	Signups   []*SignupView `json:"signups,omitempty"`
	Pending   []*HoursEntry `json:"pending_hours,omitempty"`
	CanManage bool          `json:"can_manage"`
	CanRank   bool          `json:"can_rank"`
	// Volunteer is the principal's own volunteer profile id, 0 if none.
	Volunteer int64 `json:"-"`
}

// myVolunteer returns the principal's volunteer profile, or nil.
func (a *App) myVolunteer(ctx context.Context) (*Volunteer, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, nil
	}
	vs, _, err := a.store.FindVolunteers(ctx, VolunteerFilter{UserID: ptr(p.User.ID), Page: Page{Page: 1, PerPage: 1}})
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	return vs[0], nil
}

// TaskDetail returns a task with its upcoming and past shifts; coordinators also see the
// sign-ups, check-in codes and pending self-reported hours.
func (a *App) TaskDetail(ctx context.Context, id int64) (*TaskView, error) {
	t, err := a.store.FindTask(ctx, id)
	if err != nil {
		return nil, err
	}
	tg, err := a.taskTarget(ctx, t)
	if err != nil {
		return nil, err
	}
	p := PrincipalFrom(ctx)
	v := &TaskView{Task: t, CanManage: Can(p, ActTaskManage, tg), CanRank: Can(p, ActMatchView, tg), Shifts: []*ShiftView{}}
	shifts, err := a.store.FindShifts(ctx, ShiftFilter{TaskIDs: []int64{t.ID}})
	if err != nil {
		return nil, err
	}
	sids := make([]int64, len(shifts))
	for i, s := range shifts {
		sids[i] = s.ID
	}
	counts, err := a.store.ActiveSignupCounts(ctx, sids)
	if err != nil {
		return nil, err
	}
	me, err := a.myVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	mine := map[int64]*Signup{}
	if me != nil {
		v.Volunteer = me.ID
		ss, err := a.store.FindSignups(ctx, SignupFilter{TaskID: &t.ID, VolunteerID: &me.ID})
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			mine[s.ShiftID] = s
		}
	}
	for _, s := range shifts {
		sv := &ShiftView{Shift: s, Taken: counts[s.ID], Mine: mine[s.ID]}
		if v.CanManage {
			sv.Code = s.CheckinCode
		}
		v.Shifts = append(v.Shifts, sv)
	}
	if v.CanManage {
		ss, err := a.store.FindSignups(ctx, SignupFilter{TaskID: &t.ID})
		if err != nil {
			return nil, err
		}
		names, err := a.volunteerNames(ctx, signupVolunteers(ss))
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			name := names[s.VolunteerID]
			if s.Status == SignupInvited || s.Status == SignupCancelled {
				// Inviting a volunteer of another community by id must not tell who that is:
				// until they accept, their name shows as their public profile shows it.
				if hide, err := a.hiddenOutsider(ctx, p, t, s.VolunteerID); err != nil {
					return nil, err
				} else if hide {
					name = MaskName(name)
				}
			}
			v.Signups = append(v.Signups, &SignupView{Signup: s, VolunteerName: name})
		}
		if v.Pending, err = a.store.FindHoursEntries(ctx, HoursFilter{TaskIDs: []int64{t.ID}, Status: ptr(HoursPending)}); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// hiddenOutsider reports whether a volunteer belongs to another community than the task's and
// the principal may not see their private profile.
func (a *App) hiddenOutsider(ctx context.Context, p *Principal, t *Task, volunteerID int64) (bool, error) {
	vol, err := a.store.FindVolunteer(ctx, volunteerID)
	if err != nil {
		return false, err
	}
	if vol.CommunityID == t.CommunityID {
		return false, nil
	}
	vt, err := a.communityTarget(ctx, vol.CommunityID)
	if err != nil {
		return false, err
	}
	return !Can(p, ActVolunteerViewPrivate, volunteerTarget(vol, vt)), nil
}

func signupVolunteers(ss []*Signup) []int64 {
	out := make([]int64, len(ss))
	for i, s := range ss {
		out[i] = s.VolunteerID
	}
	return out
}

// volunteerNames loads volunteers' names by id in one query.
func (a *App) volunteerNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	return a.store.VolunteerNames(ctx, dedupe(ids))
}

// Tasks lists tasks (public: title, category, place and shifts' times).
func (a *App) Tasks(ctx context.Context, f TaskFilter) ([]*Task, int, error) {
	f.Page = f.Page.Normalize()
	return a.store.FindTasks(ctx, f)
}

// overlaps reports whether two intervals share time (touching is not overlapping).
func overlaps(a1, a2, b1, b2 time.Time) bool { return a1.Before(b2) && b1.Before(a2) }

// SignUp puts the signed-in volunteer on a shift (or accepts an invitation). The shift must be
// in the future with a place left, and must not overlap another shift the volunteer holds.
func (a *App) SignUp(ctx context.Context, shiftID int64) (*Signup, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	var out *Signup
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		me, err := a.myVolunteer(ctx)
		if err != nil {
			return err
		}
		if me == nil {
			return Errorf(EFORBIDDEN, "task.error.not_volunteer")
		}
		vt, err := a.communityTarget(ctx, me.CommunityID)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActTaskSignup, volunteerTarget(me, vt)); err != nil {
			return err
		}
		sh, err := a.store.FindShift(ctx, shiftID)
		if err != nil {
			return err
		}
		t, err := a.store.FindTask(ctx, sh.TaskID)
		if err != nil {
			return err
		}
		if t.CommunityID != me.CommunityID {
			// Volunteers serve their own community; a coordinator may invite from elsewhere.
			return Errorf(EFORBIDDEN, "task.error.other_community")
		}
		if t.Status != TaskOpen || !sh.StartsAt.After(a.Now()) {
			return Errorf(ECONFLICT, "task.error.shift_closed")
		}
		held, err := a.store.FindSignups(ctx, SignupFilter{VolunteerID: &me.ID, Statuses: []string{SignupInvited, SignupSignedUp}})
		if err != nil {
			return err
		}
		var existing *Signup
		var heldIDs []int64
		for _, s := range held {
			if s.ShiftID == sh.ID {
				existing = s
				continue
			}
			heldIDs = append(heldIDs, s.ShiftID)
		}
		if len(heldIDs) > 0 {
			others, err := a.store.FindShifts(ctx, ShiftFilter{IDs: heldIDs})
			if err != nil {
				return err
			}
			for _, o := range others {
				if overlaps(o.StartsAt, o.EndsAt, sh.StartsAt, sh.EndsAt) {
					return Errorf(ECONFLICT, "task.error.time_conflict")
				}
			}
		}
		now := a.Now()
		if existing != nil {
			if existing.Status == SignupSignedUp {
				out = existing
				return nil
			}
			existing.Status, existing.UpdatedAt = SignupSignedUp, now // accept the invitation
			out = existing
			if err := a.store.UpdateSignup(ctx, existing); err != nil {
				return err
			}
			return a.audit(ctx, "signup.accepted", "signup", existing.ID, t.CommunityID, nil)
		}
		counts, err := a.store.ActiveSignupCounts(ctx, []int64{sh.ID})
		if err != nil {
			return err
		}
		if counts[sh.ID] >= sh.Capacity {
			return Errorf(ECONFLICT, "task.error.shift_full")
		}
		prev, err := a.store.FindSignups(ctx, SignupFilter{ShiftIDs: []int64{sh.ID}, VolunteerID: &me.ID})
		if err != nil {
			return err
		}
		if len(prev) > 0 { // signing up again after cancelling (or a no-show on record stays)
			s := prev[0]
			if s.Status != SignupCancelled {
				return Errorf(ECONFLICT, "task.error.already_signed_up")
			}
			s.Status, s.Source, s.UpdatedAt = SignupSignedUp, SourceSelf, now
			out = s
			if err := a.store.UpdateSignup(ctx, s); err != nil {
				return err
			}
		} else {
			out = &Signup{ShiftID: sh.ID, TaskID: t.ID, VolunteerID: me.ID, Status: SignupSignedUp, Source: SourceSelf, CreatedAt: now, UpdatedAt: now}
			if err := a.store.CreateSignup(ctx, out); err != nil {
				return err
			}
		}
		return a.audit(ctx, "signup.created", "signup", out.ID, t.CommunityID, nil)
	})
	return out, err
}

// signupContext loads a sign-up with its shift, task and volunteer and their targets.
type signupContext struct {
	s   *Signup
	sh  *Shift
	t   *Task
	v   *Volunteer
	tg  Target // the task's target
	vtg Target // the volunteer's target
}

func (a *App) loadSignup(ctx context.Context, id int64) (*signupContext, error) {
	c := &signupContext{}
	var err error
	if c.s, err = a.store.FindSignup(ctx, id); err != nil {
		return nil, err
	}
	if c.sh, err = a.store.FindShift(ctx, c.s.ShiftID); err != nil {
		return nil, err
	}
	if c.t, err = a.store.FindTask(ctx, c.s.TaskID); err != nil {
		return nil, err
	}
	if c.v, err = a.store.FindVolunteer(ctx, c.s.VolunteerID); err != nil {
		return nil, err
	}
	if c.tg, err = a.taskTarget(ctx, c.t); err != nil {
		return nil, err
	}
	vt, err := a.communityTarget(ctx, c.v.CommunityID)
	if err != nil {
		return nil, err
	}
	c.vtg = volunteerTarget(c.v, vt)
	return c, nil
}

// CancelSignup withdraws a volunteer from a shift before it starts (the volunteer, or the
// task's coordinators).
func (a *App) CancelSignup(ctx context.Context, id int64) (*Signup, error) {
	p := PrincipalFrom(ctx)
	var out *Signup
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		c, err := a.loadSignup(ctx, id)
		if err != nil {
			return err
		}
		if Authorize(p, ActTaskSignup, c.vtg) != nil {
			if err := Authorize(p, ActTaskManage, c.tg); err != nil {
				return err
			}
		}
		if c.s.Status != SignupInvited && c.s.Status != SignupSignedUp {
			return Errorf(ECONFLICT, "error.bad_transition", "from", c.s.Status, "action", "cancel")
		}
		if !c.sh.StartsAt.After(a.Now()) {
			return Errorf(ECONFLICT, "task.error.shift_started")
		}
		c.s.Status, c.s.UpdatedAt = SignupCancelled, a.Now()
		out = c.s
		if err := a.store.UpdateSignup(ctx, c.s); err != nil {
			return err
		}
		return a.audit(ctx, "signup.cancelled", "signup", c.s.ID, c.t.CommunityID, nil)
	})
	return out, err
}

// InviteInput invites volunteers to a shift.
type InviteInput struct {
	ShiftID      int64   `json:"shift_id" form:"shift_id" validate:"required"`
	VolunteerIDs []int64 `json:"volunteer_ids" form:"volunteer_ids" validate:"required,min=1,max=100"`
}

// Invite puts volunteers on a shift as invited (the task's coordinators); each may accept by
// signing up or decline by cancelling. Volunteers already on the shift are skipped.
func (a *App) Invite(ctx context.Context, taskID int64, in InviteInput) ([]*Signup, error) {
	p := PrincipalFrom(ctx)
	if err := a.validate.Struct(in); err != nil {
		return nil, err
	}
	var out []*Signup
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		t, err := a.store.FindTask(ctx, taskID)
		if err != nil {
			return err
		}
		tg, err := a.taskTarget(ctx, t)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActTaskManage, tg); err != nil {
			return err
		}
		sh, err := a.store.FindShift(ctx, in.ShiftID)
		if IsCode(err, ENOTFOUND) || (err == nil && sh.TaskID != t.ID) {
			return FieldErrors{"shift_id": Msg("error.unknown_ref")}.Err()
		} else if err != nil {
			return err
		}
		if t.Status != TaskOpen || !sh.StartsAt.After(a.Now()) {
			return Errorf(ECONFLICT, "task.error.shift_closed")
		}
		counts, err := a.store.ActiveSignupCounts(ctx, []int64{sh.ID})
		if err != nil {
			return err
		}
		existing, err := a.store.FindSignups(ctx, SignupFilter{ShiftIDs: []int64{sh.ID}})
		if err != nil {
			return err
		}
		on := map[int64]*Signup{}
		for _, s := range existing {
			on[s.VolunteerID] = s
		}
		taken, now := counts[sh.ID], a.Now()
		for _, vid := range dedupe(in.VolunteerIDs) {
			// Only the task's community's volunteers: they alone may accept (SignUp), and an
			// invitation counts against a volunteer's weekly load, so inviting another
			// community's volunteers would only push them down their own community's rankings.
			v, err := a.store.FindVolunteer(ctx, vid)
			if IsCode(err, ENOTFOUND) || (err == nil && v.CommunityID != t.CommunityID) {
				return FieldErrors{"volunteer_ids": Msg("error.unknown_ref")}.Err()
			} else if err != nil {
				return err
			}
			if s := on[vid]; s != nil && s.Status != SignupCancelled {
				continue
			}
			if taken >= sh.Capacity {
				return Errorf(ECONFLICT, "task.error.shift_full")
			}
			s := on[vid]
			if s != nil {
				s.Status, s.Source, s.InvitedBy, s.UpdatedAt = SignupInvited, SourceInvited, ptr(p.User.ID), now
				err = a.store.UpdateSignup(ctx, s)
			} else {
				s = &Signup{ShiftID: sh.ID, TaskID: t.ID, VolunteerID: vid, Status: SignupInvited, Source: SourceInvited,
					InvitedBy: ptr(p.User.ID), CreatedAt: now, UpdatedAt: now}
				err = a.store.CreateSignup(ctx, s)
			}
			if err != nil {
				return err
			}
			taken++
			out = append(out, s)
		}
		return a.audit(ctx, "task.invited", "task", t.ID, t.CommunityID, map[string]any{"shift_id": sh.ID, "invited": len(out)})
	})
	return out, err
}

// Check-in windows: a volunteer may check in from an hour before the shift until it ends, and
// check out until four hours after it ends; later, a coordinator adds the hours by hand.
const (
	checkinEarly = time.Hour
	checkoutLate = 4 * time.Hour
)

// CheckInput carries the shift's code for check-in or check-out.
type CheckInput struct {
	Code string `json:"code" form:"code" validate:"required,len=6,numeric"`
}

// mySignupOn loads the principal's sign-up on a shift and checks the shift's code.
func (a *App) mySignupOn(ctx context.Context, shiftID int64, code string) (*signupContext, error) {
	if err := a.validate.Struct(CheckInput{Code: code}); err != nil {
		return nil, err
	}
	c, err := a.findMySignup(ctx, shiftID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(code) != c.sh.CheckinCode {
		return nil, FieldErrors{"code": Msg("task.error.wrong_code")}.Err()
	}
	return c, nil
}

// findMySignup loads the principal's sign-up on a shift, if they may act on it.
func (a *App) findMySignup(ctx context.Context, shiftID int64) (*signupContext, error) {
	me, err := a.myVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	if me == nil {
		return nil, Errorf(EFORBIDDEN, "task.error.not_volunteer")
	}
	ss, err := a.store.FindSignups(ctx, SignupFilter{ShiftIDs: []int64{shiftID}, VolunteerID: &me.ID})
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		if _, err := a.store.FindShift(ctx, shiftID); err != nil {
			return nil, err
		}
		return nil, Errorf(EFORBIDDEN, "task.error.not_signed_up")
	}
	c, err := a.loadSignup(ctx, ss[0].ID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActTaskSignup, c.vtg); err != nil {
		return nil, err
	}
	return c, nil
}

// CheckIn records the signed-in volunteer's arrival with the shift's code.
func (a *App) CheckIn(ctx context.Context, shiftID int64, code string) (*Signup, error) {
	if err := a.guardCode(ctx, shiftID, code); err != nil {
		return nil, err
	}
	var out *Signup
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		c, err := a.mySignupOn(ctx, shiftID, code)
		if err != nil {
			return err
		}
		now := a.Now()
		if c.s.Status != SignupSignedUp && c.s.Status != SignupInvited {
			return Errorf(ECONFLICT, "error.bad_transition", "from", c.s.Status, "action", "check_in")
		}
		if now.Before(c.sh.StartsAt.Add(-checkinEarly)) || !now.Before(c.sh.EndsAt) {
			return Errorf(ECONFLICT, "task.error.outside_checkin")
		}
		if c.s.CheckedInAt != nil {
			out = c.s
			return nil
		}
		c.s.Status, c.s.CheckedInAt, c.s.UpdatedAt = SignupSignedUp, &now, now
		out = c.s
		if err := a.store.UpdateSignup(ctx, c.s); err != nil {
			return err
		}
		return a.audit(ctx, "signup.checked_in", "signup", c.s.ID, c.t.CommunityID, nil)
	})
	return out, err
}

// CheckoutMinutes is the time credited for a check-in/check-out pair: the time between them
// that falls inside the shift, so arriving early or leaving late does not add hours.
func CheckoutMinutes(sh *Shift, in, out time.Time) int {
	from, to := in, out
	if from.Before(sh.StartsAt) {
		from = sh.StartsAt
	}
	if to.After(sh.EndsAt) {
		to = sh.EndsAt
	}
	if !to.After(from) {
		return 0
	}
	return int(to.Sub(from) / time.Minute)
}

// CheckOut records the volunteer's departure with the shift's code, marks them attended and
// writes the automatic hours entry.
func (a *App) CheckOut(ctx context.Context, shiftID int64, code string) (*HoursEntry, error) {
	if err := a.guardCode(ctx, shiftID, code); err != nil {
		return nil, err
	}
	var out *HoursEntry
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		c, err := a.mySignupOn(ctx, shiftID, code)
		if err != nil {
			return err
		}
		now := a.Now()
		if c.s.CheckedInAt == nil || c.s.CheckedOutAt != nil {
			return Errorf(ECONFLICT, "task.error.not_checked_in")
		}
		if now.After(c.sh.EndsAt.Add(checkoutLate)) {
			return Errorf(ECONFLICT, "task.error.outside_checkin")
		}
		c.s.Status, c.s.CheckedOutAt, c.s.UpdatedAt = SignupAttended, &now, now
		if err := a.store.UpdateSignup(ctx, c.s); err != nil {
			return err
		}
		if m := CheckoutMinutes(c.sh, *c.s.CheckedInAt, now); m > 0 {
			out = &HoursEntry{VolunteerID: c.v.ID, TaskID: &c.t.ID, ShiftID: &c.sh.ID, SignupID: &c.s.ID, Kind: HoursCheckin,
				Status: HoursApproved, WorkDate: c.sh.StartsAt, Minutes: m, Activity: c.t.Title, RecordedBy: PrincipalFrom(ctx).User.ID, CreatedAt: now}
			if err := a.store.CreateHours(ctx, out); err != nil {
				return err
			}
		}
		return a.audit(ctx, "signup.checked_out", "signup", c.s.ID, c.t.CommunityID, nil)
	})
	return out, err
}

// MarkNoShow records that a volunteer missed a shift without cancelling (the task's
// coordinators, once the shift has started). No-shows lower the volunteer's reliability.
func (a *App) MarkNoShow(ctx context.Context, signupID int64) (*Signup, error) {
	p := PrincipalFrom(ctx)
	var out *Signup
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		c, err := a.loadSignup(ctx, signupID)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActTaskManage, c.tg); err != nil {
			return err
		}
		// Only an accepted sign-up can be missed: an invitation nobody accepted is no
		// commitment, and marking it would lower the reliability of whoever was invited.
		if c.s.Status != SignupSignedUp || c.s.CheckedInAt != nil {
			return Errorf(ECONFLICT, "error.bad_transition", "from", c.s.Status, "action", "no_show")
		}
		if c.sh.StartsAt.After(a.Now()) {
			return Errorf(ECONFLICT, "task.error.shift_not_started")
		}
		c.s.Status, c.s.UpdatedAt = SignupNoShow, a.Now()
		out = c.s
		if err := a.store.UpdateSignup(ctx, c.s); err != nil {
			return err
		}
		return a.audit(ctx, "signup.no_show", "signup", c.s.ID, c.t.CommunityID, nil)
	})
	return out, err
}

// HoursInput adds hours by hand: a coordinator's entry (Reason required) or a volunteer's self-report.
type HoursInput struct {
	VolunteerID int64  `json:"volunteer_id" form:"volunteer_id"`
	TaskID      int64  `json:"task_id" form:"task_id" validate:"required"`
	Date        string `json:"date" form:"date" validate:"required"`
	Minutes     int    `json:"minutes" form:"minutes" validate:"gte=1,lte=1440"`
	Activity    string `json:"activity" form:"activity" validate:"max=200"`
	Reason      string `json:"reason" form:"reason" validate:"max=500"`
}

func (a *App) checkHours(ctx context.Context, in *HoursInput, fe FieldErrors) (*Task, time.Time) {
	a.validate.Into(fe, in)
	var day time.Time
	if in.Date != "" {
		d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(in.Date), a.loc)
		if err != nil {
			fe.Add("date", "error.invalid_value")
		} else if d.After(a.Now()) {
			fe.Add("date", "task.error.future_date")
		}
		day = d
	}
	var t *Task
	if in.TaskID != 0 {
		var err error
		if t, err = a.store.FindTask(ctx, in.TaskID); err != nil {
			fe.Add("task_id", "error.unknown_ref")
		}
	}
	return t, day
}

// AddHours records hours for a volunteer by hand (the task's coordinators): approved at once,
// kind "coordinator", with a reason kept beside the automatic entries.
func (a *App) AddHours(ctx context.Context, in HoursInput) (*HoursEntry, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe := FieldErrors{}
	t, day := a.checkHours(ctx, &in, fe)
	if strings.TrimSpace(in.Reason) == "" {
		fe.Add("reason", "error.reason_required")
	}
	var v *Volunteer
	if in.VolunteerID == 0 {
		fe.Add("volunteer_id", "error.required")
	} else if found, err := a.store.FindVolunteer(ctx, in.VolunteerID); IsCode(err, ENOTFOUND) {
		fe.Add("volunteer_id", "error.unknown_ref")
	} else if err != nil {
		return nil, err
	} else {
		v = found
	}
	if t != nil {
		tg, err := a.taskTarget(ctx, t)
		if err != nil {
			return nil, err
		}
		if err := Authorize(p, ActTaskManage, tg); err != nil {
			return nil, err
		}
		// The task's coordinators credit their community's volunteers, or a volunteer from
		// elsewhere who was put on the task; never the ledger of just any volunteer.
		if v != nil && v.CommunityID != t.CommunityID {
			on, err := a.store.FindSignups(ctx, SignupFilter{TaskID: &t.ID, VolunteerID: &v.ID})
			if err != nil {
				return nil, err
			}
			if len(on) == 0 {
				fe.Add("volunteer_id", "error.unknown_ref")
			}
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	activity := in.Activity
	if activity == "" {
		activity = t.Title
	}
	now := a.Now()
	h := &HoursEntry{VolunteerID: in.VolunteerID, TaskID: &t.ID, Kind: HoursCoordinator, Status: HoursApproved, WorkDate: day.UTC(),
		Minutes: in.Minutes, Activity: activity, Reason: strings.TrimSpace(in.Reason), RecordedBy: p.User.ID, DecidedBy: ptr(p.User.ID), DecidedAt: &now, CreatedAt: now}
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateHours(ctx, h); err != nil {
			return err
		}
		return a.audit(ctx, "hours.added", "hours", h.ID, t.CommunityID, map[string]any{"volunteer_id": in.VolunteerID, "minutes": in.Minutes, "reason": h.Reason})
	})
	return h, err
}

// ReportHours records hours the signed-in volunteer reports themselves, pending the task
// coordinators' approval.
func (a *App) ReportHours(ctx context.Context, in HoursInput) (*HoursEntry, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	me, err := a.myVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	if me == nil {
		return nil, Errorf(EFORBIDDEN, "task.error.not_volunteer")
	}
	in.VolunteerID = me.ID
	fe := FieldErrors{}
	t, day := a.checkHours(ctx, &in, fe)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	// Only a volunteer who was on the task (signed up, attended, even marked absent by
	// mistake) may report hours for it.
	on, err := a.store.FindSignups(ctx, SignupFilter{TaskID: &t.ID, VolunteerID: &me.ID, Statuses: []string{SignupSignedUp, SignupAttended, SignupNoShow}})
	if err != nil {
		return nil, err
	}
	if len(on) == 0 {
		return nil, Errorf(EFORBIDDEN, "task.error.not_signed_up")
	}
	activity := in.Activity
	if activity == "" {
		activity = t.Title
	}
	now := a.Now()
	h := &HoursEntry{VolunteerID: me.ID, TaskID: &t.ID, Kind: HoursSelfReport, Status: HoursPending, WorkDate: day.UTC(),
		Minutes: in.Minutes, Activity: activity, Reason: strings.TrimSpace(in.Reason), RecordedBy: p.User.ID, CreatedAt: now}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateHours(ctx, h); err != nil {
			return err
		}
		return a.audit(ctx, "hours.reported", "hours", h.ID, t.CommunityID, map[string]any{"minutes": in.Minutes})
	})
	return h, err
}

// HoursDecision approves or rejects self-reported hours; a rejection must say why.
type HoursDecision struct {
	Approve bool   `json:"approve" form:"approve"`
	Note    string `json:"note" form:"note" validate:"max=500"`
}

// DecideHours approves or rejects a pending self-report (the task's coordinators, never the
// volunteer themselves).
func (a *App) DecideHours(ctx context.Context, id int64, d HoursDecision) (*HoursEntry, error) {
	p := PrincipalFrom(ctx)
	fe := FieldErrors{}
	a.validate.Into(fe, d)
	if !d.Approve && strings.TrimSpace(d.Note) == "" {
		fe.Add("note", "error.reason_required")
	}
	var h *HoursEntry
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if h, err = a.store.FindHours(ctx, id); err != nil {
			return err
		}
		if h.TaskID == nil {
			return Forbidden()
		}
		t, err := a.store.FindTask(ctx, *h.TaskID)
		if err != nil {
			return err
		}
		tg, err := a.taskTarget(ctx, t)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActTaskManage, tg); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if h.RecordedBy == p.User.ID {
			return Errorf(EFORBIDDEN, "error.own_request")
		}
		if h.Status != HoursPending {
			return Errorf(ECONFLICT, "error.bad_transition", "from", h.Status, "action", "decide")
		}
		now := a.Now()
		h.Status = HoursRejected
		if d.Approve {
			h.Status = HoursApproved
		}
		h.DecidedBy, h.DecidedAt, h.DecisionNote = ptr(p.User.ID), &now, strings.TrimSpace(d.Note)
		if err := a.store.UpdateHours(ctx, h); err != nil {
			return err
		}
		return a.audit(ctx, "hours."+h.Status, "hours", h.ID, t.CommunityID, map[string]any{"note": h.DecisionNote})
	})
	return h, err
}

// HoursLine is an hours entry with its task's title.
type HoursLine struct {
	*HoursEntry
	TaskTitle string `json:"task_title"`
}

// HoursSheet is a volunteer's hours: every entry with its provenance, and the approved total.
type HoursSheet struct {
	Volunteer       *Volunteer     `json:"volunteer"`
	Organization    string         `json:"organization"`
	Lines           []*HoursLine   `json:"entries"`
	ApprovedMinutes int            `json:"approved_minutes"`
	PendingMinutes  int            `json:"pending_minutes"`
	MinutesByKind   map[string]int `json:"approved_minutes_by_kind"`
	Shows, NoShows  int            `json:"-"`
}

// HoursLedger returns a volunteer's hours ledger (the volunteer and front-desk workers of
// their community).
func (a *App) HoursLedger(ctx context.Context, volunteerID int64) (*HoursSheet, error) {
	v, err := a.store.FindVolunteer(ctx, volunteerID)
	if err != nil {
		return nil, err
	}
	t, err := a.communityTarget(ctx, v.CommunityID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActVolunteerViewPrivate, volunteerTarget(v, t)); err != nil {
		return nil, err
	}
	hs, err := a.store.FindHoursEntries(ctx, HoursFilter{VolunteerID: &v.ID})
	if err != nil {
		return nil, err
	}
	l := &HoursSheet{Volunteer: v, Lines: []*HoursLine{}, MinutesByKind: map[string]int{}}
	if v.OrganizationID != nil {
		if o, err := a.store.FindOrganization(ctx, *v.OrganizationID); err == nil {
			l.Organization = o.Name
		}
	}
	var tids []int64
	for _, h := range hs {
		if h.TaskID != nil {
			tids = append(tids, *h.TaskID)
		}
	}
	titles := map[int64]string{}
	if len(tids) > 0 {
		ts, _, err := a.store.FindTasks(ctx, TaskFilter{IDs: dedupe(tids)}) // unpaged: one query
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			titles[t.ID] = t.Title
		}
	}
	for _, h := range hs {
		line := &HoursLine{HoursEntry: h}
		if h.TaskID != nil {
			line.TaskTitle = titles[*h.TaskID]
		}
		switch h.Status {
		case HoursApproved:
			l.ApprovedMinutes += h.Minutes
			l.MinutesByKind[h.Kind] += h.Minutes
		case HoursPending:
			l.PendingMinutes += h.Minutes
		}
		l.Lines = append(l.Lines, line)
	}
	st, err := a.store.ShowStats(ctx, []int64{v.ID})
	if err != nil {
		return nil, err
	}
	l.Shows, l.NoShows = st[v.ID].Shows, st[v.ID].NoShows
	return l, nil
}

// EvaluationInput rates a volunteer or an organization.
type EvaluationInput struct {
	SubjectKind string `json:"subject_kind" form:"subject_kind" validate:"required,oneof=volunteer organization"`
	SubjectID   int64  `json:"subject_id" form:"subject_id" validate:"required"`
	TaskID      *int64 `json:"task_id" form:"task_id"`
	Stars       int    `json:"stars" form:"stars" validate:"gte=1,lte=5"`
	Comment     string `json:"comment" form:"comment" validate:"max=1000"`
}

// Evaluate records a resident's evaluation of a volunteer or organization serving their
// community; one per resident and subject. The evaluations feed reputation as a Bayesian average.
func (a *App) Evaluate(ctx context.Context, in EvaluationInput) (*Evaluation, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var communityID, ownerID int64
	var areas []int64
	switch in.SubjectKind {
	case "volunteer":
		v, err := a.store.FindVolunteer(ctx, in.SubjectID)
		if IsCode(err, ENOTFOUND) {
			return nil, FieldErrors{"subject_id": Msg("error.unknown_ref")}.Err()
		} else if err != nil {
			return nil, err
		}
		communityID = v.CommunityID
		if v.UserID != nil {
			ownerID = *v.UserID
		}
	case "organization":
		o, err := a.store.FindOrganization(ctx, in.SubjectID)
		if IsCode(err, ENOTFOUND) {
			return nil, FieldErrors{"subject_id": Msg("error.unknown_ref")}.Err()
		} else if err != nil {
			return nil, err
		}
		if o.CommunityID == nil {
			return nil, Errorf(ECONFLICT, "task.error.no_community")
		}
		communityID = *o.CommunityID
		areas = o.AreaCommunityIDs
	}
	if in.TaskID != nil {
		t, err := a.store.FindTask(ctx, *in.TaskID)
		if IsCode(err, ENOTFOUND) {
			return nil, FieldErrors{"task_id": Msg("error.unknown_ref")}.Err()
		} else if err != nil {
			return nil, err
		}
		// A task lets the residents of its community rate whoever served on it, not any
		// volunteer or organization of another community.
		related := t.CommunityID == communityID || slices.Contains(areas, t.CommunityID)
		if !related && in.SubjectKind == "volunteer" {
			on, err := a.store.FindSignups(ctx, SignupFilter{TaskID: &t.ID, VolunteerID: &in.SubjectID,
				Statuses: []string{SignupSignedUp, SignupAttended, SignupNoShow}})
			if err != nil {
				return nil, err
			}
			related = len(on) > 0
		}
		if !related {
			return nil, FieldErrors{"task_id": Msg("error.unknown_ref")}.Err()
		}
		communityID = t.CommunityID
	}
	tg, err := a.communityTarget(ctx, communityID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActEvaluate, tg); err != nil {
		return nil, err
	}
	if ownerID == p.User.ID {
		return nil, Errorf(EFORBIDDEN, "error.own_request")
	}
	e := &Evaluation{SubjectKind: in.SubjectKind, SubjectID: in.SubjectID, CommunityID: communityID, AuthorID: p.User.ID,
		TaskID: in.TaskID, Stars: in.Stars, Comment: strings.TrimSpace(in.Comment), CreatedAt: a.Now()}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateEvaluation(ctx, e); err != nil {
			return err
		}
		return a.audit(ctx, "evaluation.created", in.SubjectKind, in.SubjectID, communityID, map[string]any{"stars": in.Stars})
	})
	return e, err
}

// TaskStatusInput changes a task's status.
type TaskStatusInput struct {
	Status string `json:"status" form:"status" validate:"required,oneof=open closed cancelled"`
}

// SetTaskStatus closes, reopens or cancels a task (its coordinators). Closing stops new
// sign-ups; cancelling also withdraws every sign-up for shifts that have not started, so no
// volunteer turns up for nothing. A cancelled task stays cancelled.
func (a *App) SetTaskStatus(ctx context.Context, id int64, in TaskStatusInput) (*Task, error) {
	if err := a.validate.Struct(in); err != nil {
		return nil, err
	}
	var t *Task
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if t, err = a.store.FindTask(ctx, id); err != nil {
			return err
		}
		tg, err := a.taskTarget(ctx, t)
		if err != nil {
			return err
		}
		if err := Authorize(PrincipalFrom(ctx), ActTaskManage, tg); err != nil {
			return err
		}
		if t.Status == TaskCancelled || t.Status == in.Status {
			return Errorf(ECONFLICT, "error.bad_transition", "from", t.Status, "action", in.Status)
		}
		now := a.Now()
		t.Status, t.UpdatedAt = in.Status, now
		if err := a.store.UpdateTask(ctx, t); err != nil {
			return err
		}
		withdrawn := 0
		if in.Status == TaskCancelled {
			shifts, err := a.store.FindShifts(ctx, ShiftFilter{TaskIDs: []int64{t.ID}, From: &now})
			if err != nil {
				return err
			}
			var ids []int64
			for _, sh := range shifts {
				ids = append(ids, sh.ID)
			}
			if len(ids) > 0 {
				sus, err := a.store.FindSignups(ctx, SignupFilter{ShiftIDs: ids, Statuses: []string{SignupInvited, SignupSignedUp}})
				if err != nil {
					return err
				}
				for _, su := range sus {
					su.Status, su.UpdatedAt = SignupCancelled, now
					if err := a.store.UpdateSignup(ctx, su); err != nil {
						return err
					}
					withdrawn++
				}
			}
		}
		return a.audit(ctx, "task."+in.Status, "task", t.ID, t.CommunityID, map[string]any{"signups_withdrawn": withdrawn})
	})
	return t, err
}
