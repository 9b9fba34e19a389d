#!/usr/bin/env bash
# Jindu's performance figures against the targets, on this machine, as one
# table. Usage: scripts/bench.sh [province|city|district]   (make bench)
#
# It builds bin-less into a temporary directory, generates one year of the
# scale with `jindu gen`, imports it with `jindu import` (under
# /usr/bin/time -v), loads the same file with the sqlite3 CLI's .import into
# a plain table and with Jindu's own SQLite likewise (ingest's
# BenchmarkPlainTable), runs the Go benchmarks of the read side (web/bench_test.go)
# and the PDF (web/report_test.go) against the imported database, and times
# `jindu serve` from exec to /healthz 200. Needs: go, sqlite3, curl,
# /usr/bin/time (Debian: time), chromium for the PDF rows (else "n/a").
# Province scale takes a few minutes; district is the CI smoke run.
set -euo pipefail

SCALE=${1:-province}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/jindu-bench.XXXXXX")
SERVER=""
cleanup() {
	if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; fi
	rm -rf "$TMP"
}
trap cleanup EXIT
cd "$ROOT"
for tool in go sqlite3 curl /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 2; }
done

log() { echo "bench: $*" >&2; }

log "building"
go build -o "$TMP/jindu" ./cmd/jindu
log "generating a $SCALE year"
"$TMP/jindu" gen --scale "$SCALE" --years 2024 --out "$TMP/gen" >/dev/null
FILE="$TMP/gen/$SCALE-2024-utf8.csv"
ROWS=$(($(wc -l <"$FILE") - 1))
MB=$(awk -v b="$(stat -c %s "$FILE")" 'BEGIN { printf "%.0f", b / 1e6 }')

# seconds from /usr/bin/time -v's "h:mm:ss" or "m:ss.ss"
elapsed() {
	awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$1"
}
rss() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }

log "jindu import ($ROWS rows, $MB MB)"
/usr/bin/time -v "$TMP/jindu" import --db "$TMP/bench.db" "$FILE" >"$TMP/import.out" 2>"$TMP/import.err" ||
	{ cat "$TMP/import.err" >&2; exit 1; }
IMPORT_S=$(elapsed "$TMP/import.err")
IMPORT_MB=$(rss "$TMP/import.err")

log "sqlite3 .import of the same file"
/usr/bin/time -v sqlite3 "$TMP/plain.db" ".mode csv" ".import $FILE plain" >/dev/null 2>"$TMP/sqlite.err"
SQLITE_S=$(elapsed "$TMP/sqlite.err")

log "the same file into a plain table by Jindu's SQLite (go test -bench PlainTable)"
JINDU_BENCH_CSV="$FILE" go test ./ingest -run '^$' -bench '^BenchmarkPlainTable$' -benchtime 1x >"$TMP/plain.txt"
GO_PLAIN_S=$(grep -E '^BenchmarkPlainTable-' "$TMP/plain.txt" | awk '{ printf "%.2f", $3 / 1e9 }')

# median of the ns/op of a benchmark over its -count runs, in ms
median_ms() {
	grep -E "^$1-[0-9]+ " "$2" | awk '{ print $3 }' | sort -n |
		awk '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m / 1e6 }'
}
# a named metric of a benchmark's last line
metric() {
	grep -E "^$1-[0-9]+ " "$2" | tail -1 | awk -v m="$3" '{ for (i = 2; i < NF; i++) if ($(i + 1) == m) v = $i } END { print (v == "" ? "n/a" : v) }'
}

log "server-side page times (go test -bench Pages)"
BIG=""
if [ "$SCALE" != district ]; then
	BIG=$SCALE
	export JINDU_BENCH_DB="$TMP/bench.db" JINDU_BENCH_SCALE="$SCALE"
fi
go test ./web -run '^$' -bench '^BenchmarkPages$' -benchmem -benchtime 50x -count 5 >"$TMP/pages.txt"
log "throughput (go test -bench Throughput)"
go test ./web -run '^$' -bench '^BenchmarkThroughput$' -benchtime 1x >"$TMP/throughput.txt"
log "page weight"
go test ./web -run '^$' -bench '^BenchmarkPageWeight$' -benchtime 1x >"$TMP/weight.txt"
log "PDF cold and warm (needs chromium)"
go test ./web -run '^$' -bench '^BenchmarkPDF(Warm|Cold)$' -benchtime 3x -timeout 10m >"$TMP/pdf.txt" 2>&1 || true

log "start-up: exec to /healthz 200"
PORT=$((20000 + RANDOM % 20000))
START_NS=$(date +%s%N)
"$TMP/jindu" serve --db "$TMP/bench.db" --addr "127.0.0.1:$PORT" >/dev/null 2>&1 &
SERVER=$!
STARTUP_MS=n/a
for _ in $(seq 1 5000); do
	if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz" 2>/dev/null)" = 200 ]; then
		STARTUP_MS=$(( ($(date +%s%N) - START_NS) / 1000000 ))
		break
	fi
done
kill "$SERVER" 2>/dev/null || true
wait "$SERVER" 2>/dev/null || true
SERVER=""

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0 || a == "n/a" || b == "n/a") print "n/a"; else printf "%.1f", a / b }'; }
kb() { awk -v b="$1" 'BEGIN { if (b == "n/a") print "n/a"; else printf "%.0f KB", b / 1024 }'; }
ms_s() { awk -v n="$1" 'BEGIN { if (n == "n/a") print "n/a"; else printf "%.2f s", n / 1e9 }'; }

PDF_WARM=$(grep -E '^BenchmarkPDFWarm-' "$TMP/pdf.txt" | awk '{ print $3 }' | tail -1)
PDF_COLD=$(grep -E '^BenchmarkPDFCold-' "$TMP/pdf.txt" | awk '{ print $3 }' | tail -1)
PAGE_RPS=$(metric BenchmarkThroughput "$TMP/throughput.txt" page-req/s)
STATIC_RPS=$(metric BenchmarkThroughput "$TMP/throughput.txt" static-req/s)

echo
echo "Jindu performance, $(date -u +%Y-%m-%d), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Scale: $SCALE, one year: $ROWS rows, $MB MB UTF-8 CSV"
echo
echo "| figure | target | measured |"
echo "|---|---|---|"
echo "| ingest: jindu import, wall time | | ${IMPORT_S} s ($(awk -v r="$ROWS" -v s="$IMPORT_S" 'BEGIN { printf "%.0f", r / s }') rows/s) |"
echo "| ingest: sqlite3 .import into a plain table | | ${SQLITE_S} s |"
echo "| ingest: import time / sqlite3 .import time | ≤ 2.0 | $(ratio "$IMPORT_S" "$SQLITE_S") |"
echo "| ingest: the same rows into a plain table by Jindu's SQLite (pure Go) | | ${GO_PLAIN_S} s ($(ratio "$GO_PLAIN_S" "$SQLITE_S") × sqlite3) |"
echo "| ingest: import time / that plain-table time | | $(ratio "$IMPORT_S" "$GO_PLAIN_S") |"
echo "| ingest: peak RSS | ≤ 200 MB | ${IMPORT_MB} MB |"
for s in district $BIG; do
	for p in / /api/metrics street; do
		target=""
		[ "$p" = / ] && [ "$s" = province ] && target="≤ 10 ms"
		echo "| server time of $p, $s (median of 5 runs) | $target | $(median_ms "BenchmarkPages/$s/$p" "$TMP/pages.txt") ms |"
	done
done
echo "| throughput of /, ${BIG:-district} (8 clients, loopback, $(kb "$(metric BenchmarkThroughput "$TMP/throughput.txt" page-bytes)")) | | ${PAGE_RPS} req/s |"
echo "| throughput of the static file closest in size ($(kb "$(metric BenchmarkThroughput "$TMP/throughput.txt" static-bytes)")) | | ${STATIC_RPS} req/s |"
echo "| throughput / ÷ static | ≥ 0.3 | $(awk -v r="$(metric BenchmarkThroughput "$TMP/throughput.txt" ratio)" 'BEGIN { printf "%.2f", r }') |"
for s in district $BIG; do
	echo "| first visit to / ($s), bodies, gzip | ≤ 450 KB | $(kb "$(metric "BenchmarkPageWeight/$s" "$TMP/weight.txt" first-visit-bytes)") |"
	echo "| repeat visit to / ($s) | ≤ 30 KB | $(kb "$(metric "BenchmarkPageWeight/$s" "$TMP/weight.txt" repeat-visit-bytes)") |"
done
echo "| PDF warm (/report.pdf, district) | ≤ 1 s | $(ms_s "${PDF_WARM:-n/a}") |"
echo "| PDF cold (browser start included) | ≤ 3 s | $(ms_s "${PDF_COLD:-n/a}") |"
echo "| start-up: exec to /healthz 200, $SCALE database | ≤ 300 ms | ${STARTUP_MS} ms |"
