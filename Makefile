# The few commands a reader or maintainer types. Each sets up .venv from the lock first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

# PyTorch (pinned in requirements.lock) is installed first, from where its build fits:
# TORCH=cpu, the default, takes PyTorch's CPU build on Linux (PyPI's Linux wheel is a
# multi-GB CUDA build) and PyPI's wheel on macOS; TORCH=cuda takes PyPI's CUDA build.
TORCH         ?= cpu
TORCH_VERSION := $(shell sed -n 's/^torch==//p' requirements.lock)
ifeq ($(TORCH),cpu)
  ifeq ($(shell uname -s),Linux)
    TORCH_INSTALL := --no-deps --index-url https://download.pytorch.org/whl/cpu torch==$(TORCH_VERSION)+cpu
  else
    TORCH_INSTALL := --no-deps torch==$(TORCH_VERSION)
  endif
else ifeq ($(TORCH),cuda)
  TORCH_INSTALL := torch==$(TORCH_VERSION)
else
  $(error TORCH must be cpu or cuda; got '$(TORCH)')
endif
STAMP := $(VENV)/.installed-from-lock-torch-$(TORCH)

# Which level of the book's guarantee `make test` checks the notebooks at: auto (the
# reference level where this machine made the stored outputs, else everywhere),
# reference (strict nbval) or everywhere (verdicts, glued numbers, figures in tolerance).
GUARANTEE ?= auto

# The notebook run again with two threads: its PyTorch training loops leave the thread
# count to the environment, so a result that depends on it shows there.
THREADS_CHECK := notebooks/01-what-is-deep-learning/01-a-neuron.ipynb

# Stored outputs are made on the CPU, one thread, no progress bars, offline.
RUN_ENV := DLML_DEVICE=cpu DLML_PROGRESS=0 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
           IPYTHONDIR=$(CURDIR)/tests/ipython

# The browser test of the site drives Debian's Chromium; `make test` installs it when missing.
CHROMIUM     ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup book pdf test seeds lab execute bench gpu-check lock clean browser

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required; got " + sys.version.split()[0] + ". Use make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	@# Switching between TORCH=cpu and TORCH=cuda replaces the installed build of torch.
	if ls $(VENV)/.installed-from-lock* 2>/dev/null | grep -qv -- '-torch-$(TORCH)$$'; then \
	  $(BIN)/python -m pip uninstall --quiet --yes torch; fi
	rm -f $(VENV)/.installed-from-lock*
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(TORCH_INSTALL)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

setup: $(STAMP)  ## create .venv with the exact versions of requirements.lock (TORCH=cpu|cuda)

book: $(STAMP)  ## build the website from the stored, tested notebook outputs
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is at $(CURDIR)/_build/html/index.html"

pdf: $(STAMP) browser  ## print the built website into one PDF of the book, _build/html/dl-vs-ml-measured.pdf
	@[ -f _build/html/index.html ] || $(MAKE) --no-print-directory book
	CHROMIUM="$(CHROMIUM)" CHROMEDRIVER="$(CHROMEDRIVER)" $(BIN)/python scripts/print_pdf.py

test: $(STAMP) browser  ## lint, unit tests, every notebook re-executed and checked, the -W book build and its PDF, the site in a browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# The online step of the test that runs a notebook alone from the dlml wheel, offline.
	$(BIN)/python scripts/wheelhouse.py
	$(BIN)/python -m pytest -n 2 lib tests
	@# Two notebooks at a time, one thread each, keep both cores busy (most of the book's
	@# work is one-thread PyTorch); DLML_MAX_JOBS=1 keeps each notebook's runs in its own
	@# process, as two notebooks already fill the two cores (dlml.parallel). The run's
	@# header says which level of the guarantee applies, and why.
	DLML_GUARANTEE=$(GUARANTEE) DLML_MAX_JOBS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	  $(BIN)/python -m pytest -n 2 --dist loadfile notebooks
	@# The stored outputs were made with one thread: one notebook again with two, so that
	@# outputs which depend on the thread count still fail here.
	DLML_GUARANTEE=$(GUARANTEE) OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 $(BIN)/python -m pytest $(THREADS_CHECK)
	$(MAKE) --no-print-directory book
	$(MAKE) --no-print-directory pdf
	$(BIN)/python scripts/check_site.py
	@# Two browsers at a time: each check mostly waits on its browser, so the two overlap.
	CHROMIUM="$(CHROMIUM)" CHROMEDRIVER="$(CHROMEDRIVER)" $(BIN)/python -m pytest -n 2 tests/browser
	@echo "Screenshots of the site are in $(CURDIR)/_build/screenshots/"

# `make seeds SHIFT="1000 2000"` shifts every seed the book uses (dlml.seeds) by each
# value in turn, re-executes every notebook (or NOTEBOOKS=...) and fails if any verdict
# reaches another outcome or holds in other cases than the stored one.
SHIFT ?=
seeds: $(STAMP)  ## re-run the notebooks with every seed shifted by SHIFT; fail if a verdict changes
	@[ -n "$(SHIFT)" ] || { echo 'make seeds needs SHIFT, one or more whole numbers > 0: make seeds SHIFT="1000 2000"'; exit 2; }
	@for shift in $(SHIFT); do \
	  echo "== seeds shifted by $$shift"; \
	  DLML_SEED_SHIFT=$$shift $(RUN_ENV) $(BIN)/python -m pytest -p no:cacheprovider --guarantee seeds \
	    $(or $(NOTEBOOKS),notebooks) || exit 1; \
	done

browser:  ## install Debian's chromium and chromium-driver for the browser test, if missing
	@if [ ! -x "$(CHROMIUM)" ] || [ ! -x "$(CHROMEDRIVER)" ]; then \
	  echo "Installing Debian's chromium and chromium-driver for the browser test of the site"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium chromium-driver; \
	fi

lab: $(STAMP)  ## open the notebooks in JupyterLab, in the book's environment
	$(BIN)/jupyter lab notebooks

execute: $(STAMP)  ## re-execute every notebook in place, in a fresh kernel, on the CPU
	$(BIN)/python scripts/colab_cell.py
	$(RUN_ENV) $(BIN)/python scripts/execute.py $(NOTEBOOKS)

bench: $(STAMP)  ## time every notebook and the MNIST-1D reference runs; write benchmarks/results.json
	$(RUN_ENV) $(BIN)/python benchmarks/run.py

gpu-check: $(STAMP)  ## on a machine with CUDA: device selection and the pilot notebook on the GPU
	DLML_DEVICE=cuda DLML_PROGRESS=0 $(BIN)/python scripts/gpu_check.py $(NOTEBOOKS)

lock:  ## re-resolve requirements.lock from requirements.in (maintainers only)
	rm -rf /tmp/dlml-lock && $(PYTHON) -m venv /tmp/dlml-lock
	/tmp/dlml-lock/bin/python -m pip install --quiet $(TORCH_INSTALL)
	/tmp/dlml-lock/bin/python -m pip install --quiet -r requirements.in
	/tmp/dlml-lock/bin/python -m pip freeze --exclude-editable | sed 's/+cpu$$//' > requirements.lock
	/tmp/dlml-lock/bin/python scripts/sync_environment.py  # the new environment: .venv may not exist yet

clean:  ## remove the build and the environment
	rm -rf _build $(VENV)
