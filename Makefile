# Jindu's build and test entry points. `make run` and `make test` are the two
# commands the README gives a newcomer.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
ECHARTS := web/static/vendor/echarts.min.js

.PHONY: build run test assets generate check-generated screenshot clean

## build: fetch what the build needs and write bin/jindu
build: assets
	$(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o bin/jindu ./cmd/jindu

## run: start Jindu on http://127.0.0.1:8080/ with the built-in demo data
run: build
	./bin/jindu serve --demo --db data/demo.db

## test: every check and test, as CI runs them
test: assets check-generated
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './web/node_modules/*') | grep -v '_templ.go$$'); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

## assets: ECharts from the npm registry, pinned by web/package-lock.json
assets: $(ECHARTS)

$(ECHARTS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $@)
	cp web/node_modules/echarts/dist/echarts.min.js $@

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
