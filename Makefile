# The two set-up commands are `make run` and `make test`; everything else is a step they call.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
SHARED_DATA ?= ../shared/data
PUBLIC ?= build/public
# The demo and the real data each have their own warehouse file, so building one never replaces the other
# (and `etl build` itself refuses to replace a warehouse of the other kind without --replace).
DEMO_WAREHOUSE ?= data/demo.duckdb
REAL_WAREHOUSE ?= data/real.duckdb
# The real files: ../shared/data when it is there, otherwise data/raw/ (filled by `python -m etl fetch`).
DATA ?= $(if $(wildcard $(SHARED_DATA)/.),$(SHARED_DATA),data/raw)
# Cases in the demo; empty means etl/demo.py's DEFAULT_CASES.
DEMO_CASES ?=

# A warehouse is rebuilt only when what it is made from changed: the ETL's code, SQL, metrics.toml and
# mappings, the catalogue and the source folders, the reference and geography files, the packages, and its raw
# files.
ETL_INPUTS := $(shell find etl data/sources.toml data/sources data/reference data/geo -type f ! -name '*.pyc' \
	2>/dev/null)
REAL_FILES = $(shell find $(DATA) -type f ! -path '*/demo/*' ! -name '*.part' 2>/dev/null)
DEMO_FILES := data/raw/demo/people.json
SERVE = PAD_PUBLIC_DIR=$(PUBLIC) $(PY) -m streamlit run dashboard/server.py --server.port $(PORT) \
	--server.enableWebsocketCompression true

.PHONY: messages lock run run-real test test-slow test-all venv dev warehouse public demo real fetch release lint bench browser clean

# The requirements files pin what the project names; requirements.lock pins what those pull in too. To upgrade
# a package: change its pin, delete requirements.lock, `make venv`, then `make lock`.
$(VENV)/.installed: requirements.txt requirements-dev.txt deploy/requirements-static.txt $(wildcard requirements.lock)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt $(if $(wildcard requirements.lock),-c requirements.lock)
	touch $@

venv: $(VENV)/.installed

# The dashboard's messages: extract every _(), N_() and ngettext() of dashboard/ into the template, then add the
# new ones to each language's catalogue (dashboard/locale/<lang>/LC_MESSAGES/messages.po) for a translator.
messages: venv
	$(VENV)/bin/pybabel -q extract --mapping-file babel.cfg --keywords "N_ ngettext:1,2" --no-location \
	  --sort-output --omit-header --width 120 --output-file dashboard/locale/messages.pot dashboard
	$(VENV)/bin/pybabel -q update --input-file dashboard/locale/messages.pot --output-dir dashboard/locale \
	  --domain messages --no-fuzzy-matching --ignore-obsolete --width 120

# After changing a requirements file and `make venv`: write requirements.lock again from what is installed.
lock: venv
	$(PY) -m deploy.lock

$(DEMO_FILES): etl/demo.py data/geo/counties.csv | $(VENV)/.installed
	$(PY) -m etl demo $(if $(DEMO_CASES),--cases $(DEMO_CASES))

$(DEMO_WAREHOUSE): $(VENV)/.installed $(ETL_INPUTS) $(DEMO_FILES)
	$(PY) -m etl build --demo --out $@

$(REAL_WAREHOUSE): $(VENV)/.installed $(ETL_INPUTS) $(REAL_FILES)
	$(if $(filter data/raw,$(DATA)),-$(PY) -m etl fetch --quiet-offline)
	$(PY) -m etl build --raw-dir $(DATA) --out $@

demo warehouse: $(DEMO_WAREHOUSE)

real: $(REAL_WAREHOUSE)

# Download the sources their owners offer for download into data/raw/ (skipped quietly offline).
fetch: venv
	$(PY) -m etl fetch --quiet-offline

# The frontend's files precompressed (brotli, gzip) and the icon font cut, as deploy/ serves them through nginx:
# dashboard/server.py sends these copies and the websocket is deflated. Written again only after an upgrade, an
# edit of dashboard/static, or an edit of code naming an icon (the font keeps only the icons named).
# Brotli quality 9, not deploy/'s 11: many times quicker to write, for copies slightly larger.
STATIC_OPTIONS := --brotli-quality 9
ICON_SOURCES := $(shell grep -rl --include='*.py' ':material/' dashboard)
$(PUBLIC)/.written: $(VENV)/.installed deploy/static_files.py $(wildcard dashboard/static/*) $(ICON_SOURCES)
	$(PY) -m deploy.static_files $(PUBLIC) $(STATIC_OPTIONS) --progress
	touch $@

public: $(PUBLIC)/.written

# The app on the demo warehouse (built, or rebuilt when its inputs changed, first).
run: $(DEMO_WAREHOUSE) public
	PAD_WAREHOUSE=$(DEMO_WAREHOUSE) $(SERVE)

# The app on the real data: DATA=... (default ../shared/data when present, else data/raw/ after `etl fetch`).
run-real: $(REAL_WAREHOUSE) public
	PAD_WAREHOUSE=$(REAL_WAREHOUSE) $(SERVE)

# The public data release of the real warehouse when there is one, else the demo's:
# data/releases/prosecutor-data-<mode>-<checksum>/.
RELEASE_WAREHOUSE ?= $(if $(wildcard $(REAL_WAREHOUSE)),$(REAL_WAREHOUSE),$(DEMO_WAREHOUSE))
release: venv
	$(PY) -m etl release --warehouse $(RELEASE_WAREHOUSE) --out data/releases

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
	rm -rf $(VENV) $(DEMO_WAREHOUSE) $(REAL_WAREHOUSE) $(basename $(DEMO_WAREHOUSE)).private.duckdb \
	  $(basename $(REAL_WAREHOUSE)).private.duckdb $(PUBLIC)
