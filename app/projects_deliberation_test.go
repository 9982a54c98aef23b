package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/app"
	"github.com/wushe/wushe/app/apptest"
	"github.com/wushe/wushe/app/store"
)

// delibWorld is the test world plus residents registered in grid 1 of A (as the demo's
// resident is), the way most residents are, and a clock.
type delibWorld struct {
	a     *app.App
	s     *store.Store
	w     *apptest.World
	clock *apptest.Clock
	grid  []string // names of grid-scoped residents of A
}

func newDelibWorld(t *testing.T, residents int) *delibWorld {
	t.Helper()
	clock := apptest.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, cst))
	a, s := apptest.NewApp(t, clock)
	w := apptest.NewWorld(t, s, apptest.Hasher())
	dw := &delibWorld{a: a, s: s, w: w, clock: clock}
	ctx := context.Background()
	for i := 0; i < residents; i++ {
		name := fmt.Sprintf("grid_resident_%d", i)
		email := name + "@test.wushe"
		u := &app.User{Email: &email, Name: "居民" + name, PasswordHash: "x", Locale: "zh-CN", CreatedAt: clock.Now(), UpdatedAt: clock.Now()}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateMembership(ctx, &app.Membership{UserID: u.ID, Role: app.RoleResident, GridID: &w.A.Grids[i%2].ID, CreatedAt: clock.Now()}); err != nil {
			t.Fatal(err)
		}
		w.Users[name] = u
		dw.grid = append(dw.grid, name)
	}
	return dw
}

func (dw *delibWorld) as(t *testing.T, user string) context.Context {
	if user == "anonymous" {
		return context.Background()
	}
	return dw.w.As(t, dw.a, user)
}

// submitted proposes a community-wide project as the user and submits it.
func (dw *delibWorld) submitted(t *testing.T, user string) *app.Project {
	t.Helper()
	ctx := dw.as(t, user)
	pr, err := dw.a.CreateProject(ctx, app.ProjectInput{CommunityID: dw.w.A.Community.ID, Title: "3号楼加装楼道扶手", Description: "方便老人上下楼",
		Category: "elderly_care", Budget: 1800000, Beneficiaries: 60})
	if err != nil {
		t.Fatalf("CreateProject as %s: %v", user, err)
	}
	if pr, err = dw.a.SubmitProject(ctx, pr.ID); err != nil {
		t.Fatalf("SubmitProject: %v", err)
	}
	return pr
}

func (dw *delibWorld) reload(t *testing.T, id int64) *app.Project {
	t.Helper()
	pr, err := dw.s.FindProject(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return pr
}

func (dw *delibWorld) events(t *testing.T, id int64, action string) []*app.AuditEvent {
	t.Helper()
	typ := "project"
	es, _, err := dw.s.FindAuditEvents(context.Background(), app.AuditFilter{SubjectType: &typ, SubjectID: &id, Page: app.Page{Page: 1, PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var out []*app.AuditEvent
	for _, e := range es {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

func code(err error) string {
	if err == nil {
		return "ok"
	}
	for _, c := range []app.Code{app.EUNAUTHORIZED, app.EFORBIDDEN, app.ENOTFOUND, app.ECONFLICT, app.EINVALID} {
		if app.IsCode(err, c) {
			return string(c)
		}
	}
	return err.Error()
}

// TestGridResidentProposesForWholeCommunity is the defect of issue 11: a resident registered
// in a grid got 403 proposing a project for the whole community.
func TestGridResidentProposesForWholeCommunity(t *testing.T) {
	t.Parallel()
	dw := newDelibWorld(t, 1)
	pr := dw.submitted(t, "grid_resident_0")
	if pr.GridID != nil || pr.Status != app.ProjectDeliberating {
		t.Fatalf("project = grid %v status %s, want community-wide deliberating", pr.GridID, pr.Status)
	}
	if want := dw.clock.Now().Add(14 * 24 * time.Hour); pr.DeliberationEndsAt == nil || !pr.DeliberationEndsAt.Equal(want) || pr.SupportThreshold != 10 {
		t.Errorf("deliberation ends %v threshold %d, want %v and 10 (defaults)", pr.DeliberationEndsAt, pr.SupportThreshold, want)
	}
	// A resident of another community still may not.
	_, err := dw.a.CreateProject(dw.as(t, "resident_b"), app.ProjectInput{CommunityID: dw.w.A.Community.ID, Title: "t", Description: "d", Category: "environment"})
	if code(err) != string(app.EFORBIDDEN) {
		t.Errorf("resident of B proposing in A: %v, want forbidden", err)
	}
}

// TestProposeOnBehalf: a worker proposes for a resident only with the resident named and
// their consent recorded; a resident cannot.
func TestProposeOnBehalf(t *testing.T) {
	t.Parallel()
	dw := newDelibWorld(t, 0)
	base := app.ProjectInput{CommunityID: dw.w.A.Community.ID, Title: "助餐点", Description: "d", Category: "meal_delivery"}
	cases := []struct {
		name, user      string
		person, method  string
		want, wantField string
	}{
		{"named with consent", "grid_worker", "王阿姨", "verbal", "ok", ""},
		{"no consent", "community_worker", "王阿姨", "", string(app.EINVALID), "consent_method"},
		{"consent without a name", "community_worker", "", "written", string(app.EINVALID), "on_behalf_name"},
		{"a resident may not", "resident", "王阿姨", "verbal", string(app.EFORBIDDEN), ""},
	}
	for _, c := range cases {
		in := base
		in.OnBehalfName, in.ConsentMethod = c.person, c.method
		pr, err := dw.a.CreateProject(dw.as(t, c.user), in)
		if code(err) != c.want {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
			continue
		}
		if c.wantField != "" && !strings.Contains(err.Error(), c.wantField) {
			var e *app.Error
			if ae, ok := err.(*app.Error); ok {
				e = ae
			}
			if e == nil || e.Fields[c.wantField].ID == "" {
				t.Errorf("%s: %v does not name %s", c.name, err, c.wantField)
			}
		}
		if err == nil && (pr.OnBehalfName != c.person || pr.ConsentMethod != c.method || pr.ConsentAt == nil) {
			t.Errorf("%s: on behalf %q consent %q at %v", c.name, pr.OnBehalfName, pr.ConsentMethod, pr.ConsentAt)
		}
	}
}

// TestSupportRules walks supports through one project: every refused support writes nothing.
func TestSupportRules(t *testing.T) {
	t.Parallel()
	dw := newDelibWorld(t, 3)
	pr := dw.submitted(t, "grid_resident_0")
	steps := []struct {
		user  string
		want  string
		count int
	}{
		{"anonymous", string(app.EUNAUTHORIZED), 0},
		{"grid_resident_0", string(app.ECONFLICT), 0}, // the proposer's own counts nothing
		{"resident_b", string(app.EFORBIDDEN), 0},     // another community
		{"community_worker", string(app.EFORBIDDEN), 0},
		{"grid_resident_1", "ok", 1}, // a grid-scoped resident of the community
		{"grid_resident_1", string(app.ECONFLICT), 1},
		{"resident", "ok", 2},
		{"grid_resident_2", "ok", 3},
	}
	for i, st := range steps {
		_, err := dw.a.SupportProject(dw.as(t, st.user), pr.ID)
		if code(err) != st.want {
			t.Errorf("step %d %s: %v, want %s", i, st.user, err, st.want)
		}
		if got := dw.reload(t, pr.ID).SupportsCount; got != st.count {
			t.Errorf("step %d %s: supports %d, want %d", i, st.user, got, st.count)
		}
	}
	if n := len(dw.events(t, pr.ID, "project.supported")); n != 3 {
		t.Errorf("%d project.supported events, want 3", n)
	}
	// Below the threshold the vote cannot open.
	if _, err := dw.a.OpenVote(dw.as(t, "community_worker"), pr.ID, app.VoteOpening{}); code(err) != string(app.ECONFLICT) {
		t.Errorf("vote-opening below threshold: %v, want conflict", err)
	}
	if got := dw.reload(t, pr.ID).Status; got != app.ProjectDeliberating {
		t.Errorf("status %s after refused vote-opening", got)
	}
}

// TestLapse: past the deadline below the threshold a project reads as lapsed at once, takes
// no supports, and the sweep writes it once with an audit event.
func TestLapse(t *testing.T) {
	t.Parallel()
	dw := newDelibWorld(t, 2)
	short := dw.submitted(t, "grid_resident_0")
	ready := dw.submitted(t, "grid_resident_0")
	if _, err := dw.a.UpdateProjectSettings(dw.as(t, "community_worker"), dw.w.A.Community.ID,
		app.ProjectSettingsInput{DeliberationDays: 3, SupportThreshold: 1, Quorum: 1, Majority: app.MajoritySimple, VoteDays: 2}); err != nil {
		t.Fatal(err)
	}
	if pr := dw.reload(t, short.ID); pr.SupportThreshold != 10 {
		t.Errorf("a running deliberation took the new threshold: %d", pr.SupportThreshold)
	}
	dw.clock.Advance(15 * 24 * time.Hour)
	v, err := dw.a.Project(context.Background(), short.ID)
	if err != nil || v.Status != app.ProjectLapsed {
		t.Fatalf("read after the deadline: %v %v, want lapsed", v, err)
	}
	if _, err := dw.a.SupportProject(dw.as(t, "grid_resident_1"), short.ID); code(err) != string(app.ECONFLICT) {
		t.Errorf("support after the deadline: %v, want conflict", err)
	}
	n, err := dw.a.LapseProjects(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("LapseProjects = %d, %v; want 2", n, err)
	}
	if pr := dw.reload(t, short.ID); pr.Status != app.ProjectLapsed || pr.LapsedAt == nil {
		t.Errorf("after the sweep: %s %v", pr.Status, pr.LapsedAt)
	}
	if n, _ := dw.a.LapseProjects(context.Background()); n != 0 {
		t.Errorf("second sweep lapsed %d", n)
	}
	if len(dw.events(t, short.ID, "project.lapsed")) != 1 || len(dw.events(t, ready.ID, "project.lapsed")) != 1 {
		t.Errorf("want one project.lapsed event per project")
	}
}

func TestVoteOutcome(t *testing.T) {
	t.Parallel()
	cases := []struct {
		yes, no, abstain, quorum int
		majority                 string
		approved                 bool
		reason                   string
	}{
		{6, 1, 1, 10, app.MajoritySimple, false, app.DecisionQuorumNotMet},
		{6, 1, 3, 10, app.MajoritySimple, true, app.DecisionVotePassed}, // abstentions make the quorum
		{5, 5, 0, 10, app.MajoritySimple, false, app.DecisionMajorityNotMet},
		{0, 0, 10, 10, app.MajoritySimple, false, app.DecisionMajorityNotMet},
		{6, 4, 0, 10, app.MajorityTwoThirds, false, app.DecisionMajorityNotMet},
		{8, 4, 0, 10, app.MajorityTwoThirds, true, app.DecisionVotePassed},
	}
	for _, c := range cases {
		ok, reason := app.VoteOutcome(c.yes, c.no, c.abstain, c.quorum, c.majority)
		if ok != c.approved || reason != c.reason {
			t.Errorf("VoteOutcome(%d,%d,%d,q%d,%s) = %v %s, want %v %s", c.yes, c.no, c.abstain, c.quorum, c.majority, ok, reason, c.approved, c.reason)
		}
	}
}

// readyForVote submits a project and gathers supports up to the threshold set (2).
func (dw *delibWorld) readyForVote(t *testing.T, quorum int) *app.Project {
	t.Helper()
	if _, err := dw.a.UpdateProjectSettings(dw.as(t, "community_worker"), dw.w.A.Community.ID,
		app.ProjectSettingsInput{DeliberationDays: 14, SupportThreshold: 2, Quorum: quorum, Majority: app.MajoritySimple, VoteDays: 7}); err != nil {
		t.Fatal(err)
	}
	pr := dw.submitted(t, "grid_resident_0")
	for _, u := range []string{"grid_resident_1", "resident"} {
		if _, err := dw.a.SupportProject(dw.as(t, u), pr.ID); err != nil {
			t.Fatal(err)
		}
	}
	return pr
}

// TestVoteRules: one vote per resident of the community, only inside the window; closing
// applies the quorum and majority.
func TestVoteRules(t *testing.T) {
	t.Parallel()
	dw := newDelibWorld(t, 4)
	pr := dw.readyForVote(t, 3)
	if _, err := dw.a.Vote(dw.as(t, "resident"), pr.ID, app.ProjectVoteInput{Choice: "yes"}); code(err) != string(app.ECONFLICT) {
		t.Errorf("vote before opening: %v, want conflict", err)
	}
	if _, err := dw.a.OpenVote(dw.as(t, "grid_resident_1"), pr.ID, app.VoteOpening{}); code(err) != string(app.EFORBIDDEN) {
		t.Errorf("a resident opening the vote: %v", err)
	}
	if _, err := dw.a.OpenVote(dw.as(t, "community_worker"), pr.ID, app.VoteOpening{}); err != nil {
		t.Fatalf("OpenVote: %v", err)
	}
	steps := []struct {
		user, choice, want string
	}{
		{"grid_resident_1", "yes", "ok"},
		{"grid_resident_1", "no", string(app.ECONFLICT)}, // twice
		{"resident_b", "yes", string(app.EFORBIDDEN)},
		{"resident", "maybe", string(app.EINVALID)},
		{"grid_resident_0", "no", "ok"}, // the proposer may vote
	}
	for i, st := range steps {
		if _, err := dw.a.Vote(dw.as(t, st.user), pr.ID, app.ProjectVoteInput{Choice: st.choice}); code(err) != st.want {
			t.Errorf("step %d %s %s: %v, want %s", i, st.user, st.choice, err, st.want)
		}
	}
	got := dw.reload(t, pr.ID)
	if got.VotesYes != 1 || got.VotesNo != 1 || got.VotesAbstain != 0 {
		t.Errorf("tally %d/%d/%d, want 1/1/0", got.VotesYes, got.VotesNo, got.VotesAbstain)
	}
	dw.clock.Advance(8 * 24 * time.Hour)
	if _, err := dw.a.Vote(dw.as(t, "resident"), pr.ID, app.ProjectVoteInput{Choice: "yes"}); code(err) != string(app.ECONFLICT) {
		t.Errorf("vote after the window: %v, want conflict", err)
	}
	dec, err := dw.a.DecideProject(dw.as(t, "committee_member"), pr.ID, app.ProjectDecision{Note: "表决结束"})
	if err != nil {
		t.Fatal(err)
	}
	if dec.Status != app.ProjectRejected || dec.DecisionReason != app.DecisionQuorumNotMet {
		t.Errorf("2 votes of a quorum of 3: %s %s, want rejected quorum_not_met", dec.Status, dec.DecisionReason)
	}
	if len(dw.events(t, pr.ID, "project.decided")) != 1 || len(dw.events(t, pr.ID, "project.voted")) != 2 {
		t.Errorf("audit events missing")
	}
}

// TestPaperBallotsNeedTwoWorkers: a paper ballot counts only when a second worker confirms it.
func TestPaperBallotsNeedTwoWorkers(t *testing.T) {
	t.Parallel()
	dw := newDelibWorld(t, 3)
	pr := dw.readyForVote(t, 1)
	if _, err := dw.a.OpenVote(dw.as(t, "community_worker"), pr.ID, app.VoteOpening{}); err != nil {
		t.Fatal(err)
	}
	voter := dw.w.Users["grid_resident_2"].ID
	if _, err := dw.a.EnterPaperBallot(dw.as(t, "grid_worker"), pr.ID, app.PaperBallotInput{VoterID: dw.w.Users["resident_b"].ID, Choice: "yes"}); code(err) != string(app.EINVALID) {
		t.Errorf("ballot for a resident of B: %v, want invalid", err)
	}
	b, err := dw.a.EnterPaperBallot(dw.as(t, "grid_worker"), pr.ID, app.PaperBallotInput{VoterID: voter, Choice: "yes"})
	if err != nil {
		t.Fatal(err)
	}
	if got := dw.reload(t, pr.ID).VotesYes; got != 0 {
		t.Errorf("an unconfirmed ballot counted: %d", got)
	}
	if _, err := dw.a.ConfirmPaperBallot(dw.as(t, "grid_worker"), b.ID, app.BallotConfirmation{Confirm: true}); code(err) != string(app.EFORBIDDEN) {
		t.Errorf("confirming one's own entry: %v, want forbidden", err)
	}
	if _, err := dw.a.ConfirmPaperBallot(dw.as(t, "community_worker"), b.ID, app.BallotConfirmation{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if got := dw.reload(t, pr.ID).VotesYes; got != 1 {
		t.Errorf("confirmed ballot: yes = %d, want 1", got)
	}
	if _, err := dw.a.Vote(dw.as(t, "grid_resident_2"), pr.ID, app.ProjectVoteInput{Choice: "no"}); code(err) != string(app.ECONFLICT) {
		t.Errorf("online vote after a paper one: %v, want conflict", err)
	}
	dec, err := dw.a.DecideProject(dw.as(t, "community_worker"), pr.ID, app.ProjectDecision{Delivery: "volunteers", Funding: "campaign"})
	if err != nil || dec.Status != app.ProjectApproved || dec.DecisionReason != app.DecisionVotePassed || dec.Delivery != "volunteers" || dec.Funding != "campaign" {
		t.Errorf("decision: %+v %v", dec, err)
	}
}

// TestMeetingResolution: a decision outside a vote rests on a held meeting with the project on its agenda.
func TestMeetingResolution(t *testing.T) {
	t.Parallel()
	dw := newDelibWorld(t, 1)
	pr := dw.submitted(t, "grid_resident_0")
	other := dw.submitted(t, "grid_resident_0")
	worker := dw.as(t, "community_worker")
	m, err := dw.a.CreateMeeting(worker, app.MeetingInput{CommunityID: dw.w.A.Community.ID, Title: "议事会", StartsAt: dw.clock.Now().Add(2 * time.Hour),
		Place: "会议室", ProjectIDs: []int64{pr.ID}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		id    int64
		d     app.ProjectDecision
		want  string
		after time.Duration
	}{
		{"no meeting", pr.ID, app.ProjectDecision{Approve: true}, string(app.EINVALID), 0},
		{"not on the agenda", other.ID, app.ProjectDecision{Approve: true, MeetingID: &m.ID}, string(app.EINVALID), 0},
		{"not held yet", pr.ID, app.ProjectDecision{Approve: true, MeetingID: &m.ID}, string(app.ECONFLICT), 0},
		{"reject without a reason", pr.ID, app.ProjectDecision{MeetingID: &m.ID}, string(app.EINVALID), 3 * time.Hour},
		{"held", pr.ID, app.ProjectDecision{Approve: true, Note: "一致同意", MeetingID: &m.ID, Delivery: "organization"}, string(app.EINVALID), 0},
		{"held, delivered by volunteers", pr.ID, app.ProjectDecision{Approve: true, Note: "一致同意", MeetingID: &m.ID, Delivery: "volunteers", Funding: "budget_line", FundingNote: "社区公益金"}, "ok", 0},
		{"twice", pr.ID, app.ProjectDecision{Approve: true, MeetingID: &m.ID}, string(app.ECONFLICT), 0},
	}
	for _, c := range cases {
		dw.clock.Advance(c.after)
		_, err := dw.a.DecideProject(worker, c.id, c.d)
		if code(err) != c.want {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
	}
	got := dw.reload(t, pr.ID)
	if got.Status != app.ProjectApproved || got.DecisionReason != app.DecisionMeetingResolved || got.DecisionMeetingID == nil || *got.DecisionMeetingID != m.ID {
		t.Errorf("resolved project: %s %s %v", got.Status, got.DecisionReason, got.DecisionMeetingID)
	}
	if _, err := dw.a.RecordAttendance(worker, m.ID, app.AttendanceInput{UserID: dw.w.Users["grid_resident_0"].ID, Represented: true}); err != nil {
		t.Errorf("attendance of a grid resident: %v", err)
	}
	if _, err := dw.a.RecordAttendance(worker, m.ID, app.AttendanceInput{UserID: dw.w.Users["resident_b"].ID}); code(err) != string(app.EINVALID) {
		t.Errorf("attendance of a resident of B: %v", err)
	}
}

// TestCommentsAndRevisions: one level of replies, hiding with a reason in the audit log,
// revisions kept when the proposer edits during deliberation.
func TestCommentsAndRevisions(t *testing.T) {
	t.Parallel()
	dw := newDelibWorld(t, 2)
	pr := dw.submitted(t, "grid_resident_0")
	top, err := dw.a.CommentProject(dw.as(t, "grid_resident_1"), pr.ID, app.ProjectCommentInput{Body: "支持"})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := dw.a.CommentProject(dw.as(t, "grid_resident_0"), pr.ID, app.ProjectCommentInput{Body: "谢谢", ParentID: &top.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dw.a.CommentProject(dw.as(t, "resident"), pr.ID, app.ProjectCommentInput{Body: "再回复", ParentID: &reply.ID}); code(err) != string(app.EINVALID) {
		t.Errorf("reply to a reply: %v, want invalid", err)
	}
	if _, err := dw.a.HideComment(dw.as(t, "resident"), top.ID, app.CommentHiding{Reason: "广告"}); code(err) != string(app.EFORBIDDEN) {
		t.Errorf("a resident hiding: %v", err)
	}
	if _, err := dw.a.HideComment(dw.as(t, "grid_worker"), top.ID, app.CommentHiding{Reason: "广告"}); err != nil {
		t.Fatal(err)
	}
	thread, err := dw.a.ProjectComments(context.Background(), pr.ID)
	if err != nil || len(thread) != 1 || len(thread[0].Replies) != 1 || !thread[0].Hidden || thread[0].Body != "" {
		t.Fatalf("public thread: %+v %v", thread, err)
	}
	ev := dw.events(t, pr.ID, "project.comment_hidden")
	if len(ev) != 1 || !strings.Contains(ev[0].Data, "广告") {
		t.Errorf("hiding audit: %+v", ev)
	}
	in := app.ProjectInput{CommunityID: pr.CommunityID, Title: "3号楼和4号楼加装楼道扶手", Description: "扩大到4号楼", Category: pr.Category, Budget: 3000000}
	if _, err := dw.a.UpdateProject(dw.as(t, "grid_resident_0"), pr.ID, in); err != nil {
		t.Fatal(err)
	}
	revs, err := dw.a.ProjectRevisions(context.Background(), pr.ID)
	if err != nil || len(revs) != 1 || revs[0].Title != "3号楼加装楼道扶手" || revs[0].Budget != 1800000 || dw.reload(t, pr.ID).Revision != 1 {
		t.Errorf("revisions: %+v %v", revs, err)
	}
}
