# GNNs for Integrative Omics: every command a student, reader, instructor or CI needs.
# `make help` lists them. The environment (.venv/) is created from requirements.lock on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
# Quiet, reproducible notebook runs: no user site-packages, a fixed matplotlib backend,
# and no kernel start-up banner from the Jupyter data dir.
export PYTHONNOUSERSITE := 1
export MPLBACKEND := module://matplotlib_inline.backend_inline
export PYDEVD_DISABLE_FILE_VALIDATION := 1

# The pinned numerical environment. Stored outputs are produced (`make execute`) and
# checked (`make nbval`) in it, so that they reproduce on any x86-64 CPU with AVX2,
# whatever CPU executed them: numpy/scipy's OpenBLAS kernel, torch's own vectorised
# kernels, MKL (instruction set and its conditional numerical reproducibility mode),
# oneDNN, numpy's own SIMD loops (AVX2 at most), the thread count and Python's hash
# seed (and idle OpenMP threads sleep rather than spin, which changes no number but keeps
# `make test`'s parallel notebook passes from starving each other). It is the AVX2 CPU that the reproducibility issue emulates, on any CPU, and it
# overrides whatever the caller exported; a student's JupyterLab does not use it (the
# chapters' claims are checked without it by `make claims`).
PINNED := OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2 \
	MKL_ENABLE_INSTRUCTIONS=AVX2 MKL_CBWR=AVX2,STRICT ONEDNN_MAX_CPU_ISA=AVX2 \
	NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR" \
	OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 PYTHONHASHSEED=0 \
	OMP_WAIT_POLICY=PASSIVE
ONE_THREAD := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
NBVAL := $(BIN)/python -m pytest --nbval -p no:cacheprovider --nbval-current-env -o testpaths=

.DEFAULT_GOAL := help
.PHONY: help env test check unit lint nbval nbval-1thread student-test claims book book-strict browser lab-test lab execute student bench lock clean

help:  ## list the commands
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if v == (3, 11) else "Python 3.11 is needed (the only version the course is tested on), found %d.%d; set PYTHON=python3.11" % v)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

env: $(STAMP)  ## create .venv/ from requirements.lock (done automatically by the others)

test: $(STAMP)  ## run everything: unit tests, lint, notebooks (nbval, also single-threaded, and the student edition), strict site build, browser tests (site and JupyterLab)
	$(MAKE) --no-print-directory unit lint
	$(MAKE) --no-print-directory -j2 --output-sync=target nbval nbval-1thread student-test
	$(MAKE) --no-print-directory book-strict
	@$(BIN)/python tools/chromium.py --install; found=$$?; \
	if [ $$found -eq 0 ]; then \
	  $(MAKE) --no-print-directory browser lab-test && echo "make test: all checks passed"; \
	elif [ $$found -eq 1 ]; then \
	  echo "make test: all checks passed, but the browser tests were NOT run (no Chromium: see the line above)"; \
	else \
	  echo "make test: failed: no Chromium, and CI=true needs the browser tests"; exit 1; \
	fi

check: $(STAMP)  ## the fast tier while working on the course: unit tests not marked slow, and lint (well under a minute)
	$(BIN)/python -m pytest -q -m "not slow" tests --ignore=tests/browser
	$(MAKE) --no-print-directory lint

unit: $(STAMP)  ## unit tests of helpers/ and of the environment files
	$(BIN)/python -m pytest --durations=12 tests --ignore=tests/browser

lint: $(STAMP)  ## ruff lint and format check of helpers/, tests/, tools/ and the notebooks
	$(BIN)/ruff check helpers tests tools notebooks
	$(BIN)/ruff format --check helpers tests tools notebooks

nbval: $(STAMP)  ## re-execute every notebook in the pinned environment and compare with its stored outputs
	env $(PINNED) $(NBVAL) $(NOTEBOOKS)

nbval-1thread: $(STAMP)  ## the same with one thread (as on a student's laptop)
	env $(PINNED) $(ONE_THREAD) $(NBVAL) $(NOTEBOOKS)

book: $(STAMP)  ## render the site from the stored outputs into _build/html/
	$(BIN)/jupyter-book build . --path-output .
	@echo "Open the site: file://$(CURDIR)/_build/html/index.html"

book-strict: $(STAMP)  ## the site build with every warning as an error
	$(BIN)/jupyter-book build . --path-output . --warningiserror --nitpick --keep-going

browser: $(STAMP)  ## Chromium on the built site: errors, images, links, toggles, search, launch buttons; screenshots -> _build/screenshots/
	$(BIN)/python -m pytest -p no:cacheprovider tests/browser/test_site.py tests/browser/test_launch_buttons.py

lab-test: $(STAMP)  ## JupyterLab in Chromium: the setup check run through the UI, solution cells collapsed
	$(BIN)/python -m pytest -p no:cacheprovider tests/browser/test_jupyterlab.py

claims: $(STAMP)  ## every notebook under other CPUs' kernels, nothing pinned: fails if a chapter's claim breaks
	$(BIN)/python tools/claims.py $(NOTEBOOKS)

lab: $(STAMP)  ## JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks

execute: $(STAMP)  ## re-run every notebook in place (refresh stored outputs after an edit)
	env $(PINNED) $(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

student: $(STAMP)  ## student edition without solutions -> _build/student/
	$(BIN)/python tools/student_edition.py

student-test: student  ## the student edition runs top to bottom (no errors, claims hold; outputs not compared)
	env $(PINNED) $(NBVAL:--nbval=--nbval-lax) _build/student

bench: $(STAMP)  ## time notebooks vs the import-only floor, and every graph builder at 10k-100k cells -> _build/bench/, instructor guide, README
	env $(PINNED) $(BIN)/python tools/bench.py
	env $(PINNED) $(BIN)/python tools/scaling.py
	$(BIN)/python tools/bench.py --update-guide

lock:  ## regenerate requirements.lock and environment.yml (needs the package index)
	bash tools/lock.sh

clean:  ## remove the built site (keeps .venv/)
	rm -rf _build
