# The README's two commands: `make run` and `make test`. Both set up first.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export GX_ANALYTICS_ENABLED := false
export DAGSTER_DISABLE_TELEMETRY := 1

.PHONY: setup run api test lint format ui demo-data bench clean

setup: $(VENV)/.synced

# A venv with the locked packages (uv.lock). uv itself is locked too, so sync keeps it.
$(VENV)/.synced: pyproject.toml uv.lock
	test -x $(BIN)/python || python3 -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install -q "uv==$(UV_VERSION)"
	$(BIN)/uv sync --frozen --all-groups
	touch $@

run: setup  ## materialize every asset on the embedded default and print a summary
	$(BIN)/bizdev run

api: setup  ## the HTTP API (docs/api.md) on 127.0.0.1:8000, on the same settings as `make run`
	$(BIN)/bizdev api

test: setup lint  ## the whole test suite (starts its own servers)
	$(BIN)/pytest

lint: setup  ## formatting, lint rules, and the import contracts in pyproject.toml
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

ui: setup  ## Dagster UI + daemon (sensor on) with a persistent DAGSTER_HOME
	mkdir -p "$(DAGSTER_HOME)"
	test -f "$(DAGSTER_HOME)/dagster.yaml" || cp dagster.yaml "$(DAGSTER_HOME)/dagster.yaml"
	$(BIN)/dagster dev -w workspace.yaml

demo-data: setup
	$(BIN)/bizdev demo-data

bench: setup
	$(BIN)/python bench/pipeline.py --rows 100000

clean:
	rm -rf data .dagster_home
