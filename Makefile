# The two commands of README.md: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
REQUIREMENTS := requirements/base.txt requirements/dev.txt requirements/loadtest.txt
# One checksum over the three files: changing any of them reinstalls.
REQUIREMENTS_SUM := $(shell cat requirements/*.txt | cksum | cut -d' ' -f1)
STAMP := $(VENV)/.installed-$(REQUIREMENTS_SUM)
# Second stamp: the benchmark and load-test packages on top (requirements/loadtest.txt).
LOADTEST_STAMP := $(VENV)/.installed-loadtest-$(REQUIREMENTS_SUM)

.PHONY: run setup install test lint bench loadtest clean

run: setup
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

setup: $(STAMP)
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py load_plan
	DEBUG=true $(BIN)/python manage.py load_demo

install: $(STAMP)

# Two workers (pytest-xdist), each with its own test database; transactional and browser tests run last on each;
# the tests of one xdist_group (the two installations of the exchange) stay on one worker.
# pytest prints the 25 slowest tests and the total time.
TEST_WORKERS ?= 2
test: $(STAMP)
	DATABASE_URL= $(BIN)/python manage.py makemigrations --check --dry-run --settings=minsheng.settings_test
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Not a test: every page and export against its floor, on SQLite and PostgreSQL (docs/performance.md);
# BENCH_SIZE=county for a quick run. Then the monthly report on 100,000 rows against bare openpyxl.
bench: $(LOADTEST_STAMP)
	$(BIN)/python -m bench.run
	test "$(BENCH_SIZE)" = county || $(BIN)/python bench/bench_monthly_export.py

# Not a test: two gunicorn servers on 127.0.0.1 (LOADTEST_SERVERS=1: one), PostgreSQL and Redis under
# a prefecture's 600 liaisons driven by locust, then the checks (docs/performance.md).
loadtest: $(LOADTEST_STAMP)
	BIN=$(BIN) bash loadtest/run.sh

# run, test and lint: the runtime and the test tools (requirements/dev.txt includes base.txt).
$(STAMP): $(REQUIREMENTS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "需要 Python 3.11")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

# bench and loadtest: locust and pyinstrument as well (requirements/loadtest.txt includes dev.txt).
$(LOADTEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements/loadtest.txt
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
