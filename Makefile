# Two commands matter: `make run` (embedded service) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint test-scale install clean

# pip prints a line per package (and a progress bar on a terminal): the first install takes
# a few minutes and should never look stuck.
$(STAMP): pyproject.toml
	@echo "==> [1/3] creating the virtualenv in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> [2/3] updating pip"
	$(BIN)/pip install --upgrade --progress-bar on pip setuptools wheel
	@echo "==> [3/3] installing claimdesk and its dependencies (a few minutes the first time)"
	$(BIN)/pip install --progress-bar on -e '.[dev]'
	@echo "==> installed"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@echo "==> migrating the database"
	$(BIN)/claimdesk db upgrade
	@echo "==> starting web, worker and beat"
	$(BIN)/claimdesk run

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
