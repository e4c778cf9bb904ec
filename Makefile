# The two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_INDEX ?= demo-index
PORT ?= 8000

.PHONY: demo test install install-api install-dev lint bench export clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Core install: no torch (inference runs on onnxruntime).
install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

# Core + the web service (FastAPI, uvicorn).
install-api: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[api]"

# Everything, for tests: torch==2.13.0 is pinned so pip takes the local CPU wheel.
install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[all]"

demo: install-api
	$(BIN)/modasearch demo --index $(DEMO_INDEX) --serve --port $(PORT)

test: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

# Rebuild the shipped ONNX models from their PyPI weight packages.
export: install-dev
	$(BIN)/modasearch models export

bench: install-dev
	$(BIN)/python benchmarks/hm_text.py

clean:
	rm -rf $(VENV) $(DEMO_INDEX) .pytest_cache .mypy_cache .ruff_cache
