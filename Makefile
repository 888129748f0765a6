# Kubarr — the two commands a newcomer needs: `make run` and `make test`.
# Everything else here is a building block of those two.

SHELL := /bin/bash
export CARGO_TARGET_DIR ?= $(CURDIR)/target
export GOTOOLCHAIN := local
KUBARR := $(CARGO_TARGET_DIR)/debug/kubarr

.PHONY: run test build web web-deps lint fmt openapi cluster-up cluster-down cluster-status clean help

help:
	@echo "make run    build what is missing and start Kubarr on http://127.0.0.1:8080"
	@echo "make test   every test: Rust (SQLite + PostgreSQL), cluster, charts, web, browser"
	@echo "make fmt | lint | openapi | web | cluster-up | cluster-down | cluster-status"

## Build and start Kubarr with SQLite under ./data against the local test cluster
## (or the cluster KUBECONFIG names, when it answers).
run:
	@scripts/run

## Every test. Starts and stops the services it needs (PostgreSQL, the test cluster).
test:
	@scripts/test-all

build:
	cargo build -p kubarr

web-deps:
	cd web && npm ci --no-audit --no-fund

web: web-deps
	cd web && npm run build

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all

## Regenerate docs/openapi.json (and the web client types) after an intended API change.
openapi:
	UPDATE_SNAPSHOTS=1 cargo test -p kubarr --test api openapi -- --quiet
	@if [ -d web/node_modules ]; then cd web && npm run gen:api; fi

cluster-up:
	@testbed/up

cluster-down:
	@testbed/down

cluster-status:
	@testbed/status

clean:
	-testbed/down
	-scripts/test-postgres stop
	cargo clean
	rm -rf web/dist web/node_modules
