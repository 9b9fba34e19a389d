// Writes grids (see layout.py) with SheetJS (npm "xlsx") and exceljs.
// Usage: node write_js.js jobs.json — jobs is a list of
// {grid, out, writer: "sheetjs"|"exceljs", type: "xlsx"|"xls"|"ods"|"csv"}.
// Prints the writers' versions as JSON when called with --versions.
"use strict";
const fs = require("fs");
const XLSX = require("xlsx");
const ExcelJS = require("exceljs");

const EPOCH = Date.UTC(1899, 11, 30);
const serial = (d) => (Date.UTC(d.y, d.m - 1, d.d) - EPOCH) / 86400000;

function sheetjs(grid, out, type) {
  const wb = XLSX.utils.book_new();
  for (const sh of grid.sheets) {
    const ws = {};
    let maxC = 0;
    sh.rows.forEach((row, r) => {
      row.forEach((v, c) => {
        if (v === null || v === undefined) return;
        maxC = Math.max(maxC, c);
        const a = XLSX.utils.encode_cell({ r, c });
        if (typeof v === "string") ws[a] = { t: "s", v };
        else if (typeof v === "number") ws[a] = { t: "n", v };
        else if (v.t === "n") ws[a] = { t: "n", v: v.v, z: v.z };
        else if (v.t === "d") ws[a] = { t: "n", v: serial(v), z: v.z };
        else if (v.t === "f") ws[a] = { t: "n", v: v.v, f: v.f };
        else if (v.t === "s") ws[a] = { t: "s", v: v.v };
        else throw new Error("cell " + JSON.stringify(v));
      });
    });
    ws["!ref"] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: Math.max(0, sh.rows.length - 1), c: maxC } });
    if (sh.merges.length) ws["!merges"] = sh.merges.map((m) => XLSX.utils.decode_range(m));
    if (sh.hidden.length) {
      ws["!rows"] = [];
      for (const r of sh.hidden) ws["!rows"][r - 1] = { hidden: true };
    }
    if (sh.autofilter) ws["!autofilter"] = { ref: sh.autofilter.ref };
    if (sh.widths) ws["!cols"] = sh.widths.map((w) => ({ wch: w }));
    XLSX.utils.book_append_sheet(wb, ws, sh.name);
  }
  const bookType = type === "xls" ? "biff8" : type;
  XLSX.writeFile(wb, out, { bookType, compression: type !== "csv" });
}

async function exceljs(grid, out, type) {
  const wb = new ExcelJS.Workbook();
  wb.creator = "jindu ledgers";
  wb.created = new Date(Date.UTC(2024, 0, 10));
  wb.modified = wb.created;
  for (const sh of grid.sheets) {
    const ws = wb.addWorksheet(sh.name);
    sh.rows.forEach((row, r) => {
      row.forEach((v, c) => {
        if (v === null || v === undefined) return;
        const cell = ws.getCell(r + 1, c + 1);
        if (typeof v === "string" || typeof v === "number") cell.value = v;
        else if (v.t === "n") { cell.value = v.v; cell.numFmt = v.z; }
        else if (v.t === "d") { cell.value = new Date(Date.UTC(v.y, v.m - 1, v.d)); cell.numFmt = v.z; }
        else if (v.t === "f") cell.value = { formula: v.f, result: v.v };
        else if (v.t === "s") { cell.value = v.v; cell.alignment = { wrapText: true, vertical: "middle" }; }
        else throw new Error("cell " + JSON.stringify(v));
      });
    });
    for (const m of sh.merges) ws.mergeCells(m);
    for (const r of sh.hidden) ws.getRow(r).hidden = true;
    if (sh.autofilter) ws.autoFilter = sh.autofilter.ref;
    (sh.widths || []).forEach((w, i) => { ws.getColumn(i + 1).width = w; });
  }
  if (type === "xlsx") await wb.xlsx.writeFile(out);
  else if (type === "csv") await wb.csv.writeFile(out, { formatterOptions: { writeBOM: true } });
  else throw new Error("exceljs cannot write " + type);
}

async function main() {
  if (process.argv[2] === "--versions") {
    const ej = require("exceljs/package.json").version;
    console.log(JSON.stringify({ sheetjs: "SheetJS xlsx " + XLSX.version, exceljs: "exceljs " + ej }));
    return;
  }
  const jobs = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  for (const j of jobs) {
    if (j.writer === "sheetjs") sheetjs(j.grid, j.out, j.type);
    else if (j.writer === "exceljs") await exceljs(j.grid, j.out, j.type);
    else throw new Error("writer " + j.writer);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
