# dermadash: `make run` starts the app, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8501
POSTGRES_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test setup chromium nginx lint format bench clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

## Start the app on the embedded SQLite database (or DERMADASH_DATABASE_URL).
run: $(STAMP)
	$(PY) -m dermadash init
	$(VENV)/bin/streamlit run app.py --server.address=$(HOST) --server.port=$(PORT)

## Debian's Chromium for the browser tests (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Chromium from Debian's packages"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

## Debian's nginx for the deployment test, which serves deploy/nginx.conf.template for real.
nginx:
	@[ -x /usr/sbin/nginx ] || { \
		echo "Installing nginx from Debian's packages"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx-light >/dev/null; }

## Every test: SQLite always, PostgreSQL when a server answers on 127.0.0.1:5432.
## Under CI=true a PostgreSQL that is down is started, and one that stays silent fails.
## Two workers (a worker that runs out of tests takes some of the other's: `worksteal`),
## then the `solo` tests alone (exit 5 = PYTEST_ARGS selected none there).
POSTGRES_ANSWERS := $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null
test: $(STAMP) chromium nginx
	@if [ -z "$$DERMADASH_TEST_POSTGRES_URL" ] && [ "$$CI" = true ] && ! $(POSTGRES_ANSWERS); then \
		echo "PostgreSQL does not answer on 127.0.0.1:5432: starting it"; \
		$(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start || true; \
		sleep 2; \
	fi; \
	if [ -z "$$DERMADASH_TEST_POSTGRES_URL" ] && $(POSTGRES_ANSWERS); then \
		echo "PostgreSQL answers on 127.0.0.1:5432: its tests run too"; \
		export DERMADASH_TEST_POSTGRES_URL="$(POSTGRES_TEST_URL)"; \
	elif [ -z "$$DERMADASH_TEST_POSTGRES_URL" ] && [ "$$CI" = true ]; then \
		echo "CI needs PostgreSQL on 127.0.0.1:5432 and none answers, even after trying to start it."; \
		exit 1; \
	fi; \
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . || exit 1; \
	$(VENV)/bin/mypy || exit 1; \
	$(PY) -m pytest -n 2 --dist worksteal -m "not solo" $(PYTEST_ARGS); parallel=$$?; \
	$(PY) -m pytest -m solo $(PYTEST_ARGS); alone=$$?; \
	for status in $$parallel $$alone; do \
		[ $$status -eq 0 ] || [ $$status -eq 5 ] || exit $$status; \
	done

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	$(PY) -m dermadash bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
