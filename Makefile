# Two commands do all set-up on a fresh machine with python3 and make:
#   make run   - the whole product (web, worker, Zoom sandbox) on SQLite with demo data
#   make test  - lint, type check, import contracts and the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint typecheck contracts pytest chromium bench benchmarks lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Runtime dependencies only, pinned by constraints.txt, and the Zoom sandbox the demo runs
# (its own distribution, zoom-sandbox/; a production install is `pip install .` alone).
$(VENV)/.runtime: $(BIN)/python pyproject.toml zoom-sandbox/pyproject.toml constraints.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[demo]' -e ./zoom-sandbox
	touch $@

# Runtime plus the test and quality tools, and what the sandbox's own tests import.
$(VENV)/.dev: $(VENV)/.runtime
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]' -e './zoom-sandbox[test]'
	touch $@

run: $(VENV)/.runtime
	$(BIN)/slotlink run

test: $(VENV)/.dev chromium lint typecheck contracts pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests zoom-sandbox $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests zoom-sandbox $(wildcard benchmarks)

typecheck: $(VENV)/.dev
	SLOTLINK_MODE=test $(BIN)/mypy

# The import contracts in pyproject.toml: each app imports only the layers below it, and
# the product never imports the sandbox.
contracts: $(VENV)/.dev
	$(BIN)/lint-imports

# The suite runs in one process per core (pytest-xdist; a busy worker hands tests to an idle
# one): most tests wait on a server, a browser or a child process. PYTEST_WORKERS=0 runs it
# in this process alone, e.g. to debug with a breakpoint.
PYTEST_WORKERS ?= auto
pytest: $(VENV)/.dev
	SLOTLINK_MODE=test $(BIN)/pytest $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist worksteal) $(PYTEST_ARGS)

# Browser tests drive Debian's Chromium; Playwright's own browser download does not work here.
chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get install -y -qq chromium >/dev/null 2>&1 || \
	      { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; \
	  else \
	    echo "The browser tests need Chromium at $(CHROMIUM): install it (Debian: apt-get install chromium) or set CHROMIUM=/path/to/chromium." >&2; \
	    exit 1; \
	  fi; }

# Every benchmark side by side; rewrites docs/benchmarks.md's latest run and its plot.
$(VENV)/.bench: $(VENV)/.dev
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,bench]'
	touch $@

bench: $(VENV)/.bench
	$(BIN)/python -m benchmarks.run_all $(BENCH_ARGS)

benchmarks: bench

# Re-pin every dependency after changing pyproject.toml.
lock: $(VENV)/.dev
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
