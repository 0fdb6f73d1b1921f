# Two commands matter: `make run` and `make test`. Everything else is a step they use.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format migrate demo demo-reset worker beat ci bench bench-public clean

# Re-install only when the dependency list changes; `make test` and `make run` stay quick.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet --group runtime --group dev
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

# The story's last day is today; on a later day `demo` keeps the old world, `demo-reset`
# empties the whole database and tells the story again.
demo: migrate
	$(PY) manage.py load_demo --address $(HOST):$(PORT)

demo-reset: migrate
	$(PY) manage.py load_demo --reset --address $(HOST):$(PORT)

run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Production: a real broker in CELERY_BROKER_URL (redis://…); without it tasks run in-process.
worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=INFO --schedule=$(VENV)/celerybeat-schedule

ci:
	bash .ci/run

# Benchmarks on PostgreSQL (DATABASE_URL, default this machine's server); see bench/README.md.
bench: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(PY) -m bench.run

# The public pages under a crowd (issue 21; wrk, gunicorn). Drops and remakes the database
# named in BENCH_PUBLIC_DATABASE_URL; TIER=small|medium|large.
bench-public:
	DATABASE_URL=$${BENCH_PUBLIC_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bench_public} $(PY) -m bench.public --tier $${TIER:-large}

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .hypothesis
