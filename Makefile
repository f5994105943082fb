# Relations: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install migrate manage superuser test lint format bench mutate screenshots clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py load_course

run: migrate
	@echo ""
	@echo "Relations is starting at http://$(HOST):$(PORT)/"
	@echo "  Sign up at http://$(HOST):$(PORT)/accounts/signup/ to take the quizzes as a student."
	@echo "  Create an admin with:  make superuser"
	@echo "  then log in at http://$(HOST):$(PORT)/admin/ ; add users to the Teachers group there."
	@echo ""
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# Any manage.py command, as README shows them: make manage ARGS="check_questions --json".
# Runs with DEBUG on (no secret key needed) on a migrated database; prints only the
# command's own output, so it can be piped.
manage: install
	@DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input --verbosity 0
	@DJANGO_DEBUG=1 $(PY) manage.py $(ARGS)

# Asks for a name and password; with DJANGO_SUPERUSER_USERNAME, DJANGO_SUPERUSER_EMAIL
# and DJANGO_SUPERUSER_PASSWORD set (environment or make arguments) it asks nothing.
superuser: migrate
	DJANGO_DEBUG=1 $(PY) manage.py createsuperuser$(if $(DJANGO_SUPERUSER_USERNAME), --no-input)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install lint
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) -m bench $(BENCH_ARGS)

# Mutation testing of the rules' modules (targets in mutation/__init__.py); writes MUTATION.md.
# MUTATE_ARGS="grading" runs one target. Takes minutes: not part of `make test` or CI.
mutate: install
	$(PY) -m mutation $(MUTATE_ARGS)

# Screenshots of the main pages at 1280 and 390 px into docs/screenshots/, from a
# throwaway database (needs Chromium at /usr/bin/chromium; downloads nothing).
screenshots: install
	$(PY) docs/screenshots.py $(SCREENSHOTS_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mutation
