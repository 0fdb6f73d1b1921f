# Two commands matter: `make run` and `make test`. Everything else is a step they use.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install lock lock-check run test lint format migrate demo demo-reset worker beat ci bench bench-public clean

# The locked pins, with PyPI's hashes (`make lock` writes them from pyproject.toml's ranges).
LOCK_DEV := requirements/dev.txt
LOCK_RUNTIME := requirements/runtime.txt
# pip sees only PyPI and the lock: no pip.conf (PIP_CONFIG_FILE=/dev/null skips every config
# file), no PIP_* variable (--isolated), so no machine-local index or wheel folder can offer
# a file whose hash is not the one locked.
PIP_LOCKED := PIP_CONFIG_FILE=/dev/null $(PY) -m pip --isolated
UV_EXPORT := $(VENV)/bin/uv export --quiet --no-config --format requirements-txt --no-emit-project --no-default-groups --no-header

# Re-install only when the lock changes; `make test` and `make run` stay quick.
$(STAMP): $(LOCK_DEV)
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP_LOCKED) install --quiet --require-hashes -r $(LOCK_DEV)
	touch $(STAMP)

install: $(STAMP)

# Resolve pyproject.toml's ranges again (newest versions within them) and write the lock.
lock: install
	$(VENV)/bin/uv lock --no-config --upgrade
	$(UV_EXPORT) --group runtime --group dev -o $(LOCK_DEV)
	$(UV_EXPORT) --only-group runtime -o $(LOCK_RUNTIME)

# CI: the lock still satisfies pyproject.toml and the exported pins are the lock's.
lock-check: install
	$(VENV)/bin/uv lock --no-config --check
	$(UV_EXPORT) --group runtime --group dev | diff -u $(LOCK_DEV) -
	$(UV_EXPORT) --only-group runtime | diff -u $(LOCK_RUNTIME) -

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
