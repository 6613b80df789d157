# Two commands do everything on a fresh machine (see README.md):
#   make book   builds the HTML book into _build/html (the Chinese edition into _build/html/zh)
#   make test   runs the whole suite (library, book, browser, grading, the printed PDF)
# Both create .venv and install requirements.txt first if needed, and only
# reinstall when requirements.txt, constraints.txt or pyproject.toml change.

PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed
BIN    := $(CURDIR)/$(VENV)/bin

# Run every tool from the environment (nbgrader calls `alembic` from PATH).
export PATH := $(BIN):$(PATH)
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg

.PHONY: setup system-deps book test test-fast test-lib test-book lint bench clean-book clean

# JupyterLab settings the course ships (jupyterlab-settings/*.json): JupyterLab in .venv layers every
# file of its overrides.d over its defaults; book-chapters.json opens chapters as notebooks.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.d
LAB_SETTINGS  := $(patsubst jupyterlab-settings/%,$(LAB_OVERRIDES)/%,$(wildcard jupyterlab-settings/*.json))

setup: $(STAMP) $(LAB_SETTINGS)

$(LAB_OVERRIDES)/%.json: jupyterlab-settings/%.json $(STAMP)
	@mkdir -p $(LAB_OVERRIDES)
	cp $< $@

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 10) else "Python 3.10 or newer is needed (3.11 is tested), found %d.%d; set PYTHON=python3.11" % v[:2])'
	@echo "installing requirements.txt into $(VENV) (a minute or two the first time)"
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -qq --upgrade "pip>=24"
	$(VENV)/bin/python -m pip install -qq -r requirements.txt
	@touch $@
	@echo "environment ready in $(VENV)"

system-deps:
	@bash scripts/install-system-deps.sh

# Sphinx rewrites no page when no chapter changed, so a change to _static/, bookkit/static/, the explorer's core or the
# book's extensions (book/_ext) alone asks for --all (the executed chapters still come from the cache).
STATIC_CHANGED = $(shell find _static bookkit/static bookkit/explorer/transposed-explorer-core.js book/_ext -type f -not -path "*__pycache__*" -newer _build/html/_static/documentation_options.js 2>/dev/null | head -n 1)

# After the English edition: the message templates and the translated editions
# (mk/translations.mk), which reuse the chapters' executed outputs.
# The execution cache is keyed on the chapters' code only: what the chapters draw and compute with (the library,
# bookkit, and the catalog of the figures' words, drawn in both languages as the chapters run) makes it stale too.
CACHE_STALE = $(shell test -e _build/.jupyter_cache/global.db && find source_lib bookkit translations locale/*/LC_MESSAGES/figures.po -type f -name "*.p[yo]" -newer _build/.jupyter_cache/global.db 2>/dev/null | head -n 1)

book: setup
	$(if $(CACHE_STALE),@echo "$(CACHE_STALE) changed since the chapters ran: running them again" && rm -rf _build/.jupyter_cache)
	$(BIN)/jupyter-book build . -W -n --keep-going $(if $(or $(STATIC_CHANGED),$(CACHE_STALE)),--all)
	$(MAKE) --no-print-directory book-editions

test: setup system-deps lint book pdf
	$(BIN)/python -m pytest -n 2 --dist loadfile --timeout=900 --durations=25

# The quick loop: every test that needs nothing beyond the Python environment: the library against torch,
# the doctests, and the pure-Python book, grading and text tests; no built book, browser, kernel, sandbox
# or cluster (the markers are declared in pyproject.toml). Under a minute on 2 cores. `make test` runs these too.
FAST_MARKS := not (book or pdf or browser or jupyterlab or kernel or sandbox or dask or postgres or slow or setup)

test-fast: setup
	$(BIN)/python -m pytest -q -n 2 -m "$(FAST_MARKS)"

test-lib: setup
	$(BIN)/python -m pytest -n 2 tests/lib source_lib bookkit

test-book: setup book
	$(BIN)/python -m pytest -n 2 tests/book

# ruff, configured in pyproject.toml; `make test` runs it first
lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python benchmarks/bench_conv_transpose.py
	$(BIN)/python benchmarks/bench_widgets.py

clean-book:
	$(BIN)/jupyter-book clean . --all

clean: clean-book
	rm -rf $(VENV)

# Targets of the grading workflow and other parts live in mk/*.mk.
-include mk/*.mk
