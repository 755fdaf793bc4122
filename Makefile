# Two commands matter: `make run` (embedded service) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# pywb (the replay server the WARC tests load captures into) pins versions that clash with
# the project's, so it gets a virtualenv of its own.
PYWB_VENV  := .venv-pywb
PYWB_STAMP := $(PYWB_VENV)/.installed

# The WACZ validator (py-wacz) for the export tests, in a venv of its own: it brings
# frictionless and chardet, which would change what the app's own dependencies pick at run
# time (requests prefers chardet when it is importable).
WACZ_VENV  := .venv-wacz
WACZ_STAMP := $(WACZ_VENV)/.installed

# ReplayWeb.page's two static files (npm package replaywebpage), for the test that replays
# an exported WACZ in Chromium. Downloaded, never committed.
RWP_VERSION := 2.5.3
RWP_DIR     := .cache/replaywebpage-$(RWP_VERSION)

.PHONY: run demo test lint test-scale install lock pywb clean wacz-validator replaywebpage

# pip prints a line per package (and a progress bar on a terminal): the first install takes
# a few minutes and should never look stuck.
# Installs are reproducible: every package at the version and hashes of requirements-dev.lock
# (made from pyproject.toml by `make lock`), then claimdesk itself on top, without resolving.
$(STAMP): pyproject.toml requirements-dev.lock
	@echo "==> [1/4] creating the virtualenv in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> [2/4] updating pip"
	$(BIN)/pip install --upgrade --progress-bar on pip setuptools wheel
	@echo "==> [3/4] installing the locked dependencies (a few minutes the first time)"
	$(BIN)/pip install --progress-bar on --require-hashes -r requirements-dev.lock
	@echo "==> [4/4] installing claimdesk"
	$(BIN)/pip install --progress-bar on --no-deps -e .
	@echo "==> installed"
	touch $(STAMP)

# Re-resolve the locks after changing dependencies in pyproject.toml (needs pip-tools).
lock:
	pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-find-links \
	  -o requirements.lock pyproject.toml
	pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-find-links \
	  --extra dev -o requirements-dev.lock pyproject.toml

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

$(PYWB_STAMP):
	$(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/pip install --quiet --upgrade pip
	$(PYWB_VENV)/bin/pip install --quiet 'pywb>=2.8,<3'
	touch $(PYWB_STAMP)

pywb: $(PYWB_STAMP)

run: $(STAMP)
	@echo "==> migrating the database"
	$(BIN)/claimdesk db upgrade
	@echo "==> starting web, worker and beat"
	$(BIN)/claimdesk run

# A working desk in one command: demo people, an article, archived sources; then run it.
demo: $(STAMP)
	$(BIN)/claimdesk demo
	$(BIN)/claimdesk run

test: $(STAMP) $(PYWB_STAMP) $(WACZ_STAMP) $(RWP_DIR)/sw.js
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(PYWB_VENV) $(WACZ_VENV) .cache instance .pytest_cache .mypy_cache .ruff_cache
