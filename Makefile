# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test install frontend lint typecheck check bench clean

run: install frontend
	$(PY) -m portal.devstack run

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required (set PYTHON=python3.11)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --config-settings editable_mode=compat -e '.[dev]'
	touch $(STAMP)

# Builds the React app once frontend/ holds one; the API serves frontend/dist at /.
frontend:
	@if [ -f frontend/package.json ]; then \
		cd frontend && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check . || true

typecheck: install
	$(VENV)/bin/mypy .

check: lint typecheck test

bench: install
	$(PY) bench/api_baseline.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
