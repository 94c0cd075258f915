# Two commands: `make build` and `make test`. Everything else is set up on demand.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
CHROMIUM := /usr/lib/chromium/chromium
NODE_STAMP := node_modules/.installed
# Which archive: `make build|serve|check|dist|search SEEDS=… CONTENT=… SITE=…` (default: the bundled one).
SEEDS ?= seeds
CONTENT ?= content
SITE ?= site
DIST ?= dist
ARCHIVE := $(VENV)/bin/archive
HOST ?= 127.0.0.1
PORT ?= 8000
LIMIT ?= 10

.PHONY: build serve test test-py test-js test-long lint clean bench eval search chromium venv dist discover check mutants screenshots

build: $(STAMP)
	$(ARCHIVE) build --seeds $(SEEDS) --content $(CONTENT) --out $(SITE)

# A zip of the built site with a README.txt for offline readers, in $(DIST)/. It builds SEEDS and CONTENT
# into SITE first, except for `make dist SITE=dir` alone: that zips a site built elsewhere as it is (never
# rebuilding another archive into it); `archive dist` only reads the site.
given = $(filter-out undefined default file,$(origin $(1)))
DIST_BUILDS := $(if $(call given,SITE),$(call given,SEEDS)$(call given,CONTENT),yes)
dist: $(STAMP)
	$(if $(DIST_BUILDS),$(ARCHIVE) build --seeds $(SEEDS) --content $(CONTENT) --out $(SITE))
	$(ARCHIVE) dist --site $(SITE) --out $(DIST)

serve: $(STAMP)
	$(ARCHIVE) serve --seeds $(SEEDS) --content $(CONTENT) --out $(SITE) --host $(HOST) --port $(PORT)

venv: $(STAMP)

# The project itself goes in too (editable, no dependencies), as the console command `archive`; its build
# backend (setuptools) comes from the package index pip is configured with, a local mirror works offline.
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(DEVSTAMP): $(STAMP) requirements-dev.txt requirements-cluster.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

chromium:
	@test -x $(CHROMIUM) || { \
	  echo "installing Debian's chromium"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: $(DEVSTAMP)
	$(PY) -m ruff check generator tests
	$(VENV)/bin/lint-imports

test-js: $(NODE_STAMP)
	node --test tests/js/

test-py: $(DEVSTAMP) $(NODE_STAMP) chromium
	$(PY) -m pytest -q tests

test: lint test-js test-py

# The incremental property test at length: PROPERTY_RUNS sequences of PROPERTY_STEPS edits each (seeds from
# PROPERTY_SEED, default the day; `make test` runs one short sequence). Several minutes.
PROPERTY_RUNS ?= 4
PROPERTY_STEPS ?= 150
test-long: $(DEVSTAMP)
	PROPERTY_RUNS=$(PROPERTY_RUNS) PROPERTY_STEPS=$(PROPERTY_STEPS) $(PY) -m pytest -q tests/incremental/test_incremental_property.py tests/model/test_related.py tests/search/test_search_incremental.py

# Planted mutants of the incremental code (tests/mutants/mutants.toml): each must make a test fail; prints
# the kill rate. MUTANTS="name ..." runs only those. Runs the incremental tests once per mutant: ~15-30 minutes.
MUTANTS ?=
mutants: $(DEVSTAMP)
	$(PY) tests/mutants/run.py $(MUTANTS)

# The README's screenshots (docs/screenshots/*.png) from the bundled archive, in Debian's Chromium.
screenshots: $(DEVSTAMP) chromium
	$(PY) tests/screenshots.py

search: $(STAMP)
	$(ARCHIVE) query --site $(SITE) --limit $(LIMIT) "$(Q)"

# Build speed and memory beside Hugo and Pelican (issue 6). Several minutes on the full Reuters corpus;
# e.g. BENCH_ARGS="--limit 2000 --repeat 1" for a quick look, add --work DIR to keep outputs and the import,
# --cluster-local 2 for a cold build on a Dask LocalCluster beside ours (the cluster extra is in the dev requirements).
# The dev server is measured in Chromium (Playwright, from the dev requirements).
BENCH_ARGS ?= --peers hugo,pelican --scale 5
bench: $(DEVSTAMP) chromium
	$(PY) -m generator.bench $(BENCH_ARGS)

# Search cost on Reuters (bytes and requests per query over queryset.py, page and top-bar box, from a fresh
# page; the UI's top 10 against the CLI's; held-out misspellings): ~15 minutes, kept in $(SEARCH_WORK).
SEARCH_WORK ?= .search-measure
eval: $(DEVSTAMP) chromium
	$(PY) -m generator.evaluate
	$(PY) -m generator.discover.evaluate
	$(PY) -m generator.mentions_eval
	$(PY) -m generator.search.measure --reuters --work $(SEARCH_WORK) > $(SEARCH_WORK).jsonl
	tail -n 3 $(SEARCH_WORK).jsonl

# Propose entities the registry lacks: writes content/entities.proposed.yaml to review
# (then: python -m generator discover --accept content/entities.proposed.yaml).
discover: $(STAMP)
	$(ARCHIVE) discover --seeds $(SEEDS) --content $(CONTENT)

# Everything the build validates, without writing; then, when SITE is a built site, a link check of it.
check: $(STAMP)
	$(ARCHIVE) check --seeds $(SEEDS) --content $(CONTENT) $(if $(wildcard $(SITE)/.archive-site),--site $(SITE))
	$(if $(wildcard $(SITE)/.archive-site),,@echo "links not checked: $(SITE)/ is not a built site (make build first)")

# The bundled archive's outputs only: SITE= is never deleted (it may be another archive's site).
clean:
	rm -rf site site.whoosh .site-* .pytest_cache .ruff_cache dist $(SEARCH_WORK) $(SEARCH_WORK).jsonl
