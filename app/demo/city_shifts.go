package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/wushe/wushe/app"
)

// Tasks, shifts and sign-ups for every community of a generated city, so batch assignment
// of a week (docs/scale.md) solves real problems in all 147 communities and not only in the
// demo's 东湖社区, whose tasks `tasks` (tasks.go) writes one by one.

// cityShiftStore writes a city's tasks, shifts and sign-ups in bulk (app/store/bulk.go).
type cityShiftStore interface {
	CreateTasksBulk(ctx context.Context, ts []*app.Task) error
	CreateShiftsBulk(ctx context.Context, ss []*app.Shift) error
	CreateSignupsBulk(ctx context.Context, sus []*app.Signup) error
}

// cityTask is a kind of weekly work a community runs: shifts on the given weekdays (1 =
// Monday) from hour to hour, local time.
type cityTask struct {
	title, description, category string
	skills                       []string
	weekdays                     []int
	from, to                     int
	capacity                     int
	grid                         bool // in one grid; otherwise community-wide
	address                      string
}

// cityTasks are the weekly tasks a community draws its few from: the common work of a
// community's volunteers (meals, visits, patrols, classes, clean-ups, health checks).
var cityTasks = []cityTask{
	{"助餐送餐", "为居家高龄、失能老人送午餐,送到后确认老人身体状况并登记。", "meal_delivery", []string{"delivery"},
		[]int{1, 2, 3, 4, 5}, 11, 12, 3, true, "长者食堂取餐窗口"},
	{"独居老人入户探访", "两人一组探访独居老人,关注安全隐患和情绪变化。", "elderly_care", []string{"home_visit", "companionship"},
		[]int{3}, 14, 16, 2, true, "社区服务中心一楼大厅"},
	{"老年智能手机课堂", "在社区活动室教老人用健康码、视频通话和网上缴费。", "education", []string{"smartphone_teaching"},
		[]int{6}, 9, 11, 4, false, "社区活动室"},
	{"夜间平安巡防", "沿小区主干道和背街小巷巡逻,检查消防通道和电动车充电。", "safety", []string{"patrol", "fire_safety"},
		[]int{2, 5}, 19, 21, 4, true, "网格服务站"},
	{"垃圾分类督导", "早高峰在投放点指导居民分类投放,记录问题点位。", "environment", []string{"waste_sorting"},
		[]int{1, 3, 5}, 7, 9, 2, true, "小区垃圾分类投放点"},
	{"周末环境整治", "清理楼道杂物和绿化带垃圾,补种花草。", "environment", []string{"cleaning", "gardening"},
		[]int{6}, 9, 12, 6, false, "社区广场"},
	{"四点半课堂", "放学后为双职工家庭的孩子辅导作业。", "education", []string{"tutoring", "childminding"},
		[]int{1, 2, 3, 4}, 16, 18, 3, false, "社区四点半课堂教室"},
	{"健康义诊", "为老人测血压、血糖,登记慢病随访。", "health", []string{"health_checks", "nursing"},
		[]int{4}, 9, 11, 3, false, "社区卫生服务站门口"},
}

// Per community: how many of cityTasks it runs, and for how many days ahead shifts are
// written (the coming week, which batch assignment fills, and the week after).
const (
	cityTasksPerCommunity = 4
	cityShiftDays         = 14
)

// cityShifts writes, for every community but the first (the demo's, whose tasks tasks.go
// writes), a few weekly tasks with their shifts over the coming two weeks, and sign-ups of
// the community's active volunteers who hold a wanted skill and are free then: each shift
// keeps at least one place open, and nobody holds two overlapping shifts. It draws from a
// source of its own, so what it writes does not shift the rest of the city's draws.
func (l *loader) cityShifts(ctx context.Context, st cityShiftStore, places []*place, say func(string, ...any)) error {
	r := rand.New(rand.NewPCG(2026, 1624))
	local := l.now.In(l.loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, l.loc)
	var nTasks, nShifts, nSignups int
	const group = 20 // communities per transaction
	for lo := 1; lo < len(places); lo += group {
		var (
			tasks   []*app.Task
			shifts  [][]*app.Shift // by task
			owners  []*place       // by task
			volsOf  = map[int64][]*app.Volunteer{}
			hi      = min(lo+group, len(places))
			created = l.now.AddDate(0, 0, -14)
		)
		for _, p := range places[lo:hi] {
			c := p.community
			vs, err := l.st.MatchVolunteers(ctx, c.ID)
			if err != nil {
				return fmt.Errorf("city shifts: volunteers of %s: %w", c.Name, err)
			}
			volsOf[c.ID] = vs
			for _, k := range r.Perm(len(cityTasks))[:cityTasksPerCommunity] {
				ct := cityTasks[k]
				gi := r.IntN(len(p.grids))
				t := &app.Task{CommunityID: c.ID, Title: ct.title, Description: ct.description, Category: ct.category, Skills: ct.skills,
					Address: ct.address, Headcount: ct.capacity, CoordinatorID: p.workers[gi], Status: app.TaskOpen, CreatedBy: p.workers[gi],
					CreatedAt: created, UpdatedAt: created}
				if ct.grid {
					t.GridID = &p.grids[gi].ID
				}
				var ss []*app.Shift
				for d := 0; d < cityShiftDays; d++ {
					day := today.AddDate(0, 0, d)
					if !slices.Contains(ct.weekdays, (int(day.Weekday())+6)%7+1) {
						continue
					}
					start := time.Date(day.Year(), day.Month(), day.Day(), ct.from, 0, 0, 0, l.loc).UTC()
					if !start.After(l.now) {
						continue
					}
					end := time.Date(day.Year(), day.Month(), day.Day(), ct.to, 0, 0, 0, l.loc).UTC()
					ss = append(ss, &app.Shift{StartsAt: start, EndsAt: end, Capacity: ct.capacity,
						CheckinCode: fmt.Sprintf("%06d", r.IntN(1_000_000)), CreatedAt: created})
				}
				tasks, shifts, owners = append(tasks, t), append(shifts, ss), append(owners, p)
			}
		}
		err := l.st.InTx(ctx, func(ctx context.Context) error {
			if err := st.CreateTasksBulk(ctx, tasks); err != nil {
				return err
			}
			var all []*app.Shift
			for i, t := range tasks {
				for _, sh := range shifts[i] {
					sh.TaskID = t.ID
				}
				all = append(all, shifts[i]...)
			}
			if err := st.CreateShiftsBulk(ctx, all); err != nil {
				return err
			}
			sus := l.citySignups(r, tasks, shifts, owners, volsOf)
			nTasks, nShifts, nSignups = nTasks+len(tasks), nShifts+len(all), nSignups+len(sus)
			return st.CreateSignupsBulk(ctx, sus)
		})
		if err != nil {
			return fmt.Errorf("city shifts: %w", err)
		}
	}
	say("city: %d tasks, %d shifts, %d sign-ups over the coming two weeks", nTasks, nShifts, nSignups)
	return nil
}

// citySignups signs volunteers up for the shifts: for each shift, up to one fewer than its
// capacity (a place stays open for batch assignment) among the community's volunteers who
// hold one of the task's skills and are free in the shift's first hour, without overlaps.
func (l *loader) citySignups(r *rand.Rand, tasks []*app.Task, shifts [][]*app.Shift, owners []*place, volsOf map[int64][]*app.Volunteer) []*app.Signup {
	held := map[int64][]*app.Shift{}
	var out []*app.Signup
	for i, t := range tasks {
		var fit []*app.Volunteer
		for _, v := range volsOf[owners[i].community.ID] {
			if hasAny(v.Skills, t.Skills) {
				fit = append(fit, v)
			}
		}
		for _, sh := range shifts[i] {
			st := sh.StartsAt.In(l.loc)
			day, hour := (int(st.Weekday())+6)%7, st.Hour()
			want := r.IntN(sh.Capacity) // 0 … capacity−1
			for _, j := range r.Perm(len(fit)) {
				if want == 0 {
					break
				}
				v := fit[j]
				if !v.Availability.Has(day, hour) || slices.ContainsFunc(held[v.ID], func(h *app.Shift) bool {
					return h.StartsAt.Before(sh.EndsAt) && sh.StartsAt.Before(h.EndsAt)
				}) {
					continue
				}
				at := sh.StartsAt.Add(-72 * time.Hour)
				if at.After(l.now) {
					at = l.now
				}
				su := &app.Signup{ShiftID: sh.ID, TaskID: t.ID, VolunteerID: v.ID, Status: app.SignupSignedUp, Source: app.SourceSelf,
					CreatedAt: at, UpdatedAt: at}
				if r.IntN(4) == 0 {
					su.Source, su.InvitedBy = app.SourceInvited, &t.CoordinatorID
				}
				out = append(out, su)
				held[v.ID] = append(held[v.ID], sh)
				want--
			}
		}
	}
	return out
}
