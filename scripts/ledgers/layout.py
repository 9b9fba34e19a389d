"""Shapes: how a list of canonical records is laid out in a clerk's sheet.

A layout renders records into a *grid* (rows of cells, merges, hidden rows,
an autofilter: a plain JSON structure every writer understands) and an
*info* record of where everything went (which row holds which unit, which
rows are titles, totals, footnotes), from which the expected warnings and
the cross-check are derived.

Grid cells:
    None                      empty
    "text" / 12 / 4.5         a string or a number
    {"t": "n", "v": 5, "z": "0.0"}                  a number with a format
    {"t": "d", "y": 2023, "m": 1, "d": 1, "z": 'yyyy"年"'}   a date cell
    {"t": "f", "f": 'COUNTIF(F5:F9,"是")', "v": 3}   a formula, v its value
    {"t": "s", "v": "党群服务\\n中心", "wrap": True}  wrapped text (Alt+Enter)
"""

import zlib
from dataclasses import dataclass, field
from typing import Optional

import model

# Fields a column can hold. flag0..flag4 are the five stars.
NAME_FIELDS = ("street", "community", "compound")
BOOL_FIELDS = ("five_good", "service_center", "party_branch", "owners_committee",
               "property_service", "flag0", "flag1", "flag2", "flag3", "flag4")

APPLIES = {
    "five_good": ("street", "community"),
    "service_center": ("street", "community", "compound"),
    "stars": ("compound",),
    "party_branch": ("compound",),
    "owners_committee": ("compound",),
    "property_service": ("compound",),
    "ctype": ("community",),
}
for _i in range(5):
    APPLIES["flag%d" % _i] = ("compound",)


@dataclass
class Col:
    field: str            # seq, year, street, community, ctype, compound, a status field, flagN, note, other
    header: str           # as written in the file (may hold "\n": Alt+Enter)
    vocab: object = None  # spelling: (yes, no) for booleans, a style name for stars/years, (urban, rural) for ctype
    group: Optional[str] = None  # group heading of a two-row header (merged over its columns)


def col_letter(i):
    """0-based column index → A, B, …, Z, AA."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def ref(r, c):
    return "%s%d" % (col_letter(c), r)


def rng_ref(r1, c1, r2, c2):
    return "%s:%s" % (ref(r1, c1), ref(r2, c2))


CN_NUM = "零一二三四五"


def spell_stars(n, style):
    if n is None:
        return None
    if style == "int":
        return n
    if style == "0.0":
        return {"t": "n", "v": n, "z": "0.0"}
    if style == "float":   # 5.0 typed into a General cell shows as "5"; used for text "5.0"
        return "%d.0" % n
    if style == "xing":
        return "%d星" % n
    if style == "cnxing":
        return CN_NUM[n] + "星"
    if style == "ji":
        return CN_NUM[n] + "星级" if n > 0 else "0"
    if style == "black":
        return "★" * n if n > 0 else "☆☆☆☆☆"
    if style == "filled":
        return "★" * n + "☆" * (5 - n)
    raise ValueError(style)


def spell_year(y, style):
    if style == "num":
        return y
    if style == "text":
        return str(y)
    if style == "nian":
        return "%d年" % y
    if style == "date":
        return {"t": "d", "y": y, "m": 1, "d": 1, "z": 'yyyy"年"'}
    raise ValueError(style)


def spell_ctype(ct, vocab):
    if not ct:
        return None
    return vocab[0] if ct == "urban" else vocab[1]


def households(rec):
    return zlib.crc32(rec.compound.encode()) % 900 + 60


def status_value(rec, f):
    if f.startswith("flag"):
        return rec.star_flags[int(f[4:])]
    return getattr(rec, f)


@dataclass
class Sheet:
    """One ledger table on one sheet (or the whole CSV)."""
    name: str
    cols: list
    records: list
    title: list = field(default_factory=list)      # title lines above the header, each merged across
    blank_after_title: bool = False
    hier: str = "repeat"                           # repeat | merge | blank
    hier_fields: tuple = ("year", "street", "community", "ctype")
    street_gap: bool = False                       # a blank row between streets
    subtotal: Optional[str] = None                 # None | "seq" | "community" | "street": where 小计 goes
    street_merge_over_subtotal: bool = False       # 街道 merged down over its 小计 row too
    total: Optional[str] = None                    # None | "seq" | "street": where 合计 goes
    total_year: bool = False                       # the 合计 row has the year typed in
    footnotes: list = field(default_factory=list)  # rows of [(col, text)]
    hidden: set = field(default_factory=set)       # indexes into records of rows to hide
    autofilter: Optional[tuple] = None             # (field, [shown values]) rows not shown are hidden
    spell: dict = field(default_factory=dict)      # canonical name → as written
    notes: dict = field(default_factory=dict)      # record index → 备注 text
    seq_per_street: bool = False
    kind: str = "table"

    def __post_init__(self):
        # A sheet can only say what it has columns for: a status whose column
        # is absent is "not reported" in the model too.
        have = {c.field for c in self.cols}
        for r in self.records:
            for f in ("five_good", "stars", "service_center", "party_branch", "owners_committee", "property_service"):
                if f not in have:
                    setattr(r, f, None)
            for i in range(5):
                if "flag%d" % i not in have:
                    r.star_flags[i] = None
            if "ctype" not in have:
                r.ctype = ""
            if "stars" not in have and all(x is not None for x in r.star_flags):
                r.stars = sum(r.star_flags)

    def render(self):
        cols = self.cols
        w = len(cols)
        rows = []
        merges = []
        info = {"name": self.name, "kind": "table", "units": [], "title_rows": [], "total_rows": [],
                "footnote_rows": [], "hidden": [], "runs": {}, "cols": [(c.field, c.vocab, c.header) for c in cols],
                "hier": self.hier}

        def add(row):
            rows.append(row + [None] * (w - len(row)))
            return len(rows)

        for t in self.title:
            r = add([t])
            merges.append(rng_ref(r, 0, r, w - 1))
            info["title_rows"].append(r)
        if self.blank_after_title:
            add([])
        # Header: one row, or two with group headings merged over their columns.
        two = any(c.group for c in cols)
        h1 = []
        h2 = []
        for c in cols:
            text = c.header
            cell = {"t": "s", "v": text, "wrap": True} if "\n" in text else text
            if c.group:
                h1.append(c.group)
                h2.append(cell)
            else:
                h1.append(cell)
                h2.append(None)
        r1 = add(h1)
        info["header_rows"] = [r1]
        if two:
            r2 = add(h2)
            info["header_rows"].append(r2)
            i = 0
            while i < w:
                if cols[i].group:
                    j = i
                    while j + 1 < w and cols[j + 1].group == cols[i].group:
                        j += 1
                    merges.append(rng_ref(r1, i, r1, j))
                    for k in range(i + 1, j + 1):
                        rows[r1 - 1][k] = None
                    i = j + 1
                else:
                    merges.append(rng_ref(r1, i, r2, i))
                    i += 1
        ci = {c.field: i for i, c in enumerate(cols)}

        # Blocks of records by street (records come in ledger order).
        blocks = []
        for idx, rec in enumerate(self.records):
            if not blocks or blocks[-1][0] != (rec.year, rec.street):
                blocks.append([(rec.year, rec.street), []])
            blocks[-1][1].append(idx)

        sub_rows = []   # (row, first unit row, last unit row)
        seq = 0
        for bi, (key, idxs) in enumerate(blocks):
            if self.street_gap and bi > 0:
                add([])
            if self.seq_per_street:
                seq = 0
            first = len(rows) + 1
            unit_rows = []
            for idx in idxs:
                rec = self.records[idx]
                row = []
                for c in cols:
                    row.append(self._cell(rec, c, idx, seq + 1))
                seq += 1
                r = add(row)
                unit_rows.append(r)
                info["units"].append((r, idx))
                if idx in self.hidden:
                    info["hidden"].append(r)
            last = len(rows)
            if self.subtotal:
                r = self._subtotal_row(add, rows, ci, w, idxs, first, last, merges)
                info["total_rows"].append(r)
                sub_rows.append((r, first, last))
            # The hierarchy runs of this block.
            self._runs(info, rows, ci, idxs, unit_rows, merges,
                       extend_street=(len(rows) if self.subtotal and self.street_merge_over_subtotal else None))
        if self.total:
            r = self._total_row(add, rows, ci, w, sub_rows, info, merges)
            info["total_rows"].append(r)
        if self.footnotes:
            add([])
            for fn in self.footnotes:
                row = [None] * w
                for c, text in fn:
                    row[c] = text
                r = add(row)
                info["footnote_rows"].append(r)
                if len(fn) == 1 and fn[0][0] == 0:
                    merges.append(rng_ref(r, 0, r, w - 1))
        af = None
        if self.autofilter:
            fld, shown = self.autofilter
            c = ci[fld]
            last_unit = max(r for r, _ in info["units"])
            af = {"ref": rng_ref(info["header_rows"][-1], 0, last_unit, w - 1), "col": c, "shown": shown}
            for r, idx in info["units"]:
                v = rows[r - 1][c]
                if v not in shown:
                    info["hidden"].append(r)
        info["hidden"] = sorted(set(info["hidden"]))
        sheet = {"name": self.name, "rows": rows, "merges": merges, "hidden": info["hidden"],
                 "autofilter": af, "widths": [max(6, min(30, len(c.header) * 2 + 2)) for c in cols]}
        return sheet, info

    def _cell(self, rec, c, idx, seq):
        f = c.field
        lv = rec.level
        if f == "seq":
            return seq
        if f == "year":
            return spell_year(rec.year, c.vocab or "num")
        if f in NAME_FIELDS:
            name = getattr(rec, f)
            if not name:
                return None
            return self.spell.get(name, name)
        if f == "ctype":
            if lv == "street" or (lv == "compound" and "ctype" not in self.hier_fields and self.hier != "repeat"):
                return None
            return spell_ctype(rec.ctype, c.vocab)
        if f == "note":
            return self.notes.get(idx)
        if f == "other":
            # 户数 (households): a stable number per compound, the sum of
            # its compounds on a street or community row. Filled on every
            # row, so that exceljs's CSV (which drops trailing empty cells)
            # keeps every row as wide as the header.
            return sum(households(x) for x in self.records
                       if x.year == rec.year and x.level == "compound" and x.street == rec.street
                       and (lv == "street" or x.community == rec.community)
                       and (lv != "compound" or x.compound == rec.compound))
        if lv not in APPLIES.get(f, ()):
            return None
        v = status_value(rec, f)
        if f == "stars":
            return spell_stars(v, c.vocab or "int")
        if v is None:
            return None
        return c.vocab[0] if v else c.vocab[1]

    def _runs(self, info, rows, ci, idxs, unit_rows, merges, extend_street=None):
        """Finds the runs of equal hierarchy cells (街道 over the block, 社区
        over a community's rows, 年份 over the block, 社区类型 over a
        community's rows) and applies the hierarchy mode: repeat keeps every
        cell, merge and blank keep only the top cell (merge also merges)."""
        recs = [self.records[i] for i in idxs]
        runs = []  # (field, [rows])
        if "street" in ci:
            runs.append(("street", unit_rows[:]))
        if "year" in ci:
            runs.append(("year", unit_rows[:]))
        for f in ("community", "ctype"):
            if f not in ci:
                continue
            cur = None
            for r, rec in zip(unit_rows, recs):
                if rec.community and (cur is None or cur[0] != rec.community):
                    cur = (rec.community, [])
                    runs.append((f, cur[1]))
                if rec.community:
                    cur[1].append(r)
                else:
                    cur = None
        for f, rs in runs:
            if f not in self.hier_fields or self.hier == "repeat":
                continue
            c = ci[f]
            top = rs[0]
            if rows[top - 1][c] is None:
                continue  # nothing to spread (e.g. an unstated community type)
            fill = rs[1:]
            for r in fill:
                rows[r - 1][c] = None
            end = rs[-1]
            if f == "street" and extend_street:
                end = extend_street
            if self.hier == "merge" and end > top:
                merges.append(rng_ref(top, c, end, c))
            if fill:
                info["runs"].setdefault(f, []).append((top, fill))

    def _bool_count_formula(self, c, col, r1, r2):
        return 'COUNTIF(%s,"%s")' % (rng_ref(r1, c, r2, c), col.vocab[0])

    def _subtotal_row(self, add, rows, ci, w, idxs, first, last, merges):
        recs = [self.records[i] for i in idxs]
        row = [None] * w
        where = self.subtotal
        if where == "seq":
            s = ci["seq"]
            row[s] = "小计"
            end = max(ci.get(f, 0) for f in ("street", "community", "compound"))
            r = len(rows) + 1
            if end > s:
                merges.append(rng_ref(r, s, r, end))
        else:
            row[ci[where]] = "小计"
            if where == "community" and "street" in ci and not self.street_merge_over_subtotal:
                row[ci["street"]] = self.spell.get(recs[0].street, recs[0].street)
            if "compound" in ci and where != "compound":
                n = sum(1 for x in recs if x.level == "compound")
                row[ci["compound"]] = {"t": "f", "f": "COUNTA(%s)" % rng_ref(first, ci["compound"], last, ci["compound"]), "v": n}
        self._value_formulas(row, ci, recs, first, last)
        return add(row)

    def _value_formulas(self, row, ci, recs, first, last):
        for i, c in enumerate(self.cols):
            f = c.field
            if f in BOOL_FIELDS:
                n = sum(1 for x in recs if x.level in APPLIES[f] and status_value(x, f) is True)
                row[i] = {"t": "f", "f": self._bool_count_formula(i, c, first, last), "v": n}
            elif f == "stars" and (c.vocab or "int") in ("int", "0.0"):
                n = sum(x.stars or 0 for x in recs if x.level == "compound")
                row[i] = {"t": "f", "f": "SUM(%s)" % rng_ref(first, i, last, i), "v": n}

    def _total_row(self, add, rows, ci, w, sub_rows, info, merges):
        row = [None] * w
        r = len(rows) + 1
        if self.total == "seq":
            s = ci["seq"]
            row[s] = "合计"
            end = max(ci.get(f, 0) for f in ("street", "community", "compound"))
            if end > s and not self.total_year:
                merges.append(rng_ref(r, s, r, end))
        else:
            row[ci[self.total]] = "合计"
        if self.total_year and "year" in ci:
            row[ci["year"]] = self.records[0].year
        recs = self.records
        units = [u for u, _ in info["units"]]
        first, last = min(units), max(units)
        for i, c in enumerate(self.cols):
            f = c.field
            if f in BOOL_FIELDS:
                n = sum(1 for x in recs if x.level in APPLIES[f] and status_value(x, f) is True)
            elif f == "stars" and (c.vocab or "int") in ("int", "0.0"):
                n = sum(x.stars or 0 for x in recs if x.level == "compound")
            else:
                continue
            if sub_rows:
                fml = "+".join(ref(sr, i) for sr, _, _ in sub_rows)
            elif f in BOOL_FIELDS:
                fml = self._bool_count_formula(i, c, first, last)
            else:
                fml = "SUM(%s)" % rng_ref(first, i, last, i)
            row[i] = {"t": "f", "f": fml, "v": n}
        return add(row)


@dataclass
class TextSheet:
    """A sheet of text lines in column A: a 填表说明 (instructions) sheet."""
    name: str
    lines: list

    def render(self):
        rows = [[l] for l in self.lines]
        return ({"name": self.name, "rows": rows, "merges": [], "hidden": [], "autofilter": None, "widths": [80]},
                {"name": self.name, "kind": "text", "lines": self.lines})


@dataclass
class GridSheet:
    """A sheet of data that is not a ledger (a contact list): a header no
    parser can recognise, and rows under it."""
    name: str
    rows: list

    def render(self):
        return ({"name": self.name, "rows": self.rows, "merges": [], "hidden": [], "autofilter": None,
                 "widths": [14] * len(self.rows[0])},
                {"name": self.name, "kind": "grid", "rows": self.rows})


SUMMARY_COLS = [("社区数", "communities"), ("五好社区数", "communities_five_good"),
                ("小区数", "compounds"), ("五星小区数", "compounds_five_star")]


def summary_counts(recs, street):
    rs = [r for r in recs if r.street == street]
    return {
        "communities": sum(1 for r in rs if r.level == "community"),
        "communities_five_good": sum(1 for r in rs if r.level == "community" and r.five_good),
        "compounds": sum(1 for r in rs if r.level == "compound"),
        "compounds_five_star": sum(1 for r in rs if r.level == "compound" and r.stars == 5),
    }


@dataclass
class SummarySheet:
    """A 汇总 sheet: counts per street, typed in by the clerk, with a 合计 row.
    wrong = (street, key, delta) makes one figure differ from the details."""
    name: str
    records: list
    streets: list
    title: Optional[str] = None
    wrong: Optional[tuple] = None

    def render(self):
        heads = ["序号", "街道"] + [h for h, _ in SUMMARY_COLS]
        w = len(heads)
        rows, merges = [], []
        info = {"name": self.name, "kind": "summary", "rows": {}, "mismatch": []}
        if self.title:
            rows.append([self.title] + [None] * (w - 1))
            merges.append(rng_ref(1, 0, 1, w - 1))
        rows.append(heads)
        info["header_row"] = len(rows)
        tot = {k: 0 for _, k in SUMMARY_COLS}
        for i, s in enumerate(self.streets):
            cnt = summary_counts(self.records, s)
            row = [i + 1, s]
            for j, (h, k) in enumerate(SUMMARY_COLS):
                v = cnt[k]
                if self.wrong and self.wrong[0] == s and self.wrong[1] == k:
                    v += self.wrong[2]
                    info["mismatch"].append({"row": len(rows) + 1, "column": h, "street": s,
                                             "summary": v, "details": cnt[k]})
                tot[k] += v
                row.append(v)
            rows.append(row)
            info["rows"][len(rows)] = s
        r = len(rows) + 1
        rows.append(["合计", None] + [{"t": "f", "f": "SUM(%s)" % rng_ref(info["header_row"] + 1, 2 + j, r - 1, 2 + j),
                                        "v": tot[k]} for j, (_, k) in enumerate(SUMMARY_COLS)])
        merges.append(rng_ref(r, 0, r, 1))
        info["total_row"] = r
        return ({"name": self.name, "rows": rows, "merges": merges, "hidden": [], "autofilter": None,
                 "widths": [6, 14, 10, 12, 10, 12]}, info)


def expected_warnings(info, fmt):
    """The warnings a correct parser must give for one rendered table sheet,
    in file format fmt ("csv" loses merges and hidden rows)."""
    sheet = "" if fmt == "csv" else info["name"]
    out = []
    if info["kind"] == "text":
        return [{"code": "sheet_skipped", "sheet": sheet}]
    if info["kind"] == "summary":
        out.append({"code": "summary_sheet_skipped", "sheet": sheet})
        for m in info["mismatch"]:
            out.append({"code": "summary_mismatch", "sheet": sheet, "row": m["row"], "column": m["column"]})
        return out
    if info["kind"] != "table":
        return out
    if info["title_rows"]:
        out.append({"code": "title_rows_skipped", "sheet": sheet, "rows": info["title_rows"]})
    if info["total_rows"]:
        out.append({"code": "total_row_skipped", "sheet": sheet, "rows": info["total_rows"]})
    if info["footnote_rows"]:
        out.append({"code": "footnote_skipped", "sheet": sheet, "rows": info["footnote_rows"]})
    headers = {f: h for f, _, h in info["cols"]}
    code = "merged_filled" if info["hier"] == "merge" and fmt != "csv" else "blank_filled"
    for f in ("year", "street", "community"):
        rs = sorted(r for _, fill in info["runs"].get(f, []) for r in fill)
        if rs:
            out.append({"code": code, "sheet": sheet, "column": headers[f], "rows": rs})
    if info["hidden"] and fmt != "csv":
        out.append({"code": "hidden_rows", "sheet": sheet, "rows": info["hidden"]})
    return out
