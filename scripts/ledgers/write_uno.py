"""Writes a grid (see layout.py) with LibreOffice Calc itself, driven
headless through Python-UNO (Debian's python3-uno): the document is built
cell by cell in Calc, which computes the formulas, applies a real autofilter
and saves .xlsx, .xls (BIFF8, "MS Excel 97"), .ods or CSV in the encoding
asked, optionally with a password."""

import datetime
import os
import shutil
import subprocess
import tempfile
import time

import uno
from com.sun.star.beans import NamedValue, PropertyValue
from com.sun.star.table import CellRangeAddress

FILTERS = {
    "xlsx": "Calc MS Excel 2007 XML",
    "xls": "MS Excel 97",
    "ods": "calc8",
    "csv": "Text - txt - csv (StarCalc)",
}
# LibreOffice text encoding numbers (rtl/textenc.h).
CHARSETS = {"utf-8": 76, "gbk": 67, "gb18030": 85}


def pv(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def nv(name, value):
    p = NamedValue()
    p.Name = name
    p.Value = value
    return p


def version():
    out = subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout
    return out.strip().split(" 40(")[0].split("\n")[-1].strip()


def api_formula(f):
    """Calc's API grammar separates arguments with ';'."""
    out, quoted = [], False
    for ch in f:
        if ch == '"':
            quoted = not quoted
        out.append(";" if ch == "," and not quoted else ch)
    return "=" + "".join(out)


class Calc:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="jindu-lo-")
        self.pipe = "jindu_ledgers_%d" % os.getpid()
        self.log = open(os.path.join(self.dir, "soffice.log"), "w")
        self.proc = subprocess.Popen(
            ["soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
             "-env:UserInstallation=file://" + self.dir + "/profile",
             "--accept=pipe,name=%s;urp;" % self.pipe],
            stdout=self.log, stderr=self.log, start_new_session=True)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.time() + 120
        while True:
            try:
                self.ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % self.pipe)
                break
            except Exception:
                if time.time() > deadline or self.proc.poll() is not None:
                    self.close()
                    raise RuntimeError("LibreOffice did not start; see " + self.log.name)
                time.sleep(0.3)
        self.desktop = self.ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)

    def close(self):
        try:
            self.desktop.terminate()
        except Exception:
            pass
        try:
            self.proc.wait(timeout=30)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _fmt(self, doc, code):
        nf = doc.NumberFormats
        loc = uno.createUnoStruct("com.sun.star.lang.Locale")
        loc.Language, loc.Country = "zh", "CN"
        k = nf.queryKey(code, loc, False)
        if k < 0:
            k = nf.addNew(code, loc)
        return k

    def build(self, grid):
        doc = self.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, (pv("Hidden", True),))
        sheets = doc.Sheets
        for i, sh in enumerate(grid["sheets"]):
            if i == 0:
                sheets.getByIndex(0).Name = sh["name"]
            else:
                sheets.insertNewByName(sh["name"], i)
            ws = sheets.getByIndex(i)
            for r, row in enumerate(sh["rows"]):
                for c, v in enumerate(row):
                    if v is None:
                        continue
                    cell = ws.getCellByPosition(c, r)
                    if isinstance(v, dict):
                        t = v["t"]
                        if t == "n":
                            cell.Value = v["v"]
                            cell.NumberFormat = self._fmt(doc, v["z"])
                        elif t == "d":
                            serial = (datetime.date(v["y"], v["m"], v["d"]) - datetime.date(1899, 12, 30)).days
                            cell.Value = serial
                            cell.NumberFormat = self._fmt(doc, v["z"].replace("yyyy", "YYYY"))
                        elif t == "f":
                            cell.Formula = api_formula(v["f"])
                        elif t == "s":
                            cell.String = v["v"]
                            cell.IsTextWrapped = True
                        else:
                            raise ValueError(t)
                    elif isinstance(v, str):
                        cell.String = v
                    else:
                        cell.Value = v
            for m in sh["merges"]:
                ws.getCellRangeByName(m).merge(True)
            for i2, w in enumerate(sh.get("widths") or []):
                ws.Columns.getByIndex(i2).Width = int(w * 220)
            for r in sh["hidden"]:
                if not sh.get("autofilter"):
                    ws.Rows.getByIndex(r - 1).IsVisible = False
            af = sh.get("autofilter")
            if af:
                self._autofilter(doc, ws, i, af)
        doc.calculateAll()
        return doc

    def _autofilter(self, doc, ws, index, af):
        """A real autofilter: the sheet's own (unnamed) database range with
        its filter buttons, filtered so that Calc hides the other rows."""
        addr = ws.getCellRangeByName(af["ref"]).getRangeAddress()
        unnamed = doc.getPropertyValue("UnnamedDatabaseRanges")
        unnamed.setByTable(addr)
        db = unnamed.getByTable(index)
        db.AutoFilter = True
        fd = db.getFilterDescriptor()
        f = uno.createUnoStruct("com.sun.star.sheet.TableFilterField")
        f.Field = af["col"]
        f.Operator = uno.Enum("com.sun.star.sheet.FilterOperator", "EQUAL")
        f.IsNumeric = False
        f.StringValue = af["shown"][0]
        fd.FilterFields = (f,)
        fd.ContainsHeader = True
        db.refresh()

    def save(self, doc, path, fmt, encoding="utf-8", password=None, as_shown=True):
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        args = [pv("FilterName", FILTERS[fmt]), pv("Overwrite", True)]
        if fmt == "csv":
            # separator, quote, charset, first line, column formats, language,
            # quoted as text, detect numbers, save as shown, export formulas,
            # remove spaces, sheet (1 = the first).
            opts = "44,34,%d,1,,0,false,true,%s,false,false,1" % (CHARSETS[encoding], "true" if as_shown else "false")
            args.append(pv("FilterOptions", opts))
        if password:
            if fmt == "xlsx":
                ed = uno.Any("[]com.sun.star.beans.NamedValue",
                             (nv("OOXPassword", password), nv("CryptoType", "Standard")))
                args.append(PropertyValue("EncryptionData", 0, ed, 0))
            else:
                args.append(pv("Password", password))
        uno.invoke(doc, "storeToURL", (url, uno.Any("[]com.sun.star.beans.PropertyValue", tuple(args))))
        if fmt == "csv" and not os.path.exists(path):
            # Calc names a CSV of a chosen sheet NAME-SHEET.csv.
            base = path[: -len(".csv")]
            sheet = doc.Sheets.getByIndex(0).Name
            os.rename("%s-%s.csv" % (base, sheet), path)

    def write(self, grid, path, fmt, **kw):
        doc = self.build(grid)
        try:
            self.save(doc, path, fmt, **kw)
        finally:
            doc.close(True)

    def open_cells(self, path, password=None, sheet=0, rows=5, cols=5):
        """Opens a file (with its password) and returns the text of a corner
        of one sheet: to check that an encrypted file holds the ledger."""
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        args = [pv("Hidden", True)]
        if password:
            args.append(pv("Password", password))
        doc = self.desktop.loadComponentFromURL(url, "_blank", 0, tuple(args))
        try:
            ws = doc.Sheets.getByIndex(sheet)
            return [[ws.getCellByPosition(c, r).String for c in range(cols)] for r in range(rows)]
        finally:
            doc.close(True)
