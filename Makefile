# Pressroom developer workflow. `make help` lists the targets.
# Everything runs from the project's own virtualenv (.venv), created on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SITE ?= _site
PORT ?= 8000
UP_PORT ?= 4566
SAMPLES ?= samples/articles
THEME ?=
PYTEST_ARGS ?=
BENCH_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup demo site serve watch up test unit lint typecheck security template clean bench

# The variables `make help` shows with their values (`make help PORT=9000` shows 9000).
HELP_VARS := SITE PORT UP_PORT SAMPLES BIN

help: ## List the targets (with this run's values: `make help PORT=9000`)
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) \
	  | sed $(foreach v,$(HELP_VARS),-e 's|$$($(v))|$($(v))|g') \
	  | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python >= 3.11 is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $@

setup: $(STAMP) ## Create .venv and install Pressroom with everything tests and tools need

demo: site serve ## Build $(SAMPLES) on the in-process backend and serve them on http://127.0.0.1:$(PORT)/

site: $(STAMP) ## Build $(SAMPLES) into $(SITE)/ (the functions' code on the in-process backend)
	$(BIN)/pressroom build $(SAMPLES) --out $(SITE) --site-url http://127.0.0.1:$(PORT)

serve: $(STAMP) ## Serve $(SITE)/ on http://127.0.0.1:$(PORT)/ as the CDN would (Ctrl-C stops)
	$(BIN)/pressroom serve $(SITE) --port $(PORT)

watch: $(STAMP) ## Serve $(SAMPLES) built into $(SITE)/ on http://127.0.0.1:$(PORT)/, rebuilt and reloaded on each save (THEME=dir: templates too)
	$(BIN)/pressroom serve $(SITE) --watch $(SAMPLES) --port $(PORT) $(if $(THEME),--templates $(THEME))

up: $(STAMP) ## The local stack: AWS endpoint http://127.0.0.1:$(UP_PORT), site http://127.0.0.1:$(PORT)/ (Ctrl-C stops)
	$(BIN)/pressroom up --port $(UP_PORT) --cdn-port $(PORT)

test: browser-deps lint typecheck security template unit ## Everything CI runs: lint, types, bandit, template checks, the test suite

unit: $(STAMP) ## The pytest suite
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: $(STAMP) ## ruff (lint and format check)
	$(BIN)/ruff check layers functions tests bench
	$(BIN)/ruff format --check layers functions tests bench

typecheck: $(STAMP) ## mypy: strict on the core the layer ships and on the handlers (pyproject.toml)
	$(BIN)/mypy

security: $(STAMP) ## bandit on the code (findings justified inline with `# nosec <id>`)
	$(BIN)/bandit -c pyproject.toml -q -r layers functions

template: ## cfn-lint, sam validate --lint, checkov (SAM-expanded) and sam build (offline, no Docker)
	bash tools/check-template

.PHONY: browser-deps
browser-deps: ## Install what the site tests need outside Python when missing (Debian, as root): chromium, its driver, Java
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && command -v java >/dev/null; then \
	  echo "chromium, chromedriver and java are present"; \
	else \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    chromium chromium-driver default-jre-headless; \
	fi

bench: $(STAMP) ## Benchmarks (issue 9): publish vs site size, build vs Pelican/Hugo, cold start, cost -> bench/results/ (BENCH_ARGS=--quick for a fast run)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean: ## Remove build output and caches (keeps .venv)
	rm -rf $(SITE) .aws-sam .pytest_cache .mypy_cache .ruff_cache
