# claimdesk — see README.md. `make demo` and `make test` are the two entry points.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= $(shell scripts/find-python)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test serve lint format clean bench bench-extract

$(VENV)/.base: requirements/base.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/base.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.base requirements/dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@touch $@

# Set up on the embedded default (SQLite, in-process tasks) and serve the admin.
demo: export DEBUG ?= 1
demo: $(VENV)/.base
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_actors claims/fixtures/actors.json
	$(PY) manage.py load_actors claims/fixtures/example_conflict/actors.json
	$(PY) manage.py ingest --conflict nagorno-karabakh-2020 claims/fixtures/corpus
	$(PY) manage.py ingest --conflict kessel-valley-example claims/fixtures/example_conflict/corpus
	$(PY) manage.py demo_user
	@echo "Workspace: http://$(HOST):$(PORT)/review/  Admin: http://$(HOST):$(PORT)/admin/"
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite, on PostgreSQL and Redis when they answer (required when CI is set).
test: export DEBUG := 1
test: $(VENV)/.dev
	$(PY) scripts/run-tests $(PYTEST_ARGS)

# Production-style: gunicorn and a Celery worker, which also sweeps (see Procfile)
# against DATABASE_URL and CELERY_BROKER_URL, DEBUG off, static files by WhiteNoise.
serve: export DEBUG := 0
serve: $(VENV)/.base
	@test -n "$$DATABASE_URL" -a -n "$$CELERY_BROKER_URL" -a -n "$$SECRET_KEY" || \
		{ echo "make serve needs DATABASE_URL, CELERY_BROKER_URL and SECRET_KEY (see README)"; exit 1; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# Every benchmark on the real stack (PostgreSQL, Redis, workers, gunicorn, wrk); takes many minutes.
# Prints one table and writes it to docs/benchmarks.md. Not part of `make test` (that runs smoke versions).
bench: $(VENV)/.dev
	$(PY) -m bench $(BENCH_ARGS)

# Only the extraction row (no services needed); prints it, writes nothing.
bench-extract: $(VENV)/.dev
	$(PY) -m bench --only extraction $(BENCH_ARGS)
