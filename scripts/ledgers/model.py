"""The data model of a ledger: canonical unit records, the district's names,
the spellings clerks use, and the figures (a re-implementation of
metrics.Tally.Add in Python, kept independent of Jindu's Go code).

Everything here is canonical: names as Jindu must store them, values as
Python booleans, ints or None ("not reported"). How a record is spelt in a
file is decided by layout.py; what a correct parser must read back is what
this module holds.
"""

import random
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

# Weidu District's 13 street offices (as in demo/names.go and DOMAIN.md).
STREETS = [
    "西大街道", "东大街道", "南关街道", "北大街道", "五一路街道", "高桥营街道", "丁庄街道",
    "七里店街道", "魏北街道", "新兴街道", "文峰街道", "半截河街道", "西关街道",
]
RURAL_LEAN = {"丁庄街道": 1.0, "七里店街道": 0.9, "高桥营街道": 0.85, "半截河街道": 0.9,
              "魏北街道": 0.6, "文峰街道": 0.35, "新兴街道": 0.3}

URBAN_STEMS = ["建设", "健康", "胜利", "解放", "劳动", "和平", "育才", "金桥", "向阳", "红旗",
               "前进", "曙光", "朝阳", "建安", "春秋", "长青", "兴华", "八一", "七一", "东方",
               "许都", "文化", "学院", "颍昌", "竹林", "柳园", "桃园", "菊园", "荷花", "龙湖",
               "清泉", "永兴", "永安", "万和", "瑞祥", "福民", "康宁", "安居", "惠民", "立新",
               "铁西", "铁东", "车站", "北辰", "南苑", "秋湖", "碧水", "学府", "裕华", "民主",
               "光明", "河西", "天宝"]
RURAL_STEMS = ["吴庄", "孙庄", "梁庄", "杜庄", "徐庄", "魏庄", "芦庄", "瓦店", "大刘庄", "余庄",
               "尚集", "郭楼", "北李庄", "前营", "后营", "岗王", "雷庄", "耿庄", "薛庄", "冯庄",
               "苗店", "邢庄", "尚庄", "小店", "沟王", "坡胡", "榆林", "胡庄", "东李庄"]
PLACE_STEMS = ["幸福", "阳光", "锦绣", "翠竹", "丽景", "金色", "帝景", "御景", "盛世", "名门",
               "泰和", "龙源", "天伦", "怡和", "君临", "万象", "金水", "银河", "明珠", "绿城",
               "书香", "和谐", "康馨", "长安", "颐和", "润泽", "水岸", "春天", "香榭", "兰亭",
               "滨河", "清潩", "潩水", "东湖", "文汇", "金港", "碧湖", "建业", "富源", "恒通"]
UNIT_STEMS = ["电业局", "烟草公司", "棉纺厂", "供销社", "粮食局", "市一中", "交通局", "邮电局",
              "税务局", "水利局", "卫生局", "人民医院", "中心医院", "机械厂", "化肥厂", "制药厂",
              "军休一所", "发电厂", "卷烟厂", "农机厂", "许继", "市政公司", "气象局", "林业局"]
SUFFIXES = ["花园", "小区", "新村", "苑", "公寓", "家园", "名苑", "嘉园", "华庭", "新城"]

STAR_NAMES = ["党建引领星", "便民服务星", "文明风尚星", "和谐稳定星", "美丽宜居星"]

STATUS_FIELDS = ["five_good", "stars", "star_flags", "service_center", "party_branch",
                 "owners_committee", "property_service"]


@dataclass
class Rec:
    """One unit's status in one year: one record Jindu must import."""
    year: int
    street: str
    community: str = ""
    compound: str = ""
    # The community's type ("urban"/"rural"/""): meaningful on community
    # records only, but kept on compound records too so a layout can write
    # it on every row of the community, as clerks do.
    ctype: str = ""
    five_good: Optional[bool] = None
    stars: Optional[int] = None
    star_flags: list = field(default_factory=lambda: [None] * 5)
    service_center: Optional[bool] = None
    party_branch: Optional[bool] = None
    owners_committee: Optional[bool] = None
    property_service: Optional[bool] = None

    @property
    def level(self):
        if self.compound:
            return "compound"
        if self.community:
            return "community"
        return "street"

    def truth(self):
        """The record as the truth file states it (community_type only on
        community records, where Jindu keeps it)."""
        return {
            "year": self.year, "street": self.street, "community": self.community,
            "compound": self.compound,
            "community_type": self.ctype if self.level == "community" else "",
            "five_good": self.five_good, "stars": self.stars,
            "star_flags": list(self.star_flags), "service_center": self.service_center,
            "party_branch": self.party_branch, "owners_committee": self.owners_committee,
            "property_service": self.property_service,
        }

    def key(self):
        t = self.truth()
        return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(t.items()))


# ---------------------------------------------------------------- the tree

@dataclass
class Community:
    name: str
    ctype: str  # "urban" / "rural"
    compounds: list


@dataclass
class Street:
    name: str
    communities: list


def make_tree(rng, streets, communities=(2, 3), compounds=(2, 4)):
    """A plausible tree of streets → communities → compounds with unique
    names, drawn from the demo's name stems."""
    urban = URBAN_STEMS[:]
    rural = RURAL_STEMS[:]
    rng.shuffle(urban)
    rng.shuffle(rural)
    used = set()
    out = []
    for s in streets:
        cms = []
        for _ in range(rng.randint(*communities)):
            is_rural = rng.random() < RURAL_LEAN.get(s, 0.0) * 0.6
            stem = (rural if is_rural and rural else urban).pop()
            cps = []
            for _ in range(rng.randint(*compounds)):
                while True:
                    if rng.random() < 0.25:
                        n = rng.choice(UNIT_STEMS) + "家属院"
                    else:
                        n = rng.choice(PLACE_STEMS) + rng.choice(SUFFIXES)
                    if n not in used:
                        used.add(n)
                        break
                cps.append(n)
            cms.append(Community(stem + "社区", "rural" if is_rural else "urban", cps))
        out.append(Street(s, cms))
    return out


def maybe(rng, p_true, p_none=0.0):
    r = rng.random()
    if r < p_none:
        return None
    return rng.random() < p_true


def make_records(rng, tree, years, levels=("street", "community", "compound"),
                 flags=False, p_none=0.04, stars_none=0.04, ctype_known=True):
    """Records for every unit of the tree in each year, in ledger order
    (year, then street, its community rows each followed by its compounds).
    A later year improves on the earlier one, as the plan intends."""
    recs = []
    prev = {}
    for y in years:
        for st in tree:
            if "street" in levels:
                r = Rec(y, st.name, five_good=maybe(rng, 0.4, p_none),
                        service_center=maybe(rng, 0.9, p_none))
                recs.append(improve(prev, r))
            for cm in st.communities:
                ct = cm.ctype if ctype_known else ""
                if "community" in levels:
                    r = Rec(y, st.name, cm.name, ctype=ct, five_good=maybe(rng, 0.35, p_none),
                            service_center=maybe(rng, 0.85, p_none))
                    recs.append(improve(prev, r))
                if "compound" not in levels:
                    continue
                for cp in cm.compounds:
                    r = Rec(y, st.name, cm.name, cp, ctype=ct)
                    if flags:
                        fl = [rng.random() < 0.6 for _ in range(5)]
                        if rng.random() < 0.2:
                            fl = [True] * 5
                        r.star_flags = fl
                        r.stars = sum(fl)
                    else:
                        r.stars = None if rng.random() < stars_none else rng.choice([0, 1, 2, 3, 3, 4, 4, 5, 5])
                    r.service_center = maybe(rng, 0.5, p_none)
                    r.party_branch = maybe(rng, 0.7, p_none)
                    r.owners_committee = maybe(rng, 0.5, p_none)
                    r.property_service = maybe(rng, 0.6, p_none)
                    recs.append(improve(prev, r))
    return recs


def improve(prev, r):
    """Makes r no worse than the same unit's record of the year before."""
    k = (r.street, r.community, r.compound)
    p = prev.get(k)
    if p is not None:
        for f in ("five_good", "service_center", "party_branch", "owners_committee", "property_service"):
            if getattr(p, f) is True:
                setattr(r, f, True)
        if p.stars is not None and (r.stars is None or r.stars < p.stars) and not any(x is not None for x in r.star_flags):
            r.stars = min(5, p.stars + 1)
    prev[k] = r
    return r


# ------------------------------------------------------------ the figures

TALLY_FIELDS = [
    "Streets", "StreetsFiveGood", "StreetsCenter",
    "Communities", "CommunitiesFiveGood", "CommunitiesCenter",
    "Compounds", "CompoundsFiveStar", "CompoundsBranch",
    "CompoundsCommittee", "CompoundsProperty", "CompoundsCenter",
    "StarHistogram", "StarHolders", "StarReported",
    "UnknownStreetFiveGood", "UnknownCommunityFiveGood",
    "UnknownCenter", "UnknownCompoundCenter",
    "UnknownStars", "UnknownBranch", "UnknownCommittee", "UnknownProperty",
]


def new_tally():
    t = {k: 0 for k in TALLY_FIELDS}
    t["StarHistogram"] = [0] * 6
    t["StarHolders"] = [0] * 5
    return t


def _count(t, v, unknown):
    if v is None:
        t[unknown] += 1
        return 0
    return 1 if v else 0


def tally_add(t, r):
    """metrics.Tally.Add, re-stated from its documented rules."""
    lv = r.level
    if lv == "street":
        t["Streets"] += 1
        t["StreetsFiveGood"] += _count(t, r.five_good, "UnknownStreetFiveGood")
        t["StreetsCenter"] += _count(t, r.service_center, "UnknownCenter")
    elif lv == "community":
        t["Communities"] += 1
        t["CommunitiesFiveGood"] += _count(t, r.five_good, "UnknownCommunityFiveGood")
        t["CommunitiesCenter"] += _count(t, r.service_center, "UnknownCenter")
    else:
        t["Compounds"] += 1
        if r.stars is None:
            t["UnknownStars"] += 1
        else:
            t["StarHistogram"][r.stars] += 1
            if r.stars == 5:
                t["CompoundsFiveStar"] += 1
        t["CompoundsBranch"] += _count(t, r.party_branch, "UnknownBranch")
        t["CompoundsCommittee"] += _count(t, r.owners_committee, "UnknownCommittee")
        t["CompoundsProperty"] += _count(t, r.property_service, "UnknownProperty")
        t["CompoundsCenter"] += _count(t, r.service_center, "UnknownCompoundCenter")
        reported = False
        for i, f in enumerate(r.star_flags):
            if f is not None:
                reported = True
                if f:
                    t["StarHolders"][i] += 1
        if reported:
            t["StarReported"] += 1


def figures(recs):
    """{year: {"district": tally, "streets": {name: tally}}} as the truth
    file states them (years as strings, for JSON)."""
    out = {}
    for r in recs:
        y = out.setdefault(str(r.year), {"district": new_tally(), "streets": {}})
        tally_add(y["district"], r)
        tally_add(y["streets"].setdefault(r.street, new_tally()), r)
    return out


# --------------------------------------------------- canonical names (read)

TRIM = " \t\r\n\u3000\u00a0\u200b\ufeff"


def canon_name(s, level):
    """The canonical form of a name as the agreed rules define it: NFKC,
    trimmed of spaces, 街道办事处 → 街道, 社区居委会/居民委员会 → 社区."""
    s = unicodedata.normalize("NFKC", s).strip(TRIM)
    if level == "street" and s.endswith("街道办事处"):
        s = s[: -len("办事处")]
    if level == "community":
        for suf in ("居民委员会", "居委会"):
            if s.endswith("社区" + suf):
                s = s[: -len(suf)]
    return s.strip(TRIM)


def rng_for(name):
    return random.Random("jindu-ledgers/" + name)
