package app

import (
	"context"
	"slices"
)

// Role is what a membership lets a user do; it always comes with a scope.
type Role string

// Roles, from residents up to administrators.
const (
	RoleResident        Role = "resident"
	RoleVolunteer       Role = "volunteer"
	RoleOrgMember       Role = "org_member"
	RoleDonor           Role = "donor"
	RoleGridWorker      Role = "grid_worker"
	RoleCommunityWorker Role = "community_worker"
	RoleCommittee       Role = "committee_member"
	RoleCivilAffairs    Role = "civil_affairs_officer"
	RoleAdmin           Role = "admin"
)

// Roles lists every role.
var Roles = []Role{RoleResident, RoleVolunteer, RoleOrgMember, RoleDonor, RoleGridWorker,
	RoleCommunityWorker, RoleCommittee, RoleCivilAffairs, RoleAdmin}

// Action names something a principal may try to do; Authorize decides.
type Action string

// Actions. Each has one rule in policy.
const (
	ActPublicRead           Action = "public.read"
	ActStreetManage         Action = "street.manage"
	ActCommunityCreate      Action = "community.create"
	ActCommunityUpdate      Action = "community.update"
	ActGridManage           Action = "grid.manage"
	ActNeedCreate           Action = "need.create"
	ActNeedFileOnBehalf     Action = "need.file_on_behalf"
	ActNeedViewPrivate      Action = "need.view_private"
	ActNeedWork             Action = "need.work"
	ActNeedManage           Action = "need.manage"
	ActNeedWithdraw         Action = "need.withdraw"
	ActNeedQueue            Action = "need.queue"
	ActNeedAttach           Action = "need.attach" // add or remove a need's photos
	ActOrgCreate            Action = "organization.create"
	ActOrgUpdate            Action = "organization.update"
	ActOrgVerify            Action = "organization.verify"
	ActSocialWorkerManage   Action = "social_worker.manage"
	ActVolunteerCreateSelf  Action = "volunteer.create_self"
	ActVolunteerManage      Action = "volunteer.manage"
	ActVolunteerViewPrivate Action = "volunteer.view_private"
	ActDonorCreateSelf      Action = "donor.create_self"
	ActDonorManage          Action = "donor.manage"
	ActDonorViewPrivate     Action = "donor.view_private"
	ActProjectCreate        Action = "project.create"
	ActProjectEdit          Action = "project.edit"
	ActProjectDecide        Action = "project.decide"
	// Micro-project steps 1–3 (issue 11).
	ActProjectProposeOnBehalf Action = "project.propose_on_behalf" // a worker proposes for a resident who consented
	ActProjectSupport         Action = "project.support"           // a resident of the community supports a project
	ActProjectComment         Action = "project.comment"           // residents and workers discuss a project
	ActProjectModerate        Action = "project.moderate"          // hide a comment, with a reason
	ActProjectVote            Action = "project.vote"              // a resident of the community votes
	ActProjectBallot          Action = "project.ballot"            // enter or confirm a paper ballot
	ActProjectMeeting         Action = "project.meeting"           // schedule 议事会 meetings, attendance, minutes
	ActMembershipManage       Action = "membership.manage"
	ActAuditView              Action = "audit.view"
	ActNotificationsOwn       Action = "notifications.own" // read and manage one's own inbox and preferences
	ActDashboardView          Action = "dashboard.view"    // a community's or street's full dashboard
	ActDashboardCity          Action = "dashboard.city"    // the roll-up over every community in one's scope
	ActUserManage             Action = "user.manage"

	// Tenders (government purchase of services).
	ActTenderManage   Action = "tender.manage"   // create, edit, publish, cancel, award
	ActTenderBid      Action = "tender.bid"      // bid for an organization
	ActTenderEvaluate Action = "tender.evaluate" // declare conflicts and score bids
	// Tasks, hours and matching (issue 3).
	ActTaskManage Action = "task.manage" // create tasks, add shifts, invite, mark no-shows, add and approve hours
	ActTaskSignup Action = "task.signup" // a volunteer signs up, cancels, checks in and out, reports hours
	ActMatchView  Action = "match.view"  // see ranked candidates for a need, project or task
	ActMatchTune  Action = "match.tune"  // tune a community's ranking weights; run batch assignment
	ActEvaluate   Action = "evaluation.create"
	// Funds (issue 4).
	ActFundManage          Action = "fund.manage"          // funds, pools, rule versions, deposits
	ActCampaignManage      Action = "campaign.manage"      // open and cancel campaigns
	ActContributionGive    Action = "contribution.give"    // donate through the payment provider
	ActContributionRecord  Action = "contribution.record"  // record and confirm offline gifts
	ActContributionRefund  Action = "contribution.refund"  // refund a gift
	ActPledgeCreate        Action = "pledge.create"        // pledge to a campaign; read one's own gifts
	ActPledgeCancel        Action = "pledge.cancel"        // withdraw one's own pledge
	ActPledgeView          Action = "pledge.view"          // read a pledge: its donor, workers of its place
	ActReceiptView         Action = "receipt.view"         // a gift's receipt: its donor, workers of its place
	ActFundAudit           Action = "fund.audit"           // contributions' private fields, donor flags
	ActDisbursementRequest Action = "disbursement.request" // ask to pay a payee from a campaign
	ActDisbursementDecide  Action = "disbursement.decide"  // vote (funds.ApprovalPolicy decides the tier)
	ActDisbursementPay     Action = "disbursement.pay"     // mark an approved request paid
	ActDisbursementProve   Action = "disbursement.prove"   // attach evidence: the requester or a payer
	ActDisbursementFiles   Action = "disbursement.files"   // open evidence files: the requester or a decider
	// Project delivery and evaluation (issue 11, steps 4–6).
	ActProjectDeliver Action = "project.deliver" // plan milestones, post updates, complete
	ActProjectRate    Action = "project.rate"    // rate a completed project of one's community
	ActNeedRate       Action = "need.rate"       // the requester rates their resolved need
	// Imports, data rights and the love supermarket (issue 14).
	ActImportManage Action = "import.manage" // preview and commit spreadsheet imports into a community
	ActPointsManage Action = "points.manage" // set a community's points rates, award points, stock the shelf, hand over goods
	ActPointsView   Action = "points.view"   // a holder's balance and history: the holder or the community's workers
	ActPointsRedeem Action = "points.redeem" // redeem one's own points
	ActPointsLedger Action = "points.ledger" // a community's points liability
	ActItemDonate   Action = "shop.donate"   // a merchant's member stocks the shelf with donated goods
	ActDataRights   Action = "data.self"     // see, download or erase one's own data
	// Department exports (issue 14): who extracts which department's 台账 over a place.
	ActExportCivilAffairs Action = "export.civil_affairs" // 民政: volunteer hours and certificates, organizations and contracts
	ActExportVolunteering Action = "export.volunteering"  // 团委/文明办: volunteer service records
	ActExportStreet       Action = "export.street"        // 街道: needs and response times by grid
	ActExportFinance      Action = "export.finance"       // 财政/审计: fund ledger, disbursements with evidence
	// ActExportSensitive lets an export carry needs of sensitive categories (PIPL art. 28):
	// only the civil-affairs office, which answers for health, disability and minors' cases.
	ActExportSensitive Action = "export.sensitive"
	// ActOrgDonations: an organization's members (and its place's managers) see what it
	// gave: gifts through its donor records and goods stocked on the shelf.
	ActOrgDonations Action = "organization.donations"
)

// rule says who may take an action.
type rule struct {
	public    bool   // anyone, signed in or not
	anyUser   bool   // any signed-in user
	owner     bool   // the user who owns the target (requester, proposer, profile owner)
	assignee  bool   // the user assigned to the target
	roles     []Role // members holding one of these roles in a scope covering the target
	scopeless bool   // the action is not about one place: a role anywhere suffices
	// community: the action concerns the community as a whole (its residents propose,
	// support, vote), so a membership scoped to a grid covers its grid's community.
	community bool
}

var (
	managers  = []Role{RoleCommunityWorker, RoleCivilAffairs, RoleAdmin}
	frontDesk = []Role{RoleGridWorker, RoleCommunityWorker, RoleCivilAffairs, RoleAdmin}
)

// policy is the whole authorization table; a test walks every route against it.
var policy = map[Action]rule{
	ActPublicRead:           {public: true},
	ActStreetManage:         {roles: []Role{RoleAdmin}},
	ActCommunityCreate:      {roles: []Role{RoleCivilAffairs, RoleAdmin}},
	ActCommunityUpdate:      {roles: managers},
	ActGridManage:           {roles: managers},
	ActNeedCreate:           {roles: append([]Role{RoleResident}, frontDesk...)},
	ActNeedFileOnBehalf:     {roles: frontDesk},
	ActNeedViewPrivate:      {owner: true, assignee: true, roles: frontDesk},
	ActNeedWork:             {assignee: true, roles: frontDesk},
	ActNeedManage:           {roles: frontDesk},
	ActNeedWithdraw:         {owner: true, roles: frontDesk},
	ActNeedQueue:            {roles: frontDesk, scopeless: true},
	ActOrgCreate:            {anyUser: true},
	ActOrgUpdate:            {roles: append([]Role{RoleOrgMember}, managers...)},
	ActOrgVerify:            {roles: managers},
	ActSocialWorkerManage:   {roles: append([]Role{RoleOrgMember}, managers...)},
	ActVolunteerCreateSelf:  {anyUser: true},
	ActVolunteerManage:      {owner: true, roles: frontDesk},
	ActVolunteerViewPrivate: {owner: true, roles: frontDesk},
	ActDonorCreateSelf:      {anyUser: true},
	ActDonorManage:          {owner: true, roles: managers},
	ActDonorViewPrivate:     {owner: true, roles: managers},
	ActProjectCreate:        {roles: append([]Role{RoleResident}, frontDesk...), community: true},
	ActProjectEdit:          {owner: true, roles: managers},
	ActProjectDecide:        {roles: []Role{RoleCommunityWorker, RoleCommittee, RoleCivilAffairs, RoleAdmin}},
	ActMembershipManage:     {roles: managers},
	// Micro-project steps 1–3: any resident of the community, grid-scoped or not, supports and
	// votes; workers moderate, enter paper ballots and run meetings.
	ActProjectProposeOnBehalf: {roles: frontDesk, community: true},
	ActProjectSupport:         {roles: []Role{RoleResident}, community: true},
	ActProjectComment:         {roles: append([]Role{RoleResident, RoleCommittee}, frontDesk...), community: true},
	ActProjectModerate:        {roles: frontDesk, community: true},
	ActProjectVote:            {roles: []Role{RoleResident}, community: true},
	ActProjectBallot:          {roles: frontDesk, community: true},
	ActProjectMeeting:         {roles: []Role{RoleCommunityWorker, RoleCommittee, RoleCivilAffairs, RoleAdmin}},
	// The committee and civil-affairs officers read the audit log of their scope, as the
	// workers do (issue 13).
	ActAuditView:        {roles: []Role{RoleCommunityWorker, RoleCommittee, RoleCivilAffairs, RoleAdmin}},
	ActNotificationsOwn: {anyUser: true},
	// Dashboards (issue 13): the people who answer for a place read its figures; the public
	// summary of a community is ActPublicRead.
	ActDashboardView: {roles: []Role{RoleGridWorker, RoleCommunityWorker, RoleCommittee, RoleCivilAffairs, RoleAdmin}, community: true},
	ActDashboardCity: {roles: []Role{RoleCivilAffairs, RoleAdmin}, scopeless: true},
	ActUserManage:    {roles: []Role{RoleAdmin}},

	// Tenders: a street's civil-affairs office or a community publishes; members of an
	// organization bid for it; workers, committee members and officers over the tender's place
	// evaluate.
	ActTenderManage:   {roles: managers},
	ActTenderBid:      {roles: []Role{RoleOrgMember}},
	ActTenderEvaluate: {roles: []Role{RoleCommunityWorker, RoleCommittee, RoleCivilAffairs, RoleAdmin}},

	// A need's photos: the resident it is for and the worker it is assigned to (issue 12).
	ActNeedAttach: {owner: true, assignee: true},
	// Tasks, hours and matching (issue 3).
	ActTaskManage: {assignee: true, roles: frontDesk},
	ActTaskSignup: {owner: true},
	ActMatchView:  {roles: frontDesk},
	ActMatchTune:  {roles: managers},
	ActEvaluate:   {roles: append([]Role{RoleResident}, frontDesk...)},
	// Funds (issue 4).
	ActFundManage:         {roles: []Role{RoleCivilAffairs, RoleAdmin}},
	ActCampaignManage:     {roles: managers},
	ActContributionGive:   {anyUser: true},
	ActContributionRecord: {roles: managers},
	ActContributionRefund: {roles: managers},
	// Pledges (issue 12): any signed-in resident or merchant pledges; the donor withdraws and
	// reads their own; workers who record offline gifts receive, confirm and reject them
	// (ActContributionRecord).
	ActPledgeCreate:        {anyUser: true},
	ActPledgeCancel:        {owner: true},
	ActPledgeView:          {owner: true, roles: managers},
	ActReceiptView:         {owner: true, roles: managers},
	ActFundAudit:           {roles: managers},
	ActDisbursementRequest: {roles: append([]Role{RoleOrgMember}, managers...)},
	ActDisbursementDecide:  {roles: []Role{RoleCommunityWorker, RoleCommittee, RoleCivilAffairs, RoleAdmin}},
	ActDisbursementPay:     {roles: managers},
	ActDisbursementProve:   {owner: true, roles: managers},
	ActDisbursementFiles:   {owner: true, roles: []Role{RoleCommunityWorker, RoleCommittee, RoleCivilAffairs, RoleAdmin}},
	// Project delivery (issue 11): members of the delivering organization (the target names
	// it) and workers of the project's place report; residents of the community rate.
	ActProjectDeliver: {roles: append([]Role{RoleOrgMember}, frontDesk...)},
	ActProjectRate:    {roles: []Role{RoleResident}, community: true},
	ActNeedRate:       {owner: true},
	// Imports, data rights and the love supermarket (issue 14).
	ActImportManage: {roles: managers},
	ActPointsManage: {roles: frontDesk},
	ActPointsView:   {owner: true, roles: frontDesk},
	ActPointsRedeem: {owner: true},
	ActPointsLedger: {roles: append([]Role{RoleCommittee}, managers...)},
	ActItemDonate:   {roles: append([]Role{RoleOrgMember}, frontDesk...)},
	ActDataRights:   {anyUser: true},
	// Department exports: the community's managers extract the civil-affairs and volunteering
	// 台账; the committee also reads the street's needs and the money (they sign spending off).
	ActExportCivilAffairs: {roles: managers},
	ActExportVolunteering: {roles: managers},
	ActExportStreet:       {roles: []Role{RoleCommunityWorker, RoleCommittee, RoleCivilAffairs, RoleAdmin}},
	ActExportFinance:      {roles: []Role{RoleCommunityWorker, RoleCommittee, RoleCivilAffairs, RoleAdmin}},
	ActExportSensitive:    {roles: []Role{RoleCivilAffairs, RoleAdmin}},
	ActOrgDonations:       {roles: append([]Role{RoleOrgMember}, managers...)},
}

// Target says where an action applies: the place chain of the record and who owns it.
// Zero fields mean "not applicable".
type Target struct {
	StreetID       int64
	CommunityID    int64
	GridID         int64
	OrganizationID int64
	OwnerID        int64
	AssigneeID     int64
}

// Principal is the signed-in user and their memberships.
type Principal struct {
	User        *User
	Memberships []Membership
}

// Authenticated reports whether the principal is a signed-in user.
func (p *Principal) Authenticated() bool { return p != nil && p.User != nil }

// UserID returns the user's id, or 0 for anonymous principals.
func (p *Principal) UserID() int64 {
	if !p.Authenticated() {
		return 0
	}
	return p.User.ID
}

// HasRole reports whether the principal holds the role in any scope.
func (p *Principal) HasRole(r Role) bool {
	if !p.Authenticated() {
		return false
	}
	for _, m := range p.Memberships {
		if m.Role == r {
			return true
		}
	}
	return false
}

// covers reports whether a membership's scope contains the target.
func (m Membership) covers(t Target) bool {
	switch {
	case m.Role == RoleOrgMember:
		// The organization alone is not enough: a target that names the organization but
		// lies in another place (another community's fund paying it, say) is not covered.
		// The membership carries the organization's own place (GrantMembership derives it
		// from the organization and UpdateOrganization moves it along), so both must match.
		return m.OrganizationID != nil && t.OrganizationID != 0 && *m.OrganizationID == t.OrganizationID &&
			m.placeCovers(t)
	case m.GridID != nil:
		return t.GridID != 0 && *m.GridID == t.GridID
	case m.CommunityID != nil:
		return t.CommunityID != 0 && *m.CommunityID == t.CommunityID
	case m.StreetID != nil:
		return t.StreetID != 0 && *m.StreetID == t.StreetID
	default:
		return true // global membership
	}
}

// coversCommunityOf reports whether a grid-scoped membership lies in the target's community:
// a resident registered in a grid is a resident of its community.
func (m Membership) coversCommunityOf(t Target) bool {
	return m.Role != RoleOrgMember && m.GridID != nil && m.GridCommunityID != nil && t.CommunityID != 0 && *m.GridCommunityID == t.CommunityID
}

// placeCovers reports whether the membership's place (grid, community, street, or none)
// contains the target's place. A membership with no place covers only place-less targets.
func (m Membership) placeCovers(t Target) bool {
	switch {
	case m.GridID != nil:
		return t.GridID != 0 && *m.GridID == t.GridID
	case m.CommunityID != nil:
		return t.CommunityID != 0 && *m.CommunityID == t.CommunityID
	case m.StreetID != nil:
		return t.StreetID != 0 && *m.StreetID == t.StreetID
	default:
		return t.StreetID == 0 && t.CommunityID == 0 && t.GridID == 0
	}
}

// Actions lists every action the policy knows, sorted, for tests and documentation.
func Actions() []Action {
	out := make([]Action, 0, len(policy))
	for a := range policy {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// Authorize decides whether the principal may take the action on the target. It is the one
// place where roles and scopes turn into permissions. It returns nil, an EUNAUTHORIZED error for
// anonymous principals, or an EFORBIDDEN error.
func Authorize(p *Principal, act Action, t Target) error {
	r, ok := policy[act]
	if !ok {
		return Forbidden() // an action without a rule is a bug; fail closed
	}
	if r.public {
		return nil
	}
	if !p.Authenticated() {
		return Unauthorized()
	}
	if p.User.Disabled {
		return Forbidden()
	}
	if r.anyUser {
		return nil
	}
	if r.owner && t.OwnerID != 0 && t.OwnerID == p.User.ID {
		return nil
	}
	if r.assignee && t.AssigneeID != 0 && t.AssigneeID == p.User.ID {
		return nil
	}
	for _, m := range p.Memberships {
		if !slices.Contains(r.roles, m.Role) {
			continue
		}
		if m.Role == RoleAdmin || r.scopeless || m.covers(t) || (r.community && m.coversCommunityOf(t)) {
			return nil
		}
	}
	return Forbidden()
}

// Can is Authorize as a boolean, for deciding what a page shows.
func Can(p *Principal, act Action, t Target) bool { return Authorize(p, act, t) == nil }

// grantable lists the roles each managing role may hand out within its scope.
var grantable = map[Role][]Role{
	RoleAdmin:           Roles,
	RoleCivilAffairs:    {RoleResident, RoleVolunteer, RoleOrgMember, RoleDonor, RoleGridWorker, RoleCommunityWorker, RoleCommittee},
	RoleCommunityWorker: {RoleResident, RoleVolunteer, RoleOrgMember, RoleDonor, RoleGridWorker, RoleCommittee},
}

// AuthorizeGrant decides whether the principal may grant a role within the target scope.
func AuthorizeGrant(p *Principal, role Role, t Target) error {
	if err := Authorize(p, ActMembershipManage, t); err != nil {
		return err
	}
	for _, m := range p.Memberships {
		if (m.Role == RoleAdmin || m.covers(t)) && slices.Contains(grantable[m.Role], role) {
			return nil
		}
	}
	return Forbidden()
}

type principalKey struct{}

// WithPrincipal returns a context carrying the principal.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the context's principal, or an anonymous one.
func PrincipalFrom(ctx context.Context) *Principal {
	if p, ok := ctx.Value(principalKey{}).(*Principal); ok && p != nil {
		return p
	}
	return &Principal{}
}
