# Tagungsportal: `make run` starts the portal with demo data, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMPS := .stamps
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
PO := $(wildcard portal/translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test lint format install dev system-deps browser-deps translations extract-messages bench clean demo worker

run: install translations  ## install, migrate, load demo data, serve on :5000
	$(FLASK) db up
	$(FLASK) demo load
	$(FLASK) run --host 127.0.0.1 --port 5000

test: dev translations browser-deps  ## ruff, then pytest on SQLite and (when it answers) PostgreSQL
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest
	@if $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		echo "== PostgreSQL answers at 127.0.0.1:5432: running the suite again on it =="; \
		TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -m "not browser"; \
	else \
		echo "!! No PostgreSQL at 127.0.0.1:5432: the PostgreSQL run is SKIPPED !!"; \
	fi

bench: dev  ## benchmarks: figures, not tests
	@for f in bench/*.py; do [ -e "$$f" ] || continue; echo "== $$f"; $(BIN)/python $$f || exit 1; done

worker: install  ## deliver mail from the outbox until stopped
	$(FLASK) mail deliver --loop

demo: install
	$(FLASK) db up
	$(FLASK) demo load

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: system-deps $(STAMPS)/runtime
dev: system-deps $(STAMPS)/dev

$(STAMPS)/venv:
	@mkdir -p $(STAMPS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@touch $@

$(STAMPS)/runtime: pyproject.toml $(STAMPS)/venv
	$(BIN)/pip install --quiet -e .
	@touch $@

$(STAMPS)/dev: pyproject.toml $(STAMPS)/venv
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(STAMPS)/runtime $@

# Debian libraries: libmagic (upload sniffing) and pango (weasyprint PDFs).
system-deps:
	@missing=""; for p in libmagic1 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else echo "Bitte installieren Sie (als root):$$missing"; exit 1; fi; \
	fi

# Chromium for the browser tests (Debian's package) and axe-core (npm).
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
			|| echo "!!! Chromium could not be installed: browser tests will be SKIPPED !!!"; \
		else echo "!!! Not root: cannot install chromium; browser tests will be SKIPPED !!!"; fi; \
	fi
	@if [ ! -f node_modules/axe-core/axe.min.js ]; then \
		npm install --no-save --no-audit --no-fund --silent axe-core@4.14.1 \
			|| echo "!!! axe-core could not be installed: accessibility tests will be SKIPPED !!!"; \
	fi

translations: $(MO)

%.mo: %.po $(STAMPS)/runtime
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

extract-messages: $(STAMPS)/runtime  ## refresh the catalogues from the code and templates
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o portal/translations/messages.pot .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) $(STAMPS) node_modules
