# `make run` and `make test` do all the set-up on a fresh machine.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
PORT ?= 5000
# Links in mail point at the server `make run` starts (never at a request's Host header).
ENGAGE_BASE_URL ?= http://127.0.0.1:$(PORT)
DATABASE_URL ?= sqlite:///instance/engage.db
# Let Python keep the modules it compiles (.pyc files, git-ignored). These machines set
# PYTHONDONTWRITEBYTECODE=1, and then every process compiled engage, its libraries and the
# tests (pytest's assertion rewriting) again: 3 s for each test worker and each process a
# test starts. An empty value turns the setting off.
export PYTHONDONTWRITEBYTECODE :=
ASSETS := engage/static/vendor/nhsuk
AUTOCOMPLETE := engage/static/vendor/accessible-autocomplete

.PHONY: install run test lint typecheck pytest pytest-sqlite pytest-postgresql coverage bench bench-scale mutants fuzz load faults clean

install: $(VENV)/.installed node_modules/.installed $(ASSETS)/.copied $(AUTOCOMPLETE)/.copied

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# uv (from PyPI) installs what pip would, from the same registry, in a fraction of the
	# time: 30 s with pip on a fresh clone, under 10 s this way.
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# NHS.UK frontend's built CSS, JS and images are copied, not committed.
$(ASSETS)/.copied: node_modules/.installed
	rm -rf $(ASSETS)
	mkdir -p $(ASSETS)
	cp node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css \
	   node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js $(ASSETS)/
	cp -r node_modules/nhsuk-frontend/dist/nhsuk/assets $(ASSETS)/assets
	# The built CSS points at /assets/ from the site root; ours are served beside it.
	sed -i 's#url(/assets/#url(assets/#g' $(ASSETS)/nhsuk-frontend.min.css
	touch $@

# accessible-autocomplete (the type-to-choose owner box), copied the same way.
$(AUTOCOMPLETE)/.copied: node_modules/.installed
	rm -rf $(AUTOCOMPLETE)
	mkdir -p $(AUTOCOMPLETE)
	cp node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.js \
	   node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.css $(AUTOCOMPLETE)/
	touch $@

RUN_ENV = DATABASE_URL=$(DATABASE_URL) ENGAGE_ENV=development ENGAGE_BASE_URL=$(ENGAGE_BASE_URL)

run: install
	$(RUN_ENV) $(BIN)/flask --app engage db upgrade
	$(RUN_ENV) $(BIN)/flask --app engage seed-demo --if-empty
	@echo "engage is at $(ENGAGE_BASE_URL)  (demo logins: see README.md)"
	@echo "The scheduler runs beside it (its log lines start with a date); Ctrl-C stops both."
	# The scheduler is a process of its own (never inside gunicorn's workers); the trap stops
	# it cleanly (SIGTERM) however the web server ends.
	$(RUN_ENV) sh -c '\
	  $(BIN)/flask --app engage scheduler & scheduler=$$!; \
	  trap "kill -TERM $$scheduler 2>/dev/null; wait $$scheduler" EXIT INT TERM; \
	  $(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 "engage:create_app()"'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# pytest-xdist: one worker per core (WORKERS=1 for one), each with a database of its own; the
# browser tests and the demo trust's stay together in one worker (loadgroup).
WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup

# Every test on SQLite; then the database tests again on PostgreSQL when
# ENGAGE_TEST_POSTGRES_URL is set (CI=true requires it). Coverage is `make coverage`, not part
# of the run: on the 2-core CI machine it added 90 s to a 9-minute build (see README.md).
# pytest exits 5 when no test ran; make treats that, like any failure, as an error.
pytest: pytest-sqlite pytest-postgresql

pytest-sqlite: install
	$(PYTEST) --db=sqlite

# Branch coverage of every test on SQLite; fails below 90%.
coverage: install
	$(PYTEST) --db=sqlite --cov --cov-report=term:skip-covered --cov-fail-under=90

pytest-postgresql: install
	@if [ -n "$$ENGAGE_TEST_POSTGRES_URL" ]; then \
	  echo "$(PYTEST) --db=postgresql"; $(PYTEST) --db=postgresql; \
	elif [ "$$CI" = true ]; then \
	  echo "CI=true, so the PostgreSQL run is required: set ENGAGE_TEST_POSTGRES_URL"; exit 1; \
	else \
	  echo "ENGAGE_TEST_POSTGRES_URL is not set: the tests did not run on PostgreSQL"; \
	fi

test: lint typecheck pytest

bench: install
	$(BIN)/python -m pytest benchmarks --benchmark-only -p no:cacheprovider

# Mutation testing of the guarding code (not part of `make test`): the files and the tests
# that run are in pyproject.toml's [tool.mutmut]; results are kept in mutants/ so a second run
# only re-tests what changed. Prints each file's score and fails below MUTATION_MIN percent.
MUTATION_MIN ?= 90
mutants: install
	PATH=$(CURDIR)/$(BIN):$$PATH nice -n 10 $(BIN)/mutmut run --max-children 2
	$(BIN)/python -m tests.mutation_scores --minimum $(MUTATION_MIN)

# 11 fuzzed targets on 2 databases: 4546 inputs each is 100,000 in all (each run prints its
# count). The PostgreSQL half runs when ENGAGE_TEST_POSTGRES_URL is set.
FUZZ_EXAMPLES ?= 4546
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) nice -n 10 $(BIN)/python -m pytest tests/reliability/test_fuzz.py -q -p no:cacheprovider --db=sqlite
	@if [ -n "$$ENGAGE_TEST_POSTGRES_URL" ]; then \
	  FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) nice -n 10 $(BIN)/python -m pytest tests/reliability/test_fuzz.py -q -p no:cacheprovider --db=postgresql; \
	else echo "ENGAGE_TEST_POSTGRES_URL is not set: the PostgreSQL half did not run"; fi

# Locust against gunicorn and PostgreSQL on 127.0.0.1 (not part of `make test`): LOAD_USERS,
# LOAD_MINUTES, LOAD_WORKERS... (benchmarks/load/run.py). It makes its own database.
load: install
	nice -n 10 $(BIN)/python benchmarks/load/run.py

# A shorter load run while PostgreSQL restarts, a gunicorn worker and the scheduler are killed
# and SMTP stops for a minute (benchmarks/load/faults.py: FAULTS_USERS, FAULTS_MINUTES...).
# It starts a PostgreSQL cluster of its own on FAULTS_PG_PORT (5440), never the shared one.
faults: install
	nice -n 10 $(BIN)/python benchmarks/load/faults.py

clean:
	rm -rf $(VENV) node_modules $(ASSETS) $(AUTOCOMPLETE) .pytest_cache .mypy_cache .ruff_cache mutants

# Issue 15: every list page at 10,000 and 1,000,000 submissions on PostgreSQL (builds
# engage_bench_10k and engage_bench_1m; pass ARGS=--reuse to measure them again without
# rebuilding). Shared machine: it runs under nice.
bench-scale: install
	nice -n 10 $(BIN)/python benchmarks/scale_lists.py $(ARGS)
