# LEAD referral portal: set-up, tests and benchmarks.
#
#   make run     install what is missing, migrate, load the demo data, serve on HOST:PORT (127.0.0.1:5000)
#                (with the outbox's delivery worker beside the server)
#   make test    install the test extras and the design system, then run pytest with PYTEST_ARGS
#   make bench   install the test extras, then run the benchmarks in tests/bench/
#   make clean   remove everything the targets above installed or made
#
# Every install step is idempotent: it re-runs only when its input changed (stamp files).
# TEST_DATABASE_URL, if set in the environment or on the command line, reaches pytest as it is.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
NPM ?= npm
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

VENV := .venv
VPY := $(VENV)/bin/python
PIP := $(VPY) -m pip --disable-pip-version-check --no-input
PORTAL := $(VENV)/bin/lead-portal

APP_STAMP := $(VENV)/.stamp-app
TEST_STAMP := $(VENV)/.stamp-test
NPM_STAMP := node_modules/.stamp-npm-ci

USWDS_DIST := node_modules/@uswds/uswds/dist
USWDS_DIR := static/uswds
USWDS_TMP := static/.uswds.tmp
USWDS_STAMP := $(USWDS_DIR)/.stamp

BENCH_DIR := tests/bench
# The last step of `make run` (a variable, so that a test can make an invitation instead).
SERVE ?= $(PORTAL) run --host $(HOST) --port $(PORT)

.PHONY: help run setup test bench uswds clean

help:
	@sed -n 's/^#   make /make /p' $(firstword $(MAKEFILE_LIST))

## --- Python -----------------------------------------------------------------------------

$(VPY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# The app alone (make run). Re-run when pyproject.toml changes.
$(APP_STAMP): pyproject.toml | $(VPY)
	$(PIP) install -q -e .
	touch $@

# The app with its test extras (make test, make bench); it covers the app stamp too.
$(TEST_STAMP): pyproject.toml | $(VPY)
	$(PIP) install -q -e '.[test]'
	touch $@ $(APP_STAMP)

## --- Design system (USWDS, from the npm registry; its files are not committed) -------------

$(NPM_STAMP): package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	touch $@

# Copy the compiled dist/ trimmed to what a browser loads: the minified CSS and JS, woff2
# fonts and the images (less the 8 MB Material icon set the sprite already covers).
$(USWDS_STAMP): $(NPM_STAMP)
	rm -rf $(USWDS_TMP)
	mkdir -p $(USWDS_TMP)/css $(USWDS_TMP)/js
	cp $(USWDS_DIST)/css/uswds.min.css $(USWDS_TMP)/css/
	cp $(USWDS_DIST)/js/uswds.min.js $(USWDS_DIST)/js/uswds-init.min.js $(USWDS_TMP)/js/
	cp -R $(USWDS_DIST)/fonts $(USWDS_DIST)/img $(USWDS_TMP)/
	find $(USWDS_TMP)/fonts -type f ! -name '*.woff2' -delete
	rm -rf $(USWDS_TMP)/img/material-icons $(USWDS_TMP)/img/material-icons-deprecated
	cp $(USWDS_DIST)/../LICENSE.md $(USWDS_TMP)/
	rm -rf $(USWDS_DIR)
	mv $(USWDS_TMP) $(USWDS_DIR)
	touch $@

uswds: $(USWDS_STAMP)

setup: $(TEST_STAMP) $(USWDS_STAMP)

## --- Targets ------------------------------------------------------------------------------

# Every step of run knows where the portal will serve, so that the links it makes (invitations,
# resets) open: PUBLIC_URL, unless set, follows HOST and PORT. The demo's program is in Denver.
run: export FLASK_RUN_HOST = $(HOST)
run: export FLASK_RUN_PORT = $(PORT)
run: export PROGRAM_TIMEZONE ?= America/Denver
run: export INTAKE_ADDRESS ?= 1550 Lincoln Street, Denver (demo address)
run: export INTAKE_HOURS ?= Monday to Friday, 9 a.m. to 4 p.m., no appointment needed
run: export INTAKE_HOURS_ES ?= De lunes a viernes, de 9 a. m. a 4 p. m., sin cita
run: $(APP_STAMP) $(USWDS_STAMP)
	mkdir -p instance
	$(PORTAL) db upgrade
	$(PORTAL) demo
	@# The outbox's delivery worker runs beside the server, and stops when the server stops
	@# (Ctrl-C reaches both; the trap covers the server ending any other way).
	$(PORTAL) outbox deliver --loop --digest & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(SERVE)

test: $(TEST_STAMP) $(USWDS_STAMP)
	$(VPY) -m pytest $(PYTEST_ARGS)

bench: $(TEST_STAMP)
	$(VPY) $(BENCH_DIR)/bench_http.py
	$(VPY) $(BENCH_DIR)/bench_eligibility.py
	$(VPY) $(BENCH_DIR)/bench_submissions.py
	$(VPY) $(BENCH_DIR)/bench_queue.py
	$(VPY) $(BENCH_DIR)/bench_receipts.py
	$(VPY) $(BENCH_DIR)/bench_reports.py
	$(VPY) $(BENCH_DIR)/bench_outbox.py
	$(VPY) $(BENCH_DIR)/bench_search.py
	$(VPY) $(BENCH_DIR)/bench_casework.py
	$(VPY) $(BENCH_DIR)/bench_prosecutor.py
	@echo
	@$(VPY) $(BENCH_DIR)/bench_http.py --summary

clean:
	rm -rf $(VENV) node_modules $(USWDS_DIR) $(USWDS_TMP) instance $(BENCH_DIR)/results
