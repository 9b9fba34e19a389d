package demo

import "strconv"

// realStreets are the street offices (街道办事处) of Weidu District, in the
// order the generator uses them. Scales with more streets continue with
// formulaic names built from extraStreetStems.
var realStreets = []string{
	"西大街道", "东大街道", "南关街道", "北大街道", "五一路街道", "高桥营街道", "丁庄街道",
	"七里店街道", "魏北街道", "新兴街道", "文峰街道", "半截河街道", "西关街道",
}

// ruralLean is each real street's propensity to hold 涉农 communities: the
// old town centre has none, the streets on the edge of the city many.
var ruralLean = map[string]float64{
	"丁庄街道": 1.0, "七里店街道": 0.9, "高桥营街道": 0.85, "半截河街道": 0.9,
	"魏北街道": 0.6, "文峰街道": 0.35, "新兴街道": 0.3,
}

// extraStreetStems name the streets beyond the thirteen real ones.
var extraStreetStems = []string{
	"城关", "东城", "西城", "南城", "北城", "建设路", "解放路", "人民路", "中山路", "和平路",
	"胜利路", "长江路", "黄河路", "滨河", "开发区", "高新", "东湖", "西湖", "站前", "府前",
	"青年路", "文化路", "健康路", "八一路", "许由", "春秋", "望田", "颍川", "潩水", "莲城",
}

// urbanCommunityStems name 城市社区 (the suffix 社区 is added).
var urbanCommunityStems = []string{
	"建设", "健康", "胜利", "解放", "劳动", "和平", "育才", "金桥", "向阳", "红旗",
	"前进", "曙光", "朝阳", "建安", "春秋", "长青", "兴华", "八一", "七一", "东方",
	"西湖", "许都", "文化", "学院", "颍昌", "竹林", "柳园", "桃园", "菊园", "荷花",
	"龙湖", "清泉", "永兴", "永安", "万和", "瑞祥", "福民", "康宁", "安居", "惠民",
	"立新", "铁西", "铁东", "车站", "北辰", "南苑", "秋湖", "碧水", "府前", "学府",
	"裕华", "民主", "团结", "友谊", "新华", "东风", "工农", "兴业", "宏达", "恒达",
	"天庆", "庆丰", "汇源", "博爱", "仁和", "德馨", "文明", "丰收", "南湖", "北海",
	"延安", "迎宾", "祥和", "灞陵", "观澜", "鹿鸣", "五龙", "九龙", "双龙", "莲城",
	"清河", "北门", "南门", "东门", "西门", "古槐", "银杏", "梧桐", "翠园", "锦华",
	"富康", "安泰", "春晖", "钟楼", "鼓楼", "文庙", "天宁", "关帝", "魏风", "曹都",
	"汉风", "毓秀", "宏图", "新民", "启明", "长春", "平安", "光华", "振兴", "百花",
}

// ruralCommunityStems are village names; their communities are 涉农社区.
var ruralCommunityStems = []string{
	"吴庄", "孙庄", "梁庄", "杜庄", "徐庄", "魏庄", "芦庄", "瓦店", "大刘庄", "余庄",
	"尚集", "郭楼", "北李庄", "前营", "后营", "岗王", "雷庄", "耿庄", "薛庄", "冯庄",
	"苗店", "邢庄", "尚庄", "小店", "沟王", "坡胡", "榆林", "胡庄", "贾庄", "宋庄",
	"马庄", "王营", "张营", "朱庄", "赵庄", "郑庄", "姚庄", "文寨", "韩庄", "丁庄",
}

// placeStems name newer compounds (…花园, …小区, …苑).
var placeStems = []string{
	"幸福", "阳光", "锦绣", "翠竹", "丽景", "金色", "帝景", "御景", "盛世", "名门",
	"泰和", "龙源", "天伦", "怡和", "君临", "万象", "金水", "银河", "明珠", "绿城",
	"书香", "和谐", "康馨", "长安", "颐和", "润泽", "水岸", "春天", "香榭", "兰亭",
	"滨河", "清潩", "潩水", "东湖", "文汇", "金港", "碧湖", "建业", "富源", "恒通",
	"丰泽", "紫荆", "玉兰", "海棠", "枫林", "世纪", "时代", "中央", "天骄", "如意",
	"吉祥", "宏业", "东方", "新华", "桂香", "景福", "嘉禾", "华夏", "瑞丰", "金地",
}

// unitStems are employers whose staff housing is a …家属院.
var unitStems = []string{
	"电业局", "烟草公司", "棉纺厂", "供销社", "粮食局", "市一中", "交通局", "邮电局", "税务局", "水利局",
	"卫生局", "人民医院", "中心医院", "机械厂", "化肥厂", "制药厂", "建筑公司", "公安局", "法院", "检察院",
	"军休二所", "发电厂", "卷烟厂", "农机厂", "许继", "市政公司", "气象局", "林业局", "教育局", "财政局",
	"人民银行", "工商银行", "农业银行", "许昌学院", "实验小学", "自来水公司", "煤建公司", "汽车站", "电信局", "二高",
}

// Suffixes of compound names. suffixUnit pairs with unitStems only.
const suffixUnit = 0

var suffixes = []string{"家属院", "花园", "小区", "新村", "苑", "公寓", "家园", "名苑", "嘉园", "华庭", "新城", "安置小区", "新居"}

var (
	urbanSuffixes    = []uint8{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	ruralSuffixes    = []uint8{2, 3, 6, 12, 1}
	ownUrbanSuffixes = []uint8{3, 2}      // a compound named after its community
	ownRuralSuffixes = []uint8{3, 11, 12} // likewise, in a 涉农 community
)

// communityPin places a community named in the seed page in a street.
type communityPin struct {
	street string
	rural  bool
	stem   string
	// compound, when set, names the community's first compound (stem, suffix).
	compoundStem string
	compoundSuf  uint8
	// compoundBoost lists the compound tracks (bit per track) the page
	// shows as already in place in December 2021.
	compoundBoost uint8
}

// communityPins are the units the December 2021 newspaper page names:
// 五一路街道光明社区 with its 光明新村, 河西社区 with 军休一所家属院, 天宝社区 and
// the 涉农 东李庄社区. The streets of the last three are not given; they are
// placed plausibly.
var communityPins = []communityPin{
	// 光明新村: 党群服务中心, 院委会 and a party branch by December 2021.
	{"五一路街道", false, "光明", "光明", 3, 1<<trBranch | 1<<trCommittee | 1<<trCmpCenter},
	// 军休一所家属院: its 小区党支部 held an event on 21 December 2021.
	{"西关街道", false, "河西", "军休一所", suffixUnit, 1 << trBranch},
	{"东大街道", false, "天宝", "", 0, 0},
	{"丁庄街道", true, "东李庄", "", 0, 0},
}

// stemTable interns every stem so a compound name is a pair of small
// indexes; equal strings get equal indexes.
type stemTable struct {
	names []string
	index map[string]uint16
}

func (t *stemTable) add(s string) uint16 {
	if i, ok := t.index[s]; ok {
		return i
	}
	i := uint16(len(t.names))
	t.names = append(t.names, s)
	t.index[s] = i
	return i
}

func (t *stemTable) addAll(list []string, skip ...string) []uint16 {
	out := make([]uint16, 0, len(list))
next:
	for _, s := range list {
		for _, k := range skip {
			if s == k {
				continue next
			}
		}
		out = append(out, t.add(s))
	}
	return out
}

// stems holds all name stems; the pools list indexes into it.
var (
	stems                = stemTable{index: map[string]uint16{}}
	urbanPool, ruralPool []uint16
	placePool, unitPool  []uint16
)

func init() {
	var pinned []string
	for _, p := range communityPins {
		pinned = append(pinned, p.stem)
	}
	urbanPool = stems.addAll(urbanCommunityStems, pinned...)
	ruralPool = stems.addAll(ruralCommunityStems, pinned...)
	placePool = stems.addAll(placeStems)
	unitPool = stems.addAll(unitStems)
	for _, p := range communityPins {
		stems.add(p.stem)
		if p.compoundStem != "" {
			stems.add(p.compoundStem)
		}
	}
}

var cnDigits = []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// numeral writes n in Chinese numerals for 1–99 and in Arabic digits above.
func numeral(n int) string {
	switch {
	case n <= 0:
		return ""
	case n < 10:
		return cnDigits[n]
	case n < 20:
		return "十" + cnDigits[n%10]
	case n < 100:
		return cnDigits[n/10] + "十" + cnDigits[n%10]
	default:
		return strconv.Itoa(n)
	}
}

// cycleName builds a name from a pool stem, repeating the pool with a
// numeral once it is used up: 光明社区, then 光明二社区, 光明三社区 ….
func cycleName(stem string, cycle int, suffix string) string {
	if cycle == 0 {
		return stem + suffix
	}
	return stem + numeral(cycle+1) + suffix
}

// compoundName spells a compound name code; num > 0 adds a phase (二期).
func compoundName(stem uint16, suf uint8, num uint16) string {
	s := stems.names[stem] + suffixes[suf]
	if num > 0 {
		s += numeral(int(num)) + "期"
	}
	return s
}
