# The two commands of the README: `make run` and `make test`. Everything else is theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: run test lint openapi lock clean bench

$(BIN)/.installed: requirements/dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.lock
	touch $@

## Set up, migrate, load demo data once, print an admin key, and serve on 127.0.0.1:$(PORT).
run: $(BIN)/.installed
	$(BIN)/flask --app wsgi crm demo
	$(BIN)/gunicorn -c gunicorn.conf.py --bind 127.0.0.1:$(PORT) wsgi:app

## Lint, then the whole suite on SQLite and (when reachable; required under CI=true) PostgreSQL.
test: $(BIN)/.installed lint
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check crm migrations tests wsgi.py gunicorn.conf.py
	$(BIN)/ruff format --check crm migrations tests wsgi.py gunicorn.conf.py

## Regenerate the committed OpenAPI document from the code.
openapi: $(BIN)/.installed
	$(BIN)/flask --app wsgi openapi write --format=json openapi/openapi.json

## Benchmark the API next to its raw baseline on PostgreSQL, with wrk; writes bench/RESULTS.md.
.PHONY: bench
bench: $(BIN)/.installed
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## Re-resolve dependencies after editing pyproject.toml (needs uv: `pip install uv`).
lock:
	uv lock
	uv export --frozen --no-dev --no-emit-project -o requirements/main.lock
	uv export --frozen --no-emit-project -o requirements/dev.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
