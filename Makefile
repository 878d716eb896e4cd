# Campfire on PocketBase. Every Go command needs Go 1.27 (PocketBase v0.40): the go command fetches it.
export GOTOOLCHAIN := go1.27.3
SHELL := /bin/bash

BIN      ?= ./campfire
DATA_DIR ?= ./pb_data
HTTP     ?= 127.0.0.1:8090
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X github.com/pocketcampfire/campfire/routes.Version=$(VERSION)
FUZZTIME ?= 5s

.PHONY: run build build-go frontend test test-go test-frontend test-e2e fuzz vet clean

## run: start the app on ./pb_data (first run: open http://127.0.0.1:8090 and set up the account)
run: build-go
	$(BIN) serve --dir $(DATA_DIR) --http $(HTTP)

## build: the web app (into pb_public/, embedded) and the binary
build: frontend build-go

build-go:
	go build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/campfire

frontend:
	cd frontend && npm ci --no-audit --no-fund && npm run build

## test: every test: Go (vet, unit, API, realtime), fuzz smoke, web app unit tests, browser tests
test: test-go fuzz test-frontend test-e2e

vet:
	go vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi

test-go: vet
	go test -count=1 -timeout 15m ./...

## fuzz: each fuzz target for FUZZTIME (a smoke run; the corpus is committed under testdata/fuzz)
fuzz:
	@set -e; for pkg in $$(go list ./...); do \
	  dir=$$(go list -f '{{.Dir}}' $$pkg); \
	  for target in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/func //'); do \
	    echo "fuzz $$pkg $$target"; \
	    go test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

test-frontend:
	cd frontend && npm ci --no-audit --no-fund && npm test

## test-e2e: Playwright (playwright-core) in Debian's Chromium against the real binary and the committed web app
test-e2e: build-go
	cd e2e && npm ci --no-audit --no-fund && node --test --test-concurrency=1

clean:
	rm -f $(BIN)

.PHONY: bench bench-smoke

## bench: the benchmark (bench/, see BENCHMARKS.md): seeds 1,000,000 messages, drives the real binary over
## HTTP and SSE against baselines measured in the same run, prints one table; stops within 10 minutes
bench: build-go
	go run ./bench -bin $(BIN) $(BENCH_FLAGS)

## bench-smoke: every benchmark row with small counts, under 3 minutes (CI); never a timing assertion
bench-smoke: build-go
	go run ./bench -bin $(BIN) -smoke $(BENCH_FLAGS)
