#!/bin/sh
# Regenerates the issue-15 ledger fixtures in ingest/testdata/ledgers: each
# ledger is built as a model, written by a real spreadsheet program, read
# back with another tool and compared with the model, and its truth file is
# written from the model. See README.md. CI never runs this.
set -eu
cd "$(dirname "$0")"

need() { command -v "$1" >/dev/null 2>&1 || { echo "make.sh: $1 not found ($2)" >&2; exit 1; }; }
need soffice "apt-get install libreoffice-calc-nogui"
need node "Node.js 20 or later"
need npm "npm"
PY=/usr/bin/python3   # Debian's python3: its python3-uno matches the installed LibreOffice
$PY -c 'import openpyxl, uno, xlrd' 2>/dev/null || {
	echo "make.sh: needs Debian's python3-openpyxl, python3-uno and python3-xlrd (apt-get install ...)" >&2
	exit 1
}
[ -d node_modules/xlsx ] && [ -d node_modules/exceljs ] || npm ci --no-audit --no-fund
exec $PY generate.py "$@"
