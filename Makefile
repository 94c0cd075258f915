# Two commands: `make build` and `make test`. Everything else is set up on demand.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
CHROMIUM := /usr/lib/chromium/chromium
NODE_STAMP := node_modules/.installed
SITE ?= site
HOST ?= 127.0.0.1
PORT ?= 8000
LIMIT ?= 10

.PHONY: build serve test test-py test-js lint clean bench eval search chromium venv dist discover check

build: $(STAMP)
	$(PY) -m generator build --out $(SITE)

# A zip of the built site with a README.txt for offline readers, in dist/.
dist: build
	$(PY) -m generator.dist --site $(SITE) --out dist

serve: $(STAMP)
	$(PY) -m generator serve --host $(HOST) --port $(PORT)

venv: $(STAMP)

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(DEVSTAMP): $(STAMP) requirements-dev.txt
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

search: $(STAMP)
	$(PY) -m generator query --site $(SITE) --limit $(LIMIT) "$(Q)"

# Build speed and memory beside Hugo and Pelican (issue 6). Several minutes on the full Reuters corpus;
# e.g. BENCH_ARGS="--limit 2000 --repeat 1" for a quick look, add --work DIR to keep outputs and the import.
BENCH_ARGS ?= --peers hugo,pelican --scale5
bench: $(STAMP)
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
	$(PY) -m generator discover

# Everything the build validates, without writing; then a link check of the built site.
check: $(STAMP)
	$(PY) -m generator check

clean:
	rm -rf $(SITE) $(SITE).whoosh .site-* .pytest_cache .ruff_cache dist $(SEARCH_WORK) $(SEARCH_WORK).jsonl
