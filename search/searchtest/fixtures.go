package searchtest

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/wushe/wushe/search"
)

// Center is the reference point of the geo cases: near Donghu community. Fixture locations
// are placed at known distances from it with Offset.
var Center = search.GeoPoint{Lat: 30.5500, Lng: 114.3400}

// Offset returns the point metres away from c on the given bearing (degrees clockwise from
// north), on the sphere of search.EarthRadiusM, so search.Distance(c, Offset(c, b, m)) == m
// up to rounding.
func Offset(c search.GeoPoint, bearingDeg, metres float64) *search.GeoPoint {
	δ := metres / search.EarthRadiusM
	θ := bearingDeg * math.Pi / 180
	φ1 := c.Lat * math.Pi / 180
	λ1 := c.Lng * math.Pi / 180
	φ2 := math.Asin(math.Sin(φ1)*math.Cos(δ) + math.Cos(φ1)*math.Sin(δ)*math.Cos(θ))
	λ2 := λ1 + math.Atan2(math.Sin(θ)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*math.Sin(φ2))
	return &search.GeoPoint{Lat: φ2 * 180 / math.Pi, Lng: λ2 * 180 / math.Pi}
}

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s+"T08:00:00Z")
	if err != nil {
		panic(err)
	}
	return t
}

// Categories with characters that need quoting in an engine's filter syntax.
const (
	CategoryQuoted     = `"老人"·关爱（试点）` // double quotes, a middle dot, full-width brackets
	CategoryBackslash  = `养老\助餐`       // a backslash inside a value
	CategoryApostrophe = `邻里'互助'"站"`   // both kinds of ASCII quote
)

// Corpus is the fixture of the contract cases: realistic community records of every type in
// two communities (1 = 东湖, 2 = 西林寺), with locations at known distances from Center.
// Texts are chosen so that word segmentation (Meilisearch) and substring matching (embedded)
// agree on the contract queries; where they cannot, see the difference cases.
var Corpus = []search.Document{
	{Type: search.TypeNeed, ID: 1, Title: "独居老人助餐送餐",
		Body: "东湖社区3号楼的独居老人行动不便，希望志愿者每天中午送餐上门。",
		Tags: []string{"助餐", "送餐"}, CommunityID: 1, GridID: 11, Category: "elderly_meals", Status: "open",
		CreatedAt: day("2025-03-01"), EndsAt: day("2025-04-01"), Location: Offset(Center, 0, 300)},
	{Type: search.TypeNeed, ID: 2, Title: "居家养老服务需求",
		Body: "老人希望获得居家养老服务：助浴、陪诊和日常探访。",
		Tags: []string{"养老", "陪诊"}, CommunityID: 1, GridID: 12, Category: "elderly_care", Status: "open",
		CreatedAt: day("2025-03-02"), Location: Offset(Center, 90, 800)},
	{Type: search.TypeNeed, ID: 3, Title: "儿童课后托管",
		Body: "双职工家庭希望社区提供课后托管和作业辅导。",
		Tags: []string{"托管"}, CommunityID: 1, GridID: 11, Category: "children", Status: "matched",
		CreatedAt: day("2025-03-03"), Location: Offset(Center, 180, 1500)},
	{Type: search.TypeNeed, ID: 4, Title: "楼道照明维修",
		Body: "5栋楼道灯坏了，晚上出行不便，容易摔倒。", CommunityID: 2, GridID: 21, Category: "repair",
		Status: "closed", CreatedAt: day("2025-02-20"), Location: Offset(Center, 270, 3000)},
	{Type: search.TypeNeed, ID: 5, Title: "空巢老人心理关爱",
		Body: "子女在外地的空巢老人需要定期聊天陪伴。", CommunityID: 2, Category: CategoryQuoted,
		Status: "open", CreatedAt: day("2025-03-05")},
	{Type: search.TypeNeed, ID: 6, Title: "助餐点排队时间长",
		Body: "长者食堂中午排队时间太长，希望增加送餐志愿者。", CommunityID: 1, GridID: 12,
		Category: CategoryBackslash, Status: "open", CreatedAt: day("2025-03-06")},
	{Type: search.TypeNeed, ID: 7, Title: "邻里互助站值班",
		Body: "互助站周末缺少值班人员。", CommunityID: 2, Category: CategoryApostrophe,
		Status: "open", CreatedAt: day("2025-03-07")},

	{Type: search.TypeProject, ID: 1, Title: "长者食堂助餐服务微项目",
		Body: "在东湖社区开设长者食堂，为60岁以上老人提供优惠午餐，并为独居老人送餐。",
		Tags: []string{"助餐"}, CommunityID: 1, Category: "elderly_meals", Status: "do", Kind: "micro",
		CreatedAt: day("2025-01-10"), Amount: 5_000_000, Location: Offset(Center, 45, 500)},
	{Type: search.TypeProject, ID: 2, Title: "社区花园共建",
		Body: "居民、志愿者和社会组织一起把闲置空地改造成社区花园。", CommunityID: 1,
		Category: "environment", Status: "deliberate", Kind: "micro", CreatedAt: day("2025-02-01"),
		Amount: 800_000, Location: Offset(Center, 135, 1200)},
	{Type: search.TypeProject, ID: 3, Title: "智慧养老平台试点",
		Body: "Smart elderly care pilot：为居家养老的老人安装紧急呼叫设备。", CommunityID: 2,
		Category: "elderly_care", Status: "propose", Kind: "micro", CreatedAt: day("2025-03-10"),
		Amount: 12_000_000, Location: Offset(Center, 30, 12000)},

	{Type: search.TypeOrganization, ID: 1, Title: "东湖社区志愿者协会",
		Body: "组织社区志愿者开展助老、助残和环境整治服务，现有注册志愿者2213人。",
		Tags: []string{"助老", "环境"}, CommunityID: 1, Category: "volunteer_service", Status: "verified",
		Kind: "social_org", CreatedAt: day("2024-06-01"), Location: Offset(Center, 300, 200)},
	{Type: search.TypeOrganization, ID: 2, Title: "夕阳红养老院",
		Body:        "专业社工团队提供居家养老、日间照料和康复护理。Professional social workers.",
		CommunityID: 2, Category: "elderly_care", Status: "verified", Kind: "social_org",
		CreatedAt: day("2024-06-01"), Location: Offset(Center, 200, 5000)},
	{Type: search.TypeOrganization, ID: 3, Title: "好邻居爱心超市",
		Body: "爱心超市合作商户，支持志愿者积分兑换生活用品。", CommunityID: 1, Category: "charity",
		Status: "verified", Kind: "merchant", CreatedAt: day("2024-06-01")},

	{Type: search.TypeVolunteer, ID: 1, Title: "李阿姨",
		Body: "退休教师，擅长陪伴老人聊天和辅导功课，周末有空。", Tags: []string{"陪伴", "辅导"},
		CommunityID: 1, GridID: 11, Status: "active", CreatedAt: day("2024-10-01"),
		Location: Offset(Center, 10, 400)},
	{Type: search.TypeVolunteer, ID: 2, Title: "王师傅",
		Body: "水电维修志愿者，可以上门维修楼道照明。", Tags: []string{"维修"}, CommunityID: 1, GridID: 12,
		Status: "active", CreatedAt: day("2024-11-01"), Location: Offset(Center, 100, 900)},
	{Type: search.TypeVolunteer, ID: 3, Title: "Chen Wei",
		Body: "Volunteer driver for meal delivery, weekday mornings. 会开车送餐。", Tags: []string{"送餐"},
		CommunityID: 2, Status: "active", CreatedAt: day("2024-12-01"), Location: Offset(Center, 250, 2500)},

	{Type: search.TypeTender, ID: 1, Title: "2025年居家养老服务政府购买项目",
		Body: "区民政局购买居家养老服务，服务对象为80岁以上独居老人。", CommunityID: 1,
		Category: "elderly_care", Status: "open", Kind: "public_tender", CreatedAt: day("2025-02-15"),
		EndsAt: day("2025-03-31"), Amount: 30_000_000},
	{Type: search.TypeTender, ID: 2, Title: "社区心理健康服务采购",
		Body: "为社区居民提供心理咨询与危机干预服务。", CommunityID: 2, Category: "mental_health",
		Status: "closed", Kind: "public_tender", CreatedAt: day("2025-01-05"), EndsAt: day("2025-02-01"),
		Amount: 15_000_000},

	{Type: search.TypeCampaign, ID: 1, Title: "为独居老人筹集助餐资金",
		Body: "居民和商户众筹长者食堂启动资金，达到门槛后政府配捐。", Tags: []string{"助餐"},
		CommunityID: 1, Category: "elderly_meals", Status: "active", Kind: "all_or_nothing",
		CreatedAt: day("2025-03-08"), EndsAt: day("2025-04-30"), Amount: 2_000_000,
		Location: Offset(Center, 60, 650)},
	{Type: search.TypeCampaign, ID: 2, Title: "社区图书角众筹",
		Body: "Books for the children's reading corner. 为儿童阅读角购买图书。", CommunityID: 2,
		Category: "children", Status: "active", Kind: "keep_what_you_raise", CreatedAt: day("2025-03-09"),
		EndsAt: day("2025-05-01"), Amount: 500_000},
}

//go:embed testdata/thucnews_sample.tsv
var thucnewsSample []byte

// Headlines returns the embedded sample of THUCNews headlines (see testdata/README.md).
func Headlines() []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(thucnewsSample))
	for sc.Scan() {
		if h, _, ok := strings.Cut(sc.Text(), "\t"); ok && h != "" {
			out = append(out, h)
		}
	}
	return out
}

// VolumeMarker is a word every Volume document contains, and no Corpus document.
const VolumeMarker = "巡查日志"

// Volume returns n generated documents of type need (ids from 1001): news headlines as
// titles, a body that carries VolumeMarker, spread over three communities, all created at
// distinct minutes so the newest-first order is known.
func Volume(n int) []search.Document {
	hs := Headlines()
	base := day("2024-01-01")
	docs := make([]search.Document, n)
	for i := range docs {
		docs[i] = search.Document{
			Type: search.TypeNeed, ID: int64(1001 + i),
			Title:       hs[i%len(hs)],
			Body:        fmt.Sprintf("网格员%s第%d号：%s", VolumeMarker, i+1, hs[(i*7)%len(hs)]),
			CommunityID: int64(1 + i%3), Category: "volume", Status: "open",
			CreatedAt: base.Add(time.Duration(i) * time.Minute),
		}
	}
	return docs
}
