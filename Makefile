# 执行指挥中心质效看板: build, run and test. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
PYTEST_ARGS ?=

.PHONY: help run run-region test lint browser screenshots bench bench-import bench-desk bench-scale clean distclean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "需要 Python 3.11 或更高版本（当前：$$($(PYTHON) --version 2>&1)）；可用 PYTHON=python3.12 make ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV) \
		|| { rm -rf $(VENV); echo "创建虚拟环境失败：Debian/Ubuntu 请先 apt-get install python3-venv" >&2; exit 1; }

# Reinstall only when a requirements file changed (the stamp is older than it).
$(RUNTIME_STAMP): requirements.txt | $(PY)
	$(PIP) install -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -r requirements-dev.txt
	touch $@ $(RUNTIME_STAMP)

run: $(RUNTIME_STAMP)  ## serve the app (demo court, simulator, scheduler) on http://127.0.0.1:8050
	DASHBOARD_SIMULATE=$${DASHBOARD_SIMULATE:-1} \
	DASHBOARD_REFRESH_INTERVAL_S=$${DASHBOARD_REFRESH_INTERVAL_S:-5} \
	$(PY) -m dashboard run

# The 中院 mode: its own SQLite file (the single-court demo's instance/dashboard.db stays as it is).
REGION_DB ?= sqlite:///$(CURDIR)/instance/region.db

run-region: $(RUNTIME_STAMP)  ## serve the 中院 mode (包头市中级人民法院 + 8 basic courts) from instance/region.db
	DASHBOARD_DATABASE_URL='$(REGION_DB)' \
	DASHBOARD_DEMO_REGION=1 \
	DASHBOARD_COURT_CODE=$${DASHBOARD_COURT_CODE:-内02} \
	DASHBOARD_SIMULATE=$${DASHBOARD_SIMULATE:-1} \
	DASHBOARD_REFRESH_INTERVAL_S=$${DASHBOARD_REFRESH_INTERVAL_S:-5} \
	$(PY) -m dashboard run

browser:  ## install Chromium, ChromeDriver and CJK fonts with apt when missing (root)
	@scripts/ensure-browser.sh

lint: $(DEV_STAMP)  ## ruff over the whole repository, mypy over db/ and dashboard/ (pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: $(DEV_STAMP) browser lint  ## lint, then the whole suite (SQLite, PostgreSQL, MariaDB, Redis, Chromium)
	$(PY) -m pytest $(PYTEST_ARGS)

screenshots: $(DEV_STAMP) browser  ## PNGs of the pages into docs/screenshots/ (scripts/screenshots.py)
	$(PY) scripts/screenshots.py

bench: $(DEV_STAMP)  ## run every bench/*.py in order; each prints its numbers
	@shopt -s nullglob; scripts=(bench/*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "bench/ has no benchmark scripts"; exit 0; fi; \
	for script in "$${scripts[@]}"; do \
		echo "== $$script"; $(PY) "$$script" || exit 1; \
	done

bench-import: $(DEV_STAMP)  ## import time vs. only reading the file (1M-row CSV, 100k-row xlsx; SQLite, PostgreSQL)
	$(PY) bench/imports.py $(BENCH_IMPORT_ARGS)

bench-desk: $(DEV_STAMP) browser  ## desk page load p50/p95 in Chromium (demo court; BENCH_DESK_ARGS="--cases 1000000")
	$(PY) bench/desk_pages.py $(BENCH_DESK_ARGS)

bench-scale: $(DEV_STAMP)  ## full snapshot vs floor scan, incremental refresh after 1,000 changes, RSS, size (1M cases; BENCH_SCALE_ARGS)
	$(PY) bench/scale.py $(BENCH_SCALE_ARGS)

clean:  ## remove caches and generated files (keeps .venv and the database)
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf
	rm -rf .pytest_cache .ruff_cache .mypy_cache bench-out

distclean: clean  ## also remove the virtual environment
	rm -rf $(VENV)
