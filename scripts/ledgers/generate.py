"""Builds the ledger fixtures of ingest/testdata/ledgers: renders each
fixture's model in its shape, has its writer write it, reads it back with
another tool (readback.py), and writes NAME.truth.json from the model.

Run through make.sh (it needs Debian's python3, with python3-openpyxl,
python3-uno and python3-xlrd, LibreOffice, and node with this folder's
node_modules)."""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import corpus  # noqa: E402
import layout  # noqa: E402
import model  # noqa: E402
import readback  # noqa: E402
import write_openpyxl  # noqa: E402

OUT = os.path.normpath(os.path.join(HERE, "..", "..", "ingest", "testdata", "ledgers"))


def render(fx):
    grid = {"sheets": []}
    infos = []
    for s in fx.sheets:
        g, info = s.render()
        grid["sheets"].append(g)
        infos.append(info)
    skip = set()
    for si, row, fld, value in fx.patches:
        info = infos[si]
        col = [f for f, _, _ in info["cols"]].index(fld)
        if row is None:
            row = info["units"][5][0]
        grid["sheets"][si]["rows"][row - 1][col] = value
        skip.add(row)
        fx.errors[0].update({"sheet": "" if fx.fmt == "csv" else info["name"], "row": row,
                             "column": info["cols"][col][2]})
        fx.patched = (si, row, col, value)
    return grid, infos, skip


def write_all(fixtures, rendered, tmp):
    versions = {}
    versions["openpyxl"] = write_openpyxl.VERSION
    js = json.loads(subprocess.run(["node", os.path.join(HERE, "write_js.js"), "--versions"],
                                   check=True, capture_output=True, text=True, cwd=HERE).stdout)
    versions.update(js)
    jobs = []
    lo = [fx for fx in fixtures if fx.writer == "lo"]
    for fx in fixtures:
        path = os.path.join(tmp, fx.file)
        grid = rendered[fx.file][0]
        if fx.writer == "openpyxl":
            write_openpyxl.write(grid, path)
        elif fx.writer in ("sheetjs", "exceljs"):
            jobs.append({"grid": grid, "out": path, "writer": fx.writer, "type": fx.fmt})
    if jobs:
        jf = os.path.join(tmp, "jobs.json")
        with open(jf, "w") as f:
            json.dump(jobs, f, ensure_ascii=False)
        subprocess.run(["node", os.path.join(HERE, "write_js.js"), jf], check=True, cwd=HERE)
    if lo:
        import write_uno
        versions["lo"] = write_uno.version()
        calc = write_uno.Calc()
        try:
            for fx in lo:
                grid = rendered[fx.file][0]
                path = os.path.join(tmp, fx.file)
                enc = fx.encoding or "utf-8"
                calc.write(grid, path, fx.fmt, encoding=enc, password=fx.password)
                if fx.password:
                    # The encrypted file opens with its password and holds the ledger.
                    got = calc.open_cells(path, fx.password, rows=4, cols=4)
                    want = [[readback.text(v if not isinstance(v, dict) else v.get("v")) for v in row[:4]]
                            for row in grid["sheets"][0]["rows"][:4]]
                    for gr, wr in zip(got, want):
                        for g, w in zip(gr, wr):
                            if readback.norm(g) != readback.norm(w) and w != "":
                                raise readback.Mismatch("%s: opened with its password: %r, want %r" % (fx.file, got, want))
        finally:
            calc.close()
    return versions


def writer_name(fx, versions):
    return {"openpyxl": versions["openpyxl"], "sheetjs": versions["sheetjs"],
            "exceljs": versions["exceljs"], "lo": versions.get("lo", "LibreOffice")}[fx.writer]


def damage(fx, path):
    with open(path, "rb") as f:
        data = f.read()
    if fx.damage == "truncate":
        with open(path, "wb") as f:
            f.write(data[: len(data) * 55 // 100])
        return
    if fx.damage == "break_xml":
        src = path + ".orig"
        os.rename(path, src)
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
            for it in zin.infolist():
                b = zin.read(it.filename)
                if it.filename == "xl/worksheets/sheet1.xml":
                    b = b[: len(b) // 2]  # cut mid-element: not well-formed XML
                zout.writestr(it, b)
        os.remove(src)
        return
    raise ValueError(fx.damage)


def confirm_damaged(fx, path):
    """The damaged file really cannot be read by an independent reader."""
    try:
        readback.read(path, fx.fmt)
    except Exception:
        return
    raise readback.Mismatch("%s: still readable after damage" % fx.file)


def confirm_encrypted(fx, path):
    with open(path, "rb") as f:
        head = f.read(8)
    if fx.fmt in ("xlsx", "xls"):
        if head != bytes.fromhex("D0CF11E0A1B11AE1"):
            raise readback.Mismatch("%s: not an OLE container" % fx.file)
        if fx.fmt == "xls":
            try:
                readback.read(path, "xls")
            except Exception as e:
                if "encrypted" not in str(e).lower():
                    raise
            else:
                raise readback.Mismatch("%s: xlrd reads it without a password" % fx.file)
    else:
        with zipfile.ZipFile(path) as z:
            if b"encryption-data" not in z.read("META-INF/manifest.xml"):
                raise readback.Mismatch("%s: manifest has no encryption data" % fx.file)


def lost_errors(lost):
    seen = {}
    for r, h, v in lost:
        seen.setdefault((h, v), r)
    return [{"code": "lost_characters", "sheet": "", "row": r, "column": h} for (h, v), r in sorted(seen.items(), key=lambda x: x[1])]


def check(fx, path, grid, infos, skip, tmp):
    enc = {"utf-8-bom": "utf-8-sig"}.get(fx.encoding, fx.encoding)
    if fx.encoding == "utf-8-bom":
        with open(path, "rb") as f:
            if f.read(3) != b"\xef\xbb\xbf":
                raise readback.Mismatch("%s: no BOM" % fx.file)
    lost = [] if fx.lost else None
    sheets = readback.check_file(path, fx.fmt, writer_name(fx, VERSIONS), grid, infos, fx.sheets,
                                 encoding=enc, workdir=tmp, skip_rows=skip, lost=lost)
    if fx.patches:
        si, row, col, value = fx.patched
        got = sheets[si].get(row, col)
        if readback.norm(readback.text(got)) != readback.norm(readback.text(value)):
            raise readback.Mismatch("%s: bad cell reads %r, want %r" % (fx.file, got, value))
    if fx.lost:
        if not lost:
            raise readback.Mismatch("%s: no lost characters in the file" % fx.file)
        fx.errors = lost_errors(lost)
    if fx.fmt == "csv" and fx.encoding in ("gbk", "gb18030") and not fx.lost:
        with open(path, "rb") as f:
            raw = f.read()
        try:
            raw.decode("utf-8")
            raise readback.Mismatch("%s: decodes as UTF-8; not a GBK export" % fx.file)
        except UnicodeDecodeError:
            pass


def truth(fx, infos, versions):
    t = {"file": fx.file, "writer": writer_name(fx, versions), "shapes": fx.shapes, "outcome": fx.outcome,
         "errors": fx.errors if fx.outcome == "refused" else [], "warnings": [], "records": [], "figures": {}}
    if fx.outcome == "accepted":
        for info in infos:
            t["warnings"] += layout.expected_warnings(info, fx.fmt)
        t["warnings"] += fx.extra_warnings
        rs = fx.records()
        t["records"] = [r.truth() for r in rs]
        t["figures"] = model.figures(rs)
    return t


VERSIONS = {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="build only fixtures whose file name contains this")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--out", default=OUT, help="where to write the fixtures (default: ingest/testdata/ledgers)")
    args = ap.parse_args()
    fixtures = corpus.all_fixtures()
    if args.only:
        fixtures = [f for f in fixtures if args.only in f.file]
    tmp = tempfile.mkdtemp(prefix="jindu-ledgers-")
    try:
        rendered = {fx.file: render(fx) for fx in fixtures}
        VERSIONS.update(write_all(fixtures, rendered, tmp))
        out = args.out
        os.makedirs(out, exist_ok=True)
        for fx in fixtures:
            path = os.path.join(tmp, fx.file)
            grid, infos, skip = rendered[fx.file]
            if fx.password:
                confirm_encrypted(fx, path)
            else:
                check(fx, path, grid, infos, skip, tmp)
            if fx.damage:
                damage(fx, path)
                confirm_damaged(fx, path)
            shutil.copyfile(path, os.path.join(out, fx.file))
            with open(os.path.join(out, fx.file + ".truth.json"), "w", encoding="utf-8") as f:
                json.dump(truth(fx, infos, VERSIONS), f, ensure_ascii=False, indent=1)
                f.write("\n")
            print("ok  %-44s %s" % (fx.file, writer_name(fx, VERSIONS)))
        if not args.only and out == OUT:
            keep = {fx.file for fx in fixtures} | {fx.file + ".truth.json" for fx in fixtures} | {"ENFORCE"}
            for f in os.listdir(out):
                if f not in keep:
                    os.remove(os.path.join(out, f))
            with open(os.path.join(HERE, "VERSIONS.json"), "w") as f:
                json.dump(VERSIONS, f, indent=1, sort_keys=True)
                f.write("\n")
    finally:
        if args.keep:
            print("work folder:", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
