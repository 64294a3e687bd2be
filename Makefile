# muni: the two commands a person needs are `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO ?= go
VENDOR := internal/platform/web/static/vendor
# `make test` runs every test: the PostgreSQL and NATS runs included. Point
# these at other servers by setting them in the environment.
MUNI_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
MUNI_TEST_NATS_URL ?= nats://127.0.0.1:4222
# The browser tests copy their screenshots here, for people to look at.
MUNI_SCREENSHOT_DIR ?= $(CURDIR)/bin/screenshots
export MUNI_TEST_POSTGRES_URL MUNI_TEST_NATS_URL MUNI_SCREENSHOT_DIR

.PHONY: help assets demo test vet build bench clean

help:
	@echo "make demo   start the demo municipality (installs the npm assets first)"
	@echo "make test   go vet, then every test: SQLite, PostgreSQL, NATS and chromium"
	@echo "make build  build bin/muni"
	@echo "make bench  run the Go benchmarks and the wrk benchmark of the demo"

# npm ci when node_modules is missing or older than the lock file, or when
# the vendored copies the binary embeds are gone.
assets:
	@if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
		|| [ ! -f $(VENDOR)/htmx.min.js ]; then \
		echo "npm ci (front-end libraries)"; npm ci --include=dev --no-audit --no-fund; \
	fi

demo: assets
	$(GO) run ./cmd/muni demo

vet:
	$(GO) vet ./...

# go test -json feeds scripts/testsummary, which prints what plain go test
# prints and then the skipped tests and the counts.
test: assets vet
	@echo "go test ./...  (PostgreSQL: $(MUNI_TEST_POSTGRES_URL), NATS: $(MUNI_TEST_NATS_URL))"
	$(GO) build -o bin/testsummary ./scripts/testsummary
	rm -rf "$(MUNI_SCREENSHOT_DIR)"
	@echo "browser screenshots go to $(MUNI_SCREENSHOT_DIR)"
	$(GO) test -json -count=1 -timeout 20m ./... | bin/testsummary

build: assets
	$(GO) build -trimpath -o bin/muni ./cmd/muni

# Go benchmarks, then (when present) the wrk run against the served demo
# whose figures go into BENCHMARKS.md.
bench: assets
	$(GO) test -run '^$$' -bench . -benchmem ./...
	@if [ -f scripts/bench-home.sh ]; then bash scripts/bench-home.sh; fi

clean:
	rm -rf bin
