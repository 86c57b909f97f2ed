# The two set-up commands are `make run` and `make test`; everything else is a step they call.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
WAREHOUSE ?= data/warehouse.duckdb
PORT ?= 8501
SHARED_DATA ?= ../shared/data
PUBLIC ?= build/public

.PHONY: run test test-slow test-all venv dev warehouse public demo real lint bench browser clean

$(VENV)/.installed: requirements.txt requirements-dev.txt deploy/requirements-static.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

# Real sources when they are in data/raw/ (or can be fetched); the bundled demo otherwise.
warehouse: venv
	-$(PY) -m etl fetch --quiet-offline
	$(PY) -m etl build --fallback-demo --out $(WAREHOUSE)

# The frontend's files precompressed (brotli, gzip) and the icon font cut, as deploy/ serves them through nginx:
# dashboard/server.py sends these copies and the websocket is deflated, so a first visit to `make run` is
# ~1.8 MB instead of ~6.9 MB (docs/PERFORMANCE.md).
$(PUBLIC)/.written: $(VENV)/.installed deploy/static_files.py $(wildcard dashboard/static/*)
	$(PY) -m deploy.static_files $(PUBLIC)
	touch $@

public: $(PUBLIC)/.written

run: warehouse public
	PAD_WAREHOUSE=$(WAREHOUSE) PAD_PUBLIC_DIR=$(PUBLIC) $(PY) -m streamlit run dashboard/server.py --server.port $(PORT) \
	  --server.enableWebsocketCompression true

demo: venv
	$(PY) -m etl build --demo --out $(WAREHOUSE)

real: venv
	$(PY) -m etl build --raw-dir $(SHARED_DATA) --out $(WAREHOUSE)

# Debian's Chromium for the browser tests (Playwright's own download needs internet access).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: run 'sudo apt-get install chromium'"; fi; }

test: venv browser
	$(PY) -m ruff check etl dashboard tests bench deploy
	$(PY) -m pytest -n 2 -m "not slow"

test-slow: venv browser
	$(PY) -m pytest -n 2 -m slow; rc=$$?; [ $$rc -eq 5 ] && echo "no slow tests yet" || exit $$rc

test-all: test test-slow

lint: venv
	$(PY) -m ruff check etl dashboard tests bench deploy

bench: venv browser
	$(PY) -m bench

clean:
	rm -rf $(VENV) $(WAREHOUSE) $(PUBLIC)
