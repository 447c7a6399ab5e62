# quizgen: one entry point for people and CI (.ci/run runs `make test`).
# Needs only Python 3.11+, make and access to PyPI; everything else goes into .venv.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.quizgen-installed
LINTED := quizgen tests bench

.PHONY: help venv test lint quiz demo bench clean distclean

help:
	@echo "make test       lint, then the whole test suite (what CI runs)"
	@echo "make lint       ruff check $(LINTED)"
	@echo "make quiz       set up, then start a drill: adaptive practice with feedback (q quits)"
	@echo "make demo       a short tour of quizgen net and quizgen scenario on examples/"
	@echo "make bench      run the benchmarks in bench/ and print a table of figures"
	@echo "make clean      remove build output and caches; make distclean also removes $(VENV)"

# (Re)install when the venv is new or pyproject.toml changed since the last install.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

venv: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)

test: lint
	$(BIN)/pytest -q

quiz: $(STAMP)
	$(BIN)/quizgen drill

demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
