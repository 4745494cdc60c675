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

.PHONY: help venv demo test lint sanity unit integration contract molecule emulator stage bench bench-check clean
.PHONY: docs docs-lint examples packaging awx changelog matrix matrix-oldest

help:
	@echo "make demo      build, install, start the emulator, run examples/site.yml twice (second run changed=0)"
	@echo "make test      the whole suite: lint, sanity, unit, integration (both execution paths), contract, molecule"
	@echo "make emulator  run the Bitbucket DC emulator in the foreground on 127.0.0.1:$(PORT) (PORT=...)"
	@echo "make bench     the onboarding benchmark (50 projects) and the per-task cost of both paths, against ansible.builtin.uri"
	@echo "make docs      the HTML docs site in build/docs/html (antsibull-docs and Sphinx)"
	@echo "make changelog cut the release of galaxy.yml's version: CHANGELOG.rst from the fragments (which it removes)"
	@echo "make matrix    unit and integration tests on every other ansible-core release ($(CORE_RELEASES))"

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

test: lint docs-lint docs unit sanity integration contract molecule examples packaging awx matrix-oldest bench-check
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

# The onboarding benchmark (tests/benchmarks/bench_onboarding.py): 50 projects x 10 repositories, four
# variants in one run, the report and chart in build/bench. The chart needs matplotlib, which only the
# benchmark installs.
bench: stage
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	$(BIN)/python tests/benchmarks/bench_execution.py --collections $(STAGE)
	$(BIN)/python tests/benchmarks/bench_onboarding.py --collections $(STAGE) --out $(BUILD)/bench

# Its short version, a step of `make test`: a few projects, every variant converges exactly, and a
# no-op run writes nothing. Times are reported, not asserted.
bench-check: stage
	$(BIN)/python tests/benchmarks/bench_onboarding.py --collections $(STAGE) --projects 2 --repositories 3 \
		--variants in_process,uri,floor --out $(BUILD)/bench-check --check

clean:
	rm -rf $(BUILD) tests/output

# -- the ecosystem: docs site, examples, packaging, AWX, the ansible-core matrix ----------------------
# Each tool that .venv does not hold gets a virtualenv of its own, pinned in requirements/<name>.txt,
# built on first use and rebuilt when its requirements file changes.
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)

.venv-%/.installed: requirements/%.txt
	rm -rf .venv-$*
	$(PYTHON) -m venv .venv-$*
	.venv-$*/bin/python -m pip install --quiet --upgrade pip
	.venv-$*/bin/python -m pip install --quiet -r $<
	touch $@

DOCS_BIN := $(CURDIR)/.venv-docs/bin

docs: stage .venv-docs/.installed
	PATH=$(DOCS_BIN):$$PATH $(DOCS_BIN)/python tools/build_docs.py --collections $(STAGE) --dest $(BUILD)/docs

docs-lint: stage .venv-docs/.installed
	cd $(STAGED) && PATH=$(DOCS_BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$(STAGE) $(DOCS_BIN)/antsibull-docs lint-collection-docs --plugin-docs .
	$(BIN)/antsibull-changelog lint

# Every module's EXAMPLES against the emulator (tests/examples/seed.yml seeds what they expect).
examples: stage
	mkdir -p $(REPORTS)
	ANSIBLE_COLLECTIONS_PATH=$(STAGE) $(BIN)/python -m pytest -q -p no:cacheprovider tests/examples --junitxml=$(REPORTS)/examples.xml

# The changelog and a 1.0.0 release cut in a copy; the built artifact: its contents, install, modules, emulator.
packaging: venv
	mkdir -p $(REPORTS)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/release --junitxml=$(REPORTS)/packaging.xml

# The execution-environment definition (ansible-builder create, offline), the credential type's
# injectors reaching the modules, the job-template examples of the roles.
awx: stage .venv-ee/.installed
	mkdir -p $(REPORTS)
	ANSIBLE_BUILDER=$(CURDIR)/.venv-ee/bin/ansible-builder ANSIBLE_COLLECTIONS_PATH=$(STAGE) \
		$(BIN)/python -m pytest -q -p no:cacheprovider tests/awx --junitxml=$(REPORTS)/awx.xml

# Cuts the release of the version in galaxy.yml: writes CHANGELOG.rst and changelogs/changelog.yaml and
# removes the fragments. Run once, when every change of the release has landed.
changelog: venv
	$(BIN)/antsibull-changelog release --version $(VERSION)

# ansible-core releases under test. The newest runs in .venv (requirements-test.txt) through the steps
# above, sanity included; every other release this machine's Python 3.11 runs has a virtualenv of its own
# (requirements/core-<release>.txt) for unit and integration tests. ansible-core 2.20 and later need
# Python 3.12. meta/runtime.yml's requires_ansible names the oldest (tests/release/test_matrix.py).
CORE_RELEASES := 2.16 2.17 2.18
CORE_OLDEST := 2.16
# `make test` runs the oldest release's integration on these targets only (all of them when empty):
# one per module_utils pattern; see docs/testing.md for why and for the measured cost.
OLDEST_TARGETS ?= bitbucket_project bitbucket_project_info bitbucket_project_permission bitbucket_access_token

matrix-unit-%: .venv-core%/.installed
	mkdir -p $(REPORTS)
	.venv-core$*/bin/python -m pytest -q -p no:cacheprovider -n 2 tests/unit tests/contract -m "not recorded" \
		--junitxml=$(REPORTS)/unit-core$*.xml

matrix-integration-%: stage .venv-core%/.installed
	mkdir -p $(REPORTS)
	ANSIBLE_VENV_BIN=$(CURDIR)/.venv-core$*/bin INTEGRATION_STATE=$(BUILD)/matrix/core$*/integration \
		tools/integration.sh $(STAGED) $(TEST_PORT) $(REPORTS)/e2e-core$*.xml

matrix-%: matrix-unit-% matrix-integration-%
	@echo "ansible-core $*: unit and integration tests passed"

matrix: $(addprefix matrix-,$(CORE_RELEASES))

matrix-oldest:
	INTEGRATION_TARGETS="$(OLDEST_TARGETS)" $(MAKE) matrix-$(CORE_OLDEST)
