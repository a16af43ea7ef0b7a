# The two commands: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# `PORT=8001 make run` serves on another port; the demo summary prints the same URL.
PORT ?= 8000
export PORT

.PHONY: run test setup system-deps-run system-deps-test lint format messages demo clean

run: system-deps-run setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data
	@echo "Serving http://127.0.0.1:$(PORT)/ (Ctrl+C stops it)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: system-deps-test setup
	$(VENV)/bin/pytest -n 2 --durations=10 $(PYTEST_ARGS)

setup: $(STAMP) messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

messages: $(STAMP)
	cd $(CURDIR) && DJANGO_SETTINGS_MODULE= $(VENV)/bin/django-admin compilemessages --ignore=.venv -v 0

system-deps-run:
	@scripts/system-deps.sh run

system-deps-test:
	@scripts/system-deps.sh test

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_data

clean:
	rm -rf $(VENV) var
