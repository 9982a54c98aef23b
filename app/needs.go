package app

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// NeedInput is what a resident or grid worker submits to file a need.
type NeedInput struct {
	// CommunityID is optional; when given it must be the grid's community.
	CommunityID int64  `json:"community_id" form:"community_id"`
	GridID      int64  `json:"grid_id" form:"grid_id" validate:"required"`
	Category    string `json:"category" form:"category" validate:"required,max=64"`
	Tier        string `json:"tier" form:"tier" validate:"required,oneof=minor major hard"`
	Title       string `json:"title" form:"title" validate:"required,max=100"`
	Description string `json:"description" form:"description" validate:"max=4000"`
	Address     string `json:"address" form:"address" validate:"max=200"`
	Privacy     string `json:"privacy" form:"privacy" validate:"omitempty,oneof=public private"`
	// Sensitive marks a need about health, disability or a minor outside those categories.
	Sensitive   bool       `json:"sensitive" form:"sensitive"`
	WindowStart *time.Time `json:"window_start" form:"-"`
	WindowEnd   *time.Time `json:"window_end" form:"-"`
	// On-behalf filing: a grid worker files for a resident who consented.
	OnBehalfName  string `json:"on_behalf_name" form:"on_behalf_name" validate:"max=50"`
	OnBehalfPhone string `json:"on_behalf_phone" form:"on_behalf_phone" validate:"omitempty,mobile"`
	ConsentMethod string `json:"consent_method" form:"consent_method" validate:"omitempty,oneof=verbal written phone"`
}

// NeedUpdate changes a need's editable fields; nil fields stay as they are.
type NeedUpdate struct {
	Category    *string    `json:"category" form:"category" validate:"omitempty,max=64"`
	Tier        *string    `json:"tier" form:"tier" validate:"omitempty,oneof=minor major hard"`
	Title       *string    `json:"title" form:"title" validate:"omitempty,min=1,max=100"`
	Description *string    `json:"description" form:"description" validate:"omitempty,max=4000"`
	Address     *string    `json:"address" form:"address" validate:"omitempty,max=200"`
	Privacy     *string    `json:"privacy" form:"privacy" validate:"omitempty,oneof=public private"`
	Sensitive   *bool      `json:"sensitive" form:"sensitive"`
	WindowStart *time.Time `json:"window_start" form:"-"`
	WindowEnd   *time.Time `json:"window_end" form:"-"`
}

// NeedTransition names a step in a need's life.
type NeedTransition string

// Need transitions and the statuses they move between.
const (
	NeedStart    NeedTransition = "start"    // open → in_progress
	NeedResolve  NeedTransition = "resolve"  // open | in_progress → resolved
	NeedClose    NeedTransition = "close"    // resolved → closed
	NeedReopen   NeedTransition = "reopen"   // resolved → in_progress
	NeedWithdraw NeedTransition = "withdraw" // open | in_progress → withdrawn
)

// NeedTransitions lists every transition.
var NeedTransitions = []NeedTransition{NeedStart, NeedResolve, NeedClose, NeedReopen, NeedWithdraw}

var needMoves = map[NeedTransition]struct {
	from []string
	to   string
}{
	NeedStart:    {[]string{NeedOpen}, NeedInProgress},
	NeedResolve:  {[]string{NeedOpen, NeedInProgress}, NeedResolved},
	NeedClose:    {[]string{NeedResolved}, NeedClosed},
	NeedReopen:   {[]string{NeedResolved}, NeedInProgress},
	NeedWithdraw: {[]string{NeedOpen, NeedInProgress}, NeedWithdrawn},
}

// needTarget is the authorization target of a need.
func (pl *places) needTarget(ctx context.Context, n *Need) (Target, error) {
	t, err := pl.communityTarget(ctx, n.CommunityID)
	if err != nil {
		return Target{}, err
	}
	t.GridID = n.GridID
	if n.RequesterID != nil {
		t.OwnerID = *n.RequesterID
	}
	if n.AssigneeID != nil {
		t.AssigneeID = *n.AssigneeID
	}
	return t, nil
}

// CreateNeed files a need in a grid and starts its response clock. A grid worker may file on a
// resident's behalf only with the resident's consent recorded.
func (a *App) CreateNeed(ctx context.Context, in NeedInput) (*Need, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if in.WindowStart != nil && in.WindowEnd != nil && !in.WindowEnd.After(*in.WindowStart) {
		fe.Add("window_end", "error.end_before_start")
	}
	onBehalf := in.OnBehalfName != "" || in.OnBehalfPhone != ""
	if onBehalf && in.ConsentMethod == "" {
		fe.Add("consent_method", "error.consent_required")
	}
	if onBehalf && in.OnBehalfName == "" {
		fe.Add("on_behalf_name", "error.required")
	}
	var t Target
	var c *Community
	if in.GridID != 0 {
		var err error
		t, _, c, err = a.gridTarget(ctx, in.GridID)
		if IsCode(err, ENOTFOUND) {
			fe.Add("grid_id", "error.unknown_ref")
		} else if err != nil {
			return nil, err
		} else if in.CommunityID != 0 && in.CommunityID != c.ID {
			fe.Add("community_id", "error.grid_not_in_community")
		}
	}
	if in.Category != "" {
		if ok, err := a.categoryExists(ctx, in.Category); err != nil {
			return nil, err
		} else if !ok {
			fe.Add("category", "error.unknown_ref")
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if err := Authorize(p, ActNeedCreate, t); err != nil {
		return nil, err
	}
	now := a.Now()
	n := &Need{
		CommunityID:     c.ID,
		GridID:          in.GridID,
		FiledByID:       p.User.ID,
		Category:        in.Category,
		Tier:            in.Tier,
		Title:           in.Title,
		Description:     in.Description,
		Address:         in.Address,
		Privacy:         in.Privacy,
		WindowStart:     utcPtr(in.WindowStart),
		WindowEnd:       utcPtr(in.WindowEnd),
		Status:          NeedOpen,
		EscalationLevel: LevelGrid,
		DueAt:           DueAt(in.Tier, c, now, a.loc),
		CreatedAt:       now,
		UpdatedAt:       now,
	}
	if n.Privacy == "" {
		n.Privacy = NeedPrivate
	}
	n.Sensitive = in.Sensitive || IsSensitiveCategory(n.Category)
	n.EscalateAt = &n.DueAt
	if onBehalf {
		if err := Authorize(p, ActNeedFileOnBehalf, t); err != nil {
			return nil, err
		}
		n.OnBehalfName, n.OnBehalfPhone, n.ConsentMethod, n.ConsentAt = in.OnBehalfName, in.OnBehalfPhone, in.ConsentMethod, &now
	} else {
		n.RequesterID = &p.User.ID
	}
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateNeed(ctx, n); err != nil {
			return fmt.Errorf("create need: %w", err)
		}
		return a.audit(ctx, "need.created", "need", n.ID, n.CommunityID, map[string]any{
			"grid_id": n.GridID, "tier": n.Tier, "due_at": n.DueAt, "on_behalf": onBehalf, "consent_method": n.ConsentMethod,
		})
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// canTransition decides whether p may move n by tr, by status and by role.
func (a *App) canTransition(p *Principal, t Target, n *Need, tr NeedTransition) error {
	mv, ok := needMoves[tr]
	if !ok {
		return FieldErrors{"action": Msg("error.one_of", "values", "start, resolve, close, reopen, withdraw")}.Err()
	}
	// Permission first, so that a stranger learns nothing from the need's state.
	var err error
	switch tr {
	case NeedStart, NeedResolve:
		err = Authorize(p, ActNeedWork, t)
	case NeedWithdraw:
		err = Authorize(p, ActNeedWithdraw, t)
	case NeedClose, NeedReopen:
		// The resident confirms (or disputes) the resolution; workers may close too.
		if t.OwnerID == 0 || t.OwnerID != p.UserID() {
			err = Authorize(p, ActNeedManage, t)
		}
	}
	if err != nil {
		return err
	}
	if !slices.Contains(mv.from, n.Status) {
		return Errorf(ECONFLICT, "error.bad_transition", "from", n.Status, "action", string(tr))
	}
	return nil
}

// TransitionNeed moves a need along its lifecycle and records who did it.
func (a *App) TransitionNeed(ctx context.Context, id int64, tr NeedTransition, note string) (*NeedView, error) {
	p := PrincipalFrom(ctx)
	if len([]rune(note)) > 2000 {
		return nil, FieldErrors{"note": Msg("error.too_long", "max", 2000)}.Err()
	}
	var out *Need
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		n, err := a.store.FindNeed(ctx, id)
		if err != nil {
			return err
		}
		t, err := a.places().needTarget(ctx, n)
		if err != nil {
			return err
		}
		if err := a.canTransition(p, t, n, tr); err != nil {
			return err
		}
		now := a.Now()
		from := n.Status
		n.Status = needMoves[tr].to
		n.UpdatedAt = now
		switch tr {
		case NeedStart:
			if n.AssigneeID == nil {
				n.AssigneeID = &p.User.ID
			}
		case NeedResolve:
			n.ResolvedAt = &now
			n.Resolution = note
		case NeedClose, NeedWithdraw:
			n.ClosedAt = &now
		case NeedReopen:
			n.ResolvedAt = nil
		}
		if err := a.store.UpdateNeed(ctx, n); err != nil {
			return fmt.Errorf("update need %d: %w", id, err)
		}
		out = n
		return a.audit(ctx, "need."+string(tr), "need", n.ID, n.CommunityID, map[string]any{"from": from, "to": n.Status, "note": note})
	})
	if err != nil {
		return nil, err
	}
	return a.viewNeed(ctx, a.places(), p, out)
}

// AssignNeed makes a user responsible for a need.
func (a *App) AssignNeed(ctx context.Context, id, assigneeID int64) (*NeedView, error) {
	p := PrincipalFrom(ctx)
	var out *Need
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		n, err := a.store.FindNeed(ctx, id)
		if err != nil {
			return err
		}
		t, err := a.places().needTarget(ctx, n)
		if err != nil {
			return err
		}
		if err := Authorize(p, ActNeedManage, t); err != nil {
			return err
		}
		if n.Status != NeedOpen && n.Status != NeedInProgress {
			return Errorf(ECONFLICT, "error.bad_transition", "from", n.Status, "action", "assign")
		}
		// Only the need's community staff may be assigned: the picker lists no one else.
		if ok, err := a.isCommunityStaff(ctx, n.CommunityID, assigneeID); err != nil {
			return err
		} else if !ok {
			return FieldErrors{"assignee_id": Msg("error.unknown_ref")}.Err()
		}
		n.AssigneeID = &assigneeID
		n.UpdatedAt = a.Now()
		if err := a.store.UpdateNeed(ctx, n); err != nil {
			return fmt.Errorf("assign need %d: %w", id, err)
		}
		out = n
		return a.audit(ctx, "need.assigned", "need", n.ID, n.CommunityID, map[string]any{"assignee_id": assigneeID})
	})
	if err != nil {
		return nil, err
	}
	return a.viewNeed(ctx, a.places(), p, out)
}

// UpdateNeed edits a need. The resident may edit an open need; workers may also re-triage its
// tier, which restarts the response clock from the filing time.
func (a *App) UpdateNeed(ctx context.Context, id int64, in NeedUpdate) (*NeedView, error) {
	p := PrincipalFrom(ctx)
	fe := FieldErrors{}
	a.validate.Into(fe, in)
	if in.Category != nil {
		if ok, err := a.categoryExists(ctx, *in.Category); err != nil {
			return nil, err
		} else if !ok {
			fe.Add("category", "error.unknown_ref")
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var out *Need
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		n, err := a.store.FindNeed(ctx, id)
		if err != nil {
			return err
		}
		t, err := a.places().needTarget(ctx, n)
		if err != nil {
			return err
		}
		manager := Can(p, ActNeedManage, t)
		owner := t.OwnerID != 0 && t.OwnerID == p.UserID() && n.Status == NeedOpen
		if !manager && !owner {
			return Authorize(p, ActNeedManage, t)
		}
		if n.Status != NeedOpen && n.Status != NeedInProgress {
			return Errorf(ECONFLICT, "error.bad_transition", "from", n.Status, "action", "edit")
		}
		setIf(&n.Category, in.Category)
		if in.Sensitive != nil {
			n.Sensitive = *in.Sensitive
		}
		n.Sensitive = n.Sensitive || IsSensitiveCategory(n.Category)
		setIf(&n.Title, in.Title)
		setIf(&n.Description, in.Description)
		setIf(&n.Address, in.Address)
		setIf(&n.Privacy, in.Privacy)
		if in.WindowStart != nil {
			n.WindowStart = utcPtr(in.WindowStart)
		}
		if in.WindowEnd != nil {
			n.WindowEnd = utcPtr(in.WindowEnd)
		}
		if n.WindowStart != nil && n.WindowEnd != nil && !n.WindowEnd.After(*n.WindowStart) {
			return FieldErrors{"window_end": Msg("error.end_before_start")}.Err()
		}
		if in.Tier != nil && *in.Tier != n.Tier {
			if !manager {
				return FieldErrors{"tier": Msg("error.tier_workers_only")}.Err()
			}
			c, err := a.store.FindCommunity(ctx, n.CommunityID)
			if err != nil {
				return err
			}
			n.Tier = *in.Tier
			n.DueAt = DueAt(n.Tier, c, n.CreatedAt, a.loc)
			if n.EscalationLevel == LevelGrid {
				n.EscalateAt = &n.DueAt
			}
		}
		n.UpdatedAt = a.Now()
		if err := a.store.UpdateNeed(ctx, n); err != nil {
			return fmt.Errorf("update need %d: %w", id, err)
		}
		out = n
		return a.audit(ctx, "need.updated", "need", n.ID, n.CommunityID, nil)
	})
	if err != nil {
		return nil, err
	}
	return a.viewNeed(ctx, a.places(), p, out)
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
