# sparkhub: `make run` serves it with demo data, `make test` runs the whole suite.
# Both create .venv and install what they need first, printing each step.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test test-fast bench lint chromium jdbc-drivers clean

$(VENV)/.runtime: requirements.txt
	@echo "==> Creating $(VENV) and installing runtime dependencies"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	@echo "==> Installing test and lint dependencies"
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

run: $(VENV)/.runtime
	@command -v java >/dev/null || { echo "Java 17+ is needed for Spark: install a JDK (e.g. openjdk-17-jre-headless)"; exit 1; }
	@echo "==> Migrating the database"
	$(PY) manage.py migrate --verbosity 0
	@echo "==> Loading demo data"
	$(PY) manage.py demo
	@echo "==> Starting sparkhub on port $(PORT)"
	$(PY) manage.py serve --port $(PORT)

chromium:
	@bash scripts/ensure_chromium.sh

jdbc-drivers:
	@bash scripts/ensure_jdbc_drivers.sh

test: $(VENV)/.dev chromium jdbc-drivers
	@echo "==> Running the whole suite (unit, database, Redis, Spark, browser)"
	$(PY) -m pytest

test-fast: $(VENV)/.dev
	@echo "==> Running the tests that need neither Spark nor a browser"
	$(PY) -m pytest -m "not spark and not browser and not slow"

bench: $(VENV)/.dev
	@for script in bench/*.py; do echo "==> $$script"; $(PY) $$script || exit 1; done

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/hadolint Dockerfile

clean:
	rm -rf $(VENV) var/test .pytest_cache .ruff_cache
