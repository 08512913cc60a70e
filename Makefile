# Turnabout: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint format bench install install-dev migrate demo demo-reset clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changed: a second `make run` starts at once.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

migrate: install
	DEBUG=$${DEBUG:-1} $(BIN)/turnabout migrate --no-input -v 0

demo: migrate
	DEBUG=$${DEBUG:-1} $(BIN)/turnabout demo --if-empty

# Start the demo over: every row deleted, the demo organisation built again.
demo-reset: migrate
	DEBUG=$${DEBUG:-1} $(BIN)/turnabout demo --reset

# Links in emails point at the port actually served, unless SITE_URL says otherwise.
run: demo
	DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://127.0.0.1:$${PORT:-8000}} \
		$(BIN)/turnabout serve --port $${PORT:-8000}

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src
	PYTHONPATH=src $(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# `make bench` runs every benchmark; `make bench BENCH=import` runs one.
bench: install-dev
	SECRET_KEY=$${SECRET_KEY:-bench-only-key} $(BIN)/python bench/run.py $(BENCH)

# A full-page PNG of every page type of every role, at phone and desktop widths.
screenshots: install-dev
	TURNABOUT_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/e2e/test_layout.py -k every_page_type
	@echo "Screenshots in var/screenshots/layout/"

clean:
	rm -rf $(VENV) var build *.egg-info src/*.egg-info
