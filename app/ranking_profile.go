package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/wushe/wushe/matching"
)

// CommunityProfile is a community's override of the default ranking profile of its kind,
// stored as the JSON of a matching.Profile.
type CommunityProfile struct {
	CommunityID int64     `json:"community_id" gorm:"primaryKey"`
	Profile     string    `json:"profile"`
	UpdatedBy   int64     `json:"updated_by"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// profileFor returns the community's tuned profile, or its kind's default.
func (a *App) profileFor(ctx context.Context, c *Community) (matching.Profile, bool, error) {
	cp, err := a.store.FindCommunityProfile(ctx, c.ID)
	if IsCode(err, ENOTFOUND) {
		return matching.DefaultProfile(matching.CommunityKind(c.Kind)), false, nil
	}
	if err != nil {
		return matching.Profile{}, false, err
	}
	var p matching.Profile
	if err := json.Unmarshal([]byte(cp.Profile), &p); err != nil {
		return matching.Profile{}, false, fmt.Errorf("profile of community %d: %w", c.ID, err)
	}
	return p, true, nil
}

// ProfileView is a community's ranking profile and whether it was tuned.
type ProfileView struct {
	CommunityID int64            `json:"community_id"`
	Kind        string           `json:"community_kind"`
	Profile     matching.Profile `json:"profile"`
	Default     matching.Profile `json:"default"`
	Custom      bool             `json:"custom"`
}

func (a *App) tunable(ctx context.Context, communityID int64) (*Community, error) {
	c, err := a.store.FindCommunity(ctx, communityID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(PrincipalFrom(ctx), ActMatchTune, Target{StreetID: c.StreetID, CommunityID: c.ID}); err != nil {
		return nil, err
	}
	return c, nil
}

// CommunityProfile returns the ranking profile a community uses (its managers).
func (a *App) CommunityProfile(ctx context.Context, communityID int64) (*ProfileView, error) {
	c, err := a.tunable(ctx, communityID)
	if err != nil {
		return nil, err
	}
	p, custom, err := a.profileFor(ctx, c)
	if err != nil {
		return nil, err
	}
	return &ProfileView{CommunityID: c.ID, Kind: c.Kind, Profile: p, Default: matching.DefaultProfile(matching.CommunityKind(c.Kind)), Custom: custom}, nil
}

// profileErr turns the ranker's complaint about a profile into a field error.
func profileErr(err error) error {
	var fe *matching.FieldError
	if errors.As(err, &fe) {
		return FieldErrors{fe.Field: Msg("match.error.profile", "detail", fe.Message)}.Err()
	}
	return err
}

// SaveCommunityProfile stores a community's tuned ranking weights (its managers). Invalid
// weights — negative, not finite, all zero — are refused field by field.
func (a *App) SaveCommunityProfile(ctx context.Context, communityID int64, p matching.Profile) (*ProfileView, error) {
	c, err := a.tunable(ctx, communityID)
	if err != nil {
		return nil, err
	}
	if p.Name == "" {
		p.Name = "custom"
	}
	if err := p.Validate(); err != nil {
		return nil, profileErr(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		cp := &CommunityProfile{CommunityID: c.ID, Profile: string(b), UpdatedBy: PrincipalFrom(ctx).User.ID, UpdatedAt: a.Now()}
		if err := a.store.SaveCommunityProfile(ctx, cp); err != nil {
			return err
		}
		return a.audit(ctx, "community.profile_saved", "community", c.ID, c.ID, map[string]any{"weights": p.Weights})
	})
	if err != nil {
		return nil, err
	}
	return a.CommunityProfile(ctx, communityID)
}

// PreviewMove is one candidate's position before and after a profile change.
type PreviewMove struct {
	matching.Move
	Name string `json:"name"`
}

// ProfilePreview shows how a need's ranking changes from the current profile to a proposed one.
type ProfilePreview struct {
	NeedID int64         `json:"need_id"`
	Title  string        `json:"title"`
	Moves  []PreviewMove `json:"moves"`
}

// PreviewProfile ranks one of the community's needs with its current profile and with a
// proposed one, and lists how each candidate moves (its managers), before anything is saved.
func (a *App) PreviewProfile(ctx context.Context, communityID, needID int64, after matching.Profile, limit int) (*ProfilePreview, error) {
	c, err := a.tunable(ctx, communityID)
	if err != nil {
		return nil, err
	}
	if err := after.Validate(); err != nil {
		return nil, profileErr(err)
	}
	s, err := a.subject(ctx, SubjectNeed, needID)
	if IsCode(err, ENOTFOUND) || (err == nil && s.community.ID != c.ID) {
		return nil, FieldErrors{"need_id": Msg("error.unknown_ref")}.Err()
	} else if err != nil {
		return nil, err
	}
	before, _, err := a.profileFor(ctx, c)
	if err != nil {
		return nil, err
	}
	p, err := a.loadCandidatePool(ctx, c.ID, poolScope{full: true}) // two profiles' lists: the whole city's candidates
	if err != nil {
		return nil, err
	}
	pv, err := p.ix.Preview(s.target, before, after, limit)
	if err != nil {
		return nil, profileErr(err)
	}
	out := &ProfilePreview{NeedID: needID, Title: s.title, Moves: []PreviewMove{}}
	for _, m := range pv.Moves {
		out.Moves = append(out.Moves, PreviewMove{Move: m, Name: p.names[m.Kind][m.ID]})
	}
	return out, nil
}
