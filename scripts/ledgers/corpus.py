"""The fixture corpus of issue 15: which ledgers, in which shape, by which
writer. Run by make.sh; see README.md."""

from dataclasses import dataclass, field
from typing import Optional

import model
from layout import Col, GridSheet, Sheet, SummarySheet, TextSheet

YES = ("是", "否")

TITLE = "魏都区{year}年小区“五星”创建台账"
SUBTITLE = "填报单位：{unit}　　　　　　　　单位：个"


def footnotes(w):
    return [
        [(0, "填报人：张敏"), (min(4, w - 1), "联系电话：0374-5126638"), (min(7, w - 1), "审核人：李建国")],
        [(0, "填报日期：2024年1月10日")],
        [(0, "注：1.星级按党建引领、便民服务、文明风尚、和谐稳定、美丽宜居五颗星评定；2.“是否”类指标填写“是”或“否”。")],
    ]


INSTRUCTIONS = [
    "填表说明",
    "1. 本台账由各街道党建专干填报，每年12月底前报区委组织部。",
    "2. 每个街道一个工作表，请勿修改表头。",
    "3. “是否”类指标填写“是”或“否”；星级填写0—5的整数。",
    "4. 社区类型填写“城市”或“涉农”。",
]


@dataclass
class Fixture:
    file: str
    writer: str                 # openpyxl | lo | sheetjs | exceljs
    sheets: list                # layout sheets
    shapes: list
    encoding: Optional[str] = None   # CSV: utf-8 | utf-8-bom | gbk | gb18030
    outcome: str = "accepted"
    errors: list = field(default_factory=list)
    password: Optional[str] = None
    damage: Optional[str] = None     # truncate | break_xml
    patches: list = field(default_factory=list)  # (sheet index, row, col, value): bad cells
    lost: bool = False               # expect lost_characters from the file's "?" names
    extra_warnings: list = field(default_factory=list)

    @property
    def fmt(self):
        return self.file.rsplit(".", 1)[1]

    def records(self):
        out = []
        for s in self.sheets:
            if isinstance(s, Sheet):
                out += s.records
        return out


# ---------------------------------------------------------------- families

def tree(name, streets, communities=(2, 3), compounds=(2, 4)):
    return model.make_tree(model.rng_for(name), streets, communities, compounds)


def recs(name, t, years=(2023,), **kw):
    return model.make_records(model.rng_for(name + "/records"), t, list(years), **kw)


def compound_cols(year="num", stars="int", wrap=False, vocab=None, seq=True, note=True, street_h="街道名称"):
    v = vocab or {}
    cols = []
    if seq:
        cols.append(Col("seq", "序号"))
    cols += [
        Col("year", "年份", year),
        Col("street", street_h),
        Col("community", "社区名称"),
        Col("compound", "小区名称"),
        Col("stars", "星级\n（颗）" if wrap else "星级（颗）", stars),
        Col("service_center", "是否建成\n党群服务中心" if wrap else "是否建成党群服务中心", v.get("service_center", YES)),
        Col("party_branch", "是否建立\n小区党支部" if wrap else "是否建立小区党支部", v.get("party_branch", YES)),
        Col("owners_committee", "是否成立\n业委会" if wrap else "是否成立业委会", v.get("owners_committee", YES)),
        Col("property_service", "是否引进\n物业服务" if wrap else "是否引进物业服务", v.get("property_service", YES)),
    ]
    if note:
        cols.append(Col("note", "备注"))
    return cols


def notes_for(records, rng_name):
    rng = model.rng_for(rng_name + "/notes")
    out = {}
    for i, r in enumerate(records):
        if r.level == "compound" and rng.random() < 0.2:
            out[i] = rng.choice(["老旧小区", "2023年新建党群服务站", "无物业，居民自治", "开放式小区", "单位家属院，产权单位管理"])
    return out


def title_merged(name, writer, ext, **over):
    """Family A: a compound ledger as a street clerk keeps it: title and unit
    line, long headers, 序号 and 备注, 年份/街道/社区 merged down, 小计 per
    street, 合计, footnotes."""
    t = tree("title_merged", ["丁庄街道", "七里店街道", "五一路街道"])
    rs = recs("title_merged", t, levels=("compound",))
    cols = compound_cols()
    sh = Sheet("小区台账", cols, rs,
               title=[TITLE.format(year=2023), SUBTITLE.format(unit="魏都区委组织部")],
               hier="merge", subtotal="seq", total="seq", footnotes=footnotes(len(cols)),
               notes=notes_for(rs, "title_merged"))
    for k, v in over.items():
        setattr(sh, k, v)
    return Fixture("title_merged_%s.%s" % (writer, ext), writer, [sh],
                   ["title_rows", "long_headers", "seq_note_columns", "merged_hierarchy", "total_rows", "footnotes"])


def wrapped_mixed(name, writer, ext):
    """Family B: one table of all three levels (street, community and
    compound rows), headers wrapped with Alt+Enter, 有/无 for the centre, an
    unknown 户数 column."""
    t = tree("wrapped_mixed", ["西大街道", "东大街道", "魏北街道"], compounds=(1, 3))
    rs = recs("wrapped_mixed", t)
    cols = [
        Col("year", "年份"), Col("street", "街道"), Col("community", "社区"),
        Col("ctype", "社区\n类型", ("城市", "农村")), Col("compound", "小区"),
        Col("five_good", "是否\n五好", YES), Col("stars", "星级\n（颗）", "int"),
        Col("service_center", "党群服务\n中心", ("有", "无")),
        Col("party_branch", "是否建立\n小区党支部", YES), Col("owners_committee", "是否成立\n业委会", YES),
        Col("property_service", "是否引进\n物业服务", YES), Col("other", "户数"),
    ]
    sh = Sheet("Sheet1", cols, rs, hier="repeat")
    return Fixture("wrapped_mixed_%s.%s" % (writer, ext), writer, [sh],
                   ["wrapped_headers", "all_levels", "values_spelled"])


STAR_FLAG_HEADERS = model.STAR_NAMES


def two_row_header(name, writer, ext):
    """Family C: a two-row header, 五星创建情况 merged over the five star
    columns (√/×), the other headers merged over both rows; a title."""
    t = tree("two_row_header", ["高桥营街道", "文峰街道"], compounds=(2, 4))
    rs = recs("two_row_header", t, levels=("compound",), flags=True)
    cols = [Col("seq", "序号"), Col("year", "年份"), Col("street", "街道"), Col("community", "社区"),
            Col("compound", "小区名称")]
    cols += [Col("flag%d" % i, h, ("√", "×"), group="五星创建情况") for i, h in enumerate(STAR_FLAG_HEADERS)]
    cols += [Col("stars", "星级", "int"), Col("service_center", "党群服务中心", YES),
             Col("party_branch", "小区党支部", YES), Col("owners_committee", "业委会", YES),
             Col("property_service", "物业服务", YES)]
    sh = Sheet("五星小区", cols, rs, title=[TITLE.format(year=2023)], hier="merge", total="seq")
    return Fixture("two_row_header_%s.%s" % (writer, ext), writer, [sh],
                   ["two_row_header", "title_rows", "merged_hierarchy", "star_columns", "total_rows"])


def per_street(name, writer, ext):
    """Family D: a 填表说明 sheet first, then one sheet per street; only the
    second street's sheet kept its title rows."""
    streets = ["丁庄街道", "七里店街道", "半截河街道", "西关街道"]
    t = tree("per_street", streets, communities=(1, 3), compounds=(2, 3))
    rs = recs("per_street", t, levels=("community", "compound"))
    cols = [Col("year", "年份"), Col("street", "街道"), Col("community", "社区"), Col("ctype", "社区类型", ("城市", "涉农")),
            Col("compound", "小区"), Col("five_good", "是否五好", YES), Col("stars", "星级", "int"),
            Col("service_center", "有无党群服务中心", ("有", "无")), Col("party_branch", "小区党支部", YES),
            Col("owners_committee", "业委会", YES), Col("property_service", "物业服务", YES)]
    sheets = [TextSheet("填表说明", INSTRUCTIONS)]
    for i, s in enumerate(streets):
        sr = [r for r in rs if r.street == s]
        sh = Sheet(s, cols, sr, hier="merge" if i % 2 == 0 else "repeat")
        if i == 1:
            sh.title = [TITLE.format(year=2023), SUBTITLE.format(unit=s + "办事处")]
        sheets.append(sh)
    return Fixture("per_street_sheets_%s.%s" % (writer, ext), writer, sheets,
                   ["sheet_per_street", "one_titled_sheet", "instructions_sheet", "merged_hierarchy"])


def summary(name, writer, ext, wrong):
    """Family E: a 汇总 sheet of counts per street before the street sheets;
    wrong makes one typed count differ from the details."""
    streets = ["南关街道", "北大街道", "新兴街道"]
    t = tree("summary", streets, communities=(2, 3), compounds=(1, 3))
    rs = recs("summary", t, levels=("community", "compound"))
    cols = [Col("year", "年份"), Col("street", "街道"), Col("community", "社区"), Col("ctype", "社区类型", ("城市", "涉农")),
            Col("compound", "小区"), Col("five_good", "五好", YES), Col("stars", "星级", "int"),
            Col("service_center", "党群服务中心", YES), Col("party_branch", "小区党支部", YES),
            Col("owners_committee", "业委会", YES), Col("property_service", "物业服务", YES)]
    w = None
    if wrong:
        # The clerk counted one five-star compound too many in 北大街道.
        w = ("北大街道", "compounds_five_star", 1)
    sheets = [SummarySheet("汇总", rs, streets, title="2023年“五好”“五星”创建情况汇总表", wrong=w)]
    for s in streets:
        sheets.append(Sheet(s, cols, [r for r in rs if r.street == s], hier="merge"))
    kind = "summary_mismatch" if wrong else "summary_match"
    return Fixture("%s_%s.%s" % (kind, writer, ext), writer, sheets,
                   [kind, "summary_sheet", "sheet_per_street", "merged_hierarchy"])


def date_year(name, writer, ext):
    """Family F: 年份 as a date cell shown as 2023年 (format yyyy"年"),
    merged down; title; 小计 in the 社区 column with 街道 merged over it."""
    t = tree("date_year", ["魏北街道", "新兴街道"], compounds=(2, 4))
    rs = recs("date_year", t, levels=("compound",))
    cols = compound_cols(year="date", note=False)
    sh = Sheet("台账", cols, rs, title=[TITLE.format(year=2023)], hier="merge", subtotal="community",
               street_merge_over_subtotal=True, total="street")
    return Fixture("date_year_%s.%s" % (writer, ext), writer, [sh],
                   ["date_year", "title_rows", "merged_hierarchy", "total_rows"])


def hidden(name, writer, ext):
    """Family G: rows hidden by hand (they still count)."""
    t = tree("hidden", ["东大街道", "南关街道"], compounds=(2, 4))
    rs = recs("hidden", t, levels=("compound",))
    cols = compound_cols(note=False)
    hid = {i for i in range(len(rs)) if i % 5 == 2}
    sh = Sheet("台账", cols, rs, hier="repeat", hidden=hid, total="seq")
    return Fixture("hidden_rows_%s.%s" % (writer, ext), writer, [sh], ["hidden_rows", "total_rows"])


def autofilter(name, writer, ext):
    """Family G': an autofilter left on (物业服务 = 是): the rows it hides
    still count."""
    t = tree("autofilter", ["五一路街道", "西关街道"], compounds=(2, 4))
    rs = recs("autofilter", t, levels=("compound",), p_none=0.0)
    cols = compound_cols(note=False)
    sh = Sheet("台账", cols, rs, title=[TITLE.format(year=2023)], hier="repeat",
               autofilter=("property_service", ["是"]))
    return Fixture("autofilter_%s.%s" % (writer, ext), writer, [sh], ["autofilter_hidden", "title_rows"])


SPELL_1 = {"five_good": ("√", "×"), "service_center": ("已建", "未建"), "party_branch": ("已建立", "未建立"),
           "owners_committee": ("已成立", "未成立"), "property_service": ("已引进", "未引进")}
SPELL_2 = {"five_good": ("是", "否"), "service_center": ("有", "无"), "party_branch": ("已成立", "未成立"),
           "owners_committee": ("有", "无"), "property_service": ("已配备", "未配备")}


def values_spelled(name, writer, ext, variant):
    """Family H: values as clerks write them (已建/未建, 已成立/未成立,
    已引进/未引进, 已配备/未配备, 有/无, √/×, ★★★☆☆, ☆☆☆☆☆, 五星级, 农村)."""
    t = tree("values_spelled", ["丁庄街道", "高桥营街道", "文峰街道"], compounds=(2, 3))
    rs = recs("values_spelled", t, levels=("community", "compound"))
    sp = SPELL_1 if variant == 1 else SPELL_2
    cols = [Col("seq", "序号"), Col("year", "年份", "nian"), Col("street", "街道"), Col("community", "社区"),
            Col("ctype", "社区类型", ("城市", "农村") if variant == 1 else ("城市社区", "农村社区")),
            Col("compound", "小区"), Col("five_good", "五好", sp["five_good"]),
            Col("stars", "星级", "filled" if variant == 1 else "ji")]
    cols += [Col(f, h, sp[f]) for f, h in (("service_center", "党群服务中心"), ("party_branch", "小区党支部"),
                                           ("owners_committee", "业委会"), ("property_service", "物业服务"))]
    sh = Sheet("Sheet1", cols, rs, hier="repeat")
    return Fixture("values_spelled%d_%s.%s" % (variant, writer, ext), writer, [sh], ["values_spelled", "text_year"])


def names(name, writer, ext):
    """Family I: names with 办事处 / 居委会 / 居民委员会 suffixes, stray ASCII
    and full-width spaces at the ends, a full-width letter (NFKC)."""
    t = tree("names", ["西大街道", "丁庄街道", "七里店街道"], compounds=(2, 3))
    # A full-width letter in one compound's name: NFKC makes it A.
    t[0].communities[0].compounds[0] = "盛世名门A区"
    rs = recs("names", t, levels=("community", "compound"))
    spell = {"西大街道": "西大街道办事处", "丁庄街道": " 丁庄街道", "七里店街道": "七里店街道办事处　",
             "盛世名门A区": "盛世名门Ａ区 "}
    for i, st in enumerate(t):
        for j, cm in enumerate(st.communities):
            if (i + j) % 3 == 0:
                spell[cm.name] = cm.name + "居委会"
            elif (i + j) % 3 == 1:
                spell[cm.name] = cm.name + "居民委员会"
            else:
                spell[cm.name] = "　" + cm.name
    cols = [Col("year", "年份"), Col("street", "街道名称"), Col("community", "社区名称"),
            Col("ctype", "社区类型", ("城市", "涉农")), Col("compound", "小区名称"),
            Col("five_good", "是否五好", YES), Col("stars", "星级", "int"),
            Col("service_center", "党群服务中心", YES), Col("party_branch", "小区党支部", YES),
            Col("owners_committee", "业委会", YES), Col("property_service", "物业服务", YES)]
    sh = Sheet("台账", cols, rs, hier="repeat", spell=spell)
    return Fixture("names_spelled_%s.%s" % (writer, ext), writer, [sh], ["name_suffixes", "stray_spaces"])


def typed_once(name, writer, ext):
    """Family J: 年份/街道/社区 typed once (not merged) and blank below, a
    blank row between streets, 小计 in the 街道 column."""
    t = tree("typed_once", ["北大街道", "半截河街道", "西关街道"], compounds=(2, 3))
    rs = recs("typed_once", t, levels=("compound",))
    cols = compound_cols(seq=False, street_h="街道")
    sh = Sheet("台账", cols, rs, hier="blank", street_gap=True, subtotal="street",
               notes=notes_for(rs, "typed_once"))
    return Fixture("typed_once_%s.%s" % (writer, ext), writer, [sh],
                   ["blank_hierarchy", "blank_rows", "total_rows"])


def two_years(name, writer, ext):
    """Family K: two years in one table (2022, then 2023), year merged per
    street block."""
    t = tree("two_years", ["丁庄街道", "魏北街道"], compounds=(2, 3))
    rs = recs("two_years", t, years=(2022, 2023))
    cols = [Col("year", "年度"), Col("street", "街道"), Col("community", "社区"), Col("ctype", "社区类型", ("城市", "涉农")),
            Col("compound", "小区"), Col("five_good", "五好", YES), Col("stars", "星级", "int"),
            Col("service_center", "党群服务中心", YES), Col("party_branch", "小区党支部", YES),
            Col("owners_committee", "业委会", YES), Col("property_service", "物业服务", YES)]
    sh = Sheet("2022-2023", cols, rs, title=["魏都区2022—2023年红色治理台账"], hier="merge")
    return Fixture("two_years_%s.%s" % (writer, ext), writer, [sh],
                   ["two_years", "all_levels", "merged_hierarchy", "title_rows"])


def streets_only(name, writer, ext):
    """Family L: a street-level ledger (the district office's): 13 streets,
    title, 合计 with the year typed in."""
    t = tree("streets_only", model.STREETS, communities=(0, 0), compounds=(0, 0))
    rs = recs("streets_only", t, levels=("street",))
    cols = [Col("seq", "序号"), Col("year", "年份"), Col("street", "街道名称"), Col("five_good", "是否五好", YES),
            Col("service_center", "是否建成党群服务中心", YES), Col("note", "备注")]
    sh = Sheet("街道", cols, rs, title=["魏都区2023年“五好”街道党工委创建情况"], hier="repeat",
               total="street", total_year=True)
    return Fixture("streets_only_%s.%s" % (writer, ext), writer, [sh],
                   ["street_level_only", "title_rows", "total_row_with_year"])


def communities_only(name, writer, ext):
    """Family M: a community ledger, 街道 merged down, 社区类型."""
    t = tree("communities_only", ["东大街道", "七里店街道", "高桥营街道"], communities=(3, 5), compounds=(0, 0))
    rs = recs("communities_only", t, levels=("community",))
    cols = [Col("seq", "序号"), Col("year", "年份"), Col("street", "街道"), Col("community", "社区名称"),
            Col("ctype", "社区类型", ("城市社区", "涉农社区")), Col("five_good", "五好情况", YES),
            Col("service_center", "有无党群服务中心", ("有", "无")), Col("note", "备注")]
    sh = Sheet("社区", cols, rs, title=["魏都区2023年“五好”社区党组织创建台账"], hier="merge", subtotal="seq",
               total="seq", footnotes=footnotes(len(cols)))
    return Fixture("communities_only_%s.%s" % (writer, ext), writer, [sh],
                   ["community_level_only", "merged_hierarchy", "total_rows", "footnotes"])


def total_year(name, writer, ext):
    """Family N: a mixed ledger whose 合计 row has the year typed in."""
    t = tree("total_year", ["西大街道", "南关街道"], compounds=(1, 3))
    rs = recs("total_year", t)
    cols = [Col("year", "年份"), Col("street", "街道"), Col("community", "社区"), Col("ctype", "社区类型", ("城市", "涉农")),
            Col("compound", "小区"), Col("five_good", "五好", YES), Col("stars", "星级", "int"),
            Col("service_center", "党群服务中心", YES), Col("party_branch", "小区党支部", YES),
            Col("owners_committee", "业委会", YES), Col("property_service", "物业服务", YES)]
    sh = Sheet("Sheet1", cols, rs, hier="repeat", total="street", total_year=True)
    return Fixture("total_with_year_%s.%s" % (writer, ext), writer, [sh], ["total_row_with_year", "all_levels"])


def plain(name, writer, ext):
    """The control: Jindu's own template layout (header in row 1, the
    template's column names, every cell filled, the five star columns), as
    today's parser already reads it. It must pass before and after."""
    t = tree("plain", ["东大街道", "文峰街道"], compounds=(1, 3))
    rs = recs("plain", t, flags=True)
    cols = [Col("year", "年份"), Col("street", "街道"), Col("community", "社区"), Col("ctype", "社区类型", ("城市", "涉农")),
            Col("compound", "小区"), Col("five_good", "五好", YES), Col("stars", "星级", "int"),
            Col("service_center", "党群服务中心", YES), Col("party_branch", "小区党支部", YES),
            Col("owners_committee", "业委会", YES), Col("property_service", "物业服务", YES)]
    cols += [Col("flag%d" % i, h, YES) for i, h in enumerate(STAR_FLAG_HEADERS)]
    sh = Sheet("Sheet1", cols, rs, hier="repeat")
    return Fixture("plain_template_%s.%s" % (writer, ext), writer, [sh], ["control_template"])


def nbsp_names(fx_name, writer, ext, encoding, lost):
    """A compound ledger whose street names end in a no-break space (copied
    from a web page); exported to CSV by Calc."""
    t = tree("nbsp", ["丁庄街道", "七里店街道", "半截河街道"], compounds=(2, 3))
    rs = recs("nbsp", t, levels=("compound",))
    cols = compound_cols(note=False)
    spell = {s.name: s.name + "\u00a0" for s in t}
    sh = Sheet("台账", cols, rs, title=[TITLE.format(year=2023)], hier="merge", spell=spell, total="seq")
    f = Fixture(fx_name, writer, [sh], ["gbk_csv" if encoding == "gbk" else "gb18030_csv", "nbsp_names",
                                        "title_rows", "total_rows"], encoding=encoding)
    if lost:
        f.outcome = "refused"
        f.lost = True
        f.shapes.append("lost_characters")
    return f


def formatted_csv(fx_name):
    """A sheet whose 星级 column is formatted 0.0 and 年份 is a date shown
    as 2023年, exported by Calc "as shown" (5.0, 2023年) in GBK."""
    t = tree("formatted", ["五一路街道", "文峰街道"], compounds=(2, 4))
    rs = recs("formatted", t, levels=("compound",))
    cols = compound_cols(year="date", stars="0.0", note=False)
    for c in cols:
        if c.field == "street":
            c.header = "街道"
    spell = {"五一路街道": "五一路街道办事处", "文峰街道": "文峰街道　"}
    sh = Sheet("台账", cols, rs, hier="merge", spell=spell, subtotal="seq", total="seq")
    return Fixture(fx_name, "lo", [sh], ["gbk_csv", "stars_0.0", "date_year", "name_suffixes", "total_rows"],
                   encoding="gbk")


# ----------------------------------------------------------- refusals

def refused(fx, code, **err):
    fx.outcome = "refused"
    e = {"code": code}
    e.update(err)
    fx.errors.append(e)
    return fx


def no_header_sheet():
    fx = hidden("", "openpyxl", "xlsx")
    fx.file = "no_header_sheet_openpyxl.xlsx"
    contacts = GridSheet("联系人", [["姓名", "职务", "联系电话", "所在单位"],
                                   ["张敏", "党建专干", "0374-5126638", "丁庄街道办事处"],
                                   ["李建国", "组织委员", "0374-5126639", "丁庄街道办事处"],
                                   ["王芳", "社区书记", "13803741234", "八一社区"]])
    fx.sheets.append(contacts)
    fx.shapes = ["no_header"]
    return refused(fx, "no_header", sheet="联系人")


def no_header_csv():
    t = tree("no_header_csv", ["东大街道"], compounds=(2, 3))
    rs = recs("no_header_csv", t, levels=("compound",))
    # Pinyin initials as headers: a table nobody can read.
    cols = [Col("year", "ND"), Col("street", "JD"), Col("community", "SQ"), Col("compound", "XQ"),
            Col("stars", "XJ", "int"), Col("service_center", "DQZX", YES), Col("party_branch", "DZB", YES)]
    sh = Sheet("Sheet1", cols, rs)
    fx = Fixture("no_header_lo.csv", "lo", [sh], ["no_header"], encoding="utf-8")
    return refused(fx, "no_header")


def similar_column(writer, ext, field_, typo):
    fx = title_merged("", writer, ext)
    fx.file = "similar_column_%s_%s.%s" % (field_, writer, ext)
    for c in fx.sheets[0].cols:
        if c.field == field_:
            c.header = typo
    fx.shapes = ["similar_column", "title_rows"]
    sheet = "" if ext == "csv" else fx.sheets[0].name
    return refused(fx, "similar_column", sheet=sheet, column=typo)


def bad_value(fx_fn, writer, ext, file, field_, value, code):
    """A ledger with one really bad cell: the file must be refused with code
    at that row and column."""
    fx = fx_fn("", writer, ext)
    fx.file = file
    fx.shapes = [code] + fx.shapes[:1]
    fx.patches.append((0, None, field_, value))  # row: the sixth unit row, set at render time
    return refused(fx, code)


def damaged(fx, file, how, code):
    fx.file = file
    fx.damage = how
    fx.shapes = [code]
    return refused(fx, code)


def all_fixtures():
    F = []
    # The control: today's template layout.
    F.append(plain("", "lo", "xlsx"))
    p = plain("", "lo", "csv")
    p.file, p.encoding = "plain_template_lo_utf8.csv", "utf-8"
    F.append(p)
    # A: the typical street ledger, every writer and format.
    for w, e in (("openpyxl", "xlsx"), ("lo", "xlsx"), ("sheetjs", "xlsx"), ("exceljs", "xlsx"),
                 ("lo", "xls"), ("sheetjs", "xls"), ("lo", "ods"), ("sheetjs", "ods")):
        F.append(title_merged("", w, e))
    for w, e in (("openpyxl", "xlsx"), ("exceljs", "xlsx")):
        F.append(wrapped_mixed("", w, e))
    for w, e in (("openpyxl", "xlsx"), ("lo", "xlsx"), ("sheetjs", "xlsx"), ("lo", "xls"), ("lo", "ods")):
        F.append(two_row_header("", w, e))
    for w, e in (("openpyxl", "xlsx"), ("lo", "xlsx"), ("exceljs", "xlsx"), ("lo", "xls"), ("sheetjs", "ods")):
        F.append(per_street("", w, e))
    for w, e in (("openpyxl", "xlsx"), ("lo", "xls")):
        F.append(summary("", w, e, wrong=False))
    for w, e in (("openpyxl", "xlsx"), ("exceljs", "xlsx"), ("lo", "ods")):
        F.append(summary("", w, e, wrong=True))
    for w, e in (("openpyxl", "xlsx"), ("lo", "xlsx"), ("exceljs", "xlsx"), ("lo", "xls"), ("lo", "ods")):
        F.append(date_year("", w, e))
    for w, e in (("openpyxl", "xlsx"), ("exceljs", "xlsx"), ("lo", "ods")):
        F.append(hidden("", w, e))
    for w, e in (("openpyxl", "xlsx"), ("lo", "xlsx")):
        F.append(autofilter("", w, e))
    F.append(values_spelled("", "openpyxl", "xlsx", 1))
    F.append(values_spelled("", "sheetjs", "xls", 1))
    F.append(values_spelled("", "sheetjs", "xlsx", 2))
    F.append(values_spelled("", "lo", "ods", 2))
    for w, e in (("openpyxl", "xlsx"), ("lo", "xlsx")):
        F.append(names("", w, e))
    for w, e in (("openpyxl", "xlsx"), ("sheetjs", "xlsx")):
        F.append(typed_once("", w, e))
    for w, e in (("lo", "xlsx"), ("openpyxl", "xlsx")):
        F.append(two_years("", w, e))
    for w, e in (("openpyxl", "xlsx"), ("lo", "xls")):
        F.append(streets_only("", w, e))
    for w, e in (("exceljs", "xlsx"), ("lo", "ods")):
        F.append(communities_only("", w, e))
    F.append(total_year("", "openpyxl", "xlsx"))

    # CSV, as clerks export it.
    def csv_of(fx, file, encoding, shape):
        fx.file, fx.encoding = file, encoding
        if shape:
            fx.shapes.append(shape)
        return fx

    F.append(csv_of(title_merged("", "lo", "csv"), "title_merged_lo_utf8.csv", "utf-8", "utf8_csv"))
    F.append(csv_of(title_merged("", "sheetjs", "csv"), "title_merged_sheetjs_bom.csv", "utf-8-bom", "utf8_bom_csv"))
    F.append(csv_of(wrapped_mixed("", "exceljs", "csv"), "wrapped_mixed_exceljs_bom.csv", "utf-8-bom", "utf8_bom_csv"))
    F.append(csv_of(typed_once("", "lo", "csv"), "typed_once_lo_gbk.csv", "gbk", "gbk_csv"))
    F.append(nbsp_names("nbsp_names_lo_gb18030.csv", "lo", "csv", "gb18030", lost=False))
    F.append(nbsp_names("nbsp_names_lo_gbk.csv", "lo", "csv", "gbk", lost=True))
    F.append(formatted_csv("formatted_lo_gbk.csv"))
    F.append(csv_of(streets_only("", "lo", "csv"), "streets_only_lo_gbk.csv", "gbk", "gbk_csv"))
    F.append(csv_of(total_year("", "lo", "csv"), "total_with_year_lo_utf8.csv", "utf-8", "utf8_csv"))

    # Refused.
    for e in ("xlsx", "xls", "ods"):
        f = title_merged("", "lo", e)
        f.file = "encrypted_lo.%s" % e
        f.password = "jindu2023"
        f.shapes = ["encrypted"]
        F.append(refused(f, "encrypted_file"))
    F.append(damaged(title_merged("", "openpyxl", "xlsx"), "truncated_openpyxl.xlsx", "truncate", "bad_xlsx"))
    F.append(damaged(title_merged("", "lo", "xlsx"), "broken_xml_lo.xlsx", "break_xml", "bad_xlsx"))
    F.append(damaged(title_merged("", "lo", "xls"), "truncated_lo.xls", "truncate", "bad_xls"))
    F.append(damaged(title_merged("", "lo", "ods"), "truncated_lo.ods", "truncate", "bad_ods"))
    F.append(no_header_sheet())
    F.append(no_header_csv())
    F.append(similar_column("openpyxl", "xlsx", "party_branch", "是否建立小区党支布"))
    F.append(similar_column("lo", "xls", "property_service", "是否引进物业服物"))
    F.append(bad_value(hidden, "openpyxl", "xlsx", "bad_stars_openpyxl.xlsx", "stars", 3.5, "bad_stars"))
    F.append(bad_value(total_year, "lo", "csv", "bad_year_lo.csv", "year", 203, "bad_year"))
    F.append(bad_value(wrapped_mixed, "exceljs", "xlsx", "bad_bool_exceljs.xlsx", "service_center", "待建", "bad_bool"))
    for f in F:
        if f.fmt == "csv" and f.encoding is None:
            f.encoding = "utf-8"
    names_ = [f.file for f in F]
    assert len(names_) == len(set(names_)), "duplicate fixture names"
    return F
