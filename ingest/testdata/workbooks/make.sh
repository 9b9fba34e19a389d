#!/bin/sh
# Rebuilds the workbook fixtures of ingest's reader tests with real
# writers: openpyxl writes messy.xlsx (title rows, a two-row header, merged
# 年份/街道/社区, a date cell, a hidden row, 小计/合计 rows, footnotes),
# LibreOffice converts it to .xls (BIFF8) and .ods and saves password-
# protected copies, npm's officecrypto-tool encrypts the .xlsx.
# Needs python3-openpyxl, python3-uno, soffice and node with
# officecrypto-tool installed (npm install officecrypto-tool@0.0.19).
set -e
cd "$(dirname "$0")"
/usr/bin/python3 make_messy.py
soffice --headless --convert-to xls messy.xlsx >/dev/null
soffice --headless --convert-to ods messy.xlsx >/dev/null
/usr/bin/python3 make_encrypted.py
node encrypt_xlsx.js
