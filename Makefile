# Two commands matter: `make run` (embedded service) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# The WACZ validator (py-wacz) for the export tests, in a venv of its own: it brings
# frictionless and chardet, which would change what the app's own dependencies pick at run
# time (requests prefers chardet when it is importable).
WACZ_VENV  := .venv-wacz
WACZ_STAMP := $(WACZ_VENV)/.installed

.PHONY: run test lint test-scale install clean wacz-validator

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(WACZ_STAMP):
	$(PYTHON) -m venv $(WACZ_VENV)
	$(WACZ_VENV)/bin/pip install --quiet 'wacz>=0.6,<0.7'
	touch $(WACZ_STAMP)

wacz-validator: $(WACZ_STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/claimdesk db upgrade
	$(BIN)/claimdesk run

test: $(STAMP) $(WACZ_STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(WACZ_VENV) instance .pytest_cache .mypy_cache .ruff_cache
