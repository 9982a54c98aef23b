package app

import (
	"context"
	"time"
)

// Majority rules of a project vote; abstentions count toward the quorum only.
const (
	MajoritySimple    = "simple"     // yes > no
	MajorityTwoThirds = "two_thirds" // yes ≥ 2/3 of yes + no
)

// ProjectSettings are a community's rules of deliberation and voting. A community without a
// stored row uses DefaultProjectSettings.
type ProjectSettings struct {
	CommunityID      int64     `json:"community_id" gorm:"primaryKey;autoIncrement:false"`
	DeliberationDays int       `json:"deliberation_days"`
	SupportThreshold int       `json:"support_threshold"`
	Quorum           int       `json:"quorum"`
	Majority         string    `json:"majority"`
	VoteDays         int       `json:"vote_days"`
	UpdatedBy        *int64    `json:"updated_by"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// TableName keeps GORM from guessing a plural of "settings".
func (ProjectSettings) TableName() string { return "project_settings" }

// DefaultProjectSettings are the rules of a community that has not set its own: 14 days of
// deliberation, 10 supports to go to a vote, 10 votes cast for a quorum, a simple majority,
// 7 days to vote.
func DefaultProjectSettings(communityID int64) *ProjectSettings {
	return &ProjectSettings{CommunityID: communityID, DeliberationDays: 14, SupportThreshold: 10, Quorum: 10, Majority: MajoritySimple, VoteDays: 7}
}

// ProjectSettingsInput changes a community's rules; running deliberations and votes keep theirs.
type ProjectSettingsInput struct {
	DeliberationDays int    `json:"deliberation_days" form:"deliberation_days" validate:"gte=1,lte=365"`
	SupportThreshold int    `json:"support_threshold" form:"support_threshold" validate:"gte=1,lte=100000"`
	Quorum           int    `json:"quorum" form:"quorum" validate:"gte=1,lte=1000000"`
	Majority         string `json:"majority" form:"majority" validate:"required,oneof=simple two_thirds"`
	VoteDays         int    `json:"vote_days" form:"vote_days" validate:"gte=1,lte=90"`
}

// Majorities lists the majority rules.
var Majorities = []string{MajoritySimple, MajorityTwoThirds}

// projectSettingsOf loads the settings of several communities in one query, defaults filled in.
func (a *App) projectSettingsOf(ctx context.Context, communityIDs []int64) (map[int64]*ProjectSettings, error) {
	out := map[int64]*ProjectSettings{}
	if len(communityIDs) == 0 {
		return out, nil
	}
	ss, err := a.store.FindProjectSettings(ctx, communityIDs)
	if err != nil {
		return nil, err
	}
	for _, s := range ss {
		out[s.CommunityID] = s
	}
	for _, id := range communityIDs {
		if out[id] == nil {
			out[id] = DefaultProjectSettings(id)
		}
	}
	return out, nil
}

func (a *App) projectSettings(ctx context.Context, communityID int64) (*ProjectSettings, error) {
	m, err := a.projectSettingsOf(ctx, []int64{communityID})
	if err != nil {
		return nil, err
	}
	return m[communityID], nil
}

// ProjectSettingsView is a community's rules and whether the viewer may change them.
type ProjectSettingsView struct {
	*ProjectSettings
	Community *Community `json:"-"`
	CanEdit   bool       `json:"-"`
}

// CommunityProjectSettings returns a community's rules of deliberation and voting (public).
func (a *App) CommunityProjectSettings(ctx context.Context, communityID int64) (*ProjectSettingsView, error) {
	c, err := a.store.FindCommunity(ctx, communityID)
	if err != nil {
		return nil, err
	}
	st, err := a.projectSettings(ctx, communityID)
	if err != nil {
		return nil, err
	}
	t := Target{StreetID: c.StreetID, CommunityID: c.ID}
	return &ProjectSettingsView{ProjectSettings: st, Community: c, CanEdit: Can(PrincipalFrom(ctx), ActCommunityUpdate, t)}, nil
}

// UpdateProjectSettings sets a community's rules (community workers and officers over it).
func (a *App) UpdateProjectSettings(ctx context.Context, communityID int64, in ProjectSettingsInput) (*ProjectSettingsView, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	t, err := a.communityTarget(ctx, communityID)
	if err != nil {
		return nil, err
	}
	if err := Authorize(p, ActCommunityUpdate, t); err != nil {
		return nil, err
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	st := &ProjectSettings{CommunityID: communityID, DeliberationDays: in.DeliberationDays, SupportThreshold: in.SupportThreshold,
		Quorum: in.Quorum, Majority: in.Majority, VoteDays: in.VoteDays, UpdatedBy: &p.User.ID, UpdatedAt: a.Now()}
	err = a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.SaveProjectSettings(ctx, st); err != nil {
			return err
		}
		return a.audit(ctx, "project.settings_updated", "community", communityID, communityID, map[string]any{
			"deliberation_days": st.DeliberationDays, "support_threshold": st.SupportThreshold, "quorum": st.Quorum,
			"majority": st.Majority, "vote_days": st.VoteDays})
	})
	if err != nil {
		return nil, err
	}
	return a.CommunityProjectSettings(ctx, communityID)
}
