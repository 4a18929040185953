# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

run: $(STAMP)
	$(BIN)/filmbot run

test: $(DEVSTAMP)
	$(BIN)/ruff check bot cogs tests bench
	$(BIN)/python -m tests.synapse --install
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/build_db.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/discord_load.py
	$(BIN)/python -m tests.synapse --install
	$(BIN)/python bench/matrix_latency.py

clean:
	rm -rf $(VENV) var
