# The two commands of the README are `make book` and `make test`; the rest serve them.
# Every target creates or refreshes the virtual environment in .venv/ when
# requirements.txt or pyproject.toml changed, and does nothing extra when it is current.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Stamp written after a successful install: its timestamp says the venv is current.
VENV_STAMP := $(VENV)/.requirements-installed

.PHONY: book pdf test test-fast notebooks cohort ensemble bench lock lab clean venv

venv: $(VENV_STAMP)

$(VENV_STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

## Build the book into _build/html (on $$COHORT_CSV when set, else the shipped cohort) with
## its PDF edition, which every page links to (the PDF step needs chromium and poppler-utils;
## `python -m hsct_ms book` builds the website alone).
book: $(VENV_STAMP)
	$(BIN)/python -m hsct_ms.build.pdf

## The PDF edition alone is part of `make book`: _build/pdf/hsct-ms-book.pdf (the website
## first, then its chapters on one page, printed by Chromium; a copy goes into the site).
pdf: book

## Run every test: unit tests, strict nbval on notebooks/, the built site in Chromium, the PDF.
## Books built on test cohorts start in the background at collection (tests/conftest.py).
test: book
	$(BIN)/python -m pytest

## Unit tests only (tests/unit/, mirroring src/hsct_ms/): no book build, no R, no browser.
test-fast: $(VENV_STAMP)
	$(BIN)/python -m pytest tests/unit -q

## Execute chapters/*.md on the shipped cohort into notebooks/*.ipynb (the verified record);
## CHAPTERS="outcomes limitations" runs only those.
notebooks: $(VENV_STAMP)
	$(BIN)/python -m hsct_ms notebooks $(CHAPTERS)

## Regenerate data/cohort.csv from data/published/ (deterministic).
cohort: $(VENV_STAMP)
	$(BIN)/python -m hsct_ms reconstruct

## Time clean builds on 210 and 100,000 patients beside their floor (Sphinx with nothing to
## execute + one bare kernel start per chapter); check the cost stays flat. Then 10,000
## patients with EDSS visits: clean (pymsprog derives every rule), and again on the cached
## derivation (several minutes on 2 cores).
bench: $(VENV_STAMP)
	$(BIN)/python -m hsct_ms bench

## Regenerate data/ensemble.csv: alternative reconstructions (a few minutes, 2 processes).
ensemble: $(VENV_STAMP)
	$(BIN)/python -m hsct_ms ensemble

## Recompile requirements.txt from requirements.in.
lock: $(VENV_STAMP)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file requirements.txt requirements.in

## Open JupyterLab on the repository: notebooks/*.ipynb open with their outputs, paired by
## jupytext with chapters/*.md (saving one updates the other).
lab: $(VENV_STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root)

clean:
	rm -rf _build
