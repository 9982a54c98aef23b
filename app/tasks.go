package app

import (
	"context"
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

// Task is volunteer work produced by a need or a project (or set up by a worker on its own).
type Task struct {
	ID          int64    `json:"id" gorm:"primaryKey"`
	CommunityID int64    `json:"community_id"`
	GridID      *int64   `json:"grid_id"`
	NeedID      *int64   `json:"need_id"`
	ProjectID   *int64   `json:"project_id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Category    string   `json:"category"`
	Lat         *float64 `json:"lat"`
	Lng         *float64 `json:"lng"`
	// Address is the meeting point. It is left out of the task's JSON: TaskView.Meeting gives
	// it to those who may see it (managers and volunteers holding a place).
	Address       string    `json:"-"`
	Headcount     int       `json:"headcount"`
	CoordinatorID int64     `json:"coordinator_id"`
	Status        string    `json:"status"`
	CreatedBy     int64     `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Skills        []string  `json:"skills" gorm:"-"`
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
	Address       string   `json:"address" form:"address" validate:"max=200"`
	Headcount     int      `json:"headcount" form:"headcount" validate:"gte=1,lte=1000"`
	CoordinatorID *int64   `json:"coordinator_id" form:"coordinator_id"`
}

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
	in.Address = strings.TrimSpace(in.Address)
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
		// Only an approved project or one under way takes tasks (issue 11); the task's
		// community and grid then come from the project.
		p, err := a.linkProject(ctx, fe, "project_id", *in.ProjectID)
		if err != nil {
			return nil, err
		} else if p != nil {
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
	}
	// The target is built from the stored task (taskTarget) once it exists.
	if _, err := a.places().resolve(ctx, fe, placeRefs{Community: optionalID(in.CommunityID), Grid: in.GridID}); err != nil {
		return nil, err
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
	if in.CoordinatorID != nil && in.CommunityID != 0 {
		// The picker lists the community's staff; an id sent by hand must be one of them.
		if ok, err := a.isCommunityStaff(ctx, in.CommunityID, *in.CoordinatorID); err != nil {
			return nil, err
		} else if !ok {
			fe.Add("coordinator_id", "error.unknown_ref")
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
		Description: in.Description, Category: in.Category, Skills: in.Skills, Lat: in.Lat, Lng: in.Lng, Address: in.Address, Headcount: in.Headcount,
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
		if t.ProjectID != nil {
			pr, err := a.store.FindProject(ctx, *t.ProjectID)
			if err != nil {
				return err
			}
			if err := a.linked(ctx, pr, "task", t.ID); err != nil {
				return err
			}
		}
		return a.audit(ctx, "task.created", "task", t.ID, t.CommunityID, nil)
	})
	return t, err
}

// Tasks lists tasks (public: title, category, place and shifts' times).
func (a *App) Tasks(ctx context.Context, f TaskFilter) ([]*Task, int, error) {
	f.Page = f.Page.Normalize()
	return a.store.FindTasks(ctx, f)
}
