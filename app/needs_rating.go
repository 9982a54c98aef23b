package app

// The resident's rating of their own resolved need (满意度回访).

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// LowNeedRating is the highest rating that reopens a need for the community worker's review.
const LowNeedRating = 2

// NeedRating is the requester's rating of one resolution of their need.
type NeedRating struct {
	ID         int64     `json:"id" gorm:"primaryKey"`
	NeedID     int64     `json:"need_id"`
	AuthorID   int64     `json:"-"`
	ResolvedAt time.Time `json:"resolved_at"`
	Stars      int       `json:"stars"`
	Comment    string    `json:"comment"`
	Reopened   bool      `json:"reopened"`
	CreatedAt  time.Time `json:"created_at"`
}

// NeedRatingInput rates a resolved need.
type NeedRatingInput struct {
	Stars   int    `json:"stars" form:"stars" validate:"gte=1,lte=5"`
	Comment string `json:"comment" form:"comment" validate:"max=1000"`
}

// RateNeed records the requester's rating of their resolved need. Only the resident who filed
// it may rate (404 for anyone else, so a need's requester is not revealed); only a resolved
// need, once per resolution (409 otherwise). A rating of LowNeedRating or less reopens the
// need and hands it to the community level for a worker's review, with a need.reopened event.
func (a *App) RateNeed(ctx context.Context, id int64, in NeedRatingInput) (*NeedRating, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	var out *NeedRating
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		n, err := a.store.FindNeed(ctx, id)
		if err != nil {
			return err
		}
		t, err := a.places().needTarget(ctx, n)
		if err != nil {
			return err
		}
		if n.RequesterID == nil || Authorize(p, ActNeedRate, Target{OwnerID: t.OwnerID}) != nil {
			return NotFound("need")
		}
		fe := FieldErrors{}
		in.Comment = strings.TrimSpace(in.Comment)
		a.validate.Into(fe, in)
		if err := fe.Err(); err != nil {
			return err
		}
		if n.Status != NeedResolved || n.ResolvedAt == nil {
			return Errorf(ECONFLICT, "needs.error.rate_not_resolved", "status", n.Status)
		}
		now := a.Now()
		r := &NeedRating{NeedID: n.ID, AuthorID: p.User.ID, ResolvedAt: n.ResolvedAt.UTC(), Stars: in.Stars, Comment: in.Comment,
			Reopened: in.Stars <= LowNeedRating, CreatedAt: now}
		if err := a.store.CreateNeedRating(ctx, r); err != nil {
			if IsCode(err, ECONFLICT) {
				return Errorf(ECONFLICT, "needs.error.already_rated")
			}
			return err
		}
		if err := a.audit(ctx, "need.rated", "need", n.ID, n.CommunityID, map[string]any{"rating_id": r.ID, "stars": in.Stars}); err != nil {
			return err
		}
		out = r
		if !r.Reopened {
			return nil
		}
		from := n.Status
		n.Status, n.ResolvedAt, n.UpdatedAt = NeedOpen, nil, now
		if n.EscalationLevel == LevelGrid {
			// The community worker gets a day to review before the street is told.
			n.EscalationLevel, n.EscalatedAt, n.EscalateAt = LevelCommunity, &now, ptr(now.Add(24*time.Hour))
		}
		if err := a.store.UpdateNeed(ctx, n); err != nil {
			return fmt.Errorf("reopen need %d: %w", n.ID, err)
		}
		return a.audit(ctx, "need.reopened", "need", n.ID, n.CommunityID,
			map[string]any{"from": from, "to": n.Status, "reason": "low_rating", "stars": in.Stars, "level": n.EscalationLevel})
	})
	return out, err
}

// needRatings lists a need's ratings for its page.
func (a *App) needRatings(ctx context.Context, id int64) ([]*NeedRating, error) {
	rs, err := a.store.FindNeedRatings(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("need %d ratings: %w", id, err)
	}
	return rs, nil
}
