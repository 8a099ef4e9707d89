# Two commands a person needs (see README.md): `make run` and `make test`; a contributor adds
# `make lint`. Each creates the virtual environment in .venv when it is missing.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
# PYTEST_WORKERS=2 runs the suite in two pytest-xdist processes, each taking a whole test file
# at a time (a file's one server and one browser walk stay in one process). Empty (the
# default, and CI): one process, as the tests that measure latency and time were written for
# (docs/testing.md, "The suite's time").
PYTEST_WORKERS ?=
XDIST := $(if $(PYTEST_WORKERS),--numprocesses=$(PYTEST_WORKERS) --dist=loadfile)

.PHONY: run test lint format protocol-doc screenshots clean

# The environment itself; the marker files below note what has been installed into it.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@ $(VENV)/.installed-run

## run: set up and start the server on the embedded default (SQLite in instance/, eventlet)
run: $(VENV)/.installed-run
	$(BIN)/rolwissel serve --host $(HOST) --port $(PORT)

## test: set up with the test tools and run the whole test suite
# pytest exits 5 when it collected no tests: that is a failure, never a quiet success.
test: $(VENV)/.installed-dev
	@$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing on purpose" >&2; fi; \
	exit $$status

## lint: ruff's checks and formatting, then mypy (settings in pyproject.toml: strict on the
## engine, rooms, store and exports; default elsewhere). Any finding fails.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## protocol-doc: regenerate docs/protocol.md from game/web/protocol.py
protocol-doc: $(VENV)/.installed-run
	$(BIN)/rolwissel protocol-doc

## screenshots: docs/screenshots/<page>-<state>-<width>.png at 360, 768 and 1920 px wide
# Starts its own server on a free port with a temporary instance folder; needs chromium.
screenshots: $(VENV)/.installed-dev
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
