# LKT developer tasks. `make demo` runs the app on SQLite; `make test` is what CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
# The stamp is newer than pyproject.toml once its dependencies are installed, so re-runs skip pip.
STAMP := $(VENV)/.installed
PYTHON := $(shell command -v python3.11 || command -v python3)

# Tests talk to the real PostgreSQL and Redis; override either from the environment.
DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/0
# DJANGO_ALLOW_ASYNC_UNSAFE: Playwright's sync API runs an event loop inside pytest-django tests.
TEST_ENV = DATABASE_URL='$(DATABASE_URL)' REDIS_URL='$(REDIS_URL)' DJANGO_ALLOW_ASYNC_UNSAFE=true \
	CHROMIUM_PATH="$$(command -v chromium)"

# The demo needs no services: SQLite, and with no REDIS_URL the settings run Celery eagerly.
DEMO_ENV = env -u REDIS_URL DATABASE_URL=sqlite:///var/demo.sqlite3 DEBUG=true

# apt-get needs root; use sudo only when we are not root and it exists.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

# Front-end packages pinned in package.json; their built files are committed under static/vendor/.
DS := node_modules/@digdir/designsystemet-css
HTMX := node_modules/htmx.org
VENDOR := static/vendor

# The test OpenID Provider (tests/oidc_provider/): node-oidc-provider at the version its lock
# file pins, installed by npm ci; the suite starts it offline on 127.0.0.1.
OIDC_PROVIDER := tests/oidc_provider
OIDC_PROVIDER_STAMP := $(OIDC_PROVIDER)/node_modules/.package-lock.json

.PHONY: help venv install demo chromium wrk services lint typecheck test test-journeys-second-instant vendor format bench oidc-provider

help:
	@echo "make demo       run the demo on http://127.0.0.1:8000 (SQLite, no services)"
	@echo "make test       lint, typecheck and pytest (twice: two clock instants) against PostgreSQL and Redis (what CI runs)"
	@echo "make format     ruff format + ruff check --fix"
	@echo "make vendor     refresh static/vendor/ from the npm registry at the pinned versions"
	@echo "make services   check that PostgreSQL and Redis answer"
	@echo "make chromium   install Debian's chromium for the browser tests"
	@echo "make oidc-provider  install the test OpenID Provider (npm ci in tests/oidc_provider/)"
	@echo "make bench      benchmarks (not in make test): BENCH=sweep|crisis|leaders|teampage|national|teampage-wrk (empty: all, then one table), BENCH_ARGS=…, BENCH_DATABASE_URL=…lkt_bench"

venv install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -e ".[dev]"
	touch $@

demo: $(STAMP)
	mkdir -p var
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Playwright must not download its own browser (no network for that); it drives Debian's.
# The team page's load test (scripts/bench/teampage_wrk.py) uses Debian's wrk.
wrk:
	@command -v wrk >/dev/null || { \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; }

chromium:
	@command -v chromium >/dev/null || { \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

# Fail early with one line saying how to start what is missing, not with a wall of test errors.
services: $(STAMP)
	$(TEST_ENV) $(BIN)/python scripts/check_services.py

# lint-imports: the layers' contracts in pyproject.toml ([tool.importlinter]).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# mypy loads lkt.settings through django-stubs, so it gets the same environment as the tests.
typecheck: $(STAMP)
	$(TEST_ENV) $(BIN)/mypy .

# The suite's clock stands at one instant (tests/clock.py); the second run puts it on a leap day
# far from the first, so a test that mixes a fixed date with "today" fails the day it is written.
# The hostile-input walk and the schemathesis fuzzing read no dates of their own, so they run once;
# the browser journeys run once too, to keep CI within its 20 minutes (two instants of them took
# 350 s of about 1,240 here): `make test-journeys-second-instant` runs them on the leap day.
SECOND_INSTANT := 2028-02-29T12:00:00+01:00
oidc-provider: $(OIDC_PROVIDER_STAMP)

$(OIDC_PROVIDER_STAMP): $(OIDC_PROVIDER)/package-lock.json
	@command -v npm >/dev/null || { \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm; }
	cd $(OIDC_PROVIDER) && npm ci --no-audit --no-fund
	touch $@

# Two workers (pytest-xdist, one per core; each its own PostgreSQL and Redis database, see
# tests/conftest.py) for all but the browser journeys, which run alone: each drives a chromium
# against a live server and times out on a machine busy with a second worker.
PARALLEL := -n 2 --dist loadfile --ignore=tests/browser
test: $(STAMP) chromium services oidc-provider
	$(MAKE) --no-print-directory lint typecheck
	$(TEST_ENV) $(BIN)/pytest $(PARALLEL)
	$(TEST_ENV) $(BIN)/pytest tests/browser
	$(TEST_ENV) LKT_TEST_INSTANT='$(SECOND_INSTANT)' $(BIN)/pytest $(PARALLEL) -m 'not hostile and not fuzz'

test-journeys-second-instant: $(STAMP) chromium services oidc-provider
	$(TEST_ENV) LKT_TEST_INSTANT='$(SECOND_INSTANT)' $(BIN)/pytest tests/browser

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# npm ci keeps the lock file authoritative; the copies are committed so no machine needs Node.js.
vendor:
	if [ -f package-lock.json ]; then npm ci; else npm install; fi
	install -D -m 644 $(DS)/dist/src/index.css $(VENDOR)/designsystemet/index.css
	install -D -m 644 $(DS)/dist/theme/designsystemet.css $(VENDOR)/designsystemet/theme.css
	install -D -m 644 $(DS)/LICENSE $(VENDOR)/designsystemet/LICENSE
	install -D -m 644 $(HTMX)/dist/htmx.min.js $(VENDOR)/htmx/htmx.min.js
	install -D -m 644 $(HTMX)/LICENSE $(VENDOR)/htmx/LICENSE

# Benchmarks empty their own database (its name must contain "bench"), never the test one.
# BENCH picks benchmarks by name (scripts/bench/run.py lists them); empty runs them all and
# ends with one table (measure, 10k, 500k, ratio, target, verdict).
# BENCH_ARGS go to the benchmark (BENCH=national BENCH_ARGS="--runs 10").
BENCH ?=
BENCH_ARGS ?=
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lkt_bench
bench: $(STAMP) wrk
	env -u REDIS_URL DATABASE_URL='$(BENCH_DATABASE_URL)' DJANGO_SETTINGS_MODULE=lkt.settings \
		$(BIN)/python scripts/bench/run.py $(BENCH) $(if $(BENCH_ARGS),-- $(BENCH_ARGS))
