package app

// Withdrawing a support (issue 11, step 2 议事): a resident who changed their mind takes
// their support back while the project is still under deliberation. Once a vote is opened
// the supports are what opened it, so they stay.

import "context"

// WithdrawSupport removes the signed-in resident's own support of a project under
// deliberation: 404 when they have none, 409 once deliberation is over (a vote opened, the
// project decided or lapsed, or its deadline passed).
func (a *App) WithdrawSupport(ctx context.Context, id int64) (*Project, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	var pr *Project
	err := a.store.InTx(ctx, func(ctx context.Context) error {
		var t Target
		var err error
		if pr, t, err = a.projectForAction(ctx, id); err != nil {
			return err
		}
		if err := Authorize(p, ActProjectSupport, t); err != nil {
			return err
		}
		switch {
		case pr.Status != ProjectDeliberating:
			return Errorf(ECONFLICT, "error.bad_transition", "from", pr.Status, "action", "withdraw_support")
		case !deliberationOpen(pr, a.Now()):
			return Errorf(ECONFLICT, "error.deliberation_closed")
		}
		ok, err := a.store.DeleteProjectSupport(ctx, pr.ID, p.User.ID)
		if err != nil {
			return err
		}
		if !ok {
			return NotFound("project_support")
		}
		if err := a.store.DecrementProjectCounter(ctx, pr.ID, CounterSupports); err != nil {
			return err
		}
		pr.SupportsCount--
		return a.audit(ctx, "project.support_withdrawn", "project", pr.ID, pr.CommunityID, map[string]any{"supports_count": pr.SupportsCount})
	})
	if err != nil {
		return nil, err
	}
	return pr, nil
}
