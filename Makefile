# 一网好办 Haoban — build, run and test. Needs only python3 (with venv) and GNU make.
#   make run      install, migrate, load the Putian demo data, serve on http://127.0.0.1:8000/ (+ worker)
#   make test     lint, types, import contracts, OpenAPI drift, migrations, pytest + domain coverage 100 %
#   make openapi  regenerate openapi.yaml after an API change (commit it)
#   make fmt      format and auto-fix
#   make clean    remove caches and build output (keeps .venv and the SQLite database in var/)
#   make distclean  clean + remove .venv and var/ (the local database!)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
THREADS ?= 4
# make run DEMO=0 skips loading the demo data.
DEMO ?= 1
CHROMIUM := $(or $(HAOBAN_CHROMIUM),/usr/bin/chromium)

.PHONY: help install run test lint openapi openapi-check fmt clean distclean

help:
	@sed -n '2,7s/^# \{0,1\}//p' Makefile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/haoban migrate --noinput
	$(BIN)/haoban collectstatic --noinput -v 0
	@if [ "$(DEMO)" = "1" ]; then $(BIN)/haoban load_demo; fi
	@worker=""; web=""; \
	stop() { for pid in $$web $$worker; do kill "$$pid" 2>/dev/null || true; done; \
	  for pid in $$web $$worker; do wait "$$pid" 2>/dev/null || true; done; web=""; worker=""; }; \
	trap stop EXIT; trap 'stop; exit 130' INT; trap 'stop; exit 143' TERM; \
	if $(BIN)/haoban help worker >/dev/null 2>&1; then \
	  $(BIN)/haoban worker & worker=$$!; \
	  echo "后台任务进程已启动 (worker pid $$worker)"; \
	else \
	  echo "未找到 haoban worker 命令，未启动后台任务进程 (worker not started)"; \
	fi; \
	echo "一网好办：http://$(HOST):$(PORT)/  (Ctrl-C 停止)"; \
	$(BIN)/gunicorn haoban.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --threads $(THREADS) \
	  --worker-class haoban.core.gunicorn_worker.SpreadingThreadWorker \
	  --timeout 60 --graceful-timeout 10 --access-logfile - & web=$$!; \
	status=0; wait "$$web" || status=$$?; web=""; \
	exit $$status

lint: $(STAMP)
	@echo "== ruff check =="
	$(BIN)/ruff check .
	@echo "== ruff format --check =="
	$(BIN)/ruff format --check .
	@echo "== mypy --strict haoban/domain =="
	$(BIN)/mypy --strict haoban/domain
	@echo "== import contracts (lint-imports) =="
	$(BIN)/lint-imports

openapi: $(STAMP)
	$(BIN)/haoban spectacular --file openapi.yaml --validate

openapi-check: $(STAMP)
	@echo "== OpenAPI drift =="
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(BIN)/haoban spectacular --file "$$tmp/openapi.yaml" --validate; \
	if ! diff -u openapi.yaml "$$tmp/openapi.yaml"; then \
	  echo "openapi.yaml 与代码不一致：请运行 make openapi 并提交 (OpenAPI schema drift)"; exit 1; \
	fi; \
	echo "openapi.yaml 与代码一致 (no drift)"

test: lint openapi-check
	@echo "== migrations up to date =="
	$(BIN)/haoban makemigrations --check --dry-run
	@echo "== pytest (coverage of haoban.domain) =="
	$(BIN)/pytest --cov=haoban.domain --cov-branch --cov-report=term-missing
	@echo "== haoban/domain coverage must be 100 % =="
	$(BIN)/coverage report --include='haoban/domain/*' --fail-under=100
	@if [ ! -x "$(CHROMIUM)" ]; then echo "浏览器测试已跳过：未找到 $(CHROMIUM) (browser tests skipped)"; fi

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache htmlcov test-results \
	  .coverage .coverage.* var/staticfiles build dist *.egg-info

distclean: clean
	rm -rf $(VENV) var

# make bench: the load tests of bench/ on PostgreSQL (not part of make test): case submission over HTTP
# against pgbench writing the same rows, and the staff inbox at 100 000 cases; the results are appended to
# docs/performance.md. Needs a PostgreSQL on 127.0.0.1 (user postgres), pgbench and wrk. Run on a quiet
# machine: BENCH_ARGS="--duration 5 --warmup 2" for a smoke run.
BENCH_ARGS ?=
INBOX_ARGS ?=
.PHONY: bench
bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "wrk 未安装：apt-get install -y wrk (load generator)"; exit 1; }
	$(BIN)/python bench/submit.py --markdown docs/performance.md $(BENCH_ARGS)
	$(BIN)/python bench/inbox.py --no-setup --markdown docs/performance.md $(INBOX_ARGS)
