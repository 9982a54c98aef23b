package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/wushe/wushe/app"
)

// deliberation puts projects of 东湖社区 at steps 2 and 3 of 友邻六事法: 3号楼加装楼道扶手
// under deliberation with 7 of 10 supports, 垃圾分类亭 with its 10 supports waiting for a
// worker to open the vote, and 楼道灯 in a vote with 9 of the 10 votes its quorum needs; a
// 议事会 meeting next week has the two deliberating projects on its agenda.
func (l *loader) deliberation(ctx context.Context, p *place) error {
	c := p.community
	all, err := l.st.FindCommunityResidents(ctx, c.ID, 200)
	if err != nil {
		return err
	}
	var residents []*app.User // the generated residents, not the demo accounts people sign in as
	for _, u := range all {
		if u.Email != nil && *u.Email != "resident@wushe.local" {
			residents = append(residents, u)
		}
	}
	if len(residents) < 20 {
		return fmt.Errorf("demo deliberation: %d residents, want 20", len(residents))
	}
	worker := l.users["worker@wushe.local"]
	grid := p.grids[2%len(p.grids)].ID
	mk := func(title, desc, category string, yuan int64, benef int, proposer *app.User, gridID *int64, supports int, submittedDaysAgo int) (*app.Project, error) {
		sub := l.now.Add(-time.Duration(submittedDaysAgo) * 24 * time.Hour)
		ends := sub.Add(14 * 24 * time.Hour)
		pr := &app.Project{CommunityID: c.ID, GridID: gridID, ProposerID: proposer.ID, Title: title, Description: desc, Category: category,
			Budget: yuan * 100, Currency: "CNY", Beneficiaries: benef, Status: app.ProjectDeliberating, SubmittedAt: &sub,
			CreatedAt: sub.Add(-24 * time.Hour), UpdatedAt: sub}
		pr.DeliberationEndsAt, pr.SupportThreshold, pr.SupportsCount = &ends, 10, supports
		if err := l.st.CreateProject(ctx, pr); err != nil {
			return nil, err
		}
		for i := 0; i < supports; i++ {
			at := sub.Add(time.Duration(i+1) * 5 * time.Hour)
			if err := l.st.CreateProjectSupport(ctx, &app.ProjectSupport{ProjectID: pr.ID, UserID: residents[i+1].ID, CreatedAt: at}); err != nil {
				return nil, err
			}
		}
		l.sum.Projects++
		return pr, l.st.AppendAudit(ctx, &app.AuditEvent{OccurredAt: sub, ActorID: &proposer.ID, Action: "project.submitted",
			SubjectType: "project", SubjectID: pr.ID, CommunityID: &c.ID, Data: "{}"})
	}
	rail, err := mk("3号楼加装楼道扶手", "3号楼是老旧小区无电梯住宅,住着二十多位七十岁以上的老人。建议在1至6层楼道加装不锈钢扶手,方便老人上下楼,减少跌倒风险。",
		"elderly_care", 18000, 60, residents[0], &grid, 7, 3)
	if err != nil {
		return err
	}
	if err := l.projectPhoto(ctx, rail); err != nil {
		return fmt.Errorf("demo project photo: %w", err)
	}
	kiosk, err := mk("小区垃圾分类亭改造", "把东门的三个露天垃圾桶改成带顶棚、洗手池和照明的分类亭,方便居民定时定点投放。", "environment", 26000, 900, residents[0], nil, 10, 6)
	if err != nil {
		return err
	}
	lamp, err := mk("5号楼至8号楼楼道灯更换", "5至8号楼楼道灯多处损坏,夜间上下楼看不清台阶。建议全部更换为声光控LED灯,并由楼道长负责日常报修。",
		"safety", 9600, 320, residents[1], nil, 12, 16)
	if err != nil {
		return err
	}
	// The lamp project went to a vote two days ago; 9 of the 10 votes of the quorum are in.
	opened := l.now.Add(-48 * time.Hour)
	voteEnds := opened.Add(7 * 24 * time.Hour)
	lamp.Status, lamp.VoteOpenedAt, lamp.VoteEndsAt, lamp.VoteQuorum, lamp.VoteMajority = app.ProjectVoting, &opened, &voteEnds, 10, app.MajoritySimple
	if err := l.st.UpdateProject(ctx, lamp); err != nil {
		return err
	}
	choices := []string{app.VoteYes, app.VoteYes, app.VoteYes, app.VoteYes, app.VoteYes, app.VoteYes, app.VoteYes, app.VoteNo, app.VoteAbstain}
	counter := map[string]app.ProjectCounter{app.VoteYes: app.CounterYes, app.VoteNo: app.CounterNo, app.VoteAbstain: app.CounterAbstain}
	for i, ch := range choices {
		v := &app.ProjectVote{ProjectID: lamp.ID, UserID: residents[5+i].ID, Choice: ch, Channel: "online", CreatedAt: opened.Add(time.Duration(i+1) * time.Hour)}
		if err := l.st.CreateProjectVote(ctx, v); err != nil {
			return err
		}
		if err := l.st.IncrementProjectCounter(ctx, lamp.ID, counter[ch]); err != nil {
			return err
		}
	}
	comments := []struct {
		p      *app.Project
		author *app.User
		body   string
		reply  string
	}{
		{rail, residents[3], "支持!我家老人住五楼,每次下楼都要扶着墙。", "谢谢支持,扶手材质我们会请物业一起看。"},
		{rail, residents[4], "扶手装在靠墙一侧吧,不影响搬家具。", ""},
		{lamp, residents[6], "晚上回家楼道漆黑,早该换了。", ""},
	}
	for i, cm := range comments {
		at := l.now.Add(-time.Duration(40-i) * time.Hour)
		top := &app.ProjectComment{ProjectID: cm.p.ID, AuthorID: cm.author.ID, Body: cm.body, CreatedAt: at}
		if err := l.st.CreateProjectComment(ctx, top); err != nil {
			return err
		}
		if cm.reply != "" {
			r := &app.ProjectComment{ProjectID: cm.p.ID, ParentID: &top.ID, AuthorID: cm.p.ProposerID, Body: cm.reply, CreatedAt: at.Add(time.Hour)}
			if err := l.st.CreateProjectComment(ctx, r); err != nil {
				return err
			}
		}
	}
	m := &app.ProjectMeeting{CommunityID: c.ID, Title: "东湖社区第三季度居民议事会", StartsAt: l.now.Add(6 * 24 * time.Hour).Truncate(time.Hour),
		Place: "东湖社区党群服务中心二楼会议室", CreatedBy: worker.ID, CreatedAt: l.now, UpdatedAt: l.now}
	return l.st.CreateMeeting(ctx, m, []int64{rail.ID, kiosk.ID})
}
