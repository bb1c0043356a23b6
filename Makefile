# Developer commands.  Each target is one command you could type yourself;
# README.md and .ci/run use the same ones.
#
#   make install      build the extension in place and install cact with its test extras (editable)
#   make build        rebuild in place what changed (the extension modules, the static library);
#                     on a fresh machine, make install first
#   make test         build, then the everyday tests over the cores (pytest-xdist; not the slow ones)
#   make test-all     build, then every test: also those marked slow (C builds, sanitizers, sweeps); CI
#   make lint         ruff, the generated files up to date, clang-format 14 (when installed)
#   make format       apply ruff's fixes and clang-format to the sources
#   make docs         regenerate the generated files and the tables in README.md and docs/
#   make bench        the speed benchmark against the installed peers
#   make exhaustive   every float32 input through every kernel at every ISA level (about 2 h a core)
#   make sanitize     the suite against an ASan + UBSan build of the extension
#
# PYTHON=... picks the interpreter (default: python3); PYTEST_ARGS=... adds to pytest's arguments.

PYTHON ?= python3
PYTEST_ARGS ?=
CLANG_FORMAT ?= clang-format
# the C sources under version control, less the generated ones
C_SOURCES = $(filter-out include/cact/version.h include/cact/functions.inc, \
              $(shell git ls-files '*.c' '*.h' 2>/dev/null))

.PHONY: help install build test test-all lint format docs bench exhaustive sanitize

help:
	@sed -n '4,15p' Makefile

install:
	$(PYTHON) -m pip install -e ".[test]"

# incremental: a second run with nothing changed compiles nothing (a few seconds).  On a
# fresh machine (the build and test requirements missing) it runs `make install` first.
build:
	@$(PYTHON) -c "import Cython, numpy, pytest, xdist, mpmath, hypothesis" 2>/dev/null || $(MAKE) install PYTHON=$(PYTHON)
	$(PYTHON) setup.py -q build_ext --inplace -j 2

# -n auto: pytest-xdist over the cores; --dist loadgroup keeps each costly C build in one worker
PYTEST = $(PYTHON) -m pytest -q -p no:cacheprovider -n auto --dist loadgroup

test: build
	$(PYTEST) $(PYTEST_ARGS)

test-all: build
	$(PYTEST) -m "" $(PYTEST_ARGS)

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) tools/generate.py --check
	@if command -v $(CLANG_FORMAT) >/dev/null 2>&1; then \
	    $(CLANG_FORMAT) --version | grep -q "version 14\." || \
	        { echo "lint: the sources are formatted by clang-format 14 (pip install clang-format==14.0.6)"; exit 1; }; \
	    echo "$(CLANG_FORMAT) --dry-run --Werror ($(words $(C_SOURCES)) files)"; \
	    $(CLANG_FORMAT) --dry-run --Werror $(C_SOURCES); \
	else \
	    echo "lint: $(CLANG_FORMAT) is not installed; C formatting not checked"; \
	fi

format:
	$(PYTHON) -m ruff check --fix .
	@if command -v $(CLANG_FORMAT) >/dev/null 2>&1; then \
	    $(CLANG_FORMAT) -i $(C_SOURCES); \
	else \
	    echo "format: $(CLANG_FORMAT) is not installed; C sources left as they are"; \
	fi

docs:
	$(PYTHON) tools/generate.py

bench:
	$(PYTHON) -m cact bench

exhaustive:
	$(MAKE) -C tools/exhaustive full

sanitize:
	PYTHON=$(PYTHON) .ci/sanitize
