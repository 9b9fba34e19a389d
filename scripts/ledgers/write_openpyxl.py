"""Writes a grid (see layout.py) as .xlsx with openpyxl. Like every file
openpyxl saves, formulas carry no cached value."""

import datetime

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

VERSION = "openpyxl " + openpyxl.__version__


def write(grid, path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sh in grid["sheets"]:
        ws = wb.create_sheet(sh["name"])
        for r, row in enumerate(sh["rows"], start=1):
            for c, v in enumerate(row, start=1):
                if v is None:
                    continue
                cell = ws.cell(row=r, column=c)
                if isinstance(v, dict):
                    t = v["t"]
                    if t == "n":
                        cell.value = v["v"]
                        cell.number_format = v["z"]
                    elif t == "d":
                        cell.value = datetime.datetime(v["y"], v["m"], v["d"])
                        cell.number_format = v["z"]
                    elif t == "f":
                        cell.value = "=" + v["f"]
                    elif t == "s":
                        cell.value = v["v"]
                        cell.alignment = Alignment(wrap_text=True, vertical="center")
                    else:
                        raise ValueError(t)
                else:
                    cell.value = v
        for m in sh["merges"]:
            ws.merge_cells(m)
        for r in sh["hidden"]:
            ws.row_dimensions[r].hidden = True
        af = sh.get("autofilter")
        if af:
            ws.auto_filter.ref = af["ref"]
            ws.auto_filter.add_filter_column(af["col"], af["shown"])
        for i, w in enumerate(sh.get("widths") or [], start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        if sh["rows"] and sh["rows"][0] and isinstance(sh["rows"][0][0], str) and len(sh["rows"][0]) > 3 \
                and all(x is None for x in sh["rows"][0][1:]):
            ws.cell(row=1, column=1).font = Font(bold=True, size=14)
            ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    wb.save(path)
