# Two commands on a fresh clone: `make run` (pipeline on seeds/ -> warehouse/) and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# torch comes in through argostranslate -> stanza. 2.13.0 is a CPU build on this workplace's
# disk; elsewhere add e.g. TORCH_PIP_ARGS="--index-url https://download.pytorch.org/whl/cpu".
TORCH_PIP_ARGS ?=
PIP_QUIET := --quiet --disable-pip-version-check

.PHONY: setup run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_QUIET) torch==2.13.0 $(TORCH_PIP_ARGS) 2>&1 | { grep -v '^WARNING: Location' || true; }
	$(BIN)/pip install $(PIP_QUIET) -e '.[dev]' 2>&1 | { grep -v '^WARNING: Location' || true; }
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/newsnorm run

test: setup
	$(BIN)/ruff check src flows tests benchmarks scripts
	$(BIN)/pytest -n 2 --dist loadfile

bench: setup
	$(BIN)/python benchmarks/langid_eval.py
	$(BIN)/python benchmarks/boilerplate_eval.py
	$(BIN)/python benchmarks/stories_eval.py
	$(BIN)/python benchmarks/run.py --articles 3000

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
