# zkel: every target installs what it needs by itself (project virtualenv, pinned
# Python dependencies, node tools for snarkjs interop, simulators).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.zkel-setup
# pytest workers for `make test` (pytest-xdist); CI has 2 cores
JOBS ?= 2
TOOLS := tools/node_modules/.zkel-tools

.PHONY: setup tools sim-tools demo test test-all bench lint clean
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@echo "==> creating $(VENV) and installing zkel[dev] (pinned)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==25.1.1
	$(PY) -m pip install --quiet -e '.[dev]' -c constraints.txt
	@touch $@

# snarkjs and circom (WASM build) from npm, for the interoperability tests and the
# snarkjs column of `make bench`. Skipped with a warning when node/npm are absent.
tools: $(TOOLS)

$(TOOLS): tools/package.json
	@if command -v npm >/dev/null 2>&1; then \
	  echo "==> installing snarkjs and circom2 from npm into tools/"; \
	  cd tools && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.zkel-tools; \
	else echo "WARNING: npm not found; snarkjs interop tests will be skipped"; fi

# Icarus Verilog (Debian) for the cocotb benches of the gateware top level.
sim-tools:
	@command -v iverilog >/dev/null 2>&1 || { \
	  echo "==> installing iverilog (Debian package) for the cocotb benches"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq iverilog >/dev/null \
	  || echo "WARNING: could not install iverilog; the cocotb benches will not run"; }

demo: setup tools
	$(VENV)/bin/zkel demo --out build/demo

test: setup tools sim-tools
	$(PY) -m pytest -q -n $(JOBS) --dist worksteal; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected: failing"; exit 1; fi; exit $$rc

test-all: setup tools sim-tools
	$(PY) -m pytest -q -n $(JOBS) --dist worksteal -m '' ; rc=$$?; if [ $$rc -eq 5 ]; then exit 1; fi; exit $$rc

bench: setup tools sim-tools
	$(PY) -m bench.run

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) tools/node_modules .pytest_cache
