# Entry points. `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SBML   := sbml/insulin_signaling.xml sbml/insulin_signaling_l2v4.xml
MODEL_SOURCES := $(wildcard models/*.py) models/parameters.csv
ARGS   ?=
SCAN   ?= IR_expression_down
PROBLEMS   ?= brannmark2010 brannmark2013_standin
CALIBRATE  ?= brannmark2010
STARTS     ?= 8
HYPOTHESES_DATA ?= data/brannmark2013_standin/standin.csv
HYPOTHESES_ARGS ?= --states normal,t2d

.PHONY: all install sbml demo simulate dose-response scan report sensitivity calibrate petab \
        hypotheses lint test test-fast bench bench-hypotheses clean

all: sbml

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

$(SBML) &: $(MODEL_SOURCES) | $(STAMP)
	$(PY) -m models sbml --out sbml

sbml: $(SBML)

demo: $(SBML)
	$(PY) -m analysis demo $(ARGS)

simulate: $(SBML)
	$(PY) -m analysis simulate $(ARGS)

dose-response: $(SBML)
	$(PY) -m analysis dose-response --all-causes $(ARGS)

scan: $(SBML)
	$(PY) -m analysis scan $(SCAN) $(ARGS)

report: $(SBML)
	$(PY) -m analysis report $(ARGS)

sensitivity: $(SBML)
	$(PY) -m analysis sensitivity $(ARGS)

bench: $(SBML)
	$(PY) -m analysis bench $(ARGS)

bench-hypotheses: $(SBML)
	$(PY) -m analysis bench --hypotheses $(ARGS)

# a short fit of a shipped problem (minutes on 2 cores); CALIBRATE=path/problem.yaml for yours
calibrate: $(SBML)
	$(PY) -m analysis calibrate $(CALIBRATE) --starts $(STARTS) $(ARGS)

# rewrite the shipped PEtab problems under data/petab/ from the data and the current SBML
petab: $(SBML)
	for p in $(PROBLEMS); do $(PY) -m analysis petab-problem $$p || exit 1; done

hypotheses: $(SBML)
	$(PY) -m analysis hypotheses $(HYPOTHESES_DATA) $(HYPOTHESES_ARGS) $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: $(STAMP)
	$(PY) -m pytest $(ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow" $(ARGS)

clean:
	rm -rf results .pytest_cache build *.egg-info
	find . -name __pycache__ -prune -exec rm -rf {} +
