# bangtin — two commands do all the set-up on a fresh machine:
#   make run    create .venv, install, migrate, seed the demo, start `bangtin up` (embedded default)
#   make test   everything `make run` installs, plus Debian's chromium for browser tests, then pytest
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BANGTIN := $(BIN)/bangtin

.PHONY: run test lint install browser i18n bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "bangtin needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed

run: export BANGTIN_DEMO ?= true
run: install
	$(BANGTIN) db upgrade
	$(BANGTIN) seed --demo
	$(BANGTIN) up

# Browser tests drive Debian's chromium (no browser download); root installs it, others are told.
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: sudo apt-get install chromium (browser tests skip without it, fail on CI)"; fi; }

# ruff (rules and line length in pyproject.toml) and mypy (strict on core/, see pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Extract new messages into the catalogs, fill English from the ids, list Vietnamese still to translate.
i18n: install
	PYBABEL=$(BIN)/pybabel sh i18n/update.sh
	$(BIN)/python -m i18n.fill en - core admin airing notify bot media
	$(BIN)/python -m i18n.fill vi - core admin airing notify bot media

# Each benchmark prints JSON and exits non-zero when it misses its target; all of them run.
bench: install
	@status=0; for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || status=1; done; exit $$status

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
