# Relations: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install migrate superuser test lint format bench mutate clean

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
	@echo "  Create an admin with:  make superuser   (or: $(PY) manage.py createsuperuser)"
	@echo "  then log in at http://$(HOST):$(PORT)/admin/ ; add users to the Teachers group there."
	@echo ""
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

superuser: migrate
	DJANGO_DEBUG=1 $(PY) manage.py createsuperuser

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

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mutation
