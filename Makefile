# Jindu's build and test entry points. `make run` and `make test` are the two
# commands the README gives a newcomer.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
ECHARTS := web/static/vendor/echarts.min.js

.PHONY: build run test test-short assets generate check-generated screenshot clean fuzz vuln bench bench-smoke release

# Fuzz targets (package:Target), each run for FUZZTIME by `make fuzz`.
FUZZ_TARGETS := ./ingest:FuzzParse ./ingest:FuzzCells ./metrics:FuzzParseProgram
FUZZTIME     ?= 20s
# govulncheck, pinned; installed into bin/, so go.mod is not touched.
GOVULNCHECK  := golang.org/x/vuln/cmd/govulncheck@v1.9.0

## build: fetch what the build needs and write bin/jindu
build: assets
	$(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)" -o bin/jindu ./cmd/jindu

## release: dist/ with the Linux (amd64, arm64, loong64) and Windows binaries,
## .deb and .rpm packages and SHA256SUMS, reproducibly (scripts/release.sh)
release: assets
	scripts/release.sh

## run: start Jindu on http://127.0.0.1:8080/ with the built-in demo data
## (another address: make run ADDR=127.0.0.1:8081, or JINDU_ADDR)
run: build
	./bin/jindu serve --demo --db data/demo.db $(if $(ADDR),--addr $(ADDR))

## test: every check and test, as CI runs them
test: assets check-generated
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './web/node_modules/*') | grep -v '_templ.go$$'); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) mod tidy -diff
	$(GO) vet ./...
	$(MAKE) --no-print-directory vuln
	$(MAKE) --no-print-directory fuzz
	$(GO) test -race -count=1 -timeout 20m ./...

## test-short: the quick loop while editing: no Chromium, no crash or load test
test-short: assets
	$(GO) test -short ./...

## fuzz: run each fuzz target for FUZZTIME (default 20s) without a failure
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "fuzz $$pkg $$name for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

## vuln: known vulnerabilities in the code's dependencies and the Go release.
## Found vulnerabilities (exit 3) fail; a machine that cannot reach the
## vulnerability database (vuln.go.dev) gets a warning instead, since that
## says nothing about the code.
vuln:
	GOBIN=$(CURDIR)/bin $(GO) install $(GOVULNCHECK)
	@status=0; bin/govulncheck ./... > .vuln.out 2>&1 || status=$$?; tail -n 40 .vuln.out; rm -f .vuln.out; \
	if [ $$status -eq 3 ]; then echo "govulncheck: known vulnerabilities (above)"; exit 1; fi; \
	if [ $$status -ne 0 ]; then echo "warning: govulncheck could not run (exit $$status): is vuln.go.dev reachable from here?"; fi

## assets: ECharts from the npm registry, pinned by web/package-lock.json,
## trimmed to the parts Jindu draws with (web/echarts.entry.js) by esbuild
assets: $(ECHARTS)

$(ECHARTS): web/package.json web/package-lock.json web/echarts.entry.js
	@command -v npm >/dev/null 2>&1 || { echo "make assets: npm is needed: ECharts and esbuild are fetched from the npm registry (apt-get install npm)"; exit 1; }
	cd web && npm ci --no-audit --no-fund --loglevel=error || { echo "make assets: npm ci failed: ECharts and esbuild are fetched from the npm registry, pinned by web/package-lock.json"; exit 1; }
	mkdir -p $(dir $@)
	cd web && node_modules/.bin/esbuild echarts.entry.js --bundle --minify --format=iife --target=es2017 \
	  --legal-comments=eof --define:process.env.NODE_ENV='"production"' --log-level=warning --outfile=$(patsubst web/%,%,$@)

## generate: regenerate the committed *_templ.go files
generate:
	$(GO) tool templ generate

## check-generated: the committed *_templ.go files match their .templ sources
check-generated:
	$(GO) tool templ generate
	@git diff --exit-code -- '*_templ.go' || { echo "*_templ.go files are stale: run make generate and commit"; exit 1; }

## screenshot: rewrite docs/dashboard.png from the real page (needs chromium)
screenshot: assets
	JINDU_SCREENSHOT=$(CURDIR)/docs/dashboard.png $(GO) test ./web -run TestScreenshot -count=1

clean:
	rm -rf bin $(ECHARTS)

## bench: performance figures against the targets, one table (province scale: a few minutes)
bench:
	scripts/bench.sh province

## bench-smoke: the same at district scale, under a minute (for CI)
bench-smoke:
	scripts/bench.sh district
