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

# ReplayWeb.page's two static files (npm package replaywebpage), for the test that replays
# an exported WACZ in Chromium. Downloaded, never committed.
RWP_VERSION := 2.5.3
RWP_DIR     := .cache/replaywebpage-$(RWP_VERSION)

.PHONY: run test lint test-scale install clean wacz-validator replaywebpage

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

$(RWP_DIR)/sw.js:
	mkdir -p $(RWP_DIR)
	cd $(RWP_DIR) && npm pack --silent replaywebpage@$(RWP_VERSION) >/dev/null \
	  && tar xzf replaywebpage-$(RWP_VERSION).tgz package/ui.js package/sw.js \
	  && mv package/ui.js package/sw.js . && rm -rf package replaywebpage-$(RWP_VERSION).tgz

replaywebpage: $(RWP_DIR)/sw.js

install: $(STAMP)

run: $(STAMP)
	$(BIN)/claimdesk db upgrade
	$(BIN)/claimdesk run

test: $(STAMP) $(WACZ_STAMP) $(RWP_DIR)/sw.js
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(WACZ_VENV) .cache instance .pytest_cache .mypy_cache .ruff_cache
