# Wangge developer tasks. `make run` serves the site, `make test` runs every test
# on SQLite and then on a throw-away PostgreSQL server. See README.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.NOTPARALLEL:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_STAMP := $(VENV)/.wangge-pip-stamp
NPM_STAMP := node_modules/.wangge-npm-stamp
PO_FILES := $(shell find locale wangge -name '*.po' 2>/dev/null)
# Extra pytest arguments, e.g. make test-fast PYTEST_ARGS='-k registry -x'
PYTEST_ARGS ?=

.PHONY: help venv install translations system-deps run test test-fast test-sqlite \
	test-postgres _pytest-sqlite _pytest-postgres lint checks clean

help:
	@echo "make run            install, migrate, demo data if empty, serve http://127.0.0.1:8000 + task worker"
	@echo "make test           install + system packages, whole suite on SQLite, then on PostgreSQL"
	@echo "make test-fast      SQLite only, without the browser (e2e) tests"
	@echo "make test-sqlite    whole suite on SQLite"
	@echo "make test-postgres  whole suite on a throw-away PostgreSQL server"
	@echo "make lint           ruff check + ruff format --check"
	@echo "make install        .venv (pip install -e '.[dev]'), node_modules (npm ci), translations"
	@echo "make system-deps    apt-get install postgresql chromium fonts-noto-cjk gettext when missing"
	@echo "make clean          remove var/*.sqlite3* and test artefacts (keeps .venv, node_modules)"

# --- installation -------------------------------------------------------------

$(BIN)/python:
	@if ! $(PYTHON) -c 'import ensurepip' 2>/dev/null; then \
		bash scripts/system-deps.sh --only python3-venv; \
	fi
	$(PYTHON) -m venv $(VENV)

# Re-run only when pyproject.toml changes.
$(PIP_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off -q -e '.[dev]'
	touch $@

# Re-run only when node_modules is missing or the lock file changes.
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || bash scripts/system-deps.sh --only npm
	npm ci --no-audit --no-fund
	touch $@

venv: $(PIP_STAMP)

# Compile .po to .mo with msgfmt (Debian gettext; installed here when root),
# otherwise use the committed .mo files.
translations: $(PIP_STAMP)
	@if [[ -z "$(PO_FILES)" ]]; then exit 0; fi; \
	if ! command -v msgfmt >/dev/null; then \
		if [[ $$(id -u) -eq 0 ]]; then \
			bash scripts/system-deps.sh --only gettext; \
		else \
			echo "msgfmt not found (Debian package gettext): using the committed .mo files" >&2; \
			exit 0; \
		fi; \
	fi; \
	$(BIN)/wangge compilemessages --ignore .venv --ignore node_modules --verbosity 0

install: $(PIP_STAMP) $(NPM_STAMP) translations

system-deps:
	@bash scripts/system-deps.sh

# --- running ------------------------------------------------------------------

run: install
	bash scripts/run.sh

# --- tests --------------------------------------------------------------------
# pytest exits non-zero on failures and also with 5 when it collected no test;
# both fail the target.

test: system-deps install checks
	@rc=0; \
	$(MAKE) --no-print-directory _pytest-sqlite || rc=1; \
	$(MAKE) --no-print-directory _pytest-postgres || rc=1; \
	if [[ $$rc -ne 0 ]]; then echo "make test: FAILED (SQLite and PostgreSQL runs above)" >&2; fi; \
	exit $$rc

test-fast: install
	env -u WANGGE_DATABASE_URL $(BIN)/pytest -m "not e2e" $(PYTEST_ARGS)

test-sqlite: system-deps install
	@$(MAKE) --no-print-directory _pytest-sqlite

test-postgres: system-deps install
	@$(MAKE) --no-print-directory _pytest-postgres

_pytest-sqlite:
	@echo "=== pytest on SQLite ==="
	env -u WANGGE_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

_pytest-postgres:
	@echo "=== pytest on PostgreSQL ==="
	bash scripts/with-postgres.sh $(BIN)/pytest $(PYTEST_ARGS)

# --- housekeeping -------------------------------------------------------------

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Lint, and no model change without its migration.
checks: lint
	env -u WANGGE_DATABASE_URL $(BIN)/wangge makemigrations --check --dry-run --verbosity 1

clean:
	rm -f var/*.sqlite3*
	rm -rf test-results .pytest_cache .hypothesis
	find . \( -path ./.venv -o -path ./node_modules -o -path ./.git \) -prune \
		-o -type d -name __pycache__ -exec rm -rf {} +
