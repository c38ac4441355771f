# bangtin — two commands do all the set-up on a fresh machine:
#   make run    create .venv, install, migrate, seed the demo, start `bangtin up` (embedded default)
#   make test   everything `make run` installs, plus Debian's chromium for browser tests, then pytest
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BANGTIN := $(BIN)/bangtin

.PHONY: run test lint install browser speech models axe i18n bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "bangtin needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed

run: export BANGTIN_DEMO ?= true
run: install .env
	$(BANGTIN) db upgrade
	$(BANGTIN) seed --demo
	$(BANGTIN) up

# Settings read `.env` from the working directory: with this one, `bangtin` commands typed in another
# shell of the checkout use the demo's key and data too. An existing .env is left as it is.
.env:
	@echo "BANGTIN_DEMO=true" > $@
	@echo "wrote .env (BANGTIN_DEMO=true): bangtin commands in this checkout work on the demo's data"

# Browser tests drive Debian's chromium (no browser download); root installs it, others are told.
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: sudo apt-get install chromium (browser tests skip without it, fail on CI)"; fi; }

# ruff (rules and line length in pyproject.toml) and mypy (strict on core/, see pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

# Speech for the transcription tests: espeak-ng (Debian) speaks vi, en-us and cmn-latn-pinyin.
speech:
	@command -v espeak-ng >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null; \
	  else echo "espeak-ng is missing: sudo apt-get install espeak-ng (transcription tests skip without it, fail on CI)"; fi; }

# The trained Whisper base model (CTranslate2, ~150 MB) for the transcription tests and benchmark,
# fetched once into ~/.cache/bangtin-models by the shared script beside the checkout, checked by sha256.
WHISPER_FETCH := $(CURDIR)/../shared/models/fetch-whisper-base.sh
models:
	@if [ -f "$(WHISPER_FETCH)" ]; then bash "$(WHISPER_FETCH)" >/dev/null; \
	else echo "$(WHISPER_FETCH) is missing: transcription tests skip (and fail on CI)"; fi

# axe-core (accessibility checks injected by the browser tests) from the npm registry, cached here.
AXE := .cache/npm/node_modules/axe-core/axe.min.js
$(AXE):
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install npm (the accessibility tests need axe-core)"; exit 1; }
	npm install --silent --no-audit --no-fund --prefix .cache/npm axe-core@4.14

axe: $(AXE)

test: install browser speech models axe
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Extract new messages into the catalogs, fill English from the ids, list Vietnamese still to translate.
i18n: install
	PYBABEL=$(BIN)/pybabel sh i18n/update.sh
	$(BIN)/python -m i18n.fill en - core admin airing notify records bot media alerts
	$(BIN)/python -m i18n.fill vi - core admin airing notify records bot media alerts

# Each benchmark prints JSON and exits non-zero when it misses its target; all of them run.
bench: install speech models
	@status=0; for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || status=1; done; exit $$status

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .cache
