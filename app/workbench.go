package app

import (
	"context"
	"strconv"
)

// StaffLink is one entry of the staff workbench: a page the caller may open and the catalog
// keys of its name and one-line explanation.
type StaffLink struct {
	Path     string
	Key      string // workbench.<Key>.title and workbench.<Key>.desc name and explain it
	Place    string // the community the link is about, empty for pages over the whole scope
	PlaceKey int64  // that community's id, 0 otherwise
}

// StaffGroup is a heading of the workbench with its links.
type StaffGroup struct {
	Key   string // workbench.group.<Key>
	Links []StaffLink
}

// workbenchActions are the actions whose pages the workbench lists: a role that may take
// none of them has no workbench.
var workbenchActions = []Action{ActNeedQueue, ActMatchTune, ActDisbursementDecide, ActDisbursementPay,
	ActImportManage, ActPointsManage, ActProjectMeeting, ActCommunityUpdate, ActAuditView, ActDashboardView, ActDashboardCity,
	ActExportCivilAffairs, ActExportVolunteering, ActExportStreet, ActExportFinance}

// MayUseWorkbench reports whether the navigation should offer the workbench: the principal
// holds a role that some workbench page admits (StaffLinks then says which pages and where).
func MayUseWorkbench(p *Principal) bool {
	if !p.Authenticated() || p.User.Disabled {
		return false
	}
	for _, m := range p.Memberships {
		for _, act := range workbenchActions {
			for _, r := range policy[act].roles {
				if m.Role == r {
					return true
				}
			}
		}
	}
	return false
}

// StaffLinks lists, grouped, every staff page the caller may use, each decided by Can on the
// page's own action and place. ErrForbidden when there is none, so residents get a 403.
func (a *App) StaffLinks(ctx context.Context) ([]StaffGroup, error) {
	p := PrincipalFrom(ctx)
	if !p.Authenticated() {
		return nil, Unauthorized()
	}
	if !MayUseWorkbench(p) {
		return nil, Forbidden()
	}
	cs, _, err := a.store.FindCommunities(ctx, CommunityFilter{Page: Page{Page: 1, PerPage: 100000}})
	if err != nil {
		return nil, err
	}
	var needs, places, money, projects, oversight []StaffLink
	if Can(p, ActNeedQueue, Target{}) {
		needs = append(needs, StaffLink{Path: "/queue", Key: "queue"})
	}
	var disburse, meetings, audit, dashboards, exports bool
	audit = Can(p, ActAuditView, Target{})
	dashboards = Can(p, ActDashboardCity, Target{})
	for _, c := range cs {
		t := Target{StreetID: c.StreetID, CommunityID: c.ID}
		id := strconv.FormatInt(c.ID, 10)
		at := func(path, key string) StaffLink {
			return StaffLink{Path: path, Key: key, Place: c.Name, PlaceKey: c.ID}
		}
		if Can(p, ActMatchTune, t) {
			needs = append(needs, at("/communities/"+id+"/assignment", "assignment"))
			places = append(places, at("/communities/"+id+"/weights", "weights"))
		}
		if Can(p, ActCommunityUpdate, t) {
			projects = append(projects, at("/communities/"+id+"/project-settings", "project_settings"))
		}
		if Can(p, ActImportManage, t) {
			places = append(places, at("/imports/new?community_id="+id, "imports"))
		}
		if Can(p, ActPointsManage, t) {
			money = append(money, at("/shop?community_id="+id, "points"))
		}
		disburse = disburse || Can(p, ActDisbursementDecide, t) || Can(p, ActDisbursementPay, t)
		meetings = meetings || Can(p, ActProjectMeeting, t)
		audit = audit || Can(p, ActAuditView, t)
		dashboards = dashboards || Can(p, ActDashboardView, t)
		for _, act := range []Action{ActExportCivilAffairs, ActExportVolunteering, ActExportStreet, ActExportFinance} {
			exports = exports || Can(p, act, t)
		}
	}
	if disburse {
		money = append([]StaffLink{{Path: "/disbursements", Key: "disbursements"}}, money...)
	}
	if meetings {
		projects = append([]StaffLink{{Path: "/meetings", Key: "meetings"}}, projects...)
	}
	if dashboards {
		oversight = append(oversight, StaffLink{Path: "/dashboards", Key: "dashboards"})
	}
	if audit {
		oversight = append(oversight, StaffLink{Path: "/audit", Key: "audit"})
	}
	if exports {
		oversight = append(oversight, StaffLink{Path: "/exports", Key: "exports"})
	}
	var out []StaffGroup
	for _, g := range []StaffGroup{{"needs", needs}, {"places", places}, {"money", money}, {"projects", projects}, {"oversight", oversight}} {
		if len(g.Links) > 0 {
			out = append(out, g)
		}
	}
	if len(out) == 0 {
		return nil, Forbidden()
	}
	return out, nil
}

// auditScope narrows an audit query without a community to the communities the caller may
// audit: a global membership reads everything, others read only their communities' entries
// (issue 13: the committee and civil-affairs officers read the audit log of their scope).
func (a *App) auditScope(ctx context.Context, p *Principal, f *AuditFilter) error {
	if Can(p, ActAuditView, Target{}) {
		return nil
	}
	cs, _, err := a.store.FindCommunities(ctx, CommunityFilter{Page: Page{Page: 1, PerPage: 100000}})
	if err != nil {
		return err
	}
	ids := []int64{}
	for _, c := range cs {
		if Can(p, ActAuditView, Target{StreetID: c.StreetID, CommunityID: c.ID}) {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return Authorize(p, ActAuditView, Target{})
	}
	f.InCommunities = ids
	return nil
}
