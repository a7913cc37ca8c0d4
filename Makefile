# invoiceport: `make run` serves a demo, `make test` checks everything. Needs only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_DB ?= invoiceport-demo.db
DEMO_INVOICES ?= 200
# The demo's admin token: yours if INVOICEPORT_ADMIN_TOKEN is set, else a new one per `make run`.
ADMIN_TOKEN = $(or $(INVOICEPORT_ADMIN_TOKEN),$(shell $(PYTHON) -c 'import secrets; print("adm_" + secrets.token_urlsafe(24))'))

.PHONY: run test test-full lint types pytest chromium lock bench bench-pdf clean

$(STAMP): requirements/lock.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	@token='$(ADMIN_TOKEN)'; \
	export INVOICEPORT_DATABASE_URL=sqlite:///$(DEMO_DB) INVOICEPORT_ADMIN_TOKEN="$$token"; \
	$(BIN)/invoiceport demo --reset --invoices $(DEMO_INVOICES) --base-url http://$(HOST):$(PORT) && \
	exec $(BIN)/invoiceport serve --host $(HOST) --port $(PORT)

test: lint types pytest

test-full:
	INVOICEPORT_TEST_FULL=1 $(MAKE) test

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)

types: $(STAMP)
	$(BIN)/mypy

# One pytest worker per core (pytest-xdist), each with its own PostgreSQL database; a test file
# runs whole on one worker (its module- and package-scoped servers start there in file order).
# PYTEST_WORKERS=0 runs the suite in one process.
PYTEST_WORKERS ?= auto
pytest: $(STAMP) chromium
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The browser tests drive Debian's chromium (never a browser Playwright downloads itself).
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

# Re-resolve the pinned dependency set after editing pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/lock.txt

# Benchmarks (not part of `make test`); see bench/README.md. `make bench` needs PostgreSQL at
# BENCH_DATABASE (its own database, built once and reused; BENCH_ARGS=--rebuild rebuilds it), and
# installs wrk (apt-get) and Prism (npx) when missing. The report goes to bench/results/.
BENCH_DATABASE ?= postgresql://postgres@127.0.0.1:5432/invoiceport_bench
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	$(BIN)/python bench/run.py --url $(BENCH_DATABASE) $(BENCH_ARGS)

bench-pdf: $(STAMP)
	$(BIN)/python bench/bench_pdf.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache $(DEMO_DB)
