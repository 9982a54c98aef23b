package searchtest

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/wushe/wushe/search"
)

// SharedHeadlinesPath is the full THUCNews dev set relative to the repository root (outside
// the repository: CI may not have it).
const SharedHeadlinesPath = "../shared/data/thucnews_dev.txt"

// LoadHeadlines reads headline<TAB>class lines from path, or returns the embedded 300-line
// sample when path is empty or missing; source says which was used.
func LoadHeadlines(path string) (headlines []string, source string) {
	if path != "" {
		if f, err := os.Open(path); err == nil {
			defer f.Close()
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if h, _, ok := strings.Cut(sc.Text(), "\t"); ok && h != "" {
					headlines = append(headlines, h)
				}
			}
			if sc.Err() == nil && len(headlines) > 0 {
				return headlines, path
			}
		}
	}
	return Headlines(), "embedded sample (testdata/thucnews_sample.tsv)"
}

// Vocabulary of the generated community documents.
var (
	perfCommunities = []string{"东湖", "西林寺", "平湖", "幸福里", "和平", "新华", "光明", "花园", "滨江", "阿克苏"}
	perfWho         = []string{"独居老人", "空巢老人", "高龄老人", "残疾人", "双职工家庭", "留守儿童", "低保户", "新市民", "退役军人", "孕产妇"}
	perfNeeds       = []string{"助餐送餐", "居家养老服务", "陪诊就医", "上门理发", "心理疏导", "课后托管", "法律咨询",
		"家电维修", "楼道照明维修", "加装电梯", "垃圾分类指导", "代购生活用品", "康复护理", "助浴服务", "读书看报"}
	perfOrgs     = []string{"志愿者协会", "社工服务中心", "养老服务中心", "爱心超市", "物业服务中心", "社区基金会", "青年志愿服务队"}
	perfSkills   = []string{"助餐", "送餐", "陪诊", "理发", "维修", "辅导", "心理咨询", "法律", "护理", "驾驶", "摄影", "编程"}
	perfCats     = []string{"elderly_meals", "elderly_care", "children", "repair", "mental_health", "legal", "environment", "charity"}
	perfStatuses = []string{"open", "matched", "closed", "active", "verified", "do", "propose"}
	perfTypes    = []search.Type{
		search.TypeNeed, search.TypeNeed, search.TypeNeed, search.TypeNeed, search.TypeProject, search.TypeProject,
		search.TypeOrganization, search.TypeVolunteer, search.TypeVolunteer, search.TypeTender, search.TypeCampaign,
	}
)

// PerfCorpus generates n documents deterministically and passes them to yield in batches of
// batch: 60% news headlines with community variations (real Chinese text of varied
// vocabulary), 40% generated community records (needs, projects, organizations, volunteers,
// tenders, campaigns) in ten communities within about 15 km of Center.
func PerfCorpus(n, batch int, headlines []string, yield func([]search.Document) error) error {
	rng := rand.New(rand.NewPCG(2025, 5))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := map[search.Type]int64{}
	buf := make([]search.Document, 0, batch)
	for i := range n {
		typ := perfTypes[rng.IntN(len(perfTypes))]
		ids[typ]++
		c := rng.IntN(len(perfCommunities))
		grid := 1 + rng.IntN(26)
		d := search.Document{
			Type: typ, ID: ids[typ], CommunityID: int64(c + 1), GridID: int64(c*100 + grid),
			Category: pick(perfCats), Status: pick(perfStatuses),
			CreatedAt: base.Add(time.Duration(rng.IntN(500*24*60)) * time.Minute),
		}
		if rng.IntN(10) < 8 {
			d.Location = Offset(Center, rng.Float64()*360, rng.Float64()*15000)
		}
		place := fmt.Sprintf("%s社区%d网格", perfCommunities[c], grid)
		if i%5 < 3 {
			h := headlines[i%len(headlines)]
			d.Title = h
			d.Body = fmt.Sprintf("%s转发：%s。%s", place, headlines[(i*7+3)%len(headlines)], headlines[(i*13+5)%len(headlines)])
		} else {
			who, need := pick(perfWho), pick(perfNeeds)
			switch typ {
			case search.TypeNeed:
				d.Title = who + need
				d.Body = fmt.Sprintf("%s的%s希望获得%s，%s前联系网格员。", place, who, need, pick([]string{"本周", "月底", "周末", "节前"}))
			case search.TypeProject:
				d.Title = fmt.Sprintf("%s%s微项目", perfCommunities[c], need)
				d.Body = fmt.Sprintf("由居民提出、议事会通过，为%s提供%s，招募志愿者和社会组织参与。", who, need)
				d.Amount = int64(rng.IntN(100)) * 100_000
			case search.TypeOrganization:
				d.Title = perfCommunities[c] + pick(perfOrgs)
				d.Body = fmt.Sprintf("扎根%s，为%s提供%s等服务，现有志愿者%d人。", place, who, need, 10+rng.IntN(2000))
				d.Kind = "social_org"
			case search.TypeVolunteer:
				d.Title = pick([]string{"李", "王", "张", "刘", "陈", "杨", "赵", "黄"}) + pick([]string{"阿姨", "师傅", "老师", "同学", "大哥"})
				d.Body = fmt.Sprintf("%s志愿者，擅长%s，周末可以上门。", place, need)
				d.Tags = []string{pick(perfSkills), pick(perfSkills)}
			case search.TypeTender:
				d.Title = fmt.Sprintf("%d年%s政府购买服务项目", 2024+rng.IntN(2), need)
				d.Body = fmt.Sprintf("区民政局购买%s，服务对象为%s。", need, who)
				d.Amount = int64(rng.IntN(500)) * 100_000
				d.EndsAt = d.CreatedAt.Add(30 * 24 * time.Hour)
			case search.TypeCampaign:
				d.Title = fmt.Sprintf("为%s筹集%s资金", who, need)
				d.Body = "居民和商户众筹启动资金，达到门槛后政府配捐。" + place
				d.Amount = int64(rng.IntN(50)) * 100_000
				d.EndsAt = d.CreatedAt.Add(60 * 24 * time.Hour)
			}
		}
		buf = append(buf, d)
		if len(buf) == batch || i == n-1 {
			if err := yield(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	return nil
}

// PerfQuery is one query of the speed measurement.
type PerfQuery struct {
	Name string
	Q    search.Query
}

// PerfQueries are the queries timed at 100,000 documents: the results page's shape (four
// facets, highlight) over community words, news words, single characters, AND, filters,
// browsing, geo and deep pages.
func PerfQueries() []PerfQuery {
	facets := []string{search.FieldType, search.FieldCommunity, search.FieldCategory, search.FieldStatus}
	hl := &search.Highlight{}
	page := func(text string) search.Query { return search.Query{Text: text, Facets: facets, Highlight: hl} }
	var qs []PerfQuery
	for _, w := range []string{"养老", "独居老人", "助餐", "志愿者", "居家养老服务", "陪诊", "加装电梯", "心理疏导",
		"股票", "房价", "高考", "比赛", "游戏", "明星", "NBA", "社区", "老", "服务"} {
		qs = append(qs, PerfQuery{"text " + w, page(w)})
	}
	// Typed as residents type: traditional characters, full pinyin, initials, everyday words.
	for _, w := range []string{"養老", "yanglao", "dujulaoren", "duju laoren", "zhucan", "shequ", "xh", "ylfw", "sq fw", "zhang", "長者", "laoren songcan"} {
		qs = append(qs, PerfQuery{"typed " + w, page(w)})
	}
	near := search.Near(Center.Lat, Center.Lng, 2000)
	more := []PerfQuery{
		{"and 老人 送餐", page("老人 送餐")},
		{"and 东湖 助餐", page("东湖 助餐")},
		{"text + type filter", search.Query{Text: "养老", Filter: search.Eq(search.FieldType, "need"), Facets: facets, Highlight: hl}},
		{"text + community + status", search.Query{Text: "志愿者", Filter: search.And(search.Eq(search.FieldCommunity, 1), search.In(search.FieldStatus, "open", "active")), Facets: facets, Highlight: hl}},
		{"browse need in community", search.Query{Filter: search.And(search.Eq(search.FieldType, "need"), search.Eq(search.FieldCommunity, 3)), Facets: facets}},
		{"browse all newest", search.Query{Facets: facets}},
		{"near 2 km by distance", search.Query{Filter: near, Sort: search.ByDistance(Center.Lat, Center.Lng), Facets: facets}},
		{"助餐 near 2 km", search.Query{Text: "助餐", Filter: near, Sort: search.ByDistance(Center.Lat, Center.Lng), Facets: facets, Highlight: hl}},
		{"text sorted newest", search.Query{Text: "社区", Sort: search.Desc(search.FieldCreatedAt), Facets: facets}},
		{"created range", search.Query{Text: "老人", Filter: search.Range(search.FieldCreatedAt, time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)), Facets: facets}},
		{"page 10", search.Query{Text: "服务", Page: 10, Facets: facets, Highlight: hl}},
		{"no match", page("火箭发射场")},
	}
	return append(qs, more...)
}
