# Two commands matter: `make demo` and `make test`. Both create the virtual environment
# themselves, so a fresh machine needs only Python 3.10+ and Node.js 20+ (for jsii).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SOURCES := src tests examples benchmarks scripts

# jsii prints an 11-line end-of-life banner on Node 20 in every process; the CDK CLI
# waits on the network for notices and telemetry unless told not to.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_CLI_TELEMETRY := true
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# checkov pins old boto3/networkx/packaging: it gets its own environment. Pinned exactly,
# so a new checkov release cannot fail the build with checks nobody has reviewed.
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
CHECKOV_VERSION := 3.3.30

.PHONY: demo serve test lint typecheck unit package checkov bench proof clean venv browser

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10+ is needed, found " + sys.version)'
	@command -v node >/dev/null || { echo "Node.js 20+ is needed (aws-cdk-lib runs on jsii)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

## demo: the original new-user workflow of examples/gpt_app, run locally through the emulator
demo: $(STAMP)
	$(BIN)/python scripts/demo.py

## serve: examples/gpt_app on the emulator (with the OpenAI stand-in) until Ctrl-C
serve: $(STAMP)
	$(BIN)/python scripts/demo.py --serve

## test: every check: lint (ruff, import rules), types, the test suite, the built wheel, checkov
test: lint typecheck unit package checkov

lint: $(STAMP)
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/ruff format --check $(SOURCES)
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) browser
	$(BIN)/python -m pytest -n 2 --dist loadfile -p no:cacheprovider

## browser: Chromium and its driver for the real-browser tests; as root on Debian/Ubuntu,
## apt-get installs them when missing (elsewhere, see README "Calling it from a browser")
browser:
	@if [ -n "$$CHROMIUM_BINARY" ] && [ -n "$$CHROMEDRIVER" ]; then exit 0; fi; \
	if command -v chromedriver >/dev/null && { command -v chromium || command -v chromium-browser || command -v google-chrome; } >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing chromium and chromium-driver (apt-get) for the browser tests"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver >/dev/null; }; \
	else \
	  echo "Chromium or chromedriver is missing: the browser tests will fail (README: Calling it from a browser)"; \
	fi

## package: build sdist + wheel, twine check, sdist contents, install the wheel in a clean venv and synthesize from it
package: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist . >/dev/null
	$(BIN)/twine check --strict dist/*
	$(BIN)/python scripts/check_sdist.py dist
	$(BIN)/python scripts/check_wheel.py dist

$(CHECKOV_STAMP):
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	@touch $@

## checkov: checkov (offline) on the templates of every app in examples/, tests/, benchmarks/
checkov: $(STAMP) $(CHECKOV_STAMP)
	rm -rf build/templates
	$(BIN)/python scripts/synth_apps.py build/templates
	$(CHECKOV_VENV)/bin/checkov --config-file .checkov.yaml -d build/templates

## bench: the benchmark scripts (ratios measured side by side; not part of make test)
bench: $(STAMP)
	$(BIN)/python benchmarks/cold_start.py
	$(BIN)/python benchmarks/synth.py
	$(BIN)/python benchmarks/emulator.py

## proof: heavier fuzzing, 32x50-user load, faults, log hygiene, emulator benchmark; a summary table
proof: $(STAMP)
	$(BIN)/python scripts/proof.py

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) dist build cdk.out examples/gpt_app/cdk.out .pytest_cache .mypy_cache .ruff_cache
