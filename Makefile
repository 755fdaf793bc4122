# Two commands matter: `make run` (embedded service) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# pywb (the replay server the WARC tests load captures into) pins versions that clash with
# the project's, so it gets a virtualenv of its own.
PYWB_VENV  := .venv-pywb
PYWB_STAMP := $(PYWB_VENV)/.installed

.PHONY: run test lint test-scale install pywb clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(PYWB_STAMP):
	$(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/pip install --quiet --upgrade pip
	$(PYWB_VENV)/bin/pip install --quiet 'pywb>=2.8,<3'
	touch $(PYWB_STAMP)

pywb: $(PYWB_STAMP)

run: $(STAMP)
	$(BIN)/claimdesk db upgrade
	$(BIN)/claimdesk run

test: $(STAMP) $(PYWB_STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(PYWB_VENV) instance .pytest_cache .mypy_cache .ruff_cache
