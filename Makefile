# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test install frontend frontend-test lint typecheck check bench clean

run: install frontend
	$(PY) -m portal.devstack run

# The frontend's checks first (unit tests, OpenAPI types in step, build, bundle budget), then every Python test,
# including the browser tests in tests/e2e that drive the built app in headless Chromium.
test: install frontend-test
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required (set PYTHON=python3.11)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --config-settings editable_mode=compat -e '.[dev]'
	$(PY) -m compileall -q api portal workflows activities temporal  # as the Dockerfile; see docs/benchmarks-approval.md
	touch $(STAMP)

# Builds the React app (type check + Vite build into frontend/dist, which the API serves at /). Installs the
# locked dependencies first when node_modules is missing or older than package-lock.json.
FRONTEND_STAMP := frontend/node_modules/.installed

$(FRONTEND_STAMP): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $(FRONTEND_STAMP)

frontend: $(FRONTEND_STAMP)
	cd frontend && npm run build

# The frontend's checks: unit tests, OpenAPI types in step with the backend (needs .venv), bundle budget.
frontend-test: install $(FRONTEND_STAMP)
	cd frontend && npm test && npm run check:api && npm run build && npm run check:budget

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
