# bitbucket.datacenter: the two commands are `make demo` and `make test`.
# Everything else here is a step of those two. Every step installs what it needs.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
BUILD := $(CURDIR)/build
# ansible-test needs the collection under ansible_collections/<namespace>/<name>.
STAGE := $(BUILD)/collections
STAGED := $(STAGE)/ansible_collections/bitbucket/datacenter
# `make emulator` serves on PORT; the test suite uses its own port so both can run at once.
PORT ?= 7990
TEST_PORT ?= 7991
export PATH := $(BIN):$(PATH)

.PHONY: help venv demo test lint sanity unit integration contract molecule emulator stage bench clean

help:
	@echo "make demo      build, install, start the emulator, run examples/site.yml twice (second run changed=0)"
	@echo "make test      the whole suite: lint, sanity, unit, integration (both execution paths), contract, molecule"
	@echo "make emulator  run the Bitbucket DC emulator in the foreground on 127.0.0.1:$(PORT) (PORT=...)"
	@echo "make bench     per-task cost of the in-process and module paths, and against ansible.builtin.uri"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-test.txt
	touch $@

demo: venv
	PORT=$(PORT) tools/demo.sh

emulator: venv
	PYTHONPATH=tests/emulator $(BIN)/python -m bitbucket_emulator --host 127.0.0.1 --port $(PORT)

stage: venv
	$(BIN)/python tools/stage_collection.py $(STAGE)

test: lint unit sanity integration contract molecule
	@echo "make test: every step passed"
	@$(BIN)/python tools/test_summary.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/yamllint --strict .
	$(BIN)/ansible-lint --profile production

# Each pytest step leaves a JUnit report in build/reports for the closing summary of `make test`.
REPORTS := $(BUILD)/reports

unit: venv
	mkdir -p $(REPORTS)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/unit tests/contract -m "not recorded" --junitxml=$(REPORTS)/unit.xml

sanity: stage
	tools/sanity.sh $(STAGED)

integration: stage
	mkdir -p $(REPORTS)
	tools/integration.sh $(STAGED) $(TEST_PORT) $(REPORTS)/e2e.xml

contract: venv
	mkdir -p $(REPORTS)
	BITBUCKET_CONTRACT_LOG=$(BUILD)/integration/requests.json $(BIN)/python -m pytest -q -p no:cacheprovider tests/contract -m recorded \
		--junitxml=$(REPORTS)/contract.xml

molecule: stage
	tools/molecule.sh $(STAGE)

bench: stage
	$(BIN)/python tests/benchmarks/bench_execution.py --collections $(STAGE)

clean:
	rm -rf $(BUILD) tests/output
