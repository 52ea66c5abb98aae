# Waymark: `make run` serves the demo, `make test` runs the whole suite.
# Needs only Python 3.11+, git and make; everything else is installed into .venv.

PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8000
BIN    := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP  := $(VENV)/.installed
# make bench: a separate database (created and filled on first use) and Redis database.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/waymark_bench
BENCH_REDIS_URL    ?= redis://127.0.0.1:6379/5

.DEFAULT_GOAL := help
.PHONY: help install run test lint format audit messages check-messages bench clean

help:
	@echo "make run    - install, prepare and serve the demo on http://$(HOST):$(PORT)/"
	@echo "make test   - install and run the whole test suite"
	@echo "make lint   - ruff, migrations and message-catalog checks"
	@echo "make audit  - pip-audit the locked requirements (needs the advisory database)"
	@echo "make bench  - load-test the production setup at 100 000 services (PostgreSQL, Redis, wrk)"

# Reinstall only when the lock changes, so a second `make run` is fast.
$(STAMP): requirements/dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Waymark needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.lock
	@touch $(STAMP)

install: $(STAMP)

messages: $(STAMP)
	@$(MANAGE) compile_catalogs

run: messages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo --if-empty
	@$(MANAGE) demo_login --host $(HOST) --port $(PORT)
	$(MANAGE) runserver $(HOST):$(PORT) --noreload

test: messages
	$(BIN)/pytest $(PYTEST_ARGS)

lint: messages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) compile_catalogs --check

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

audit: $(STAMP)
	$(BIN)/pip-audit --strict --disable-pip -r requirements/base.lock

# BENCH_ARGS, e.g. "--services 10000 --seconds 10"; see `manage.py bench --help`.
bench: messages
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(MANAGE) bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data
