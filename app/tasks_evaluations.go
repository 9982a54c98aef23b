package app

import (
	"context"
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

// EvaluationInput rates a volunteer or an organization; exactly one of the task, need or
// project names what the subject served the author through.
type EvaluationInput struct {
	SubjectKind string `json:"subject_kind" form:"subject_kind" validate:"required,oneof=volunteer organization"`
	SubjectID   int64  `json:"subject_id" form:"subject_id" validate:"required"`
	TaskID      *int64 `json:"task_id" form:"task_id"`
	NeedID      *int64 `json:"need_id" form:"need_id"`
	ProjectID   *int64 `json:"project_id" form:"project_id"`
	Stars       int    `json:"stars" form:"stars" validate:"gte=1,lte=5"`
	Comment     string `json:"comment" form:"comment" validate:"max=1000"`
}

// Evaluate records a resident's evaluation of a volunteer or organization that served them
// (through a task, need or project they were part of); one per resident and subject. The evaluations feed reputation as a Bayesian average.
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
	var ownerID int64
	switch in.SubjectKind {
	case "volunteer":
		v, err := a.store.FindVolunteer(ctx, in.SubjectID)
		if IsCode(err, ENOTFOUND) {
			return nil, FieldErrors{"subject_id": Msg("error.unknown_ref")}.Err()
		} else if err != nil {
			return nil, err
		}
		if v.UserID != nil {
			ownerID = *v.UserID
		}
	case "organization":
		if _, err := a.store.FindOrganization(ctx, in.SubjectID); IsCode(err, ENOTFOUND) {
			return nil, FieldErrors{"subject_id": Msg("error.unknown_ref")}.Err()
		} else if err != nil {
			return nil, err
		}
	}
	// Only a resident the subject served may rate it (issue 11): the task, need or project
	// named is checked, and the evaluation belongs to its community.
	communityID, err := a.servedOn(ctx, p, in, ownerID)
	if err != nil {
		return nil, err
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
		TaskID: in.TaskID, NeedID: in.NeedID, ProjectID: in.ProjectID, Stars: in.Stars, Comment: strings.TrimSpace(in.Comment), CreatedAt: a.Now()}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateEvaluation(ctx, e); err != nil {
			return err
		}
		return a.audit(ctx, "evaluation.created", in.SubjectKind, in.SubjectID, communityID, map[string]any{"stars": in.Stars})
	})
	return e, err
}
