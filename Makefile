# Every target sets itself up: a fresh clone needs only python3, node and npm.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
CDK_STAMP := infra/node_modules/.installed-$(shell cat infra/package.json infra/package-lock.json 2>/dev/null | sha1sum | cut -c1-12)
WEB_STAMP := web/node_modules/.installed-$(shell cat web/package.json web/package-lock.json 2>/dev/null | sha1sum | cut -c1-12)
# The web app's build is current when this holds the hash of web/ (sources, lock file and
# the API's OpenAPI document it is generated from) as the last build left it.
WEB_BUILT := .build/web-dist.sha1
WEB_HASH = find web -path web/node_modules -prune -o -path web/dist -prune -o -type f -print0 \
	| sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40
# Browser tests drive Debian's Chromium (tests/browser); Playwright never downloads one.
CHROMIUM := /usr/bin/chromium
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1
# Synth needs a region only to check resource types: us-east-1 unless you set one. Deploy
# is not given one: it uses your AWS profile's region (or AWS_REGION / AWS_DEFAULT_REGION
# if you set them). The tests set their own.
SYNTH_REGION = AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1}
# Assets without the runtime's (3.13) bytecode fail the synth instead of warning:
# `make setup` installs a 3.13 (Pyodide's) when the machine has none (infra/bundling.py).
export ONEWINDOW_REQUIRE_BYTECODE := 1

.PHONY: setup wheels browser web screenshots test unit lint format synth run users demo bench deploy clean openapi calendar

# Everything the tests and synth need from the network, so that they then run offline:
# the virtualenv, the CDK CLI and Pyodide (npm), the Lambda layer's wheels, the browser.
setup: $(STAMP) $(CDK_STAMP) wheels browser

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

$(CDK_STAMP): infra/package.json infra/package-lock.json
	npm ci --prefix infra --no-audit --no-fund --loglevel=error
	rm -f infra/node_modules/.installed-* && touch $@

$(WEB_STAMP): web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund --loglevel=error
	rm -f web/node_modules/.installed-* && touch $@

# Debian's Chromium and the CJK fonts (Chinese renders as boxes without them) for the
# browser tests, when missing: Playwright's own browser download cannot be reached here.
browser:
	@if [ ! -x $(CHROMIUM) ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		echo "make setup: installing Debian's chromium and fonts-noto-cjk for the browser tests (apt-get, needs root)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

# The web app (web/) into web/dist, with its API client generated from the API's OpenAPI
# document: npm ci when the lock file changes, a build when web/ or the API changes.
web: $(STAMP) $(WEB_STAMP)
	@mkdir -p web/src/api .build
	@$(PY) -m functions.api.openapi > web/src/api/openapi.json.new
	@cmp -s web/src/api/openapi.json.new web/src/api/openapi.json \
		&& rm web/src/api/openapi.json.new || mv web/src/api/openapi.json.new web/src/api/openapi.json
	@if [ -f web/dist/index.html ] && [ "$$($(WEB_HASH))" = "$$(cat $(WEB_BUILT) 2>/dev/null)" ]; then \
		echo "web/dist is current"; \
	else \
		npm run build --prefix web && $(WEB_HASH) > $(WEB_BUILT); \
	fi

# The Lambda layer's wheels for its platform, into .build/wheels (a no-op when current).
wheels: $(STAMP)
	$(PY) -m infra.bundling

test: setup web
	$(PY) -m pytest -q

# Retakes the README's screenshots (docs/screenshots) from the browser journey in English.
screenshots: setup web
	ONEWINDOW_SCREENSHOTS=docs/screenshots $(PY) -m pytest -q tests/browser -k "journey and en"

unit: $(STAMP)
	$(PY) -m pytest -q tests/unit

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy shared functions infra

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The whole system on this machine: embedded AWS on :4566, the web app on :3000 with the
# API under /api/ (Ctrl-C stops).
run: $(STAMP) web
	$(PY) -m infra.local

# With `make run` going: demo users (a citizen, one officer per department, followup, ops).
users: $(STAMP)
	$(PY) -m infra.local.users demo

# With `make run` going: a batch of cases through every stage (COUNT=20 by default).
COUNT ?= 20
demo: $(STAMP)
	$(PY) -m infra.local.demo --count $(COUNT)

# Benchmarks, not tests: cold starts, cost per 1,000 cases, flat cost, throughput.
bench: setup web
	$(PY) -m infra.bench

synth: setup
	$(SYNTH_REGION) infra/node_modules/.bin/cdk synth --quiet

# To your AWS account (credentials and region from your AWS profile). Scripts then use
# ONEWINDOW_OUTPUTS=.local/outputs.deployed.json to drive the deployed stack. CDK_ARGS adds
# CLI options, e.g. CDK_ARGS="-c catalogSource=own" for a zone that loads its own list.
deploy: setup web
	mkdir -p .local
	infra/node_modules/.bin/cdk deploy --require-approval broadening --outputs-file .local/outputs.deployed.json $(CDK_ARGS)

openapi: $(STAMP)
	mkdir -p .local && $(PY) -m functions.api.openapi > .local/openapi.json

# China's working-day calendar (shared/data/calendar.json) from the pinned `holidays`
# package; run after changing the pin (a unit test fails until the file matches it).
calendar: $(STAMP)
	$(PY) -m infra.calendar_data

clean:
	rm -rf cdk.out .build .local .pytest_cache web/dist
