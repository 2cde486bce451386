# The two commands of the README: `make run` and `make test`. Everything else is theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000

PEERS := tests/peers

.PHONY: run test lint peers openapi lock clean bench

$(BIN)/.installed: requirements/dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.lock
	touch $@

## Set up, migrate, load demo data once, print an admin key, and serve on 127.0.0.1:$(PORT)
## with a queue worker beside the API (serve.py); Ctrl-C stops both.
run: $(BIN)/.installed
	$(BIN)/flask --app wsgi crm demo
	$(BIN)/python serve.py --bind 127.0.0.1:$(PORT)

## Lint, then the whole suite on SQLite and (when reachable; required under CI=true) PostgreSQL.
test: $(BIN)/.installed lint peers
	$(BIN)/pytest

## The programs nobody here wrote that the tests hold the contract against (Node: the
## Standard Webhooks reference verifier, the OpenID provider `oidc-provider`, the OpenAPI
## linter Spectral), as
## tests/peers/package-lock.json pins them.
## Without npm their tests are skipped, except under CI=true, where that fails the run.
peers: $(PEERS)/node_modules/.installed

$(PEERS)/node_modules/.installed: $(PEERS)/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix $(PEERS) --no-audit --no-fund && touch $@; \
	elif [ "$$CI" = true ]; then \
		echo "npm is needed for the tests' peers (tests/peers)" >&2; exit 1; \
	else \
		echo "npm not found: the tests that need Node peers are skipped" >&2; \
	fi

lint: $(BIN)/.installed
	$(BIN)/ruff check crm migrations tests wsgi.py gunicorn.conf.py serve.py
	$(BIN)/ruff format --check crm migrations tests wsgi.py gunicorn.conf.py serve.py

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
	rm -rf $(VENV) .pytest_cache .ruff_cache $(PEERS)/node_modules
