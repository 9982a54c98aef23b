package app

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Evaluation is a resident's 1–5 star rating of a volunteer or an organization.
type Evaluation struct {
	ID          int64     `json:"id" gorm:"primaryKey"`
	SubjectKind string    `json:"subject_kind"`
	SubjectID   int64     `json:"subject_id"`
	CommunityID int64     `json:"community_id"`
	AuthorID    int64     `json:"author_id"`
	TaskID      *int64    `json:"task_id"`
	NeedID      *int64    `json:"need_id"`    // the need on which the subject served the author
	ProjectID   *int64    `json:"project_id"` // the project the subject delivered for the author
	Stars       int       `json:"stars"`
	Comment     string    `json:"comment"`
	CreatedAt   time.Time `json:"created_at"`
}

// EvaluationStat summarises the evaluations of one subject.
type EvaluationStat struct {
	Count int
	Mean  float64
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
