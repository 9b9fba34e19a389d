"""The cross-check: every written file is read back with a tool other than
its writer, and a reader that knows the shape (but nothing of Jindu's
parser) recovers the unit records from it. They must equal the model, or the
generator stops: a writer's surprise can never turn into a false truth.

Readers: openpyxl for .xlsx, xlrd (Debian's python3-xlrd) for .xls, the
ODF XML read with ElementTree for .ods, Python's csv for CSV; besides,
.xls and .ods are converted to CSV by `soffice --convert-to csv` and the
unit rows' text compared.
"""

import csv
import datetime
import io
import os
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
import zipfile

import model

# ------------------------------------------------------------- readers


class Sheet:
    def __init__(self, name):
        self.name = name
        self.cells = {}      # (row, col) 1-based row, 0-based col → value
        self.merges = []     # (r1, c1, r2, c2) inclusive, rows 1-based, cols 0-based
        self.hidden = set()  # hidden rows
        self.formulas = set()
        self.autofilter = None  # its range, where the reader tells (xlsx)

    def get(self, r, c):
        return self.cells.get((r, c))

    def top_left(self, r, c):
        for r1, c1, r2, c2 in self.merges:
            if r1 <= r <= r2 and c1 <= c <= c2:
                return (r1, c1)
        return None

    def row_values(self, r):
        return [v for (rr, _), v in sorted(self.cells.items()) if rr == r and v not in (None, "")]


def read_xlsx(path):
    import openpyxl
    values = openpyxl.load_workbook(path, data_only=True)
    forms = openpyxl.load_workbook(path, data_only=False)
    out = []
    for ws in values.worksheets:
        wf = forms[ws.title]
        s = Sheet(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                f = wf.cell(row=cell.row, column=cell.column).value
                if isinstance(f, str) and f.startswith("="):
                    s.formulas.add((cell.row, cell.column - 1))
                if isinstance(v, datetime.datetime):
                    v = ("date", v.year, v.month, v.day)
                if v is not None:
                    s.cells[(cell.row, cell.column - 1)] = v
        for m in ws.merged_cells.ranges:
            s.merges.append((m.min_row, m.min_col - 1, m.max_row, m.max_col - 1))
        for r, d in ws.row_dimensions.items():
            if d.hidden:
                s.hidden.add(r)
        s.autofilter = ws.auto_filter.ref
        out.append(s)
    return out


def read_xls(path):
    import xlrd
    bk = xlrd.open_workbook(path, formatting_info=True)
    out = []
    for sh in bk.sheets():
        s = Sheet(sh.name)
        for r in range(sh.nrows):
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                v = cell.value
                if cell.ctype == xlrd.XL_CELL_DATE:
                    t = xlrd.xldate_as_tuple(v, bk.datemode)
                    v = ("date", t[0], t[1], t[2])
                elif cell.ctype == xlrd.XL_CELL_NUMBER and v == int(v):
                    v = int(v)
                s.cells[(r + 1, c)] = v
        for rlo, rhi, clo, chi in sh.merged_cells:
            s.merges.append((rlo + 1, clo, rhi, chi - 1))
        for r, info in sh.rowinfo_map.items():
            if info.hidden:
                s.hidden.add(r + 1)
        out.append(s)
    return out


NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def q(ns, tag):
    return "{%s}%s" % (NS[ns], tag)


def _odf_text(el):
    paras = []
    for p in el.findall(q("text", "p")):
        parts = []

        def walk(e):
            if e.text:
                parts.append(e.text)
            for ch in e:
                if ch.tag == q("text", "s"):
                    parts.append(" " * int(ch.get(q("text", "c"), "1")))
                elif ch.tag == q("text", "line-break"):
                    parts.append("\n")
                elif ch.tag == q("text", "tab"):
                    parts.append("\t")
                else:
                    walk(ch)
                if ch.tail:
                    parts.append(ch.tail)
        walk(p)
        paras.append("".join(parts))
    return "\n".join(paras)


def read_ods(path):
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("content.xml"))
    out = []
    for t in root.iter(q("table", "table")):
        s = Sheet(t.get(q("table", "name")))
        r = 0
        rows = []
        for el in t.iter():
            if el.tag == q("table", "table-row"):
                rows.append(el)
        for row in rows:
            rep = int(row.get(q("table", "number-rows-repeated"), "1"))
            vis = row.get(q("table", "visibility"), "visible")
            for _ in range(min(rep, 10000)):
                r += 1
                if vis != "visible":
                    s.hidden.add(r)
                c = 0
                for cell in row:
                    if cell.tag not in (q("table", "table-cell"), q("table", "covered-table-cell")):
                        continue
                    crep = int(cell.get(q("table", "number-columns-repeated"), "1"))
                    for _ in range(min(crep, 1000)):
                        if cell.tag == q("table", "table-cell"):
                            vt = cell.get(q("office", "value-type"))
                            v = None
                            if vt in ("float", "percentage", "currency"):
                                f = float(cell.get(q("office", "value")))
                                v = int(f) if f == int(f) else f
                            elif vt == "date":
                                d = cell.get(q("office", "date-value"))
                                v = ("date", int(d[0:4]), int(d[5:7]), int(d[8:10]))
                            elif vt in ("string", "boolean") or vt is None:
                                txt = _odf_text(cell)
                                v = txt if txt != "" else None
                            if cell.get(q("table", "formula")):
                                s.formulas.add((r, c))
                            if v is not None:
                                s.cells[(r, c)] = v
                            rs = int(cell.get(q("table", "number-rows-spanned"), "1"))
                            cs = int(cell.get(q("table", "number-columns-spanned"), "1"))
                            if rs > 1 or cs > 1:
                                s.merges.append((r, c, r + rs - 1, c + cs - 1))
                        c += 1
        # Trailing hidden empty rows (a sheet's default rows) are not ours.
        out.append(s)
    return out


def read_csv(path, encoding):
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode(encoding)
    s = Sheet("")
    for r, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        for c, v in enumerate(row):
            if v != "":
                s.cells[(r, c)] = v
    return [s]


def soffice_csv(path, sheet_index, workdir):
    """soffice --convert-to csv (UTF-8, as shown) of one sheet, read as rows."""
    out = os.path.join(workdir, "conv")
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        os.remove(os.path.join(out, f))
    prof = "file://" + os.path.join(workdir, "profile-conv")
    subprocess.run(["soffice", "-env:UserInstallation=" + prof, "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,%d" % (sheet_index + 1),
                    "--outdir", out, path], check=True, capture_output=True, timeout=300)
    files = [f for f in os.listdir(out) if f.endswith(".csv")]
    if len(files) != 1:
        raise RuntimeError("soffice made %s from %s" % (files, path))
    return read_csv(os.path.join(out, files[0]), "utf-8")[0]


def read(path, fmt, encoding=None):
    if fmt == "xlsx":
        return read_xlsx(path)
    if fmt == "xls":
        return read_xls(path)
    if fmt == "ods":
        return read_ods(path)
    if fmt == "csv":
        return read_csv(path, encoding)
    raise ValueError(fmt)


# --------------------------------------------- values, read independently

BOOL = {
    "是": True, "否": False, "y": True, "n": False, "yes": True, "no": False, "true": True, "false": False,
    "1": True, "0": False, "√": True, "×": False, "✓": True, "✗": False, "有": True, "无": False,
    "已建": True, "未建": False, "已建成": True, "未建成": False, "已成立": True, "未成立": False,
    "已配备": True, "未配备": False, "已引进": True, "未引进": False, "已建立": True, "未建立": False,
}
CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}


class Bad(Exception):
    pass


def norm(v):
    if isinstance(v, str):
        return unicodedata.normalize("NFKC", v).strip(model.TRIM)
    return v


def parse_bool(v):
    v = norm(v)
    if v is None or v == "":
        return None
    if isinstance(v, (int, float)):
        v = str(int(v)) if v == int(v) else str(v)
    if v.lower() in BOOL:
        return BOOL[v.lower()]
    raise Bad("bool %r" % v)


def parse_stars(v):
    v = norm(v)
    if v is None or v == "":
        return None
    if isinstance(v, (int, float)):
        if v != int(v):
            raise Bad("stars %r" % v)
        n = int(v)
    elif set(v) <= {"★", "☆"}:
        n = v.count("★")
    else:
        s = v
        for suf in ("星级", "星"):
            if s.endswith(suf):
                s = s[: -len(suf)]
                break
        if s in CN:
            n = CN[s]
        else:
            if s.endswith(".0"):
                s = s[:-2]
            if not s.isdigit():
                raise Bad("stars %r" % v)
            n = int(s)
    if not 0 <= n <= 5:
        raise Bad("stars %r" % v)
    return n


def parse_year(v):
    v = norm(v)
    if isinstance(v, tuple) and v[0] == "date":
        return v[1]
    if isinstance(v, (int, float)):
        if v != int(v):
            raise Bad("year %r" % v)
        y = int(v)
    else:
        s = v[:-1] if v.endswith("年") else v
        if not s.isdigit():
            raise Bad("year %r" % v)
        y = int(s)
    if not 2000 <= y <= 2100:
        raise Bad("year %r" % v)
    return y


def parse_ctype(v):
    v = norm(v)
    if v is None or v == "":
        return ""
    if v in ("城市", "城市社区"):
        return "urban"
    if v in ("涉农", "涉农社区", "农村", "农村社区"):
        return "rural"
    raise Bad("ctype %r" % v)


def text(v):
    if v is None:
        return ""
    if isinstance(v, tuple):
        return "%04d-%02d-%02d" % v[1:]
    return str(v)


# ------------------------------------------------------- the cross-check

class Mismatch(Exception):
    pass


def header_text(v):
    return "".join(text(v).split())


def check_table(s, info, records, fmt, writer, skip_rows=(), lost=None):
    """Recovers the unit records of a table sheet from its read-back cells
    and compares them, one by one, with the model. Rows in skip_rows hold a
    deliberately bad value and are checked by the caller. With lost (a
    list), name cells where "?" stands for a character GBK could not hold
    are collected there as (row, column header, value) and read as if the
    character were a no-break space."""
    cols = info["cols"]
    problems = []

    def value(r, c):
        v = s.get(r, c)
        if (v is None or v == "") and fmt != "csv":
            tl = s.top_left(r, c)
            if tl and tl != (r, c):
                v = s.get(*tl)
        return v

    # Header text.
    hr = info["header_rows"]
    for c, (f, _, h) in enumerate(cols):
        got = [header_text(s.get(r, c)) for r in hr]
        if header_text(h) not in got:
            problems.append("header col %d: %r not in %r" % (c, h, got))
    # Unit rows.
    last = {"year": None, "street": None, "community": None}
    got_recs = []
    for r, idx in info["units"]:
        if r in skip_rows:
            continue
        cells = {f: value(r, c) for c, (f, _, _) in enumerate(cols)}
        if lost is not None:
            for c, (f, _, h) in enumerate(cols):
                v = cells[f]
                if f in ("street", "community", "compound") and isinstance(v, str) and "?" in v:
                    lost.append((r, h, v))
                    cells[f] = v.replace("?", "\u00a0")
        try:
            y = cells.get("year")
            if "year" in cells:
                y = parse_year(y) if y not in (None, "") else last["year"]
                last["year"] = y
            st = norm(cells.get("street"))
            if st:
                st = model.canon_name(st, "street")
                if st != last["street"]:
                    last["community"] = None
                last["street"] = st
            else:
                st = last["street"]
            cp = norm(cells.get("compound")) or ""
            cm = norm(cells.get("community")) or ""
            if cm:
                cm = model.canon_name(cm, "community")
                last["community"] = cm
            elif cp:
                cm = last["community"]
            else:
                last["community"] = None
            rec = model.Rec(y, st, cm or "", model.canon_name(cp, "compound") if cp else "")
            if "ctype" in cells and rec.level == "community":
                rec.ctype = parse_ctype(cells["ctype"])
            for f, v in cells.items():
                if f in ("five_good", "service_center", "party_branch", "owners_committee", "property_service"):
                    setattr(rec, f, parse_bool(v))
                elif f.startswith("flag"):
                    rec.star_flags[int(f[4:])] = parse_bool(v)
                elif f == "stars":
                    rec.stars = parse_stars(v)
            if "stars" not in cells and any(x is not None for x in rec.star_flags) and None not in rec.star_flags:
                rec.stars = sum(rec.star_flags)
            want = records[idx]
            if "year" not in cells:
                rec.year = want.year
            if rec.key() != want.key():
                problems.append("row %d: read %s, model %s" % (r, rec.truth(), want.truth()))
            got_recs.append(rec)
        except Bad as e:
            problems.append("row %d: %s" % (r, e))
    # Rows that are not units hold what the layout put there, and nothing else is filled.
    known = set(r for r, _ in info["units"]) | set(hr) | set(info["title_rows"]) | \
        set(info["total_rows"]) | set(info["footnote_rows"])
    for r in info["title_rows"]:
        if not s.row_values(r):
            problems.append("title row %d empty" % r)
    for r in info["total_rows"]:
        if not any(isinstance(v, str) and norm(v) in ("小计", "合计") for v in s.row_values(r)):
            problems.append("total row %d: no 小计/合计 in %r" % (r, s.row_values(r)))
    for r in info["footnote_rows"]:
        vs = s.row_values(r)
        if not vs or not all(isinstance(v, str) and v.startswith(("填报", "联系电话", "审核人", "注", "说明", "负责人")) for v in vs):
            problems.append("footnote row %d: %r" % (r, vs))
    rows_in_file = set(r for r, _ in s.cells)
    for r in sorted(rows_in_file - known):
        problems.append("unexpected row %d: %r" % (r, s.row_values(r)))
    # Hidden rows and merges survive in spreadsheet formats.
    if fmt != "csv":
        if set(info["hidden"]) != (s.hidden & known) and writer_keeps_hidden(writer, fmt):
            problems.append("hidden rows: file %s, layout %s" % (sorted(s.hidden & known), info["hidden"]))
        if info["hier"] == "merge":
            ci = {f: c for c, (f, _, _) in enumerate(cols)}
            for f, runs in info["runs"].items():
                for top, fill in runs:
                    for r in fill:
                        if s.top_left(r, ci[f]) != (top, ci[f]):
                            problems.append("%s row %d not merged into row %d" % (f, r, top))
    return problems


def writer_keeps_hidden(writer, fmt):
    return not (writer.startswith("SheetJS") and fmt in ("xls", "ods"))


def check_totals(s, grid_sheet, info):
    """The cached values of the 小计/合计 formulas, where the file holds them,
    equal the counts the layout computed (a check of the layout's own
    arithmetic, since Calc computes them itself)."""
    problems = []
    for r in info["total_rows"]:
        for c, v in enumerate(grid_sheet["rows"][r - 1]):
            if isinstance(v, dict) and v["t"] == "f":
                got = s.get(r, c)
                if got is not None and not isinstance(got, str) and got != v["v"]:
                    problems.append("formula %s%d: file %r, layout %r" % (chr(65 + c), r, got, v["v"]))
    return problems


def check_plain(s, grid_sheet):
    """A sheet whose every cell must read back as written (text sheets,
    contact lists, summaries)."""
    problems = []
    want = {}
    for r, row in enumerate(grid_sheet["rows"], start=1):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, dict):
                v = v.get("v")
            want[(r, c)] = v
    for k, v in want.items():
        got = s.get(*k)
        if got is None and k in s.formulas:
            continue  # a formula without a cached value (openpyxl)
        if got is None or norm(text(got)) != norm(text(v)):
            if not (isinstance(got, (int, float)) and isinstance(v, (int, float)) and got == v):
                problems.append("cell %s: file %r, grid %r" % (k, got, v))
    return problems


def check_file(path, fmt, writer, grid, infos, layouts, encoding=None, workdir=None, skip_rows=(), lost=None):
    sheets = read(path, fmt, encoding)
    problems = []
    if fmt == "csv":
        if len(infos) != 1:
            raise Mismatch("a CSV holds one table")
    elif [s.name for s in sheets] != [i["name"] for i in infos]:
        problems.append("sheets %r, layout %r" % ([s.name for s in sheets], [i["name"] for i in infos]))
    for s, gs, info, lay in zip(sheets, grid["sheets"], infos, layouts):
        if info["kind"] == "table":
            problems += check_table(s, info, lay.records, fmt, writer, skip_rows=skip_rows, lost=lost)
            if fmt != "csv":
                problems += check_totals(s, gs, info)
            if fmt == "xlsx" and gs.get("autofilter") and s.autofilter != gs["autofilter"]["ref"]:
                problems.append("autofilter %r, layout %r" % (s.autofilter, gs["autofilter"]["ref"]))
        else:
            problems += check_plain(s, gs)
    # .xls and .ods: the same unit rows once more, as LibreOffice shows them.
    if fmt in ("xls", "ods") and workdir and not writer.startswith("LibreOffice"):
        for i, (gs, info) in enumerate(zip(grid["sheets"], infos)):
            if info["kind"] != "table":
                continue
            conv = soffice_csv(path, i, workdir)
            first = sheets[i]
            for r, _ in info["units"]:
                for c in range(len(info["cols"])):
                    a, b = norm(text(first.get(r, c))), norm(conv.get(r, c) or "")
                    if a != b and not _same_number(a, b):
                        problems.append("soffice csv %s!%s%d: %r vs %r" % (info["name"], chr(65 + c), r, b, a))
    if problems:
        raise Mismatch("%s:\n  %s" % (path, "\n  ".join(problems[:30])))
    return sheets


def _same_number(a, b):
    # xlrd gives a date as a tuple; Calc shows it with its format (2023年).
    if a.startswith("20") and a[4:5] == "-" and b == a[:4] + "年":
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        return False
