# The one task runner. `make demo` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120

NATIVE := $(VENV)/.native

.PHONY: demo test lint bench native plain clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# the claim engine compiled with mypyc (tools/build_native.py), rebuilt when its source changes
$(NATIVE): $(STAMP) tools/build_native.py $(wildcard claims/*.py)
	$(BIN)/python tools/build_native.py
	touch $(NATIVE)

native: $(NATIVE)

# the plain-Python engine (same results, slower) until a make target compiles it again
plain:
	$(BIN)/python tools/build_native.py --clean
	rm -f $(NATIVE)

demo: $(NATIVE)
	$(BIN)/truce demo

test: $(NATIVE)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy truce claims parsers db reports flows

bench: $(NATIVE)
	$(BIN)/python bench/extract_bench.py
	$(BIN)/python bench/noop_cycle.py
	$(BIN)/python bench/query_bench.py
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) claims/*.so .prefect demo.db demo.db-* reports/out .pytest_cache .mypy_cache .ruff_cache
