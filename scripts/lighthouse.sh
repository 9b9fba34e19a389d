#!/bin/sh
# Lighthouse (mobile preset: a Moto G-sized screen, simulated slow 4G and
# 4× CPU slowdown) on Jindu's pages with the demo data, with Debian's
# Chromium; the median of RUNS runs per page (default 3) of performance and
# accessibility, as a Markdown table. Not part of CI's pass/fail: scores
# move with the machine's load.
#
#   scripts/lighthouse.sh                 # builds bin/jindu, serves the demo
#   JINDU_URL=http://127.0.0.1:8080 scripts/lighthouse.sh   # a running server
#   PAGES="/ /help" RUNS=5 scripts/lighthouse.sh
#
# Needs npm (lighthouse 12.2.3, pinned by scripts/lighthouse/package-lock.json)
# and chromium (apt-get install chromium).
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
PAGES=${PAGES:-"/ /streets /stars /compare /help /worklist /report"}
CHROME_PATH=${CHROME_PATH:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$CHROME_PATH" ] || { echo "lighthouse.sh: chromium is needed (apt-get install chromium)" >&2; exit 1; }
export CHROME_PATH
command -v npm >/dev/null || { echo "lighthouse.sh: npm is needed (apt-get install npm)" >&2; exit 1; }
LH=scripts/lighthouse/node_modules/.bin/lighthouse
# Installed once; after a change of package-lock.json: rm -rf scripts/lighthouse/node_modules
[ -x "$LH" ] || ( cd scripts/lighthouse && npm ci --no-audit --no-fund --loglevel=error )
OUT=scripts/lighthouse/out
rm -rf "$OUT"; mkdir -p "$OUT"

pid=""
cleanup() { [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
URL=${JINDU_URL:-}
if [ -z "$URL" ]; then
	make --no-print-directory build >/dev/null
	port=${PORT:-18480}
	./bin/jindu serve --demo --db "$OUT/demo.db" --addr "127.0.0.1:$port" >"$OUT/serve.log" 2>&1 &
	pid=$!
	URL="http://127.0.0.1:$port"
	i=0
	until curl -fsS "$URL/readyz" >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 600 ] || { echo "lighthouse.sh: the server did not get ready" >&2; cat "$OUT/serve.log" >&2; exit 1; }
		sleep 0.1
	done
fi

echo "| page | performance | accessibility | first visit (KB transferred) | LCP (s) | TBT (ms) |"
echo "|---|---|---|---|---|---|"
for page in $PAGES; do
	n=0
	while [ $n -lt "$RUNS" ]; do
		n=$((n + 1))
		name=$(printf '%s' "$page" | tr -c 'A-Za-z0-9' '_')
		# A run that fails (a timeout on a loaded machine) is tried once more.
		for try in 1 2; do
			if "$LH" "$URL$page" --quiet --output=json --output-path="$OUT/$name.$n.json" \
				--only-categories=performance,accessibility \
				--chrome-flags="--headless=new --no-sandbox --disable-gpu" >"$OUT/$name.$n.log" 2>&1; then
				break
			fi
			[ "$try" = 1 ] || { echo "lighthouse.sh: lighthouse failed on $page (see $OUT/$name.$n.log)" >&2; exit 1; }
		done
	done
	node -e '
		const fs = require("fs");
		const [out, name, page, runs] = process.argv.slice(1);
		const rs = [];
		for (let i = 1; i <= +runs; i++) rs.push(JSON.parse(fs.readFileSync(`${out}/${name}.${i}.json`)));
		const med = (f) => { const v = rs.map(f).sort((a, b) => a - b); return v[(v.length - 1) >> 1]; };
		const perf = med((r) => r.categories.performance.score * 100);
		const a11y = med((r) => r.categories.accessibility.score * 100);
		const kb = med((r) => r.audits["total-byte-weight"].numericValue / 1000);
		const lcp = med((r) => r.audits["largest-contentful-paint"].numericValue / 1000);
		const tbt = med((r) => r.audits["total-blocking-time"].numericValue);
		console.log(`| ${page} | ${perf.toFixed(0)} | ${a11y.toFixed(0)} | ${kb.toFixed(1)} | ${lcp.toFixed(1)} | ${tbt.toFixed(0)} |`);
	' "$OUT" "$name" "$page" "$RUNS"
done
