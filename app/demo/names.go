package demo

import "math/rand/v2"

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶贺顾毛郝龚邵万钱严武戴莫孔汤")

var givenChars = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强玉兰海燕红梅晓东春梅金凤丽萍宇浩然子涵欣怡梓轩雨桐思远嘉怡俊杰")

// personName makes a plausible two- or three-character Chinese name.
func personName(r *rand.Rand) string {
	s := string(surnames[r.IntN(len(surnames))])
	n := 1 + r.IntN(2)
	for i := 0; i < n; i++ {
		s += string(givenChars[r.IntN(len(givenChars))])
	}
	return s
}

// mobile makes a mainland mobile number in a range reserved for examples (199 0000 xxxx).
func mobile(r *rand.Rand) string {
	return "1990000" + string(rune('0'+r.IntN(10))) + string(rune('0'+r.IntN(10))) + string(rune('0'+r.IntN(10))) + string(rune('0'+r.IntN(10)))
}

// needTemplate is a realistic need: a public title and private details.
type needTemplate struct {
	category, tier, title, detail string
	skills                        []string
}

var needTemplates = []needTemplate{
	{"meal_delivery", "minor", "独居老人午餐送餐", "%s号楼一位八十多岁的独居老人腿脚不便,社区食堂的午餐需要每天11点半左右送上门。", []string{"delivery"}},
	{"meal_delivery", "minor", "行动不便老人需要送餐上门", "老人刚做完手术,近两周无法下楼,希望志愿者帮忙从长者食堂取餐送到%s号楼。", []string{"delivery"}},
	{"meal_delivery", "major", "长者食堂晚餐送餐人手不足", "长者食堂每天晚餐有二十多份需要送到%s号楼一带的高龄老人家中,目前送餐志愿者不够。", []string{"delivery", "cooking"}},
	{"elderly_care", "minor", "高龄老人需要定期上门探访", "%s号楼的老人子女在外地,希望每周有人上门看看,陪老人说说话。", []string{"home_visit", "companionship"}},
	{"elderly_care", "major", "失能老人家属需要喘息服务", "家中老人长期卧床,家属照护压力很大,希望每周有半天的照护替班。", []string{"personal_care"}},
	{"elderly_care", "minor", "老人想学用智能手机视频通话", "老人想和在外地的孙子视频,但不会用智能手机,希望有人到%s号楼教一教。", []string{"smartphone_teaching"}},
	{"elderly_care", "minor", "行动不便老人需要上门理发", "老人坐轮椅不方便出门,头发很长了,希望有志愿者上门理发。", []string{"haircut"}},
	{"child_care", "major", "双职工家庭放学后托管", "孩子在读二年级,父母下班晚,希望放学后到六点有地方托管并辅导作业。", []string{"childminding", "tutoring"}},
	{"child_care", "minor", "暑期儿童看护需求", "暑假期间白天家里没人,希望社区能组织暑期托管班。", []string{"childminding"}},
	{"disability_support", "major", "残疾人出行陪护", "居民下肢残疾,每周二需要去医院做康复,需要有人陪同出行。", []string{"mobility_assist", "driving"}},
	{"disability_support", "minor", "听障居民办事需要手语协助", "听障居民要去街道办理证件,希望有会手语的志愿者陪同。", []string{"sign_language"}},
	{"counseling", "hard", "居民情绪低落需要心理疏导", "最近家中变故,居民情绪持续低落,家人希望有专业人员上门疏导。", []string{"counselling"}},
	{"legal_aid", "major", "拖欠工资需要法律咨询", "在附近工地打工被拖欠两个月工资,想了解怎么维权。", []string{"legal_advice"}},
	{"legal_aid", "hard", "房屋租赁纠纷需要法律援助", "租户与房东就押金和维修发生纠纷,需要法律援助。", []string{"legal_advice"}},
	{"mediation", "hard", "楼上楼下噪音纠纷", "%s号楼楼上住户夜间噪音大,多次沟通无果,希望社区调解。", []string{"mediation"}},
	{"mediation", "major", "邻里因停车位发生矛盾", "两户居民因小区停车位多次争吵,希望调解员介入。", []string{"mediation"}},
	{"environment", "minor", "楼道堆放杂物需要清理", "%s号楼楼道里堆了很多纸箱和旧家具,存在消防隐患。", []string{"cleaning"}},
	{"environment", "minor", "垃圾分类投放点满溢", "小区东门垃圾分类投放点经常满溢,影响环境。", []string{"waste_sorting", "cleaning"}},
	{"environment", "major", "小区绿化带需要补种", "小区中心绿化带被破坏,居民希望组织一次补种活动。", []string{"gardening"}},
	{"culture_sports", "minor", "广场舞队想找场地和指导", "广场舞队二十多人,希望社区提供晚上的活动场地和老师指导。", []string{"sports_coaching", "performance"}},
	{"culture_sports", "major", "重阳节文艺汇演需要志愿者", "社区准备办重阳节敬老文艺汇演,需要演出、摄影和现场服务志愿者。", []string{"performance", "photography", "event_planning"}},
	{"family", "hard", "家庭矛盾需要婚姻家庭辅导", "夫妻长期争吵影响孩子,希望有婚姻家庭方面的专业辅导。", []string{"family_guidance"}},
	{"employment", "major", "失业居民需要就业指导", "居民刚失业,想学一门技能并找工作,希望有就业指导。", []string{"job_coaching"}},
	{"health", "minor", "老人需要上门测血压", "%s号楼几位高血压老人希望每周有人上门测血压。", []string{"health_checks", "nursing"}},
	{"health", "major", "社区义诊活动需要医护志愿者", "计划周末在社区广场办义诊,需要医生护士志愿者。", []string{"nursing", "health_checks"}},
	{"education", "minor", "外来务工子女作业辅导", "新居民家庭孩子放学后作业没人辅导,希望大学生志愿者帮忙。", []string{"tutoring"}},
	{"safety", "major", "夜间巡逻人手不足", "小区夜间偶有电动车被盗,希望组建夜间平安巡逻队。", []string{"patrol"}},
	{"safety", "minor", "老旧小区消防安全检查", "%s号楼是老房子,电线老化,希望做一次消防安全检查。", []string{"fire_safety"}},
	{"hardship_relief", "major", "困难家庭需要生活帮扶", "低保家庭孩子上学开支大,希望得到爱心物资和助学帮扶。", nil},
	{"youth", "minor", "青少年周末兴趣活动", "小区孩子周末没有活动场所,希望开展科学、美术兴趣课。", []string{"tutoring", "event_planning"}},
	{"emergency", "hard", "台风前需要排查危旧房", "台风预警,%s号楼一带几户危旧房需要排查和转移老人。", []string{"first_aid", "home_repair"}},
	{"property", "minor", "楼道灯坏了", "%s号楼三单元楼道灯坏了好几天,老人晚上上下楼不安全。", []string{"home_repair"}},
	{"property", "major", "小区电梯频繁故障", "%s号楼电梯本月已经停了三次,需要协调物业维修。", nil},
	{"community_building", "major", "想组建楼道邻里互助群", "居民希望建立楼道互助小组,需要社区帮忙组织第一次见面会。", []string{"event_planning"}},
}

// projectTemplate is a resident micro-project idea with a budget in yuan.
type projectTemplate struct {
	category, title, description string
	budgetYuan                   int64
	beneficiaries                int
}

var projectTemplates = []projectTemplate{
	{"meal_delivery", "长者食堂送餐志愿服务队", "组建一支 30 人的送餐志愿服务队,为行动不便的独居老人每天送午餐,配备保温箱和电动车。", 12000, 37},
	{"elderly_care", "银龄智能手机课堂", "每周两次,由志愿者教老人使用智能手机挂号、视频通话、防范电信诈骗。", 3000, 60},
	{"elderly_care", "高龄老人爱心理发日", "每月一次组织理发志愿者上门或在社区为高龄老人免费理发。", 1500, 80},
	{"child_care", "四点半课堂", "利用社区活动室为双职工家庭孩子提供放学后托管与作业辅导。", 20000, 45},
	{"environment", "楼道微更新", "清理楼道杂物、粉刷墙面、安装感应灯,由居民自己设计楼道文化墙。", 8000, 120},
	{"environment", "口袋花园共建", "把小区闲置角落改造成居民共同维护的口袋花园。", 6000, 300},
	{"culture_sports", "邻里文化节", "举办邻里美食节和才艺展示,促进新老居民融合。", 5000, 500},
	{"safety", "平安巡逻队装备", "为夜间平安巡逻队购置反光背心、手电筒和对讲机。", 4000, 2000},
	{"community_building", "楼道长互助网络", "每个楼道选一名楼道长,建立邻里互助微信群与应急联络表。", 2000, 600},
	{"disability_support", "无障碍坡道改造", "为三个单元入口加装无障碍坡道与扶手。", 15000, 25},
	{"hardship_relief", "爱心超市", "社区爱心超市由商户捐赠物资,志愿者积分兑换,困难家庭定期领取。", 10000, 150},
	{"health", "家门口健康小屋", "配备血压计、血糖仪,由志愿医护每周坐诊一次。", 9000, 400},
}

var orgNames = []string{"东湖社区志愿者协会", "乐龄居家养老服务中心", "阳光助残服务社", "心语心理咨询工作室", "邻里和调解委员会",
	"彩虹儿童成长中心", "绿色家园环保社", "夕阳红文体协会", "平安守护巡逻队", "巾帼家政服务社", "暖心法律援助工作站",
	"新居民融合服务社", "乡贤议事会", "青禾青少年服务中心", "慈航社会工作服务中心", "同心社会组织孵化园", "健康同行义诊队", "爱心妈妈服务团"}

var merchantNames = []string{"老街面馆", "惠民超市", "康乐药房", "和美理发店", "鲜丰水果", "同福茶楼", "便民五金店", "阳光眼镜店",
	"幸福烘焙坊", "平安修车铺", "好运来餐馆", "百姓大药房", "东湖菜场", "金秋裁缝铺", "小天鹅洗衣店", "德善堂诊所"}
